"""The one rule set for a cadre's record (三龄两历 consistency), used by every door alike.

The services (and so the pages and the API), the spreadsheet import and the data check page
(数据核查) all ask these functions, so a record is refused, or listed, with the same words
wherever it comes from. Each check returns `Violation`s rather than raising, so that a form can put
each message beside its field, the import beside its cell and the data check page under its rule.

Dates are compared by month: rosters often give 出生年月 and 参加工作时间 without a day.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.core.errors import ValidationError
from zhongjian.dataio.parsers import CellError, IdNumber, parse_id_number
from zhongjian.org.choices import Gender

# 《劳动法》第十五条 forbids employing minors under 16, so nobody starts work before that age.
MIN_WORKING_AGE = 16
# 《中国共产党章程》第一条: a member is 18 or older when admitted.
MIN_PARTY_AGE = 18

CADRE_DATE_FIELDS = ("birth_date", "work_start_date", "grassroots_start_date", "party_join_date")
# Gender.values builds a new list on every access; an import checks every row against it.
_GENDERS = frozenset(Gender.values)


class Rule(models.TextChoices):
    """The rules, each with the title the data check page groups by."""

    ID_NUMBER = "id_number", gettext_lazy("身份证号无效")
    ID_BIRTH_DATE = "id_birth_date", gettext_lazy("身份证号与出生日期不符")
    ID_GENDER = "id_gender", gettext_lazy("身份证号与性别不符")
    FUTURE_DATE = "future_date", gettext_lazy("日期晚于今天")
    WORK_AGE = "work_age", gettext_lazy("参加工作时不满16周岁")
    GRASSROOTS_BEFORE_WORK = (
        "grassroots_before_work",
        gettext_lazy("到基层工作时间早于参加工作时间"),
    )
    PARTY_AGE = "party_age", gettext_lazy("入党时不满18周岁")
    APPOINTMENT_BEFORE_WORK = "appointment_before_work", gettext_lazy("任职早于参加工作")
    OVER_HEADCOUNT = "over_headcount", gettext_lazy("同时在任人数超过职数")
    CONCURRENT_LEADERSHIP = "concurrent_leadership", gettext_lazy("同时担任多个领导职务")


# The fields each rule reads, so that an edit is refused only for the rules it touches (a record
# the data check lists can still get its status changed).
RULE_FIELDS: dict[Rule, frozenset[str]] = {
    Rule.ID_NUMBER: frozenset({"id_number"}),
    Rule.ID_BIRTH_DATE: frozenset({"id_number", "birth_date"}),
    Rule.ID_GENDER: frozenset({"id_number", "gender"}),
    Rule.WORK_AGE: frozenset({"birth_date", "work_start_date"}),
    Rule.GRASSROOTS_BEFORE_WORK: frozenset({"work_start_date", "grassroots_start_date"}),
    Rule.PARTY_AGE: frozenset({"birth_date", "party_join_date"}),
    Rule.APPOINTMENT_BEFORE_WORK: frozenset({"work_start_date", "start_date"}),
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which, the field it is shown beside, and the sentence for people."""

    rule: Rule
    field: str
    message: str

    def touches(self, fields: Iterable[str]) -> bool:
        """Whether a change of FIELDS is what this violation is about."""
        return bool(RULE_FIELDS.get(self.rule, frozenset({self.field})) & set(fields))


class RecordInvalid(ValidationError):
    """A write refused by the rules; `violations` lets a form show each beside its field."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        messages = [violation.message for violation in violations]
        super().__init__("；".join(messages), errors=messages)
        self.violations = list(violations)


def raise_if_any(violations: Sequence[Violation]) -> None:
    """Refuse a write that breaks any rule: one domain error listing every message."""
    if violations:
        raise RecordInvalid(violations)


def _months(day: datetime.date) -> int:
    return day.year * 12 + day.month


def _age_months_short(later: datetime.date, birth: datetime.date, years: int) -> bool:
    """Whether LATER falls before the month in which someone born on BIRTH turns YEARS."""
    return _months(later) < _months(birth) + 12 * years


def _label(field: str) -> str:
    from zhongjian.org.models import Cadre

    return str(Cadre._meta.get_field(field).verbose_name)


def id_number_parse(raw: str, *, today: datetime.date) -> tuple[IdNumber | None, list[Violation]]:
    """Check an ID number's form and checksum (GB 11643-1999); empty is no number."""
    if not raw or not raw.strip():
        return None, []
    try:
        return parse_id_number(raw, today=today), []
    except CellError as error:
        return None, [Violation(Rule.ID_NUMBER, "id_number", str(error.message))]


