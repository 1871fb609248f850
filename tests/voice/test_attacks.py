"""The attacks of issue 8, each played by a test that now learns nothing (docs/privacy.md).

The DBA reads every table, the physical order of rows (SQLite ``rowid`` and the database
file's bytes, PostgreSQL ``xmin`` and ``ctid``), ``django_session`` and the log records of every
request; the organization department reads every report, breakdown and comparison; the sender
of codes opens any code it handed out; the server that signs online codes keeps what it saw.
The order and transaction tests commit for real (``transaction=True``) so that each
submission has its own transaction, as on a running server.
"""

import datetime
import gc
import logging
import random
import re

import numpy as np
import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import client_for
from tests.voice.conftest import (
    SurveyCounty,
    all_codes,
    close,
    codes_by_group,
    form_data,
    open_wave,
    show,
    staff,
    submit,
)
from zhongjian.core.errors import DomainError
from zhongjian.org.choices import Tier
from zhongjian.voice import blind
from zhongjian.voice.anonymity import anonymous_tables_shuffle
from zhongjian.voice.models import (
    InstrumentResult,
    Response,
    SpentToken,
    WaveDraw,
    WaveGroup,
    WaveGroupKey,
    WaveToken,
)
from zhongjian.voice.selectors.reports import GroupFilter, wave_report
from zhongjian.voice.services.answering import ONLINE_PREFIX, online_code

BOARD = "voice:board_new"


# -- the organization department: differencing across tables ---------------------------------


@pytest.fixture
def nested_unit(personas) -> SurveyCounty:  # type: ignore[no-untyped-def]
    """One unit as in the issue: 股级 in their 30s (8), 40s (12) and 50s (5), general staff in
    their 50s (10). Every group has at least k = 5 invitees."""
    unit = factories.unit(county=personas.county, name="测试镇")
    staff(unit, 8, tier=Tier.GUJI, birth=datetime.date(1992, 5, 1))
    staff(unit, 12, tier=Tier.GUJI, birth=datetime.date(1982, 5, 1))
    staff(unit, 5, tier=Tier.GUJI, birth=datetime.date(1972, 5, 1))
    staff(unit, 10, tier=Tier.GENERAL, birth=datetime.date(1971, 5, 1))
    county = SurveyCounty(personas=personas)
    county.unit = unit  # type: ignore[attr-defined]
    return county


def _answer_nested(county: SurveyCounty):  # type: ignore[no-untyped-def]
    """6 + 10 + 1 股级 and 8 general staff answer; the lone 50s 股级 answers all-lowest."""
    wave = open_wave(county, units=[county.unit.pk], free_text_k=5)  # type: ignore[attr-defined]
    groups = {
        (group.tier, group.age_band): group.pk for group in WaveGroup.objects.filter(wave=wave)
    }
    codes = codes_by_group(wave)
    plan = {("guji", "30s"): 6, ("guji", "40s"): 10, ("guji", "50s"): 1, ("general", "50s"): 8}
    for (tier, band), count in plan.items():
        level = 0.0 if (tier, band) == ("guji", "50s") else 0.8
        for code in codes[groups[(tier, band)]][:count]:
            assert submit(Client(), code, form_data(wave, level)).status_code == 302
    close(county, wave)
    return wave, groups


def _published(county: SurveyCounty, wave) -> list[tuple[GroupFilter, int, dict]]:  # type: ignore[no-untyped-def]
    """Every cell the organization department can read: each group the report offers, by each
    breakdown, with its n and its per-item answer counts (share x n)."""
    org = county.personas.org
    today = timezone.localdate()
    unit = str(county.unit.pk)  # type: ignore[attr-defined]
    filters = [GroupFilter(), GroupFilter(unit=unit)]
    filters += [GroupFilter(unit=unit, tier=tier) for tier in Tier.values]
    filters += [GroupFilter(tier=tier) for tier in Tier.values]
    filters += [GroupFilter(age_band=band) for band in ("u30", "30s", "40s", "50s", "60p")]
    cells = []
    for group in filters:
        for by in ("tier", "unit", "age_band", "unit_kind"):
            try:
                report = wave_report(user=org, wave_id=wave.pk, by=by, group=group, today=today)
            except (Http404, DomainError):  # a refused view publishes nothing
                continue
            if report.total.published:
                counts = {
                    (code, index, label): share * report.total.n / 100
                    for code, figures in report.items.items()
                    for index, figure in enumerate(figures)
                    for label, share in figure.options
                }
                cells.append((report.group, report.total.n, counts))
    return cells


