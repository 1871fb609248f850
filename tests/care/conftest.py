"""Care fixtures: a second counselor, and cases opened through the services at fixed times."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tests import factories
from tests.conftest import Personas
from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.care import services
from zhongjian.care.choices import ContactTime, ContactWay, Topic
from zhongjian.care.models import Case

REQUEST_TEXT = "夜里总是想着村里的矛盾纠纷，睡不着觉"
NOTE_TEXT = "第一次电话沟通，谈到与分管领导的分歧和家中老人住院"


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def counselor_b(personas: Personas) -> User:
    return factories.user(role=Role.COUNSELOR, county=personas.county)


def open_case(personas: Personas, *, day: datetime.date, **fields: Any) -> Case:
    """A case the persona cadre asked for on DAY; with one counselor it goes to them."""
    return services.request_create(
        user=personas.cadre,
        topic=fields.get("topic", Topic.WORK_PRESSURE),
        contact_way=fields.get("contact_way", ContactWay.PHONE),
        contact_time=ContactTime.ANY,
        text=fields.get("text", REQUEST_TEXT),
        consent=True,
        at=at(day),
    )


@pytest.fixture
def case(personas: Personas) -> Case:
    """An open case of the persona cadre, assigned to the persona counselor, with one note."""
    case = open_case(personas, day=datetime.date(2026, 11, 2))
    assert case.counselor_id == personas.counselor.pk
    services.contact_record(
        counselor=personas.counselor,
        case=case,
        contact_on=datetime.date(2026, 11, 3),
        contact_way=ContactWay.PHONE,
        note=NOTE_TEXT,
        next_due=datetime.date(2026, 11, 17),
    )
    return Case.objects.get(pk=case.pk)
