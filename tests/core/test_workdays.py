"""Tests of the official working-day calendar."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhongjian.core.errors import ValidationError
from zhongjian.core.workdays import (
    CHINESECALENDAR_YEARS,
    DayKind,
    HolidayRow,
    WorkCalendar,
    chinese_date,
    seed_rows_from_chinesecalendar,
)

SEEDED_YEARS = (2023, 2024, 2025)


def seeded_calendar(years: tuple[int, ...] = SEEDED_YEARS) -> WorkCalendar:
    return WorkCalendar(rows=seed_rows_from_chinesecalendar(years=years), entered_years=years)


def test_national_day_break_is_skipped() -> None:
    """The first working day after 30 September 2024 is 8 October: 1–7 October are off."""
    calendar = seeded_calendar()
    assert calendar.add_working_days(start=dt.date(2024, 9, 30), days=1) == dt.date(2024, 10, 8)
    assert calendar.working_days_between(start=dt.date(2024, 9, 30), end=dt.date(2024, 10, 8)) == 1
    assert not any(calendar.is_working_day(dt.date(2024, 10, day)) for day in range(1, 8))


def test_adjusted_weekend_days_are_working_days() -> None:
    """The 调休 Sunday 2024-09-29 and Saturday 2024-10-12 are working days; 10-13 is not."""
    calendar = seeded_calendar()
    assert calendar.is_working_day(dt.date(2024, 9, 29))
    assert calendar.is_working_day(dt.date(2024, 10, 12))
    assert not calendar.is_working_day(dt.date(2024, 10, 13))
    assert calendar.working_days_between(start=dt.date(2024, 10, 7), end=dt.date(2024, 10, 13)) == 5


@pytest.mark.parametrize(
    ("posted", "ends"),
    [
        # Posted on the last day before the break: 9/30, 10/8, 10/9, 10/10, 10/11.
        (dt.date(2024, 9, 30), dt.date(2024, 10, 11)),
        # The fifth day is the 调休 Saturday: 10/8, 10/9, 10/10, 10/11, 10/12.
        (dt.date(2024, 10, 8), dt.date(2024, 10, 12)),
        # Posted during the holiday: counting starts on 10/8.
        (dt.date(2024, 10, 3), dt.date(2024, 10, 12)),
        # An ordinary week.
        (dt.date(2024, 11, 4), dt.date(2024, 11, 8)),
        # Posted on a Saturday: counting starts on Monday.
        (dt.date(2024, 11, 9), dt.date(2024, 11, 15)),
    ],
)
def test_public_notice_end(posted: dt.date, ends: dt.date) -> None:
    """A notice lasts five working days, its posting day included when that is a working day."""
    assert seeded_calendar().end_of_public_notice(start=posted) == ends


def test_public_notice_length_is_a_parameter() -> None:
    """A rules table may ask for a longer notice than the five-day minimum."""
    calendar = seeded_calendar()
    assert calendar.end_of_public_notice(start=dt.date(2024, 11, 4), days=7) == dt.date(
        2024, 11, 12
    )
    with pytest.raises(ValueError, match="at least one"):
        calendar.end_of_public_notice(start=dt.date(2024, 11, 4), days=0)


def test_unknown_year_falls_back_to_weekends_with_a_warning() -> None:
    """2027 is not entered: 1 January counts as a plain Friday and the calendar says so."""
    calendar = WorkCalendar(rows=seed_rows_from_chinesecalendar(years=[2026]), entered_years=[2026])
    assert calendar.add_working_days(start=dt.date(2026, 12, 30), days=3) == dt.date(2027, 1, 4)
    assert calendar.unknown_years == {2027}
    [warning] = calendar.warnings
    assert "2027 年的节假日安排尚未录入" in warning


def test_entered_years_give_no_warning() -> None:
    """Counting inside entered years leaves the warnings empty."""
    calendar = seeded_calendar()
    calendar.end_of_public_notice(start=dt.date(2024, 9, 30))
    assert calendar.unknown_years == frozenset()
    assert calendar.warnings == []


def test_rows_of_an_unfinished_year_apply_but_still_warn() -> None:
    """A day already entered for an unconfirmed year is used, and the year is still reported."""
    new_year = HolidayRow(day=dt.date(2027, 1, 1), kind=DayKind.HOLIDAY, name="元旦")
    calendar = WorkCalendar(rows=[new_year], entered_years=[])
    assert not calendar.is_working_day(dt.date(2027, 1, 1))
    assert calendar.unknown_years == {2027}


def test_contradicting_rows_are_refused() -> None:
    """One day cannot be both a holiday and a 调休 working day."""
    day = dt.date(2027, 10, 9)
    rows = [
        HolidayRow(day=day, kind=DayKind.HOLIDAY, name="国庆节"),
        HolidayRow(day=day, kind=DayKind.WORKDAY, name="国庆节"),
    ]
    with pytest.raises(ValidationError, match="2027年10月9日 同时被录入"):
        WorkCalendar(rows=rows, entered_years=[2027])


def test_seed_rows_carry_chinese_names_and_kinds() -> None:
    """Seeded rows name the festival in Chinese and mark 调休 days as workdays."""
    rows = {row.day: row for row in seed_rows_from_chinesecalendar(years=[2024])}
    assert rows[dt.date(2024, 10, 1)] == HolidayRow(
        day=dt.date(2024, 10, 1), kind=DayKind.HOLIDAY, name="国庆节"
    )
    assert rows[dt.date(2024, 10, 12)] == HolidayRow(
        day=dt.date(2024, 10, 12), kind=DayKind.WORKDAY, name="国庆节"
    )
    assert rows[dt.date(2024, 2, 10)].name == "春节"
    assert {day.year for day in rows} == {2024}


def test_seed_refuses_years_the_package_does_not_know() -> None:
    """The package stops at 2026; 2027 must be entered by hand, and the message says so."""
    assert CHINESECALENDAR_YEARS.stop - 1 == 2026
    with pytest.raises(ValidationError, match="2027 年请按国务院办公厅"):
        seed_rows_from_chinesecalendar(years=[2026, 2027])


def test_seeded_calendar_agrees_with_the_package_on_every_day() -> None:
    """Seeding every known year reproduces chinesecalendar's verdict on each day."""
    years = tuple(CHINESECALENDAR_YEARS)
    calendar = seeded_calendar(years)
    day = dt.date(years[0], 1, 1)
    while day.year <= years[-1]:
        assert calendar.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert calendar.warnings == []


