"""Importing 干部任免审批表 files into the registry: upload, per-person preview, confirm.

A batch is read and kept encrypted (`FormBatch`); the preview is computed from it and the
registry each time it is shown, so it is never stale; confirming writes the whole batch in one
transaction or nothing. A person is matched by name and birth month within the county (a
name-and-month pair that fits several cadres is for the clerk to choose), never by ID number: a
preview that said "matched" for an ID number would let anyone who may import confirm a guessed one.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_record
from zhongjian.core.crypto import decrypt_text, encrypt_text
from zhongjian.core.errors import NotFound, PermissionDenied, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.dataio import lrmx
from zhongjian.dataio.lrmx_export import post_label
from zhongjian.dataio.models import FormBatch, FormBatchStatus
from zhongjian.org import services as org_services
from zhongjian.org.choices import Education, Establishment, Gender, PartyStatus, ReviewRating
from zhongjian.org.models import (
    Appointment,
    Cadre,
    County,
    Post,
    Unit,
)

BATCH_LIFETIME = datetime.timedelta(days=1)
SKIP = 0  # a résumé line the clerk chose not to turn into an appointment
NEW = 0  # a person the clerk chose to register as new although a name matched

_RATING_BY_LABEL = {str(choice.label): choice.value for choice in ReviewRating}
_DEMOCRATIC_PARTIES = ("民革", "民盟", "民建", "民进", "农工", "致公", "九三", "台盟", "民主党派")


@dataclass
class LinePlan:
    """One dated 简历 line: the post it maps to, and whether an appointment will be created."""

    index: int
    start: lrmx.PartialDate | None
    end: lrmx.PartialDate | None
    text: str
    post: Post | None = None
    chosen: bool = False  # the post was the clerk's choice, not an exact name match
    skipped: bool = False
    creates: bool = False
    note: str = ""

    @property
    def key(self) -> str:
        return str(self.index)

    @property
    def period(self) -> str:
        start = self.start.dotted() if self.start else ""
        end = self.end.dotted() if self.end else _("至今")
        return f"{start}—{end}" if start else ""


@dataclass
class PersonPlan:
    index: int
    filename: str
    record: lrmx.FormRecord | None
    cadre: Cadre | None = None
    candidates: list[Cadre] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    lines: list[LinePlan] = field(default_factory=list)
    unit: Unit | None = None

    @property
    def is_new(self) -> bool:
        return self.record is not None and self.cadre is None

    @property
    def appointments(self) -> int:
        return sum(line.creates for line in self.lines)

    @property
    def unmatched(self) -> list[LinePlan]:
        return [line for line in self.lines if line.post is None and not line.skipped]


@dataclass
class BatchPlan:
    batch: FormBatch
    people: list[PersonPlan]
    unit: Unit | None
    establishment: str
    # The county's active posts the plan matched against (the preview offers them as choices).
    posts: list[Post] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [f"{p.filename}：{problem}" for p in self.people for problem in p.problems]

    @property
    def ok(self) -> bool:
        return not self.problems and any(p.record for p in self.people)

    @property
    def created(self) -> int:
        return sum(p.is_new for p in self.people)

    @property
    def updated(self) -> int:
        return sum(p.cadre is not None for p in self.people)

    @property
    def appointments(self) -> int:
        return sum(p.appointments for p in self.people)


def _require_org_department(actor: Any) -> County:
    if getattr(actor, "role", None) != Role.ORG_DEPARTMENT or actor.county_id is None:
        raise PermissionDenied(_("只有组织部可以导入任免审批表。"))
    return actor.county


def _payload(batch: FormBatch) -> dict[str, Any]:
    if not batch.payload_cipher:
        raise ValidationError(_("这批文件已经处理完毕，内容已删除。"))
    return json.loads(decrypt_text(batch.payload_cipher))


def _store(batch: FormBatch, payload: dict[str, Any]) -> None:
    batch.payload_cipher = encrypt_text(json.dumps(payload, ensure_ascii=False))


@transaction.atomic
def form_batch_submit(
    *,
    actor: Any,
    files: Iterable[lrmx.BatchFile],
    unit: Unit | None = None,
    establishment: str = Establishment.ADMINISTRATIVE,
) -> FormBatch:
    """Read FILES (.lrmx, .lrm with .pic, or .zip of them) into a batch awaiting confirmation.

    UNIT and ESTABLISHMENT are where people not yet on the roster are registered, unless their
    open 简历 line names a post of the registry.
    """
    county = _require_org_department(actor)
    files = list(files)
    if not files:
        raise ValidationError(_("请选择要导入的 .lrmx、.lrm 文件或 .zip 压缩包。"))
    if unit is not None and unit.county_id != county.pk:
        raise ValidationError(_("所选单位不属于本县。"))
    if establishment not in Establishment.values:
        raise ValidationError(_("请选择编制类型。"))
    results = lrmx.read_batch(files)
    payload = {
        "files": [
            {
                "filename": result.filename,
                "problems": result.problems,
                "warnings": result.warnings,
                "record": lrmx.record_to_json(result.record) if result.record else None,
            }
            for result in results
        ],
        "unit": unit.pk if unit else None,
        "establishment": establishment,
        "match": {},
        "lines": {},
    }
    batch = FormBatch(
        county=county,
        created_by=actor,
        file_count=len(results),
        person_count=sum(result.record is not None for result in results),
    )
    _store(batch, payload)
    batch.save()
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="form_batch",
        object_id=batch.pk,
        county_id=county.pk,
        summary=_("上传任免审批表 %(n)d 个文件") % {"n": batch.file_count},
    )
    return batch


def form_batch_get(*, actor: Any, pk: object) -> FormBatch:
    """The batch PK of the actor's county; another county's batch does not exist for them."""
    county = _require_org_department(actor)
    try:
        return FormBatch.objects.get(pk=int(str(pk)), county=county)
    except (FormBatch.DoesNotExist, ValueError, OverflowError):
        raise NotFound(_("找不到这批任免审批表。")) from None


def form_batch_list(*, actor: Any, limit: int = 20) -> list[FormBatch]:
    county = _require_org_department(actor)
    return list(FormBatch.objects.filter(county=county)[:limit])


@transaction.atomic
def form_batch_choose(
    *,
    actor: Any,
    batch: FormBatch,
    matches: dict[str, int] | None = None,
    lines: dict[str, int] | None = None,
    unit: Unit | None = None,
) -> FormBatch:
    """Record the clerk's choices: which cadre a person is (or NEW), which post a 简历 line means
    (or SKIP), keyed `"<person>"` and `"<person>-<line>"`; and the unit for new people.

    BATCH itself is updated too, so a preview computed from it afterwards shows the choices.
    """
    county = _require_org_department(actor)
    locked = FormBatch.objects.select_for_update().get(pk=batch.pk, county=county)
    batch.payload_cipher, batch.status = locked.payload_cipher, locked.status
    _require_preview(batch)
    payload = _payload(batch)
    if matches:
        ids = {value for value in matches.values() if value != NEW}
        known = set(Cadre.objects.filter(county=county, pk__in=ids).values_list("pk", flat=True))
        if ids - known:
            raise ValidationError(_("所选干部不属于本县。"))
        payload["match"].update({str(k): v for k, v in matches.items()})
    if lines:
        ids = {value for value in lines.values() if value != SKIP}
        known = set(Post.objects.filter(county=county, pk__in=ids).values_list("pk", flat=True))
        if ids - known:
            raise ValidationError(_("所选岗位不属于本县。"))
        payload["lines"].update({str(k): v for k, v in lines.items()})
    if unit is not None:
        if unit.county_id != county.pk:
            raise ValidationError(_("所选单位不属于本县。"))
        payload["unit"] = unit.pk
    _store(batch, payload)
    batch.save(update_fields=["payload_cipher"])
    return batch


def _require_preview(batch: FormBatch) -> None:
    if batch.status != FormBatchStatus.PREVIEW:
        raise ValidationError(
            _("这批文件%(status)s，不能再修改或导入。") % {"status": batch.get_status_display()}
        )


def _normal(text: str) -> str:
    return re.sub(r"[\s　]+", "", text)


def form_batch_plan(*, actor: Any, batch: FormBatch) -> BatchPlan:
    """What confirming BATCH would do, person by person, against today's registry."""
    county = _require_org_department(actor)
    payload = _payload(batch)
    posts = list(Post.objects.filter(county=county, is_active=True).select_related("unit"))
    by_label: dict[str, Post | None] = {}
    for post in posts:
        label = _normal(post_label(post))
        by_label[label] = None if label in by_label else post  # an ambiguous label matches none
    posts_by_pk = {post.pk: post for post in posts}
    unit = Unit.objects.filter(county=county, pk=payload["unit"]).first()
    records = [
        lrmx.record_from_json(item["record"]) if item["record"] else None
        for item in payload["files"]
    ]
    candidates = _candidates(county, [r for r in records if r is not None])
    people = []
    for index, (item, record) in enumerate(zip(payload["files"], records, strict=True)):
        person = PersonPlan(
            index=index,
            filename=item["filename"],
            record=record,
            problems=list(item["problems"]),
            warnings=list(item["warnings"]),
        )
        if record is not None:
            _plan_person(
                person,
                record,
                candidates=candidates.get((record.name, _month(record.birth)), []),
                payload=payload,
                by_label=by_label,
                posts_by_pk=posts_by_pk,
                default_unit=unit,
                county=county,
            )
        people.append(person)
    _check_duplicates(people)
    return BatchPlan(
        batch=batch, people=people, unit=unit, establishment=payload["establishment"], posts=posts
    )


