"""Registry writes: validation, headcount, ID numbers and the audit row in one transaction."""

import datetime

import pytest

from tests import factories
from tests.conftest import Personas
from zhongjian.core.crypto import decrypt_text
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditLog
from zhongjian.org import services
from zhongjian.org.choices import EndReason, Tier
from zhongjian.org.models import Appointment, Cadre

CADRE_FIELDS = {
    "staff_no": "A0001",
    "name": "王芳",
    "gender": "female",
    "birth_date": datetime.date(1990, 5, 4),
    "education": "bachelor",
    "party_status": "member",
    "establishment": "administrative",
    "work_start_date": datetime.date(2012, 8, 1),
}


def test_cadre_create_writes_audit_row(personas: Personas) -> None:
    """Creating a cadre leaves one audit row naming the actor and the unit."""
    cadre = services.cadre_create(actor=personas.org, unit=personas.unit_a, **CADRE_FIELDS)
    row = AuditLog.objects.get(object_type="cadre", object_id=str(cadre.pk))
    assert row.actor_username == personas.org.username
    assert row.action == "create"
    assert row.unit_id == personas.unit_a.pk


def test_id_number_is_encrypted_hashed_and_masked(personas: Personas) -> None:
    """The ID number is stored encrypted, matched by keyed hash, and shown masked."""
    cadre = services.cadre_create(
        actor=personas.org,
        unit=personas.unit_a,
        id_number="11010519491231002x",
        **{
            **CADRE_FIELDS,
            "birth_date": datetime.date(1949, 12, 31),
            "work_start_date": datetime.date(1968, 9, 1),
        },
    )
    stored = Cadre.objects.get(pk=cadre.pk)
    assert "110105" not in stored.id_number_cipher
    assert decrypt_text(stored.id_number_cipher) == "11010519491231002X"
    assert stored.id_number_masked == "**************002X"
    assert stored.id_number_hash == services.id_number_hash("11010519491231002X")


def test_invalid_cadre_is_refused_and_nothing_written(personas: Personas) -> None:
    """A cadre with a bad field is refused with a Chinese message; no row and no audit row."""
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.cadre_create(
            actor=personas.org, unit=personas.unit_a, **{**CADRE_FIELDS, "gender": "x"}
        )
    assert "性别" in caught.value.message
    assert not Cadre.objects.filter(staff_no="A0001").exists()
    assert AuditLog.objects.count() == before


def test_duplicate_staff_no_is_refused(personas: Personas) -> None:
    """Two cadres of one county cannot share a 人员编号."""
    services.cadre_create(actor=personas.org, unit=personas.unit_a, **CADRE_FIELDS)
    with pytest.raises(ValidationError):
        services.cadre_create(actor=personas.org, unit=personas.unit_b, **CADRE_FIELDS)


def test_appointment_respects_headcount(personas: Personas) -> None:
    """A post held by its full headcount refuses another appointment."""
    with pytest.raises(ValidationError) as caught:
        services.appointment_create(
            actor=personas.org,
            cadre=personas.cadre_b,
            post=personas.post_a,
            start_date=datetime.date(2024, 1, 1),
        )
    assert "职数" in caught.value.message


def test_reassignment_ends_current_and_moves_unit(personas: Personas) -> None:
    """Appointing with end_current ends the old appointment and moves the cadre's unit."""
    appointment = services.appointment_create(
        actor=personas.org,
        cadre=personas.cadre_a,
        post=personas.post_b,
        start_date=datetime.date(2025, 6, 1),
        end_current=True,
    )
    old = Appointment.objects.get(cadre=personas.cadre_a, post=personas.post_a)
    assert old.end_date == datetime.date(2025, 5, 31)
    assert old.end_reason == EndReason.REASSIGNED
    personas.cadre_a.refresh_from_db()
    assert personas.cadre_a.unit_id == personas.unit_b.pk
    assert appointment.unit_id == personas.unit_b.pk


def test_appointment_end_refuses_bad_dates(personas: Personas) -> None:
    """An appointment cannot end before it started, nor end twice."""
    current = Appointment.objects.get(cadre=personas.cadre_a)
    with pytest.raises(ValidationError):
        services.appointment_end(
            actor=personas.org,
            appointment=current,
            end_date=datetime.date(2000, 1, 1),
            end_reason="other",
        )
    services.appointment_end(
        actor=personas.org,
        appointment=current,
        end_date=datetime.date(2025, 1, 1),
        end_reason="other",
    )
    with pytest.raises(ValidationError):
        services.appointment_end(
            actor=personas.org,
            appointment=current,
            end_date=datetime.date(2025, 2, 1),
            end_reason="other",
        )


def test_rank_grant_updates_current_rank(personas: Personas) -> None:
    """The newest rank grant becomes the cadre's current rank."""
    services.rank_grant(
        actor=personas.org,
        cadre=personas.cadre_a,
        rank="clerk_1",
        granted_on=datetime.date(2015, 1, 1),
    )
    services.rank_grant(
        actor=personas.org,
        cadre=personas.cadre_a,
        rank="principal_clerk_4",
        granted_on=datetime.date(2018, 1, 1),
    )
    personas.cadre_a.refresh_from_db()
    assert personas.cadre_a.rank == "principal_clerk_4"


def test_cadre_update_audits_changed_field_names_only(personas: Personas) -> None:
    """An update's audit row names the changed fields, never their values."""
    services.cadre_update(actor=personas.org, cadre=personas.cadre_a, name="张伟明")
    row = AuditLog.objects.filter(object_type="cadre").latest("id")
    assert row.summary == "name"
    assert "张伟明" not in row.summary


def test_post_create_in_unit(personas: Personas) -> None:
    """A post is created in its unit's county with an audit row."""
    post = services.post_create(
        actor=personas.org,
        unit=personas.unit_b,
        title="办公室主任",
        tier=Tier.GUJI,
        required_establishment="administrative",
    )
    assert post.county_id == personas.county.pk
    assert AuditLog.objects.filter(object_type="post", object_id=str(post.pk)).exists()


def test_unit_create_refuses_duplicate_code(personas: Personas) -> None:
    """Unit codes are unique in a county."""
    services.unit_create(
        actor=personas.org, county=personas.county, code="X1", name="甲", kind="township"
    )
    with pytest.raises(ValidationError):
        services.unit_create(
            actor=personas.org, county=personas.county, code="X1", name="乙", kind="township"
        )
    factories.unit(county=factories.county(), code="X1")
