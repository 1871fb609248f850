"""A cadre's county needs no index of its own: every index of the table leads with it.

Dropped by name rather than by altering the field: on SQLite an altered field rebuilds the
table, which would drop its data-stamp triggers (workload migration 0004).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0007_overview_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="cadre",
                    name="county",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="org.county",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    'DROP INDEX IF EXISTS "org_cadre_county_id_d1d9da5c"',
                    'CREATE INDEX "org_cadre_county_id_d1d9da5c" ON "org_cadre" ("county_id")',
                ),
            ],
        ),
    ]
