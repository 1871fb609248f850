"""The overview's one statement against a count done row by row in Python, on a seeded county
with the awkward cases: cadres without a post, with two current posts (one pair in the same
tier, one 事业编 cadre with administrative posts in two tiers), a post held from another unit,
ended appointments, departed cadres, an inactive post, every retirement track; and the
provincial view against each county's own overview, with one county under its own retirement
rule."""

import datetime
import io
import json
import random
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command

from tests import factories
from tests.conftest import Personas
from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import scoped
from zhongjian.insight.registry import IndicatorScope
from zhongjian.insight.selectors import (
    ADMINISTRATIVE_ESTABLISHMENTS,
    AGE_BANDS,
    county_overviews,
    overview_figures,
)
from zhongjian.org.choices import (
    MID_LEVEL_TIERS,
    CadreStatus,
    Establishment,
    Gender,
    Tier,
    UnitKind,
)
from zhongjian.org.models import Appointment, Cadre, County, Post, RetirementRule
from zhongjian.org.rules import add_months, statutory_retirement_date

TODAY = datetime.date(2026, 11, 26)


def _populate(county: County, seed: int) -> None:
    rng = random.Random(seed)
    units = [
        factories.unit(county=county, kind=kind)
        for kind in (UnitKind.TOWNSHIP, UnitKind.TOWNSHIP, UnitKind.COUNTY_DEPARTMENT)
    ]
    posts = [
        factories.post(
            unit=rng.choice(units),
            tier=rng.choice(list(Tier.values)),
            headcount=rng.choice([1, 1, 2, 3]),
            required_establishment=rng.choice(list(Establishment.values)),
        )
        for _ in range(14)
    ]
    posts.append(factories.post(unit=units[0], tier=Tier.FUKE, is_active=False))
    cadres = []
    for _ in range(45):
        gender = rng.choice(list(Gender.values))
        cadres.append(
            factories.cadre(
                unit=rng.choice(units),
                gender=gender,
                is_worker=gender == Gender.FEMALE and rng.random() < 0.4,
                birth_date=datetime.date(rng.randint(1961, 2001), rng.randint(1, 12), 15),
                establishment=rng.choice(list(Establishment.values)),
                status=rng.choice([CadreStatus.ACTIVE] * 6 + [CadreStatus.DEPARTED]),
            )
        )
    for cadre in cadres:
        for _ in range(rng.choice([0, 1, 1, 1, 2])):
            post = rng.choice(posts)
            ended = rng.random() < 0.25
            factories.appoint(
                cadre=cadre,
                post=post,
                start=datetime.date(2015, 1, 1),
                end_date=datetime.date(2020, 1, 1) if ended else None,
            )
    # Two current posts of the same tier for one cadre; a post held from another unit.
    same_tier = [p for p in posts if p.tier == Tier.GUJI and p.is_active][:2]
    if len(same_tier) == 2:
        holder = factories.cadre(unit=units[0], establishment=Establishment.PUBLIC_INSTITUTION)
        for post in same_tier:
            factories.appoint(cadre=holder, post=post, start=datetime.date(2021, 1, 1))
    # 事业编, holding administrative posts in two mid-level tiers (兼任), retiring soon: one
    # person in the 混编混岗 and retiring mid-level figures.
    two_tiers = factories.cadre(
        unit=units[1],
        establishment=Establishment.PUBLIC_INSTITUTION,
        birth_date=datetime.date(1966, 8, 1),
        gender=Gender.MALE,
    )
    for tier in (Tier.ZHENGKE, Tier.FUKE):
        factories.appoint(
            cadre=two_tiers,
            post=factories.post(
                unit=units[1], tier=tier, required_establishment=Establishment.ADMINISTRATIVE
            ),
            start=datetime.date(2023, 1, 1),
        )
    visitor = factories.cadre(
        unit=units[1], birth_date=datetime.date(1966, 2, 1), gender=Gender.MALE
    )
    factories.appoint(
        cadre=visitor,
        post=factories.post(unit=units[2], tier=Tier.ZHENGKE),
        start=datetime.date(2022, 1, 1),
    )


