"""Departures (离岗): ending the cadre's posts, opening vacancies, and the exit interview."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhongjian.core.audit import audit_record
from zhongjian.core.errors import Conflict, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.core.validation import full_clean_or_raise
from zhongjian.org.choices import CadreStatus, EndReason, Tier
from zhongjian.org.models import Appointment, Cadre
from zhongjian.org.services import appointment_end, cadre_update
from zhongjian.pipeline.access import require_not_future, require_org_department
from zhongjian.pipeline.choices import CandidateOutcome, DepartureKind, DestinationLevel, ExitReason
from zhongjian.pipeline.models import BenchEntry, Candidate, Departure, ExitInterview
from zhongjian.pipeline.services.selection import TIER_LEVEL
from zhongjian.pipeline.workflow import FINAL_STAGES

# A secondment keeps the cadre on the unit's establishment and in their post (人事关系不变);
# every other kind takes them off the county's roster.
_STATUS_AFTER = {DepartureKind.RETIREMENT: CadreStatus.RETIRED}
_END_REASON = {DepartureKind.RETIREMENT: EndReason.RETIRED}


def _audit(actor: Any, action: str, departure: Departure, obj: Any, summary: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        county_id=departure.county_id,
        unit_id=departure.unit_id,
        summary=summary,
    )


@transaction.atomic
def departure_record(
    *,
    actor: Any,
    cadre: Cadre,
    kind: str,
    destination_level: str,
    departed_on: datetime.date,
    destination: str = "",
    planned_return_on: datetime.date | None = None,
    note: str = "",
) -> Departure:
    """Record that CADRE left on DEPARTED_ON.

    A secondment (借调) needs a planned return after the departure and leaves posts and status
    as they are. Any other kind ends the cadre's open appointments on the departure day, opens
    the vacancies that leaves, takes the cadre off every bench and out of running selections,
    and marks the cadre departed (retired for 退休).
    """
    require_org_department(actor, county_id=cadre.county_id)
    require_not_future(departed_on, label=_("离岗时间"), field="departed_on")
    if kind not in DepartureKind.values:
        raise ValidationError(_("请选择离岗方式。"))
    if destination_level not in DestinationLevel.values:
        raise ValidationError(_("请选择去向层级。"))
    if cadre.status != CadreStatus.ACTIVE:
        raise Conflict(
            _("%(name)s 的状态是“%(status)s”，不能再登记离岗。")
            % {"name": cadre.name, "status": cadre.get_status_display()}
        )
    open_secondment = cadre.departures.filter(
        kind=DepartureKind.SECONDMENT, returned_on__isnull=True, followed_by__isnull=True
    ).first()
    if kind == DepartureKind.SECONDMENT:
        if open_secondment is not None:
            raise Conflict(_("%(name)s 正在借调中，请先登记返回。") % {"name": cadre.name})
        if planned_return_on is None or planned_return_on <= departed_on:
            raise ValidationError(_("借调须填写晚于离岗时间的计划返回时间。"))
    else:
        planned_return_on = None
    current = list(
        Appointment.objects.select_related("post").filter(cadre=cadre, end_date__isnull=True)
    )
    top = max(current, key=lambda a: TIER_LEVEL[Tier(a.post.tier)], default=None)
    departure = Departure(
        county_id=cadre.county_id,
        unit_id=cadre.unit_id,
        cadre=cadre,
        kind=kind,
        destination_level=destination_level,
        destination=destination.strip(),
        departed_on=departed_on,
        planned_return_on=planned_return_on,
        tier=top.post.tier if top else Tier.GENERAL,
        held_leadership=bool(top and top.post.is_leadership),
        note=note.strip(),
        recorded_by=actor,
    )
    full_clean_or_raise(departure)
    departure.save()
    if kind != DepartureKind.SECONDMENT:
        _leave(actor=actor, departure=departure, current=current, open_secondment=open_secondment)
    _audit(
        actor,
        AuditAction.CREATE,
        departure,
        departure,
        f"cadre={cadre.pk}",
    )
    return departure


def _leave(
    *,
    actor: Any,
    departure: Departure,
    current: list[Appointment],
    open_secondment: Departure | None,
) -> None:
    day = departure.departed_on
    for appointment in current:
        appointment_end(
            actor=actor,
            appointment=appointment,
            end_date=day,
            end_reason=_END_REASON.get(DepartureKind(departure.kind), EndReason.DEPARTED),
        )
    if open_secondment is not None:
        # A seconded cadre who leaves for good (often 借调 turned into 遴选) ends the
        # secondment without returning.
        open_secondment.followed_by = departure
        open_secondment.save(update_fields=["followed_by"])
    BenchEntry.objects.filter(cadre=departure.cadre, removed_on__isnull=True).update(removed_on=day)
    Candidate.objects.filter(
        cadre=departure.cadre,
        outcome=CandidateOutcome.PENDING,
    ).exclude(process__stage__in=FINAL_STAGES).update(
        outcome=CandidateOutcome.WITHDRAWN,
        outcome_on=day,
        outcome_note=_("本人已离岗（%(kind)s）") % {"kind": departure.get_kind_display()},
    )
    cadre_update(
        actor=actor,
        cadre=departure.cadre,
        status=_STATUS_AFTER.get(DepartureKind(departure.kind), CadreStatus.DEPARTED),
    )


@transaction.atomic
def secondment_return(*, actor: Any, departure: Departure, returned_on: datetime.date) -> Departure:
    """Record the return of a seconded cadre (借调返回)."""
    require_org_department(actor, county_id=departure.county_id)
    require_not_future(returned_on, label=_("返回时间"), field="returned_on")
    if departure.kind != DepartureKind.SECONDMENT:
        raise ValidationError(_("只有借调才能登记返回。"))
    if departure.returned_on is not None or departure.followed_by_id is not None:
        raise Conflict(_("该借调已经结束。"))
    if returned_on < departure.departed_on:
        raise ValidationError(_("返回时间不能早于离岗时间。"))
    departure.returned_on = returned_on
    departure.save(update_fields=["returned_on"])
    _audit(actor, AuditAction.UPDATE, departure, departure, "借调返回")
    return departure


@transaction.atomic
def exit_interview_record(
    *,
    actor: Any,
    departure: Departure,
    interviewed_on: datetime.date,
    reasons: list[str],
    details: str = "",
    would_return_if: str = "",
) -> ExitInterview:
    """Record (or correct) the exit interview of a departure; at least one reason."""
    require_org_department(actor, county_id=departure.county_id)
    require_not_future(interviewed_on, label=_("谈话时间"), field="interviewed_on")
    chosen = list(dict.fromkeys(reasons))
    if not chosen:
        raise ValidationError(_("请至少选择一项离岗原因。"))
    unknown = [reason for reason in chosen if reason not in ExitReason.values]
    if unknown:
        raise ValidationError(_("离岗原因不在列表中：%(r)s。") % {"r": "、".join(unknown)})
    if ExitReason.OTHER in chosen and not details.strip():
        raise ValidationError(_("原因选“其他”时，请在本人陈述中写明。"))
    # Interviews are often held shortly before the last day, so a date up to 90 days earlier
    # is accepted.
    if interviewed_on < departure.departed_on - datetime.timedelta(days=90):
        raise ValidationError(_("谈话时间不能早于离岗时间 90 天以上。"))
    interview, created = ExitInterview.objects.get_or_create(
        county_id=departure.county_id,
        departure=departure,
        defaults={"interviewed_on": interviewed_on},
    )
    interview.interviewed_on = interviewed_on
    interview.reasons = [reason for reason in ExitReason.values if reason in chosen]
    interview.details = details.strip()
    interview.would_return_if = would_return_if.strip()
    interview.interviewer = actor
    full_clean_or_raise(interview)
    interview.save()
    _audit(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        departure,
        interview,
        "离岗谈话",
    )
    return interview
