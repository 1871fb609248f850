"""Wave reports kept anonymous by suppression: tables, item figures, comments, trends, comparisons.

Every figure of a wave by unit or tier is a cell of ONE table over (unit, tier), units grouped
under their unit kind (a hierarchy), with all its margins, suppressed once with the wave's k
(suppression.py) and cached: a filter, a breakdown, a unit head's view and the API all read
cells of that same table, so no two views can be subtracted to rebuild a hidden cell. Age band
and gender are tables of their own over the whole wave, which share nothing with the main table
but the grand total: crossed with unit and tier, their small cells made the complementary
suppression hide whole unit kinds and tiers.
Publication depends on counts only, so the sums behind a published cell are computed on request
from the responses. Free text has its own table over units (under kinds) with the free-text k;
it offers no tier or age view, since two overlapping sets of comments give away their
intersection. Reports exist only for waves
that have ended: a report read twice while answers come in tells the difference between them.
"""

from __future__ import annotations

import datetime
import hashlib
import random
import threading
import uuid
from collections import OrderedDict, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import Conflict, ValidationError
from zhongjian.org.choices import Gender, Tier, UnitKind
from zhongjian.org.models import Unit
from zhongjian.voice.choices import MERGED, AgeBand
from zhongjian.voice.emotion import EmotionProfile, emotion_profile
from zhongjian.voice.instrument_spec import Instrument
from zhongjian.voice.models import InstrumentResult, Response, Wave, WaveGroup
from zhongjian.voice.selectors.waves import (
    kind_node,
    unit_leaf,
    wave_get,
    wave_has_ended,
    wave_list,
)
from zhongjian.voice.suppression import (
    TOTAL,
    CellStats,
    Key,
    ReportCell,
    Status,
    SuppressedTable,
    check_comparison,
    disclosed_atoms,
    suppress_table,
)

DIMENSIONS = ("unit_kind", "unit", "tier", "age_band")
DIMENSION_LABELS = (
    ("unit_kind", gettext_lazy("单位类型")),
    ("unit", gettext_lazy("单位")),
    ("tier", gettext_lazy("层级")),
    ("age_band", gettext_lazy("年龄段")),
)
# In a query string, a merged group is named so; an empty or absent value means "all".
MERGED_PARAM = "merged"
MERGED_LABEL = gettext_lazy("合并的小群体")
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class GroupFilter:
    """A group of respondents: each attribute a value, MERGED, or None for all."""

    unit_kind: str | None = None
    unit: str | None = None  # a unit id as text
    tier: str | None = None
    age_band: str | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> GroupFilter:
        """From query parameters; a value that cannot occur is a 404 (nothing to show)."""
        allowed = {
            "unit_kind": set(UnitKind.values),
            "tier": set(Tier.values),
            "age_band": set(AgeBand.values),
        }
        values: dict[str, str | None] = {}
        for name in DIMENSIONS:
            raw = (params.get(name) or "").strip()
            if not raw:
                values[name] = None
            elif raw == MERGED_PARAM:
                values[name] = MERGED
            elif (name == "unit" and raw.isdigit()) or raw in allowed.get(name, ()):
                values[name] = raw
            else:
                raise Http404
        return cls(**values)

    def matches(self, values: Mapping[str, str]) -> bool:
        return all(getattr(self, d) is None or getattr(self, d) == values[d] for d in DIMENSIONS)

    def params(self) -> dict[str, str]:
        return {
            d: MERGED_PARAM if getattr(self, d) == MERGED else getattr(self, d)
            for d in DIMENSIONS
            if getattr(self, d) is not None
        }


@dataclass
class _Sums:
    """Additive figures of a set of responses."""

    n: int = 0
    scores: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    bands: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    items: dict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))
    options: dict[tuple[str, str, int], int] = field(default_factory=lambda: defaultdict(int))
    ids: set[str] = field(default_factory=set)

    def add(self, other: _Sums, *, ids: bool = True) -> None:
        self.n += other.n
        for target, source in (
            (self.scores, other.scores),
            (self.bands, other.bands),
            (self.items, other.items),
            (self.options, other.options),
        ):
            for name, value in source.items():
                target[name] += value  # type: ignore[index]
        if ids:
            self.ids |= other.ids


