"""Bulk inserts: keys set, values stored as given, defaults and auto_now_add applied."""

import datetime

from tests.conftest import Personas
from zhongjian.core.audit import AuditEntry, audit_record_many
from zhongjian.core.bulk import bulk_insert, insert_rows, new_instance
from zhongjian.core.models import AuditLog
from zhongjian.org.models import Cadre


def test_bulk_insert_round_trip(personas: Personas) -> None:
    """Rows come back from the database exactly as they were inserted, with their keys."""
    cadres = [
        new_instance(
            Cadre,
            county_id=personas.county.pk,
            unit_id=personas.unit_a.pk,
            staff_no=f"B{n}",
            name=f"批量{n}",
            gender="female",
            birth_date=datetime.date(1990, 1, 1) + datetime.timedelta(days=n),
            education="bachelor",
            party_status="member",
            establishment="administrative",
            work_start_date=datetime.date(2012, 7, 1),
            is_worker=bool(n % 2),
        )
        for n in range(2500)
    ]
    bulk_insert(cadres)
    assert all(cadre.pk for cadre in cadres)
    stored = Cadre.objects.get(pk=cadres[7].pk)
    assert (stored.staff_no, stored.birth_date, stored.is_worker) == (
        "B7",
        datetime.date(1990, 1, 8),
        True,
    )
    # Fields not given keep their model defaults.
    assert (stored.ethnicity, stored.status, stored.grassroots_start_date, stored.rank) == (
        "汉族",
        "active",
        None,
        "",
    )


def test_audit_record_many(personas: Personas) -> None:
    """Batched audit rows carry the actor, the county and the time like single ones."""
    before = datetime.datetime.now(tz=datetime.UTC)
    written = audit_record_many(
        actor=personas.org,
        entries=[
            AuditEntry(
                action="create", object_type="cadre", object_id=n, unit_id=personas.unit_a.pk
            )
            for n in range(3)
        ],
    )
    rows = list(AuditLog.objects.filter(object_type="cadre").order_by("object_id"))
    assert written == len(rows) == 3
    assert {(row.actor_username, row.county_id, row.action) for row in rows} == {
        (personas.org.username, personas.county.pk, "create")
    }
    assert all(row.at >= before for row in rows)


def test_bulk_keys_are_the_tables_own(personas: Personas) -> None:
    """Keys given by a bulk insert (drawn from the table's sequence on PostgreSQL) are the rows'
    keys, and a row saved afterwards the usual way gets a key of its own."""
    cadres = [
        new_instance(
            Cadre,
            county_id=personas.county.pk,
            unit_id=personas.unit_a.pk,
            staff_no=f"K{n}",
            name=f"键{n}",
            gender="male",
            birth_date=datetime.date(1985, 3, 1),
            education="bachelor",
            party_status="masses",
            establishment="administrative",
            work_start_date=datetime.date(2008, 7, 1),
        )
        for n in range(30)
    ]
    bulk_insert(cadres)
    stored = dict(Cadre.objects.filter(staff_no__startswith="K").values_list("pk", "staff_no"))
    assert stored == {cadre.pk: cadre.staff_no for cadre in cadres}
    later = Cadre.objects.create(
        county_id=personas.county.pk,
        unit_id=personas.unit_a.pk,
        staff_no="K-later",
        name="后来",
        gender="male",
        birth_date=datetime.date(1985, 3, 1),
        education="bachelor",
        party_status="masses",
        establishment="administrative",
        work_start_date=datetime.date(2008, 7, 1),
    )
    assert later.pk not in stored


def test_insert_rows_converts_values(personas: Personas) -> None:
    """Rows written without model instances store their values as the field API would."""
    at = datetime.datetime(2026, 3, 4, 5, 6, 7, tzinfo=datetime.UTC)
    written = insert_rows(
        AuditLog,
        ("at", "actor_username", "action", "object_type", "object_id", "county_id", "ip"),
        [(at, "批量", "create", "cadre", str(n), personas.county.pk, "10.0.0.9") for n in range(5)],
    )
    rows = AuditLog.objects.filter(actor_username="批量")
    assert written == rows.count() == 5
    assert {(row.at, row.ip, row.summary, row.actor_id) for row in rows} == {
        (at, "10.0.0.9", "", None)
    }
