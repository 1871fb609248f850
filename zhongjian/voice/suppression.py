"""Anonymity thresholds for voice reports: cell suppression and refused comparisons.

Tables
------
A report is a table of cells keyed by a tuple of group values, one per dimension, e.g.
``("town_a", "fuke")`` for (unit, tier). Each cell carries its number of respondents ``n`` and
additive aggregates (sums and counts, e.g. the sum of WHO-5 percentages and the count at or below
50); a mean or share is derived at display time as ``total / n``, so margins stay exact sums.
A measure that some respondents lack (a CBI score left unscored) needs a table of its own, whose
``n`` counts those who have it.

:func:`suppress_table` adds every margin (each dimension replaced by :data:`TOTAL` in every
combination: row totals, column totals, the grand total, and for more dimensions every
sub-total) and decides which cells may be shown. A dimension may be a hierarchy (units within
unit kinds): its margins are then its parent values, each the sum of its own children, and the
TOTAL the sum of the top values; a hierarchy keeps the table much smaller than a second,
nested dimension would, and suppresses far less.

1. *Primary* suppression: every cell, margins included, with ``n < k``.
2. *Complementary* suppression: a parent (a margin) and its children along one dimension form a
   line whose children add up to the parent. A line with exactly one hidden member gives that
   member away by subtraction, so the smallest shown child (by ``n``, ties by input order), or the
   parent when no child is left, is hidden as well. Likewise, when the parent is shown, the
   hidden children together (the parent minus the shown children) must hold 0 or at least k
   people, or they would be published as one group of fewer than k: the smallest shown child is
   hidden too. Lines are revisited until none breaks either rule, across all dimensions.
3. Lines can also be combined: in a 2-D table two blocks of hidden cells joined by one hidden cell
   let that cell be rebuilt from row and column totals although every line hides two cells. So
   the published table is checked as a linear system (exact integer elimination): while hidden
   cells' values follow from the shown cells and margins, one more cell is hidden on the lines of
   each such cell (one per line per round) and step 2 runs again.

The guarantee: no hidden cell's ``n`` or total can be computed exactly from the shown cells and
margins of the same table, and no line's shown parent minus its shown children is a group of
fewer than k. Other tables over the same responses are checked together by
:func:`disclosed_atoms`, which sees every published cell of a wave as a sum over the finest
groups of respondents and finds a combination that isolates fewer than k of them (the
caller hides one more cell and suppresses again). Not covered: bounds from non-negativity
(two hidden cells that add up to 0 are both 0) and non-additive statistics (medians, maxima).

Comparisons
-----------
:func:`check_comparison` refuses to set two populations side by side (two waves, or two groups
of one wave such as a unit and the same unit without one tier) when their difference isolates
fewer than k people: ``aggregate(A) - aggregate(B)`` is then an aggregate of those few.

Usage::

    table = suppress_table(cells={("town_a", "fuke"): CellStats(n=12, totals={"who5": 610.0}),
                                  ("town_a", "guji"): CellStats(n=3, totals={"who5": 150.0}), …},
                           k=wave.k)
    for cell in table.cells.values():
        cell.key, cell.status, cell.n, cell.totals  # n and totals are None unless published
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from django.utils.translation import gettext as _

from zhongjian.core.errors import ValidationError

# docs/privacy.md: k defaults to 5 (10 for free text) and is never below 3.
MIN_K: Final = 3

Key = tuple[Hashable, ...]
# Picks the cell to hide among shown candidates (the smallest n); None when there are none.
_Chooser = Callable[[list[Key]], Key | None]


class _Total:
    """The marker for 'all values of this dimension' in a margin's key."""

    _instance: _Total | None = None

    def __new__(cls) -> _Total:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL: Final = _Total()


