"""The data stamp's row trigger checks the transaction's flag itself (PostgreSQL).

The deferred trigger of migration 0004 fires for every row a transaction changes; all but the
first row of a county find the transaction-local flag set. Reading the flag in the trigger
function, before calling workload_stamp_bump, spares those rows a second PL/pgSQL call: an
import of a county's cadres fires it for every row it writes.
"""

from django.db import migrations

from zhongjian.workload import stamp_sql

def forward(apps, schema_editor):
    stamp_sql.run(schema_editor, postgresql=stamp_sql.PG_TOUCH_INLINE)


def backward(apps, schema_editor):
    stamp_sql.run(schema_editor, postgresql=stamp_sql.PG_FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [("workload", "0004_data_stamp")]

    operations = [migrations.RunPython(forward, backward)]
