"""Matching validated import rows with the registry, checking them against it, and writing them.

Rows are matched on a stable key, so that importing the same file twice changes nothing the second
time: units on 单位代码, posts on 单位代码 + 岗位名称, cadres on 人员编号 or the keyed hash of the
身份证号, appointments on 人员编号 + post + 任职时间. A matched row whose values equal the stored
ones is unchanged and writes nothing, not even an audit row.
"""

import datetime
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar, TypeVar

from django.db.models import Count, Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhongjian.core.bulk import new_instance
from zhongjian.core.crypto import encrypt_texts
from zhongjian.dataio.columns import (
    DEFAULT_MAX_ERRORS,
    SPECS,
    ImportKind,
    KindSpec,
    ParsedRow,
    Problem,
)
from zhongjian.dataio.parsers import IdNumber, mask_id_number
from zhongjian.org import validation
from zhongjian.org.models import Appointment, Cadre, County, Post, Unit
from zhongjian.org.services import (
    id_number_hash,
    posts_staffing_changed,
    registry_bulk_write,
)
from zhongjian.org.validation import Held

# Rows listed by name in the preview of what an import will change.
MAX_CHANGES_SHOWN = 500
# Values per `IN (…)` query: below SQLite's limit of 32766 bound parameters, with room to spare.
LOOKUP_CHUNK = 5000
# Prefix of the staff numbers given to new cadres whose row has only an ID number.
GENERATED_STAFF_PREFIX = "ZJ"

Progress = Callable[[int, int], None]
_T = TypeVar("_T")


def _chunks(values: Iterable[_T]) -> Iterator[list[_T]]:
    iterator = iter(values)
    while chunk := list(itertools.islice(iterator, LOOKUP_CHUNK)):
        yield chunk


class Importer:
    """Plan the import of one file's rows into one county, then write the plan.

    `plan` reads the registry, reports rows that contradict it as errors and decides which rows
    create, update or leave objects unchanged; `write` carries the plan out. Both run in the
    caller's transaction, so that nothing changes in between.

    An importer whose STREAMS is true also plans a file in chunks of rows (`start`, then
    `plan_chunk` for each chunk, then `finish`), and `write` and `forget` after each, so that
    only a chunk's rows and objects are held at a time; its counts run over the whole file.
    """

    kind: ClassVar[str]
    object_type: ClassVar[str]
    model: ClassVar[type[Model] | None] = None  # a streaming importer's table
    streams: ClassVar[bool] = False

    def __init__(
        self, *, county: County, columns: dict[str, str], compare_ids: bool = False
    ) -> None:
        # Whether the file's ID numbers may be compared with the registered ones: only when the
        # import writes (and is audited). A check or dry run must not answer whether a guessed
        # ID number belongs to somebody (issue #8.5).
        self.compare_ids = compare_ids
        self.county = county
        self.columns = columns
        # The first DEFAULT_MAX_ERRORS problems, and how many there are in all.
        self.errors: list[Problem] = []
        self.error_count = 0
        self.changes: list[str] = []
        self.create: list[Model] = []
        self.update: list[tuple[Model, list[str]]] = []
        self.unchanged = 0

    @property
    def created(self) -> int:
        return len(self.create)

    @property
    def updated(self) -> int:
        return len(self.update)

    def error(self, row: ParsedRow, key: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) >= DEFAULT_MAX_ERRORS:
            return
        label = self.columns.get(key) or SPECS[self.kind].by_key[key].label
        # Whom the row is about, as the file's own problems name them.
        who = str(row.values.get("name") or row.values.get("staff_no") or "")
        self.errors.append(Problem(message=message, row=row.number, column=label, who=who))

    def note(self, row: ParsedRow, template: Promise, **params: object) -> None:
        """Add a line to the preview of changes; only the first MAX_CHANGES_SHOWN are kept, and
        only those are formatted."""
        if len(self.changes) < MAX_CHANGES_SHOWN:
            text = template % params
            self.changes.append(
                str(_("第 %(row)d 行：%(text)s") % {"row": row.number, "text": text})
            )

    def present(self, key: str) -> bool:
        """True when the file has the column KEY; missing columns never change stored values."""
        return key in self.columns

    def diff(self, instance: Model, fields: dict[str, object]) -> list[str]:
        return [name for name, value in fields.items() if getattr(instance, name) != value]

    def keep_unchanged_or_update(
        self, row: ParsedRow, instance: Model, fields: dict[str, object], what: str
    ) -> list[str]:
        """Count INSTANCE as unchanged, or set the FIELDS that differ and plan its update."""
        changed = self.diff(instance, fields)
        if not changed:
            self.unchanged += 1
            return changed
        for name in changed:
            setattr(instance, name, fields[name])
        self.update.append((instance, changed))
        labels = "、".join(
            str(type(instance)._meta.get_field(name).verbose_name) for name in changed
        )
        self.note(row, _("更新%(what)s：%(fields)s"), what=what, fields=labels)
        return changed

    def plan(self, rows: Sequence[ParsedRow], progress: Progress | None = None) -> None:
        raise NotImplementedError

    def write(self, *, actor: Any) -> None:
        registry_bulk_write(
            actor=actor,
            county_id=self.county.pk,
            object_type=self.object_type,
            create=self.create,
            update=self.update,
        )


