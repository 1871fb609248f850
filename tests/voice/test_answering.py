"""The answering page: one submission per code, clear refusals, nothing stored before submit."""

import datetime
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.voice.conftest import (
    all_codes,
    answers_for,
    close,
    form_data,
    open_wave,
    show,
    spent_count,
    submit,
)
from zhongjian.core.models import AuditLog
from zhongjian.core.textmask import ID_MASK, NAME_MASK, PHONE_MASK
from zhongjian.voice.models import InstrumentResult, Response, Wave
from zhongjian.voice.services.waves import format_token

pytestmark = pytest.mark.django_db


def test_a_valid_code_shows_the_form_and_stores_nothing(survey_county) -> None:
    """Opening the questions shows every item, writes no row, starts no session, audits
    nothing, and the code never appears in an address."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    audit_rows = AuditLog.objects.count()
    response = show(Client(), code)
    assert response.status_code == 200
    html = response.content.decode()
    assert "我感到快乐，心情舒畅" in html and "您还有什么想说的？" in html
    assert Response.objects.count() == 0
    assert spent_count() == 0
    assert "sessionid" not in response.cookies
    assert AuditLog.objects.count() == audit_rows


def test_a_complete_submission_is_stored_once_and_the_code_is_spent(survey_county) -> None:
    """A full answer is stored with the group's coarse attributes and the day; the same code
    still opens the questions (used and unused look alike), and a second submit is refused
    and stores nothing."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    client = Client()
    response = submit(client, code, form_data(wave, 0.8))
    assert response.status_code == 302
    assert response["Location"] == reverse("voice:answer_done")
    stored = Response.objects.get()
    assert stored.submitted_on == timezone.localdate()
    assert stored.unit_id in survey_county.units
    assert InstrumentResult.objects.filter(response=stored).count() == 2
    assert spent_count() == 1
    assert show(client, code).status_code == 200
    again = submit(client, code, form_data(wave, 0.2))
    assert again.status_code == 409
    assert "已经提交过" in again.content.decode()
    assert Response.objects.count() == 1


def test_an_incomplete_submission_keeps_the_answers_and_spends_nothing(survey_county) -> None:
    """Missing items are listed, chosen answers stay checked, and the token stays unused."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    data = form_data(wave, 1.0)
    del data["who5.q3"]
    response = submit(Client(), code, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "第 3 题尚未作答" in html
    assert 'value="5" checked' in html
    assert Response.objects.count() == 0
    assert spent_count() == 0


@pytest.mark.parametrize(
    "code", ["AAAAAAAAAAAAAAAA", "not-a-code", "ZZZZ-ZZZZ-ZZZZ-ZZZ!", "0" * 64, "%E4%B8%AD"]
)
def test_forged_and_malformed_codes_get_the_same_invalid_page(survey_county, code) -> None:
    """An unknown, malformed or odd code is 'invalid' and nothing more, never a 500."""
    open_wave(survey_county)
    response = show(Client(), code)
    assert response.status_code == 404
    assert "邀请码无效" in response.content.decode()


def test_codes_are_accepted_as_typed(survey_county) -> None:
    """Lower case, dashes, spaces and O/I/L for 0/1 lead to the same invitation."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    typed = format_token(code).lower().replace("0", "o").replace("1", "l")
    response = show(Client(), f" {typed} ")
    assert response.status_code == 200
    assert "我感到快乐，心情舒畅" in response.content.decode()


