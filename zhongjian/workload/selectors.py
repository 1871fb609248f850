"""Reads of the workload register and its indicators, always scoped to the acting user.

The indicators (formulas in docs/workload.md) come from one grouped query over the receipts
(one row per demand and receiving unit), one over the roster and one over the overtime weeks.
`workload_indicators`, `workload_unit_months` and `workload_alerts` are the aggregate selectors
other apps (insight) use.
"""

import datetime
import functools
import itertools
import operator
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.http import Http404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import scope_for, scoped
from zhongjian.org.choices import CadreStatus, UnitKind
from zhongjian.org.models import Cadre, Unit
from zhongjian.org.rules import add_months
from zhongjian.workload.choices import DemandKind, DocumentCategory, RuleKey
from zhongjian.workload.models import DataStamp, Demand, DemandReceipt, Organ, OvertimeWeek
from zhongjian.workload.rules import RuleBook, rule_book

WORKLOAD_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)
TOWNSHIP_KINDS = (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
# Short-deadline alerts need a few deadlines in the month: one short deadline of one is noise.
MIN_DEADLINES_FOR_ALERT = 3
# The dashboard shows the newest alerts and how many there are; the alert page lists them all.
DASHBOARD_ALERTS = 8
KIND_LABELS = {kind.value: str(kind.label) for kind in DemandKind}


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of the months from FIRST's month to LAST's month, both included."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def parse_month(text: str) -> datetime.date:
    """'2025-03' → 2025-03-01; ValueError for anything else."""
    year, _sep, month = text.strip().partition("-")
    if len(year) != 4 or not month:
        raise ValueError(text)
    return datetime.date(int(year), int(month), 1)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def _per(value: float, cadres: int) -> float | None:
    return None if cadres == 0 else round(value / cadres, 4)


@dataclass(slots=True)
class Indicators:
    """The workload indicators of one unit (or the county, unit_id None) in one month."""

    month: datetime.date
    unit_id: int | None
    demands: int = 0
    cadres: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    issuing_organs: int = 0
    # Sorted; a tuple, so that the many cells without deadlines share the empty one.
    lead_days: tuple[int, ...] = field(default=(), repr=False)
    with_deadline: int = 0
    short_deadlines: int = 0
    meeting_hours: float = 0.0
    accompany_meetings: int = 0
    inspections: int = 0
    onsite_inspections: int = 0
    inspections_cap: int | None = None
    long_documents: int = 0
    traces: int = 0
    yoy_base: int | None = None
    overtime_hours: float = 0.0
    overtime_headcount: int = 0
    weekend_days: int = 0
    yoy_tolerance: float = 0.0

    @property
    def per_cadre(self) -> float | None:
        return _per(self.demands, self.cadres)

    @property
    def median_lead_days(self) -> float | None:
        return float(statistics.median(self.lead_days)) if self.lead_days else None

    @property
    def short_deadline_share(self) -> float | None:
        return _share(self.short_deadlines, self.with_deadline)

    @property
    def trace_share(self) -> float | None:
        return _share(self.traces, self.demands)

    @property
    def inspections_over_cap(self) -> int:
        if self.inspections_cap is None:
            return 0
        return max(0, self.onsite_inspections - self.inspections_cap)

    @property
    def yoy_change(self) -> float | None:
        """(this month − same month a year earlier) / that month; None without a base."""
        if not self.yoy_base:
            return None
        return round((self.demands - self.yoy_base) / self.yoy_base, 4)

    @property
    def yoy_increase(self) -> bool:
        change = self.yoy_change
        return change is not None and change > self.yoy_tolerance

    @property
    def overtime_hours_per_cadre(self) -> float | None:
        return _per(self.overtime_hours, self.cadres)

    def as_json(self) -> dict[str, Any]:
        """The keys of `zhongjian workload report` and the API, in that order."""
        return {
            "month": self.month.strftime("%Y-%m"),
            "demands": self.demands,
            "cadres": self.cadres,
            "per_cadre": self.per_cadre,
            "by_kind": {KIND_LABELS[kind]: self.by_kind.get(kind, 0) for kind in KIND_LABELS},
            "issuing_organs": self.issuing_organs,
            "median_lead_days": self.median_lead_days,
            "short_deadline_share": self.short_deadline_share,
            "meeting_hours": round(self.meeting_hours, 1),
            "accompany_meetings": self.accompany_meetings,
            "inspections": self.inspections,
            "onsite_inspections": self.onsite_inspections,
            "inspections_over_cap": self.inspections_over_cap,
            "long_documents": self.long_documents,
            "trace_share": self.trace_share,
            "yoy_change": self.yoy_change,
            "yoy_increase": self.yoy_increase,
            "overtime_hours": round(self.overtime_hours, 1),
            "overtime_hours_per_cadre": self.overtime_hours_per_cadre,
        }


def _periods_q(
    book: RuleBook, key: str, condition: Any, *, date_field: str = "issued_on"
) -> list[Q]:
    """One Q per version of rule KEY: CONDITION(value) for rows dated while that version held."""
    periods = book.periods(key)
    parts: list[Q] = []
    for index, (start, value) in enumerate(periods):
        q = condition(value) & Q(**{f"{date_field}__gte": start})
        if index + 1 < len(periods):
            q &= Q(**{f"{date_field}__lt": periods[index + 1][0]})
        parts.append(q)
    return parts


def _any(parts: list[Q]) -> Q | None:
    return functools.reduce(operator.or_, parts) if parts else None


def _receipt_annotations(book: RuleBook) -> dict[str, Any]:
    long_docs = _any(
        [
            *_periods_q(
                book,
                RuleKey.DOC_LENGTH_COMPREHENSIVE,
                lambda cap: Q(
                    kind=DemandKind.DOCUMENT,
                    demand__doc_category=DocumentCategory.COMPREHENSIVE,
                    demand__char_count__gt=cap,
                ),
            ),
            *_periods_q(
                book,
                RuleKey.DOC_LENGTH_SPECIAL,
                lambda cap: Q(
                    kind=DemandKind.DOCUMENT,
                    demand__doc_category=DocumentCategory.SPECIAL,
                    demand__char_count__gt=cap,
                ),
            ),
        ]
    )
    short = _any(_periods_q(book, RuleKey.SHORT_DEADLINE_DAYS, lambda days: Q(lead_days__lt=days)))
    annotations: dict[str, Any] = {
        "demands": Count("id"),
        "organs": Count("organ_id", distinct=True),
        "with_deadline": Count("id", filter=Q(lead_days__isnull=False)),
        "meeting_hours": Sum("demand__meeting_hours", filter=Q(kind=DemandKind.MEETING)),
        "accompany": Count(
            "id", filter=Q(kind=DemandKind.MEETING, demand__accompany_required=True)
        ),
        "onsite": Count("id", filter=Q(kind=DemandKind.INSPECTION, demand__onsite=True)),
        "traces": Count("id", filter=Q(kind=DemandKind.TRACE) | Q(demand__trace_required=True)),
    }
    for kind in DemandKind.values:
        annotations[f"k_{kind}"] = Count("id", filter=Q(kind=kind))
    if long_docs is not None:
        annotations["long_docs"] = Count("id", filter=long_docs)
    if short is not None:
        annotations["short"] = Count("id", filter=short)
    return annotations


class MonthStart(Func):
    """The first day of a date's month, as a date, computed natively by the database:
    PostgreSQL truncates a plain timestamp (no time-zone conversion per row), SQLite uses
    DATE(…, 'start of month') (no Python function per row, unlike Django's TruncMonth there)."""

    arity = 1
    output_field = DateField()
    template = "CAST(DATE_TRUNC('month', CAST(%(expressions)s AS timestamp)) AS date)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="DATE(%(expressions)s, 'start of month')", **extra
        )


