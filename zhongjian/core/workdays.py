"""Official working-day (工作日) calendar from the yearly State Council holiday notices."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar
from chinese_calendar.constants import Holiday
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.core.errors import ValidationError

ONE_DAY = dt.timedelta(days=1)

# 《党政领导干部选拔任用工作条例》 (2019), 第七章 任职: "公示期不少于五个工作日".
PUBLIC_NOTICE_WORKING_DAYS = 5

# The years the installed chinesecalendar release knows (1.11: 2004–2026); it raises for others.
CHINESECALENDAR_YEARS = range(
    min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1
)


class DayKind(models.TextChoices):
    """What a holiday notice says about one day."""

    HOLIDAY = "holiday", gettext_lazy("放假")
    # 调休: a Saturday or Sunday worked in exchange for a longer break.
    WORKDAY = "workday", gettext_lazy("调休上班")


@dataclass(frozen=True, slots=True)
class HolidayRow:
    """One day of a holiday notice: a day off, or a weekend day that is worked (调休)."""

    day: dt.date
    kind: DayKind
    name: str


def chinese_date(day: dt.date) -> str:
    """Format a date the way official documents write it: 2024年10月8日."""
    return f"{day.year}年{day.month}月{day.day}日"


class WorkCalendar:
    """Working days as the organization department entered them, year by year.

    Rows apply to their day whatever the year. A year that is not in `entered_years` is treated as
    incomplete: days without a row count Monday to Friday as working days, and the calendar
    remembers that it consulted the year so that a page can show `warnings` beside what it
    computed. Build one per request or task; it is cheap, and what it remembers belongs to that
    computation.
    """

    def __init__(self, *, rows: Iterable[HolidayRow], entered_years: Iterable[int]) -> None:
        self._working: dict[dt.date, bool] = {}
        for row in rows:
            working = row.kind == DayKind.WORKDAY
            if self._working.setdefault(row.day, working) != working:
                raise ValidationError(
                    _("%(day)s 同时被录入为放假日和调休上班日，请删除其中一条。")
                    % {"day": chinese_date(row.day)}
                )
        self.entered_years = frozenset(entered_years)
        self._unknown_years: set[int] = set()

    @property
    def unknown_years(self) -> frozenset[int]:
        """Years consulted so far that nobody has entered, where weekends were assumed."""
        return frozenset(self._unknown_years)

    @property
    def warnings(self) -> list[str]:
        """One message per consulted year without an entered holiday notice."""
        return [
            _(
                "%(year)d 年的节假日安排尚未录入，工作日暂按周一至周五计算；"
                "请按国务院办公厅当年的放假通知补录后再核对日期。"
            )
            % {"year": year}
            for year in sorted(self._unknown_years)
        ]

    def is_working_day(self, day: dt.date) -> bool:
        """Whether offices work on `day`: 调休 weekend days do, holidays do not."""
        if day.year not in self.entered_years:
            self._unknown_years.add(day.year)
        return self._working.get(day, day.weekday() < 5)

    def add_working_days(self, *, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start`, which is not counted; 0 gives `start`."""
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        day = start
        while days:
            day += ONE_DAY
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, *, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end`; 0 unless `end` is after `start`."""
        return sum(
            self.is_working_day(start + dt.timedelta(days=offset))
            for offset in range(1, (end - start).days + 1)
        )

    def end_of_public_notice(
        self, *, start: dt.date, days: int = PUBLIC_NOTICE_WORKING_DAYS
    ) -> dt.date:
        """Last day of a public notice (任前公示) posted on `start`.

        The posting day counts as the first day when it is a working day, as notices are usually
        worded ("公示时间：9月30日至10月11日"); posted on a rest day, the notice starts counting on
        the next working day.
        """
        if days < 1:
            raise ValueError(f"a public notice lasts at least one working day, got {days}")
        return self.add_working_days(start=start - ONE_DAY, days=days)


def seed_rows_from_chinesecalendar(*, years: Iterable[int]) -> list[HolidayRow]:
    """The holiday notices of `years` as the chinesecalendar package records them, by date.

    Holidays that fall on a weekend are included too, so that a seeded year reads like the notice
    itself (国庆节 10月1日至7日); only holidays on weekdays and 调休 workdays change the count.
    """
    wanted = set(years)
    missing = sorted(wanted.difference(CHINESECALENDAR_YEARS))
    if missing:
        raise ValidationError(
            _(
                "内置日历只收录 %(first)d–%(last)d 年的节假日，%(years)s 年请按国务院办公厅的"
                "放假通知手工录入。"
            )
            % {
                "first": CHINESECALENDAR_YEARS.start,
                "last": CHINESECALENDAR_YEARS.stop - 1,
                "years": "、".join(str(year) for year in missing),
            }
        )
    rows = [
        HolidayRow(day=day, kind=kind, name=Holiday(name).chinese)
        for kind, days in (
            (DayKind.HOLIDAY, chinese_calendar.holidays),
            (DayKind.WORKDAY, chinese_calendar.workdays),
        )
        for day, name in days.items()
        if day.year in wanted
    ]
    return sorted(rows, key=lambda row: row.day)
