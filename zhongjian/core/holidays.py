"""The working-day calendar as the organization department keeps it in the holiday table."""

import datetime as dt
from collections.abc import Iterable

from zhongjian.core.models import Holiday
from zhongjian.core.workdays import DayKind, HolidayRow, WorkCalendar


def work_calendar() -> WorkCalendar:
    """A WorkCalendar from every row of the holiday table; years with a row count as entered."""
    rows = [
        HolidayRow(day=day, kind=DayKind(kind), name=name)
        for day, kind, name in Holiday.objects.values_list("day", "kind", "name")
    ]
    return WorkCalendar(rows=rows, entered_years={row.day.year for row in rows})


def calendar_warnings(*, years: Iterable[int]) -> list[str]:
    """The calendar's warning for each of `years` that nobody has entered, for a page banner."""
    calendar = work_calendar()
    for year in years:
        calendar.is_working_day(dt.date(year, 1, 1))
    return calendar.warnings
