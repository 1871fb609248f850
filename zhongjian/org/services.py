"""Writes to the registry; each runs in one transaction with its audit row."""

import dataclasses
import datetime
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from zhongjian.core.audit import AuditEntry, audit_record, audit_record_many
from zhongjian.core.bulk import bulk_insert
from zhongjian.core.crypto import decrypt_text, encrypt_text, keyed_hash, mask_last_four
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.core.validation import full_clean_or_raise as _full_clean
from zhongjian.org import validation
from zhongjian.org.choices import EndReason
from zhongjian.org.models import (
    AnnualReview,
    Appointment,
    Cadre,
    CadreProfile,
    CorrectionRequest,
    CorrectionStatus,
    County,
    Post,
    RankGrant,
    Unit,
)
from zhongjian.org.signals import staffing_changed
from zhongjian.org.validation import Held, Tenure, raise_if_any

BULK_BATCH = 2000


def id_number_hash(id_number: str) -> str:
    return keyed_hash(id_number.upper(), purpose="id_number")


def mask_id_number(id_number: str) -> str:
    """The ID number as shown: the last 4 characters only (issue #8.5)."""
    return mask_last_four(id_number)


def _set_id_number(cadre: Cadre, id_number: str) -> None:
    id_number = id_number.strip().upper()
    if not id_number:
        cadre.id_number_cipher = cadre.id_number_hash = cadre.id_number_masked = ""
        return
    cadre.id_number_cipher = encrypt_text(id_number)
    cadre.id_number_hash = id_number_hash(id_number)
    cadre.id_number_masked = mask_id_number(id_number)


def posts_staffing_changed(*, posts: Iterable[Post]) -> None:
    """Announce that the holders, tier or headcount of POSTS changed (signals.staffing_changed).

    Every write of appointments calls it in its transaction, so that derived facts such as the
    pipeline's vacancy episodes follow.
    """
    unique = list({post.pk: post for post in posts}.values())
    if unique:
        staffing_changed.send(sender=Post, posts=unique)


def _unit_id_of(instance: Model) -> int | None:
    """The unit an audit row of INSTANCE is filed under: the unit itself, or the row's unit."""
    return instance.pk if isinstance(instance, Unit) else instance.unit_id  # type: ignore[attr-defined]


def _save_changes(
    *,
    actor: Any,
    instance: Model,
    object_type: str,
    fields: dict[str, Any],
    also_changed: Sequence[str] = (),
) -> list[str]:
    """Set FIELDS on INSTANCE, validate, save and audit the names of the fields that changed."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    changed.extend(also_changed)
    if not changed:
        return []
    _full_clean(instance)
    instance.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=object_type,
        object_id=instance.pk,
        county_id=instance.county_id,  # type: ignore[attr-defined]
        unit_id=_unit_id_of(instance),
        summary=",".join(changed),
    )
    return changed


def _audited_names(fields: Sequence[str]) -> str:
    """Field names as audit rows give them: the ID number's three columns as `id_number`."""
    names: list[str] = []
    for field in fields:
        name = "id_number" if field.startswith("id_number_") else field.removesuffix("_id")
        if name not in names:
            names.append(name)
    return ",".join(names)


# No savepoint: the imports that call this run it inside their own transaction, whose failure
# fails the import whole; a savepoint per chunk would cost two round trips and wait for the
# chunk's COPYs, which otherwise run beside the reading of the next chunk (core/bulk.py).
@transaction.atomic(savepoint=False)
def registry_bulk_write(
    *,
    actor: Any,
    county_id: int,
    object_type: str,
    create: Sequence[Model],
    update: Sequence[tuple[Model, Sequence[str]]],
) -> None:
    """Insert CREATE and save the named fields of UPDATE in batches, one audit row per object.

    For imports of up to hundreds of thousands of rows, where one `*_create` call per row would
    take minutes. The caller has validated every value against the model's constraints (the
    import columns parse to the model's choices and lengths) and checked uniqueness against the
    database, so `full_clean` is not repeated per row.
    """
    if not create and not update:
        return
    model = type(create[0] if create else update[0][0])
    bulk_insert(create)
    by_fields: dict[tuple[str, ...], list[Model]] = {}
    for instance, fields in update:
        by_fields.setdefault(tuple(sorted(fields)), []).append(instance)
    for fields, instances in by_fields.items():
        model.objects.bulk_update(instances, fields, batch_size=BULK_BATCH)

    entries = [
        AuditEntry(
            action=AuditAction.CREATE,
            object_type=object_type,
            object_id=instance.pk,
            unit_id=_unit_id_of(instance),
        )
        for instance in create
    ]
    entries.extend(
        AuditEntry(
            action=AuditAction.UPDATE,
            object_type=object_type,
            object_id=instance.pk,
            unit_id=_unit_id_of(instance),
            summary=_audited_names(fields),
        )
        for instance, fields in update
    )
    audit_record_many(actor=actor, entries=entries, county_id=county_id)