# A group's key in the cube's index of sums: (unit kind, unit, tier, age band), None for all.
GroupKey = tuple[str | None, str | None, str | None, str | None]


@dataclass
class _Cube:
    """What a wave's reports are read from: the interior cells' sums and the suppressed tables."""

    interior: dict[Key, _Sums]  # (unit leaf, tier, age band)
    leaves: dict[str, tuple[str, str]]  # unit leaf -> (unit kind, unit)
    # The sums of every group a report can ask for, without their response ids (_sums_index),
    # and the unit kind of every unit with answers (for _group_key).
    index: dict[GroupKey, _Sums]
    unit_kinds: dict[str, str]
    # The wave's groups (written once, when it opened): the number invited in every group key,
    # the kind of every invited unit, and who was invited in each group (for trends).
    invited: dict[GroupKey, int]
    invited_kinds: dict[str, str]
    members: list[tuple[dict[str, str], list[int]]]
    table: SuppressedTable
    bands: SuppressedTable
    comments: SuppressedTable
    genders: SuppressedTable
    gender_sums: dict[str, _Sums]


# Cubes this process has read, with the token of the cache entry they came from: a report
# reads the small token from the shared cache on every request and unpickles the large cube
# only when the entry is new to this process (or was cleared, or rebuilt by another one).
_LOCAL_CUBES: OrderedDict[str, tuple[str, _Cube]] = OrderedDict()
LOCAL_CUBES = 8
_local_lock = threading.Lock()


def _cube(wave: Wave) -> _Cube:
    count = Response.objects.filter(wave=wave).count()
    cache_key = f"zj:voice:cube:{wave.pk}:{count}:{wave.k}:{wave.free_text_k}"
    token = cache.get(f"{cache_key}:token")
    with _local_lock:
        local = _LOCAL_CUBES.get(cache_key)
        if local is not None and token is not None and local[0] == token:
            _LOCAL_CUBES.move_to_end(cache_key)
            return local[1]
    cube = cache.get(cache_key) if token is not None else None
    if cube is None:
        cube = _build_cube(wave)
        token = uuid.uuid4().hex
        cache.set(cache_key, cube, CACHE_SECONDS)
        cache.set(f"{cache_key}:token", token, CACHE_SECONDS)
    with _local_lock:
        _LOCAL_CUBES[cache_key] = (token, cube)
        _LOCAL_CUBES.move_to_end(cache_key)
        while len(_LOCAL_CUBES) > LOCAL_CUBES:
            _LOCAL_CUBES.popitem(last=False)
    return cube


def _build_cube(wave: Wave) -> _Cube:
    interior: dict[Key, _Sums] = defaultdict(_Sums)
    leaves: dict[str, tuple[str, str]] = {}
    comment_counts: dict[Key, int] = defaultdict(int)
    gender_sums: dict[str, _Sums] = defaultdict(_Sums)
    key_of: dict[str, tuple[Key, str]] = {}
    for pk, kind, unit, tier, band, gender, comment in Response.objects.filter(
        wave=wave
    ).values_list("pk", "unit_kind", "unit_id", "tier", "age_band", "gender", "comment"):
        unit_value = str(unit) if unit else MERGED
        leaf = unit_leaf(kind, unit_value)
        leaves[leaf] = (kind, unit_value)
        key = (leaf, tier, band)
        key_of[str(pk)] = (key, gender)
        for sums in (interior[key], gender_sums[gender]):
            sums.n += 1
            sums.ids.add(str(pk))
        if comment:
            comment_counts[(leaf,)] += 1
    for response_id, code, score, band, answers in InstrumentResult.objects.filter(
        response__wave=wave
    ).values_list("response_id", "instrument", "score", "band", "answers"):
        key, gender = key_of[str(response_id)]
        for sums in (interior[key], gender_sums[gender]):
            if score is not None:
                sums.scores[code] += score
            if band:
                sums.bands[(code, band)] += 1
            for item, value in answers.items():
                if value is not None:
                    sums.items[(code, item)] += value
                    sums.options[(code, item, value)] += 1
    units = {0: {leaf: kind_node(kind) for leaf, (kind, _unit) in leaves.items()}}
    by_tier: dict[Key, int] = defaultdict(int)
    by_band: dict[Key, int] = defaultdict(int)
    for (leaf, tier, band), sums in interior.items():
        by_tier[(leaf, tier)] += sums.n
        by_band[(band,)] += sums.n
    atoms: dict[Key, int] = defaultdict(int)
    for key, gender in key_of.values():
        atoms[(*key, gender)] += 1
    table, bands, genders = _suppress_jointly(
        by_tier=by_tier,
        by_band=by_band,
        by_gender={(gender,): sums.n for gender, sums in gender_sums.items()},
        atoms=dict(atoms),
        units=units,
        k=wave.k,
    )
    return _Cube(
        interior=dict(interior),
        leaves=leaves,
        index=_sums_index(interior, leaves),
        unit_kinds={unit: kind for kind, unit in leaves.values() if unit != MERGED},
        **_wave_groups(wave),
        table=table,
        bands=bands,
        comments=suppress_table(
            cells={key: CellStats(n=n) for key, n in comment_counts.items()},
            k=wave.free_text_k,
            hierarchies=units,
        ),
        genders=genders,
        gender_sums=dict(gender_sums),
    )