def _by_hand(user: Any, scope: IndicatorScope) -> dict[str, Any]:
    """The overview's figures, row by row, from plain reads."""
    county = user.county_id
    narrow = scope.filters()
    people = list(
        scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user)
        .filter(**narrow)
        .select_related("unit")
    )
    current = list(
        scoped(Appointment.objects.filter(end_date__isnull=True), user)
        .filter(cadre__status=CadreStatus.ACTIVE, **narrow)
        .select_related("cadre", "post")
    )
    holding = set(
        Appointment.objects.filter(county_id=county, end_date__isnull=True).values_list(
            "cadre_id", flat=True
        )
    )

    def retires_by(cadre: Cadre, day: datetime.date) -> bool:
        return (
            statutory_retirement_date(
                gender=cadre.gender,
                birth_date=cadre.birth_date,
                is_worker=cadre.gender == Gender.FEMALE and cadre.is_worker,
                county_id=county,
            )
            <= day
        )

    five = add_months(TODAY, 60)
    tiers: dict[str, set[int]] = {tier: set() for tier in Tier.values}
    for appointment in current:
        tiers[appointment.post.tier].add(appointment.cadre_id)
    no_post = sum(cadre.pk not in holding for cadre in people)
    by_tier = {tier: len(ids) for tier, ids in tiers.items()}
    by_tier[Tier.GENERAL] += no_post
    mid_current = [a for a in current if a.post.tier in MID_LEVEL_TIERS]
    posts = list(
        scoped(Post.objects.filter(is_active=True, tier__in=MID_LEVEL_TIERS), user).filter(**narrow)
    )
    held = Counter(
        Appointment.objects.filter(county_id=county, end_date__isnull=True).values_list(
            "post_id", flat=True
        )
    )
    short = [post.headcount - held[post.pk] for post in posts if held[post.pk] < post.headcount]
    year_ends = [datetime.date(TODAY.year + i, 12, 31) for i in range(5)]
    cumulative = [sum(retires_by(c, day) for c in people) for day in year_ends]
    bands = []
    for _label, low, high in AGE_BANDS:
        bands.append(
            sum(
                c.birth_date <= add_months(TODAY, -12 * low)
                and (high is None or c.birth_date > add_months(TODAY, -12 * high))
                for c in people
            )
        )
    headcount = len(people)
    return {
        "headcount": headcount,
        "by_unit_kind": {k: sum(c.unit.kind == k for c in people) for k in UnitKind.values},
        "by_establishment": {
            e: sum(c.establishment == e for c in people) for e in Establishment.values
        },
        "by_tier": by_tier,
        "by_age_band": bands,
        "young": [
            round(100 * sum(c.birth_date > add_months(TODAY, -12 * age) for c in people) / n, 1)
            if (n := headcount)
            else 0.0
            for age in (35, 40)
        ],
        "posts": (len(posts), sum(p.headcount for p in posts), len(short), sum(short)),
        "mixed": len(
            {
                a.cadre_id
                for a in mid_current
                if a.post.required_establishment in ADMINISTRATIVE_ESTABLISHMENTS
                and a.cadre.establishment == Establishment.PUBLIC_INSTITUTION
            }
        ),
        "retiring": (
            sum(retires_by(c, five) for c in people),
            len({a.cadre_id for a in mid_current if retires_by(a.cadre, five)}),
        ),
        "by_year": [n - (cumulative[i - 1] if i else 0) for i, n in enumerate(cumulative)],
    }


