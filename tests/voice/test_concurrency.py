"""Single use under concurrent submits: exactly one of many submits of a code is stored, and
submits of different codes are all stored (no double count, no loss); on PostgreSQL,
submissions that arrive together are written by one statement (group commit)."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import DatabaseError, OperationalError, connection, connections
from django.utils import timezone

from tests.voice.conftest import all_codes, answers_for, open_wave, spent_count
from zhongjian.voice.models import InstrumentResult, Response
from zhongjian.voice.services import answering
from zhongjian.voice.services.answering import (
    TokenUsed,
    invitation_get,
    opened_wave,
    response_submit,
    slip_submit,
)

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8


def submit_retrying(submit: Callable[[], None]) -> str:
    """Runs SUBMIT and says how it ended. The in-memory SQLite test database reports a busy
    table at once ('table is locked') where a file database waits (busy timeout): retry then."""
    for _attempt in range(200):
        try:
            submit()
        except TokenUsed:
            return "used"
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.01)
        else:
            return "stored"
    return "gave up"


def run_together(tasks: list[Callable[[], None]]) -> list[str]:
    barrier = threading.Barrier(len(tasks))
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(task: Callable[[], None]) -> None:
        try:
            barrier.wait()
            outcome = submit_retrying(task)
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(task,)) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_one_code_submitted_at_once_by_many_is_stored_once(survey_county) -> None:
    """Eight simultaneous submits of one code: one stored, seven told it is used."""
    wave = open_wave(survey_county)
    code = all_codes(wave)[0]
    answers = answers_for(wave, 0.5)
    today = timezone.localdate()

    def submit() -> None:
        response_submit(
            invitation=invitation_get(text=code, today=today),
            answers=answers,
            comment="",
            today=today,
        )

    outcomes = run_together([submit] * THREADS)
    assert sorted(outcomes) == ["stored"] + ["used"] * (THREADS - 1)
    assert Response.objects.filter(wave=wave).count() == 1
    assert spent_count(wave) == 1


def test_different_codes_submitted_at_once_are_all_stored(survey_county) -> None:
    """Eight simultaneous submits of eight codes: eight responses, eight codes spent."""
    wave = open_wave(survey_county)
    codes = all_codes(wave)[:THREADS]
    answers = answers_for(wave, 0.5)
    today = timezone.localdate()
    tasks = [
        (
            lambda code=code: response_submit(
                invitation=invitation_get(text=code, today=today),
                answers=answers,
                comment="",
                today=today,
            )
        )
        for code in codes
    ]
    assert run_together(tasks) == ["stored"] * THREADS
    assert Response.objects.filter(wave=wave).count() == THREADS
    assert spent_count(wave) == THREADS


pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the group commit is PostgreSQL's fast path"
)


def submit_as_one_batch(wave_id: int, submissions: list[tuple[str, str]]) -> list[object]:
    """Submits (code, comment) pairs from a thread each while the wave's statement is held in
    flight, then lets it go, so that they are written by one batch; what each call returned
    (or raised), in order."""
    today = timezone.localdate()
    wave = opened_wave(str(wave_id))
    key = (wave_id, today)
    group = answering._GROUP_COMMIT
    with group._lock:
        group._busy.add(key)  # as if a statement were in flight
    outcomes: list[object] = [None] * len(submissions)
    answers = answers_for(wave, 0.5)

    def worker(index: int, code: str, comment: str) -> None:
        try:
            outcomes[index] = slip_submit(
                wave=wave, text=code, answers=answers, comment=comment, today=today
            )
        except Exception as error:
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(index, code, comment))
        for index, (code, comment) in enumerate(submissions)
    ]
    for thread in threads:
        thread.start()
    for _wait in range(3000):
        with group._lock:
            if len(group._waiting.get(key, [])) == len(submissions):
                break
        time.sleep(0.01)
    else:
        pytest.fail("the submissions did not queue")
    group._hand_over(key)  # the statement in flight returns: the queued ones go as one batch
    for thread in threads:
        thread.join()
    with group._lock:
        assert key not in group._busy and key not in group._waiting
    return outcomes


def physical(table: str, column: str, wave_id: int) -> list[tuple[str, str, str]]:
    """(ctid, xmin, COLUMN) of a wave's rows of TABLE, in physical order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT ctid::text, xmin::text, "{column}"::text FROM "{table}"'  # noqa: S608
            ' WHERE "wave_id" = %s ORDER BY ctid',
            [wave_id],
        )
        return cursor.fetchall()


