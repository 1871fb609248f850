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
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import scope_for, scoped
from zhongjian.org.choices import CadreStatus, UnitKind
from zhongjian.org.models import Cadre, Unit
from zhongjian.org.rules import add_months
from zhongjian.workload.choices import DemandKind, DocumentCategory, RuleKey
from zhongjian.workload.models import Demand, DemandReceipt, Organ, OvertimeWeek
from zhongjian.workload.rules import RuleBook, rule_book

WORKLOAD_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)
TOWNSHIP_KINDS = (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
# Short-deadline alerts need a few deadlines in the month: one short deadline of one is noise.
MIN_DEADLINES_FOR_ALERT = 3
KIND_LABELS = {kind.value: str(kind.label) for kind in DemandKind}
# The kinds' values once: `DemandKind.values` builds its list anew on every read.
DEMAND_KINDS = tuple(DemandKind.values)


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


@dataclass
class Indicators:
    """The workload indicators of one unit (or the county, unit_id None) in one month."""

    month: datetime.date
    unit_id: int | None
    demands: int = 0
    cadres: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    issuing_organs: int = 0
    lead_days: list[int] = field(default_factory=list, repr=False)
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
        "organs": Count("demand__organ_id", distinct=True),
        "with_deadline": Count("id", filter=Q(lead_days__isnull=False)),
        "meeting_hours": Sum("demand__meeting_hours", filter=Q(kind=DemandKind.MEETING)),
        "accompany": Count(
            "id", filter=Q(kind=DemandKind.MEETING, demand__accompany_required=True)
        ),
        "onsite": Count("id", filter=Q(kind=DemandKind.INSPECTION, demand__onsite=True)),
        "traces": Count("id", filter=Q(kind=DemandKind.TRACE) | Q(demand__trace_required=True)),
    }
    for kind in DEMAND_KINDS:
        annotations[f"k_{kind}"] = Count("id", filter=Q(kind=kind))
    if long_docs is not None:
        annotations["long_docs"] = Count("id", filter=long_docs)
    if short is not None:
        annotations["short"] = Count("id", filter=short)
    return annotations


def _cadre_counts(
    county_id: int, unit_ids: set[int] | None, months: list[datetime.date], by_unit: bool
) -> dict[tuple[int | None, datetime.date], int]:
    """Active cadres who had started work by each month's end, per unit or for the county.

    The roster keeps each cadre's present unit, not a unit history, so the present unit counts.
    """
    cadres = Cadre.objects.filter(county_id=county_id, status=CadreStatus.ACTIVE)
    if unit_ids is not None:
        cadres = cadres.filter(unit_id__in=unit_ids)
    key_field = "unit_id" if by_unit else "county_id"
    # Those who started before the first month count in every month: one figure per key for
    # them, and one per key and month for those who started within the range.
    before = (
        cadres.filter(work_start_date__lt=months[0])
        .values(key_field)
        .annotate(n=Count("id"))
        .values_list(key_field, "n")
    )
    within = (
        cadres.filter(work_start_date__gte=months[0])
        .values(key_field, month=TruncMonth("work_start_date"))
        .annotate(n=Count("id"))
        .values_list(key_field, "month", "n")
    )
    by_key: dict[int | None, list[tuple[datetime.date, int]]] = defaultdict(list)
    for key, n in before:
        by_key[key if by_unit else None].append((months[0], n))
    for key, month, n in within:
        by_key[key if by_unit else None].append((month, n))
    counts: dict[tuple[int | None, datetime.date], int] = {}
    for key, entries in by_key.items():
        entries.sort()
        total, index = 0, 0
        for month in months:
            while index < len(entries) and entries[index][0] <= month:
                total += entries[index][1]
                index += 1
            counts[(key, month)] = total
    return counts


