"""The dashboard's cached figures: a write to any input shows on the next load, whoever writes
(services, bulk updates, raw SQL), and no user gets figures of a scope they may not see.

The stamp triggers run when a transaction commits on PostgreSQL, so the tests that write and
load again commit between the two (transactional tests), as requests do.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.conftest import Personas, client_for
from tests.workload.conftest import register
from zhongjian.org.choices import CadreStatus
from zhongjian.org.models import Cadre, Unit
from zhongjian.workload import selectors
from zhongjian.workload.choices import RuleKey
from zhongjian.workload.models import Demand, DemandReceipt, Organ, WorkloadRule
from zhongjian.workload.selectors import cached_workload_dashboard, data_stamp
from zhongjian.workload.services import demand_complete, demand_update, overtime_record, rule_save

URL = "/workload/?from=2025-01&to=2025-03"
MAR = datetime.date(2025, 3, 1)


def _counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """A list that grows by one on every call of the selectors' function NAME."""
    calls: list[int] = []
    compute = getattr(selectors, name)
    monkeypatch.setattr(selectors, name, lambda *a, **k: calls.append(1) or compute(*a, **k))
    return calls


def _totals(client: Any) -> dict[str, Any]:
    response = client.get(URL)
    assert response.status_code == 200
    return response.context["data"]["totals"]


