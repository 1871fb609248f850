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

from zhongjian.workload import stamp_sql

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

# The cadre's UPDATE trigger of 0004 watched these columns; it now watches every column.
CADRE_COLUMNS_BEFORE = ("unit_id", "status", "work_start_date")


def forward(apps, schema_editor):
    stamp_sql.run(
        schema_editor,
        postgresql="DROP TRIGGER IF EXISTS workload_stamp_update ON org_cadre;"
        + stamp_sql.pg_update_trigger("org_cadre", None)
        + "".join(map(stamp_sql.pg_watch, TABLES)),
        sqlite=[
            "DROP TRIGGER IF EXISTS workload_stamp_org_cadre_update;",
            stamp_sql.sqlite_update_trigger("org_cadre", None),
            *(statement for table in TABLES for statement in stamp_sql.sqlite_watch(table)),
        ],
    )


def backward(apps, schema_editor):
    stamp_sql.run(
        schema_editor,
        postgresql="DROP TRIGGER IF EXISTS workload_stamp_update ON org_cadre;"
        + stamp_sql.pg_update_trigger("org_cadre", CADRE_COLUMNS_BEFORE)
        + "\n".join(map(stamp_sql.pg_unwatch, TABLES)),
        sqlite=[
            "DROP TRIGGER IF EXISTS workload_stamp_org_cadre_update;",
            stamp_sql.sqlite_update_trigger("org_cadre", CADRE_COLUMNS_BEFORE),
            *(statement for table in TABLES for statement in stamp_sql.sqlite_unwatch(table)),
        ],
    )


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
