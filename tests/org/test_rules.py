"""The statutory retirement rule of the 2025 reform, checked on published cases."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.org.models import RetirementRule
from zhongjian.org.rules import add_months, retirement_age_months, statutory_retirement_date

pytestmark = pytest.mark.django_db


def age(years: int, months: int = 0) -> int:
    return years * 12 + months


@pytest.mark.parametrize(
    ("gender", "is_worker", "birth", "expected"),
    [
        # Published examples of 国务院《关于渐进式延迟法定退休年龄的办法》附件 对照表.
        ("male", False, datetime.date(1964, 12, 15), age(60)),
        ("male", False, datetime.date(1965, 1, 15), age(60, 1)),
        ("male", False, datetime.date(1965, 4, 15), age(60, 1)),
        ("male", False, datetime.date(1965, 5, 15), age(60, 2)),
        ("male", False, datetime.date(1970, 1, 1), age(61, 4)),
        ("male", False, datetime.date(1976, 9, 1), age(63)),
        ("male", False, datetime.date(1976, 12, 1), age(63)),
        ("male", False, datetime.date(1990, 6, 1), age(63)),
        ("female", False, datetime.date(1969, 12, 1), age(55)),
        ("female", False, datetime.date(1970, 1, 1), age(55, 1)),
        ("female", False, datetime.date(1981, 12, 1), age(58)),
        ("female", True, datetime.date(1974, 12, 1), age(50)),
        ("female", True, datetime.date(1975, 1, 1), age(50, 1)),
        ("female", True, datetime.date(1975, 3, 1), age(50, 2)),
        ("female", True, datetime.date(1984, 12, 1), age(55)),
    ],
)
def test_published_cases(gender: str, is_worker: bool, birth: datetime.date, expected: int) -> None:
    """Retirement ages match the reform's conversion table."""
    rules = list(RetirementRule.objects.all())
    track = "male" if gender == "male" else ("female_worker" if is_worker else "female_cadre")
    assert retirement_age_months(track=track, birth_date=birth, rules=rules) == expected


def test_man_born_january_1965_retires_at_60_years_1_month() -> None:
    """A man born in January 1965 retires in February 2025."""
    day = statutory_retirement_date(gender="male", birth_date=datetime.date(1965, 1, 10))
    assert day == datetime.date(2025, 2, 10)


def test_rules_are_data() -> None:
    """Changing the rules table changes the result (no constants in code)."""
    RetirementRule.objects.filter(track="male").update(max_delay_months=12)
    day = statutory_retirement_date(gender="male", birth_date=datetime.date(1980, 1, 1))
    assert day == datetime.date(2041, 1, 1)


@given(
    st.dates(datetime.date(1950, 1, 1), datetime.date(2005, 12, 31)),
    st.dates(datetime.date(1950, 1, 1), datetime.date(2005, 12, 31)),
    st.sampled_from([("male", False), ("female", False), ("female", True)]),
)
def test_retirement_date_is_monotonic(
    a: datetime.date, b: datetime.date, track: tuple[str, bool]
) -> None:
    """Someone born later never retires earlier."""
    rules = list(RetirementRule.objects.all())
    gender, worker = track
    early, late = sorted((a, b))
    assert statutory_retirement_date(
        gender=gender, birth_date=early, is_worker=worker, rules=rules
    ) <= statutory_retirement_date(gender=gender, birth_date=late, is_worker=worker, rules=rules)


@given(st.dates(datetime.date(1900, 1, 1), datetime.date(2100, 1, 1)), st.integers(-1200, 1200))
def test_add_months_round_trip(day: datetime.date, months: int) -> None:
    """Adding months keeps the day where the month has it and never overflows."""
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day >= 28
