"""The demo counselor's cases: several states, one urgent, one overdue, deterministic per seed."""

import datetime

import pytest

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.care.choices import CaseStatus, ReferralStatus
from zhongjian.care.models import Case, Referral
from zhongjian.care.selectors import case_content, counselor_cases, workload_of
from zhongjian.demo.care import extend
from zhongjian.demo.generator import build_demo
from zhongjian.org.models import County

TODAY = datetime.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


def test_demo_cases() -> None:
    """The counselor has new, contacted, ongoing, urgent and closed cases, an overdue first
    contact and follow-up, readable notes; the demo cadre has a referral to decide; the same
    seed gives the same cases."""
    build_demo(seed=5, cadres=300, today=TODAY)
    county = County.objects.get()
    summary = extend(county=county, seed=5, today=TODAY)
    assert "个案" in summary
    counselor = User.objects.get(role=Role.COUNSELOR)
    load = workload_of(counselor, today=TODAY)
    assert load.urgent_cases == 1
    assert load.overdue_follow_ups >= 1
    assert load.overdue_first_contacts == 1
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses == {CaseStatus.NEW, CaseStatus.CONTACTED, CaseStatus.ONGOING, CaseStatus.CLOSED}
    urgent = counselor_cases(counselor, today=TODAY).get(urgent=True)
    assert case_content(counselor, urgent).screenings[0].urgent
    cadre = User.objects.get(role=Role.CADRE)
    assert Referral.objects.get(cadre_id=cadre.cadre_id).status == ReferralStatus.PENDING
    assert not Case.objects.filter(cadre_id=cadre.cadre_id).exists()
    first = sorted(Case.objects.values_list("reference", "cadre_id", "status", "topic"))
    Case.objects.all().delete()
    Referral.objects.all().delete()
    extend(county=county, seed=5, today=TODAY)
    again = sorted(Case.objects.values_list("reference", "cadre_id", "status", "topic"))
    assert [row[1:] for row in again] == [row[1:] for row in first]
