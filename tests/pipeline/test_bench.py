"""The succession bench (后备): depth, posts without a bench, eligibility hints from the rules."""

import datetime

import pytest

from tests import factories
from tests.conftest import Personas
from zhongjian.core.errors import Conflict, ValidationError
from zhongjian.org.models import RankGrant
from zhongjian.pipeline.models import EligibilityRule
from zhongjian.pipeline.rules import eligibility_hints, eligibility_thresholds, rank_steps
from zhongjian.pipeline.selectors.bench import bench_for_posts, bench_posts, bench_summary
from zhongjian.pipeline.services.bench import bench_add, bench_remove, bench_set_readiness

D = datetime.date
ON = D(2024, 12, 2)


def hints_for(personas: Personas, cadre, post, *, leader: bool = False) -> list[str]:  # type: ignore[no-untyped-def]
    since = (
        RankGrant.objects.filter(cadre=cadre, rank=cadre.rank)
        .values_list("granted_on", flat=True)
        .first()
    )
    return [
        f"{hint.level}:{hint.text}"
        for hint in eligibility_hints(
            cadre=cadre,
            post=post,
            on=ON,
            thresholds=eligibility_thresholds(on=ON, county_id=None),
            steps=rank_steps(on=ON, county_id=None),
            rank_since=since,
            holds_section_leadership=leader,
        )
    ]


def test_rank_years_come_from_the_rank_step_rules(personas: Personas) -> None:
    """四级主任科员 since 2023-06: 1.5 years of the 2 needed for 三级主任科员."""
    cadre = personas.cadre_b
    cadre.rank = "principal_clerk_4"
    cadre.save()
    RankGrant.objects.create(
        county=personas.county, cadre=cadre, rank="principal_clerk_4", granted_on=D(2023, 6, 1)
    )
    hints = hints_for(personas, cadre, personas.post_b)
    assert hints[0] == "warn:四级主任科员 1.5 年，距晋升三级主任科员所需的 2 年尚差 0.5 年。"
    RankGrant.objects.filter(cadre=cadre).update(granted_on=D(2022, 1, 1))
    assert hints_for(personas, cadre, personas.post_b)[0].startswith("ok:")


def test_township_minimum_service_is_flagged_for_posts_elsewhere(personas: Personas) -> None:
    """A township civil servant in their first five years is flagged for a post outside it."""
    young = factories.cadre(
        unit=personas.unit_a,
        birth_date=D(1998, 5, 1),
        work_start_date=D(2021, 9, 1),
        grassroots_start_date=D(2021, 9, 1),
    )
    outside = hints_for(personas, young, personas.post_b)
    assert any(h.startswith("warn:乡镇最低服务年限（5 年）至 2026.09") for h in outside)
    inside = hints_for(personas, young, personas.post_a)
    assert not any("乡镇最低服务年限" in h for h in inside)


def test_threshold_comes_from_the_rules_table(personas: Personas) -> None:
    """Changing the rules table changes the hint: no constant in code decides it."""
    young = factories.cadre(
        unit=personas.unit_a, work_start_date=D(2021, 9, 1), grassroots_start_date=D(2021, 9, 1)
    )
    EligibilityRule.objects.create(
        key="township_min_service_years", value=3, effective_from=D(2024, 1, 1), legal_basis="测试"
    )
    assert not any("乡镇最低服务年限" in h for h in hints_for(personas, young, personas.post_b))


@pytest.mark.parametrize(
    ("birth", "leader", "eligible"),
    [(D(1992, 1, 1), False, True), (D(1987, 1, 1), False, False), (D(1987, 1, 1), True, True)],
)
def test_upward_selection_eligibility(
    personas: Personas, birth: datetime.date, leader: bool, eligible: bool
) -> None:
    """遴选: ≥ 2 years civil service and grassroots, ≤ 35, or ≤ 40 for 科级 leaders."""
    cadre = factories.cadre(
        unit=personas.unit_a,
        birth_date=birth,
        work_start_date=D(2015, 7, 1),
        grassroots_start_date=D(2015, 7, 1),
    )
    hints = hints_for(personas, cadre, personas.post_a, leader=leader)
    assert any("符合公开遴选" in h for h in hints) == eligible


def test_bench_depth_and_posts_without_bench(personas: Personas) -> None:
    """Depth counts ready-now candidates; a post with nobody is listed as having no bench."""
    org = personas.org
    entry = bench_add(
        actor=org, post=personas.post_b, cadre=personas.cadre_a, readiness="ready_soon", added_on=ON
    )
    assert bench_summary(user=org) == {"posts": 2, "empty": 1, "ready_now": 0, "ready_soon": 1}
    bench_set_readiness(actor=org, entry=entry, readiness="ready_now")
    rows = bench_for_posts(posts=list(bench_posts(user=org)), today=ON)
    by_post = {row.post.pk: row for row in rows}
    assert by_post[personas.post_b.pk].depth == 1 and by_post[personas.post_a.pk].depth == 0
    assert by_post[personas.post_b.pk].ready_now[0].hints
    assert [p.pk for p in bench_posts(user=org, empty_only=True)] == [personas.post_a.pk]
    assert [p.pk for p in bench_posts(user=personas.head_a)] == [personas.post_a.pk]
    with pytest.raises(Conflict, match="已是该岗位的后备人选"):
        bench_add(
            actor=org,
            post=personas.post_b,
            cadre=personas.cadre_a,
            readiness="ready_now",
            added_on=ON,
        )
    bench_remove(actor=org, entry=entry, removed_on=ON)
    assert bench_summary(user=org)["empty"] == 2


def test_bench_refuses_holders_and_general_posts(personas: Personas) -> None:
    """The holder of a post is not its bench; general posts have no bench."""
    with pytest.raises(ValidationError, match="已在该岗位任职"):
        bench_add(
            actor=personas.org,
            post=personas.post_a,
            cadre=personas.cadre_a,
            readiness="ready_now",
            added_on=ON,
        )
    general = factories.post(unit=personas.unit_a, tier="general", title="科员")
    with pytest.raises(ValidationError, match="中层岗位"):
        bench_add(
            actor=personas.org,
            post=general,
            cadre=personas.cadre_b,
            readiness="ready_now",
            added_on=ON,
        )