def _month(value: lrmx.PartialDate | None) -> tuple[int, int] | None:
    return (value.year, value.month) if value else None


def _candidates(
    county: County, records: list[lrmx.FormRecord]
) -> dict[tuple[str, tuple[int, int] | None], list[Cadre]]:
    names = {record.name for record in records if record.name}
    found: dict[tuple[str, tuple[int, int] | None], list[Cadre]] = {}
    cadres = (
        Cadre.objects.filter(county=county, name__in=names)
        .select_related("unit")
        .order_by("staff_no")
    )
    for cadre in cadres:
        key = (cadre.name, (cadre.birth_date.year, cadre.birth_date.month))
        found.setdefault(key, []).append(cadre)
    return found


def _check_duplicates(people: list[PersonPlan]) -> None:
    seen: dict[int, str] = {}
    for person in people:
        if person.cadre is None:
            continue
        if person.cadre.pk in seen:
            person.problems.append(
                _("与 %(other)s 是同一名干部，请只保留一个文件。")
                % {"other": seen[person.cadre.pk]}
            )
        seen.setdefault(person.cadre.pk, person.filename)


def _plan_person(
    person: PersonPlan,
    record: lrmx.FormRecord,
    *,
    candidates: list[Cadre],
    payload: dict[str, Any],
    by_label: dict[str, Post | None],
    posts_by_pk: dict[int, Post],
    default_unit: Unit | None,
    county: County,
) -> None:
    person.candidates = candidates
    choice = payload["match"].get(str(person.index))
    if choice is not None and choice != NEW:
        person.cadre = next((c for c in candidates if c.pk == choice), None)
        if person.cadre is None:
            person.problems.append(_("所选干部与文件中的姓名和出生年月不符。"))
    elif choice is None and len(candidates) == 1:
        person.cadre = candidates[0]
    elif choice is None and len(candidates) > 1:
        person.problems.append(
            _("本县有 %(n)d 名同名且出生年月相同的干部，请选择是哪一位。") % {"n": len(candidates)}
        )
    _check_record(person, record)
    existing = _existing_appointments(person.cadre)
    for line_index, line in enumerate(record.resume):
        if line.start is None:
            continue
        plan = LinePlan(index=line_index, start=line.start, end=line.end, text=line.text)
        chosen = payload["lines"].get(f"{person.index}-{line_index}")
        if chosen == SKIP:
            plan.skipped = True
        elif chosen is not None:
            plan.post, plan.chosen = posts_by_pk.get(chosen), True
        else:
            plan.post = by_label.get(_normal(line.text))
        if plan.post is not None:
            key = (plan.post.pk, line.start.year, line.start.month)
            if key in existing:
                plan.note = _("已有此任职记录")
            elif line.end is not None and line.end < line.start:
                plan.note = _("结束早于开始，不建任职记录")
            else:
                plan.creates = True
        person.lines.append(plan)
    open_lines = [line for line in person.lines if line.creates and line.end is None]
    if person.cadre is None:
        person.unit = open_lines[-1].post.unit if open_lines else default_unit  # type: ignore[union-attr]
        if person.unit is None:
            person.problems.append(
                _("是新登记的干部，但简历没有对应到现任岗位：请选择新干部所在单位。")
            )
    else:
        person.changes = _changes(person.cadre, record, county)
    if record.health or record.family:
        if county.keeps_sensitive_form_data:
            person.changes.append(_("健康状况和家庭成员（加密保存）"))
        else:
            person.warnings.append(_("本县未开启保存健康状况和家庭成员，这两项不导入。"))


