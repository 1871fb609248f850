"""The holiday table: seeded 2004–2026, kept by the organization department, warned when missing."""

import datetime as dt

from django.urls import reverse

from tests.conftest import Personas, client_for
from zhongjian.core.holidays import calendar_warnings, work_calendar
from zhongjian.core.models import AuditLog, Holiday


def test_migration_seeds_2004_to_2026(db: None) -> None:
    """Every year the chinesecalendar package knows is in the table, 国庆 and 调休 included."""
    years = {day.year for day in Holiday.objects.values_list("day", flat=True)}
    assert years == set(range(2004, 2027))
    assert Holiday.objects.get(day=dt.date(2024, 10, 1)).name == "国庆节"
    assert Holiday.objects.get(day=dt.date(2024, 10, 12)).kind == "workday"


def test_calendar_from_the_table_counts_national_day(db: None) -> None:
    """Built from the table, a notice posted on 2024-09-30 ends on 2024-10-11, with no warning."""
    calendar = work_calendar(county_id=None)
    assert calendar.end_of_public_notice(start=dt.date(2024, 9, 30)) == dt.date(2024, 10, 11)
    assert calendar.warnings == []


def test_missing_year_warns_until_someone_enters_it(personas: Personas) -> None:
    """2027 has no rows: a warning; after the organization department adds the notice's days
    in the admin, the warning is gone for its county (not for others) and the change is audited."""
    county_id = personas.county.pk
    assert "2027 年的节假日安排尚未录入" in calendar_warnings(years=[2027], county_id=county_id)[0]
    client = client_for(personas.org)
    response = client.post(
        reverse("admin:core_holiday_add"), {"day": "2027-01-01", "kind": "holiday", "name": "元旦"}
    )
    assert response.status_code == 302
    assert calendar_warnings(years=[2027], county_id=county_id) == []
    assert calendar_warnings(years=[2027], county_id=personas.outsider_org.county_id)
    assert AuditLog.objects.filter(object_type="holiday", action="create").exists()


def test_only_the_organization_department_edits_holidays(personas: Personas) -> None:
    """The admin page for holidays opens for the organization department only."""
    url = reverse("admin:core_holiday_changelist")
    assert client_for(personas.org).get(url).status_code == 200
    assert client_for(personas.admin).get(url).status_code == 403
    assert client_for(personas.head_a).get(url).status_code == 302  # not staff: to the login
