"""Bulk inserts for imports of hundreds of thousands of rows.

`QuerySet.bulk_create` prepares every value of every row through the field API, which costs more
than the database's own work for a wide table. `bulk_insert` prepares values with one converter
per column and writes them with `COPY … FROM STDIN` on PostgreSQL (keys drawn from the table's
sequence beforehand, in one query), multi-row `INSERT … RETURNING` elsewhere.

Inside `copies_in_background()` (a streaming import) a COPY is handed to a thread of its own,
which writes it on the same connection, in the same transaction, while the caller goes on
reading the next rows of its file: the database digests one chunk while Python parses the next.
Every later use of the connection waits for the queued COPYs first (see `_CopyWriter`), so the
statements run in exactly the order they were issued.
"""

import contextlib
import itertools
import operator
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, models, router
from django.db.models.base import ModelState
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

# Rows per INSERT statement: large enough to amortise the round trip, small enough to keep the
# statement and its parameters a few megabytes at most.
MAX_BATCH = 1000
# Rows converted at a time for COPY, which streams them: bounds the memory of the conversion.
COPY_CHUNK = 10_000
_AUTO_FIELDS = frozenset({"AutoField", "BigAutoField", "SmallAutoField"})


@cache
def _defaults(model: type[models.Model]) -> tuple[dict[str, Any], tuple[models.Field, ...]]:
    """Constant defaults of MODEL's concrete fields, and the fields whose default is callable."""
    constant: dict[str, Any] = {}
    called: list[models.Field] = []
    for field in model._meta.concrete_fields:
        if field.has_default() and callable(field.default):
            called.append(field)
        else:
            constant[field.attname] = field.get_default()
    return constant, tuple(called)


def new_instance(model: type[M], **values: Any) -> M:
    """An unsaved instance of MODEL for `bulk_insert`, without `Model.__init__`'s per-field work.

    VALUES are given by attribute name (`unit_id`, not `unit`) and are not validated; every
    other field takes its default. A tenth of the cost of `MODEL(**values)`, which matters at
    a hundred thousand rows.
    """
    constant, called = _defaults(model)
    instance = model.__new__(model)
    instance.__dict__.update(constant)
    for field in called:
        instance.__dict__[field.attname] = field.get_default()
    instance.__dict__.update(values)
    instance._state = ModelState()
    return instance