@transaction.atomic
def unit_create(
    *, actor: Any, county: County, code: str, name: str, kind: str, parent: Unit | None = None
) -> Unit:
    unit = Unit(county=county, code=code, name=name, kind=kind, parent=parent)
    _full_clean(unit)
    unit.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="unit",
        object_id=unit.pk,
        county_id=county.pk,
        unit_id=unit.pk,
        summary=name,
    )
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **fields: Any) -> Unit:
    """Change a unit's code, name, kind, parent or is_active; a parent may not be the unit itself
    or one of its subordinate units."""
    parent = fields.get("parent", unit.parent)
    if parent is not None:
        if parent.county_id != unit.county_id:
            raise ValidationError("上级单位不属于同一个县。")
        ancestor: Unit | None = parent
        while ancestor is not None:
            if ancestor.pk == unit.pk:
                raise ValidationError("上级单位不能是本单位或其下级单位。")
            ancestor = ancestor.parent
    _save_changes(actor=actor, instance=unit, object_type="unit", fields=fields)
    return unit


@transaction.atomic
def post_create(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    tier: str,
    required_establishment: str,
    is_leadership: bool = False,
    headcount: int = 1,
    allows_concurrent: bool = False,
) -> Post:
    post = Post(
        county_id=unit.county_id,
        unit=unit,
        title=title,
        tier=tier,
        required_establishment=required_establishment,
        is_leadership=is_leadership,
        headcount=headcount,
        allows_concurrent=allows_concurrent,
    )
    _full_clean(post)
    post.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="post",
        object_id=post.pk,
        county_id=unit.county_id,
        unit_id=unit.pk,
        summary=title,
    )
    posts_staffing_changed(posts=[post])
    return post


@transaction.atomic
def post_update(*, actor: Any, post: Post, **fields: Any) -> Post:
    """Change a post's title, tier, establishment, leadership and 兼任 flags, headcount or
    is_active.

    The headcount may not fall below the number of current holders.
    """
    if "headcount" in fields:
        holders = Appointment.objects.filter(post=post, end_date__isnull=True).count()
        if fields["headcount"] < holders:
            raise ValidationError(f"「{post.title}」现有 {holders} 人在任，职数不能少于在任人数。")
    changed = _save_changes(actor=actor, instance=post, object_type="post", fields=fields)
    if {"tier", "headcount", "is_active"} & set(changed):
        posts_staffing_changed(posts=[post])
    return post


def _cadre_values(cadre: Cadre) -> dict[str, Any]:
    return {name: getattr(cadre, name) for name in ("gender", *validation.CADRE_DATE_FIELDS)}


@transaction.atomic
def cadre_create(
    *,
    actor: Any,
    unit: Unit,
    id_number: str = "",
    today: datetime.date | None = None,
    **fields: Any,
) -> Cadre:
    """Register a cadre in UNIT. FIELDS are Cadre's editable fields (name, gender, …).

    Refused (validation.RecordInvalid) when the record breaks a rule of org.validation.
    """
    today = today or timezone.localdate()
    parsed, problems = validation.id_number_parse(id_number, today=today)
    cadre = Cadre(county_id=unit.county_id, unit=unit, **fields)
    problems += validation.cadre_violations(_cadre_values(cadre), id_number=parsed, today=today)
    raise_if_any(problems)
    _set_id_number(cadre, parsed.number if parsed else "")
    _full_clean(cadre)
    cadre.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="cadre",
        object_id=cadre.pk,
        county_id=unit.county_id,
        unit_id=unit.pk,
    )
    return cadre


