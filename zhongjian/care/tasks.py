"""Daily jobs of the care app (Huey): the overdue reminder and the retention purge."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from zhongjian.care.services import cases_purge, reminders_issue


@db_periodic_task(crontab(hour="7", minute="30"))
def care_reminders_task() -> int:
    return reminders_issue(today=timezone.localdate())


@db_periodic_task(crontab(hour="2", minute="15"))
def care_purge_task() -> int:
    return cases_purge(today=timezone.localdate())