class Status(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"
    COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class CellStats:
    """Respondents in a cell and additive aggregates over them (sums or counts, never means)."""

    n: int
    totals: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportCell:
    """A cell as it may be shown: ``n`` and ``totals`` are None unless it is published."""

    key: Key
    status: Status
    n: int | None
    totals: Mapping[str, float] | None

    @property
    def published(self) -> bool:
        return self.status is Status.PUBLISHED


@dataclass(frozen=True)
class SuppressedTable:
    k: int
    cells: Mapping[Key, ReportCell]

    def __getitem__(self, key: Key) -> ReportCell:
        return self.cells[key]


def suppress_table(
    *,
    cells: Mapping[Key, CellStats],
    k: int,
    hierarchies: Mapping[int, Mapping[Hashable, Hashable]] | None = None,
    hidden: AbstractSet[Key] = frozenset(),
) -> SuppressedTable:
    """The table with all its margins, each cell published or suppressed (see the module doc).

    ``hierarchies`` maps a dimension's index to ``{value: parent value}``: that dimension's
    margins are then its parents (units add up to their unit kind, kinds to the TOTAL) instead
    of one flat TOTAL; values without a parent add up to the TOTAL directly. Interior keys hold
    only the lowest values. ``hidden`` names cells (margins included) to hide from the start,
    as the check across tables (:func:`disclosed_atoms`) asks.
    """
    _check_k(k)
    parents = {dim: dict(mapping) for dim, mapping in (hierarchies or {}).items()}
    stats = _with_margins(cells, parents)
    order = {key: index for index, key in enumerate(stats)}
    lines = _lines(stats, parents)
    lines_of: dict[Key, list[int]] = {key: [] for key in stats}
    for index, (parent, children) in enumerate(lines):
        for member in (parent, *children):
            lines_of[member].append(index)

    def smallest(candidates: list[Key]) -> Key | None:
        return min(candidates, key=lambda key: (stats[key].n, order[key]), default=None)

    status = {key: Status.PRIMARY if stats[key].n < k else Status.PUBLISHED for key in stats}
    for key in hidden:
        if status.get(key) is Status.PUBLISHED:
            status[key] = Status.COMPLEMENTARY
    pending = set(range(len(lines)))
    n = {key: cell.n for key, cell in stats.items()}
    while True:
        _close_lines(lines, lines_of, pending, status, smallest, n=n, k=k)
        exposed = _determined(lines, status, order)
        for cell in exposed:
            # One extra cell per line and round: a group of cells exposed together is usually
            # covered by a single extra one, and the next round checks again.
            if any(index in pending for index in lines_of[cell]):
                continue
            extra = _extra_cell(cell, lines, lines_of, status, smallest)
            if extra is not None:
                status[extra] = Status.COMPLEMENTARY
                pending.update(lines_of[extra])
        if not pending:
            # Nothing exposed, or (only possible with every cell hidden) nothing left to hide.
            break
    return SuppressedTable(
        k=k,
        cells={
            key: ReportCell(
                key=key,
                status=status[key],
                n=stats[key].n if status[key] is Status.PUBLISHED else None,
                totals=dict(stats[key].totals) if status[key] is Status.PUBLISHED else None,
            )
            for key in stats
        },
    )


def check_comparison(
    *,
    population_a: AbstractSet[Hashable] | int,
    population_b: AbstractSet[Hashable] | int,
    k: int,
) -> None:
    """Raises ValidationError when comparing the two populations could single out fewer than k.

    Pass member sets whenever they are known: the invited cadres of each wave when comparing
    waves, or the (random) response ids of each group when comparing groups of one wave. Each
    side of the difference counts on its own: with ``A - B`` one person and ``B - A`` a hundred,
    the hundred may be published elsewhere and the one is exposed. Identical populations may be
    compared (a trend of the same people); so may populations that differ by at least k on each
    side.

    Pass sizes (ints) only for nested populations, one inside the other, where the difference of
    the sizes is the number of people in the difference.
    """
    _check_k(k)
    if isinstance(population_a, int) and isinstance(population_b, int):
        sizes = (population_a, population_b)
        differences = [abs(population_a - population_b)]
    elif isinstance(population_a, AbstractSet) and isinstance(population_b, AbstractSet):
        sizes = (len(population_a), len(population_b))
        differences = [len(population_a - population_b), len(population_b - population_a)]
    else:
        raise TypeError("check_comparison needs two member sets or two sizes, not one of each")
    if min(sizes) < k:
        raise ValidationError(
            _("参与比较的群体不足 %(k)d 人，不能显示结果。") % {"k": k},
        )
    if any(0 < difference < k for difference in differences):
        raise ValidationError(
            _("两个群体只相差不到 %(k)d 人，比较会暴露这几个人的作答，已拒绝。") % {"k": k},
        )


def _check_k(k: int) -> None:
    if k < MIN_K:
        raise ValidationError(_("匿名阈值 k 不能小于 %(min)d。") % {"min": MIN_K})


def _with_margins(
    cells: Mapping[Key, CellStats], parents: Mapping[int, Mapping[Hashable, Hashable]]
) -> dict[Key, CellStats]:
    """Every interior cell and margin, in order of first appearance, summed from the interior."""
    lengths = {len(key) for key in cells}
    if len(lengths) > 1 or 0 in lengths:
        raise ValueError("every cell key needs the same number (at least one) of dimensions")
    if any(TOTAL in key for key in cells):
        raise ValueError("cell keys may not contain TOTAL; margins are computed here")
    if any(stats.n < 0 for stats in cells.values()):
        raise ValueError("a cell cannot have a negative n")
    if any(key[dim] in set(mapping.values()) for key in cells for dim, mapping in parents.items()):
        raise ValueError("cell keys hold the lowest values of a hierarchy, not its parents")
    n: dict[Key, int] = {}
    totals: dict[Key, dict[str, float]] = {}
    for key, stats in cells.items():
        for target in itertools.product(
            *(_ancestors(value, parents.get(dim, {})) for dim, value in enumerate(key))
        ):
            n[target] = n.get(target, 0) + stats.n
            sums = totals.setdefault(target, {})
            for name, value in stats.totals.items():
                sums[name] = sums.get(name, 0.0) + value
    return {key: CellStats(n=n[key], totals=totals[key]) for key in n}


def _ancestors(value: Hashable, parents: Mapping[Hashable, Hashable]) -> list[Hashable]:
    """``value``, its parent, the parent's parent … and TOTAL."""
    chain = [value]
    while chain[-1] in parents:
        chain.append(parents[chain[-1]])
        if len(chain) > len(parents) + 1:
            raise ValueError("a hierarchy may not have cycles")
    return [*chain, TOTAL]


def _lines(
    stats: Mapping[Key, CellStats], parents: Mapping[int, Mapping[Hashable, Hashable]]
) -> list[tuple[Key, list[Key]]]:
    """Every (parent, children) group whose children add up to the parent, in all dimensions."""
    children_of: dict[tuple[int, Key], list[Key]] = {}
    for key in stats:
        for dim, value in enumerate(key):
            if value is not TOTAL:
                up = parents.get(dim, {}).get(value, TOTAL)
                parent = (*key[:dim], up, *key[dim + 1 :])
                children_of.setdefault((dim, parent), []).append(key)
    return [(parent, children) for (_dim, parent), children in children_of.items()]


def _close_lines(
    lines: list[tuple[Key, list[Key]]],
    lines_of: Mapping[Key, list[int]],
    pending: set[int],
    status: dict[Key, Status],
    smallest: _Chooser,
    *,
    n: Mapping[Key, int],
    k: int,
) -> None:
    """Hides more cells until no line has exactly one hidden member, and no line with a shown
    parent has hidden children that add up to between 1 and k - 1 people."""
    while pending:
        parent, children = lines[pending.pop()]
        members = (parent, *children)
        hidden = sum(status[member] is not Status.PUBLISHED for member in members)
        shown = [child for child in children if status[child] is Status.PUBLISHED]
        if hidden == 1:
            extra = smallest(shown) or parent
        elif (
            hidden
            and status[parent] is Status.PUBLISHED
            and 0 < n[parent] - sum(n[child] for child in shown) < k
        ):
            # A shown parent has n >= k, so a remainder under k leaves a shown child to hide.
            extra = smallest(shown) or parent
        else:
            continue
        status[extra] = Status.COMPLEMENTARY
        pending.update(lines_of[extra])


def _extra_cell(
    exposed: Key,
    lines: list[tuple[Key, list[Key]]],
    lines_of: Mapping[Key, list[int]],
    status: Mapping[Key, Status],
    smallest: _Chooser,
) -> Key | None:
    """A shown cell to hide next to an exposed one: the smallest shown child on its lines, else
    on the lines of the hidden cells it shares a line with, and so on outwards."""
    seen_cells = {exposed}
    frontier = [exposed]
    while frontier:
        line_ids = {index for cell in frontier for index in lines_of[cell]}
        children = [child for index in line_ids for child in lines[index][1]]
        shown = [child for child in children if status[child] is Status.PUBLISHED]
        shown_parents = [
            lines[index][0] for index in line_ids if status[lines[index][0]] is Status.PUBLISHED
        ]
        extra = smallest(shown) or smallest(shown_parents)
        if extra is not None:
            return extra
        frontier = [
            member
            for index in line_ids
            for member in (lines[index][0], *lines[index][1])
            if member not in seen_cells
        ]
        seen_cells.update(frontier)
    return None


def _determined(
    lines: list[tuple[Key, list[Key]]],
    status: Mapping[Key, Status],
    order: Mapping[Key, int],
) -> list[Key]:
    """Hidden cells whose value follows from the shown ones, in input order.

    Each line reads ``sum(children) - parent = 0``; shown members are constants, hidden members
    unknowns. An unknown is determined exactly when its unit vector lies in the row space of the
    unknowns' coefficient matrix, i.e. when its pivot row in the reduced row echelon form has no
    other entry.
    """
    hidden = [key for key in status if status[key] is not Status.PUBLISHED]
    column = {key: index for index, key in enumerate(hidden)}
    rows: list[dict[int, int]] = []
    for parent, children in lines:
        row = {column[child]: 1 for child in children if child in column}
        if parent in column:
            row[column[parent]] = -1
        if row:
            rows.append(row)
    return sorted((hidden[col] for col in _solved_columns(rows)), key=order.__getitem__)


def disclosed_atoms(
    *, published: list[AbstractSet[Hashable]], atoms: Mapping[Hashable, int], k: int
) -> set[Hashable] | None:
    """The check across tables: a group of fewer than k respondents that the published cells
    of ALL tables of a wave give away together, or None.

    ``atoms`` are the finest groups a response can be told apart by (its stored attributes),
    with their respondent counts; each published cell is the set of atoms it adds up. Every
    figure of a cell (counts, sums, per-item shares) is the same sum over its atoms, so when a
    combination of published cells equals an atom, or a set of atoms all with coefficient one,
    of 1 to k - 1 respondents, those respondents' answers are published: that set is returned.
    Exact integer elimination; the sets found are the determined atoms and the pivot rows of
    the reduced system (a sufficient, not exhaustive, search for larger sets).
    """
    columns = {atom: index for index, atom in enumerate(atoms)}
    names = list(atoms)
    rows = [{columns[atom]: 1 for atom in cell if atom in columns} for cell in published]
    for row in _reduce([row for row in rows if row]).values():
        values = set(row.values())
        if len(values) == 1:
            group = {names[col] for col in row}
            if 0 < sum(atoms[atom] for atom in group) < k:
                return group
    return None


def _solved_columns(rows: list[dict[int, int]]) -> list[int]:
    """Columns whose value the rows fix."""
    return [pivot for pivot, row in _reduce(rows).items() if len(row) == 1]


def _reduce(rows: list[dict[int, int]]) -> dict[int, dict[int, int]]:
    """The reduced row echelon form by pivot column: Gauss-Jordan elimination over the integers
    (exact; each row is kept divided by the gcd of its entries), pivoting on the column that
    occurs in the fewest pivot rows so that the rows stay sparse."""
    pivots: dict[int, dict[int, int]] = {}
    # For each non-pivot column, the pivot rows that hold it.
    holders: dict[int, set[int]] = {}
    for original in sorted(rows, key=len):
        row = original
        for col in [col for col in original if col in pivots]:
            row = _combine(row, pivots[col], col)
        if not row:
            continue
        pivot = min(row, key=lambda col: (len(holders.get(col, ())), col))
        for holder in holders.pop(pivot, set()):
            before = pivots[holder]
            after = _combine(before, row, pivot)
            for col in before.keys() - after.keys() - {pivot}:
                holders[col].discard(holder)
            for col in after.keys() - before.keys():
                holders.setdefault(col, set()).add(holder)
            pivots[holder] = after
        for col in row:
            if col != pivot:
                holders.setdefault(col, set()).add(pivot)
        pivots[pivot] = row
    return pivots


def _combine(row: dict[int, int], pivot_row: dict[int, int], col: int) -> dict[int, int]:
    """``row`` with ``col`` eliminated by ``pivot_row``, zeros dropped, divided by its gcd."""
    scale, factor = pivot_row[col], row[col]
    combined = {key: scale * value for key, value in row.items()}
    for key, value in pivot_row.items():
        combined[key] = combined.get(key, 0) - factor * value
    combined = {key: value for key, value in combined.items() if value}
    divisor = math.gcd(*combined.values())
    return {key: value // divisor for key, value in combined.items()} if divisor > 1 else combined
