"""The overview page and its figures follow the user's scope."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Personas, client_for
from zhongjian.insight.selectors import overview_figures
from zhongjian.org.choices import Establishment, Gender, Tier

TODAY = datetime.date(2026, 11, 26)


def test_county_figures(personas: Personas) -> None:
    """The organization department's overview counts the whole county."""
    figures = overview_figures(user=personas.org, today=TODAY)
    assert figures.headcount == 2
    assert figures.mid_level_posts == 2
    assert figures.mid_level_seats == 2
    assert figures.mid_level_vacant_seats == 1  # post B has nobody
    assert dict(figures.by_tier)["股级"] == 1
    assert dict(figures.by_tier)["一般"] == 1


def test_unit_head_figures_cover_own_unit(personas: Personas) -> None:
    """A unit head's overview counts their unit only."""
    figures = overview_figures(user=personas.head_b, today=TODAY)
    assert figures.headcount == 1
    assert figures.mid_level_vacant_seats == 1
    assert overview_figures(user=personas.head_a, today=TODAY).mid_level_vacant_seats == 0


def test_mixed_posting_and_retirements(personas: Personas) -> None:
    """事业编 staff in admin posts and cadres reaching retirement within 5 years are counted."""
    holder = factories.cadre(
        unit=personas.unit_b,
        establishment=Establishment.PUBLIC_INSTITUTION,
        birth_date=datetime.date(1967, 5, 1),  # a man: retires in January 2028 at 60 years 8 months
        gender=Gender.MALE,
    )
    factories.appoint(cadre=holder, post=personas.post_b, start=datetime.date(2020, 1, 1))
    factories.cadre(unit=personas.unit_a, birth_date=datetime.date(1990, 1, 1))
    figures = overview_figures(user=personas.org, today=TODAY)
    assert figures.mixed_posting == 1
    assert figures.retiring_5y == 1
    assert figures.retiring_5y_mid_level == 1
    assert sum(n for _, n in figures.retiring_by_year) == 1


def test_mixed_posting_counts_people_not_posts(personas: Personas) -> None:
    """A 事业编 cadre holding administrative mid-level posts in two tiers is one person in the
    混编混岗 and retiring mid-level figures (the tile says 人), as in the indicator."""
    holder = factories.cadre(
        unit=personas.unit_b,
        establishment=Establishment.PUBLIC_INSTITUTION,
        birth_date=datetime.date(1967, 5, 1),
        gender=Gender.MALE,
    )
    for tier in (Tier.ZHENGKE, Tier.FUKE, Tier.FUKE):
        post = factories.post(
            unit=personas.unit_b, tier=tier, required_establishment=Establishment.ADMINISTRATIVE
        )
        factories.appoint(cadre=holder, post=post, start=datetime.date(2024, 1, 1))
    for user in (personas.org, personas.head_b):
        figures = overview_figures(user=user, today=TODAY)
        assert figures.mixed_posting == 1
        assert figures.retiring_5y_mid_level == 1
        assert dict(figures.by_tier)["正科"] == 1
        assert dict(figures.by_tier)["副科"] == 1


def test_age_bands_sum_to_headcount(personas: Personas) -> None:
    """Every active cadre falls in exactly one age band."""
    for year in (1970, 1980, 1992, 2000):
        factories.cadre(unit=personas.unit_a, birth_date=datetime.date(year, 6, 1))
    figures = overview_figures(user=personas.org, today=TODAY)
    assert sum(n for _, n in figures.by_age_band) == figures.headcount


@pytest.mark.parametrize(
    ("persona", "status", "location"),
    [
        ("org", 200, None),
        ("head_a", 200, None),
        ("counselor", 302, "/care/"),
        ("admin", 302, "/admin/accounts/user/"),
        ("auditor", 302, "/audit/"),
    ],
)
def test_landing_page_by_role(
    personas: Personas, persona: str, status: int, location: str | None
) -> None:
    """Each role lands on its own page: overview, role page or a redirect."""
    response = client_for(personas.all_users()[persona]).get(reverse("overview"))
    assert response.status_code == status
    if location:
        assert response["Location"] == location


def test_cadre_sees_only_own_record(personas: Personas) -> None:
    """A cadre who opens / sees their own record and nobody else's."""
    response = client_for(personas.cadre).get(reverse("overview"))
    assert response.status_code == 200
    assert "张伟" in response.text
    assert "李娜" not in response.text
    assert "队伍概览" not in response.text.split("<main")[1]


def test_overview_page_shows_numbers_and_charts(personas: Personas) -> None:
    """The overview renders its figures and chart data for ECharts."""
    response = client_for(personas.org).get(reverse("overview"))
    assert 'data-testid="headcount">2<' in response.text
    assert 'id="chart-pyramid"' in response.text
    assert "echarts.min.js" in response.text


def test_tier_counts_use_current_posts(personas: Personas) -> None:
    """A cadre counts in the tier of the post held today."""
    post = factories.post(unit=personas.unit_a, tier=Tier.ZHENGKE, title="党委书记")
    factories.appoint(cadre=personas.cadre_b, post=post, start=datetime.date(2021, 1, 1))
    figures = overview_figures(user=personas.org, today=TODAY)
    assert dict(figures.by_tier)["正科"] == 1
    assert dict(figures.by_tier)["一般"] == 0
