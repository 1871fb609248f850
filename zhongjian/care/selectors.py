"""Scoped reads of the care app: a counselor's own cases, a cadre's own requests, referrals.

Nothing here answers for a role outside the case: the counselor reads only cases assigned to
them (another counselor's case is a 404), a cadre only their own. Reading the content of a case
(the request text, notes, screening results) goes through `case_content`, which writes one audit
row per item read.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.care.choices import OPEN_STATUSES, CaseStatus, FollowUpStatus, ReferralStatus
from zhongjian.care.crypto import unseal, unseal_json
from zhongjian.care.models import Case, Referral, Reminder
from zhongjian.core.audit import AuditEntry, audit_record_many
from zhongjian.core.models import AuditAction


def _is(user: Any, role: str) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == role
        and user.county_id is not None
    )


def with_due(cases: QuerySet[Case], *, today: datetime.date) -> QuerySet[Case]:
    """Annotate the overdue follow-ups and the next planned follow-up date of each case."""
    planned = Q(follow_ups__status=FollowUpStatus.PLANNED)
    return cases.annotate(
        overdue_follow_ups=Count("follow_ups", filter=planned & Q(follow_ups__due_on__lt=today)),
        next_due=Min("follow_ups__due_on", filter=planned),
    )


def counselor_cases(user: Any, *, today: datetime.date, open_only: bool = True) -> QuerySet[Case]:
    """The cases assigned to USER (a counselor), overdue and urgent first."""
    if not _is(user, Role.COUNSELOR):
        return Case.objects.none()
    cases = Case.objects.filter(county_id=user.county_id, counselor_id=user.pk)
    if open_only:
        cases = cases.filter(status__in=OPEN_STATUSES)
    return with_due(cases.select_related("cadre__unit"), today=today).order_by(
        "-urgent", "status", "first_contact_due", "id"
    )


def counselor_case_get(user: Any, pk: object, *, today: datetime.date) -> Case:
    try:
        return counselor_cases(user, today=today, open_only=False).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def is_first_contact_overdue(case: Case, *, today: datetime.date) -> bool:
    return case.status == CaseStatus.NEW and case.first_contact_due < today


@dataclass(frozen=True)
class Workload:
    open_cases: int
    overdue_follow_ups: int
    overdue_first_contacts: int
    urgent_cases: int


def workload_of(user: Any, *, today: datetime.date) -> Workload:
    """What is open, overdue and urgent for USER (a counselor) on TODAY."""
    cases = list(counselor_cases(user, today=today))
    return Workload(
        open_cases=len(cases),
        overdue_follow_ups=sum(case.overdue_follow_ups for case in cases),
        overdue_first_contacts=sum(is_first_contact_overdue(c, today=today) for c in cases),
        urgent_cases=sum(case.urgent for case in cases),
    )


def reminders_unread(user: Any) -> QuerySet[Reminder]:
    if not _is(user, Role.COUNSELOR):
        return Reminder.objects.none()
    return Reminder.objects.filter(
        county_id=user.county_id, counselor_id=user.pk, acknowledged_at__isnull=True
    )[:1]


@dataclass(frozen=True)
class NoteView:
    id: int
    contact_on: datetime.date
    contact_way: str
    author: str
    body: str


@dataclass(frozen=True)
class ScreeningView:
    id: int
    instrument: str
    administered_on: datetime.date
    answers: list[int]
    total: int
    band: str
    urgent: bool


@dataclass(frozen=True)
class CaseContent:
    request_text: str
    notes: list[NoteView]
    screenings: list[ScreeningView]


def case_content(user: Any, case: Case) -> CaseContent:
    """The decrypted content of CASE for its assigned counselor; every item read is audited."""
    if not _is(user, Role.COUNSELOR) or case.counselor_id != user.pk:
        raise Http404
    notes = [
        NoteView(
            id=note.pk,
            contact_on=note.contact_on,
            contact_way=note.get_contact_way_display(),
            author=str(note.author) if note.author else "",
            body=unseal(note.body_cipher),
        )
        for note in case.notes.filter(county_id=case.county_id).select_related("author")
    ]
    screenings = []
    for row in case.screenings.filter(county_id=case.county_id):
        result = unseal_json(row.result_cipher)
        screenings.append(
            ScreeningView(
                id=row.pk,
                instrument=row.get_instrument_display(),
                administered_on=row.administered_on,
                answers=result["answers"],
                total=result["total"],
                band=result["band"],
                urgent=result["urgent"],
            )
        )
    entries = [
        *(
            [
                AuditEntry(
                    AuditAction.READ,
                    "care.request",
                    case.pk,
                    None,
                    f"查阅求助描述 {case.reference}",
                )
            ]
            if case.request_cipher
            else []
        ),
        *(
            AuditEntry(AuditAction.READ, "care.note", n.id, None, f"查阅疏导记录 {case.reference}")
            for n in notes
        ),
        *(
            AuditEntry(
                AuditAction.READ, "care.screening", s.id, None, f"查阅量表结果 {case.reference}"
            )
            for s in screenings
        ),
    ]
    if entries:
        audit_record_many(actor=user, entries=entries, county_id=case.county_id)
    return CaseContent(request_text=unseal(case.request_cipher), notes=notes, screenings=screenings)


def cadre_cases(user: Any) -> QuerySet[Case]:
    """The cadre's own cases, newest first."""
    if not _is(user, Role.CADRE) or user.cadre_id is None:
        return Case.objects.none()
    return (
        Case.objects.filter(county_id=user.county_id, cadre_id=user.cadre_id)
        .select_related("counselor")
        .order_by("-requested_at", "-id")
    )


