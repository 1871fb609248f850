"""The working-day calendar as the organization department keeps it in the holiday table."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q

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
    """The calendar's warning for each of `years` that nobody has entered, for a page banner.

    Reads only the days of those years, and only their dates: a year counts as entered when the
    county or the nation has a row in it (a county row replaces a national one of its day, which
    leaves the year entered either way)."""
    wanted = sorted(set(years))
    if not wanted:
        return []
    days = Holiday.objects.filter(
        Q(county__isnull=True) | Q(county_id=county_id),
        day__gte=dt.date(wanted[0], 1, 1),
        day__lte=dt.date(wanted[-1], 12, 31),
    ).values_list("day", flat=True)
    calendar = WorkCalendar(rows=[], entered_years={day.year for day in days})
    for year in wanted:
        calendar.is_working_day(dt.date(year, 1, 1))
    return calendar.warnings