def cadre_violations(
    values: Mapping[str, object], *, id_number: IdNumber | None, today: datetime.date
) -> list[Violation]:
    """The rules about one cadre's own dates and ID number.

    VALUES holds the record's birth_date, gender, work_start_date, grassroots_start_date and
    party_join_date (missing or None when not known); ID_NUMBER is the parsed number, if any.
    """
    problems: list[Violation] = []
    birth = values.get("birth_date")
    gender = values.get("gender")
    if id_number is not None:
        if isinstance(birth, datetime.date) and (
            _months(birth) != _months(id_number.birth_date)
            or (birth.day != 1 and birth != id_number.birth_date)
        ):
            problems.append(
                Violation(
                    Rule.ID_BIRTH_DATE,
                    "id_number",
                    _("身份证号中的出生日期是 %(id)s，与「出生日期」%(birth)s 不一致")
                    % {"id": id_number.birth_date.isoformat(), "birth": birth.isoformat()},
                )
            )
        if gender in _GENDERS and gender != id_number.gender:
            problems.append(
                Violation(
                    Rule.ID_GENDER,
                    "id_number",
                    _("身份证号显示性别为%(id)s，与「性别」“%(gender)s”不一致")
                    % {
                        "id": Gender(id_number.gender).label,
                        "gender": Gender(gender).label,
                    },
                )
            )
    for field in CADRE_DATE_FIELDS:
        day = values.get(field)
        if isinstance(day, datetime.date) and day > today:
            problems.append(
                Violation(
                    Rule.FUTURE_DATE,
                    field,
                    _("「%(label)s」%(day)s 晚于今天；请核对")
                    % {"label": _label(field), "day": day.isoformat()},
                )
            )
    work = values.get("work_start_date")
    if (
        isinstance(birth, datetime.date)
        and isinstance(work, datetime.date)
        and _age_months_short(work, birth, MIN_WORKING_AGE)
    ):
        problems.append(
            Violation(
                Rule.WORK_AGE,
                "work_start_date",
                _("%(work)s 参加工作时不满 %(age)d 周岁（出生日期 %(birth)s）；请核对")
                % {"work": work.isoformat(), "age": MIN_WORKING_AGE, "birth": birth.isoformat()},
            )
        )
    grassroots = values.get("grassroots_start_date")
    if (
        isinstance(work, datetime.date)
        and isinstance(grassroots, datetime.date)
        and _months(grassroots) < _months(work)
    ):
        problems.append(
            Violation(
                Rule.GRASSROOTS_BEFORE_WORK,
                "grassroots_start_date",
                _("%(grassroots)s 早于参加工作时间 %(work)s；应不早于参加工作时间")
                % {"grassroots": grassroots.isoformat(), "work": work.isoformat()},
            )
        )
    joined = values.get("party_join_date")
    if (
        isinstance(birth, datetime.date)
        and isinstance(joined, datetime.date)
        and _age_months_short(joined, birth, MIN_PARTY_AGE)
    ):
        problems.append(
            Violation(
                Rule.PARTY_AGE,
                "party_join_date",
                _("%(joined)s 入党时不满 %(age)d 周岁（出生日期 %(birth)s）；请核对")
                % {"joined": joined.isoformat(), "age": MIN_PARTY_AGE, "birth": birth.isoformat()},
            )
        )
    return problems


def appointment_start_violations(
    *, start_date: datetime.date, work_start_date: datetime.date | None
) -> list[Violation]:
    """An appointment may not begin before the cadre started work."""
    if work_start_date is not None and _months(start_date) < _months(work_start_date):
        return [
            Violation(
                Rule.APPOINTMENT_BEFORE_WORK,
                "start_date",
                _("任职时间 %(start)s 早于参加工作时间 %(work)s；请核对")
                % {"start": start_date.isoformat(), "work": work_start_date.isoformat()},
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class Tenure:
    """An appointment as the seat rules see it: its days, inclusive, open while `end` is None."""

    start: datetime.date
    end: datetime.date | None


def most_at_once(tenures: Iterable[Tenure]) -> tuple[int, datetime.date | None]:
    """The largest number of TENURES that overlap on one day, and the first such day."""
    events: list[tuple[datetime.date, int]] = []
    for tenure in tenures:
        events.append((tenure.start, 1))
        if tenure.end is not None:
            # Inclusive end: the seat is free again from the next day.
            events.append((tenure.end + datetime.timedelta(days=1), -1))
    events.sort(key=lambda event: (event[0], event[1]))
    count = best = 0
    first: datetime.date | None = None
    for day, step in events:
        count += step
        if count > best:
            best, first = count, day
    return best, first


def headcount_violations(
    *, title: str, headcount: int, tenures: Iterable[Tenure]
) -> list[Violation]:
    """No more holders of one post at once than its 职数."""
    most, day = most_at_once(tenures)
    if most > headcount and day is not None:
        return [
            Violation(
                Rule.OVER_HEADCOUNT,
                "post",
                _(
                    "「%(title)s」职数 %(headcount)d 人已满：%(day)s 起有 %(count)d 人同时在任；"
                    "请先填写前任的免职时间"
                )
                % {"title": title, "headcount": headcount, "day": day.isoformat(), "count": most},
            )
        ]
    return []


@dataclass(frozen=True, slots=True)
class Held:
    """A current post of a cadre as the leadership rule sees it."""

    title: str
    is_leadership: bool
    allows_concurrent: bool


def leadership_violations(*, name: str, held: Iterable[Held]) -> list[Violation]:
    """At most one current leadership post (领导职务) unless the others allow 兼任."""
    exclusive = [post.title for post in held if post.is_leadership and not post.allows_concurrent]
    if len(exclusive) > 1:
        return [
            Violation(
                Rule.CONCURRENT_LEADERSHIP,
                "post",
                _(
                    "%(name)s 将同时担任 %(count)d 个领导职务（%(titles)s）；"
                    "除可兼任的岗位外只能担任一个"
                )
                % {"name": name, "count": len(exclusive), "titles": "、".join(exclusive)},
            )
        ]
    return []
