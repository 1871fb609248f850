"""Bulk inserts: keys set, values stored as given, defaults and auto_now_add applied."""

import datetime
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, connection, connections, transaction

from tests import factories
from tests.conftest import Personas
from zhongjian.core import bulk
from zhongjian.core.audit import AuditEntry, audit_record_many
from zhongjian.core.bulk import (
    bulk_insert,
    copies_in_background,
    foreign_keys_checked_per_statement,
    insert_rows,
    new_instance,
)
from zhongjian.core.models import AuditLog
from zhongjian.org.models import Cadre


def _new_cadres(unit: Any, count: int, staff_no: Callable[[int], str] = "W{}".format) -> list:
    return [
        new_instance(
            Cadre,
            county_id=unit.county_id,
            unit_id=unit.pk,
            staff_no=staff_no(n),
            name=f"后台{n}",
            gender="male",
            birth_date=datetime.date(1985, 1, 1),
            education="bachelor",
            party_status="member",
            establishment="administrative",
            work_start_date=datetime.date(2008, 7, 1),
        )
        for n in range(count)
    ]


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
    cadres = _new_cadres(personas.unit_a, 30, staff_no="K{}".format)
    bulk_insert(cadres)
    stored = dict(Cadre.objects.filter(staff_no__startswith="K").values_list("pk", "staff_no"))
    assert stored == {cadre.pk: cadre.staff_no for cadre in cadres}
    (later,) = _new_cadres(personas.unit_a, 1, staff_no=lambda _n: "K-later")
    later.save()  # the usual way: the key comes from the database
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


pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="COPY, and its writer thread, are PostgreSQL's"
)


@pg_only
def test_a_background_copy_runs_beside_its_caller_and_the_next_query_waits_for_it(db: None) -> None:
    """Inside `copies_in_background` a bulk insert returns while its COPY cannot run yet (another
    session holds a lock that COPY waits for); the next query waits until the rows are there."""
    unit = factories.unit(county=factories.county(code="990001"))
    cadres = _new_cadres(unit, 30)
    params = connection.get_connection_params()
    other = psycopg.connect(
        **{
            key: params[key]
            for key in ("dbname", "user", "host", "port", "password")
            if key in params
        }
    )
    try:
        # SHARE conflicts with the ROW EXCLUSIVE lock that COPY … FROM takes; NOWAIT: this
        # test's own transaction has not touched the table.
        other.execute("LOCK TABLE org_cadre IN SHARE MODE NOWAIT")
        with transaction.atomic(), copies_in_background():
            with connection.cursor() as cursor:
                # Were the COPY run here, it would wait for the lock: fail instead of hanging.
                cursor.execute("SET LOCAL lock_timeout = '5s'")
            try:
                bulk_insert(cadres)  # returns: the COPY waits in the writer thread
                writer = bulk._writers[id(connections["default"])]
                pending = writer.pending  # it cannot have finished: the lock is still held
            finally:
                other.rollback()  # the lock goes; the COPY runs
            assert pending == 1
            assert Cadre.objects.filter(unit=unit).count() == 30  # settled first
            assert writer.pending == 0
        assert bulk._writers == {}
    finally:
        other.close()


@pg_only
def test_a_failed_background_copy_is_raised_where_the_caller_would_see_it(db: None) -> None:
    """The error of a COPY in the writer thread comes out of the caller's next query (as
    Django's IntegrityError), and the COPYs queued after it are not run."""
    unit = factories.unit(county=factories.county(code="990002"))
    twice = _new_cadres(unit, 2, staff_no=lambda _n: "SAME")  # unique per county
    later = _new_cadres(unit, 3, staff_no="L{}".format)
    with pytest.raises(IntegrityError), transaction.atomic(), copies_in_background():
        bulk_insert(twice)
        bulk_insert(later)  # its key query settles first: the error comes out here
        pytest.fail("the failed COPY was not reported")
    assert not Cadre.objects.filter(unit=unit).exists()
    assert bulk._writers == {}


@pg_only
def test_leaving_the_block_waits_for_the_last_copy(db: None) -> None:
    """The block's end settles: a COPY queued last is written before the transaction ends."""
    unit = factories.unit(county=factories.county(code="990003"))
    with transaction.atomic():
        with copies_in_background():
            bulk_insert(_new_cadres(unit, 5))
            audit_record_many(
                actor=None,
                entries=[
                    AuditEntry(action="create", object_type="cadre", object_id=n) for n in range(4)
                ],
                county_id=unit.county_id,
            )
        assert bulk._writers == {}
        assert Cadre.objects.filter(unit=unit).count() == 5
        assert AuditLog.objects.filter(county_id=unit.county_id, object_type="cadre").count() == 4


@pg_only
def test_foreign_keys_checked_per_statement_and_deferred_again_after(db: None) -> None:
    """Inside the block a row whose unit does not exist fails its own COPY; after it, foreign
    keys are deferred again (the same row is accepted until commit, as Django declares)."""
    unit = factories.unit(county=factories.county(code="990004"))
    orphan = _new_cadres(unit, 1)
    orphan[0].unit_id = 10**9
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        foreign_keys_checked_per_statement(Cadre),
    ):
        bulk_insert(orphan)  # the check runs at the end of the COPY
        pytest.fail("the foreign key was not checked per statement")
    with transaction.atomic():
        with foreign_keys_checked_per_statement(Cadre):
            bulk_insert(_new_cadres(unit, 2))
        late = _new_cadres(unit, 1, staff_no="O{}".format)
        late[0].unit_id = 10**9
        bulk_insert(late)  # deferred again: no error yet
        Cadre.objects.filter(pk=late[0].pk)._raw_delete(Cadre.objects.db)  # gone before commit
    assert Cadre.objects.filter(unit=unit).count() == 2
