"""The only reads of care data open to other apps: k-safe aggregate counts and timeliness.

`care_aggregates` is the public selector (the insight app may call it; nothing else of care may
be imported outside the app — tests/pipeline/test_hard_wall.py). It answers the 组织部 only, by
unit kind or county-wide, and hides every group of fewer than CARE_K people (cadres with a case
in the period or open now), with complementary suppression so that the county total minus the
shown groups never gives a hidden group away. No names, topics, notes or scores ever leave here.
"""

import datetime
import statistics
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.care.choices import OPEN_STATUSES, CaseStatus, FollowUpStatus
from zhongjian.care.models import Case
from zhongjian.core.errors import PermissionDenied, ValidationError
from zhongjian.core.holidays import work_calendar
from zhongjian.org.choices import UnitKind

__all__ = ["AggregateRow", "care_aggregates"]

GroupBy = Literal["county", "unit_kind"]
TOTAL = "total"


@dataclass(frozen=True)
class AggregateRow:
    """One group; every figure is None when the group is suppressed."""

    key: str
    label: str
    suppressed: bool
    people: int | None
    requests: int | None
    open_cases: int | None
    median_working_days_to_first_contact: float | None
    first_contact_on_time_share: float | None
    overdue_follow_ups: int | None
    overdue_first_contacts: int | None


@dataclass
class _Tally:
    people: set[int]
    requests: int = 0
    open_cases: int = 0
    waits: list[int] | None = None
    due: int = 0
    on_time: int = 0
    overdue_follow_ups: int = 0
    overdue_first_contacts: int = 0


def _tally() -> _Tally:
    return _Tally(people=set(), waits=[])


def suppressed_keys(sizes: dict[str, int], *, total: int, k: int) -> set[str]:
    """Groups to hide among siblings whose sizes add up to TOTAL (shown when TOTAL ≥ k).

    Primary: 0 < n < k. Complementary: while the hidden groups together hold 0 < n < k people
    (so that total minus the shown groups would publish them), hide the smallest shown group
    that is not empty; with none left, the caller hides the total.
    """
    hidden = {key for key, n in sizes.items() if 0 < n < k}
    while hidden and sum(sizes[key] for key in hidden) < k:
        shown = sorted((n, key) for key, n in sizes.items() if key not in hidden and n > 0)
        if not shown:
            break
        hidden.add(shown[0][1])
    if (total < k and total > 0) or (hidden and sum(sizes[key] for key in hidden) < k):
        hidden.add(TOTAL)
    return hidden


def care_aggregates(
    user: Any,
    *,
    group_by: GroupBy = "county",
    period: tuple[datetime.date, datetime.date],
    today: datetime.date | None = None,
) -> list[AggregateRow]:
    """Counts and timeliness of counseling in USER's county (组织部 only), k-suppressed.

    PERIOD (first and last day, inclusive) bounds the requests counted and the time to first
    contact; open cases and overdue follow-ups are as of TODAY. Rows: one per unit kind (with
    `group_by="unit_kind"`), then the county total (key "total").
    """
    if getattr(user, "role", None) != Role.ORG_DEPARTMENT or user.county_id is None:
        raise PermissionDenied(_("只有组织部能查看心理疏导的汇总统计。"))
    if group_by not in ("county", "unit_kind"):
        raise ValidationError(_("分组方式只能是全县或单位类型。"))
    start, end = period
    if start > end:
        raise ValidationError(_("统计期间的开始日期不能晚于结束日期。"))
    today = today or timezone.localdate()
    k = settings.CARE_K
    calendar = work_calendar(county_id=user.county_id)
    planned_overdue = Q(follow_ups__status=FollowUpStatus.PLANNED) & Q(follow_ups__due_on__lt=today)
    in_period = Q(requested_at__date__gte=start, requested_at__date__lte=end)
    cases = (
        Case.objects.filter(county_id=user.county_id)
        .filter(in_period | Q(status__in=OPEN_STATUSES))
        .annotate(overdue=Count("follow_ups", filter=planned_overdue))
        .values_list(
            "cadre_id",
            "cadre__unit__kind",
            "status",
            "requested_at",
            "first_contact_due",
            "first_contact_on",
            "overdue",
        )
    )
    tallies: dict[str, _Tally] = {TOTAL: _tally()}
    if group_by == "unit_kind":
        tallies.update({kind: _tally() for kind in UnitKind.values})
    for cadre_id, kind, status, requested_at, due, first_on, overdue in cases:
        requested_on = timezone.localdate(requested_at)
        for key in (TOTAL, kind) if group_by == "unit_kind" else (TOTAL,):
            t = tallies[key]
            t.people.add(cadre_id)
            is_open = status in OPEN_STATUSES
            t.open_cases += is_open
            if is_open:
                t.overdue_follow_ups += overdue
                t.overdue_first_contacts += status == CaseStatus.NEW and due < today
            if not start <= requested_on <= end:
                continue
            t.requests += 1
            if first_on is not None:
                t.waits.append(calendar.working_days_between(start=requested_on, end=first_on))
            if first_on is not None or due < today:
                t.due += 1
                t.on_time += first_on is not None and first_on <= due
    sizes = {key: len(t.people) for key, t in tallies.items() if key != TOTAL}
    hidden = suppressed_keys(sizes, total=len(tallies[TOTAL].people), k=k)
    labels = dict(UnitKind.choices)
    rows = []
    for key, t in [
        *((key, t) for key, t in tallies.items() if key != TOTAL),
        (TOTAL, tallies[TOTAL]),
    ]:
        label = str(_("全县合计")) if key == TOTAL else str(labels[key])
        if key in hidden:
            rows.append(AggregateRow(key, label, True, *([None] * 7)))
            continue
        rows.append(
            AggregateRow(
                key=key,
                label=label,
                suppressed=False,
                people=len(t.people),
                requests=t.requests,
                open_cases=t.open_cases,
                median_working_days_to_first_contact=(
                    float(statistics.median(t.waits)) if t.waits else None
                ),
                first_contact_on_time_share=(t.on_time / t.due if t.due else None),
                overdue_follow_ups=t.overdue_follow_ups,
                overdue_first_contacts=t.overdue_first_contacts,
            )
        )
    return rows