def _suppress_jointly(
    *,
    by_tier: Mapping[Key, int],
    by_band: Mapping[Key, int],
    by_gender: Mapping[Key, int],
    atoms: Mapping[Key, int],
    units: Mapping[int, Mapping[Hashable, Hashable]],
    k: int,
) -> tuple[SuppressedTable, SuppressedTable, SuppressedTable]:
    """The three tables a wave publishes (unit × tier, age band, gender), suppressed each on its
    own and then checked together as one linear system over the finest groups of respondents
    (suppression.disclosed_atoms): a nested age band or gender cell could otherwise be
    subtracted from a unit × tier cell. While a combination isolates fewer than k respondents,
    the smallest published cell that holds them is hidden too (age band and gender cells
    first, the main table's last) and the tables are suppressed again."""
    parents = units[0]

    def main_atoms(key: Key) -> set[Key]:
        node, tier = key
        return {
            atom
            for atom in atoms
            if (tier is TOTAL or atom[1] == tier)
            and (
                node is TOTAL
                or atom[0] == node
                or (str(node).startswith(kind_node("")) and parents.get(atom[0]) == node)
            )
        }

    def dim_atoms(index: int, key: Key) -> set[Key]:
        return {atom for atom in atoms if key[0] is TOTAL or atom[index] == key[0]}

    hidden: dict[str, set[Key]] = {"table": set(), "bands": set(), "genders": set()}
    for _round in range(len(by_tier) + len(by_band) + len(by_gender) + 50):
        tables = {
            "table": suppress_table(
                cells={key: CellStats(n=n) for key, n in by_tier.items()},
                k=k,
                hierarchies=units,
                hidden=hidden["table"],
            ),
            "bands": suppress_table(
                cells={key: CellStats(n=n) for key, n in by_band.items()},
                k=k,
                hidden=hidden["bands"],
            ),
            "genders": suppress_table(
                cells={key: CellStats(n=n) for key, n in by_gender.items()},
                k=k,
                hidden=hidden["genders"],
            ),
        }
        cells: list[tuple[str, Key, set[Key]]] = []
        for name, table in tables.items():
            for key, cell in table.cells.items():
                if cell.published:
                    members = (
                        main_atoms(key)
                        if name == "table"
                        else dim_atoms(2 if name == "bands" else 3, key)
                    )
                    cells.append((name, key, members))
        exposed = disclosed_atoms(published=[members for *_, members in cells], atoms=atoms, k=k)
        if exposed is None:
            break
        candidates = [
            (name != "table", all(value is TOTAL for value in key), -len(members), name, key)
            for name, key, members in cells
            if members & exposed
        ]
        # Age band and gender cells first, then the smallest; a grand total last of all.
        _first, _total, _size, name, key = min(candidates, key=lambda c: (c[1], not c[0], -c[2]))
        hidden[name].add(key)
    return tables["table"], tables["bands"], tables["genders"]