def _converter(field: models.Field, connection: Any) -> Callable[[Any], Any] | None:
    """How a Python value of FIELD becomes a query parameter, or None when it is one already."""
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField | models.DecimalField | models.UUIDField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def bulk_insert(instances: Sequence[models.Model]) -> None:
    """Insert INSTANCES (all of one model with more than one column, unsaved) and set their keys.

    Does what `bulk_create` does for plain rows: `auto_now_add` fields get the current time,
    other values are written as the instances hold them. No signals are sent and no `save()`
    runs, as with `bulk_create`. Falls back to `bulk_create` where the database cannot return
    the keys of a multi-row insert.
    """
    if not instances:
        return
    model = type(instances[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.bulk_create(instances)
        return
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    now = timezone.now()
    stamped = [
        index
        for index, field in enumerate(fields)
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
    ]
    for index in stamped:
        for instance in instances:
            instance.__dict__[fields[index].attname] = now
    converters = {index: _converter(field, connection) for index, field in enumerate(fields)}
    # The insert time is one value for all rows: converted once.
    constants = {
        index: now if converters[index] is None else converters[index](now)  # type: ignore[misc]
        for index in stamped
    }
    converted = [
        (index, convert)
        for index, convert in converters.items()
        if convert is not None and index not in constants
    ]
    read = operator.itemgetter(*(field.attname for field in fields))

    def rows(chunk: Sequence[models.Model]) -> list[Sequence[Any]]:
        """The chunk's values in column order, as parameters."""
        if not converted and not constants:
            return [read(instance.__dict__) for instance in chunk]
        result = []
        for instance in chunk:
            values = list(read(instance.__dict__))
            for index, convert in converted:
                if values[index] is not None:
                    values[index] = convert(values[index])
            for index, value in constants.items():
                values[index] = value
            result.append(values)
        return result

    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    pk_column = connection.ops.quote_name(meta.pk.column)
    if (
        connection.vendor == "postgresql"
        and meta.pk.get_internal_type() in _AUTO_FIELDS
        and _copy(connection, instances, table, meta.pk.column, columns, rows)
    ):
        for instance in instances:
            instance._state.adding = False
            instance._state.db = alias
        return
    if connection.vendor == "postgresql":
        # One array per column, unnested into rows: the statement stays small whatever the
        # batch, and PostgreSQL parses it once.
        arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        values_sql = f"SELECT * FROM UNNEST({arrays})"  # noqa: S608 (names and types only)
        batch = MAX_BATCH * 10

        def parameters(chunk: Sequence[models.Model]) -> list[Any]:
            return [list(column) for column in zip(*rows(chunk), strict=True)]
    else:
        # SQLite's own placeholder: Django's SQLite cursor rewrites every `%s` of a statement
        # with a regular expression, a second per hundred thousand rows. Not under DEBUG, whose
        # query log formats the statement with `%` and fails on `?`.
        placeholder = "?" if connection.vendor == "sqlite" and not settings.DEBUG else "%s"
        row_sql = "(" + ", ".join([placeholder] * len(fields)) + ")"
        batch = max(1, min(MAX_BATCH, connection.ops.bulk_batch_size(fields, instances)))
        values_sql = ""

        def parameters(chunk: Sequence[models.Model]) -> list[Any]:
            return list(itertools.chain.from_iterable(rows(chunk)))

    with connection.cursor() as cursor:
        for start in range(0, len(instances), batch):
            chunk = instances[start : start + batch]
            rows_sql = values_sql or "VALUES " + ", ".join([row_sql] * len(chunk))
            # Only names from the model's metadata, quoted by the backend, enter the SQL text;
            # every value is a parameter.
            sql = f"INSERT INTO {table} ({columns}) {rows_sql} RETURNING {pk_column}"
            cursor.execute(sql, parameters(chunk))
            for instance, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                instance.pk = pk
                instance._state.adding = False
                instance._state.db = alias


class _CopyWriter:
    """A thread that runs the COPYs queued on one connection, one after another, in order.

    Only the thread of the connection queues (`submit`) and waits (`settle`). While a COPY is
    queued or running, the connection belongs to the writer: every query through Django's
    cursor settles first (an execute wrapper), and so do the writes of this module, savepoints
    (they are queries) and the end of `copies_in_background` (before the transaction commits or
    rolls back). psycopg's connection lock, which a COPY holds from start to end, is a second
    guard: nothing else can interleave with it. A COPY that fails fails the ones after it
    unrun, and its error is raised by the next `settle`, where the caller would have seen it.
    """

    def __init__(self, connection: Any) -> None:
        self.connection = connection  # Django's, used by the connection's own thread only
        self.raw = connection.connection  # psycopg's, thread-safe, used by the writer
        self.jobs: queue.SimpleQueue[tuple[str, list[Sequence[Any]]] | None] = queue.SimpleQueue()
        self.idle = threading.Condition()
        self.pending = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="bulk-copy", daemon=True)
        self.thread.start()

    def submit(self, sql: str, rows: list[Sequence[Any]]) -> None:
        with self.idle:
            self.pending += 1
        self.jobs.put((sql, rows))

    def settle(self) -> None:
        """Wait until every queued COPY has run; raise the error of one that failed."""
        with self.idle:
            self.idle.wait_for(lambda: not self.pending)
            error, self.error = self.error, None
        if error is not None:
            # As Django's cursor would have raised it (IntegrityError, DataError …).
            with self.connection.wrap_database_errors:
                raise error

    def close(self) -> None:
        with self.idle:
            self.idle.wait_for(lambda: not self.pending)
        self.jobs.put(None)
        self.thread.join()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            sql, rows = job
            try:
                if self.error is None:
                    with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                        for row in rows:
                            copy.write_row(row)
            except BaseException as error:  # handed to the connection's thread by settle()
                self.error = error
            finally:
                with self.idle:
                    self.pending -= 1
                    self.idle.notify_all()


_writers: dict[int, _CopyWriter] = {}


@contextlib.contextmanager
def copies_in_background(alias: str = "default") -> Iterator[None]:
    """Run this block's COPYs on PostgreSQL in a thread beside it (see the module docstring).

    Use inside the transaction the COPYs belong to: leaving the block waits for them, so the
    transaction ends only after they have run. Elsewhere, or nested, a plain block.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql" or id(connection) in _writers:
        yield
        return
    connection.ensure_connection()
    writer = _CopyWriter(connection)

    def settled(execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        writer.settle()
        return execute(sql, params, many, context)

    _writers[id(connection)] = writer
    try:
        with connection.execute_wrapper(settled):
            try:
                yield
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.settle()  # the block's own error is the one to report
                raise
            writer.settle()
    finally:
        del _writers[id(connection)]
        writer.close()


@contextlib.contextmanager
def foreign_keys_checked_per_statement(*models: type[models.Model]) -> Iterator[None]:
    """Check the deferred foreign keys of MODELS' tables at the end of each statement that
    writes them rather than all at once at commit (PostgreSQL; elsewhere a plain block).

    Django declares foreign keys `DEFERRABLE INITIALLY DEFERRED`, so that rows may be written
    in any order. An import writes referenced rows first; checked per statement, the checks of
    a chunk's COPY run in the database while the next chunk is read (`copies_in_background`),
    instead of a hundred thousand of them one after another at commit. Use inside the
    transaction; on leaving the block the keys are deferred again.
    """
    connection = connections[router.db_for_write(models[0])]
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'f' AND condeferred"
            " AND conrelid = ANY(%s::regclass[]) ORDER BY conname",
            [tables],
        )
        names = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
    if not names:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")  # names from the catalogue, quoted
    yield
    # Not after an error, nor when the block has marked its transaction for rollback (a refused
    # import): the rollback, to the savepoint as well, undoes the setting with the rest.
    if not connection.needs_rollback:
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")


def _copy_rows(connection: Any, sql: str, rows: list[Sequence[Any]]) -> None:
    """COPY ROWS with SQL: handed to the connection's writer thread when there is one."""
    writer = _writers.get(id(connection))
    if writer is not None:
        writer.submit(sql, rows)
        return
    # Django's cursor wrapper has no COPY; its psycopg cursor runs in the same transaction.
    # Errors as Django's cursor raises them (IntegrityError …), as `settle` does.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _copy(
    connection: Any,
    instances: Sequence[models.Model],
    table: str,
    pk_column: str,
    columns: str,
    rows: Callable[[Sequence[models.Model]], list[Sequence[Any]]],
) -> bool:
    """Write INSTANCES with one `COPY`, their keys drawn from the table's sequence first; False
    (nothing written) when the key column has no sequence.

    COPY parses rows as a stream without a statement per batch or an array per column: several
    times cheaper than `INSERT … SELECT FROM UNNEST` for a hundred thousand rows. Keys drawn and
    not used (the transaction rolls back) leave a gap, as any rolled-back insert does.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk_column])
        (sequence,) = cursor.fetchone()
        if sequence is None:
            return False
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(instances)])
        keys = [key for (key,) in cursor.fetchall()]
    quoted_pk = connection.ops.quote_name(pk_column)
    # Only names from the model's metadata, quoted by the backend, enter the SQL text.
    sql = f"COPY {table} ({quoted_pk}, {columns}) FROM STDIN"
    for start in range(0, len(instances), COPY_CHUNK):
        chunk = instances[start : start + COPY_CHUNK]
        _copy_rows(
            connection,
            sql,
            [
                (key, *values)
                for key, values in zip(keys[start : start + COPY_CHUNK], rows(chunk), strict=True)
            ],
        )
    for instance, key in zip(instances, keys, strict=True):
        instance.pk = key
    return True


def insert_rows(
    model: type[models.Model], names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ROWS, each the values of MODEL's fields NAMES (attribute names) in that order, as
    they are to be stored, other fields taking their defaults; keys are not read back. Returns
    the rows written.

    For rows nobody reads back in the same request, such as the audit rows of an import: no
    model instance per row. `COPY` on PostgreSQL; elsewhere one prepared `INSERT` run for every
    row (`executemany`). Values pass through the same per-column conversion as `bulk_insert`.
    """
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    fields = [meta.get_field(name) for name in names]
    # Fields not named take their defaults (`auto_now_add`: the time of the insert), as in
    # `new_instance`.
    constant, called = _defaults(model)
    now = timezone.now()
    rest = [field for field in meta.concrete_fields if field is not meta.pk and field not in fields]
    stamped = {
        field
        for field in rest
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
    }
    per_row = [field for field in rest if field in called and field not in stamped]
    fixed = tuple(now if field in stamped else constant.get(field.attname) for field in rest)
    fields += rest
    converters = [
        (index, convert)
        for index, field in enumerate(fields)
        if (convert := _converter(field, connection)) is not None
    ]

    def prepared() -> Iterator[Sequence[Any]]:
        for row in rows:
            if rest:
                tail = list(fixed)
                for field in per_row:
                    tail[rest.index(field)] = field.get_default()
                row = (*row, *tail)
            if converters:
                row = list(row)
                for index, convert in converters:
                    if row[index] is not None:
                        row[index] = convert(row[index])
            yield row

    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    written = 0
    if connection.vendor == "postgresql":
        # Only names from the model's metadata, quoted by the backend, enter the SQL text.
        sql = f"COPY {table} ({columns}) FROM STDIN"
        iterator = prepared()
        while chunk := list(itertools.islice(iterator, COPY_CHUNK)):
            _copy_rows(connection, sql, chunk)
            written += len(chunk)
        return written
    with connection.cursor() as cursor:
        placeholders = ", ".join(["%s"] * len(fields))
        batch: list[Sequence[Any]] = []
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        for row in prepared():
            batch.append(row)
            if len(batch) == COPY_CHUNK:
                cursor.executemany(sql, batch)
                written += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written