@pg_only
def test_slips_submitted_at_once_share_one_statement_in_no_telling_order(survey_county) -> None:
    """Submissions that arrive while a statement is in flight are written together by the next
    one: all stored, one transaction for all of them (so its id singles out nobody), spent codes
    in the order of their keyed hash and responses in the order of their random keys."""
    wave = open_wave(survey_county)
    codes = all_codes(wave)[:6]
    outcomes = submit_as_one_batch(wave.pk, [(code, "") for code in codes])
    assert outcomes == [True] * 6
    spent = physical("voice_spenttoken", "digest", wave.pk)
    responses = physical("voice_response", "id", wave.pk)
    assert len(spent) == len(responses) == 6
    assert len({xmin for _ctid, xmin, _value in spent + responses}) == 1
    assert [value for *_rest, value in spent] == sorted(value for *_rest, value in spent)
    assert [value for *_rest, value in responses] == sorted(value for *_rest, value in responses)
    assert InstrumentResult.objects.filter(response__wave=wave).count() == 12


@pg_only
def test_a_used_or_doubled_code_in_a_batch_is_spent_once_and_sent_the_long_way(
    survey_county,
) -> None:
    """In one batch a code already spent and a code sent twice store nothing more than once;
    their callers hear False (and then look the code up, which says it was used), the others
    are stored."""
    wave = open_wave(survey_county)
    used, doubled, fresh = all_codes(wave)[:3]
    assert submit_as_one_batch(wave.pk, [(used, "")]) == [True]
    outcomes = submit_as_one_batch(wave.pk, [(used, ""), (doubled, ""), (doubled, ""), (fresh, "")])
    assert outcomes[0] is False and outcomes[3] is True
    assert sorted(outcomes[1:3]) == [False, True]
    assert Response.objects.filter(wave=wave).count() == 3
    assert spent_count(wave) == 3


@pg_only
def test_a_row_that_fails_its_batch_costs_the_others_nothing(survey_county) -> None:
    """A batch whose statement fails is run again one by one: the others are stored, and only
    the failing submission hears of the error."""
    wave = open_wave(survey_county)
    codes = all_codes(wave)[:4]
    # A NUL cannot be stored in PostgreSQL text: the statement of any batch holding it fails.
    outcomes = submit_as_one_batch(
        wave.pk, [(codes[0], ""), (codes[1], "坏\x00字符"), (codes[2], ""), (codes[3], "")]
    )
    assert outcomes[0] is True and outcomes[2] is True and outcomes[3] is True
    assert isinstance(outcomes[1], DatabaseError)
    assert Response.objects.filter(wave=wave).count() == 3
    assert spent_count(wave) == 3


@pg_only
def test_the_submission_statement_is_prepared_once_per_connection(survey_county) -> None:
    """The statement is parsed and planned once per connection, not per submission: Django
    turns psycopg's preparing off unless the settings turn it on (config/settings.py)."""
    wave = open_wave(survey_county)
    today = timezone.localdate()
    opened = opened_wave(str(wave.pk))
    answers = answers_for(opened, 0.5)
    for code in all_codes(wave)[:3]:
        assert slip_submit(wave=opened, text=code, answers=answers, comment="", today=today)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE 'WITH batch AS%%'"
        )
        assert [executions for (executions,) in cursor.fetchall()] == [3]
