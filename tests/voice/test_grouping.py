"""Response groups: every group has at least k invitees, whatever the population looks like."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhongjian.core.errors import ValidationError
from zhongjian.voice.choices import MERGED
from zhongjian.voice.grouping import Invitee, assign_groups

KINDS = ("township", "county_department", "public_institution")
TIERS = ("zhengke", "fuke", "guji", "general")
BANDS = ("u30", "30s", "40s", "50s", "60p")


def person(
    cadre_id: int, unit: int, tier: str = "general", band: str = "40s", gender: str = "male"
) -> Invitee:
    return Invitee(
        cadre_id=cadre_id,
        unit_id=unit,
        unit_kind=KINDS[unit % 3],
        tier=tier,
        age_band=band,
        gender=gender,
    )


@st.composite
def populations(draw: st.DrawFn) -> tuple[list[Invitee], int]:
    k = draw(st.sampled_from([3, 5, 10]))
    size = draw(st.integers(k, 120))
    units = draw(st.integers(1, 8))
    people = [
        Invitee(
            cadre_id=index,
            unit_id=(unit := draw(st.integers(0, units - 1))),
            unit_kind=KINDS[unit % 3],
            tier=draw(st.sampled_from(TIERS)),
            age_band=draw(st.sampled_from(BANDS)),
            gender=draw(st.sampled_from(("male", "female"))),
        )
        for index in range(size)
    ]
    return people, k


@settings(max_examples=60)
@given(populations())
def test_groups_partition_the_invitees_with_at_least_k_each(case) -> None:
    """Each invitee is in exactly one group, every group has k or more members, and a group's
    attributes are true of every member (or merged)."""
    people, k = case
    groups = assign_groups(invitees=people, k=k)
    members = [cadre for group in groups for cadre in group.members]
    assert sorted(members) == sorted(p.cadre_id for p in people)
    by_id = {p.cadre_id: p for p in people}
    for group in groups:
        assert len(group.members) >= k
        for cadre in group.members:
            p = by_id[cadre]
            assert group.unit_id in (None, p.unit_id)
            assert group.unit_kind in (MERGED, p.unit_kind)
            assert group.tier in (MERGED, p.tier)
            assert group.age_band in (MERGED, p.age_band)
            assert group.gender in (MERGED, p.gender)


def test_small_tiers_are_merged_and_large_ones_kept() -> None:
    """Two 正科 and one 副科 (under k = 5) are merged, and the merged group, still under k, takes
    the smallest tier whole (6 股级); the 20 general staff keep their tier."""
    people = (
        [person(i, 0, "zhengke") for i in range(2)]
        + [person(2, 0, "fuke")]
        + [person(i, 0, "guji") for i in range(3, 9)]
        + [person(i, 0, "general") for i in range(9, 29)]
    )
    groups = assign_groups(invitees=people, k=5)
    tiers = {group.tier: len(group.members) for group in groups}
    assert tiers == {MERGED: 9, "general": 20}


def test_small_leadership_tiers_are_pooled_across_units_of_a_kind() -> None:
    """Three 副科 in each of two townships: six 乡镇副科 form a group without a unit, so that the
    county still sees its mid-level leaders; each township keeps its other staff by unit."""
    people = []
    for unit in (0, 3):
        base = unit * 100
        people += [person(base + i, unit, "fuke") for i in range(3)]
        people += [person(base + i, unit, "general") for i in range(3, 10)]
    groups = assign_groups(invitees=people, k=5)
    shape = sorted(
        (g.unit_id, g.unit_kind, g.tier, len(g.members)) for g in groups if g.unit_id is not None
    )
    assert shape == [(0, "township", "general", 7), (3, "township", "general", 7)]
    (pool,) = [g for g in groups if g.unit_id is None]
    assert (pool.unit_kind, pool.tier, len(pool.members)) == ("township", "fuke", 6)


def test_gender_is_kept_only_where_both_are_large() -> None:
    """Ten men and two women of one cell: gender is dropped for all twelve."""
    people = [person(i, 0) for i in range(10)] + [
        person(i, 0, gender="female") for i in range(10, 12)
    ]
    (group,) = assign_groups(invitees=people, k=5)
    assert group.gender == MERGED and len(group.members) == 12
    people = [person(i, 0) for i in range(6)] + [
        person(i, 0, gender="female") for i in range(6, 12)
    ]
    assert {g.gender for g in assign_groups(invitees=people, k=5)} == {"male", "female"}


def test_small_units_keep_only_their_kind() -> None:
    """Units under k are pooled by unit kind, without unit, tier, age or gender."""
    people = [person(i, 0) for i in range(3)] + [person(i, 3) for i in range(3, 6)]
    people += [person(i, 1) for i in range(6, 20)]
    groups = assign_groups(invitees=people, k=5)
    pooled = [g for g in groups if g.unit_id is None]
    assert len(pooled) == 1
    assert (pooled[0].unit_kind, pooled[0].tier, len(pooled[0].members)) == ("township", MERGED, 6)


def test_a_population_under_k_is_refused() -> None:
    """Fewer invitees than k cannot answer anonymously at all."""
    with pytest.raises(ValidationError):
        assign_groups(invitees=[person(i, 0) for i in range(4)], k=5)
