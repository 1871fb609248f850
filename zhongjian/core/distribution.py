"""How the schema spreads over a Citus cluster: county data distributed by `county_id`, rules and
accounts replicated to every node, framework tables kept on the coordinator.

A province fits one PostgreSQL; the nation (≈ 2,844 counties) does not. Citus shards a table by
one distribution column and requires that every primary key, unique constraint and foreign key
among distributed tables include it. `distribution_problems()` checks the models against those
rules (a test runs it over every model), and `distribution_sql()` writes the statements that turn
a migrated database into a distributed one (see docs/operations.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import connection
from django.db.models import ForeignKey, Model, OneToOneField, UniqueConstraint
from django.db.models.expressions import Col
from django.db.models.lookups import Exact, Lookup

DISTRIBUTION_COLUMN = "county_id"

# Small tables every node joins against: the counties themselves, national rules with their county
# overrides, accounts, their tokens and their role grants (授权申请; a grant of the auditor role
# has no county, and a few thousand rows per province are nothing to replicate).
REFERENCE_MODELS = frozenset(
    {
        "org.county",
        "org.retirementrule",
        "org.ranksteprule",
        "pipeline.eligibilityrule",
        "workload.workloadrule",
        "core.holiday",
        "accounts.user",
        "accounts.apitoken",
        "accounts.rolegrant",
    }
)

# Tables that stay on the coordinator: Django's own bookkeeping, and the audit log, which is
# append-only, read only by auditors, and holds rows of no county (logins, system jobs).
COORDINATOR_MODELS = frozenset({"core.auditlog"})
COORDINATOR_APPS = frozenset({"admin", "auth", "contenttypes", "sessions", "messages", "axes"})

# Foreign keys from a reference table into county data, which Citus cannot keep: in a cluster the
# database drops them and the application alone keeps them (a user's unit and own cadre record,
# the unit a role grant names).
APPLICATION_ONLY_KEYS = frozenset(
    {"accounts.user.unit", "accounts.user.cadre", "accounts.rolegrant.unit"}
)


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def table_kind(model: type[Model]) -> str:
    """ "distributed", "reference" or "coordinator" for MODEL's table."""
    label = _label(model)
    if label in REFERENCE_MODELS:
        return "reference"
    if label in COORDINATOR_MODELS or model._meta.app_label in COORDINATOR_APPS:
        return "coordinator"
    if model._meta.auto_created:
        # A many-to-many table lives where the model that declares it lives.
        owner = next(
            f.related_model
            for f in model._meta.get_fields()
            if isinstance(f, ForeignKey) and f.related_model is not model
        )
        kind = table_kind(owner)
        return "coordinator" if kind == "reference" else kind
    return "distributed"


def _models() -> list[type[Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]


def _county_field(model: type[Model]) -> ForeignKey | None:
    try:
        field = model._meta.get_field("county")
    except Exception:  # no such field
        return None
    return field if isinstance(field, ForeignKey) else None


@dataclass(frozen=True)
class UniqueSet:
    name: str
    columns: tuple[str, ...]
    single_column_of: str = ""  # the field whose own unique=True this is


def _unique_sets(model: type[Model]) -> Iterator[UniqueSet]:
    meta = model._meta
    for field in meta.local_concrete_fields:
        if field.unique and not field.primary_key:
            yield UniqueSet(field.name, (field.column,), single_column_of=field.name)
    for constraint in meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields:
            yield UniqueSet(
                constraint.name,
                tuple(meta.get_field(name).column for name in constraint.fields),
            )
    for together in meta.unique_together:
        yield UniqueSet("unique_together", tuple(meta.get_field(name).column for name in together))


def distribution_problems(models: Iterable[type[Model]] | None = None) -> list[str]:
    """Every way the models break the rules of a county-distributed schema; empty when none."""
    problems: list[str] = []
    for model in models or _models():
        label, kind = _label(model), table_kind(model)
        if kind == "distributed":
            county = _county_field(model)
            if county is None or county.null:
                problems.append(f"{label}: holds county data but has no non-null county key")
                continue
            sets = list(_unique_sets(model))
            composite = {s.columns for s in sets}
            for unique in sets:
                if DISTRIBUTION_COLUMN in unique.columns:
                    continue
                # A one-to-one's own unique index is replaced by (county_id, column) when the
                # model also declares that pair unique.
                if unique.single_column_of and (DISTRIBUTION_COLUMN, *unique.columns) in composite:
                    continue
                problems.append(
                    f"{label}: unique {unique.name} {unique.columns} lacks {DISTRIBUTION_COLUMN}"
                )
        for field in model._meta.local_concrete_fields:
            if not isinstance(field, ForeignKey):
                continue
            target = table_kind(field.related_model)
            if kind == "distributed" and target == "coordinator":
                problems.append(
                    f"{label}.{field.name}: a distributed table refers to a coordinator table"
                )
            if (
                kind == "reference"
                and target == "distributed"
                and f"{label}.{field.name}" not in APPLICATION_ONLY_KEYS
            ):
                problems.append(f"{label}.{field.name}: a reference table refers to county data")
    return problems


def _constraints(table: str) -> dict[str, dict[str, object]]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def distribution_sql() -> list[str]:
    """The statements that distribute a migrated PostgreSQL database over Citus.

    In order: drop the foreign keys among distributed tables; make every primary key
    (county_id, id) and every one-to-one unique (county_id, column); replicate the reference
    tables; distribute every county table by county_id in one colocation group; recreate the
    foreign keys with county_id on both sides. Constraint names are read from the database.
    The statements before the `create_*_table` calls are plain PostgreSQL.
    """
    models = _models()
    distributed = [m for m in models if table_kind(m) == "distributed"]
    tables = {m._meta.db_table for m in distributed}
    drop_fks: list[str] = []
    add_fks: list[str] = []
    rekey: list[str] = []
    for model in distributed:
        table = model._meta.db_table
        constraints = _constraints(table)
        for field in model._meta.local_concrete_fields:
            if not isinstance(field, ForeignKey):
                continue
            target = field.related_model._meta.db_table
            if target not in tables:
                continue
            for name, info in constraints.items():
                if info["foreign_key"] and info["columns"] == [field.column]:
                    drop_fks.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}";')
            add_fks.append(
                f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_{field.column}_cfk" '
                f'FOREIGN KEY ("{DISTRIBUTION_COLUMN}", "{field.column}") '
                f'REFERENCES "{target}" ("{DISTRIBUTION_COLUMN}", "id") '
                "DEFERRABLE INITIALLY DEFERRED;"
            )
        pk = model._meta.pk.column
        for name, info in constraints.items():
            if info["primary_key"] or (
                info["unique"]
                and len(info["columns"]) == 1
                and isinstance(_field_by_column(model, info["columns"][0]), OneToOneField)
            ):
                rekey.append(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}";')
        rekey.append(f'ALTER TABLE "{table}" ADD PRIMARY KEY ("{DISTRIBUTION_COLUMN}", "{pk}");')
    for label in sorted(APPLICATION_ONLY_KEYS):
        app_model, field_name = label.rsplit(".", 1)
        model = apps.get_model(app_model)
        column = model._meta.get_field(field_name).column
        for name, info in _constraints(model._meta.db_table).items():
            if info["foreign_key"] and info["columns"] == [column]:
                drop_fks.append(f'ALTER TABLE "{model._meta.db_table}" DROP CONSTRAINT "{name}";')
    reference = [m._meta.db_table for m in models if table_kind(m) == "reference"]
    first = sorted(tables)[0] if tables else ""
    create = [f"SELECT create_reference_table('{t}');" for t in sorted(reference)]
    create += [
        f"SELECT create_distributed_table('{t}', '{DISTRIBUTION_COLUMN}'"
        + (f", colocate_with => '{first}');" if t != first else ");")
        for t in sorted(tables)
    ]
    return [*dict.fromkeys(drop_fks), *rekey, *create, *add_fks]


