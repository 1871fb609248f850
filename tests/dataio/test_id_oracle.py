"""ID numbers (issue #8.5): a check or dry run never confirms a guessed ID number.

The attack of the security review: the old mask showed the first 3 and last 4 characters beside
the birth date, leaving 91 candidates with a valid check digit; a dry-run import of the 91
answered "更新干部" for the right one and "新增" for the others.
"""

import datetime
import re

import pytest

from tests.dataio.conftest import Registry, run_import
from tests.dataio.factories import id_check, make_id, xlsx_bytes
from tests.dataio.test_import import CADRE_HEADER, cadre_row
from zhongjian.dataio.models import ImportStatus
from zhongjian.org.models import Cadre

BIRTH = datetime.date(1988, 5, 1)


def candidates(number: str) -> list[str]:
    """Every number with the same visible parts (old mask: first 3, last 4; birth date) and a
    valid check digit: the attacker's list."""
    found = []
    for middle in range(1000):
        first17 = f"{number[:3]}{middle:03d}{number[6:17]}"
        if id_check(first17) == number[17]:
            found.append(first17 + number[17])
    return found


def _shape(job) -> tuple:  # type: ignore[no-untyped-def]
    """What a preview tells, with row numbers taken out."""
    changes = [re.sub(r"^第 \d+ 行：", "", line) for line in job.changes]
    errors = [re.sub(r"第 \d+ 行", "", e["text"]) for e in job.errors]
    return (
        job.status,
        job.created_count,
        job.updated_count,
        job.unchanged_count,
        tuple(changes),
        tuple(errors),
    )


@pytest.mark.django_db
def test_dry_run_of_candidates_confirms_none(registry: Registry) -> None:
    """The 91 candidates in one dry-run file without 人员编号: every row reads 新增干部, none
    更新; nothing is written."""
    org, unit = registry.personas.org, registry.units[0]
    real = make_id(birth=BIRTH, male=False)
    done = run_import(
        org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("A1", unit, id_number=real)])
    )
    assert done.status == ImportStatus.DONE
    guesses = candidates(real)
    assert real in guesses and len(guesses) >= 90
    header = [name for name in CADRE_HEADER if name != "人员编号"]
    rows = [cadre_row(None, unit, id_number=guess)[1:] for guess in guesses]
    before = Cadre.objects.count()
    job = run_import(org, "cadres", xlsx_bytes([header, *rows]), commit=False)
    assert job.status == ImportStatus.READY, job.errors
    assert job.created_count == len(guesses) and job.updated_count == 0
    assert {re.sub(r"^第 \d+ 行：", "", line) for line in job.changes} == {"新增干部「王芳」"}
    assert Cadre.objects.count() == before


@pytest.mark.django_db
def test_dry_run_with_staff_number_reads_the_same_for_right_and_wrong(registry: Registry) -> None:
    """A row naming the cadre's 人员编号 with a guessed ID number gives the same preview whether
    the guess is right or wrong (the number is always listed as written)."""
    org, unit = registry.personas.org, registry.units[0]
    real = make_id(birth=BIRTH, male=False)
    run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("A1", unit, id_number=real)]))
    other = make_id(birth=BIRTH, male=False, seq=34)
    run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("A2", unit, id_number=other)]))
    wrong = next(guess for guess in candidates(real) if guess != real)
    shapes = {
        _shape(
            run_import(
                org,
                "cadres",
                xlsx_bytes([CADRE_HEADER, cadre_row(staff, unit, id_number=guess)]),
                commit=False,
            )
        )
        for staff, guess in (("A1", real), ("A1", wrong), ("A1", other))
    }
    assert len(shapes) == 1, shapes
    (shape,) = shapes
    assert shape[0] == ImportStatus.READY and "身份证号" in shape[4][0]


@pytest.mark.django_db
def test_masked_number_shows_last_four_only(registry: Registry) -> None:
    """The stored and shown mask keeps the last 4 characters; the cadre page shows 出生年月,
    not the day, beside it."""
    from tests.conftest import client_for

    org, unit = registry.personas.org, registry.units[0]
    real = make_id(birth=BIRTH, male=False)
    run_import(org, "cadres", xlsx_bytes([CADRE_HEADER, cadre_row("A1", unit, id_number=real)]))
    cadre = Cadre.objects.get(staff_no="A1")
    assert cadre.id_number_masked == "*" * 14 + real[-4:]
    page = client_for(org).get(cadre.get_absolute_url()).content.decode()
    assert "*" * 14 + real[-4:] in page
    assert real[:6] not in page and "1988年5月1日" not in page and "1988-05-01" not in page
