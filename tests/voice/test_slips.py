"""The printable slips: one unit's page decrypts only that unit's codes, and each unit page
shown (names next to codes) is a read of protected data in the audit log (#8)."""

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.voice.conftest import codes_by_group, open_wave
from zhongjian.core import crypto
from zhongjian.core.models import AuditAction, AuditLog
from zhongjian.voice.models import WaveGroup
from zhongjian.voice.services.waves import format_token

pytestmark = pytest.mark.django_db


def test_a_unit_page_decrypts_and_shows_only_that_units_codes(survey_county, monkeypatch) -> None:
    org = client_for(survey_county.personas.org)
    wave = open_wave(survey_county)
    url = reverse("voice:wave_slips", args=[wave.pk])
    decrypted: list[str] = []
    real = crypto.decrypt_text

    def counting(cipher: str) -> str:
        decrypted.append(cipher)
        return real(cipher)

    monkeypatch.setattr("zhongjian.voice.selectors.waves.decrypt_text", counting)
    index = org.get(url).content.decode()
    assert index.count("打印本单位纸条") == 2
    assert decrypted == []  # the index counts codes, it reads none
    codes = codes_by_group(wave)
    groups = {
        unit: [g.pk for g in WaveGroup.objects.filter(wave=wave, unit_id=unit)]
        for unit in survey_county.units
    }
    unit_a_codes = [
        format_token(c) for g in groups[survey_county.personas.unit_a.pk] for c in codes[g]
    ]
    unit_b_codes = [
        format_token(c) for g in groups[survey_county.personas.unit_b.pk] for c in codes[g]
    ]
    page = org.get(url, {"page": 1}).content.decode()
    shown = [code for code in unit_a_codes + unit_b_codes if code in page]
    assert shown in (unit_a_codes, unit_b_codes) and shown
    assert len(decrypted) == len(shown)
    assert page.count("<svg") == len(shown)


def test_showing_a_unit_page_of_slips_is_an_audited_read(survey_county) -> None:
    """The auditor finds a 查阅敏感信息 row naming the wave and the page, without any name or
    code; the index of units (counts only) and a refused request write none."""
    personas = survey_county.personas
    org = client_for(personas.org)
    wave = open_wave(survey_county)
    url = reverse("voice:wave_slips", args=[wave.pk])
    org.get(url)
    assert client_for(personas.outsider_org).get(url, {"page": 1}).status_code == 404
    assert client_for(personas.head_a).get(url, {"page": 1}).status_code == 403
    assert not AuditLog.objects.filter(action=AuditAction.READ).exists()
    page = org.get(url, {"page": 2}).content.decode()
    (row,) = AuditLog.objects.filter(action=AuditAction.READ)
    assert (row.object_type, row.object_id, row.actor_id) == (
        "voice_wave",
        str(wave.pk),
        personas.org.pk,
    )
    assert row.summary == "slips page 2" and row.county_id == personas.county.pk
    codes = [format_token(c) for group in codes_by_group(wave).values() for c in group]
    assert not any(code in row.summary for code in codes)
    assert "张伟" in page or "李娜" in page
    log = client_for(personas.auditor).get(reverse("audit_log"), {"action": "read"})
    html = log.content.decode()
    assert "查阅敏感信息" in html and "slips page 2" in html
