"""Background jobs of the insight app (Huey): fitting the group-risk model."""

import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def risk_report_task(county_id: int, day: str) -> None:
    from zhongjian.insight.risk import risk_report_refresh

    risk_report_refresh(county_id=county_id, today=datetime.date.fromisoformat(day))


@db_periodic_task(crontab(hour="3", minute="40"))
def risk_reports_nightly() -> int:
    """Refit, for the new day, every county whose model has been opened before."""
    from zhongjian.insight.models import RiskReport
    from zhongjian.insight.risk import risk_report_refresh

    today = timezone.localdate()
    counties = list(RiskReport.objects.exclude(day=today).values_list("county_id", flat=True))
    for county_id in counties:
        risk_report_refresh(county_id=county_id, today=today)
    return len(counties)