def _field_by_column(model: type[Model], column: str) -> object:
    return next((f for f in model._meta.local_concrete_fields if f.column == column), None)


def _colocated(field: ForeignKey) -> Callable[[str | None, str | None], Lookup | None]:
    """FIELD's get_extra_restriction: its joins also match the county of both rows."""
    source = _county_field(field.model)
    target = _county_field(field.related_model)

    def extra(alias: str | None, related_alias: str | None) -> Lookup | None:
        # ALIAS names the table FIELD points to, RELATED_ALIAS FIELD's own table (a reverse
        # join swaps them back, ForeignObjectRel.get_extra_restriction). A subquery pushdown
        # passes only one; it needs nothing more, its outer query filters by county.
        if alias is None or related_alias is None:
            return None
        return Exact(Col(alias, target), Col(related_alias, source))

    return extra


def _county_models() -> list[type[Model]]:
    """The distributed models, each with its county key."""
    return [m for m in _models() if table_kind(m) == "distributed" and _county_field(m) is not None]


def colocated_joins(*, on: bool) -> int:
    """With ON, every join along a key between two county tables also joins on `county_id`
    (`ON a.unit_id = b.id AND b.county_id = a.county_id`), so that Citus sees the two tables
    co-located and keeps the join on one shard, whichever way Django reaches it
    (select_related, a filter across the relation, a reverse join). A key's value already
    names a row of the same county (the composite keys of a cluster; the services in one
    database), so the extra condition never changes a result. Without ON, joins are plain
    again (tests switch it both ways).

    Turned on at start-up by the CITUS_COLOCATED_JOINS setting, for a cluster only: on one
    PostgreSQL the planner takes the redundant condition for an independent one and
    underestimates the join's rows by the number of counties, which can cost a good plan
    (docs/operations.md). Set on each key field rather than by a field subclass, so that the
    migrations see no change. Returns how many keys it set or reset."""
    county_models = _county_models()
    count = 0
    for model in county_models:
        for field in model._meta.concrete_fields:
            if not isinstance(field, ForeignKey) or field.name == "county":
                continue
            if field.related_model not in county_models:
                continue
            if on:
                field.get_extra_restriction = _colocated(field)  # type: ignore[method-assign]
            else:
                field.__dict__.pop("get_extra_restriction", None)
            count += 1
    return count


_JOINED = re.compile(r'\bJOIN\s+"(\w+)"(?:\s+(?:AS\s+)?("?\w+"?))?\s+ON\b')


def join_gaps(sql: str) -> list[str]:
    """The distributed tables SQL joins without a condition on their `county_id` (an equality
    or IN on the joined table's own column): joins Citus cannot keep on one shard. A check for
    tests (tests/core/test_distribution.py), over the SQL Django writes."""
    tables = {m._meta.db_table for m in _county_models()}
    gaps = []
    for table, alias in _JOINED.findall(sql):
        if table not in tables:
            continue
        name = re.escape((alias or table).strip('"'))
        column = rf'"?{name}"?\."{DISTRIBUTION_COLUMN}"'
        if not re.search(rf"{column}\s*(?:=|IN\b)|=\s*{column}", sql):
            gaps.append(table)
    return gaps