def _roll_up(cells: Mapping[GroupKey, Any], make: Any) -> dict[GroupKey, Any]:
    """The figures of every group (_group_key) with members, rolled up from the finest CELLS
    (unit kind, unit, tier, age band) one dimension at a time: tier, age band, unit, then the
    unit kind of the keys without a unit or with the pool of a kind. MAKE gives an empty figure
    (_Sums or int), added to with `add` or `+`."""

    def rolled(found: Mapping[GroupKey, Any], position: int) -> dict[GroupKey, Any]:
        totals: dict[GroupKey, Any] = defaultdict(make)
        for key, value in found.items():
            if key[position] is not None:
                total = (*key[:position], None, *key[position + 1 :])
                if make is int:
                    totals[total] += value  # type: ignore[index]
                else:
                    totals[total].add(value, ids=False)  # type: ignore[index]
        return {**found, **totals}

    index = dict(cells)
    for position in (2, 3, 1):
        index = rolled(index, position)
    return rolled({k: v for k, v in index.items() if k[1] in (None, MERGED)}, 0) | index


def _sums_index(
    interior: Mapping[Key, _Sums], leaves: Mapping[str, tuple[str, str]]
) -> dict[GroupKey, _Sums]:
    """The sums of every group with answers, without their response ids, so that a report's
    rows are lookups rather than scans over every cell."""
    cells: dict[GroupKey, _Sums] = defaultdict(_Sums)
    for (leaf, tier, band), sums in interior.items():
        kind, unit = leaves[leaf]
        cells[(kind, unit, tier, band)].add(sums, ids=False)
    return _roll_up(cells, _Sums)


def _group_key(group: GroupFilter, unit_kinds: Mapping[str, str]) -> GroupKey | None:
    """The group's key in an index of _roll_up: a unit (not a pool) has one kind (UNIT_KINDS),
    which the key carries whether or not the group names it; None when the group can have no
    members (an unknown unit, or a unit asked for under another kind)."""
    kind = group.unit_kind
    if group.unit not in (None, MERGED):
        found = unit_kinds.get(str(group.unit))
        if found is None or kind not in (None, found):
            return None
        kind = found
    return (kind, group.unit, group.tier, group.age_band)


def _sums_for(cube: _Cube, group: GroupFilter) -> _Sums:
    """The additive figures of the group's answers (without their ids: see _ids_for)."""
    key = _group_key(group, cube.unit_kinds)
    return cube.index.get(key, _Sums()) if key is not None else _Sums()


def _ids_for(cube: _Cube, group: GroupFilter) -> set[str]:
    """The ids of the group's responses (for comparisons, which check their overlap)."""
    ids: set[str] = set()
    for (leaf, tier, band), sums in cube.interior.items():
        kind, unit = cube.leaves[leaf]
        if group.matches({"unit_kind": kind, "unit": unit, "tier": tier, "age_band": band}):
            ids |= sums.ids
    return ids


def _node(cube: _Cube, group: GroupFilter) -> Hashable:
    """The group's value in the unit hierarchy; a merged unit needs its kind, and a unit must be
    of the kind asked for (else 404: there is no such group)."""
    if group.unit == MERGED:
        if group.unit_kind is None:
            raise Http404
        return unit_leaf(group.unit_kind, MERGED)
    if group.unit is not None:
        if (
            group.unit_kind is not None
            and cube.leaves.get(group.unit, (group.unit_kind,))[0] != group.unit_kind
        ):
            raise Http404
        return group.unit
    return TOTAL if group.unit_kind is None else kind_node(group.unit_kind)


def _cell(cube: _Cube, group: GroupFilter) -> ReportCell | None:
    """The group's cell: in the age-band table for an age band alone, else in the main table;
    None when nobody in the group answered. An age band with a unit or tier is a 404."""
    if group.age_band is not None:
        if group.unit is not None or group.unit_kind is not None or group.tier is not None:
            raise Http404
        return cube.bands.cells.get((group.age_band,))
    return cube.table.cells.get((_node(cube, group), TOTAL if group.tier is None else group.tier))


