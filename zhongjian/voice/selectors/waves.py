"""Reads of waves for the organization department and unit heads: lists, slips, progress."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.crypto import decrypt_text
from zhongjian.org.choices import Gender, Tier, UnitKind
from zhongjian.org.models import Cadre, Unit
from zhongjian.voice.choices import MERGED, AgeBand, WaveStatus
from zhongjian.voice.models import SpentToken, Wave, WaveGroup, WaveToken
from zhongjian.voice.services.waves import format_token
from zhongjian.voice.suppression import TOTAL, CellStats, suppress_table

REPORT_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)


def wave_list(*, user: Any) -> QuerySet[Wave]:
    """The organization department's waves; a unit head's opened waves that include their unit."""
    if user.role == Role.ORG_DEPARTMENT and user.county_id is not None:
        return Wave.objects.filter(county_id=user.county_id)
    if user.role == Role.UNIT_HEAD and user.unit_id is not None:
        return Wave.objects.filter(
            county_id=user.county_id,
            pk__in=WaveGroup.objects.filter(unit_id=user.unit_id).values("wave_id"),
        ).exclude(status=WaveStatus.DRAFT)
    raise PermissionDenied


def wave_get(*, user: Any, pk: object) -> Wave:
    try:
        return wave_list(user=user).get(pk=pk)
    except (Wave.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def wave_has_ended(*, wave: Wave, today: datetime.date) -> bool:
    """Closed, or open past its deadline: no answer can come in any more."""
    return wave.status == WaveStatus.CLOSED or (
        wave.status == WaveStatus.OPEN and wave.closes_on < today
    )


def group_label(group: WaveGroup | Any, unit_names: dict[int, str]) -> str:
    """``青石镇 · 股级 · 40–49岁 · 男``, with the parts a group does not keep left out."""
    if group.unit_id is not None:
        parts = [unit_names.get(group.unit_id, str(group.unit_id))]
    elif group.unit_kind:
        parts = [_("%(kind)s（未区分单位）") % {"kind": UnitKind(group.unit_kind).label}]
    else:
        parts = [_("未区分单位和类型")]
    for value, choices in ((group.tier, Tier), (group.age_band, AgeBand), (group.gender, Gender)):
        if value != MERGED:
            parts.append(str(choices(value).label))
    return " · ".join(parts)


@dataclass(frozen=True)
class SlipGroup:
    unit: str  # the unit (or pool) the group belongs to, for printing a unit's slips together
    label: str
    members: list[str]  # names, for handing out; which slip goes to whom is nobody's record
    codes: list[str]  # formatted codes


@dataclass(frozen=True)
class SlipUnit:
    """A unit (or pool) of an open wave as listed on the slips index: counts only, no code."""

    unit: str
    groups: int
    slips: int
    group_ids: tuple[int, ...]


def wave_slip_units(*, user: Any, wave: Wave) -> list[SlipUnit]:
    """The units of an open wave whose slips can be printed, each with its groups and number of
    codes, counted in the database: nothing is decrypted for the index."""
    if user.role != Role.ORG_DEPARTMENT or wave.county_id != user.county_id:
        raise PermissionDenied
    if wave.status != WaveStatus.OPEN:
        return []
    unit_names = dict(Unit.objects.filter(county_id=wave.county_id).values_list("pk", "name"))
    counts = dict(
        WaveToken.objects.filter(wave=wave)
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
    )
    units: dict[str, list[WaveGroup]] = {}
    for group in (
        WaveGroup.objects.filter(wave=wave).only("pk", "unit_id", "unit_kind").order_by("id")
    ):
        label = group_label(WaveGroup(unit_id=group.unit_id, unit_kind=group.unit_kind), unit_names)
        units.setdefault(label, []).append(group)
    return [
        SlipUnit(
            unit=label,
            groups=len(groups),
            slips=sum(counts.get(group.pk, 0) for group in groups),
            group_ids=tuple(group.pk for group in groups),
        )
        for label, groups in units.items()
    ]


def wave_slips(
    *, user: Any, wave: Wave, group_ids: tuple[int, ...] | None = None
) -> list[SlipGroup]:
    """Every group of an open wave (or those of ``group_ids``, one unit's) with its members'
    names and all its codes; only the codes of those groups are decrypted.

    All codes are listed, used or not, in a stable but meaningless order (by digest), so that
    the slips say nothing about who has answered.
    """
    if user.role != Role.ORG_DEPARTMENT or wave.county_id != user.county_id:
        raise PermissionDenied
    if wave.status != WaveStatus.OPEN:
        return []
    groups = WaveGroup.objects.filter(wave=wave).order_by("id")
    tokens = WaveToken.objects.filter(wave=wave)
    if group_ids is not None:
        groups = groups.filter(pk__in=group_ids)
        tokens = tokens.filter(group_id__in=group_ids)
    groups = list(groups)
    unit_names = dict(Unit.objects.filter(county_id=wave.county_id).values_list("pk", "name"))
    names = dict(
        Cadre.objects.filter(
            pk__in=[cadre for group in groups for cadre in group.members]
        ).values_list("pk", "name")
    )
    codes: dict[int, list[str]] = defaultdict(list)
    for group_id, cipher in tokens.order_by("digest").values_list("group_id", "cipher"):
        codes[group_id].append(format_token(decrypt_text(cipher)))
    return [
        SlipGroup(
            unit=group_label(
                WaveGroup(unit_id=group.unit_id, unit_kind=group.unit_kind), unit_names
            ),
            label=group_label(group, unit_names),
            members=[names.get(cadre, "") for cadre in group.members],
            codes=codes[group.pk],
        )
        for group in groups
    ]


@dataclass(frozen=True)
class ProgressRow:
    label: str
    invited: int
    answered: int | None  # None where it is under k or would give a small one away


@dataclass(frozen=True)
class Progress:
    invited: int
    answered: int | None
    rows: list[ProgressRow]


def unit_leaf(kind: str, unit: str) -> str:
    """A unit in the unit hierarchy of reports, or, for responses kept without their unit, the
    pool of their unit kind."""
    return unit if unit != MERGED else f"pool:{kind}"


def kind_node(kind: str) -> str:
    """A unit kind in the unit hierarchy of reports, the parent of its units and pool."""
    return f"kind:{kind}"


def wave_progress(*, user: Any, wave: Wave) -> Progress:
    """Spent codes per unit for the organization department, each count shown only where the
    suppressed table of units (under their kinds) publishes it."""
    if user.role != Role.ORG_DEPARTMENT or wave.county_id != user.county_id:
        raise PermissionDenied
    spent = dict(
        SpentToken.objects.filter(county_id=wave.county_id, wave=wave)
        .values("group_id")
        .annotate(n=Count("pk"))
        .values_list("group_id", "n")
        .order_by()
    )
    counts = [
        {**row, "used": spent.get(row["pk"], 0)}
        for row in WaveGroup.objects.filter(wave=wave)
        .values("pk", "unit_kind", "unit_id")
        .annotate(invited=Count("tokens"))
        .order_by()
    ]
    invited: dict[str, int] = defaultdict(int)
    used: dict[str, int] = defaultdict(int)
    parents: dict[str, str] = {}
    labels: dict[str, str] = {}
    unit_names = dict(Unit.objects.filter(county_id=wave.county_id).values_list("pk", "name"))
    for row in counts:
        unit = str(row["unit_id"] or MERGED)
        leaf = unit_leaf(row["unit_kind"], unit)
        invited[leaf] += row["invited"]
        used[leaf] += row["used"]
        parents[leaf] = kind_node(row["unit_kind"])
        labels[leaf] = group_label(
            WaveGroup(unit_id=row["unit_id"], unit_kind=row["unit_kind"]), unit_names
        )
    if not invited:
        return Progress(invited=0, answered=None, rows=[])
    table = suppress_table(
        cells={(leaf,): CellStats(n=n) for leaf, n in used.items()},
        k=wave.k,
        hierarchies={0: parents},
    )
    rows = [
        ProgressRow(label=labels[leaf], invited=invited[leaf], answered=table[(leaf,)].n)
        for leaf in sorted(invited, key=lambda leaf: (leaf.startswith("pool:"), labels[leaf]))
    ]
    return Progress(invited=sum(invited.values()), answered=table[(TOTAL,)].n, rows=rows)
