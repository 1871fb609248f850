"""The working-day calendar as the organization department keeps it in the holiday table."""

import datetime as dt
from collections.abc import Iterable

from zhongjian.core.county_rules import effective_rules
from zhongjian.core.models import Holiday
from zhongjian.core.workdays import DayKind, HolidayRow, WorkCalendar


def work_calendar(*, county_id: int | None) -> WorkCalendar:
    """A WorkCalendar of the county: the national holiday rows, a county row replacing the
    national one of its day (a local 调休); years with a row count as entered."""
    rows = [
        HolidayRow(day=row.day, kind=DayKind(row.kind), name=row.name)
        for row in effective_rules(
            Holiday.objects.all(), county_id=county_id, key=lambda row: row.day
        )
    ]
    return WorkCalendar(rows=rows, entered_years={row.day.year for row in rows})


def calendar_warnings(*, years: Iterable[int], county_id: int | None) -> list[str]:
    """The calendar's warning for each of `years` that nobody has entered, for a page banner."""
    calendar = work_calendar(county_id=county_id)
    for year in years:
        calendar.is_working_day(dt.date(year, 1, 1))
    return calendar.warnings