def _shape(figures: Any) -> dict[str, Any]:
    labels = {str(c.label): c.value for c in (*UnitKind, *Establishment, *Tier)}
    return {
        "headcount": figures.headcount,
        "by_unit_kind": {labels[k]: n for k, n in figures.by_unit_kind},
        "by_establishment": {labels[k]: n for k, n in figures.by_establishment},
        "by_tier": {labels[k]: n for k, n in figures.by_tier},
        "by_age_band": [n for _label, n in figures.by_age_band],
        "young": [figures.young_share["under_35"], figures.young_share["under_40"]],
        "posts": (
            figures.mid_level_posts,
            figures.mid_level_seats,
            figures.mid_level_vacant_posts,
            figures.mid_level_vacant_seats,
        ),
        "mixed": figures.mixed_posting,
        "retiring": (figures.retiring_5y, figures.retiring_5y_mid_level),
        "by_year": [n for _year, n in figures.retiring_by_year],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_statement_equals_a_count_by_hand(personas: Personas, seed: int) -> None:
    """County-wide, per unit type, per unit and for a unit head, the statement's figures are
    the row-by-row count's."""
    _populate(personas.county, seed)
    org = personas.org
    unit = personas.county.units.order_by("pk").last()
    scopes = [
        IndicatorScope(),
        IndicatorScope(unit_kind=UnitKind.TOWNSHIP),
        IndicatorScope(unit_id=unit.pk),
    ]
    for scope in scopes:
        assert _shape(overview_figures(user=org, today=TODAY, scope=scope)) == _by_hand(
            org, scope
        ), scope
    head = factories.user(role=Role.UNIT_HEAD, county=personas.county, unit=unit)
    assert _shape(overview_figures(user=head, today=TODAY)) == _by_hand(head, IndicatorScope())


def test_scope_without_units_sees_zeros(personas: Personas) -> None:
    """A scope that selects no unit (the form refuses a unit head without a unit; an unsaved
    one stands in) gives zeros, not an error from an empty IN list."""
    from zhongjian.accounts.models import User

    head = User(role=Role.UNIT_HEAD, county=personas.county, is_active=True)
    figures = overview_figures(user=head, today=TODAY)
    assert figures.headcount == 0
    assert figures.mid_level_posts == 0


def _override_female_cadres(county: County) -> None:
    """County's own rule: female cadres retire at 50, no delay (their figures move)."""
    RetirementRule.objects.create(
        county=county,
        track="female_cadre",
        base_age_months=50 * 12,
        first_birth_month=datetime.date(2100, 1, 1),
        birth_months_per_step=4,
        max_delay_months=0,
        effective_from=datetime.date(1990, 1, 1),
        legal_basis="测试",
    )


def test_provincial_view_equals_each_county(personas: Personas) -> None:
    """All counties at once give each county's own overview, with one county under its own
    retirement rule; an empty county is all zeros."""
    second = personas.outsider_org.county
    _populate(personas.county, 4)
    _populate(second, 5)
    _override_female_cadres(second)
    empty = factories.county()
    everything = county_overviews(today=TODAY)
    assert set(everything) == set(County.objects.values_list("pk", flat=True))
    for user in (personas.org, personas.outsider_org):
        assert everything[user.county_id] == overview_figures(user=user, today=TODAY)
    assert everything[empty.pk].headcount == 0
    assert county_overviews(today=TODAY, counties=[second.pk]) == {second.pk: everything[second.pk]}
    assert _shape(everything[second.pk]) == _by_hand(personas.outsider_org, IndicatorScope())
    # The override counts: under the national rule the second county's figures differ.
    RetirementRule.objects.filter(county=second).delete()
    national = county_overviews(today=TODAY)
    assert national[second.pk].retiring_5y < everything[second.pk].retiring_5y
    assert national[personas.county.pk] == everything[personas.county.pk]


def test_command_prints_every_county(personas: Personas) -> None:
    """`zhongjian overview --all-counties --format json` prints each county's figures."""
    _populate(personas.county, 6)
    out = io.StringIO()
    call_command(
        "overview", "--all-counties", "--format", "json", "--date", "2026-11-26", stdout=out
    )
    rows = json.loads(out.getvalue())
    by_code = {row["code"]: row for row in rows}
    expected = overview_figures(user=personas.org, today=TODAY)
    mine = by_code[personas.county.code]
    assert mine["headcount"] == expected.headcount
    assert mine["mid_level_vacant_seats"] == expected.mid_level_vacant_seats
    assert mine["retiring_by_year"] == [list(pair) for pair in expected.retiring_by_year]
    assert len(rows) == County.objects.count()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--county", "000000"], "没有行政区划代码为「000000」的县"),
        (["--all-counties", "--date", "2026-13-01"], "--date 应为 YYYY-MM-DD 格式"),
    ],
)
def test_command_refuses_bad_input(personas: Personas, arguments: list[str], message: str) -> None:
    """An unknown county or a malformed date is a clear Chinese error, not a traceback."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("overview", *arguments, stdout=io.StringIO())


def test_command_table_for_one_county(personas: Personas) -> None:
    """`--county CODE` prints that county alone, as a table with Chinese headings."""
    out = io.StringIO()
    call_command("overview", "--county", personas.county.code, "--date", "2026-11-26", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("行政区划代码\t名称\t在职干部")
    assert len(lines) == 2
    assert lines[1].split("\t")[:3] == [personas.county.code, personas.county.name, "2"]