def _check_record(person: PersonPlan, record: lrmx.FormRecord) -> None:
    """What a new registration needs, and consistency of the file with itself (not the registry)."""
    if person.cadre is None:
        for value, label in (
            (record.gender, "性别"),
            (record.birth, "出生年月"),
            (record.work_start, "参加工作时间"),
        ):
            if not value:
                person.problems.append(_("新登记的干部缺少「%(label)s」。") % {"label": label})
    if record.id_number and len(record.id_number) == 18 and record.birth:
        born = record.id_number[6:12]
        if born != f"{record.birth.year:04d}{record.birth.month:02d}":
            person.problems.append(_("身份证号中的出生年月与「出生年月」不一致。"))
        if record.gender in ("男", "女"):
            male = int(record.id_number[16]) % 2 == 1
            if male != (record.gender == "男"):
                person.problems.append(_("身份证号中的性别与「性别」不一致。"))


def _existing_appointments(cadre: Cadre | None) -> set[tuple[int, int, int]]:
    if cadre is None:
        return set()
    return {
        (post_id, start.year, start.month)
        for post_id, start in Appointment.objects.filter(cadre=cadre).values_list(
            "post_id", "start_date"
        )
    }


def _cadre_fields(record: lrmx.FormRecord) -> dict[str, Any]:
    """Roster fields a form sets; a field the form leaves empty is not touched."""
    fields: dict[str, Any] = {}
    if record.gender in ("男", "女"):
        fields["gender"] = Gender.MALE if record.gender == "男" else Gender.FEMALE
    if record.birth:
        fields["birth_date"] = _birth_date(record, record.birth)
    if record.ethnicity:
        fields["ethnicity"] = record.ethnicity[:16]
    education = _education(record)
    if education:
        fields["education"] = education
    fields["party_status"] = _party_status(record)
    if record.work_start:
        fields["work_start_date"] = record.work_start.first_day()
    return fields


