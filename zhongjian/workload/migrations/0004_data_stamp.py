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

from zhongjian.workload import stamp_sql

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

def forward(apps, schema_editor):
    stamp_sql.run(
        schema_editor,
        postgresql=stamp_sql.PG_FUNCTIONS
        + "".join(stamp_sql.pg_watch(table, columns) for table, columns in WATCHED.items()),
        sqlite=[
            statement
            for table, columns in WATCHED.items()
            for statement in stamp_sql.sqlite_watch(table, columns)
        ],
    )


def backward(apps, schema_editor):
    stamp_sql.run(
        schema_editor,
        postgresql="\n".join([*map(stamp_sql.pg_unwatch, WATCHED), stamp_sql.PG_DROP_FUNCTIONS]),
        sqlite=[statement for table in WATCHED for statement in stamp_sql.sqlite_unwatch(table)],
    )


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