def compute_indicators(
    *,
    county_id: int,
    unit_ids: set[int] | None,
    month_from: datetime.date,
    month_to: datetime.date,
    by_unit: bool,
    with_lead_days: bool = True,
) -> dict[tuple[int | None, datetime.date], Indicators]:
    """The indicators per (unit, month), or per (None, month) for the whole set of units.

    Not scoped: callers pass what the user may see. UNIT_IDS None means every unit of the county.
    Months without demands are present with zeros.
    """
    months = months_between(month_from, month_to)
    earlier = add_months(months[0], -12)
    end = month_end(months[-1])
    book = rule_book(county_id=county_id)
    receipts = DemandReceipt.objects.filter(county_id=county_id, issued_on__gte=earlier)
    receipts = receipts.filter(issued_on__lte=end)
    if unit_ids is not None:
        receipts = receipts.filter(unit_id__in=unit_ids)
    group = ["unit_id", "month"] if by_unit else ["month"]
    by_month = receipts.annotate(month=TruncMonth("issued_on")).values(*group)
    # The year before the range gives only the base of the year-on-year change: its count alone.
    prior_rows = by_month.filter(issued_on__lt=months[0]).annotate(demands=Count("id")).order_by()
    rows = by_month.filter(issued_on__gte=months[0])
    rows = rows.annotate(**_receipt_annotations(book)).order_by()
    unit_keys: set[int | None] = set(unit_ids) if by_unit and unit_ids is not None else set()
    if by_unit and unit_ids is None:
        unit_keys = set(Unit.objects.filter(county_id=county_id).values_list("id", flat=True))
    if not by_unit:
        unit_keys = {None}
    result = {
        (key, month): Indicators(month=month, unit_id=key) for key in unit_keys for month in months
    }
    prior: dict[tuple[int | None, datetime.date], int] = {}
    for row in itertools.chain(prior_rows, rows):
        key = row["unit_id"] if by_unit else None
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        if month < months[0]:
            prior[(key, add_months(month, 12))] = row["demands"]
            continue
        item = result.setdefault((key, month), Indicators(month=month, unit_id=key))
        item.demands = row["demands"]
        item.issuing_organs = row["organs"]
        item.with_deadline = row["with_deadline"]
        item.short_deadlines = row.get("short", 0)
        item.meeting_hours = float(row["meeting_hours"] or Decimal(0))
        item.accompany_meetings = row["accompany"]
        item.inspections = row[f"k_{DemandKind.INSPECTION}"]
        item.onsite_inspections = row["onsite"]
        item.long_documents = row.get("long_docs", 0)
        item.traces = row["traces"]
        item.by_kind = {kind: row[f"k_{kind}"] for kind in DEMAND_KINDS if row[f"k_{kind}"]}
    cadres = _cadre_counts(county_id, unit_ids, months, by_unit)
    overtime = _overtime(county_id, unit_ids, months[0], end, by_unit)
    tolerance = book.value(RuleKey.YOY_TOLERANCE, months[-1])
    for (key, month), item in result.items():
        item.cadres = cadres.get((key, month), 0)
        item.yoy_base = prior.get((key, month))
        cap = book.value(RuleKey.INSPECTIONS_PER_MONTH, month)
        item.inspections_cap = None if cap is None else int(cap)
        item.yoy_tolerance = float(tolerance or 0)
        hours, headcount, weekend = overtime.get((key, month), (0.0, 0, 0))
        item.overtime_hours, item.overtime_headcount, item.weekend_days = hours, headcount, weekend
    if with_lead_days:
        leads = receipts.filter(issued_on__gte=months[0], lead_days__isnull=False)
        for unit_id, issued_on, lead in leads.values_list("unit_id", "issued_on", "lead_days"):
            result[(unit_id if by_unit else None, month_start(issued_on))].lead_days.append(lead)
    return result


def _overtime(
    county_id: int,
    unit_ids: set[int] | None,
    first: datetime.date,
    last: datetime.date,
    by_unit: bool,
) -> dict[tuple[int | None, datetime.date], tuple[float, int, int]]:
    """Overtime per month: a week counts in the month of its Monday."""
    weeks = OvertimeWeek.objects.filter(
        county_id=county_id, week_start__gte=first, week_start__lte=last
    )
    if unit_ids is not None:
        weeks = weeks.filter(unit_id__in=unit_ids)
    group = ["unit_id", "month"] if by_unit else ["month"]
    rows = (
        weeks.annotate(month=TruncMonth("week_start"))
        .values(*group)
        .annotate(
            hours=Sum("overtime_hours"),
            headcount=Sum("overtime_headcount"),
            days=Sum("weekend_days"),
        )
        .order_by()
    )
    return {
        (row["unit_id"] if by_unit else None, row["month"]): (
            float(row["hours"] or 0),
            int(row["headcount"] or 0),
            int(row["days"] or 0),
        )
        for row in rows
    }


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
    result = compute_indicators(
        county_id=scope.county_id,  # type: ignore[arg-type]
        unit_ids=None if unit is None else {unit.pk},
        month_from=month_from,
        month_to=month_to,
        by_unit=False,
    )
    return [result[(None, month)] for month in months_between(month_from, month_to)]


