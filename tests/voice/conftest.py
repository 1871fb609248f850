"""Survey fixtures: a county whose units are large enough for anonymous groups, and helpers."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import Personas
from zhongjian.core.crypto import decrypt_text
from zhongjian.org.choices import Gender, Tier
from zhongjian.org.models import Cadre, Unit
from zhongjian.voice.models import SpentToken, Wave, WaveToken
from zhongjian.voice.services.answering import spent_digest
from zhongjian.voice.services.waves import wave_close, wave_create, wave_open


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Report caches and rate-limit counters never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


def staff(
    unit: Unit, n: int, *, tier: str, birth: datetime.date, gender: str = Gender.MALE
) -> list[Cadre]:
    """N cadres of UNIT, each holding a post of TIER."""
    post = factories.post(unit=unit, tier=tier, headcount=n)
    people = []
    for _index in range(n):
        person = factories.cadre(unit=unit, birth_date=birth, gender=gender)
        factories.appoint(cadre=person, post=post, start=datetime.date(2020, 1, 1))
        people.append(person)
    return people


@dataclass
class SurveyCounty:
    """Unit A (township): 张伟 (股级) + 6 股级 in their 30s + 6 general staff + 2 副科 (a tier
    under k, merged); unit B (department): 李娜 + 8 general staff."""

    personas: Personas

    @property
    def units(self) -> list[int]:
        return [self.personas.unit_a.pk, self.personas.unit_b.pk]


@pytest.fixture
def survey_county(personas: Personas) -> SurveyCounty:
    staff(personas.unit_a, 6, tier=Tier.GUJI, birth=datetime.date(1990, 5, 1))
    staff(personas.unit_a, 6, tier=Tier.GENERAL, birth=datetime.date(1995, 5, 1))
    staff(personas.unit_a, 2, tier=Tier.FUKE, birth=datetime.date(1975, 5, 1))
    staff(personas.unit_b, 8, tier=Tier.GENERAL, birth=datetime.date(1988, 5, 1))
    return SurveyCounty(personas=personas)


def open_wave(
    county: SurveyCounty,
    *,
    title: str = "2026年上半年思想动态测评",
    instruments: tuple[str, ...] = ("who5:1", "cbi_work:1"),
    k: int = 5,
    free_text_k: int = 5,
    units: list[int] | None = None,
    invitation_mode: str = "slips",
) -> Wave:
    today = timezone.localdate()
    wave = wave_create(
        actor=county.personas.org,
        today=today,
        title=title,
        intro="",
        unit_ids=units or county.units,
        mid_level_only=False,
        instrument_refs=list(instruments),
        k=k,
        free_text_prompt="您还有什么想说的？",
        free_text_k=free_text_k,
        closes_on=today + datetime.timedelta(days=14),
        invitation_mode=invitation_mode,
    )
    wave_open(actor=county.personas.org, wave=wave, today=today)
    wave.refresh_from_db()
    return wave


def close(county: SurveyCounty, wave: Wave) -> None:
    wave_close(actor=county.personas.org, wave=wave, today=timezone.localdate())
    wave.refresh_from_db()


def codes_by_group(wave: Wave, *, unused: bool = False) -> dict[int, list[str]]:
    """The plain codes of each group (read back the way the slips page does), in a stable order;
    only the unused ones with UNUSED."""
    tokens = WaveToken.objects.filter(wave=wave).order_by("digest")
    spent = set(SpentToken.objects.filter(wave=wave).values_list("digest", flat=True))
    codes: dict[int, list[str]] = {}
    for group_id, cipher in tokens.values_list("group_id", "cipher"):
        code = decrypt_text(cipher)
        if not (unused and spent_digest(code) in spent):
            codes.setdefault(group_id, []).append(code)
    return codes


def spent_count(wave: Wave | None = None) -> int:
    """How many codes (of WAVE, or of every wave) have been spent."""
    rows = SpentToken.objects.all() if wave is None else SpentToken.objects.filter(wave=wave)
    return rows.count()


def all_codes(wave: Wave) -> list[str]:
    return [code for codes in codes_by_group(wave).values() for code in codes]


def answers_for(wave: Wave, level: float) -> dict[str, dict[str, int]]:
    """Every item answered with the option at LEVEL (0 lowest … 1 highest) of its options."""
    answers = {}
    for instrument in wave.instruments():
        answers[instrument.code] = {}
        for item in instrument.items:
            values = sorted(option.value for option in item.options)
            answers[instrument.code][item.code] = values[round(level * (len(values) - 1))]
    return answers


def show(client: Client, code: str, **extra: str):  # type: ignore[no-untyped-def]
    """Opens the questions of CODE as the answer page does: the code in the POST body."""
    return client.post(reverse("voice:answer"), {"code": code, **extra})


def submit(client: Client, code: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    """Submits answers with CODE as the answer page does."""
    return client.post(reverse("voice:answer"), {"code": code, "submit": "1", **data})


def form_data(wave: Wave, level: float, comment: str = "") -> dict[str, str]:
    """The fields the answer form posts (the wave it names included) for answers at LEVEL."""
    data = {"wave": str(wave.pk)}
    data |= {
        f"{code}.{item}": str(value)
        for code, items in answers_for(wave, level).items()
        for item, value in items.items()
    }
    data["comment"] = comment
    return data


def all_slips(client: Client, wave: Wave) -> str:
    """The slips pages of every unit of WAVE, one after the other."""
    url = reverse("voice:wave_slips", args=[wave.pk])
    pages = client.get(url).content.decode().count("打印本单位纸条")
    return "".join(
        client.get(url, {"page": number}).content.decode() for number in range(1, pages + 1)
    )