@transaction.atomic
def cadre_update(
    *,
    actor: Any,
    cadre: Cadre,
    id_number: str | None = None,
    today: datetime.date | None = None,
    **fields: Any,
) -> Cadre:
    """Change a cadre's fields; the audit row names the fields that changed, not their values.

    Refused when a changed field breaks a rule of org.validation; rules about fields left alone
    do not block the edit (the data check lists such records).
    """
    if "unit" in fields and fields["unit"].county_id != cadre.county_id:
        raise ValidationError("所在单位不属于同一个县。")
    today = today or timezone.localdate()
    changed = {name for name, value in fields.items() if getattr(cadre, name) != value}
    parsed: validation.IdNumber | None = None
    problems: list[validation.Violation] = []
    new_id = id_number is not None and (
        not id_number.strip() or id_number_hash(id_number.strip()) != cadre.id_number_hash
    )
    if new_id:
        parsed, problems = validation.id_number_parse(id_number or "", today=today)
        changed.add("id_number")
    elif cadre.id_number_cipher and changed & {"birth_date", "gender"}:
        parsed = validation.id_number_parse(decrypt_text(cadre.id_number_cipher), today=today)[0]
    values = {**_cadre_values(cadre), **fields}
    problems += validation.cadre_violations(values, id_number=parsed, today=today)
    if "work_start_date" in changed:
        for appointment in cadre.appointments.all():
            # Shown beside 参加工作时间, the field this edit changes.
            problems += [
                dataclasses.replace(problem, field="work_start_date")
                for problem in validation.appointment_start_violations(
                    start_date=appointment.start_date, work_start_date=fields["work_start_date"]
                )
            ]
    raise_if_any([problem for problem in problems if problem.touches(changed)])
    also_changed = []
    if new_id:
        _set_id_number(cadre, parsed.number if parsed else "")
        also_changed.append("id_number")
    _save_changes(
        actor=actor, instance=cadre, object_type="cadre", fields=fields, also_changed=also_changed
    )
    return cadre


def _seat_violations(
    *, post: Post, start_date: datetime.date, exclude: Appointment | None = None
) -> list[validation.Violation]:
    """Would one more holder of POST from START_DATE (open-ended) exceed its headcount?"""
    others = Appointment.objects.select_for_update().filter(post=post)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    tenures = [
        Tenure(start=max(start, start_date), end=end)
        for start, end in others.values_list("start_date", "end_date")
        if end is None or end >= start_date
    ]
    tenures.append(Tenure(start=start_date, end=None))
    return validation.headcount_violations(
        title=post.title, headcount=post.headcount, tenures=tenures
    )


def _leadership_violations(*, cadre: Cadre, post: Post) -> list[validation.Violation]:
    if not post.is_leadership:
        return []
    current = Appointment.objects.filter(cadre=cadre, end_date__isnull=True).select_related("post")
    held = [Held(a.post.title, a.post.is_leadership, a.post.allows_concurrent) for a in current]
    held.append(Held(post.title, post.is_leadership, post.allows_concurrent))
    return validation.leadership_violations(name=cadre.name, held=held)


