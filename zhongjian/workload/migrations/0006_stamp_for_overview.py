"""The county data stamp also covers the inputs of the home page's overview (insight).

The overview (figures, age pyramid, trends, indicator tiles) is cached under the same per-county
stamp as the workload dashboard (`insight.views.overview`). So every table it reads gets the
stamp triggers of migration 0004: INSERT and DELETE, and UPDATE of any column. A cadre's row is
now watched on every column as well (the overview reads most of them). Not watched: the answers
of surveys (`voice_response`, `voice_instrumentresult`) and a wave's groups, which the overview
reads only for closed waves, whose answers no longer change, so that a submission writes no
stamp (it would serialise a county's submissions on the stamp row); a wave's own row is watched,
so its closing changes the stamp. The care tables get the same triggers from care's own
migration (care/0002), so that workload names nothing of care.
"""

from django.db import migrations

# Tables watched on every column (besides those of migration 0004).
TABLES = (
    "org_appointment",
    "org_post",
    "org_retirementrule",
    "core_holiday",
    "insight_threshold",
    "pipeline_vacancy",
    "pipeline_selectionprocess",
    "pipeline_candidate",
    "pipeline_benchentry",
    "pipeline_departure",
    "voice_wave",
)

PG_CADRE_UPDATE_ANY = """
DROP TRIGGER IF EXISTS workload_stamp_update ON org_cadre;
CREATE CONSTRAINT TRIGGER workload_stamp_update AFTER UPDATE ON org_cadre
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION workload_stamp_touch();
"""
PG_CADRE_UPDATE_BACK = """
DROP TRIGGER IF EXISTS workload_stamp_update ON org_cadre;
CREATE CONSTRAINT TRIGGER workload_stamp_update AFTER UPDATE OF county_id, unit_id, status,
    work_start_date ON org_cadre DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.county_id IS DISTINCT FROM NEW.county_id OR OLD.unit_id IS DISTINCT FROM NEW.unit_id
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.work_start_date IS DISTINCT FROM NEW.work_start_date)
    EXECUTE FUNCTION workload_stamp_touch();
"""


def pg_forward() -> str:
    parts = [PG_CADRE_UPDATE_ANY]
    for table in TABLES:
        parts.append(
            f"""
CREATE CONSTRAINT TRIGGER workload_stamp_write AFTER INSERT OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION workload_stamp_touch();
CREATE CONSTRAINT TRIGGER workload_stamp_update AFTER UPDATE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION workload_stamp_touch();
CREATE TRIGGER workload_stamp_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION workload_stamp_truncated();
"""
        )
    return "".join(parts)


def pg_backward() -> str:
    parts = [PG_CADRE_UPDATE_BACK]
    for table in TABLES:
        for name in ("write", "update", "truncate"):
            parts.append(f"DROP TRIGGER IF EXISTS workload_stamp_{name} ON {table};")
    return "\n".join(parts)


def _sqlite_bump(row: str) -> str:
    return (
        "INSERT INTO workload_datastamp (county_id, token) "
        f"VALUES (COALESCE({row}.county_id, 0), lower(hex(randomblob(16)))) "
        "ON CONFLICT (county_id) DO UPDATE SET token = excluded.token;"
    )


def sqlite_forward() -> list[str]:
    statements = [
        "DROP TRIGGER IF EXISTS workload_stamp_org_cadre_update;",
        "CREATE TRIGGER workload_stamp_org_cadre_update AFTER UPDATE ON org_cadre "
        f"BEGIN {_sqlite_bump('OLD')} {_sqlite_bump('NEW')} END;",
    ]
    for table in TABLES:
        statements += [
            f"CREATE TRIGGER workload_stamp_{table}_insert AFTER INSERT ON {table} "
            f"BEGIN {_sqlite_bump('NEW')} END;",
            f"CREATE TRIGGER workload_stamp_{table}_delete AFTER DELETE ON {table} "
            f"BEGIN {_sqlite_bump('OLD')} END;",
            f"CREATE TRIGGER workload_stamp_{table}_update AFTER UPDATE ON {table} "
            f"BEGIN {_sqlite_bump('OLD')} {_sqlite_bump('NEW')} END;",
        ]
    return statements


def sqlite_backward() -> list[str]:
    statements = [
        "DROP TRIGGER IF EXISTS workload_stamp_org_cadre_update;",
        "CREATE TRIGGER workload_stamp_org_cadre_update AFTER UPDATE OF county_id, unit_id, "
        "status, work_start_date ON org_cadre WHEN OLD.county_id IS NOT NEW.county_id OR "
        "OLD.unit_id IS NOT NEW.unit_id OR OLD.status IS NOT NEW.status OR "
        f"OLD.work_start_date IS NOT NEW.work_start_date BEGIN {_sqlite_bump('OLD')} "
        f"{_sqlite_bump('NEW')} END;",
    ]
    for table in TABLES:
        statements += [
            f"DROP TRIGGER IF EXISTS workload_stamp_{table}_{name};"
            for name in ("insert", "delete", "update")
        ]
    return statements


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
        ("workload", "0005_stamp_touch_inline"),
        ("org", "0008_cadre_county_index"),
        ("core", "0006_audit_indexes"),
        ("insight", "0002_risk_report"),
        ("pipeline", "0004_county_on_every_table"),
        ("voice", "0006_indexes_covered_by_keys"),
    ]

    operations = [migrations.RunPython(forward, backward)]