def _children(cube: _Cube, group: GroupFilter, by: str) -> list[GroupFilter]:
    """The groups one step below ``group`` along ``by`` that have answers."""
    if by == "age_band":
        return [GroupFilter(age_band=band) for (band,) in cube.bands.cells if band is not TOTAL]
    node, tier = _node(cube, group), TOTAL if group.tier is None else group.tier
    if by == "tier":
        return [
            replace(group, tier=value)
            for unit, value in cube.table.cells
            if unit == node and value is not TOTAL
        ]
    nodes = {unit for unit, value in cube.table.cells if value == tier}
    if by == "unit_kind":
        kinds = {kind for leaf, (kind, _unit) in cube.leaves.items() if leaf in nodes}
        return [replace(group, unit_kind=kind) for kind in kinds]
    return [
        replace(group, unit=unit, unit_kind=kind if unit == MERGED else group.unit_kind)
        for leaf, (kind, unit) in cube.leaves.items()
        if leaf in nodes and group.unit_kind in (None, kind)
    ]


# -- access ---------------------------------------------------------------------------------


def _report_wave(*, user: Any, wave_id: object, today: datetime.date) -> Wave:
    wave = wave_get(user=user, pk=wave_id)
    if not wave_has_ended(wave=wave, today=today):
        raise Conflict(_("测评尚未结束。为防止前后两次查看相减推算出个人作答，结果在结束后提供。"))
    return wave


def _scoped(user: Any, group: GroupFilter) -> GroupFilter:
    """A unit head's group is always within their own unit: another unit asked for is a 404."""
    if user.role == Role.ORG_DEPARTMENT:
        return group
    if user.role != Role.UNIT_HEAD:
        raise PermissionDenied
    own = str(user.unit_id)
    if group.unit not in (None, own) or group.unit_kind is not None:
        raise Http404
    return replace(group, unit=own)


# -- labels ---------------------------------------------------------------------------------

MERGED_LABELS = {
    "unit_kind": gettext_lazy("混合类型"),
    "unit": gettext_lazy("未区分单位"),
    "tier": gettext_lazy("层级合并"),
    "age_band": gettext_lazy("年龄段合并"),
}


def _labeler(wave: Wave) -> Any:
    unit_names = dict(Unit.objects.filter(county_id=wave.county_id).values_list("pk", "name"))
    choices = {"unit_kind": UnitKind, "tier": Tier, "age_band": AgeBand}

    def label(dimension: str, value: str) -> str:
        if value == MERGED:
            return str(MERGED_LABELS[dimension])
        if dimension == "unit":
            return unit_names.get(int(value), value)
        return str(choices[dimension](value).label)

    return label


def _describe(label: Any, group: GroupFilter) -> str:
    """The group in words: ``青石镇 · 副科``, ``乡镇 · 未区分单位``, or 全部 for everyone."""
    parts = [
        label(dimension, getattr(group, dimension))
        for dimension in DIMENSIONS
        if getattr(group, dimension) is not None
        and not (dimension == "unit_kind" and group.unit not in (None, MERGED))
    ]
    return " · ".join(parts) or str(_("全部"))


def _order(dimension: str, value: str, label: str) -> tuple[int, int, str]:
    if value == MERGED:
        return (1, 0, label)
    if dimension == "unit":
        return (0, 0, label)
    order = {"unit_kind": UnitKind, "tier": Tier, "age_band": AgeBand}[dimension].values
    return (0, order.index(value), "")


# -- the wave report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """An instrument's figures for a published cell: mean score and the share in each band."""

    code: str
    mean: float
    bands: list[tuple[str, float]]  # (band label, percent)


@dataclass(frozen=True)
class Row:
    label: str
    group: GroupFilter
    status: Status
    n: int | None
    invited: int
    measures: list[Measure]

    @property
    def published(self) -> bool:
        return self.status is Status.PUBLISHED

    @property
    def response_rate(self) -> float | None:
        return (
            round(100 * self.n / self.invited, 1) if self.n is not None and self.invited else None
        )


@dataclass(frozen=True)
class ItemFigure:
    text: str
    mean: float
    options: list[tuple[str, float]]  # (option label, percent)


@dataclass(frozen=True)
class WaveReport:
    wave: Wave
    by: str
    group: GroupFilter
    breakdowns: list[str]
    instruments: list[Instrument]
    total: Row
    rows: list[Row]
    items: dict[str, list[ItemFigure]]  # per instrument code; empty unless the total is shown
    genders: list[Row]


def _measures(instruments: list[Instrument], sums: _Sums) -> list[Measure]:
    return [
        Measure(
            code=instrument.code,
            mean=round(sums.scores[instrument.code] / sums.n, 1),
            bands=[
                (band.label, round(100 * sums.bands[(instrument.code, band.code)] / sums.n, 1))
                for band in instrument.bands
            ],
        )
        for instrument in instruments
    ]