def test_the_issue_8_differencing_attack_learns_nothing(nested_unit) -> None:
    """(unit x 股级, n = 17) - (30s, n = 6) - (40s, n = 10) rebuilt the lone 50s 股级's exact
    answers. Now at least one of the three cells is hidden, and no combination of all published
    cells (solved as a linear system over the finest groups) isolates fewer than k people."""
    wave, _groups = _answer_nested(nested_unit)
    cells = _published(nested_unit, wave)
    unit = str(nested_unit.unit.pk)  # type: ignore[attr-defined]
    by_group = {group: (n, counts) for group, n, counts in cells}
    attack = [
        GroupFilter(unit=unit, tier="guji"),
        GroupFilter(age_band="30s"),
        GroupFilter(age_band="40s"),
    ]
    assert not all(group in by_group for group in attack)
    # The general attacker: each published cell as a 0/1 vector over the finest groups.
    atoms = {("guji", "30s"): 6, ("guji", "40s"): 10, ("guji", "50s"): 1, ("general", "50s"): 8}
    names = list(atoms)

    def members(group: GroupFilter) -> list[int]:
        return [
            int(
                (group.tier in (None, tier))
                and (group.age_band in (None, band))
                and group.unit in (None, unit)
            )
            for tier, band in names
        ]

    matrix = np.array([members(group) for group, _n, _c in cells] or [[0] * len(names)])
    rank = np.linalg.matrix_rank(matrix)
    for index, (atom, n) in enumerate(atoms.items()):
        if n < wave.k:
            probe = np.vstack([matrix, np.eye(len(names))[index]])
            assert np.linalg.matrix_rank(probe) > rank, f"{atom} is given away"
    assert len(cells) >= 1  # the county total is still published


def test_the_attack_would_have_worked_on_the_tables_alone(nested_unit) -> None:
    """The sanity check of the attack: each table checked on its own publishes all three cells
    (so the joint check is what stops it)."""
    from zhongjian.voice.suppression import CellStats, suppress_table

    main = suppress_table(
        cells={("u", "guji"): CellStats(n=17), ("u", "general"): CellStats(n=8)}, k=5
    )
    bands = suppress_table(
        cells={("30s",): CellStats(n=6), ("40s",): CellStats(n=10), ("50s",): CellStats(n=9)}, k=5
    )
    assert main[("u", "guji")].published
    assert bands[("30s",)].published and bands[("40s",)].published


# -- the sender of codes: used or unused ----------------------------------------------------


def _without_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'name="code" value="[^"]+"', "", html)


def test_the_sender_cannot_tell_a_used_code_from_an_unused_one(survey_county) -> None:
    """Opening a used and an unused code of the same group gives the same status and the same
    page (but for the code itself): only spending a code tells, and that spends it."""
    wave = open_wave(survey_county)
    first, second = next(iter(codes_by_group(wave).values()))[:2]
    assert submit(Client(), first, form_data(wave, 0.5)).status_code == 302
    used, unused = show(Client(), first), show(Client(), second)
    assert used.status_code == unused.status_code == 200
    assert _without_tokens(used.content.decode()) == _without_tokens(unused.content.decode())


# -- the DBA: sessions and logs -------------------------------------------------------------


def test_no_session_row_is_ever_written(survey_county, caplog) -> None:
    """A signed-in cadre posts on the board and comments, a respondent answers: django_session
    stays empty (sessions are signed cookies) and no log record holds the code."""
    caplog.set_level(logging.DEBUG)
    wave = open_wave(survey_county)
    code = next(iter(codes_by_group(wave).values()))[0]
    cadre = client_for(survey_county.personas.cadre)
    assert cadre.get(reverse("voice:board")).status_code == 200
    response = cadre.post(
        reverse(BOARD),
        {"category": "burden", "title": "报表太多了", "body": "每周都要填很多重复的表格。"},
    )
    assert response.status_code == 302
    assert submit(cadre, code, form_data(wave, 0.5)).status_code == 302
    assert Session.objects.count() == 0
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert code not in logged and code not in reverse("voice:answer")


def test_the_idle_timeout_still_signs_out_after_thirty_minutes(personas, monkeypatch) -> None:
    """Every request re-signs the cookie; a cookie last signed 31 minutes ago is refused."""
    import time as time_module

    client = Client()
    client.force_login(personas.cadre)
    assert client.get(reverse("voice:board")).status_code == 200
    now = time_module.time()
    monkeypatch.setattr("django.core.signing.time.time", lambda: now + 29 * 60)
    assert client.get(reverse("voice:board")).status_code == 200  # renewed here
    monkeypatch.setattr("django.core.signing.time.time", lambda: now + 29 * 60 + 31 * 60)
    assert client.get(reverse("voice:board")).status_code == 302


