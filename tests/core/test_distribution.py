"""The schema is ready to be distributed by county over Citus (docs/operations.md)."""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext, isolate_apps
from django.urls import reverse

from tests.conftest import Personas, client_for
from zhongjian.core.distribution import (
    colocated_joins,
    distribution_problems,
    distribution_sql,
    join_gaps,
    table_kind,
)
from zhongjian.org.models import Cadre, County
from zhongjian.pipeline.services.bench import bench_add


def test_every_model_follows_the_distribution_rules() -> None:
    """Every county table has a non-null county key, every unique set and key includes it, and no
    reference table points into county data."""
    assert distribution_problems() == []


@isolate_apps("zhongjian.org")
def test_the_rules_catch_what_citus_refuses() -> None:
    """A county table without its key, and a unique constraint without county_id, are reported."""

    class Note(models.Model):  # noqa: DJ008
        cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE)

        class Meta:
            app_label = "org"

    class Tag(models.Model):  # noqa: DJ008
        county = models.ForeignKey(County, on_delete=models.CASCADE)
        cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE)
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "org"
            constraints = [models.UniqueConstraint(fields=["cadre", "name"], name="tag_once")]

    problems = distribution_problems([Note, Tag])
    assert any(p.startswith("org.note: holds county data") for p in problems)
    assert any("tag_once" in p for p in problems)
    assert table_kind(County) == "reference" and table_kind(Cadre) == "distributed"


@pytest.mark.django_db
def test_distribution_ddl_runs_on_postgresql() -> None:
    """The plain-PostgreSQL part of the distribution (composite primary keys, one-to-one uniques
    and foreign keys with county_id) applies to the migrated schema; rolled back afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("the DDL is PostgreSQL's")
    statements = [s for s in distribution_sql() if not s.startswith("SELECT create_")]
    assert any('FOREIGN KEY ("county_id", "cadre_id")' in s for s in statements)
    with transaction.atomic():
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
            cursor.execute("SELECT count(*) FROM pg_constraint WHERE conname LIKE %s", ["%\\_cfk"])
            assert cursor.fetchone()[0] == sum("_cfk" in s for s in statements)
        transaction.set_rollback(True)


def test_join_gaps_reads_the_join_conditions() -> None:
    plain = (
        'SELECT 1 FROM "org_cadre" INNER JOIN "org_unit"'
        ' ON ("org_cadre"."unit_id" = "org_unit"."id") WHERE "org_cadre"."county_id" = 5'
    )
    assert join_gaps(plain) == ["org_unit"]
    colocated = plain.replace(
        '"org_unit"."id")',
        '"org_unit"."id" AND ("org_unit"."county_id" = "org_cadre"."county_id"))',
    )
    assert join_gaps(colocated) == []
    aliased = (
        'SELECT 1 FROM "org_appointment" U0 INNER JOIN "org_post" U2 ON (U0."post_id" = U2."id")'
        ' WHERE U2."county_id" IN (5)'
    )
    assert join_gaps(aliased) == []
    # A join to a reference table (the accounts) needs nothing.
    assert join_gaps('SELECT 1 FROM "org_cadre" JOIN "accounts_user" ON (1 = 1)') == []


PAGES = (
    "org:cadre_list",
    "org:unit_list",
    "pipeline:vacancies",
    "pipeline:processes",
    "pipeline:bench",
    "pipeline:departures",
)


def _pages(user: object) -> tuple[dict[str, str], list[str]]:
    """Each page's HTML (without its CSRF tokens) and every query the pages sent."""
    client = client_for(user)  # type: ignore[arg-type]
    html, sent = {}, []
    for name in PAGES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name))
        assert response.status_code == 200, name
        html[name] = re.sub(
            r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", response.text
        )
        sent += [q["sql"] for q in captured.captured_queries]
    return html, sent


def test_colocated_joins_match_the_county_and_change_no_page(personas: Personas) -> None:
    """With CITUS_COLOCATED_JOINS every join of the list pages between county tables also
    matches the county (Citus keeps it on one shard); the pages are the same either way."""
    bench_add(
        actor=personas.org,
        post=personas.post_b,
        cadre=personas.cadre_a,
        readiness="ready_now",
        added_on=datetime.date(2024, 9, 2),
    )
    try:
        for user in (personas.org, personas.head_a):
            colocated_joins(on=False)
            plain, plain_sql = _pages(user)
            assert any(join_gaps(sql) for sql in plain_sql)  # the check sees plain joins
            assert colocated_joins(on=True) > 50
            colocated, colocated_sql = _pages(user)
            assert [gap for sql in colocated_sql for gap in join_gaps(sql)] == []
            assert colocated == plain
    finally:  # as the settings of this run have it (the suite also runs with it on)
        colocated_joins(on=settings.CITUS_COLOCATED_JOINS)