def workload_unit_months(
    user: Any, *, month_from: datetime.date, month_to: datetime.date
) -> dict[tuple[int | None, datetime.date], Indicators]:
    """The indicators of every unit the user may see, per unit and month (the heatmap's cells).

    Without the lead-day lists: medians are per unit page, not per heatmap cell.
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
) -> list[Alert]:
    """Units over a cap, rising year on year, or with many short deadlines; newest first.

    Each alert links to the unit's demands of that month (the evidence). CELLS, when given, are
    the `workload_unit_months` of the same user and range, so that a page computes them once.
    """
    if cells is None:
        cells = workload_unit_months(user, month_from=month_from, month_to=month_to)
    scope = scope_for(user)
    book = rule_book(county_id=scope.county_id)  # type: ignore[arg-type]
    names = dict(visible_units(user).values_list("id", "name"))
    alerts: list[Alert] = []
    pages = {unit_id: reverse("workload:unit_detail", args=[unit_id]) for unit_id in names}
    for (unit_id, _month), item in cells.items():
        if unit_id in names:
            alerts.extend(_cell_alerts(unit_id, names[unit_id], item, book, pages[unit_id]))
    alerts.sort(key=lambda alert: (-alert.month.toordinal(), alert.unit_name, alert.kind))
    return alerts


def _number(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _cell_alerts(
    unit_id: int, name: str, item: Indicators, book: RuleBook, page: str
) -> list[Alert]:
    """The alerts of one unit-month: over a cap, rising year on year, many short deadlines.
    PAGE is the unit's workload page, which each alert links to with the month's filter."""
    month = item.month
    alerts: list[Alert] = []

    def add(kind: str, message: str, demand_kind: str = "") -> None:
        url = page + f"?month={month:%Y-%m}" + (f"&kind={demand_kind}" if demand_kind else "")
        alerts.append(Alert(unit_id, name, month, kind, message, url))

    if item.long_documents:
        add(
            "over_cap",
            _("超篇幅文件 %(n)d 件（综合 > %(c)s 字，专项 > %(s)s 字）")
            % {
                "n": item.long_documents,
                "c": _number(book.value(RuleKey.DOC_LENGTH_COMPREHENSIVE, month)),
                "s": _number(book.value(RuleKey.DOC_LENGTH_SPECIAL, month)),
            },
            DemandKind.DOCUMENT,
        )
    if item.inspections_over_cap:
        add(
            "over_cap",
            _("实地督查检查考核 %(n)d 次，超过上限 %(cap)d 次")
            % {"n": item.onsite_inspections, "cap": item.inspections_cap},
            DemandKind.INSPECTION,
        )
    accompany_cap = book.value(RuleKey.ACCOMPANY_MEETINGS, month)
    if accompany_cap is not None and item.accompany_meetings > accompany_cap:
        add(
            "over_cap",
            _("要求陪会的会议 %(n)d 次") % {"n": item.accompany_meetings},
            DemandKind.MEETING,
        )
    if item.yoy_increase:
        add(
            "yoy",
            _("上级任务 %(n)d 件，上年同月 %(base)d 件，同比增加 %(change)s（只减不增）")
            % {"n": item.demands, "base": item.yoy_base, "change": f"{item.yoy_change:.0%}"},
        )
    threshold = book.value(RuleKey.SHORT_DEADLINE_SHARE, month)
    share = item.short_deadline_share
    if (
        threshold is not None
        and share is not None
        and item.with_deadline >= MIN_DEADLINES_FOR_ALERT
        and share > float(threshold)
    ):
        add(
            "short_deadlines",
            _("短时限事项 %(n)d/%(all)d（%(share)s），超过预警线 %(line)s")
            % {
                "n": item.short_deadlines,
                "all": item.with_deadline,
                "share": f"{share:.0%}",
                "line": f"{float(threshold):.0%}",
            },
        )
    return alerts


def top_organs(
    user: Any, *, month_from: datetime.date, month_to: datetime.date, limit: int = 10
) -> list[tuple[str, int]]:
    """The issuing organs with the most receipts in the range, in the user's scope."""
    receipts = scoped(DemandReceipt.objects.all(), user).filter(
        issued_on__gte=month_from, issued_on__lte=month_end(month_to)
    )
    rows = (
        receipts.values("demand__organ__name")
        .annotate(n=Count("id"))
        .order_by("-n", "demand__organ__name")[:limit]
    )
    return [(row["demand__organ__name"], row["n"]) for row in rows]


def workload_dashboard(
    user: Any, *, month_from: datetime.date, month_to: datetime.date
) -> dict[str, Any]:
    """Everything the county dashboard shows: heatmap, trends by kind, top organs, townships
    against county departments, alerts. The county picture is the 组织部's (403 otherwise)."""
    if not scope_for(user).is_county_wide:
        raise PermissionDenied
    months = months_between(month_from, month_to)
    cells = workload_unit_months(user, month_from=month_from, month_to=month_to)
    units = list(visible_units(user).filter(is_active=True).order_by("kind", "code"))
    labels = [f"{month:%Y-%m}" for month in months]
    heat: list[list[Any]] = []
    for y, unit in enumerate(units):
        for x, month in enumerate(months):
            value = cells[(unit.pk, month)].per_cadre
            heat.append([x, y, None if value is None else round(value, 3)])
    trend = {kind: [0] * len(months) for kind in DEMAND_KINDS}
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
        "alerts": workload_alerts(user, month_from=month_from, month_to=month_to, cells=cells),
    }


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