class UnitImporter(Importer):
    kind = ImportKind.UNITS
    object_type = "unit"

    def plan(self, rows: Sequence[ParsedRow], progress: Progress | None = None) -> None:
        existing = {unit.code: unit for unit in Unit.objects.filter(county=self.county)}
        code_of = {unit.pk: unit.code for unit in existing.values()}
        in_file = {row.values["code"]: row for row in rows}
        with_parent = self.present("parent_code")
        # The hierarchy as it will be: the registry's, overridden by the file.
        parents: dict[object, object] = {
            code: code_of.get(unit.parent_id) for code, unit in existing.items()
        }
        for row in rows:
            parent = row.values["parent_code"]
            if with_parent or row.values["code"] not in existing:
                parents[row.values["code"]] = parent
            if parent is not None and parent not in in_file and parent not in existing:
                self.error(
                    row,
                    "parent_code",
                    _("上级单位代码「%(code)s」不存在：本文件和系统中都没有这个单位")
                    % {"code": parent},
                )
        self._check_cycles(rows, parents, in_file)
        self.new_parents: dict[object, object] = {}
        self.existing = existing
        for row in rows:
            values = row.values
            unit = existing.get(values["code"])
            if unit is None:
                self.create.append(
                    Unit(
                        county=self.county,
                        code=values["code"],
                        name=values["name"],
                        kind=values["kind"],
                    )
                )
                self.new_parents[values["code"]] = values["parent_code"]
                self.note(row, _("新增单位「%(name)s」"), name=values["name"])
                continue
            fields: dict[str, object] = {"name": values["name"], "kind": values["kind"]}
            changed = self.diff(unit, fields)
            if with_parent and code_of.get(unit.parent_id) != values["parent_code"]:
                changed.append("parent")
                self.new_parents[values["code"]] = values["parent_code"]
            if not changed:
                self.unchanged += 1
                continue
            for name in changed:
                if name != "parent":
                    setattr(unit, name, fields[name])
            self.update.append((unit, changed))
            self.note(row, _("更新单位「%(name)s」"), name=values["name"])

    def _check_cycles(
        self,
        rows: Sequence[ParsedRow],
        parents: dict[object, object],
        in_file: dict[object, ParsedRow],
    ) -> None:
        """Report loops that the file closes through units already registered.

        Loops among the file's own rows were reported by the validator already.
        """
        reported: set[object] = set()
        for row in rows:
            path: list[object] = []
            node: object = row.values["code"]
            while node is not None and node not in path:
                path.append(node)
                node = parents.get(node)
            if node is None:
                continue
            loop = path[path.index(node) :]
            if reported.intersection(loop) or all(code in in_file for code in loop):
                continue
            reported.update(loop)
            self.error(
                row,
                "parent_code",
                _("上级单位关系形成循环：%(loop)s；请核对上级单位代码")
                % {"loop": " → ".join(str(code) for code in [*loop, loop[0]])},
            )

    def write(self, *, actor: Any) -> None:
        units = dict(self.existing)
        pending = {unit.code: unit for unit in self.create}
        # New units go in by levels, each after its parent, since a row may only point at a
        # unit that already has its key.
        while pending:
            level = [
                unit for code, unit in pending.items() if self.new_parents.get(code) not in pending
            ]
            for unit in level:
                parent = self.new_parents.get(unit.code)
                unit.parent = units[parent] if parent is not None else None
            registry_bulk_write(
                actor=actor,
                county_id=self.county.pk,
                object_type=self.object_type,
                create=level,
                update=[],
            )
            for unit in level:
                units[unit.code] = unit
                del pending[unit.code]
        for unit, changed in self.update:
            if "parent" in changed:
                parent = self.new_parents[unit.code]
                unit.parent = units[parent] if parent is not None else None
        registry_bulk_write(
            actor=actor,
            county_id=self.county.pk,
            object_type=self.object_type,
            create=[],
            update=self.update,
        )


