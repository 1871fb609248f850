"""Registry updates and the staffing signal that derived facts (vacancies) follow."""

import datetime

import pytest

from tests import factories
from tests.conftest import Personas
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditLog
from zhongjian.org import services
from zhongjian.org.models import Post
from zhongjian.org.signals import staffing_changed


@pytest.fixture
def signalled() -> list[list[int]]:
    heard: list[list[int]] = []

    def receiver(sender: object, posts: list[Post], **kwargs: object) -> None:
        heard.append([post.pk for post in posts])

    staffing_changed.connect(receiver)
    yield heard
    staffing_changed.disconnect(receiver)


def test_appointment_writes_send_the_staffing_signal(
    personas: Personas, signalled: list[list[int]]
) -> None:
    """Appointing, ending and changing a post's headcount each name the post concerned."""
    post = factories.post(unit=personas.unit_b, headcount=1)
    appointment = services.appointment_create(
        actor=personas.org, cadre=personas.cadre_b, post=post, start_date=datetime.date(2024, 1, 1)
    )
    services.appointment_update(
        actor=personas.org,
        appointment=appointment,
        end_date=datetime.date(2024, 12, 31),
        end_reason="retired",
    )
    services.post_update(actor=personas.org, post=post, headcount=2)
    services.post_update(actor=personas.org, post=post, title="改名")
    assert signalled == [[post.pk], [post.pk], [post.pk]]


def test_unit_parent_may_not_loop(personas: Personas) -> None:
    """A unit cannot be placed under itself or under one of its own subordinates."""
    child = factories.unit(county=personas.county, parent=personas.unit_a)
    with pytest.raises(ValidationError, match="上级单位不能是本单位或其下级单位"):
        services.unit_update(actor=personas.org, unit=personas.unit_a, parent=child)
    other = factories.unit(county=factories.county())
    with pytest.raises(ValidationError, match="上级单位不属于同一个县"):
        services.unit_update(actor=personas.org, unit=personas.unit_a, parent=other)


def test_headcount_not_below_holders(personas: Personas) -> None:
    """A post held by one cadre keeps a headcount of at least one."""
    with pytest.raises(ValidationError, match="现有 1 人在任"):
        services.post_update(actor=personas.org, post=personas.post_a, headcount=0)


def test_updates_audit_changed_field_names_only(personas: Personas) -> None:
    """An update writes one audit row naming the changed fields; no change, no row."""
    services.unit_update(actor=personas.org, unit=personas.unit_a, name=personas.unit_a.name)
    assert not AuditLog.objects.filter(object_type="unit").exists()
    services.unit_update(actor=personas.org, unit=personas.unit_a, name="新名", is_active=False)
    assert AuditLog.objects.get(object_type="unit").summary == "name,is_active"
    with pytest.raises(ValidationError, match="没有免职时间"):
        services.appointment_update(
            actor=personas.org,
            appointment=personas.cadre_a.appointments.get(),
            end_reason="retired",
        )
