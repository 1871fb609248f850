"""The SQL of the county data stamp's triggers (`DataStamp`), for the migrations that install it.

A watched table gets, on PostgreSQL, a deferred constraint trigger on INSERT and DELETE, one on
UPDATE (of some columns, or of any), both running `workload_stamp_touch()` at commit, and a
statement trigger on TRUNCATE; on SQLite, plain row triggers that write the stamp at once. The
migrations `workload/0004`–`0006` and `care/0002` call these functions; a migration runs them as
they are when it runs, so a change here must be right for every one of them (a new trigger shape
is a new function, not a new meaning of an old one).
"""

from collections.abc import Sequence
from typing import Any

# Installed by workload/0004: the bump (once per county and transaction, remembered in a
# transaction-local setting), the row trigger's function, and the TRUNCATE one.
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

# Installed by workload/0005: the row trigger's function reads the transaction's flag itself,
# so that the rows after a county's first cost no second PL/pgSQL call.
PG_TOUCH_INLINE = """
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

PG_DROP_FUNCTIONS = (
    "DROP FUNCTION IF EXISTS workload_stamp_touch();\n"
    "DROP FUNCTION IF EXISTS workload_stamp_truncated();\n"
    "DROP FUNCTION IF EXISTS workload_stamp_bump(bigint);"
)


def _changed(columns: Sequence[str], differ: str) -> str:
    return " OR ".join(f"OLD.{c} {differ} NEW.{c}" for c in ("county_id", *columns))


def pg_update_trigger(table: str, columns: Sequence[str] | None) -> str:
    """The UPDATE trigger: on a change of COLUMNS (besides county_id), or of any column."""
    if columns is None:
        return f"""
CREATE CONSTRAINT TRIGGER workload_stamp_update AFTER UPDATE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION workload_stamp_touch();
"""
    watched = ", ".join(("county_id", *columns))
    return f"""
CREATE CONSTRAINT TRIGGER workload_stamp_update AFTER UPDATE OF {watched} ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({_changed(columns, "IS DISTINCT FROM")})
    EXECUTE FUNCTION workload_stamp_touch();
"""


def pg_watch(table: str, columns: Sequence[str] | None = None) -> str:
    """TABLE's three triggers; COLUMNS as in `pg_update_trigger`."""
    return f"""
CREATE CONSTRAINT TRIGGER workload_stamp_write AFTER INSERT OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION workload_stamp_touch();
{pg_update_trigger(table, columns)}
CREATE TRIGGER workload_stamp_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION workload_stamp_truncated();
"""


def pg_unwatch(table: str) -> str:
    return "\n".join(
        f"DROP TRIGGER IF EXISTS workload_stamp_{name} ON {table};"
        for name in ("write", "update", "truncate")
    )


def sqlite_bump(row: str) -> str:
    """The statement that writes a new token for ROW's county; ROW is OLD or NEW."""
    return (
        "INSERT INTO workload_datastamp (county_id, token) "  # noqa: S608 (ROW: OLD or NEW)
        f"VALUES (COALESCE({row}.county_id, 0), lower(hex(randomblob(16)))) "
        "ON CONFLICT (county_id) DO UPDATE SET token = excluded.token;"
    )


def sqlite_update_trigger(table: str, columns: Sequence[str] | None) -> str:
    bumps = f"BEGIN {sqlite_bump('OLD')} {sqlite_bump('NEW')} END;"
    if columns is None:
        return f"CREATE TRIGGER workload_stamp_{table}_update AFTER UPDATE ON {table} {bumps}"
    watched = ", ".join(("county_id", *columns))
    return (
        f"CREATE TRIGGER workload_stamp_{table}_update AFTER UPDATE OF {watched} ON {table} "
        f"WHEN {_changed(columns, 'IS NOT')} {bumps}"
    )


def sqlite_watch(table: str, columns: Sequence[str] | None = None) -> list[str]:
    """TABLE's three row triggers; COLUMNS as in `pg_update_trigger`."""
    return [
        f"CREATE TRIGGER workload_stamp_{table}_insert AFTER INSERT ON {table} "
        f"BEGIN {sqlite_bump('NEW')} END;",
        f"CREATE TRIGGER workload_stamp_{table}_delete AFTER DELETE ON {table} "
        f"BEGIN {sqlite_bump('OLD')} END;",
        sqlite_update_trigger(table, columns),
    ]


def sqlite_unwatch(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS workload_stamp_{table}_{name};"
        for name in ("insert", "delete", "update")
    ]


def run(schema_editor: Any, *, postgresql: str = "", sqlite: Sequence[str] = ()) -> None:
    """Execute the statements of the database SCHEMA_EDITOR works on (others get none)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql" and postgresql:
        schema_editor.execute(postgresql)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)