@pytest.mark.django_db(transaction=True)
def test_every_write_to_an_input_changes_the_stamp(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Each kind of write changes the county's stamp, and only that county's (the national
    rules change every county's); writes no figure reads leave it alone."""
    county, other = personas.county.pk, personas.outsider_org.county_id
    demand = register(
        personas, organs["city"], title="通知", char_count=3000, doc_category="comprehensive"
    )
    receipt = DemandReceipt.objects.get(demand=demand)

    def changes(write: Any, *, expected: bool = True, national: bool = False) -> None:
        before, before_other = data_stamp(county), data_stamp(other)
        write()
        assert (data_stamp(county) != before) is expected, write
        assert (data_stamp(other) != before_other) is national, write

    changes(lambda: register(personas, organs["county"], title="又一件"))
    changes(lambda: demand_update(actor=personas.org, demand=demand, values={"char_count": 9000}))
    changes(lambda: DemandReceipt.objects.filter(pk=receipt.pk).update(lead_days=2))
    with connection.cursor() as cursor:
        sql = "UPDATE workload_demandreceipt SET issued_on = %s WHERE id = %s"
        changes(lambda: cursor.execute(sql, [datetime.date(2025, 3, 11), receipt.pk]))
    changes(
        lambda: overtime_record(
            actor=personas.org,
            unit=personas.unit_a,
            week_start=datetime.date(2025, 3, 3),
            overtime_headcount=1,
            overtime_hours=Decimal("12.5"),
            weekend_days=1,
        )
    )
    changes(
        lambda: rule_save(
            actor=personas.org,
            key=RuleKey.INSPECTIONS_PER_MONTH,
            value=Decimal("2"),
            effective_from=datetime.date(2025, 1, 1),
            source="县委组织部",
        )
    )
    changes(
        lambda: WorkloadRule.objects.create(
            key=RuleKey.SHORT_DEADLINE_DAYS,
            value=Decimal("5"),
            effective_from=datetime.date(2025, 2, 1),
            source="全国",
        ),
        national=True,
    )
    changes(lambda: Cadre.objects.filter(pk=personas.cadre_a.pk).update(status=CadreStatus.RETIRED))
    changes(lambda: factories.cadre(county=personas.county, unit=personas.unit_b))
    changes(lambda: Unit.objects.filter(pk=personas.unit_b.pk).update(name="县财政局（新）"))
    changes(lambda: Organ.objects.filter(pk=organs["city"].pk).update(name="市应急局"))
    changes(lambda: Demand.objects.filter(pk=demand.pk).delete())
    # Read by no figure: completing a receipt. (A cadre's row is watched on every column:
    # the home page's overview, cached under the same stamp, reads most of them.)
    other_receipt = DemandReceipt.objects.filter(county_id=county).first()
    changes(
        lambda: demand_complete(
            actor=personas.org, receipt=other_receipt, completed_on=datetime.date(2025, 3, 20)
        ),
        expected=False,
    )
    changes(lambda: Cadre.objects.filter(pk=personas.cadre_b.pk).update(name="李四"))


@pytest.mark.django_db(transaction=True)
def test_one_transaction_changes_every_county_it_writes(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Several writes to two counties in one transaction: both stamps change (the stamp is
    replaced once per county and transaction), and the next transaction changes them again."""
    from django.db import transaction

    county, other = personas.county.pk, personas.outsider_org.county_id
    before = data_stamp(county), data_stamp(other)
    with transaction.atomic():
        register(personas, organs["city"], title="甲")
        register(personas, organs["county"], title="乙")
        factories.unit(county=personas.outsider_org.county, name="外县单位")
    middle = data_stamp(county), data_stamp(other)
    assert middle[0] != before[0] and middle[1] != before[1]
    register(personas, organs["city"], title="丙")
    assert data_stamp(county) != middle[0] and data_stamp(other) == middle[1]


@pytest.mark.django_db(transaction=True)
def test_a_changed_receipt_shows_at_once(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Loaded once (cached), then changed by a service, a bulk update and a delete: each next
    load shows the new figures."""
    client = client_for(personas.org)
    demand = register(personas, organs["city"], title="通知", units=[personas.unit_a])
    assert _totals(client)["demands"] == 1
    assert _totals(client)["demands"] == 1  # from the cache
    register(personas, organs["city"], title="会议", kind="meeting", meeting_hours=Decimal("2.5"))
    totals = _totals(client)
    assert totals["demands"] == 2 and totals["meeting_hours"] == 2.5
    # Moved out of the range by a bulk update (no signals, no service).
    DemandReceipt.objects.filter(demand=demand).update(issued_on=datetime.date(2024, 12, 31))
    assert _totals(client)["demands"] == 1
    Demand.objects.filter(county=personas.county).delete()
    assert _totals(client)["demands"] == 0


@pytest.mark.django_db(transaction=True)
def test_an_unchanged_dashboard_is_read_from_the_cache(
    personas: Personas,
    organs,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The second load computes nothing (one stamp query instead of the figures' queries); the
    two pages are the same."""
    register(personas, organs["city"], title="通知")
    computed = _counted(monkeypatch, "workload_dashboard")
    client = client_for(personas.org)
    with CaptureQueriesContext(connection) as cold:
        first = client.get(URL)
    with CaptureQueriesContext(connection) as warm:
        second = client.get(URL)
    assert computed == [1]
    assert len(warm.captured_queries) < len(cold.captured_queries)
    assert first.context["data"] == second.context["data"]
    assert second.context["data"]["totals"]["demands"] == 1


def test_cached_figures_stay_in_their_scope(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """The 组织部 of another county, loading right after, gets its own county's figures; a unit
    head never gets the county picture, cached or not."""
    register(personas, organs["city"], title="通知", units=[personas.unit_a, personas.unit_b])
    assert _totals(client_for(personas.org))["demands"] == 2
    outsider = client_for(personas.outsider_org).get(URL)
    assert outsider.status_code == 200
    data = outsider.context["data"]
    assert data["totals"]["demands"] == 0
    assert personas.unit_a.name not in data["units"]
    assert client_for(personas.head_a).get(URL).status_code == 302  # to their own unit
    with pytest.raises(PermissionDenied):
        cached_workload_dashboard(personas.head_a, month_from=MAR, month_to=MAR)
    for user in (personas.counselor, personas.cadre):
        assert client_for(user).get(URL).status_code == 403


def test_a_county_without_a_stamp_row_gets_a_fresh_token(personas: Personas) -> None:
    """Rows written before the triggers existed have no stamp: the first read makes a random
    one (never a fixed value that might once have stood for other figures)."""
    from zhongjian.workload.models import DataStamp

    DataStamp.objects.filter(county_id=personas.county.pk).delete()
    first = data_stamp(personas.county.pk)
    DataStamp.objects.filter(county_id=personas.county.pk).delete()
    assert data_stamp(personas.county.pk) != first


def _unit_months(client: Any, unit: Unit) -> dict[str, tuple[str, ...]]:
    """The unit page's month table: month -> its formatted figures."""
    response = client.get(f"/workload/units/{unit.pk}/?from=2025-01&to=2025-03")
    assert response.status_code == 200
    return {row["month"]: row["cells"] for row in response.context["month_rows"]}


@pytest.mark.django_db(transaction=True)
def test_the_unit_page_shows_a_change_at_once_and_reads_unchanged_months_from_the_cache(
    personas: Personas,
    organs,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The unit page caches its months under the data stamp like the dashboard: the second
    load computes nothing, and a registered demand, a bulk update and a delete each show on
    the next load."""
    computed = _counted(monkeypatch, "_indicators_of")
    client = client_for(personas.org)
    demand = register(personas, organs["city"], title="通知")
    assert _unit_months(client, personas.unit_a)["2025-03"][0] == "1"
    assert _unit_months(client, personas.unit_a)["2025-03"][0] == "1"
    assert computed == [1]
    register(personas, organs["city"], title="会议", kind="meeting", meeting_hours=Decimal("2.5"))
    march = _unit_months(client, personas.unit_a)["2025-03"]
    assert march[0] == "2" and march[4] == "2.5"
    DemandReceipt.objects.filter(demand=demand).update(issued_on=datetime.date(2025, 1, 31))
    months = _unit_months(client, personas.unit_a)
    assert months["2025-03"][0] == "1" and months["2025-01"][0] == "1"
    Demand.objects.filter(county=personas.county).delete()
    assert {cells[0] for cells in _unit_months(client, personas.unit_a).values()} == {"0"}
    assert len(computed) == 4


def test_cached_unit_months_stay_in_their_scope(personas: Personas, organs) -> None:  # type: ignore[no-untyped-def]
    """Once unit A's months are cached, the head of unit B, the 组织部 of another county and
    the cadre and counselor roles still get 404/403 for unit A, through the page and the
    selector."""
    register(personas, organs["city"], title="通知")
    assert _unit_months(client_for(personas.org), personas.unit_a)["2025-03"][0] == "1"
    assert _unit_months(client_for(personas.head_a), personas.unit_a)["2025-03"][0] == "1"
    url = f"/workload/units/{personas.unit_a.pk}/?from=2025-01&to=2025-03"
    assert client_for(personas.head_b).get(url).status_code == 404
    assert client_for(personas.outsider_org).get(url).status_code == 404
    for user in (personas.counselor, personas.cadre):
        assert client_for(user).get(url).status_code == 403
    for user, error in ((personas.head_b, Http404), (personas.outsider_org, Http404)):
        with pytest.raises(error):
            selectors.cached_workload_indicators(
                user, unit=personas.unit_a, month_from=MAR, month_to=MAR
            )
    with pytest.raises(PermissionDenied):
        selectors.cached_workload_indicators(
            personas.cadre, unit=personas.unit_a, month_from=MAR, month_to=MAR
        )