def test_negative_day_counts_are_refused() -> None:
    """Adding a negative number of working days is a programming error."""
    with pytest.raises(ValueError, match="negative"):
        seeded_calendar().add_working_days(start=dt.date(2024, 1, 2), days=-1)


def test_chinese_date() -> None:
    """Dates are written without leading zeros, as in official documents."""
    assert chinese_date(dt.date(2024, 10, 8)) == "2024年10月8日"


CALENDAR = seeded_calendar()
DAYS = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2025, 9, 30))


@settings(max_examples=150)
@given(start=DAYS, days=st.integers(min_value=0, max_value=60))
def test_adding_then_counting_gives_the_same_number(start: dt.date, days: int) -> None:
    """Counting the working days up to the n-th working day after a date gives n."""
    end = CALENDAR.add_working_days(start=start, days=days)
    assert CALENDAR.working_days_between(start=start, end=end) == days
    assert days == 0 or CALENDAR.is_working_day(end)


@settings(max_examples=150)
@given(start=DAYS, days=st.integers(min_value=0, max_value=60))
def test_adding_is_strictly_increasing(start: dt.date, days: int) -> None:
    """One more working day always lands on a later date."""
    assert CALENDAR.add_working_days(start=start, days=days) < CALENDAR.add_working_days(
        start=start, days=days + 1
    )


@settings(max_examples=150)
@given(first=DAYS, second=DAYS, third=DAYS)
def test_counting_is_additive_and_bounded(first: dt.date, second: dt.date, third: dt.date) -> None:
    """Counts over adjacent ranges add up and never exceed the calendar days."""
    a, b, c = sorted((first, second, third))
    assert CALENDAR.working_days_between(start=a, end=c) == (
        CALENDAR.working_days_between(start=a, end=b)
        + CALENDAR.working_days_between(start=b, end=c)
    )
    assert 0 <= CALENDAR.working_days_between(start=a, end=c) <= (c - a).days
    assert CALENDAR.working_days_between(start=c, end=a) == 0
