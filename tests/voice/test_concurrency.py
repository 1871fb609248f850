"""Single use under concurrent submits: exactly one of many submits of a code is stored, and
submits of different codes are all stored (no double count, no loss)."""

import threading
import time
from collections.abc import Callable

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from tests.voice.conftest import all_codes, answers_for, open_wave, spent_count
from zhongjian.voice.models import Response
from zhongjian.voice.services.answering import TokenUsed, invitation_get, response_submit

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
