"""Indicator arithmetic on hand-computed cases (docs/workload.md gives the formulas)."""

import datetime
from decimal import Decimal

import pytest

from tests import factories
from tests.conftest import Personas
from tests.workload.conftest import register
from zhongjian.core.errors import ValidationError
from zhongjian.workload.choices import DemandKind, DocumentCategory, RuleKey
from zhongjian.workload.models import WorkloadRule
from zhongjian.workload.selectors import compute_indicators, workload_indicators
from zhongjian.workload.services import overtime_record, rule_save

MARCH = datetime.date(2025, 3, 1)


def one(user, unit, month=MARCH):  # type: ignore[no-untyped-def]
    return workload_indicators(user, unit=unit, month_from=month, month_to=month)[0].as_json()


def test_hand_computed_month(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Unit A (2 active cadres) gets 4 demands from 2 organs in March 2025:

    a 6,000-character 综合 document (deadline 2 days), a 2-hour meeting with 陪会 (deadline 10
    days), an on-site inspection (no deadline) and a 留痕 demand (deadline 1 day). Expected:
    per cadre 2.0, organs 2, median lead (1, 2, 10) = 2, short share 2/3, meeting hours 2,
    long documents 1, trace share 1/4.
    """
    factories.cadre(unit=personas.unit_a, work_start_date=datetime.date(2010, 1, 1))
    d = datetime.date(2025, 3, 10)
    register(
        personas,
        organs["city"],
        title="综合文件",
        kind=DemandKind.DOCUMENT,
        issued_on=d,
        deadline=d + datetime.timedelta(days=2),
        doc_category=DocumentCategory.COMPREHENSIVE,
        char_count=6000,
    )
    register(
        personas,
        organs["city"],
        title="会议",
        kind=DemandKind.MEETING,
        issued_on=d,
        deadline=d + datetime.timedelta(days=10),
        meeting_hours=Decimal("2.0"),
        accompany_required=True,
    )
    register(
        personas,
        organs["province"],
        title="督查",
        kind=DemandKind.INSPECTION,
        issued_on=d,
        onsite=True,
    )
    register(
        personas,
        organs["province"],
        title="留痕",
        kind=DemandKind.TRACE,
        issued_on=d,
        deadline=d + datetime.timedelta(days=1),
    )
    row = one(personas.org, personas.unit_a)
    assert row["demands"] == 4
    assert row["cadres"] == 2
    assert row["per_cadre"] == 2.0
    assert row["by_kind"]["文件"] == 1 and row["by_kind"]["会议"] == 1
    assert row["by_kind"]["督查检查考核"] == 1 and row["by_kind"]["留痕"] == 1
    assert row["by_kind"]["填表报数"] == 0
    assert row["issuing_organs"] == 2
    assert row["median_lead_days"] == 2.0
    assert row["short_deadline_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert row["meeting_hours"] == 2.0
    assert row["accompany_meetings"] == 1
    assert row["inspections"] == 1 and row["onsite_inspections"] == 1
    assert row["inspections_over_cap"] == 0
    assert row["long_documents"] == 1
    assert row["trace_share"] == 0.25
    assert row["yoy_change"] is None
    assert row["overtime_hours_per_cadre"] == 0.0
    county = one(personas.org, None)
    # The county: the same 4 receipts over 3 active cadres (unit A 2, unit B 1).
    assert county["demands"] == 4 and county["cadres"] == 3
    assert county["per_cadre"] == pytest.approx(4 / 3, abs=1e-4)


def test_unit_without_cadres_and_month_without_demands(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """No cadres: per-cadre values are null, not a division by zero; an empty month is zeros."""
    empty = factories.unit(county=personas.county, name="空单位")
    register(personas, organs["city"], units=[empty])
    row = one(personas.org, empty)
    assert row["demands"] == 1 and row["cadres"] == 0
    assert row["per_cadre"] is None and row["overtime_hours_per_cadre"] is None
    april = one(personas.org, empty, datetime.date(2025, 4, 1))
    assert april["demands"] == 0 and april["median_lead_days"] is None
    assert april["short_deadline_share"] is None and april["trace_share"] is None


def test_no_deadline_and_deadline_before_issue(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """A demand without a deadline has no lead time; a deadline before the issue date is refused."""
    register(personas, organs["city"], title="无时限")
    row = one(personas.org, personas.unit_a)
    assert row["demands"] == 1 and row["median_lead_days"] is None
    assert row["short_deadline_share"] is None
    with pytest.raises(ValidationError, match="早于下达日期"):
        register(
            personas,
            organs["city"],
            title="倒填",
            issued_on=datetime.date(2025, 3, 10),
            deadline=datetime.date(2025, 3, 9),
        )


def test_year_on_year(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """2 demands in March 2024 and 3 in March 2025: +50 %, flagged as an increase (只减不增)."""
    for n in range(2):
        register(personas, organs["city"], title=f"去年{n}", issued_on=datetime.date(2024, 3, 5))
    for n in range(3):
        register(personas, organs["city"], title=f"今年{n}", issued_on=datetime.date(2025, 3, 5))
    row = one(personas.org, personas.unit_a)
    assert row["yoy_change"] == 0.5 and row["yoy_increase"] is True
    earlier = one(personas.org, personas.unit_a, datetime.date(2024, 3, 1))
    assert earlier["yoy_change"] is None


def test_overtime_per_cadre(personas: Personas) -> None:
    """Two weeks of March (Mondays 3rd and 10th) with 12 and 8 hours over 1 cadre: 20 h/cadre."""
    for monday, hours in ((datetime.date(2025, 3, 3), "12"), (datetime.date(2025, 3, 10), "8")):
        overtime_record(
            actor=personas.head_a,
            unit=personas.unit_a,
            week_start=monday,
            overtime_headcount=1,
            overtime_hours=Decimal(hours),
            weekend_days=1,
        )
    assert one(personas.org, personas.unit_a)["overtime_hours_per_cadre"] == 20.0
    with pytest.raises(ValidationError, match="周一"):
        overtime_record(
            actor=personas.head_a,
            unit=personas.unit_a,
            week_start=datetime.date(2025, 3, 4),
            overtime_headcount=1,
            overtime_hours=Decimal(1),
            weekend_days=0,
        )


def test_caps_follow_effective_dates(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """The county lowers the 综合 cap to 3,000 characters from 2025-03-15: a 4,000-character
    document of 03-10 is within the 5,000 cap then in force, the same one of 03-20 is over."""
    rule_save(
        actor=personas.org,
        key=RuleKey.DOC_LENGTH_COMPREHENSIVE,
        value=Decimal(3000),
        effective_from=datetime.date(2025, 3, 15),
        source="本县减负工作方案",
    )
    for day in (10, 20):
        register(
            personas,
            organs["city"],
            title=f"文件{day}",
            issued_on=datetime.date(2025, 3, day),
            doc_category=DocumentCategory.COMPREHENSIVE,
            char_count=4000,
        )
    assert one(personas.org, personas.unit_a)["long_documents"] == 1
    # Before the 2024 规定 there is no cap at all.
    register(
        personas,
        organs["city"],
        title="旧文件",
        issued_on=datetime.date(2024, 3, 1),
        doc_category=DocumentCategory.COMPREHENSIVE,
        char_count=9000,
    )
    assert one(personas.org, personas.unit_a, datetime.date(2024, 3, 1))["long_documents"] == 0


def test_inspection_cap(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Three on-site inspections in a month against the seeded cap of 1: two over the cap."""
    for n in range(3):
        register(
            personas, organs["province"], title=f"检查{n}", kind=DemandKind.INSPECTION, onsite=True
        )
    assert one(personas.org, personas.unit_a)["inspections_over_cap"] == 2


def test_rules_seeded_with_sources(db: None) -> None:
    """The migration seeds the 2024 规定's caps with their source and effective date."""
    rule = WorkloadRule.objects.get(county=None, key=RuleKey.DOC_LENGTH_SPECIAL)
    assert rule.value == 4000 and rule.effective_from == datetime.date(2024, 8, 6)
    assert "整治形式主义为基层减负若干规定" in rule.source


def test_alerts_link_to_evidence_and_dashboard_agrees(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Two on-site inspections against a cap of 1 raise an over-cap alert that links to unit A's
    inspections of March; the dashboard's heatmap and totals count the same receipts."""
    from zhongjian.workload.selectors import workload_alerts, workload_dashboard

    for n in range(2):
        register(
            personas, organs["province"], title=f"检查{n}", kind=DemandKind.INSPECTION, onsite=True
        )
    alerts = workload_alerts(personas.org, month_from=MARCH, month_to=MARCH)
    over = [a for a in alerts if a.kind == "over_cap"]
    assert len(over) == 1 and over[0].unit_id == personas.unit_a.pk
    assert over[0].url == f"/workload/units/{personas.unit_a.pk}/?month=2025-03&kind=inspection"
    assert workload_alerts(personas.head_b, month_from=MARCH, month_to=MARCH) == []
    data = workload_dashboard(personas.org, month_from=MARCH, month_to=MARCH)
    assert data["totals"]["demands"] == 2
    row = data["unit_ids"].index(personas.unit_a.pk)
    assert [cell[2] for cell in data["heatmap"] if cell[1] == row] == [2.0]
    assert data["top_organs"] == [("省委办公厅", 2)]


def test_no_units_of_a_kind(personas: Personas) -> None:
    """Comparing a unit kind the county has none of (the insight comparison's township column,
    in a county set up before its units are imported) gives months of nothing, not an error:
    the filter on an empty set of units matches nothing, and Django refuses to write its SQL."""
    months = compute_indicators(
        county_id=personas.county.pk,
        unit_ids=set(),
        month_from=MARCH,
        month_to=MARCH,
        by_unit=False,
    )
    assert [(m.demands, m.per_cadre) for m in months.values()] == [(0, None)]
