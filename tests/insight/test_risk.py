"""Group risk: the time split, no leakage across it, the model on demo data, k-safe groups."""

import copy
import datetime

import pytest
from django.template.loader import render_to_string

from zhongjian.demo.generator import build_demo
from zhongjian.demo.pipeline import extend
from zhongjian.insight import risk
from zhongjian.org.models import County

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def demo_history(db: None) -> risk.History:
    """A 400-cadre demo county with its pipeline history, read into memory."""
    build_demo(seed=7, cadres=400, today=TODAY, with_users=False)
    county = County.objects.order_by("code").first()
    extend(county=county, seed=7, today=TODAY)
    return risk.load_history(county.pk)


def test_time_split() -> None:
    """On 2026-11-26 the test snapshot is 2025-01-01 (its 12 months are over); training
    snapshots end their label window by then; too short a history gives no split."""
    split = risk.time_split(first=datetime.date(2011, 6, 1), today=TODAY)
    assert split is not None
    assert split.test_day == datetime.date(2025, 1, 1)
    assert split.train_days[0] == datetime.date(2012, 1, 1)
    assert split.train_days[-1] == datetime.date(2024, 1, 1)
    assert all(day + datetime.timedelta(days=365) <= split.test_day for day in split.train_days)
    assert risk.time_split(first=datetime.date(2024, 3, 1), today=TODAY) is None


def test_features_use_nothing_after_their_day(demo_history: risk.History) -> None:
    """Adding events after the split date (departures, declines, new posts, survey values) to
    the history changes no training feature and no training label: a feature or label that
    looked past the split would change here."""
    split = risk.time_split(first=datetime.date(2011, 6, 1), today=TODAY)
    assert split is not None

    def training(history: risk.History) -> list:
        out = []
        for day in split.train_days:
            cadres, units, rows = risk.features_at(history, day)
            out.append(
                (
                    cadres,
                    units,
                    [[round(x, 9) if x == x else None for x in r] for r in rows],
                    risk.labels_at(history, cadres, day),
                )
            )
        return out

    before = training(demo_history)
    later = copy.deepcopy(demo_history)
    after = split.test_day + datetime.timedelta(days=1)
    for cadre, *_rest in later.cadres:
        later.departures.setdefault(cadre, []).append(
            (after + datetime.timedelta(days=10), "resignation")
        )
        later.declines.setdefault(cadre, []).append(after)
        later.appointments.setdefault(cadre, []).append((after, None, "zhengke", _rest[2]))
    for unit in later.unit_kind:
        later.unit_who5.setdefault(unit, []).append((after, 10.0))
    assert training(later) == before
    # …while the test snapshot does see them (the check above could not pass vacuously).
    _cadres, _units, rows = risk.features_at(later, after)
    assert rows and all(row[2] == 1.0 and row[10] == 1.0 for row in rows)


def test_model_on_demo_data(demo_history: risk.History) -> None:
    """Both calibrated models and the baseline are scored on the held-out year; probabilities
    are calibrated enough to beat a constant on Brier; groups shown hold at least k cadres."""
    report = risk.fit_report(demo_history, today=TODAY, k=5)
    assert report is not None
    assert report.split.test_day == datetime.date(2025, 1, 1)
    assert report.metrics[0].name.startswith("基线")
    assert len(report.metrics) == 3
    base_rate = report.train_positive / report.train_rows
    constant_brier = base_rate * (1 - base_rate) ** 2 + (1 - base_rate) * base_rate**2
    chosen = next(m for m in report.metrics if m.name == report.chosen)
    assert chosen.brier <= constant_brier * 1.5
    assert all(g.n >= 5 for g in report.groups)
    assert report.groups and report.hidden_groups > 0
    names = {name for name, _w in report.coefficients}
    assert "现层级任职年限" in names and "年龄" in names
    assert "本单位 WHO-5 均分（已结束测评，k 安全）" in report.unused
    html = render_to_string("insight/risk.html", {"report": report})
    assert f"训练：{report.split.first_year}–{report.split.last_year} 年" in html
    assert report.groups[0].unit in html


def test_groups_are_k_safe_with_complementary_suppression() -> None:
    """Unit 1 has tiers of 7, 6 and 2 people: the 2 is under k, and since the unit's and the
    county's margins add up, the next-smallest (6) is hidden too; unit 2 (8) is shown."""
    units = [1] * 15 + [2] * 8
    tiers = ["guji"] * 7 + ["fuke"] * 6 + ["zhengke"] * 2 + ["guji"] * 8
    groups, hidden, county = risk.group_risks(
        units=units, tiers=tiers, probabilities=[0.1] * 23, k=5, names={1: "甲镇", 2: "乙镇"}
    )
    shown = {(g.unit, g.tier, g.n) for g in groups}
    assert ("甲镇", "正科", 2) not in shown
    assert ("甲镇", "副科", 6) not in shown
    assert hidden >= 2
    assert all(g.n >= 5 for g in groups)
    assert county == 10.0
    tiny, hidden_all, county_tiny = risk.group_risks(
        units=[1, 1, 1], tiers=["guji"] * 3, probabilities=[0.2] * 3, k=5, names={}
    )
    assert tiny == [] and hidden_all == 1 and county_tiny is None