def cadre_case_get(user: Any, pk: object) -> Case:
    try:
        return cadre_cases(user).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def cadre_referrals(user: Any) -> QuerySet[Referral]:
    """Suggestions waiting for the cadre's decision (who suggested it is not shown)."""
    if not _is(user, Role.CADRE) or user.cadre_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(
        county_id=user.county_id, cadre_id=user.cadre_id, status=ReferralStatus.PENDING
    )


def cadre_referral_get(user: Any, pk: object) -> Referral:
    try:
        return cadre_referrals(user).get(pk=pk)
    except (Referral.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class SuggestedReferral:
    cadre_name: str
    unit_name: str
    suggested_on: datetime.date
    accepted: bool


def referrals_suggested(user: Any) -> list[SuggestedReferral]:
    """USER's own suggestions with only whether each was accepted (pending and declined look
    the same, and nothing about a case shows)."""
    if not (_is(user, Role.UNIT_HEAD) or _is(user, Role.ORG_DEPARTMENT)):
        return []
    rows = (
        Referral.objects.filter(county_id=user.county_id, suggested_by_id=user.pk)
        .select_related("cadre__unit")
        .order_by("-suggested_at", "-id")[:200]
    )
    return [
        SuggestedReferral(
            cadre_name=row.cadre.name,
            unit_name=row.cadre.unit.name,
            suggested_on=row.suggested_at.date(),
            accepted=row.status == ReferralStatus.ACCEPTED,
        )
        for row in rows
    ]


def assignable_cases(user: Any) -> QuerySet[Case]:
    """Open cases of the county for reassignment by the 组织部: reference, counselor, status and
    the month of the request only — the page shows no name, unit or topic."""
    if not _is(user, Role.ORG_DEPARTMENT):
        return Case.objects.none()
    return (
        Case.objects.filter(county_id=user.county_id, status__in=OPEN_STATUSES)
        .select_related("counselor")
        .only("id", "county_id", "reference", "status", "requested_at", "counselor")
        .order_by("reference")
    )


def counselors_of(user: Any) -> QuerySet[User]:
    """The active counselors of USER's county with their open case counts."""
    if user.county_id is None:
        return User.objects.none()
    return (
        User.objects.filter(county_id=user.county_id, role=Role.COUNSELOR, is_active=True)
        .annotate(
            open_cases=Count(
                "care_cases",
                filter=Q(care_cases__status__in=OPEN_STATUSES)
                & Q(care_cases__county_id=user.county_id),
            )
        )
        .order_by("display_name", "username")
    )
