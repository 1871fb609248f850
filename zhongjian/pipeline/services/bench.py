"""The succession bench (后备): who could take a mid-level post now or in one to two years."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhongjian.core.audit import audit_record
from zhongjian.core.errors import Conflict, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.core.validation import full_clean_or_raise
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus
from zhongjian.org.models import Appointment, Cadre, Post
from zhongjian.pipeline.access import require_not_future, require_org_department
from zhongjian.pipeline.models import BenchEntry


def _audit(actor: Any, action: str, entry: BenchEntry, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="bench_entry",
        object_id=entry.pk,
        county_id=entry.county_id,
        unit_id=entry.unit_id,
        summary=summary,
    )


@transaction.atomic
def bench_add(
    *,
    actor: Any,
    post: Post,
    cadre: Cadre,
    readiness: str,
    added_on: datetime.date,
    note: str = "",
) -> BenchEntry:
    """Put CADRE on the bench of a mid-level POST."""
    require_org_department(actor, county_id=post.county_id)
    require_not_future(added_on, label=_("列入时间"), field="added_on")
    if post.tier not in MID_LEVEL_TIERS:
        raise ValidationError(_("后备人选只对应中层岗位。"))
    if cadre.county_id != post.county_id or cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(_("只能把本县在职干部列为后备人选。"))
    if BenchEntry.objects.filter(post=post, cadre=cadre, removed_on__isnull=True).exists():
        raise Conflict(_("%(name)s 已是该岗位的后备人选。") % {"name": cadre.name})
    if Appointment.objects.filter(post=post, cadre=cadre, end_date__isnull=True).exists():
        raise ValidationError(_("%(name)s 已在该岗位任职。") % {"name": cadre.name})
    entry = BenchEntry(
        county_id=post.county_id,
        unit_id=post.unit_id,
        post=post,
        cadre=cadre,
        readiness=readiness,
        added_on=added_on,
        note=note.strip(),
    )
    full_clean_or_raise(entry)
    entry.save()
    _audit(actor, AuditAction.CREATE, entry, f"cadre={cadre.pk},post={post.pk}")
    return entry


@transaction.atomic
def bench_remove(*, actor: Any, entry: BenchEntry, removed_on: datetime.date) -> BenchEntry:
    """Take a cadre off a post's bench; the entry stays as history."""
    require_org_department(actor, county_id=entry.county_id)
    require_not_future(removed_on, label=_("移出时间"), field="removed_on")
    if entry.removed_on is not None:
        raise Conflict(_("该后备人选已经移出。"))
    if removed_on < entry.added_on:
        raise ValidationError(_("移出时间不能早于列入时间。"))
    entry.removed_on = removed_on
    entry.save(update_fields=["removed_on"])
    _audit(actor, AuditAction.UPDATE, entry, "移出后备")
    return entry


@transaction.atomic
def bench_set_readiness(*, actor: Any, entry: BenchEntry, readiness: str) -> BenchEntry:
    """Move a bench candidate between 现在可用 and 1–2年内可用."""
    require_org_department(actor, county_id=entry.county_id)
    if entry.removed_on is not None:
        raise Conflict(_("该后备人选已经移出。"))
    entry.readiness = readiness
    full_clean_or_raise(entry)
    entry.save(update_fields=["readiness"])
    _audit(actor, AuditAction.UPDATE, entry, "readiness")
    return entry