def _birth_date(record: lrmx.FormRecord, birth: lrmx.PartialDate) -> datetime.date:
    """The birth day from the ID number where the form gives only the month and they agree."""
    if birth.day is None and len(record.id_number) == 18:
        try:
            day = datetime.date(
                int(record.id_number[6:10]),
                int(record.id_number[10:12]),
                int(record.id_number[12:14]),
            )
        except ValueError:
            day = None
        if day is not None and (day.year, day.month) == (birth.year, birth.month):
            return day
    return birth.first_day()


def _education(record: lrmx.FormRecord) -> str:
    text = record.full_time.level + record.in_service.level
    for words, value in (
        (("研究生", "博士", "硕士"), Education.POSTGRADUATE),
        (("大学本科", "本科", "大学"), Education.BACHELOR),
        (("大专", "专科"), Education.JUNIOR_COLLEGE),
        (("中专", "高中", "初中", "中技", "职高"), Education.SECONDARY),
    ):
        if any(word in text for word in words):
            return value
    return ""


def _party_status(record: lrmx.FormRecord) -> str:
    text = record.party_join_text
    if record.party_join is not None and not any(p in text for p in _DEMOCRATIC_PARTIES):
        return PartyStatus.MEMBER
    if any(p in text for p in _DEMOCRATIC_PARTIES):
        return PartyStatus.DEMOCRATIC
    if "团" in text:
        return PartyStatus.LEAGUE
    return PartyStatus.MASSES


