"""The data stamp's row trigger checks the transaction's flag itself (PostgreSQL).

The deferred trigger of migration 0004 fires for every row a transaction changes; all but the
first row of a county find the transaction-local flag set. Reading the flag in the trigger
function, before calling workload_stamp_bump, spares those rows a second PL/pgSQL call: an
import of a county's cadres fires it for every row it writes.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION workload_stamp_touch() RETURNS trigger AS $$
DECLARE
    old_key bigint;
    new_key bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_key := COALESCE(OLD.county_id, 0);
        IF current_setting('zhongjian.workload_stamp_' || old_key, true) IS DISTINCT FROM 'y' THEN
            PERFORM workload_stamp_bump(old_key);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_key := COALESCE(NEW.county_id, 0);
        IF new_key IS DISTINCT FROM old_key AND current_setting(
            'zhongjian.workload_stamp_' || new_key, true
        ) IS DISTINCT FROM 'y' THEN
            PERFORM workload_stamp_bump(new_key);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

BACKWARD = """
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("workload", "0004_data_stamp")]

    operations = [migrations.RunPython(forward, backward)]
