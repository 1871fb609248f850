"""Time in post: the Kaplan–Meier estimate against a hand computation, and spells from records."""

import datetime

import pytest

from tests import factories
from tests.conftest import Personas
from zhongjian.insight.registry import IndicatorScope
from zhongjian.insight.survival import km_curve, spells, time_in_post
from zhongjian.org.choices import Tier
from zhongjian.pipeline.models import Departure

TODAY = datetime.date(2026, 11, 26)


def test_kaplan_meier_by_hand() -> None:
    """Durations 1, 2, 2+, 3, 4+ (+ censored): S(1) = 4/5 = 0.8; S(2) = 0.8 × 3/4 = 0.6; the
    censored spell at 2 leaves, so S(3) = 0.6 × 1/2 = 0.3; the median is 3; at risk at
    0, 2, 4 years: 5, 4, 1."""
    curve = km_curve(
        label="x", durations=[1, 2, 2, 3, 4], observed=[True, True, False, True, False]
    )
    points = dict(zip(curve.times, curve.survival, strict=True))
    assert points[1.0] == pytest.approx(0.8)
    assert points[2.0] == pytest.approx(0.6)
    assert points[3.0] == pytest.approx(0.3)
    assert points[4.0] == pytest.approx(0.3)
    assert curve.median == 3.0
    assert (curve.events, curve.censored) == (3, 2)
    assert curve.at_risk[:3] == [5, 4, 1]
    assert all(
        lo <= s <= hi for lo, s, hi in zip(curve.lower, curve.survival, curve.upper, strict=True)
    )


def test_median_not_reached_is_none() -> None:
    """When fewer than half leave, the median (and its upper bound) is not reached."""
    curve = km_curve(label="x", durations=[1, 2, 3, 4], observed=[True, False, False, False])
    assert curve.median is None


def test_spells_and_exit_kinds(personas: Personas) -> None:
    """An open appointment is censored; a promotion, and a 遴选 matched by the departure
    recorded on the day the appointment ended, are events of their kind."""
    p = personas
    promoted = factories.cadre(unit=p.unit_a)
    factories.appoint(
        cadre=promoted,
        post=p.post_a,
        start=datetime.date(2016, 1, 1),
        end_date=datetime.date(2020, 1, 1),
        end_reason="promoted",
    )
    leaver = factories.cadre(unit=p.unit_b, status="departed")
    factories.appoint(
        cadre=leaver,
        post=p.post_b,
        start=datetime.date(2019, 1, 1),
        end_date=datetime.date(2021, 1, 1),
        end_reason="departed",
    )
    Departure.objects.create(
        county=p.county,
        unit=p.unit_b,
        cadre=leaver,
        kind="upward_selection",
        destination_level="city",
        departed_on=datetime.date(2021, 1, 1),
        tier=Tier.FUKE,
    )
    rows = sorted(spells(p.org, scope=IndicatorScope(), day=TODAY), key=lambda s: s.duration)
    kinds = [(round(s.duration, 2), s.kind) for s in rows]
    assert kinds == [
        (2.0, "upward_selection"),
        (4.0, "promoted"),
        (round((TODAY - datetime.date(2022, 3, 1)).days / 365.25, 2), ""),
    ]
    any_exit = time_in_post(p.org, scope=IndicatorScope(), day=TODAY, kind="any", by="")
    assert (any_exit[0].events, any_exit[0].censored) == (2, 1)
    by_kind = time_in_post(p.org, scope=IndicatorScope(), day=TODAY, kind="promoted", by="tier")
    assert [(c.label, c.events, c.censored) for c in by_kind] == [("副科", 0, 1), ("股级", 1, 1)]
    # A unit head sees the spells of their own unit only.
    assert len(spells(p.head_b, scope=IndicatorScope(), day=TODAY)) == 1
