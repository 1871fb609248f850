"""The county dashboard's figures over month ranges, on hand-computed cases (docs/workload.md).

The dashboard reads all units and months in a few grouped queries; these cases pin what those
queries must give: year-on-year bases inside a long range, cadres counted from the month they
started, medians of repeated lead times, the alerts shown and counted, ties among the organs,
and the command line and the API agreeing month by month.
"""

import datetime
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.test import Client

from tests import factories
from tests.conftest import Personas, bearer
from tests.workload.conftest import register
from zhongjian.org.choices import CadreStatus
from zhongjian.workload.choices import DemandKind
from zhongjian.workload.selectors import (
    DASHBOARD_ALERTS,
    workload_alerts,
    workload_dashboard,
    workload_indicators,
    workload_unit_months,
)

JAN, FEB, MAR = (datetime.date(2025, month, 1) for month in (1, 2, 3))
DAY = datetime.timedelta(days=1)


def test_year_on_year_inside_a_long_range(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """2 demands in March 2024, 3 in March 2025. Asked for 2024-03 … 2025-03 in one range,
    March 2025's base is March 2024 inside the range: +50 %, as when asked for March alone."""
    for n in range(2):
        register(personas, organs["city"], title=f"去年{n}", issued_on=datetime.date(2024, 3, 5))
    for n in range(3):
        register(personas, organs["city"], title=f"今年{n}", issued_on=datetime.date(2025, 3, 5))
    months = workload_indicators(
        personas.org, unit=personas.unit_a, month_from=datetime.date(2024, 3, 1), month_to=MAR
    )
    assert len(months) == 13
    assert months[0].yoy_change is None  # March 2023 had none
    assert months[-1].yoy_base == 2 and months[-1].yoy_change == 0.5
    assert months[-1].yoy_increase is True
    # April 2024 … February 2025: nothing now, nothing a year earlier.
    assert all(m.yoy_base is None for m in months[1:-1])
    cells = workload_unit_months(personas.org, month_from=datetime.date(2024, 3, 1), month_to=MAR)
    assert cells[(personas.unit_a.pk, MAR)].yoy_change == 0.5
    assert cells[(personas.unit_b.pk, MAR)].yoy_change is None
    assert any(
        a.kind == "yoy" and a.month == MAR
        for a in workload_alerts(personas.org, month_from=datetime.date(2024, 3, 1), month_to=MAR)
    )


def test_cadres_counted_from_the_month_they_started(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Unit A has 张伟 (since 2007). One more starts 2025-02-10 and one 2025-05-01 (after the
    range); a retired one does not count. Unit A has 1, 2, 2 cadres in January to March, the
    county (with unit B's one) 2, 3, 3; 4 demands to unit A in March make 2.0 per cadre."""
    factories.cadre(unit=personas.unit_a, work_start_date=datetime.date(2025, 2, 10))
    factories.cadre(unit=personas.unit_a, work_start_date=datetime.date(2025, 5, 1))
    factories.cadre(
        unit=personas.unit_a,
        work_start_date=datetime.date(1990, 1, 1),
        status=CadreStatus.RETIRED,
    )
    for n in range(4):
        register(personas, organs["city"], title=f"三月{n}", issued_on=MAR + DAY * n)
    cells = workload_unit_months(personas.org, month_from=JAN, month_to=MAR)
    assert [cells[(personas.unit_a.pk, m)].cadres for m in (JAN, FEB, MAR)] == [1, 2, 2]
    assert [cells[(personas.unit_b.pk, m)].cadres for m in (JAN, FEB, MAR)] == [1, 1, 1]
    assert cells[(personas.unit_a.pk, MAR)].per_cadre == 2.0
    assert cells[(personas.unit_a.pk, JAN)].per_cadre == 0.0
    county = workload_indicators(personas.org, month_from=JAN, month_to=MAR)
    assert [m.cadres for m in county] == [2, 3, 3]
    data = workload_dashboard(personas.org, month_from=JAN, month_to=MAR)
    row = data["unit_ids"].index(personas.unit_a.pk)
    assert [cell[2] for cell in data["heatmap"] if cell[1] == row] == [0.0, 0.0, 2.0]


def test_median_of_repeated_lead_times(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Lead times 2 and 2 days at unit A, 5 and 9 at unit B, one without a deadline: unit A's
    median 2, unit B's 7, the county's (2, 2, 5, 9) 3.5; short share 2/4 for the county."""
    day = datetime.date(2025, 3, 10)
    for n, (unit, lead) in enumerate(
        ((personas.unit_a, 2), (personas.unit_a, 2), (personas.unit_b, 5), (personas.unit_b, 9))
    ):
        register(
            personas, organs["city"], units=[unit], title=f"时限{n}", deadline=day + DAY * lead
        )
    register(personas, organs["city"], title="无时限")
    unit_a = workload_indicators(personas.org, unit=personas.unit_a, month_from=MAR, month_to=MAR)
    unit_b = workload_indicators(personas.org, unit=personas.unit_b, month_from=MAR, month_to=MAR)
    county = workload_indicators(personas.org, month_from=MAR, month_to=MAR)
    assert unit_a[0].median_lead_days == 2.0 and unit_b[0].median_lead_days == 7.0
    assert county[0].median_lead_days == 3.5
    assert county[0].with_deadline == 4 and county[0].short_deadline_share == 0.5
    assert county[0].demands == 5


def test_dashboard_shows_the_newest_alerts_and_counts_all(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """A meeting with 陪会 (cap 0) at unit A in each of 10 months is 10 alerts: the dashboard
    lists the newest 8, the same as the alert list's first 8, and counts 10."""
    months = [datetime.date(2025, month, 1) for month in range(1, 11)]
    for month in months:
        register(
            personas,
            organs["city"],
            title=f"陪会{month:%m}",
            kind=DemandKind.MEETING,
            issued_on=month + DAY * 4,
            meeting_hours=Decimal("1.5"),
            accompany_required=True,
        )
    everything = workload_alerts(personas.org, month_from=months[0], month_to=months[-1])
    assert [a.month for a in everything] == months[::-1]
    assert all(a.kind == "over_cap" and "陪会" in a.message for a in everything)
    data = workload_dashboard(personas.org, month_from=months[0], month_to=months[-1])
    assert data["alert_count"] == 10
    assert data["alerts"] == everything[:DASHBOARD_ALERTS]
    assert data["totals"]["accompany_meetings"] == 10
    assert data["totals"]["meeting_hours"] == 15.0


def test_top_organs_by_count_then_name(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """市应急管理局 and 省委办公厅 reach units twice each, 县委办公室 once: equal counts go by
    name; a demand sent to both units counts twice."""
    register(personas, organs["province"], title="两单位", units=[personas.unit_a, personas.unit_b])
    register(personas, organs["city"], title="甲")
    register(personas, organs["city"], title="乙", units=[personas.unit_b])
    register(personas, organs["county"], title="丙")
    data = workload_dashboard(personas.org, month_from=MAR, month_to=MAR)
    assert data["top_organs"] == [("市应急管理局", 2), ("省委办公厅", 2), ("县委办公室", 1)]


def test_command_and_api_agree_month_by_month(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """`zhongjian workload report` for each of three months and the API for the range give the
    same figures, for unit A and for the county."""
    register(
        personas, organs["city"], title="一月", issued_on=JAN + DAY * 3, deadline=JAN + DAY * 4
    )
    register(
        personas,
        organs["province"],
        title="二月会",
        kind=DemandKind.MEETING,
        issued_on=FEB + DAY * 7,
        meeting_hours=Decimal("2.5"),
        accompany_required=True,
        units=[personas.unit_a, personas.unit_b],
    )
    register(
        personas,
        organs["county"],
        title="三月查",
        kind=DemandKind.INSPECTION,
        issued_on=MAR + DAY,
        onsite=True,
        deadline=MAR + DAY * 20,
    )
    client = Client()
    headers = bearer(personas.org)
    for unit in (personas.unit_a, None):
        query = "" if unit is None else f"&unit_id={unit.pk}"
        answer = client.get(
            f"/api/v1/workload/indicators?from=2025-01&to=2025-03{query}", headers=headers
        )
        assert answer.status_code == 200
        by_month = {row["month"]: row for row in answer.json()}
        for month in ("2025-01", "2025-02", "2025-03"):
            out = io.StringIO()
            options = ["--month", month, "--county", personas.county.code]
            if unit is not None:
                options += ["--unit", unit.code]
            call_command("workload", "report", *options, stdout=out)
            report = json.loads(out.getvalue())
            api = by_month[month]
            shared = set(report) & set(api) - {"month", "unit"}
            assert len(shared) >= 11
            assert {key: report[key] for key in shared} == {key: api[key] for key in shared}
        # The meeting went to both units: one receipt at unit A, two in the county.
        assert by_month["2025-02"]["accompany_meetings"] == (1 if unit else 2)
        assert by_month["2025-02"]["meeting_hours"] == (2.5 if unit else 5.0)
        assert by_month["2025-03"]["median_lead_days"] == 19.0


def test_receipts_follow_their_demands_organ(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Receipts repeat their demand's organ: a demand to both units moved from 市应急管理局 to
    县委办公室 moves both receipts, in the top organs and in unit A's distinct organs."""
    from zhongjian.workload.models import DemandReceipt
    from zhongjian.workload.services import demand_update

    demand = register(
        personas, organs["city"], title="两单位", units=[personas.unit_a, personas.unit_b]
    )
    register(personas, organs["county"], title="县里")
    assert set(DemandReceipt.objects.values_list("organ_id", flat=True)) == {
        organs["city"].pk,
        organs["county"].pk,
    }
    demand_update(actor=personas.org, demand=demand, values={}, organ=organs["county"])
    assert set(DemandReceipt.objects.values_list("organ_id", flat=True)) == {organs["county"].pk}
    data = workload_dashboard(personas.org, month_from=MAR, month_to=MAR)
    assert data["top_organs"] == [("县委办公室", 3)]
    unit_a = workload_indicators(personas.org, unit=personas.unit_a, month_from=MAR, month_to=MAR)
    assert unit_a[0].issuing_organs == 1 and unit_a[0].demands == 2
