"""The group-risk model is fitted in the background and stored: no page waits for a fit."""

import datetime
import json

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import client_for
from zhongjian.accounts.models import User
from zhongjian.demo.generator import build_demo
from zhongjian.demo.pipeline import extend
from zhongjian.insight import risk
from zhongjian.insight.models import RiskReport
from zhongjian.insight.tasks import risk_reports_nightly
from zhongjian.org.models import County, Unit


@pytest.fixture
def county(db: None) -> County:
    build_demo(seed=7, cadres=400, today=timezone.localdate(), with_users=False)
    county = County.objects.order_by("code").first()
    extend(county=county, seed=7, today=timezone.localdate())
    return county


def test_stored_report_round_trips_and_goes_stale(county: County) -> None:
    today = timezone.localdate()
    assert risk.stored_report(county_id=county.pk, today=today).exists is False
    fitted = risk.risk_report_refresh(county_id=county.pk, today=today)
    assert fitted is not None
    # What is stored is plain JSON and reads back as the same report.
    row = RiskReport.objects.get(county=county)
    assert risk.report_from_data(json.loads(json.dumps(row.data))) == fitted
    stored = risk.stored_report(county_id=county.pk, today=today)
    assert stored.exists and stored.fresh and stored.report == fitted
    # Tomorrow, or after a change to the registry, the stored report is shown but is stale.
    tomorrow = today + datetime.timedelta(days=1)
    assert risk.stored_report(county_id=county.pk, today=tomorrow).fresh is False
    factories.cadre(unit=Unit.objects.filter(county=county).first())
    stale = risk.stored_report(county_id=county.pk, today=today)
    assert stale.exists and not stale.fresh and stale.report == fitted
    # The nightly job refits the counties whose report is not for today.
    RiskReport.objects.filter(county=county).update(day=today - datetime.timedelta(days=1))
    assert risk_reports_nightly.call_local() == 1
    assert RiskReport.objects.get(county=county).day == today


def test_page_shows_pending_then_stale_then_current(
    county: County, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = User.objects.create_user(
        username="zzb_risk", password="x", role="org_department", county=county
    )
    client = client_for(user)
    queued: list[int] = []
    # A real deployment: the queue runs the fit in another process, later.
    monkeypatch.setattr(
        risk, "request_refresh", lambda *, county_id, today, digest=None: queued.append(county_id)
    )
    page = client.get("/insight/risk/").content.decode()
    assert 'data-testid="risk-pending"' in page and 'http-equiv="refresh"' in page
    assert queued == [county.pk]
    risk.risk_report_refresh(county_id=county.pk, today=timezone.localdate())
    page = client.get("/insight/risk/").content.decode()
    assert 'data-testid="groups"' in page and "risk-pending" not in page
    assert "risk-stale" not in page and queued == [county.pk]
    factories.cadre(unit=Unit.objects.filter(county=county).first())
    page = client.get("/insight/risk/").content.decode()
    assert 'data-testid="risk-stale"' in page and 'data-testid="groups"' in page
    assert queued == [county.pk, county.pk]
    monkeypatch.undo()
    # With the queue immediate (as in the test settings) a stale report is refitted at once.
    page = client.get("/insight/risk/").content.decode()
    assert "risk-stale" not in page and 'data-testid="groups"' in page