def _as_date(value: Any) -> datetime.date:
    """A month from the database: a date (PostgreSQL), text 'YYYY-MM-DD' (SQLite, raw rows)."""
    if isinstance(value, str):
        return datetime.date.fromisoformat(value)
    return value.date() if isinstance(value, datetime.datetime) else value


def _raw_rows(queryset: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of a `values_list` queryset as the driver returns them: without Django's
    converter call per value (an int() for every count), which for the county's few thousand
    rows of twenty counts costs more than reading them. Dates may come as text (SQLite).
    In batches, so that the rows are not all alive at once, nor fetched one call per row."""
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing (a county without units)
        return
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(500):
            yield from batch


def _lead_days(
    receipts: QuerySet[DemandReceipt], by_unit: bool
) -> dict[tuple[int | None, datetime.date], tuple[int, ...]]:
    """The lead days of RECEIPTS (those of the range) with a deadline, per (unit, month), sorted:
    fetched as counts per distinct value (a month has at most a few dozen), not row by row."""
    group = ["unit_id", "month", "lead_days"] if by_unit else ["month", "lead_days"]
    rows = (
        receipts.filter(lead_days__isnull=False)
        .annotate(month=MonthStart("issued_on"))
        .values(*group)
        .annotate(n=Count("id"))
        .order_by()
        .values_list(*group, "n")
    )
    leads: dict[tuple[int | None, datetime.date], list[int]] = defaultdict(list)
    for row in rows:
        unit_id = row[0] if by_unit else None
        month, lead, n = row[-3], row[-2], row[-1]
        leads[(unit_id, _as_date(month))].extend([lead] * n)
    return {key: tuple(sorted(values)) for key, values in leads.items()}


def compute_indicators(
    *,
    county_id: int,
    unit_ids: set[int] | None,
    month_from: datetime.date,
    month_to: datetime.date,
    by_unit: bool,
    with_lead_days: bool = True,
    book: RuleBook | None = None,
    county_units: set[int] | None = None,
) -> dict[tuple[int | None, datetime.date], Indicators]:
    """The indicators per (unit, month), or per (None, month) for the whole set of units.

    Not scoped: callers pass what the user may see. UNIT_IDS None means every unit of the county
    (COUNTY_UNITS, when the caller has them, saves the query for their ids). Months without
    demands are present with zeros. BOOK: the county's rule book, when the caller has it.

    The receipts of the range come in one grouped query joined to their demands; the
    year-on-year bases, the roster and the overtime in one more (`_side_figures`).
    """
    months = months_between(month_from, month_to)
    first = months[0]
    end = month_end(months[-1])
    book = book or rule_book(county_id=county_id)
    county_receipts = DemandReceipt.objects.filter(county_id=county_id)
    if unit_ids is not None:
        county_receipts = county_receipts.filter(unit_id__in=unit_ids)
    receipts = county_receipts.filter(issued_on__gte=first, issued_on__lte=end)
    # The demand repeats the receipt's county and issue date: saying so lets the database
    # narrow the joined demands to the same county and months instead of reading them all.
    joined = receipts.filter(
        demand__county_id=county_id, demand__issued_on__gte=first, demand__issued_on__lte=end
    )
    group = ["unit_id", "month"] if by_unit else ["month"]
    annotations = _receipt_annotations(book)
    names = list(annotations)
    rows = _raw_rows(
        joined.annotate(month=MonthStart("issued_on"))
        .values(*group)
        .annotate(**annotations)
        .order_by()
        .values_list(*group, *names)
    )
    if not by_unit:
        unit_keys: set[int | None] = {None}
    elif unit_ids is not None:
        unit_keys = set(unit_ids)
    elif county_units is not None:
        unit_keys = set(county_units)
    else:
        unit_keys = set(Unit.objects.filter(county_id=county_id).values_list("id", flat=True))
    tolerance = float(book.value(RuleKey.YOY_TOLERANCE, months[-1]) or 0)
    caps = {}
    for month in months:
        cap = book.value(RuleKey.INSPECTIONS_PER_MONTH, month)
        caps[month] = None if cap is None else int(cap)
    result = {
        (key, month): Indicators(
            month=month, unit_id=key, inspections_cap=caps[month], yoy_tolerance=tolerance
        )
        for key in unit_keys
        for month in months
    }
    at = {name: index + len(group) for index, name in enumerate(names)}
    demands, organs, with_deadline = at["demands"], at["organs"], at["with_deadline"]
    hours_at, accompany, onsite, traces = (
        at["meeting_hours"],
        at["accompany"],
        at["onsite"],
        at["traces"],
    )
    short, long_docs = at.get("short"), at.get("long_docs")
    kinds = [(kind, at[f"k_{kind}"]) for kind in DemandKind.values]
    inspection = at[f"k_{DemandKind.INSPECTION}"]
    for row in rows:
        key = row[0] if by_unit else None
        month = _as_date(row[len(group) - 1])
        item = result.get((key, month))
        if item is None:
            item = result[(key, month)] = Indicators(
                month=month, unit_id=key, inspections_cap=caps[month], yoy_tolerance=tolerance
            )
        item.demands = row[demands]
        item.issuing_organs = row[organs]
        item.with_deadline = row[with_deadline]
        item.short_deadlines = 0 if short is None else row[short]
        hours = row[hours_at]
        # Hours have one decimal: rounding the sum gives the same float from PostgreSQL's
        # numeric and from SQLite's floating-point sum.
        item.meeting_hours = 0.0 if hours is None else round(float(hours), 1)
        item.accompany_meetings = row[accompany]
        item.inspections = row[inspection]
        item.onsite_inspections = row[onsite]
        item.long_documents = 0 if long_docs is None else row[long_docs]
        item.traces = row[traces]
        item.by_kind = {kind: row[index] for kind, index in kinds if row[index]}
    # The base is the receipts of the same month a year earlier, None when there were none (a
    # month with receipts has at least one): before the range, or a month inside it.
    before, started, overtime = _side_figures(county_id, unit_ids, months, by_unit)
    year_before = {month: add_months(month, -12) for month in months}
    for (key, month), item in result.items():
        earlier_month = year_before[month]
        if earlier_month < first:
            item.yoy_base = before.get((key, earlier_month))
        else:
            earlier_item = result.get((key, earlier_month))
            item.yoy_base = (earlier_item.demands or None) if earlier_item is not None else None
    for key, added in started.items():
        for month, n in zip(months, itertools.accumulate(added), strict=True):
            item = result.get((key, month))
            if item is not None:
                item.cadres = n
    for key_month, (hours, headcount, weekend) in overtime.items():
        item = result.get(key_month)
        if item is not None:
            item.overtime_hours, item.overtime_headcount, item.weekend_days = (
                hours,
                headcount,
                weekend,
            )
    if with_lead_days:
        for key_month, leads in _lead_days(receipts, by_unit).items():
            result[key_month].lead_days = leads
    return result


def _side_figures(
    county_id: int, unit_ids: set[int] | None, months: list[datetime.date], by_unit: bool
) -> tuple[
    dict[tuple[int | None, datetime.date], int],
    dict[int | None, list[int]],
    dict[tuple[int | None, datetime.date], tuple[float, int, int]],
]:
    """What the cells need besides the range's receipts, in one query (three grouped parts):

    - receipts per (unit, month) of the 12 months before the range, the year-on-year bases
      (from the receipts alone: only the count is needed);
    - active cadres by the month they started work, per unit, as additions per month of MONTHS:
      cadres who started before the first month count in it, later ones in their month, none
      after the range (their running sum is the cadres at each month end). The roster keeps
      each cadre's present unit, not a unit history, so the present unit counts;
    - overtime per (unit, month): hours, headcount, weekend days; a week counts in the month of
      its Monday.

    Keys are the unit, or None for the whole set of units without BY_UNIT.
    """
    first, end = months[0], month_end(months[-1])
    earlier = add_months(first, -12)
    key = "unit_id" if by_unit else "county_id"
    zero = Value(0, output_field=IntegerField())

    def part(queryset: QuerySet[Any], tag: int, month: Any, **figures: Any) -> QuerySet[Any]:
        if unit_ids is not None:
            queryset = queryset.filter(unit_id__in=unit_ids)
        return (
            queryset.annotate(month=month)
            .values(key, "month")
            .annotate(tag=Value(tag, output_field=IntegerField()), **figures)
            .order_by()
            .values_list("tag", key, "month", "n", "hours", "days")
        )

    bases = part(
        DemandReceipt.objects.filter(
            county_id=county_id, issued_on__gte=earlier, issued_on__lt=first
        ),
        0,
        MonthStart("issued_on"),
        n=Count("id"),
        hours=zero,
        days=zero,
    )
    bucket = Case(
        When(work_start_date__lt=first, then=Value(first)),
        default=MonthStart("work_start_date"),
        output_field=DateField(),
    )
    cadres = part(
        Cadre.objects.filter(
            county_id=county_id, status=CadreStatus.ACTIVE, work_start_date__lte=end
        ),
        1,
        bucket,
        n=Count("id"),
        hours=zero,
        days=zero,
    )
    weeks = part(
        OvertimeWeek.objects.filter(
            county_id=county_id, week_start__gte=first, week_start__lte=end
        ),
        2,
        MonthStart("week_start"),
        n=Sum("overtime_headcount"),
        hours=Sum("overtime_hours"),
        days=Sum("weekend_days"),
    )
    before: dict[tuple[int | None, datetime.date], int] = {}
    index = {month: i for i, month in enumerate(months)}
    started: dict[int | None, list[int]] = {}
    overtime: dict[tuple[int | None, datetime.date], tuple[float, int, int]] = {}
    for tag, unit_id, month, n, hours, days in _raw_rows(bases.union(cadres, weeks, all=True)):
        unit = unit_id if by_unit else None
        month = _as_date(month)
        if tag == 0:
            before[(unit, month)] = n
        elif tag == 1:
            started.setdefault(unit, [0] * len(months))[index[month]] += n
        else:
            # Hours have one decimal: rounding gives the same float from PostgreSQL's numeric
            # and from SQLite's floating-point sum.
            overtime[(unit, month)] = (round(float(hours or 0), 1), int(n or 0), int(days or 0))
    return before, started, overtime


def _require_role(user: Any) -> None:
    if getattr(user, "role", None) not in WORKLOAD_ROLES:
        raise PermissionDenied


def visible_units(user: Any) -> QuerySet[Unit]:
    """The units whose workload USER may see (403 for roles without workload pages)."""
    _require_role(user)
    return scoped(Unit.objects.all(), user, unit_field="id")


def unit_for(user: Any, *, pk: object) -> Unit:
    """A unit USER may see, or 404 (another unit, another county, a malformed id)."""
    try:
        return visible_units(user).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def unit_by_code(user: Any, *, code: str) -> Unit:
    try:
        return visible_units(user).get(code=code)
    except Unit.DoesNotExist as exc:
        raise Http404 from exc


def _check_range(month_from: datetime.date, month_to: datetime.date) -> None:
    from zhongjian.core.errors import ValidationError

    if month_to < month_from:
        raise ValidationError(_("结束月份早于起始月份。"))
    if len(months_between(month_from, month_to)) > 120:
        raise ValidationError(_("一次最多查询 120 个月。"))


def workload_indicators(
    user: Any,
    *,
    unit: Unit | None = None,
    month_from: datetime.date,
    month_to: datetime.date,
) -> list[Indicators]:
    """Month by month, the indicators of UNIT, or of the user's whole scope without one.

    The 组织部 gets the county without a unit; a unit head always gets their own unit. A unit
    outside the user's scope is a 404, a role without workload pages a 403.
    """
    _require_role(user)
    _check_range(month_from, month_to)
    scope = scope_for(user)
    if unit is not None:
        unit = unit_for(user, pk=unit.pk)
    elif not scope.is_county_wide:
        unit = unit_for(user, pk=user.unit_id)
    return _indicators_of(
        scope.county_id,  # type: ignore[arg-type]
        unit,
        month_from=month_from,
        month_to=month_to,
    )


def _indicators_of(
    county_id: int, unit: Unit | None, *, month_from: datetime.date, month_to: datetime.date
) -> list[Indicators]:
    """Month by month, the indicators of UNIT (or the whole county): not scoped, the callers
    have checked the unit against the user's scope."""
    result = compute_indicators(
        county_id=county_id,
        unit_ids=None if unit is None else {unit.pk},
        month_from=month_from,
        month_to=month_to,
        by_unit=False,
    )
    return [result[(None, month)] for month in months_between(month_from, month_to)]


def workload_unit_months(
    user: Any,
    *,
    month_from: datetime.date,
    month_to: datetime.date,
    book: RuleBook | None = None,
    county_units: set[int] | None = None,
) -> dict[tuple[int | None, datetime.date], Indicators]:
    """The indicators of every unit the user may see, per unit and month (the heatmap's cells).

    Without the lead-day lists: medians are per unit page, not per heatmap cell. BOOK and
    COUNTY_UNITS (the ids of all the county's units, for a county-wide user) save their queries
    when the caller has them.
    """
    _require_role(user)
    _check_range(month_from, month_to)
    scope = scope_for(user)
    return compute_indicators(
        county_id=scope.county_id,  # type: ignore[arg-type]
        unit_ids=None if scope.is_county_wide else set(scope.unit_ids or ()),
        month_from=month_from,
        month_to=month_to,
        by_unit=True,
        with_lead_days=False,
        book=book,
        county_units=county_units if scope.is_county_wide else None,
    )


@dataclass(frozen=True)
class Alert:
    unit_id: int
    unit_name: str
    month: datetime.date
    kind: str  # over_cap, yoy, short_deadlines
    message: str
    url: str


def workload_alerts(
    user: Any,
    *,
    month_from: datetime.date,
    month_to: datetime.date,
    cells: dict[tuple[int | None, datetime.date], Indicators] | None = None,
    book: RuleBook | None = None,
    names: dict[int, str] | None = None,
) -> list[Alert]:
    """Units over a cap, rising year on year, or with many short deadlines; newest first.

    Each alert links to the unit's demands of that month (the evidence). CELLS, when given, are
    the `workload_unit_months` of the same user and range, BOOK the county's rule book and
    NAMES the visible units' names by id, so that a page reads each once.
    """
    return _alerts(user, month_from, month_to, cells, book, names, limit=None)[0]


def _alerts(
    user: Any,
    month_from: datetime.date,
    month_to: datetime.date,
    cells: dict[tuple[int | None, datetime.date], Indicators] | None,
    book: RuleBook | None,
    names: dict[int, str] | None,
    *,
    limit: int | None,
) -> tuple[list[Alert], int]:
    """The newest LIMIT alerts (all without a limit) and how many there are in all.

    Every cell's conditions are checked; messages and links are written only for the alerts
    returned."""
    _require_role(user)
    scope = scope_for(user)
    book = book or rule_book(county_id=scope.county_id)  # type: ignore[arg-type]
    if cells is None:
        cells = workload_unit_months(user, month_from=month_from, month_to=month_to, book=book)
    if names is None:
        names = dict(visible_units(user).values_list("id", "name"))
    limits = _MonthLimits(book)
    found: list[tuple[int, str, str, int, str, Indicators]] = []
    for (unit_id, month), item in cells.items():
        name = names.get(unit_id)  # type: ignore[arg-type]
        if name is None:
            continue
        for reason in _reasons(item, limits):
            # Sorted newest first, then by unit name and kind; the running number keeps the
            # order of the checks between alerts of the same unit, month and kind.
            found.append((-month.toordinal(), name, ALERT_KINDS[reason], len(found), reason, item))
    found.sort()
    chosen = found if limit is None else found[:limit]
    texts = _AlertTexts()
    urls: dict[int, str] = {}
    alerts = []
    for _order, name, _kind, _n, reason, item in chosen:
        unit_id = item.unit_id
        url = urls.get(unit_id)  # type: ignore[arg-type]
        if url is None:
            url = urls[unit_id] = reverse("workload:unit_detail", args=[unit_id])  # type: ignore[index]
        alerts.append(_alert(unit_id, name, item, reason, limits, texts, url))  # type: ignore[arg-type]
    return alerts, len(found)


def _number(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if value == value.to_integral_value() else str(value)


class _MonthLimits:
    """The alert thresholds in force in a month, looked up once per month, not per cell."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.cache: dict[datetime.date, tuple[Decimal | None, float | None]] = {}

    def get(self, month: datetime.date) -> tuple[Decimal | None, float | None]:
        """(陪会 cap, short-deadline share line) of MONTH."""
        found = self.cache.get(month)
        if found is None:
            line = self.book.value(RuleKey.SHORT_DEADLINE_SHARE, month)
            found = self.cache[month] = (
                self.book.value(RuleKey.ACCOMPANY_MEETINGS, month),
                None if line is None else float(line),
            )
        return found


# Why a unit-month raises an alert, in the order of the checks, and the alert's kind.
ALERT_KINDS = {
    "long_documents": "over_cap",
    "inspections": "over_cap",
    "accompany": "over_cap",
    "yoy": "yoy",
    "short_deadlines": "short_deadlines",
}


def _reasons(item: Indicators, limits: _MonthLimits) -> list[str]:
    """The alerts of one unit-month: over a cap, rising year on year, many short deadlines."""
    accompany_cap, threshold = limits.get(item.month)
    reasons = []
    if item.long_documents:
        reasons.append("long_documents")
    if item.inspections_over_cap:
        reasons.append("inspections")
    if accompany_cap is not None and item.accompany_meetings > accompany_cap:
        reasons.append("accompany")
    if item.yoy_increase:
        reasons.append("yoy")
    if threshold is not None and item.with_deadline >= MIN_DEADLINES_FOR_ALERT:
        share = item.short_deadline_share
        if share is not None and share > threshold:
            reasons.append("short_deadlines")
    return reasons


class _AlertTexts:
    """The alert messages, translated once per list rather than once per alert."""

    def __init__(self) -> None:
        self.long_documents = _("超篇幅文件 %(n)d 件（综合 > %(c)s 字，专项 > %(s)s 字）")
        self.inspections = _("实地督查检查考核 %(n)d 次，超过上限 %(cap)d 次")
        self.accompany = _("要求陪会的会议 %(n)d 次")
        self.yoy = _("上级任务 %(n)d 件，上年同月 %(base)d 件，同比增加 %(change)s（只减不增）")
        self.short = _("短时限事项 %(n)d/%(all)d（%(share)s），超过预警线 %(line)s")


def _alert(
    unit_id: int,
    name: str,
    item: Indicators,
    reason: str,
    limits: _MonthLimits,
    texts: _AlertTexts,
    base_url: str,
) -> Alert:
    """The alert for REASON (one of `_reasons`) with its message and link to the evidence."""
    month, book = item.month, limits.book
    demand_kind = ""
    if reason == "long_documents":
        message = texts.long_documents % {
            "n": item.long_documents,
            "c": _number(book.value(RuleKey.DOC_LENGTH_COMPREHENSIVE, month)),
            "s": _number(book.value(RuleKey.DOC_LENGTH_SPECIAL, month)),
        }
        demand_kind = DemandKind.DOCUMENT
    elif reason == "inspections":
        message = texts.inspections % {"n": item.onsite_inspections, "cap": item.inspections_cap}
        demand_kind = DemandKind.INSPECTION
    elif reason == "accompany":
        message = texts.accompany % {"n": item.accompany_meetings}
        demand_kind = DemandKind.MEETING
    elif reason == "yoy":
        message = texts.yoy % {
            "n": item.demands,
            "base": item.yoy_base,
            "change": f"{item.yoy_change:.0%}",
        }
    else:
        threshold = limits.get(month)[1]
        message = texts.short % {
            "n": item.short_deadlines,
            "all": item.with_deadline,
            "share": f"{item.short_deadline_share:.0%}",
            "line": f"{threshold:.0%}",
        }
    url = base_url + f"?month={month:%Y-%m}" + (f"&kind={demand_kind}" if demand_kind else "")
    return Alert(unit_id, name, month, ALERT_KINDS[reason], message, url)


def top_organs(
    user: Any, *, month_from: datetime.date, month_to: datetime.date, limit: int = 10
) -> list[tuple[str, int]]:
    """The issuing organs with the most receipts in the range, in the user's scope."""
    end = month_end(month_to)
    receipts = scoped(DemandReceipt.objects.all(), user).filter(
        issued_on__gte=month_from, issued_on__lte=end
    )
    # Counted per organ from the receipts alone (they repeat their demand's organ), named
    # afterwards; an organ's name is unique in its county, so ordering by count, then name,
    # needs only the few organs.
    counts = receipts.values("organ_id").annotate(n=Count("id")).order_by()
    counted = dict(counts.values_list("organ_id", "n"))
    names = dict(Organ.objects.filter(pk__in=counted).values_list("id", "name"))
    ranked = sorted(((names[pk], n) for pk, n in counted.items()), key=lambda x: (-x[1], x[0]))
    return ranked[:limit]


def workload_dashboard(
    user: Any, *, month_from: datetime.date, month_to: datetime.date
) -> dict[str, Any]:
    """Everything the county dashboard shows: heatmap, trends by kind, top organs, townships
    against county departments, the newest DASHBOARD_ALERTS alerts and the count of all. The
    county picture is the 组织部's (403 otherwise)."""
    scope = scope_for(user)
    if not scope.is_county_wide:
        raise PermissionDenied
    months = months_between(month_from, month_to)
    book = rule_book(county_id=scope.county_id)  # type: ignore[arg-type]
    every_unit = list(visible_units(user).order_by("kind", "code"))
    cells = workload_unit_months(
        user,
        month_from=month_from,
        month_to=month_to,
        book=book,
        county_units={unit.pk for unit in every_unit},
    )
    alerts, alert_count = _alerts(
        user,
        month_from,
        month_to,
        cells,
        book,
        {unit.pk: unit.name for unit in every_unit},
        limit=DASHBOARD_ALERTS,
    )
    units = [unit for unit in every_unit if unit.is_active]
    labels = [f"{month:%Y-%m}" for month in months]
    heat: list[list[Any]] = []
    for y, unit in enumerate(units):
        for x, month in enumerate(months):
            value = cells[(unit.pk, month)].per_cadre
            heat.append([x, y, None if value is None else round(value, 3)])
    trend = {kind: [0] * len(months) for kind in DemandKind.values}
    groups = {"township": [[0, 0] for _m in months], "department": [[0, 0] for _m in months]}
    group_of = {
        unit.pk: "township" if unit.kind in TOWNSHIP_KINDS else "department"
        for unit in units
        if unit.kind in (*TOWNSHIP_KINDS, UnitKind.COUNTY_DEPARTMENT)
    }
    index = {month: i for i, month in enumerate(months)}
    totals = Indicators(month=months[-1], unit_id=None)
    for (unit_id, month), item in cells.items():
        i = index[month]
        for kind, n in item.by_kind.items():
            trend[kind][i] += n
        group = group_of.get(unit_id)  # type: ignore[arg-type]
        if group is not None:
            groups[group][i][0] += item.demands
            groups[group][i][1] += item.cadres
        totals.demands += item.demands
        totals.long_documents += item.long_documents
        totals.accompany_meetings += item.accompany_meetings
        totals.onsite_inspections += item.onsite_inspections
        totals.meeting_hours += item.meeting_hours
    return {
        "months": labels,
        "units": [unit.name for unit in units],
        "unit_ids": [unit.pk for unit in units],
        "heatmap": heat,
        "trend": {
            "labels": labels,
            "series": [
                {"name": KIND_LABELS[kind], "data": data}
                for kind, data in trend.items()
                if any(data)
            ],
        },
        "top_organs": top_organs(user, month_from=month_from, month_to=month_to),
        "groups": {
            "labels": labels,
            "series": [
                {
                    "name": name,
                    "data": [None if c == 0 else round(100 * d / c, 1) for d, c in groups[key]],
                }
                for key, name in (("township", _("乡镇（街道）")), ("department", _("县直部门")))
            ],
        },
        "totals": asdict(totals),
        "alerts": alerts,
        "alert_count": alert_count,
    }


# How long a cached dashboard is kept: a changed input changes the key at once (the stamp), so
# this only bounds how long entries nobody asks for any more stay in the cache.
DASHBOARD_CACHE_SECONDS = 6 * 3600
# Part of the key: bumped when the cached dict changes shape, so no process reads an old one.
DASHBOARD_CACHE_FORMAT = 1
# The same for the unit page's cached months: bumped when `Indicators` changes its fields.
INDICATORS_CACHE_FORMAT = 1
NATIONAL_STAMP = 0


def data_stamp(county_id: int) -> str:
    """The county's and the national rules' tokens (`DataStamp`): one small query.

    A county without a stamp row (its data predate the triggers, or the row was emptied) gets a
    fresh random token here, never a fixed 'none' that might once have stood for other figures.
    """
    keys = (county_id, NATIONAL_STAMP)
    stamps = DataStamp.objects.filter(county_id__in=keys)
    found = dict(stamps.values_list("county_id", "token"))
    if len(found) < len(keys):
        DataStamp.objects.bulk_create(
            [DataStamp(county_id=key, token=uuid.uuid4().hex) for key in keys if key not in found],
            ignore_conflicts=True,
        )
        found = dict(stamps.values_list("county_id", "token"))
    return f"{found[county_id]}.{found[NATIONAL_STAMP]}"


def cached_workload_dashboard(
    user: Any, *, month_from: datetime.date, month_to: datetime.date
) -> dict[str, Any]:
    """`workload_dashboard`, cached under the county's data stamp: an unchanged county costs
    the stamp query; any write to an input of a figure (see `DataStamp`) changes the stamp, so
    the next load computes afresh. The key carries the scope it was computed for (the county,
    county-wide: no other scope may open the dashboard), the months and the language."""
    scope = scope_for(user)
    if not scope.is_county_wide:
        raise PermissionDenied
    _check_range(month_from, month_to)
    key = ":".join(
        (
            f"zj:workload:dashboard:{DASHBOARD_CACHE_FORMAT}",
            f"county{scope.county_id}",
            "all" if scope.unit_ids is None else ",".join(map(str, sorted(scope.unit_ids))),
            f"{month_from:%Y-%m}",
            f"{month_to:%Y-%m}",
            get_language() or "",
            data_stamp(scope.county_id),  # type: ignore[arg-type]
        )
    )
    data = cache.get(key)
    if data is None:
        data = workload_dashboard(user, month_from=month_from, month_to=month_to)
        cache.set(key, data, DASHBOARD_CACHE_SECONDS)
    return data


def cached_workload_indicators(
    user: Any, *, unit: Unit, month_from: datetime.date, month_to: datetime.date
) -> list[Indicators]:
    """`workload_indicators` of UNIT, cached under the county's data stamp like the dashboard
    (`cached_workload_dashboard`): the unit page's months cost the stamp query while nothing
    they count has changed. UNIT is checked against the user's scope first (404 outside it,
    403 for a role without workload pages), so the cache never answers for a unit the user may
    not see."""
    _require_role(user)
    _check_range(month_from, month_to)
    scope = scope_for(user)
    unit = unit_for(user, pk=unit.pk)
    key = ":".join(
        (
            f"zj:workload:unit:{INDICATORS_CACHE_FORMAT}",
            f"county{scope.county_id}",
            f"unit{unit.pk}",
            f"{month_from:%Y-%m}",
            f"{month_to:%Y-%m}",
            data_stamp(scope.county_id),  # type: ignore[arg-type]
        )
    )
    months = cache.get(key)
    if months is None:
        months = _indicators_of(
            scope.county_id,  # type: ignore[arg-type]
            unit,
            month_from=month_from,
            month_to=month_to,
        )
        cache.set(key, months, DASHBOARD_CACHE_SECONDS)
    return months


def organ_list(user: Any, *, query: str = "") -> QuerySet[Organ]:
    """The county's issuing organs (for pickers and the API), filtered by a name fragment."""
    _require_role(user)
    # Organs are the county's shared list, not a unit's rows: a unit head sees the whole list.
    organs = Organ.objects.filter(county_id=scope_for(user).county_id)
    if query:
        organs = organs.filter(Q(name__icontains=query) | Q(department__icontains=query))
    return organs.filter(is_active=True).order_by("level", "name")


def receipt_list(
    user: Any,
    *,
    unit_id: int | None = None,
    kind: str = "",
    organ_id: int | None = None,
    month: datetime.date | None = None,
    open_only: bool = False,
) -> QuerySet[DemandReceipt]:
    """The receipts (demand × receiving unit) USER may see, with the filters of the unit page."""
    _require_role(user)
    receipts = scoped(DemandReceipt.objects.all(), user).select_related(
        "demand", "demand__organ", "unit"
    )
    if unit_id is not None:
        receipts = receipts.filter(unit_id=unit_id)
    if kind:
        receipts = receipts.filter(kind=kind)
    if organ_id is not None:
        receipts = receipts.filter(demand__organ_id=organ_id)
    if month is not None:
        receipts = receipts.filter(issued_on__gte=month, issued_on__lte=month_end(month))
    if open_only:
        receipts = receipts.filter(completed_on__isnull=True)
    return receipts.order_by("-issued_on", "-id")


# What a row of the unit page's receipt list shows (`templatetags.workload_rows.receipt_row`).
RECEIPT_ROW_FIELDS = (
    "issued_on",
    "kind",
    "lead_days",
    "completed_on",
    "unit_id",
    "demand_id",
    "demand__title",
    "demand__document_no",
    "demand__deadline",
    "demand__organ__name",
)


def receipt_rows(receipts: QuerySet[DemandReceipt]) -> QuerySet[DemandReceipt]:
    """RECEIPTS (from `receipt_list`) with only what the unit page's rows show: loading the
    demand's other columns and the receiving unit (the page's own) for 50 rows was a tenth of
    the page."""
    return receipts.select_related(None).select_related("demand__organ").only(*RECEIPT_ROW_FIELDS)


def demand_for(user: Any, *, pk: object) -> Demand:
    """A demand that reaches at least one unit USER may see, or 404."""
    _require_role(user)
    visible = scoped(DemandReceipt.objects.all(), user).values("demand_id")
    try:
        return (
            Demand.objects.filter(county_id=user.county_id, pk__in=visible)
            .select_related("organ")
            .get(pk=pk)
        )
    except (Demand.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def receipt_for(user: Any, *, demand: Demand, unit_id: object) -> DemandReceipt:
    try:
        return (
            scoped(DemandReceipt.objects.all(), user)
            .select_related("unit", "demand")
            .get(demand=demand, unit_id=unit_id)
        )
    except (DemandReceipt.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
