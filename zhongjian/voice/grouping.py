"""Response groups of a wave: the coarse attributes a response may carry, each shared by ≥ k people.

When a wave opens, every invited cadre is placed in exactly one group, and the group's attributes
(unit, unit kind, tier, age band, gender) are all that a response will store about its author.
Every group has at least k invited members, so that even someone who holds the registry and the
whole database can narrow a response down to no fewer than k people (docs/privacy.md).

Attributes are kept from the coarsest to the finest and dropped (set to MERGED) where a group
would be too small:

1. A tier with fewer than k invitees in its unit (a township's two 正科 leaders) keeps its tier
   and drops its unit, pooled with the same tier of the other units of the same kind, when that
   pool reaches k: mid-level leaders are what the surveys are about, and they are few per unit.
2. A unit with fewer than k invitees (after step 1) keeps only its unit kind, pooled with the
   other small units of that kind; pools still under k are merged into the smallest pool, or,
   with none, take the smallest units whole until they reach k.
3. Within a unit, the remaining tiers with fewer than k invitees are merged into one "merged
   tier" group, topped up with the smallest other tier until it reaches k; the same for age
   bands within each tier group.
4. Gender is kept only where every gender present in the group has at least k invitees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhongjian.core.errors import ValidationError
from zhongjian.voice.choices import MERGED
from zhongjian.voice.suppression import MIN_K


@dataclass(frozen=True)
class Invitee:
    """One invited cadre with the attributes the registry gives at the wave's opening."""

    cadre_id: int
    unit_id: int
    unit_kind: str
    tier: str
    age_band: str
    gender: str


@dataclass(frozen=True)
class Group:
    """A response group; ``unit_id`` is None and the other attributes MERGED where dropped."""

    unit_id: int | None
    unit_kind: str
    tier: str
    age_band: str
    gender: str
    members: tuple[int, ...]  # cadre ids, ascending


def assign_groups(*, invitees: Sequence[Invitee], k: int) -> list[Group]:
    """The groups of a wave's invitees, every one with at least k members, in a stable order."""
    if k < MIN_K:
        raise ValidationError(_("匿名阈值 k 不能小于 %(min)d。") % {"min": MIN_K})
    if len(invitees) < k:
        raise ValidationError(
            _("受邀人数（%(n)d 人）少于匿名阈值 k = %(k)d，无法开展匿名测评。")
            % {"n": len(invitees), "k": k}
        )
    by_unit = _partition(invitees, lambda person: person.unit_id)
    large = {unit: people for unit, people in by_unit.items() if len(people) >= k}
    small_tiers = [
        members
        for people in large.values()
        for members in _partition(people, lambda person: person.tier).values()
        if len(members) < k
    ]
    tier_pools = _partition(
        (person for members in small_tiers for person in members),
        lambda person: (person.unit_kind, person.tier),
    )
    tier_pools = {key: people for key, people in tier_pools.items() if len(people) >= k}
    pooled = {person.cadre_id for people in tier_pools.values() for person in people}
    small = [person for unit, people in by_unit.items() if unit not in large for person in people]
    kept: dict[Hashable, list[Invitee]] = {}
    for unit, people in large.items():
        rest = [person for person in people if person.cadre_id not in pooled]
        if len(rest) >= k:
            kept[unit] = rest
        else:
            small += rest
    small_by_kind = _partition(small, lambda person: person.unit_kind)
    pools = {kind: people for kind, people in small_by_kind.items() if len(people) >= k}
    leftover = [
        person for kind, people in small_by_kind.items() if kind not in pools for person in people
    ]
    if leftover and pools:
        smallest = min(pools, key=lambda kind: (len(pools[kind]), str(kind)))
        pools[MERGED] = pools.pop(smallest) + leftover
    elif leftover:
        for unit in sorted(kept, key=lambda unit: (len(kept[unit]), str(unit))):
            if len(leftover) >= k:
                break
            leftover += kept.pop(unit)
        kinds = {person.unit_kind for person in leftover}
        pools[kinds.pop() if len(kinds) == 1 else MERGED] = leftover
    groups = [
        _group(
            people, unit_id=None, unit_kind=str(kind), tier=MERGED, age_band=MERGED, gender=MERGED
        )
        for kind, people in pools.items()
    ]
    for (kind, tier), people in tier_pools.items():
        groups += _refine(people, unit_id=None, unit_kind=str(kind), tier=str(tier), k=k)
    for unit, people in kept.items():
        for tier, tier_people in _merge_small(people, lambda person: person.tier, k):
            groups += _refine(
                tier_people, unit_id=int(unit), unit_kind=people[0].unit_kind, tier=tier, k=k
            )
    return sorted(
        groups,
        key=lambda group: (
            group.unit_id is None,
            group.unit_id or 0,
            group.unit_kind,
            group.tier,
            group.age_band,
            group.gender,
        ),
    )


def _refine(
    people: list[Invitee], *, unit_id: int | None, unit_kind: str, tier: str, k: int
) -> list[Group]:
    """Groups of ``people`` (one unit or pool, one tier) by age band and, where large, gender."""
    groups = []
    for band, band_people in _merge_small(people, lambda person: person.age_band, k):
        by_gender = _partition(band_people, lambda person: person.gender)
        split = all(len(members) >= k for members in by_gender.values())
        for gender, gender_people in by_gender.items() if split else [(MERGED, band_people)]:
            groups.append(
                _group(
                    gender_people,
                    unit_id=unit_id,
                    unit_kind=unit_kind,
                    tier=tier,
                    age_band=band,
                    gender=str(gender),
                )
            )
    return groups


def _group(
    people: Iterable[Invitee],
    *,
    unit_id: int | None,
    unit_kind: str,
    tier: str,
    age_band: str,
    gender: str,
) -> Group:
    return Group(
        unit_id=unit_id,
        unit_kind=unit_kind,
        tier=tier,
        age_band=age_band,
        gender=gender,
        members=tuple(sorted(person.cadre_id for person in people)),
    )


def _partition(
    people: Iterable[Invitee], attribute: Callable[[Invitee], Hashable]
) -> dict[Hashable, list[Invitee]]:
    parts: dict[Hashable, list[Invitee]] = defaultdict(list)
    for person in people:
        parts[attribute(person)].append(person)
    return dict(parts)


def _merge_small(
    people: list[Invitee], attribute: Callable[[Invitee], str], k: int
) -> list[tuple[str, list[Invitee]]]:
    """People split by ``attribute``; values with fewer than k people merged into one MERGED part,
    which takes the smallest other values whole until it reaches k. ``people`` has k or more."""
    parts = _partition(people, attribute)
    merged = [person for members in parts.values() if len(members) < k for person in members]
    kept = sorted(
        (value for value, members in parts.items() if len(members) >= k),
        key=lambda value: (len(parts[value]), str(value)),
    )
    while merged and len(merged) < k:
        merged += parts[kept.pop(0)]
    result = [(str(value), parts[value]) for value in kept]
    if merged:
        result.append((MERGED, merged))
    return result