def _row(
    *,
    cube: _Cube,
    group: GroupFilter,
    label: str,
    invited: int,
    instruments: list[Instrument],
) -> Row:
    cell = _cell(cube, group)
    if cell is None:  # nobody answered in this group
        return Row(
            label=label, group=group, status=Status.PRIMARY, n=None, invited=invited, measures=[]
        )
    return Row(
        label=label,
        group=group,
        status=cell.status,
        n=cell.n,
        invited=invited,
        measures=_measures(instruments, _sums_for(cube, group)) if cell.published else [],
    )


def breakdowns_for(*, user: Any, group: GroupFilter) -> list[str]:
    """The dimensions the group can still be broken down by, for this user: unit kind, unit and
    tier within the main table; age band only for the whole county."""
    if group.age_band is not None:
        return []
    dimensions = list(DIMENSIONS) if user.role == Role.ORG_DEPARTMENT else ["tier"]
    if group.unit is not None and "unit_kind" in dimensions:
        dimensions.remove("unit_kind")  # a unit has one kind
    if group != GroupFilter() and "age_band" in dimensions:
        dimensions.remove("age_band")
    return [d for d in dimensions if getattr(group, d) is None]


def wave_report(
    *, user: Any, wave_id: object, by: str, group: GroupFilter, today: datetime.date
) -> WaveReport:
    """The group's figures and its breakdown ``by`` one dimension, every cell as suppressed."""
    wave = _report_wave(user=user, wave_id=wave_id, today=today)
    group = _scoped(user, group)
    breakdowns = breakdowns_for(user=user, group=group)
    if by not in breakdowns:
        by = breakdowns[0] if breakdowns else ""
    cube = _cube(wave)
    label = _labeler(wave)
    instruments = wave.instruments()

    def row(child: GroupFilter, text: str) -> Row:
        key = _group_key(child, cube.invited_kinds)
        return _row(
            cube=cube,
            group=child,
            label=text,
            invited=cube.invited.get(key, 0) if key is not None else 0,
            instruments=instruments,
        )

    children = _children(cube, group, by) if by else []
    rows = [
        row(child, _describe(label, child) if by == "unit" else label(by, getattr(child, by)))
        for child in sorted(
            children, key=lambda child: _order(by, getattr(child, by), _describe(label, child))
        )
    ]
    total = row(group, _("合计"))
    return WaveReport(
        wave=wave,
        by=by,
        group=group,
        breakdowns=breakdowns,
        instruments=instruments,
        total=total,
        rows=rows,
        items=_item_figures(instruments, _sums_for(cube, group)) if total.published else {},
        genders=_gender_rows(cube, instruments)
        if user.role == Role.ORG_DEPARTMENT and group == GroupFilter()
        else [],
    )


def _wave_groups(wave: Wave) -> dict[str, Any]:
    """The cube's figures of the wave's groups: invited counts rolled up as the sums are, the
    kind of every invited unit, and each group's values with its members."""
    invited: dict[GroupKey, int] = defaultdict(int)
    kinds: dict[str, str] = {}
    members: list[tuple[dict[str, str], list[int]]] = []
    for kind, unit, tier, band, count, cadres in (
        WaveGroup.objects.filter(county_id=wave.county_id, wave=wave)
        .order_by("pk")
        .values_list("unit_kind", "unit_id", "tier", "age_band", "invited", "members")
    ):
        unit_value = str(unit) if unit else MERGED
        if unit:
            kinds[unit_value] = kind
        invited[(kind, unit_value, tier, band)] += count
        values = {"unit_kind": kind, "unit": unit_value, "tier": tier, "age_band": band}
        members.append((values, cadres))
    return {"invited": _roll_up(invited, int), "invited_kinds": kinds, "members": members}


def _item_figures(instruments: list[Instrument], sums: _Sums) -> dict[str, list[ItemFigure]]:
    """Mean and answer shares per item; every respondent of the cell answered every item."""
    return {
        instrument.code: [
            ItemFigure(
                text=item.text,
                mean=round(sums.items[(instrument.code, item.code)] / sums.n, 2),
                options=[
                    (
                        option.label,
                        round(
                            100 * sums.options[(instrument.code, item.code, option.value)] / sums.n,
                            1,
                        ),
                    )
                    for option in item.options
                ],
            )
            for item in instrument.items
        ]
        for instrument in instruments
    }


