"""Rules per county (issue #8.7): a county's 组织部 edits its own copy of a rule; the national
rules are read-only for it, and no other county's figures move."""

import datetime

import pytest
from django.urls import reverse

from tests.conftest import Personas, client_for
from zhongjian.core.holidays import work_calendar
from zhongjian.core.models import AuditLog, Holiday
from zhongjian.org.models import RetirementRule
from zhongjian.org.rules import statutory_retirement_date
from zhongjian.pipeline.models import EligibilityRule
from zhongjian.pipeline.rules import eligibility_thresholds, rank_steps

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(1989, 6, 10)


def test_county_two_cannot_move_county_one(personas: Personas) -> None:
    """The issue's attack: county 2's 组织部 edits the national retirement rule (refused, 403),
    then adds its own override; county 1's cadre keeps its retirement date, the override is
    audited in county 2, and county 2's cadres follow it."""
    county_one, county_two = personas.county, personas.outsider_org.county
    before = statutory_retirement_date(gender="male", birth_date=BIRTH, county_id=county_one.pk)
    national = RetirementRule.objects.filter(track="male", county__isnull=True).first()
    client = client_for(personas.outsider_org)
    change = reverse("admin:org_retirementrule_change", args=[national.pk])
    refused = client.post(change, {"base_age_months": 600 - 60, "max_delay_months": 0})
    assert refused.status_code == 403
    response = client.post(
        reverse("admin:org_retirementrule_add"),
        {
            "track": "male",
            "base_age_months": 55 * 12,
            "first_birth_month": "2100-01-01",
            "birth_months_per_step": 4,
            "max_delay_months": 0,
            "effective_from": "1990-01-01",
            "legal_basis": "测试",
        },
    )
    assert response.status_code == 302
    override = RetirementRule.objects.get(county=county_two)
    assert (
        statutory_retirement_date(gender="male", birth_date=BIRTH, county_id=county_one.pk)
        == before
    )
    assert statutory_retirement_date(
        gender="male", birth_date=BIRTH, county_id=county_two.pk
    ) == datetime.date(2044, 6, 10)
    row = AuditLog.objects.get(object_type="retirement_rule", object_id=str(override.pk))
    assert row.county_id == county_two.pk
    # County 1's 组织部 does not even see county 2's row.
    listing = client_for(personas.org).get(reverse("admin:org_retirementrule_changelist"))
    assert override.pk not in [obj.pk for obj in listing.context["cl"].result_list]
    page = client_for(personas.org).get(reverse("org:cadre_detail", args=[personas.cadre_a.pk]))
    assert page.context["retirement_date"] == statutory_retirement_date(
        gender="male", birth_date=personas.cadre_a.birth_date, county_id=county_one.pk
    )


def test_eligibility_rank_steps_and_holidays_are_per_county(personas: Personas) -> None:
    """An eligibility override, a rank-step override and a local 调休 apply in their county only."""
    county_one, county_two = personas.county, personas.outsider_org.county
    on = datetime.date(2026, 6, 1)
    key = next(iter(eligibility_thresholds(on=on, county_id=None)))
    national_value = eligibility_thresholds(on=on, county_id=county_one.pk)[key]
    EligibilityRule.objects.create(
        county=county_two, key=key, value=national_value + 5, effective_from=on, legal_basis="本县"
    )
    assert eligibility_thresholds(on=on, county_id=county_one.pk)[key] == national_value
    assert eligibility_thresholds(on=on, county_id=county_two.pk)[key] == national_value + 5
    rank, rule = next(iter(rank_steps(on=on, county_id=None).items()))
    rule.pk, rule.county, rule.min_years = None, county_two, rule.min_years + 3
    rule.save()
    assert rank_steps(on=on, county_id=county_one.pk)[rank].min_years == rule.min_years - 3
    assert rank_steps(on=on, county_id=county_two.pk)[rank].min_years == rule.min_years
    saturday = datetime.date(2026, 6, 6)
    Holiday.objects.create(county=county_two, day=saturday, kind="workday", name="本县调休")
    assert work_calendar(county_id=county_two.pk).is_working_day(saturday)
    assert not work_calendar(county_id=county_one.pk).is_working_day(saturday)


def test_national_holiday_is_read_only_for_county(personas: Personas) -> None:
    """A county user sees the national holiday rows but cannot change them."""
    national = Holiday.objects.filter(county__isnull=True).first()
    url = reverse("admin:core_holiday_change", args=[national.pk])
    client = client_for(personas.org)
    assert client.get(url).status_code == 200
    assert client.post(url, {"day": national.day, "kind": "workday"}).status_code == 403