def _units_by_code(county: County) -> dict[str, Unit]:
    return {unit.code: unit for unit in Unit.objects.filter(county=county)}


class PostImporter(Importer):
    kind = ImportKind.POSTS
    object_type = "post"
    FIELDS = ("tier", "is_leadership", "required_establishment", "headcount")

    def plan(self, rows: Sequence[ParsedRow], progress: Progress | None = None) -> None:
        units = _units_by_code(self.county)
        posts = {
            (post.unit_id, post.title): post for post in Post.objects.filter(county=self.county)
        }
        holders = dict(
            Appointment.objects.filter(county=self.county, end_date__isnull=True)
            .values_list("post_id")
            .annotate(n=Count("id"))
        )
        fields = [key for key in self.FIELDS if self.present(key)]
        for row in rows:
            values = row.values
            unit = units.get(values["unit_code"])
            if unit is None:
                self.error(row, "unit_code", _unknown_unit(values["unit_code"]))
                continue
            post = posts.get((unit.pk, values["title"]))
            if post is None:
                self.create.append(
                    Post(
                        county=self.county,
                        unit=unit,
                        title=values["title"],
                        **{key: values[key] for key in self.FIELDS},
                    )
                )
                self.note(
                    row, _("新增岗位「%(unit)s %(title)s」"), unit=unit.name, title=values["title"]
                )
                continue
            held = holders.get(post.pk, 0)
            if self.present("headcount") and values["headcount"] < held:
                self.error(
                    row,
                    "headcount",
                    _("该岗位现有 %(held)d 人在任，职数不能少于在任人数") % {"held": held},
                )
                continue
            self.keep_unchanged_or_update(
                row, post, {key: values[key] for key in fields}, str(_("岗位"))
            )

    def write(self, *, actor: Any) -> None:
        super().write(actor=actor)
        touched = [
            post for post, changed in self.update if {"tier", "headcount"}.intersection(changed)
        ]
        posts_staffing_changed(posts=[*self.create, *touched])  # type: ignore[list-item]


def _units_by_name(county: County) -> dict[str, list[Unit]]:
    by_name: dict[str, list[Unit]] = {}
    for unit in Unit.objects.filter(county=county, is_active=True).order_by("code"):
        by_name.setdefault(unit.name, []).append(unit)
    return by_name


def _unit_by_name(name: str, by_name: dict[str, list[Unit]]) -> tuple[Unit | None, str]:
    """The one unit of the county named exactly NAME, or None and why (none or several match)."""
    matches = by_name.get(name.strip(), [])
    if len(matches) == 1:
        return matches[0], ""
    if not matches:
        return None, str(
            _("没有名为「%(name)s」的单位；请核对单位全称，或填写所在单位代码") % {"name": name}
        )
    codes = "、".join(unit.code for unit in matches)
    return None, str(
        _("有 %(n)d 个单位名为「%(name)s」（代码 %(codes)s）；请填写所在单位代码")
        % {"n": len(matches), "name": name, "codes": codes}
    )


def _unknown_unit(code: object) -> str:
    return str(_("单位代码「%(code)s」在系统中不存在；请先导入单位，或核对代码") % {"code": code})