def test_closed_and_overdue_waves_show_the_ended_page(survey_county) -> None:
    """After closing, or after the deadline, a code shows 'ended' and nothing is stored."""
    wave = open_wave(survey_county)
    first, second = all_codes(wave)[:2]
    Wave.objects.filter(pk=wave.pk).update(
        closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = submit(Client(), first, form_data(wave, 0.5))
    assert response.status_code == 410
    assert "已经结束" in response.content.decode()
    Wave.objects.filter(pk=wave.pk).update(closes_on=timezone.localdate())
    close(survey_county, wave)
    assert show(Client(), second).status_code == 410
    assert Response.objects.count() == 0


def test_guessing_codes_is_rate_limited_per_address(survey_county) -> None:
    """After 30 wrong codes from one address, even a valid code waits; another address not."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    for attempt in range(30):
        assert show(guesser, f"{attempt:016d}").status_code == 404
    assert show(guesser, "B" * 16).status_code == 429
    assert show(guesser, code).status_code == 429
    assert show(Client(REMOTE_ADDR="10.0.0.10"), code).status_code == 200


def test_guessing_is_limited_across_workers_in_redis(survey_county, shared_rates) -> None:
    """With REDIS_URL the counts are shared: two clients (as two workers would see them) from
    one address use up one allowance, and a fresh cache of this process forgets nothing."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    # A run of its own (the Redis counters outlive the test): a random /24 of 10.0.0.0/8.
    net = f"10.{random.randrange(256)}.{random.randrange(256)}"
    address, other = f"{net}.1", f"{net}.2"
    for attempt in range(30):
        guesser = Client(REMOTE_ADDR=address)
        assert show(guesser, f"{attempt:016d}").status_code == 404
        cache.clear()
    assert show(Client(REMOTE_ADDR=address), code).status_code == 429
    assert show(Client(REMOTE_ADDR=other), code).status_code == 200


def test_answers_are_refused_not_stored_uncounted_when_redis_is_down(
    survey_county, settings
) -> None:
    wave = open_wave(survey_county)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    refused = submit(Client(), all_codes(wave)[0], form_data(wave, 0.5))
    assert refused.status_code == 503
    assert "服务暂时不可用" in refused.content.decode()
    assert Response.objects.count() == 0


def test_free_text_is_masked_before_storage(survey_county) -> None:
    """Registered names, phone and ID numbers never reach the database."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    comment = "张伟和李娜都很辛苦，有事打13812345678，身份证110101199003071234。"
    submit(Client(), code, form_data(wave, 0.5, comment=comment))
    stored = Response.objects.get().comment
    assert "张伟" not in stored and "李娜" not in stored
    assert "13812345678" not in stored and "110101199003071234" not in stored
    assert stored == f"{NAME_MASK}和{NAME_MASK}都很辛苦，有事打{PHONE_MASK}，身份证{ID_MASK}。"


def test_submitting_writes_no_audit_row(survey_county) -> None:
    """The audit log records an address with every row, so answering must not write one."""
    wave = open_wave(survey_county)
    before = AuditLog.objects.count()
    submit(Client(REMOTE_ADDR="10.1.2.3"), all_codes(wave)[0], form_data(wave, 0.5))
    assert Response.objects.count() == 1
    assert AuditLog.objects.count() == before
    assert not AuditLog.objects.filter(ip="10.1.2.3").exists()


def test_a_submit_checked_before_another_committed_is_still_refused(survey_county) -> None:
    """The code is spent by a unique insert in the storing transaction: a submit whose check ran
    while the code was unused, but which writes after another submit, stores nothing."""
    from zhongjian.voice.services import answering

    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    today = timezone.localdate()
    checked_early = answering.invitation_get(text=code, today=today)
    answering.response_submit(
        invitation=answering.invitation_get(text=code, today=today),
        answers=answers_for(wave, 0.5),
        comment="",
        today=today,
    )
    with pytest.raises(answering.TokenUsed):
        answering.response_submit(
            invitation=checked_early, answers=answers_for(wave, 0.1), comment="", today=today
        )
    assert Response.objects.count() == 1


def _statements_touching(queries: list[dict[str, str]], table: str) -> list[str]:
    return [q["sql"] for q in queries if table in q["sql"]]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the one-statement path is PostgreSQL's"
)
def test_a_slip_submission_is_one_statement_on_postgresql(survey_county) -> None:
    """With the wave the form names, a slip is looked up, spent and stored by one statement:
    no separate lookup of the slip, and nothing else written."""
    wave = open_wave(survey_county)
    first, second = all_codes(wave)[:2]
    assert submit(Client(), first, form_data(wave, 0.5)).status_code == 302  # reads the wave
    with CaptureQueriesContext(connection) as captured:
        assert submit(Client(), second, form_data(wave, 0.5)).status_code == 302
    touching = _statements_touching(captured.captured_queries, "voice_wavetoken")
    assert len(touching) == 1 and touching[0].startswith("WITH batch AS")
    writes = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"]]
    assert writes == touching
    assert Response.objects.filter(wave=wave).count() == 2
    assert spent_count(wave) == 2
    assert InstrumentResult.objects.filter(response__wave=wave).count() == 4


@pytest.mark.parametrize("named", ["other wave", "missing", "abc", "-1", "9" * 30, ""])
def test_a_form_naming_another_or_no_wave_stores_under_the_codes_wave(
    survey_county, named: str
) -> None:
    """The wave the form names is only a hint: a form naming another open wave (with other
    instruments, or the same), none, or nonsense stores the answers under the code's own wave
    and group, once."""
    wave = open_wave(survey_county)
    other = open_wave(survey_county, title="另一批次", instruments=("who5:1",))
    same = open_wave(survey_county, title="同样的工具")
    codes = all_codes(wave)
    for index, hint in enumerate([other.pk, same.pk] if named == "other wave" else [named]):
        data = form_data(wave, 0.5)
        if hint == "missing":
            del data["wave"]
        else:
            data["wave"] = str(hint)
        assert submit(Client(), codes[index], data).status_code == 302
        assert Response.objects.filter(wave=wave).count() == index + 1
        assert spent_count(wave) == index + 1
        assert submit(Client(), codes[index], data).status_code == 409
    assert Response.objects.exclude(wave=wave).count() == 0
    assert spent_count(other) == spent_count(same) == 0


def test_the_form_names_its_wave(survey_county) -> None:
    """The questions page posts the wave it shows beside the code."""
    wave = open_wave(survey_county)
    html = show(Client(), all_codes(wave)[0]).content.decode()
    assert f'<input type="hidden" name="wave" value="{wave.pk}">' in html


def test_a_slip_of_a_wave_closed_after_its_form_was_read_is_refused(survey_county) -> None:
    """A process that read the wave while it was open still refuses its codes once it closed."""
    wave = open_wave(survey_county)
    first, second = all_codes(wave)[:2]
    assert submit(Client(), first, form_data(wave, 0.5)).status_code == 302
    close(survey_county, wave)
    response = submit(Client(), second, form_data(wave, 0.5))
    assert response.status_code == 410
    assert Response.objects.filter(wave=wave).count() == 1