@transaction.atomic
def appointment_create(
    *,
    actor: Any,
    cadre: Cadre,
    post: Post,
    start_date: datetime.date,
    document_no: str = "",
    end_current: bool = False,
) -> Appointment:
    """Appoint CADRE to POST from START_DATE.

    Refused when the appointment starts before the cadre's work start, when the post would have
    more holders at once than its headcount, or when the cadre would hold a second leadership
    post that allows no 兼任. With END_CURRENT the cadre's open appointments end the day before
    (a reassignment); the cadre's unit follows the new post.
    """
    if post.county_id != cadre.county_id:
        raise ValidationError("岗位与干部不属于同一个县。")
    if not post.is_active:
        raise ValidationError(f"「{post.title}」已撤销，不能任职。")
    if Appointment.objects.filter(post=post, cadre=cadre, end_date__isnull=True).exists():
        raise ValidationError(f"{cadre.name} 已在「{post.title}」任职。")
    problems = validation.appointment_start_violations(
        start_date=start_date, work_start_date=cadre.work_start_date
    )
    problems += _seat_violations(post=post, start_date=start_date)
    if not end_current:
        problems += _leadership_violations(cadre=cadre, post=post)
    raise_if_any(problems)
    if end_current:
        for current in Appointment.objects.filter(cadre=cadre, end_date__isnull=True):
            appointment_end(
                actor=actor,
                appointment=current,
                end_date=start_date - datetime.timedelta(days=1),
                end_reason=EndReason.REASSIGNED,
            )
    appointment = Appointment(
        county_id=cadre.county_id,
        cadre=cadre,
        post=post,
        unit_id=post.unit_id,
        start_date=start_date,
        document_no=document_no,
    )
    _full_clean(appointment)
    appointment.save()
    if cadre.unit_id != post.unit_id:
        cadre.unit_id = post.unit_id
        cadre.save(update_fields=["unit"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="appointment",
        object_id=appointment.pk,
        county_id=cadre.county_id,
        unit_id=post.unit_id,
        summary=f"cadre={cadre.pk},post={post.pk}",
    )
    posts_staffing_changed(posts=[post])
    return appointment


@transaction.atomic
def appointment_end(
    *,
    actor: Any,
    appointment: Appointment,
    end_date: datetime.date,
    end_reason: str,
    end_document_no: str = "",
) -> Appointment:
    """End an appointment (免职) on END_DATE for END_REASON, with the 免职文号 if there is one."""
    if appointment.end_date is not None:
        raise ValidationError("该任职已经结束。")
    if end_date < appointment.start_date:
        raise ValidationError("免职时间不能早于任职时间。")
    appointment.end_date = end_date
    appointment.end_reason = end_reason
    appointment.end_document_no = end_document_no
    _full_clean(appointment)
    appointment.save(update_fields=["end_date", "end_reason", "end_document_no"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="appointment",
        object_id=appointment.pk,
        county_id=appointment.county_id,
        unit_id=appointment.unit_id,
        summary=f"end_date,end_reason{',end_document_no' if end_document_no else ''}"
        f"（免职：{EndReason(end_reason).label}）",
    )
    posts_staffing_changed(posts=[appointment.post])
    return appointment


@transaction.atomic
def appointment_update(
    *,
    actor: Any,
    appointment: Appointment,
    start_date: datetime.date | None = None,
    document_no: str | None = None,
    end_date: datetime.date | None = None,
    end_reason: str | None = None,
    end_document_no: str | None = None,
) -> Appointment:
    """Correct an appointment's start date or document number and, with END_DATE, end it (see
    appointment_end)."""
    fields: dict[str, Any] = {}
    if document_no is not None:
        fields["document_no"] = document_no
    if start_date is not None and start_date != appointment.start_date:
        problems = validation.appointment_start_violations(
            start_date=start_date, work_start_date=appointment.cadre.work_start_date
        )
        if start_date < appointment.start_date:
            problems += _seat_violations(
                post=appointment.post, start_date=start_date, exclude=appointment
            )
        raise_if_any(problems)
        if appointment.end_date is not None and appointment.end_date < start_date:
            raise ValidationError("免职时间不能早于任职时间。")
        fields["start_date"] = start_date
    if appointment.end_date is not None and end_document_no is not None:
        fields["end_document_no"] = end_document_no
    changed = _save_changes(
        actor=actor, instance=appointment, object_type="appointment", fields=fields
    )
    if "start_date" in changed:
        posts_staffing_changed(posts=[appointment.post])
    if end_date is not None:
        appointment_end(
            actor=actor,
            appointment=appointment,
            end_date=end_date,
            end_reason=end_reason or EndReason.OTHER,
            end_document_no=end_document_no or "",
        )
    elif end_reason is not None:
        raise ValidationError("填写了免职原因，但没有免职时间。")
    return appointment


@transaction.atomic
def rank_grant(
    *, actor: Any, cadre: Cadre, rank: str, granted_on: datetime.date, note: str = ""
) -> RankGrant:
    if RankGrant.objects.filter(cadre=cadre, rank=rank).exists():
        raise ValidationError("该干部已晋升过这一职级。")
    grant = RankGrant(
        county_id=cadre.county_id, cadre=cadre, rank=rank, granted_on=granted_on, note=note
    )
    _full_clean(grant)
    grant.save()
    latest = cadre.rank_grants.order_by("-granted_on", "-id").first()
    if latest is not None and cadre.rank != latest.rank:
        cadre.rank = latest.rank
        cadre.save(update_fields=["rank"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="rank_grant",
        object_id=grant.pk,
        county_id=cadre.county_id,
        unit_id=cadre.unit_id,
    )
    return grant


@transaction.atomic
def appointment_history_create(
    *,
    actor: Any,
    cadre: Cadre,
    post: Post,
    start_date: datetime.date,
    end_date: datetime.date,
    end_reason: str = EndReason.REASSIGNED,
    document_no: str = "",
) -> Appointment:
    """Record a past appointment of CADRE to POST (from a 简历), ended on END_DATE.

    Refused when it overlaps the cadre's own appointment to the same post, or when the post was
    held by its headcount during the whole period already.
    """
    if post.county_id != cadre.county_id:
        raise ValidationError("岗位与干部不属于同一个县。")
    if end_date < start_date:
        raise ValidationError("免职时间不能早于任职时间。")
    overlapping = (
        Appointment.objects.select_for_update()
        .filter(post=post, start_date__lte=end_date)
        .exclude(end_date__lt=start_date)
    )
    if overlapping.filter(cadre=cadre).exists():
        raise ValidationError(f"{cadre.name} 在这段时间已有「{post.title}」的任职记录。")
    if overlapping.count() >= post.headcount:
        raise ValidationError(
            f"「{post.title}」在 {start_date:%Y.%m}—{end_date:%Y.%m} 期间已有 {post.headcount} 人"
            "任职，超过职数。"
        )
    appointment = Appointment(
        county_id=cadre.county_id,
        cadre=cadre,
        post=post,
        unit_id=post.unit_id,
        start_date=start_date,
        end_date=end_date,
        end_reason=end_reason,
        document_no=document_no,
    )
    _full_clean(appointment)
    appointment.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="appointment",
        object_id=appointment.pk,
        county_id=cadre.county_id,
        unit_id=post.unit_id,
        summary="任职记录（历史）",
    )
    posts_staffing_changed(posts=[post])
    return appointment


@transaction.atomic
def cadre_profile_save(
    *,
    actor: Any,
    cadre: Cadre,
    values: dict[str, Any],
    sensitive: dict[str, Any] | None = None,
) -> CadreProfile:
    """Create or update CADRE's 任免审批表 details; SENSITIVE (健康状况, family) is stored
    encrypted, and only when the caller passes it (the county allows it)."""
    profile, created = CadreProfile.objects.get_or_create(
        cadre=cadre, defaults={"county_id": cadre.county_id}
    )
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, values[name])
    if sensitive is not None:
        profile.sensitive_cipher = encrypt_text(json.dumps(sensitive, ensure_ascii=False))
        changed.append("sensitive")
    if changed or created:
        _full_clean(profile, exclude=["cadre"])
        profile.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            object_type="cadre_profile",
            object_id=profile.pk,
            county_id=cadre.county_id,
            unit_id=cadre.unit_id,
            summary=",".join(changed),
        )
    return profile


