"""The workload data stamp and the triggers that replace a county's token on every change.

The dashboard caches its figures under the tokens (`selectors.cached_workload_dashboard`), so a
token must change in every transaction that changes an input of a figure, whoever writes. Each
table the figures read gets a trigger on INSERT and DELETE, and on UPDATE when a column the
figures read changes (a receipt's completion date, a cadre's telephone do not count); a TRUNCATE
replaces every token.

PostgreSQL: deferred constraint triggers, so that the county's stamp row is written (and locked)
only while the transaction commits, once per county and transaction (a transaction-local
setting remembers it, so further rows cost a lookup), and a long import does not hold up the
county's other writers. SQLite runs one writer at a time anyway: plain row
triggers. Tokens are random (see the model).
"""

import django.db.models.deletion
from django.db import migrations, models

# Table → the columns whose change changes a figure (besides county_id, always watched).
WATCHED = {
    "workload_demandreceipt": (
        "demand_id",
        "unit_id",
        "organ_id",
        "kind",
        "issued_on",
        "lead_days",
    ),
    "workload_demand": (
        "organ_id",
        "kind",
        "issued_on",
        "doc_category",
        "char_count",
        "meeting_hours",
        "accompany_required",
        "onsite",
        "trace_required",
    ),
    "workload_organ": ("name",),
    "workload_overtimeweek": (
        "unit_id",
        "week_start",
        "overtime_headcount",
        "overtime_hours",
        "weekend_days",
    ),
    "workload_workloadrule": ("key", "value", "effective_from"),
    "org_unit": ("code", "name", "kind", "is_active"),
    "org_cadre": ("unit_id", "status", "work_start_date"),
}

PG_FUNCTIONS = """
CREATE OR REPLACE FUNCTION workload_stamp_bump(key bigint) RETURNS void AS $$
BEGIN
    -- Once per county and transaction: a setting local to the transaction remembers it (the
    -- trigger fires for every row; most rows of a large import find the setting and stop).
    IF current_setting('zhongjian.workload_stamp_' || key, true) IS DISTINCT FROM 'y' THEN
        PERFORM set_config('zhongjian.workload_stamp_' || key, 'y', true);
        INSERT INTO workload_datastamp (county_id, token)
        VALUES (key, md5(random()::text || clock_timestamp()::text))
        ON CONFLICT (county_id) DO UPDATE SET token = EXCLUDED.token;
    END IF;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION workload_stamp_touch() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM workload_stamp_bump(COALESCE(NEW.county_id, 0));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM workload_stamp_bump(COALESCE(OLD.county_id, 0));
    ELSE
        PERFORM workload_stamp_bump(COALESCE(OLD.county_id, 0));
        IF NEW.county_id IS DISTINCT FROM OLD.county_id THEN
            PERFORM workload_stamp_bump(COALESCE(NEW.county_id, 0));
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION workload_stamp_truncated() RETURNS trigger AS $$
BEGIN
    UPDATE workload_datastamp
    SET token = md5(random()::text || clock_timestamp()::text || county_id::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def _changed(columns: tuple[str, ...], differ: str = "IS DISTINCT FROM") -> str:
    return " OR ".join(f"OLD.{c} {differ} NEW.{c}" for c in ("county_id", *columns))


def pg_forward() -> str:
    parts = [PG_FUNCTIONS]
    for table, columns in WATCHED.items():
        watched = ", ".join(("county_id", *columns))
        parts.append(
            f"""
CREATE CONSTRAINT TRIGGER workload_stamp_write AFTER INSERT OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION workload_stamp_touch();
CREATE CONSTRAINT TRIGGER workload_stamp_update AFTER UPDATE OF {watched} ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({_changed(columns)})
    EXECUTE FUNCTION workload_stamp_touch();
CREATE TRIGGER workload_stamp_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION workload_stamp_truncated();
"""
        )
    return "".join(parts)


def pg_backward() -> str:
    parts = []
    for table in WATCHED:
        for name in ("write", "update", "truncate"):
            parts.append(f"DROP TRIGGER IF EXISTS workload_stamp_{name} ON {table};")
    parts.append("DROP FUNCTION IF EXISTS workload_stamp_touch();")
    parts.append("DROP FUNCTION IF EXISTS workload_stamp_truncated();")
    parts.append("DROP FUNCTION IF EXISTS workload_stamp_bump(bigint);")
    return "\n".join(parts)


def _sqlite_bump(row: str) -> str:
    return (
        "INSERT INTO workload_datastamp (county_id, token) "
        f"VALUES (COALESCE({row}.county_id, 0), lower(hex(randomblob(16)))) "
        "ON CONFLICT (county_id) DO UPDATE SET token = excluded.token;"
    )


def sqlite_forward() -> list[str]:
    statements = []
    for table, columns in WATCHED.items():
        watched = ", ".join(("county_id", *columns))
        statements += [
            f"CREATE TRIGGER workload_stamp_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {_sqlite_bump('NEW')} END;",
            f"CREATE TRIGGER workload_stamp_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {_sqlite_bump('OLD')} END;",
            f"CREATE TRIGGER workload_stamp_{table}_update AFTER UPDATE OF {watched} ON {table} "
            f"WHEN {_changed(columns, 'IS NOT')} BEGIN {_sqlite_bump('OLD')} {_sqlite_bump('NEW')} END;",
        ]
    return statements


def sqlite_backward() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS workload_stamp_{table}_{name};"
        for table in WATCHED
        for name in ("insert", "delete", "update")
    ]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(pg_forward())
    elif vendor == "sqlite":
        for statement in sqlite_forward():
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(pg_backward())
    elif vendor == "sqlite":
        for statement in sqlite_backward():
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("workload", "0003_receipt_organ"),
        ("org", "0007_overview_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DataStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.CharField(max_length=32)),
                (
                    "county",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="org.county",
                    ),
                ),
            ],
            options={
                "verbose_name": "减负数据版本",
                "verbose_name_plural": "减负数据版本",
                "constraints": [
                    models.UniqueConstraint(fields=("county",), name="workload_datastamp_once_per_county")
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
