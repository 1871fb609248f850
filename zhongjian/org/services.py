"""Writes to the registry; each runs in one transaction with its audit row."""

import datetime
from typing import Any

from django.db import transaction

from zhongjian.core.audit import audit_record
from zhongjian.core.crypto import encrypt_text, keyed_hash
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.core.validation import full_clean_or_raise as _full_clean
from zhongjian.org.choices import EndReason
from zhongjian.org.models import Appointment, Cadre, County, Post, RankGrant, Unit


def id_number_hash(id_number: str) -> str:
    return keyed_hash(id_number.upper(), purpose="id_number")


def mask_id_number(id_number: str) -> str:
    return f"{id_number[:3]}{'*' * (len(id_number) - 7)}{id_number[-4:]}"


def _set_id_number(cadre: Cadre, id_number: str) -> None:
    id_number = id_number.strip().upper()
    if not id_number:
        cadre.id_number_cipher = cadre.id_number_hash = cadre.id_number_masked = ""
        return
    cadre.id_number_cipher = encrypt_text(id_number)
    cadre.id_number_hash = id_number_hash(id_number)
    cadre.id_number_masked = mask_id_number(id_number)


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
    changed = [name for name, value in fields.items() if getattr(cadre, name) != value]
    for name, value in fields.items():
        setattr(cadre, name, value)
    if "unit" in fields:
        cadre.county_id = cadre.unit.county_id
    if id_number is not None and id_number_hash(id_number) != cadre.id_number_hash:
        _set_id_number(cadre, id_number)
        changed.append("id_number")
    if not changed:
        return cadre
    _full_clean(cadre)
    cadre.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="cadre",
        object_id=cadre.pk,
        county_id=cadre.county_id,
        unit_id=cadre.unit_id,
        summary=",".join(changed),
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
        summary=f"{cadre.name} 任 {post.title}",
    )
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