# -- the DBA: physical order and transaction ids --------------------------------------------

ROUNDS = 20


def _submit_in_order(county: SurveyCounty):  # type: ignore[no-untyped-def]
    """ROUNDS responses, each with a marker comment, submitted one after the other."""
    wave = open_wave(county, free_text_k=5)
    codes = [code for group in codes_by_group(wave).values() for code in group][:ROUNDS]
    for index, code in enumerate(codes):
        data = form_data(wave, 0.5, comment=f"标记{index:02d}号意见")
        assert submit(Client(), code, data).status_code == 302
    return wave


def _order_of(pairs: list[tuple[object, str]]) -> list[int]:
    """Submission numbers in the order of the physical key."""
    return [int(re.search(r"标记(\d\d)", comment).group(1)) for _key, comment in sorted(pairs)]  # type: ignore[union-attr]


def _spearman(order: list[int]) -> float:
    positions = np.arange(len(order))
    return float(np.corrcoef(positions, np.array(order))[0, 1])


@pytest.mark.django_db(transaction=True)
def test_after_the_reshuffle_physical_order_and_transactions_say_nothing(survey_county) -> None:
    """Before: rowid/ctid follow submission order (the window docs/privacy.md states). After the
    re-shuffle: the order of rowid (SQLite) or ctid (PostgreSQL) is unrelated to submission
    order, every response and every spent code carries one and the same xmin, the SQLite
    file holds each comment once (no old copy in a free page), and the rewritten rows keep
    their county key."""
    wave = _submit_in_order(survey_county)
    if connection.vendor == "sqlite":
        query = "SELECT rowid, comment FROM voice_response"
    else:
        query = (
            "SELECT (ctid::text::point)[0] * 1000 + (ctid::text::point)[1], comment "
            "FROM voice_response"
        )
    with connection.cursor() as cursor:
        cursor.execute(query)
        before = _order_of(cursor.fetchall())
    assert _spearman(before) > 0.9  # the attack works until the re-shuffle
    anonymous_tables_shuffle()
    with connection.cursor() as cursor:
        cursor.execute(query)
        after = _order_of(cursor.fetchall())
    assert abs(_spearman(after)) < 0.8
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM voice_response UNION "
                "SELECT DISTINCT xmin::text FROM voice_spenttoken UNION "
                "SELECT DISTINCT xmin::text FROM voice_instrumentresult"
            )
            assert len(cursor.fetchall()) == 1
    else:
        import sqlite3
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            copy = sqlite3.connect(Path(folder) / "copy.sqlite3")
            connection.ensure_connection()
            connection.connection.backup(copy)  # a page-exact copy, free pages included
            copy.close()
            raw = (Path(folder) / "copy.sqlite3").read_bytes()
        for index in range(ROUNDS):
            assert raw.count(f"标记{index:02d}号意见".encode()) == 1
        in_file = sorted(range(ROUNDS), key=lambda i: raw.index(f"标记{i:02d}号意见".encode()))
        assert abs(_spearman(in_file)) < 0.8
    assert Response.objects.filter(wave=wave).count() == ROUNDS
    for rows in (
        Response.objects.filter(wave=wave),
        InstrumentResult.objects.filter(response__wave=wave),
        SpentToken.objects.filter(wave=wave),
    ):
        assert set(rows.values_list("county_id", flat=True)) == {wave.county_id}


