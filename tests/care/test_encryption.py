"""Encryption at rest: raw rows, a copy of the SQLite file and a pg_dump hold no care text."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.care.conftest import NOTE_TEXT, REQUEST_TEXT
from tests.conftest import Personas
from zhongjian.care import services
from zhongjian.care.choices import Instrument
from zhongjian.care.models import Case, Note

SCREENING_MARK = "有不如死掉"


def _secrets() -> list[bytes]:
    return [text.encode("utf-8") for text in (NOTE_TEXT, REQUEST_TEXT, NOTE_TEXT[:8])]


def _fill(personas: Personas, case: Case) -> None:
    services.screening_record(
        counselor=personas.counselor,
        case=case,
        instrument=Instrument.PHQ9,
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        consent=True,
        on=datetime.date(2026, 11, 20),
    )


@pytest.mark.django_db
def test_raw_rows_hold_only_tokens(personas: Personas, case: Case) -> None:
    """Selecting the raw columns gives Fernet tokens, not text, nor the screening answers."""
    _fill(personas, case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body_cipher FROM care_note")
        (body,) = cursor.fetchone()
        cursor.execute("SELECT request_cipher FROM care_case")
        (request,) = cursor.fetchone()
        cursor.execute("SELECT result_cipher FROM care_screening")
        (result,) = cursor.fetchone()
    for token in (body, request, result):
        assert token.startswith("gAAAA")
        assert "answers" not in token
    assert NOTE_TEXT not in body and REQUEST_TEXT not in request


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_note_text(personas: Personas, case: Case, tmp_path: Path) -> None:
    """A byte-for-byte copy of the database (SQLite: VACUUM INTO the file a backup would be;
    PostgreSQL: pg_dump) contains neither the note, nor the request text, nor the key."""
    _fill(personas, case)
    assert Note.objects.count() == 1
    if connection.vendor == "sqlite":
        path = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        dump = path.read_bytes()
        assert b"care_note" in dump  # the copy really holds the table
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            pytest.skip("pg_dump is not installed on this machine")
        db = connection.settings_dict
        dump = subprocess.run(
            [
                pg_dump,
                "--data-only",
                "-h",
                db["HOST"] or "127.0.0.1",
                "-p",
                str(db["PORT"] or 5432),
                "-U",
                db["USER"] or "postgres",
                db["NAME"],
            ],
            check=True,
            capture_output=True,
            env={"PGPASSWORD": db["PASSWORD"] or ""},
        ).stdout
        assert b"care_note" in dump
    assert case.reference.encode() in dump  # and the case's row itself
    for secret in _secrets():
        assert secret not in dump
    assert settings.CARE_KEY.encode() not in dump
    assert SCREENING_MARK.encode() not in dump