def _update_fields(cadre: Cadre, record: lrmx.FormRecord) -> dict[str, Any]:
    """The roster fields the form changes on a matched cadre. A month-only form date (the 1st)
    does not overwrite a registered day of the same month: the registry is more precise."""
    fields = {}
    for name, value in _cadre_fields(record).items():
        current = getattr(cadre, name)
        if (
            isinstance(value, datetime.date)
            and value.day == 1
            and (current.year, current.month) == (value.year, value.month)
        ):
            continue
        if current != value:
            fields[name] = value
    return fields


def _changes(cadre: Cadre, record: lrmx.FormRecord, county: County) -> list[str]:
    changes = [
        str(Cadre._meta.get_field(name).verbose_name) for name in _update_fields(cadre, record)
    ]
    if record.id_number:
        # Always listed, never compared: the preview must not confirm a guessed number.
        changes.append(_("身份证号（按文件登记，尾号 %(tail)s）") % {"tail": record.id_number[-4:]})
    changes.append(_("任免审批表信息（籍贯、学历学位、简历、奖惩、照片等）"))
    if record.reviews:
        changes.append(_("年度考核 %(n)d 年") % {"n": len(record.reviews)})
    return changes


@transaction.atomic
def form_batch_confirm(*, actor: Any, batch: FormBatch, today: datetime.date) -> BatchPlan:
    """Write the whole batch: cadres, their form details, reviews and appointments — or nothing.

    Raises ValidationError with every problem when the batch cannot be imported as it stands.
    """
    county = _require_org_department(actor)
    batch = FormBatch.objects.select_for_update().get(pk=batch.pk, county=county)
    _require_preview(batch)
    plan = form_batch_plan(actor=actor, batch=batch)
    if not plan.ok:
        raise ValidationError(
            _("这批文件还有 %(n)d 个问题，未导入任何数据。") % {"n": len(plan.problems)},
            errors=plan.problems or [_("没有可导入的任免审批表。")],
        )
    staff_numbers = _staff_numbers(county, sum(person.is_new for person in plan.people))
    try:
        for person in plan.people:
            if person.record is not None:
                _write_person(
                    actor=actor,
                    county=county,
                    person=person,
                    record=person.record,
                    establishment=plan.establishment,
                    staff_no=next(staff_numbers) if person.is_new else "",
                    today=today,
                )
    except ValidationError as error:
        raise ValidationError(
            _("%(file)s：%(message)s（未导入任何数据）")
            % {"file": getattr(error, "filename", ""), "message": error.message},
            errors=error.errors,
        ) from error
    batch.status = FormBatchStatus.DONE
    batch.created_count, batch.updated_count = plan.created, plan.updated
    batch.appointment_count = plan.appointments
    batch.payload_cipher = ""
    batch.save()
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        object_type="form_batch",
        object_id=batch.pk,
        county_id=county.pk,
        summary=_("任免审批表：新增 %(c)d 人，更新 %(u)d 人，新建任职记录 %(a)d 条")
        % {"c": plan.created, "u": plan.updated, "a": plan.appointments},
    )
    return plan


def _staff_numbers(county: County, count: int) -> Iterable[str]:
    """Fresh 人员编号 for people a form brings in: RM000001, RM000002, … after the highest used."""
    used = Cadre.objects.filter(county=county, staff_no__regex=r"^RM[0-9]{6}$").values_list(
        "staff_no", flat=True
    )
    start = max((int(number[2:]) for number in used), default=0) + 1
    return iter([f"RM{n:06d}" for n in range(start, start + count)])


