"""The schema is ready to be distributed by county over Citus (docs/operations.md)."""

import pytest
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from zhongjian.core.distribution import distribution_problems, distribution_sql, table_kind
from zhongjian.org.models import Cadre, County


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