def _gender_rows(cube: _Cube, instruments: list[Instrument]) -> list[Row]:
    """The county by gender, a one-dimensional table of its own sharing only the grand total."""
    rows = []
    for (gender,), cell in cube.genders.cells.items():
        if gender is TOTAL:
            continue
        rows.append(
            Row(
                label=str(Gender(gender).label) if gender else _("未区分（小群体）"),
                group=GroupFilter(),
                status=cell.status,
                n=cell.n,
                invited=0,
                measures=_measures(instruments, cube.gender_sums[gender]) if cell.published else [],
            )
        )
    return rows


# -- free-text comments ---------------------------------------------------------------------


@dataclass(frozen=True)
class CommentGroup:
    label: str
    group: GroupFilter
    n: int


@dataclass(frozen=True)
class WaveComments:
    wave: Wave
    group: GroupFilter
    label: str
    published: bool
    n: int | None
    texts: list[str]  # shuffled anew on every read
    profile: EmotionProfile | None
    groups: list[CommentGroup]  # the groups whose comments may be read
    # True when the profile was asked for only if already computed, and is not: the page then
    # fetches it separately (segmenting needs the word dictionary, seconds to load per process).
    profile_pending: bool = False


def wave_comments(
    *,
    user: Any,
    wave_id: object,
    group: GroupFilter,
    today: datetime.date,
    profile_if_cached: bool = False,
) -> WaveComments:
    """The comments of a group (the county, a unit kind or a unit) if it has at least the
    free-text k of them and its cell is published, in random order, with their emotion profile
    (with PROFILE_IF_CACHED, only if it has been computed before; else `profile_pending`)."""
    wave = _report_wave(user=user, wave_id=wave_id, today=today)
    if group.tier is not None or group.age_band is not None:
        raise Http404
    group = _scoped(user, group)
    cube = _cube(wave)
    label = _labeler(wave)
    own = _node(cube, group)
    groups = [
        CommentGroup(label=_describe(label, shown), group=shown, n=cell.n or 0)
        for (node,), cell in cube.comments.cells.items()
        if cell.published and (user.role == Role.ORG_DEPARTMENT or node == own)
        for shown in [_comment_group(cube, node)]
    ]
    cell = cube.comments.cells.get((own,))
    published = cell is not None and cell.published
    texts: list[str] = []
    if published:
        responses = Response.objects.filter(wave=wave).exclude(comment="")
        if group.unit_kind is not None:
            responses = responses.filter(unit_kind=group.unit_kind)
        if group.unit == MERGED:
            responses = responses.filter(unit__isnull=True)
        elif group.unit is not None:
            responses = responses.filter(unit_id=int(group.unit))
        texts = list(responses.values_list("comment", flat=True))
        # A fresh random order each time: stored order follows submission order.
        random.SystemRandom().shuffle(texts)
    profile = _emotion_profile(wave, texts, only_cached=profile_if_cached) if texts else None
    return WaveComments(
        wave=wave,
        group=group,
        label=_describe(label, group),
        published=published,
        n=cell.n if published and cell else None,
        texts=texts,
        profile=profile,
        profile_pending=bool(texts) and profile is None,
        groups=sorted(
            groups,
            key=lambda item: (
                item.group != GroupFilter(),
                item.group.unit not in (None, MERGED),
                item.label,
            ),
        ),
    )


def _emotion_profile(
    wave: Wave, texts: list[str], *, only_cached: bool = False
) -> EmotionProfile | None:
    """The emotion profile of TEXTS, cached under a digest of them: the comments of an ended
    wave do not change, and segmenting hundreds of texts costs far more than a page. With
    ONLY_CACHED, None unless it was computed before."""
    digest = hashlib.sha256("\0".join(sorted(texts)).encode()).hexdigest()
    key = f"zj:voice:emotions:{wave.pk}:{digest}"
    profile = cache.get(key)
    if profile is None and not only_cached:
        profile = emotion_profile(texts)
        cache.set(key, profile, CACHE_SECONDS)
    return profile