def cadre_profile_sensitive(*, actor: Any, profile: CadreProfile) -> dict[str, Any]:
    """The decrypted 健康状况 and family members of PROFILE; every read is audited."""
    if not profile.sensitive_cipher:
        return {"health": "", "family": []}
    audit_record(
        actor=actor,
        action=AuditAction.READ,
        object_type="cadre_profile",
        object_id=profile.pk,
        county_id=profile.county_id,
        unit_id=profile.cadre.unit_id,
        summary="健康状况和家庭成员",
    )
    return json.loads(decrypt_text(profile.sensitive_cipher))


@transaction.atomic
def annual_reviews_save(*, actor: Any, cadre: Cadre, reviews: dict[int, str]) -> int:
    """Set CADRE's 年度考核 rating for each year in REVIEWS; returns how many rows changed."""
    existing = {review.year: review for review in AnnualReview.objects.filter(cadre=cadre)}
    changed = 0
    for year, rating in sorted(reviews.items()):
        review = existing.get(year)
        if review is not None and review.rating == rating:
            continue
        if review is None:
            review = AnnualReview(county_id=cadre.county_id, cadre=cadre, year=year)
        review.rating = rating
        _full_clean(review, exclude=["cadre"])
        review.save()
        changed += 1
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="annual_review",
            object_id=cadre.pk,
            county_id=cadre.county_id,
            unit_id=cadre.unit_id,
            summary=f"年度考核 {changed} 年",
        )
    return changed


@transaction.atomic
def correction_request_create(
    *, actor: Any, field: str, text: str, cadre: Cadre | None = None, post: Post | None = None
) -> CorrectionRequest:
    """A unit head asks the organization department to correct a record of their unit (申请更正).

    The caller has fetched CADRE or POST through the unit head's scope.
    """
    subject = cadre or post
    if subject is None:
        raise ValidationError("请说明要更正哪一条记录。")
    request = CorrectionRequest(
        county_id=subject.county_id,
        unit_id=subject.unit_id,
        cadre=cadre,
        post=post,
        requested_by=actor,
        field=field.strip(),
        text=text.strip(),
    )
    _full_clean(request, exclude=["requested_by"])
    request.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="correction_request",
        object_id=request.pk,
        county_id=request.county_id,
        unit_id=request.unit_id,
        summary=f"{'cadre' if cadre else 'post'} {subject.pk}",
    )
    return request


@transaction.atomic
def correction_request_close(
    *, actor: Any, request: CorrectionRequest, resolution: str = ""
) -> CorrectionRequest:
    """The organization department closes a correction request, saying what it did."""
    if request.status != CorrectionStatus.OPEN:
        raise ValidationError("该更正申请已经处理。")
    request.status = CorrectionStatus.CLOSED
    request.closed_by = actor
    request.closed_at = timezone.now()
    request.resolution = resolution.strip()
    _full_clean(request, exclude=["requested_by", "closed_by"])
    request.save(update_fields=["status", "closed_by", "closed_at", "resolution"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="correction_request",
        object_id=request.pk,
        county_id=request.county_id,
        unit_id=request.unit_id,
        summary="status,resolution",
    )
    return request