def _write_person(
    *,
    actor: Any,
    county: County,
    person: PersonPlan,
    record: lrmx.FormRecord,
    establishment: str,
    staff_no: str,
    today: datetime.date,
) -> None:
    fields = _cadre_fields(record)
    try:
        if person.cadre is None:
            if person.unit is None:  # refused by the plan already
                raise ValidationError(_("请选择新干部所在单位。"))
            fields.setdefault("education", Education.SECONDARY)
            cadre = org_services.cadre_create(
                actor=actor,
                unit=person.unit,
                id_number=record.id_number,
                staff_no=staff_no,
                name=record.name[:32],
                establishment=establishment,
                **fields,
            )
        else:
            cadre = org_services.cadre_update(
                actor=actor,
                cadre=person.cadre,
                id_number=record.id_number or None,
                **_update_fields(person.cadre, record),
            )
        org_services.cadre_profile_save(
            actor=actor,
            cadre=cadre,
            values=profile_values(record),
            sensitive={"health": record.health, "family": [vars(m) for m in record.family]}
            if county.keeps_sensitive_form_data and (record.health or record.family)
            else None,
        )
        org_services.annual_reviews_save(
            actor=actor,
            cadre=cadre,
            reviews={r.year: _RATING_BY_LABEL[r.rating] for r in record.reviews},
        )
        for line in sorted(
            (line for line in person.lines if line.creates),
            key=lambda line: line.start or lrmx.PartialDate(1900, 1),
        ):
            if line.post is not None and line.start is not None:
                _write_line(
                    actor=actor,
                    cadre=cadre,
                    post=line.post,
                    start=line.start,
                    end=line.end,
                    today=today,
                )
    except ValidationError as error:
        error.filename = person.filename  # type: ignore[attr-defined]
        raise


def _write_line(
    *,
    actor: Any,
    cadre: Cadre,
    post: Post,
    start: lrmx.PartialDate,
    end: lrmx.PartialDate | None,
    today: datetime.date,
) -> None:
    """An appointment from a 简历 line: open when the line is, else ended the day before the
    month the line ends in (when the next line begins)."""
    first = start.first_day()
    if end is None:
        org_services.appointment_create(actor=actor, cadre=cadre, post=post, start_date=first)
        return
    last = min(end.first_day() - datetime.timedelta(days=1), today)
    org_services.appointment_history_create(
        actor=actor, cadre=cadre, post=post, start_date=first, end_date=max(last, first)
    )


def profile_values(record: lrmx.FormRecord) -> dict[str, Any]:
    """CadreProfile's fields from a form record."""
    return {
        "native_place": record.native_place[:64],
        "birthplace": record.birthplace[:64],
        "party_join_text": record.party_join_text[:64],
        "professional_title": record.professional_title[:100],
        "specialty": record.specialty[:200],
        "full_time_education": list(vars(record.full_time).values()),
        "in_service_education": list(vars(record.in_service).values()),
        "resume_text": lrmx.format_resume(record.resume),
        "rewards": record.rewards,
        "reviews_text": record.reviews_text,
        "photo": record.photo,
        "extra_elements": list(record.extra),
    }


@transaction.atomic
def form_batch_cancel(*, actor: Any, batch: FormBatch) -> FormBatch:
    county = _require_org_department(actor)
    batch = FormBatch.objects.select_for_update().get(pk=batch.pk, county=county)
    _require_preview(batch)
    batch.status = FormBatchStatus.CANCELLED
    batch.payload_cipher = ""
    batch.save(update_fields=["status", "payload_cipher"])
    return batch


def form_batches_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the contents of batches left unconfirmed for a day; returns how many were purged."""
    cutoff = (now or timezone.now()) - BATCH_LIFETIME
    return FormBatch.objects.filter(status=FormBatchStatus.PREVIEW, created_at__lt=cutoff).update(
        status=FormBatchStatus.CANCELLED, payload_cipher=""
    )