# -- the signer of online codes -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_signing_server_cannot_link_a_code_to_the_cadre_who_drew_it(survey_county) -> None:
    """Two cadres of one group draw; the server keeps each blinded message it signed, the draw
    rows and, later, both submitted codes. With its private key it finds a valid blinding factor
    for EVERY pairing of draw and code, so the pairing is not determined; the codes answer once."""
    wave = open_wave(survey_county, invitation_mode="online")
    assert not WaveToken.objects.filter(wave=wave).exists()
    group = next(
        g
        for g in WaveGroup.objects.filter(wave=wave)
        if survey_county.personas.cadre_a.pk in g.members
    )
    users = [survey_county.personas.cadre]
    for cadre_id in [m for m in group.members if m != survey_county.personas.cadre_a.pk][:1]:
        users.append(
            factories.user(role="cadre", county=survey_county.personas.county, cadre_id=cadre_id)
        )
    seen, codes = [], []
    for user in users:
        client = client_for(user)
        page = client.get(reverse("voice:my_survey", args=[wave.pk])).content.decode()
        modulus = re.search(r'data-modulus="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
        public = blind.PublicKey(n=int(modulus, 16), e=65537)
        message = random.randbytes(blind.MESSAGE_LENGTH)
        blinded, inv = blind.blind(public, message)
        answer = client.post(
            reverse("voice:code_draw", args=[wave.pk]),
            {"blinded": blinded.hex()},
            content_type="application/json",
        )
        assert answer.status_code == 200
        signature = blind.finalize(public, message, bytes.fromhex(answer.json()["blind_sig"]), inv)
        again = client.post(
            reverse("voice:code_draw", args=[wave.pk]),
            {"blinded": blinded.hex()},
            content_type="application/json",
        )
        assert again.status_code == 409
        seen.append(blinded)
        codes.append(
            (
                message,
                signature,
                online_code(group_id=group.pk, message=message, signature=signature),
            )
        )
    assert WaveDraw.objects.filter(wave=wave).count() == 2
    for _message, _signature, code in codes:
        assert code.startswith(ONLINE_PREFIX)
        assert submit(Client(), code, form_data(wave, 0.5)).status_code == 302
        assert submit(Client(), code, form_data(wave, 0.5)).status_code == 409
    assert SpentToken.objects.filter(wave=wave).count() == 2
    key = WaveGroupKey.objects.get(group=group)
    from zhongjian.core.crypto import decrypt_text

    private = blind.private_from_pem(decrypt_text(key.private_cipher)).private_numbers()
    n, d = private.public_numbers.n, private.d
    for blinded in seen:
        for message, _signature, _code in codes:
            encoded = blind.emsa_pss_encode(message, n.bit_length() - 1, b"\0" * 48)
            # Some r with blinded = encoded' * r^e exists for any encoding: RSA is a permutation.
            ratio = int.from_bytes(blinded, "big") * pow(int.from_bytes(encoded, "big"), -1, n) % n
            r = pow(ratio, d, n)
            assert pow(r, 65537, n) == ratio
    forged = online_code(group_id=group.pk, message=b"x" * 32, signature=codes[0][1])
    assert show(Client(), forged).status_code == 404


def test_answers_stay_apart_from_draws(survey_county) -> None:
    """A draw row names a cadre and a wave only: no group key, code, digest or time."""
    names = {field.name for field in WaveDraw._meta.concrete_fields}
    assert names == {"id", "county", "wave", "cadre"}


@pytest.mark.django_db
@pytest.mark.parametrize("counts", ["cache", "redis"])
def test_the_server_process_keeps_no_answerers_address(
    survey_county: SurveyCounty,
    caplog: pytest.LogCaptureFixture,
    counts: str,
    request: pytest.FixtureRequest,
) -> None:
    """Someone who can read the app server's memory (a core dump, a debugger) finds no address
    of a client who answered or tried codes once its requests are over: the rate limits keep a
    keyed hash of it in the cache (or Redis, on a connection of the thread's own) and nothing in
    the process (docs/privacy.md)."""
    if counts == "redis":
        request.getfixturevalue("shared_rates")
    # Django logs the refused code's 404 with the request; pytest keeps every log record (and
    # so the request) to the end of the test, where a server's handlers write it and forget it.
    caplog.set_level(logging.ERROR, logger="django.request")
    wave = open_wave(survey_county)
    codes = all_codes(wave)
    rng = random.Random(8)
    octets = [str(rng.randrange(1, 255)) for _ in range(2)]
    address = ".".join(["198", "51", *octets])  # built at run time, so not a constant
    fingerprint = hash(address)
    client = Client(REMOTE_ADDR=address)
    assert submit(client, codes[0], form_data(wave, 0.5)).status_code == 302
    assert client.post(reverse("voice:answer"), {"code": "WRONGCODE0000000"}).status_code in (
        400,
        404,
    )
    del client, address
    gc.collect()

    # Every object reachable from what the collector tracks, untracked containers too (a tuple
    # or dict of strings only, as a cache key, is not listed by gc.get_objects()).
    seen: set[int] = set()
    pending = gc.get_objects()
    holders = []
    while pending:
        container = pending.pop()
        for item in gc.get_referents(container):
            if isinstance(item, str):
                if hash(item) == fingerprint and item.startswith("198.51."):
                    holders.append(type(container))
            elif id(item) not in seen and isinstance(item, tuple | dict | list | set | frozenset):
                seen.add(id(item))
                pending.append(item)
    assert not holders