def _comment_group(cube: _Cube, node: Hashable) -> GroupFilter:
    """The group of a value of the unit hierarchy: everyone, a unit kind or a unit."""
    if node is TOTAL:
        return GroupFilter()
    if node in cube.leaves:
        kind, unit = cube.leaves[node]
        return GroupFilter(unit_kind=kind if unit == MERGED else None, unit=unit)
    return GroupFilter(unit_kind=str(node).removeprefix(kind_node("")))


# -- trends and comparisons -----------------------------------------------------------------


@dataclass(frozen=True)
class TrendPoint:
    wave: Wave
    n: int
    measure: Measure


@dataclass(frozen=True)
class Trend:
    instrument: Instrument | None
    group: GroupFilter
    label: str
    points: list[TrendPoint]
    refused: list[tuple[Wave, str]]
    choices: list[tuple[str, str]]  # (code, title) of instruments in the user's ended waves


def trend(*, user: Any, code: str, group: GroupFilter, today: datetime.date) -> Trend:
    """An instrument's mean across the ended waves for a group (by unit kind, unit and tier).

    A wave is left out when the group is not published in it, when its instrument version
    differs from the latest, or when its invited population differs from that of a wave already
    shown by fewer than k people on either side (check_comparison).
    """
    if group.age_band is not None:
        raise Http404
    group = _scoped(user, group)
    waves = [
        wave
        for wave in wave_list(user=user).order_by("opened_on", "pk")
        if wave_has_ended(wave=wave, today=today)
    ]
    choices = {spec["code"]: spec["title"] for wave in waves for spec in wave.instrument_specs}
    waves = [wave for wave in waves if any(spec["code"] == code for spec in wave.instrument_specs)]
    label = _labeler(waves[0]) if waves else None
    name = _describe(label, group) if label else str(_("全部"))
    if not waves:
        return Trend(None, group, name, [], [], sorted(choices.items()))
    instrument = next(i for i in waves[-1].instruments() if i.code == code)
    points: list[TrendPoint] = []
    populations: list[tuple[set[int], int]] = []
    refused: list[tuple[Wave, str]] = []
    for wave in waves:
        current = next(i for i in wave.instruments() if i.code == code)
        if current.version != instrument.version:
            refused.append((wave, _("测评工具版本不同，不能比较。")))
            continue
        cube = _cube(wave)
        cell = _cell(cube, group)
        if cell is None or not cell.published:
            refused.append((wave, _("作答人数不足 k 或为防推算已隐藏。")))
            continue
        population = {
            cadre for values, members in cube.members if group.matches(values) for cadre in members
        }
        try:
            for earlier, earlier_k in populations:
                check_comparison(
                    population_a=earlier, population_b=population, k=max(earlier_k, wave.k)
                )
        except ValidationError as error:
            refused.append((wave, error.message))
            continue
        populations.append((population, wave.k))
        points.append(
            TrendPoint(
                wave=wave, n=cell.n or 0, measure=_measures([current], _sums_for(cube, group))[0]
            )
        )
    return Trend(instrument, group, name, points, refused, sorted(choices.items()))


@dataclass(frozen=True)
class Comparison:
    wave: Wave
    instruments: list[Instrument]
    a: Row
    b: Row


def wave_compare(
    *, user: Any, wave_id: object, a: GroupFilter, b: GroupFilter, today: datetime.date
) -> Comparison:
    """Two groups of one wave side by side, when both are published and their respondents
    differ by none or by at least k on each side; otherwise ValidationError."""
    wave = _report_wave(user=user, wave_id=wave_id, today=today)
    a, b = _scoped(user, a), _scoped(user, b)
    cube = _cube(wave)
    label = _labeler(wave)
    instruments = wave.instruments()
    rows = []
    for group in (a, b):
        cell = _cell(cube, group)
        if cell is None or not cell.published:
            raise ValidationError(_("所选群体作答人数不足 k 或为防推算已隐藏，不能比较。"))
        rows.append(
            _row(
                cube=cube,
                group=group,
                label=_describe(label, group),
                invited=0,
                instruments=instruments,
            )
        )
    check_comparison(population_a=_ids_for(cube, a), population_b=_ids_for(cube, b), k=wave.k)
    return Comparison(wave=wave, instruments=instruments, a=rows[0], b=rows[1])
