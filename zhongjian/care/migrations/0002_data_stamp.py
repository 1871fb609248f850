"""The county data stamp's triggers on the care tables the home page's overview counts.

The overview's 疏导 tiles count cases and follow-ups (care.aggregates); the overview is cached
under the county's data stamp (workload/0004, workload/0006), so these tables replace the
county's token like every other input: on INSERT, DELETE and UPDATE of any column. The trigger
functions are workload's; nothing of a case is written anywhere but the stamp's random token.
"""

from django.db import migrations

TABLES = ("care_case", "care_followup")


def _sqlite_bump(row: str) -> str:
    return (
        "INSERT INTO workload_datastamp (county_id, token) "
        f"VALUES (COALESCE({row}.county_id, 0), lower(hex(randomblob(16)))) "
        "ON CONFLICT (county_id) DO UPDATE SET token = excluded.token;"
    )


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            # Replaced if present: a database migrated by an earlier draft of workload/0006
            # has them already.
            schema_editor.execute(
                f"""
DROP TRIGGER IF EXISTS workload_stamp_write ON {table};
DROP TRIGGER IF EXISTS workload_stamp_update ON {table};
DROP TRIGGER IF EXISTS workload_stamp_truncate ON {table};
CREATE CONSTRAINT TRIGGER workload_stamp_write AFTER INSERT OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION workload_stamp_touch();
CREATE CONSTRAINT TRIGGER workload_stamp_update AFTER UPDATE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION workload_stamp_touch();
CREATE TRIGGER workload_stamp_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION workload_stamp_truncated();
"""
            )
        elif vendor == "sqlite":
            for statement in (
                *(
                    f"DROP TRIGGER IF EXISTS workload_stamp_{table}_{name};"
                    for name in ("insert", "delete", "update")
                ),
                f"CREATE TRIGGER workload_stamp_{table}_insert AFTER INSERT ON {table} "
                f"BEGIN {_sqlite_bump('NEW')} END;",
                f"CREATE TRIGGER workload_stamp_{table}_delete AFTER DELETE ON {table} "
                f"BEGIN {_sqlite_bump('OLD')} END;",
                f"CREATE TRIGGER workload_stamp_{table}_update AFTER UPDATE ON {table} "
                f"BEGIN {_sqlite_bump('OLD')} {_sqlite_bump('NEW')} END;",
            ):
                schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            for name in ("write", "update", "truncate"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS workload_stamp_{name} ON {table}")
        elif vendor == "sqlite":
            for name in ("insert", "delete", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS workload_stamp_{table}_{name}")


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_care_initial"),
        ("workload", "0006_stamp_for_overview"),
    ]

    operations = [migrations.RunPython(forward, backward)]
