"""The county data stamp's triggers on the care tables the home page's overview counts.

The overview's 疏导 tiles count cases and follow-ups (care.aggregates); the overview is cached
under the county's data stamp (workload/0004, workload/0006), so these tables replace the
county's token like every other input: on INSERT, DELETE and UPDATE of any column. The
trigger functions and their SQL are workload's (`workload/stamp_sql.py`); nothing of a case is
written anywhere but the stamp's random token.
"""

from django.db import migrations

from zhongjian.workload import stamp_sql

TABLES = ("care_case", "care_followup")


def forward(apps, schema_editor):
    stamp_sql.run(
        schema_editor,
        postgresql="".join(map(stamp_sql.pg_watch, TABLES)),
        sqlite=[statement for table in TABLES for statement in stamp_sql.sqlite_watch(table)],
    )


def backward(apps, schema_editor):
    stamp_sql.run(
        schema_editor,
        postgresql="\n".join(map(stamp_sql.pg_unwatch, TABLES)),
        sqlite=[statement for table in TABLES for statement in stamp_sql.sqlite_unwatch(table)],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0001_care_initial"),
        ("workload", "0006_stamp_for_overview"),
    ]

    operations = [migrations.RunPython(forward, backward)]