class CadreImporter(Importer):
    kind = ImportKind.CADRES
    object_type = "cadre"
    model = Cadre
    FIELDS = (
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "education",
        "party_status",
        "party_join_date",
        "establishment",
        "work_start_date",
        "grassroots_start_date",
        "rank",
        "is_worker",
    )
    ID_FIELDS = ("id_number_cipher", "id_number_hash", "id_number_masked")
    # What matching reads of every registered cadre: plain tuples, as building a model instance
    # for each of a county's cadres would cost more than the rest of the plan.
    RECORD = ("pk", "staff_no", "id_number_hash", "unit_id", *FIELDS)
    POSITION: ClassVar[dict[str, int]] = {name: index for index, name in enumerate(RECORD)}

    streams = True

    def plan(self, rows: Sequence[ParsedRow], progress: Progress | None = None) -> None:
        """Plan the whole file at once: `start`, one chunk, `finish`."""
        self.start()
        self.plan_chunk(rows, progress)
        self.finish()

    def start(self) -> None:
        """Read what matching needs of the registry: every cadre of the county, once."""
        # Cadres whose ID number is to be (re)written, and the number, encrypted by `write`.
        self.to_encrypt: list[tuple[Cadre, str]] = []
        # New cadres of rows with only an ID number: their staff numbers are drawn by `finish`,
        # when every number of the file is known, so that none is one the file uses further on.
        self.unnumbered: list[tuple[Cadre, IdNumber | None]] = []
        # Generated-looking staff numbers the file gives, which a drawn number must avoid.
        self.prefixed: set[str] = set()
        self.written_created = self.written_updated = 0
        self.units = _units_by_code(self.county)
        self.units_by_name = _units_by_name(self.county)
        self.by_staff_no: dict[object, tuple[Any, ...]] = {}
        self.by_hash: dict[str, tuple[Any, ...]] = {}
        registered = Cadre.objects.filter(county=self.county).values_list(*self.RECORD)
        for record in registered.iterator(chunk_size=LOOKUP_CHUNK):
            self.by_staff_no[record[1]] = record
            if record[2]:
                self.by_hash[record[2]] = record
        # The ID number gives the birth date and gender where the file has no such column.
        given = {key for key in self.FIELDS if self.present(key)}
        if self.present("id_number"):
            given |= {"birth_date", "gender"}
        self.fields = [key for key in self.FIELDS if key in given]
        # Registered cadres already matched by a row: their key → that row's number.
        self.claimed: dict[int, int] = {}

    @property
    def created(self) -> int:
        return self.written_created + len(self.create) + len(self.unnumbered)

    @property
    def updated(self) -> int:
        return self.written_updated + len(self.update)

    def plan_chunk(self, rows: Sequence[ParsedRow], progress: Progress | None = None) -> None:
        """Match ROWS (the next rows of the file, in order) and plan their writes.

        Matching is against the registry as `start` read it, so that what earlier chunks wrote
        does not change how later rows match; rows repeating a key of the file were refused by
        the validator already.
        """
        units, units_by_name, claimed = self.units, self.units_by_name, self.claimed
        by_staff_no, by_hash, fields = self.by_staff_no, self.by_hash, self.fields
        pending: list[tuple[ParsedRow, int, dict[str, object], str | None]] = []
        for index, row in enumerate(rows):
            if progress is not None and index % 5000 == 0:
                progress(index, len(rows))
            values = row.values
            staff_no = values["staff_no"]
            if staff_no and str(staff_no).startswith(GENERATED_STAFF_PREFIX):
                self.prefixed.add(str(staff_no))
            id_number = values["id_number"]
            digest = id_number_hash(id_number.number) if isinstance(id_number, IdNumber) else None
            if values.get("unit_code"):
                unit = units.get(values["unit_code"])
                if unit is None:
                    self.error(row, "unit_code", _unknown_unit(values["unit_code"]))
                    continue
            else:
                unit, why = _unit_by_name(str(values["unit_name"]), units_by_name)
                if unit is None:
                    self.error(row, "unit_name", why)
                    continue
            by_staff = by_staff_no.get(staff_no) if staff_no else None
            by_id = by_hash.get(digest) if digest and self.compare_ids else None
            if by_staff is not None and by_id is not None and by_staff[0] != by_id[0]:
                # Only when writing; the other cadre is not named.
                self.error(
                    row,
                    "id_number",
                    _("该身份证号已登记在本县另一名干部名下，与本行人员编号不符"),
                )
                continue
            record = by_staff or by_id
            if record is None:
                cadre = self._new_cadre(values, unit, staff_no, digest)
                if staff_no:
                    self.create.append(cadre)
                    if digest:
                        self.to_encrypt.append((cadre, id_number.number))  # type: ignore[union-attr]
                else:
                    self.unnumbered.append((cadre, id_number if digest else None))  # type: ignore[arg-type]
                self.note(row, _("新增干部「%(name)s」"), name=values["name"])
                continue
            if record[0] in claimed:
                self.error(
                    row,
                    "staff_no" if by_staff is not None else "id_number",
                    _("与第 %(first)d 行是同一名干部；请合并为一行")
                    % {"first": claimed[record[0]]},
                )
                continue
            claimed[record[0]] = row.number
            wanted: dict[str, object] = {key: values[key] for key in fields}
            if "rank" in wanted:
                wanted["rank"] = wanted["rank"] or ""
            wanted["unit_id"] = unit.pk
            if staff_no:
                wanted["staff_no"] = staff_no
            changes = {
                name: value
                for name, value in wanted.items()
                if record[self.POSITION[name]] != value
            }
            # Without the comparison every given ID number is (re)written, so the preview reads
            # the same whether or not the number is the registered one.
            new_digest = (
                digest if digest and (digest != record[2] or not self.compare_ids) else None
            )
            if changes or new_digest:
                pending.append((row, record[0], changes, new_digest))
            else:
                self.unchanged += 1
        self._plan_updates(pending)

    def finish(self) -> None:
        """Give the new cadres of rows without a staff number theirs (ZJ000001, …), in row order,
        skipping the county's and the file's."""
        if not self.unnumbered:
            return
        taken = set(
            Cadre.objects.filter(
                county=self.county, staff_no__startswith=GENERATED_STAFF_PREFIX
            ).values_list("staff_no", flat=True)
        )
        taken |= self.prefixed
        numbers = (f"{GENERATED_STAFF_PREFIX}{n:06d}" for n in itertools.count(1))
        fresh = (number for number in numbers if number not in taken)
        for (cadre, id_number), staff_no in zip(self.unnumbered, fresh, strict=False):
            cadre.staff_no = staff_no
            self.create.append(cadre)
            if id_number is not None:
                self.to_encrypt.append((cadre, id_number.number))
        self.unnumbered = []

    def forget(self) -> None:
        """Drop the planned objects (written, or never to be), keeping their counts."""
        self.written_created += len(self.create)
        self.written_updated += len(self.update)
        self.create, self.update, self.to_encrypt = [], [], []

    def _new_cadre(
        self, values: dict[str, object], unit: Unit, staff_no: object, digest: str | None
    ) -> Cadre:
        cadre = new_instance(
            Cadre,
            county_id=self.county.pk,
            unit_id=unit.pk,
            staff_no=staff_no or "",
            rank=values["rank"] or "",
            **{key: values[key] for key in self.FIELDS if key != "rank"},
        )
        if digest:
            # The parser has normalised the number already; org.services._set_id_number does the
            # same assignments for single writes. The encryption waits for `write`: a check (dry
            # run) writes nothing and need not encrypt anything.
            cadre.id_number_hash = digest
            cadre.id_number_masked = mask_id_number(values["id_number"].number)  # type: ignore[union-attr]
        return cadre

    def _set_id(self, cadre: Cadre, id_number: IdNumber, digest: str) -> None:
        self.to_encrypt.append((cadre, id_number.number))
        cadre.id_number_hash = digest
        cadre.id_number_masked = mask_id_number(id_number.number)

    def write(self, *, actor: Any) -> None:
        ciphers = encrypt_texts(number for _cadre, number in self.to_encrypt)
        for (cadre, _number), cipher in zip(self.to_encrypt, ciphers, strict=True):
            cadre.id_number_cipher = cipher
        super().write(actor=actor)

    def _plan_updates(
        self, pending: list[tuple[ParsedRow, int, dict[str, object], str | None]]
    ) -> None:
        """Load the cadres that change and set their new values."""
        cadres: dict[int, Cadre] = {}
        for chunk in _chunks([pk for _row, pk, _changes, _digest in pending]):
            cadres.update(Cadre.objects.in_bulk(chunk))
        for row, pk, changes, digest in pending:
            cadre = cadres[pk]
            for name, value in changes.items():
                setattr(cadre, name, value)
            changed = list(changes)
            labels = [
                str(Cadre._meta.get_field(name.removesuffix("_id")).verbose_name)
                for name in changed
            ]
            if digest:
                self._set_id(cadre, row.values["id_number"], digest)  # type: ignore[arg-type]
                changed.extend(self.ID_FIELDS)
                labels.append(str(_("身份证号")))
            self.update.append((cadre, changed))
            self.note(
                row,
                _("更新干部「%(name)s」：%(fields)s"),
                name=cadre.name,
                fields="、".join(labels),
            )


