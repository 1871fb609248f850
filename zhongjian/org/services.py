"""Writes to the registry; each runs in one transaction with its audit row."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Model

from zhongjian.core.audit import AuditEntry, audit_record, audit_record_many
from zhongjian.core.bulk import bulk_insert
from zhongjian.core.crypto import encrypt_text, keyed_hash, mask_last_four
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.core.validation import full_clean_or_raise as _full_clean
from zhongjian.org.choices import EndReason
from zhongjian.org.models import Appointment, Cadre, County, Post, RankGrant, Unit
from zhongjian.org.signals import staffing_changed

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


@transaction.atomic
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
) -> Post:
    post = Post(
        county_id=unit.county_id,
        unit=unit,
        title=title,
        tier=tier,
        required_establishment=required_establishment,
        is_leadership=is_leadership,
        headcount=headcount,
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
    """Change a post's title, tier, establishment, leadership flag, headcount or is_active.

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


@transaction.atomic
def cadre_create(*, actor: Any, unit: Unit, id_number: str = "", **fields: Any) -> Cadre:
    """Register a cadre in UNIT. FIELDS are Cadre's editable fields (name, gender, …)."""
    cadre = Cadre(county_id=unit.county_id, unit=unit, **fields)
    _set_id_number(cadre, id_number)
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
def cadre_update(*, actor: Any, cadre: Cadre, id_number: str | None = None, **fields: Any) -> Cadre:
    """Change a cadre's fields; the audit row names the fields that changed, not their values."""
    if "unit" in fields and fields["unit"].county_id != cadre.county_id:
        raise ValidationError("所在单位不属于同一个县。")
    also_changed = []
    if id_number is not None and id_number_hash(id_number) != cadre.id_number_hash:
        _set_id_number(cadre, id_number)
        also_changed.append("id_number")
    _save_changes(
        actor=actor, instance=cadre, object_type="cadre", fields=fields, also_changed=also_changed
    )
    return cadre


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

    Refused when the post is already held by its headcount on that day. With END_CURRENT the
    cadre's open appointments end the day before (a reassignment); the cadre's unit follows the
    new post.
    """
    if post.county_id != cadre.county_id:
        raise ValidationError("岗位与干部不属于同一个县。")
    holders = Appointment.objects.select_for_update().filter(post=post, end_date__isnull=True)
    if holders.filter(cadre=cadre).exists():
        raise ValidationError(f"{cadre.name} 已在「{post.title}」任职。")
    if holders.count() >= post.headcount:
        raise ValidationError(f"「{post.title}」职数 {post.headcount} 人已满，请先免去现任人员。")
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
    *, actor: Any, appointment: Appointment, end_date: datetime.date, end_reason: str
) -> Appointment:
    if appointment.end_date is not None:
        raise ValidationError("该任职已经结束。")
    if end_date < appointment.start_date:
        raise ValidationError("免职时间不能早于任职时间。")
    appointment.end_date = end_date
    appointment.end_reason = end_reason
    _full_clean(appointment)
    appointment.save(update_fields=["end_date", "end_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="appointment",
        object_id=appointment.pk,
        county_id=appointment.county_id,
        unit_id=appointment.unit_id,
        summary=f"免职：{EndReason(end_reason).label}",
    )
    posts_staffing_changed(posts=[appointment.post])
    return appointment


@transaction.atomic
def appointment_update(
    *,
    actor: Any,
    appointment: Appointment,
    document_no: str | None = None,
    end_date: datetime.date | None = None,
    end_reason: str | None = None,
) -> Appointment:
    """Change an appointment's document number and, with END_DATE, end it (see appointment_end)."""
    if document_no is not None:
        _save_changes(
            actor=actor,
            instance=appointment,
            object_type="appointment",
            fields={"document_no": document_no},
        )
    if end_date is not None:
        appointment_end(
            actor=actor,
            appointment=appointment,
            end_date=end_date,
            end_reason=end_reason or EndReason.OTHER,
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
