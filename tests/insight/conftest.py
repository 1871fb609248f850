"""A small county whose every indicator can be computed by hand (see each test's docstring)."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from tests import factories
from tests.conftest import Personas
from tests.voice.conftest import _fresh_cache, survey_county  # noqa: F401 (fixtures for voice cells)
from zhongjian.org.choices import Establishment, Gender, Tier
from zhongjian.org.models import Cadre, Post
from zhongjian.pipeline.models import BenchEntry, Candidate, Departure, SelectionProcess, Vacancy

TODAY = datetime.date(2026, 11, 26)


@dataclass
class Hand:
    personas: Personas
    young: Cadre  # unit A, born 1995, no post
    stuck: Cadre  # unit B, 事业编 in 副科 post B since 2015 (混编混岗, ≥ 8 years)
    retiring: Cadre  # unit A, man born 1967-05, 股级 post C since 2010 (retires 2028-01)
    post_c: Post  # unit A, 股级, headcount 2, one holder


def _departed(unit: Any, **fields: Any) -> Cadre:
    return factories.cadre(unit=unit, status="departed", **fields)


@pytest.fixture
def hand(personas: Personas) -> Hand:
    p = personas
    young = factories.cadre(unit=p.unit_a, birth_date=datetime.date(1995, 1, 1))
    stuck = factories.cadre(
        unit=p.unit_b,
        birth_date=datetime.date(1988, 6, 1),
        establishment=Establishment.PUBLIC_INSTITUTION,
    )
    factories.appoint(cadre=stuck, post=p.post_b, start=datetime.date(2015, 1, 1))
    post_c = factories.post(unit=p.unit_a, tier=Tier.GUJI, headcount=2, title="股长")
    retiring = factories.cadre(
        unit=p.unit_a, birth_date=datetime.date(1967, 5, 1), gender=Gender.MALE
    )
    factories.appoint(cadre=retiring, post=post_c, start=datetime.date(2010, 1, 1))

    # Pipeline: offers, declines, vacancies, bench, departures.
    process = SelectionProcess.objects.create(
        county=p.county, unit=p.unit_b, post=p.post_b, started_on=datetime.date(2026, 2, 1)
    )
    for index, cadre in enumerate([p.cadre_a, p.cadre_b, young]):
        Candidate.objects.create(
            county=p.county,
            process=process,
            cadre=cadre,
            added_on=datetime.date(2026, 3, 1),
            outcome="declined" if index == 0 else "not_chosen",
        )
    old = SelectionProcess.objects.create(
        county=p.county, unit=p.unit_a, post=p.post_a, started_on=datetime.date(2024, 2, 1)
    )
    Candidate.objects.create(
        county=p.county,
        process=old,
        cadre=young,
        added_on=datetime.date(2024, 3, 1),
        outcome="declined",
    )
    for post, opened, closed in (
        (p.post_a, datetime.date(2026, 1, 1), datetime.date(2026, 3, 2)),  # 60 days
        (p.post_b, datetime.date(2025, 12, 1), datetime.date(2026, 2, 9)),  # 70 days
        (p.post_a, datetime.date(2023, 1, 1), datetime.date(2023, 2, 1)),  # before the period
        (post_c, datetime.date(2026, 1, 1), None),  # open > 6 months
    ):
        Vacancy.objects.create(
            county=p.county, unit=post.unit, post=post, opened_on=opened, closed_on=closed
        )
    BenchEntry.objects.create(
        county=p.county,
        unit=p.unit_a,
        post=p.post_a,
        cadre=young,
        readiness="ready_now",
        added_on=datetime.date(2026, 1, 1),
    )
    BenchEntry.objects.create(
        county=p.county,
        unit=p.unit_b,
        post=p.post_b,
        cadre=p.cadre_b,
        readiness="ready_soon",
        added_on=datetime.date(2026, 1, 1),
    )
    for kind, on, extra in (
        (
            "upward_selection",
            datetime.date(2026, 4, 1),
            {"tier": Tier.FUKE, "held_leadership": True},
        ),
        ("resignation", datetime.date(2026, 5, 1), {"tier": Tier.GENERAL}),
        ("retirement", datetime.date(2024, 5, 1), {"tier": Tier.GUJI}),
    ):
        Departure.objects.create(
            county=p.county,
            unit=p.unit_b,
            cadre=_departed(p.unit_b),
            kind=kind,
            destination_level="city",
            departed_on=on,
            **extra,
        )
    Departure.objects.create(
        county=p.county,
        unit=p.unit_a,
        cadre=p.cadre_b,
        kind="secondment",
        destination_level="city",
        departed_on=datetime.date(2026, 1, 1),
        planned_return_on=datetime.date(2026, 6, 30),
        tier=Tier.GENERAL,
    )
    return Hand(personas=p, young=young, stuck=stuck, retiring=retiring, post_c=post_c)