class AppointmentImporter(Importer):
    kind = ImportKind.APPOINTMENTS
    object_type = "appointment"

    def plan(self, rows: Sequence[ParsedRow], progress: Progress | None = None) -> None:
        units = _units_by_code(self.county)
        posts = {
            (post.unit_id, post.title): post
            for post in Post.objects.filter(county=self.county).select_related("unit")
        }
        cadres: dict[object, Cadre] = {}
        for chunk in _chunks({row.values["staff_no"] for row in rows}):
            cadres.update(
                (cadre.staff_no, cadre)
                for cadre in Cadre.objects.filter(county=self.county, staff_no__in=chunk)
            )
        existing: dict[tuple[int, int, datetime.date], Appointment] = {}
        for chunk in _chunks([cadre.pk for cadre in cadres.values()]):
            for appointment in Appointment.objects.filter(cadre_id__in=chunk):
                key = (appointment.cadre_id, appointment.post_id, appointment.start_date)
                existing[key] = appointment
        self.opened: list[tuple[ParsedRow, Appointment]] = []
        for row in rows:
            values = row.values
            cadre = cadres.get(values["staff_no"])
            if cadre is None:
                self.error(
                    row,
                    "staff_no",
                    _("人员编号「%(staff_no)s」在系统中不存在；请先导入干部，或核对编号")
                    % {"staff_no": values["staff_no"]},
                )
            unit = units.get(values["unit_code"])
            if unit is None:
                self.error(row, "unit_code", _unknown_unit(values["unit_code"]))
                continue
            post = posts.get((unit.pk, values["title"]))
            if post is None:
                self.error(
                    row,
                    "title",
                    _("单位「%(unit)s」没有名为「%(title)s」的岗位；请先导入岗位，或核对岗位名称")
                    % {"unit": unit.name, "title": values["title"]},
                )
                continue
            if cadre is None:
                continue
            late = validation.appointment_start_violations(
                start_date=values["start_date"], work_start_date=cadre.work_start_date
            )
            for problem in late:
                self.error(row, "start_date", problem.message)
            if late:
                continue
            fields = {
                key: values[key] or (None if key == "end_date" else "")
                for key in ("end_date", "end_reason", "document_no")
                if self.present(key)
            }
            appointment = existing.get((cadre.pk, post.pk, values["start_date"]))
            if appointment is not None:
                changed = self.keep_unchanged_or_update(row, appointment, fields, str(_("任职")))
                if "end_date" in changed and appointment.end_date is None:
                    # A row without 免职时间 reopens the appointment: it takes a seat again.
                    self.opened.append((row, appointment))
                continue
            appointment = Appointment(
                county_id=self.county.pk,
                cadre=cadre,
                post=post,
                unit_id=post.unit_id,
                start_date=values["start_date"],
                end_date=values["end_date"],
                end_reason=values["end_reason"] or "",
                document_no=values["document_no"] or "",
            )
            self.create.append(appointment)
            if appointment.end_date is None:
                self.opened.append((row, appointment))
            self.note(
                row,
                _("新增任职：%(name)s 任 %(unit)s %(title)s"),
                name=cadre.name,
                unit=unit.name,
                title=post.title,
            )
        self._check_seats(existing.values())

    def _check_seats(self, existing: Iterable[Appointment]) -> None:
        """Refuse new open appointments beyond a post's headcount or doubling a cadre's tenure."""
        if not self.opened:
            return
        open_after = {
            appointment.pk: appointment
            for appointment in Appointment.objects.filter(
                post_id__in={a.post_id for _row, a in self.opened}, end_date__isnull=True
            )
        }
        # Appointments this file ends are not open any more.
        for appointment in existing:
            if appointment.end_date is not None:
                open_after.pop(appointment.pk, None)
        seats: Counter[int] = Counter(a.post_id for a in open_after.values())
        # Every current post of the cadres this file appoints, for the 兼任 rule.
        ended = {a.pk for a in existing if a.end_date is not None}
        current_posts: dict[int, dict[int, Post]] = defaultdict(dict)
        for chunk in _chunks(list({a.cadre_id for _row, a in self.opened})):
            for current in Appointment.objects.filter(
                cadre_id__in=chunk, end_date__isnull=True
            ).select_related("post"):
                if current.pk not in ended:
                    current_posts[current.cadre_id][current.post_id] = current.post
        held = {(a.cadre_id, a.post_id): a for a in open_after.values()}
        for row, appointment in self.opened:
            post = appointment.post
            other = held.get((appointment.cadre_id, post.pk))
            if other is not None:
                self.error(
                    row,
                    "start_date",
                    _(
                        "该干部已在「%(title)s」任职（%(start)s 起，尚未免职）；"
                        "如是同一任职请核对任职时间"
                    )
                    % {"title": post.title, "start": other.start_date.isoformat()},
                )
                continue
            held[(appointment.cadre_id, post.pk)] = appointment
            posts_held = current_posts[appointment.cadre_id]
            posts_held[post.pk] = post
            leadership = validation.leadership_violations(
                name=appointment.cadre.name,
                held=[
                    Held(p.title, p.is_leadership, p.allows_concurrent) for p in posts_held.values()
                ],
            )
            if post.is_leadership and leadership:
                self.error(row, "title", leadership[0].message)
                continue
            seats[post.pk] += 1
            if seats[post.pk] > post.headcount:
                self.error(
                    row,
                    "title",
                    _(
                        "「%(title)s」职数 %(headcount)d 人，导入后将有 %(count)d 人同时在任；"
                        "请填写前任的免职时间"
                    )
                    % {"title": post.title, "headcount": post.headcount, "count": seats[post.pk]},
                )

    def write(self, *, actor: Any) -> None:
        super().write(actor=actor)
        self._follow_units(actor=actor)
        posts = [appointment.post for appointment in self.create]
        posts.extend(appointment.post for appointment, _changed in self.update)
        posts_staffing_changed(posts=posts)

    def _follow_units(self, *, actor: Any) -> None:
        """A cadre's unit follows their latest new open appointment, as in appointment_create."""
        latest: dict[int, Appointment] = {}
        for _row, appointment in self.opened:
            current = latest.get(appointment.cadre_id)
            if current is None or appointment.start_date >= current.start_date:
                latest[appointment.cadre_id] = appointment
        moved = []
        for appointment in latest.values():
            cadre = appointment.cadre
            if cadre.unit_id != appointment.unit_id:
                cadre.unit_id = appointment.unit_id
                moved.append((cadre, ["unit"]))
        registry_bulk_write(
            actor=actor, county_id=self.county.pk, object_type="cadre", create=[], update=moved
        )


IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (UnitImporter, PostImporter, CadreImporter, AppointmentImporter)
}


def register_import_kind(spec: KindSpec, importer: type[Importer]) -> None:
    """Add an app's own import kind (its columns and importer) to the shared machinery."""
    SPECS[spec.kind] = spec
    IMPORTERS[spec.kind] = importer


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems of the file first, then by row, in a stable order within a row."""
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0))
