"""Writes of the care app: requests, consent, referrals, contacts, screening, closing, deletion.

Every write is atomic and leaves an audit row in the same transaction. Audit summaries name the
case reference only, never a topic, note or score: the auditor learns who did what to which
case, not what the case is about.
"""

import datetime
from typing import Any

from cryptography.fernet import MultiFernet
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.care.choices import (
    OPEN_STATUSES,
    CaseStatus,
    CloseReason,
    ConsentPurpose,
    ConsentVia,
    ContactTime,
    ContactWay,
    FollowUpStatus,
    ReferralStatus,
    Source,
    Topic,
)
from zhongjian.care.consent import consent_for
from zhongjian.care.crypto import care_fernet, reseal, seal, seal_json
from zhongjian.care.models import Case, Consent, FollowUp, Note, Referral, Reminder, Screening
from zhongjian.care.scoring import Score, score
from zhongjian.core.audit import audit_record
from zhongjian.core.errors import Conflict, PermissionDenied, ValidationError
from zhongjian.core.holidays import work_calendar
from zhongjian.core.models import AuditAction
from zhongjian.core.validation import full_clean_or_raise
from zhongjian.org.models import Cadre, County

REQUEST_TEXT_MAX = 2000
NOTE_MAX = 10_000


def _require(user: Any, *roles: str) -> None:
    if getattr(user, "role", None) not in roles or user.county_id is None:
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def _audit(user: Any, action: str, case: Case, summary: str) -> None:
    audit_record(
        actor=user,
        action=action,
        object_type="care.case",
        object_id=case.pk,
        county_id=case.county_id,
        summary=f"{summary} {case.reference}",
    )


def _clean_text(text: str, *, limit: int, label: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise ValidationError(_("%(label)s不能超过 %(n)d 个字。") % {"label": label, "n": limit})
    if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
        raise ValidationError(_("%(label)s含有无法保存的控制字符。") % {"label": label})
    return text


def _check_choice(value: str, choices: Any, label: str) -> None:
    if value not in choices.values:
        raise ValidationError(_("请选择%(label)s。") % {"label": label})


def first_contact_due(requested_on: datetime.date, *, county_id: int) -> datetime.date:
    """The last day for the first contact: CARE_FIRST_CONTACT_WORKING_DAYS working days later,
    on the county's working-day calendar."""
    return work_calendar(county_id=county_id).add_working_days(
        start=requested_on, days=settings.CARE_FIRST_CONTACT_WORKING_DAYS
    )


def _least_busy_counselor(county_id: int) -> User | None:
    return (
        User.objects.filter(county_id=county_id, role=Role.COUNSELOR, is_active=True)
        .annotate(
            open_cases=Count(
                "care_cases",
                filter=Q(care_cases__status__in=OPEN_STATUSES, care_cases__county_id=county_id),
            )
        )
        .order_by("open_cases", "id")
        .first()
    )


def _next_reference(county_id: int, year: int) -> str:
    prefix = f"{year}-"
    last = (
        Case.objects.filter(county_id=county_id, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def _consent(*, case: Case, purpose: str, via: str, at: datetime.datetime) -> Consent:
    version, text = consent_for(purpose)
    consent = Consent(
        county_id=case.county_id,
        case=case,
        purpose=purpose,
        version=version,
        text=text,
        via=via,
        given_at=at,
    )
    full_clean_or_raise(consent)
    consent.save()
    return consent


def _open_case(
    *,
    actor: Any,
    cadre: Cadre,
    source: str,
    topic: str,
    contact_way: str,
    contact_time: str,
    text: str,
    via: str,
    counselor: User | None,
    at: datetime.datetime,
) -> Case:
    _check_choice(topic, Topic, _("求助主题"))
    _check_choice(contact_way, ContactWay, _("联系方式"))
    _check_choice(contact_time, ContactTime, _("方便的时间"))
    text = _clean_text(text, limit=REQUEST_TEXT_MAX, label=_("描述"))
    requested_on = timezone.localdate(at)
    case = Case(
        county_id=cadre.county_id,
        reference=_next_reference(cadre.county_id, requested_on.year),
        cadre=cadre,
        counselor=counselor or _least_busy_counselor(cadre.county_id),
        source=source,
        topic=topic,
        contact_way=contact_way,
        contact_time=contact_time,
        request_cipher=seal(text) if text else "",
        requested_at=at,
        first_contact_due=first_contact_due(requested_on, county_id=cadre.county_id),
    )
    full_clean_or_raise(case)
    case.save()
    _consent(case=case, purpose=ConsentPurpose.COUNSELING, via=via, at=at)
    _audit(actor, AuditAction.CREATE, case, "新建疏导个案")
    return case


@transaction.atomic
def request_create(
    *,
    user: Any,
    topic: str,
    contact_way: str,
    contact_time: str,
    text: str = "",
    consent: bool,
    at: datetime.datetime | None = None,
) -> Case:
    """A cadre asks for help in their own account; the case exists only with their consent."""
    _require(user, Role.CADRE)
    if not consent:
        raise ValidationError(_("请先阅读并勾选同意书：没有您的单独同意，不会建立个案。"))
    cadre = Cadre.objects.get(county_id=user.county_id, pk=user.cadre_id)
    return _open_case(
        actor=user,
        cadre=cadre,
        source=Source.SELF,
        topic=topic,
        contact_way=contact_way,
        contact_time=contact_time,
        text=text,
        via=ConsentVia.SELF,
        counselor=None,
        at=at or timezone.now(),
    )


def cadre_lookup(*, user: Any, query: str) -> Cadre:
    """The cadre of the user's county with staff number QUERY, or the only one of that name."""
    query = (query or "").strip()[:32]
    cadres = Cadre.objects.filter(county_id=user.county_id)
    found = list(cadres.filter(staff_no=query)[:1]) or list(cadres.filter(name=query)[:2])
    if not found:
        raise ValidationError(_("本县没有姓名或人员编号为“%(q)s”的干部。") % {"q": query})
    if len(found) > 1:
        raise ValidationError(_("本县有同名干部，请改填人员编号。"))
    return found[0]


@transaction.atomic
def request_record(
    *,
    counselor: Any,
    cadre: Cadre,
    topic: str,
    contact_way: str,
    contact_time: str,
    text: str = "",
    oral_consent: bool,
    at: datetime.datetime | None = None,
) -> Case:
    """A counselor records a request that came by phone or in person, after reading the consent
    text to the cadre; the case is the counselor's own, and the cadre can withdraw in their
    account."""
    _require(counselor, Role.COUNSELOR)
    if cadre.county_id != counselor.county_id:
        raise PermissionDenied(_("只能登记本县干部的求助。"))
    if not oral_consent:
        raise ValidationError(_("请先向本人宣读同意书并确认其口头同意，再登记个案。"))
    return _open_case(
        actor=counselor,
        cadre=cadre,
        source=Source.RECORDED,
        topic=topic,
        contact_way=contact_way,
        contact_time=contact_time,
        text=text,
        via=ConsentVia.ORAL,
        counselor=counselor,
        at=at or timezone.now(),
    )


@transaction.atomic
def referral_suggest(*, user: Any, cadre: Cadre, at: datetime.datetime | None = None) -> Referral:
    """A unit head (for their own unit) or the 组织部 suggests counseling to a cadre."""
    _require(user, Role.UNIT_HEAD, Role.ORG_DEPARTMENT)
    allowed = cadre.county_id == user.county_id and (
        user.role == Role.ORG_DEPARTMENT or cadre.unit_id == user.unit_id
    )
    if not allowed:
        raise PermissionDenied(_("只能向本单位（组织部：本县）的干部推荐心理疏导。"))
    referral = Referral(
        county_id=cadre.county_id, cadre=cadre, suggested_by=user, suggested_at=at or timezone.now()
    )
    full_clean_or_raise(referral)
    referral.save()
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        object_type="care.referral",
        object_id=referral.pk,
        county_id=referral.county_id,
        summary="推荐心理疏导",
    )
    return referral


@transaction.atomic
def referral_decide(
    *,
    user: Any,
    referral: Referral,
    accept: bool,
    consent: bool = False,
    topic: str = Topic.OTHER,
    contact_way: str = ContactWay.PHONE,
    contact_time: str = ContactTime.ANY,
    text: str = "",
    at: datetime.datetime | None = None,
) -> Referral:
    """The cadre accepts a suggestion (with consent: a case is opened) or declines it."""
    _require(user, Role.CADRE)
    if referral.cadre_id != user.cadre_id or referral.county_id != user.county_id:
        raise PermissionDenied(_("这不是给您的推荐。"))
    if referral.status != ReferralStatus.PENDING:
        raise Conflict(_("这条推荐已经处理过了。"))
    at = at or timezone.now()
    if accept:
        if not consent:
            raise ValidationError(_("请先阅读并勾选同意书：没有您的单独同意，不会建立个案。"))
        referral.case = _open_case(
            actor=user,
            cadre=referral.cadre,
            source=Source.REFERRAL,
            topic=topic,
            contact_way=contact_way,
            contact_time=contact_time,
            text=text,
            via=ConsentVia.SELF,
            counselor=None,
            at=at,
        )
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.decided_at = at
    referral.save(update_fields=["status", "decided_at", "case"])
    audit_record(
        actor=user,
        action=AuditAction.UPDATE,
        object_type="care.referral",
        object_id=referral.pk,
        county_id=referral.county_id,
        summary="回复心理疏导推荐",
    )
    return referral


def _cancel_planned(case: Case) -> None:
    case.follow_ups.filter(status=FollowUpStatus.PLANNED).update(status=FollowUpStatus.CANCELLED)


def _close(case: Case, *, reason: str, on: datetime.date) -> None:
    case.status = CaseStatus.CLOSED
    case.close_reason = reason
    case.closed_on = on
    case.save(update_fields=["status", "close_reason", "closed_on"])
    _cancel_planned(case)


@transaction.atomic
def consent_withdraw(*, user: Any, case: Case, at: datetime.datetime | None = None) -> Case:
    """The cadre withdraws every consent of their case; an open case is closed at once."""
    _require(user, Role.CADRE)
    if case.cadre_id != user.cadre_id:
        raise PermissionDenied(_("这不是您的个案。"))
    at = at or timezone.now()
    case.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=at)
    if case.is_open:
        _close(case, reason=CloseReason.WITHDRAWN, on=timezone.localdate(at))
    _audit(user, AuditAction.UPDATE, case, "撤回同意")
    return case


def _require_counselor_of(counselor: Any, case: Case) -> None:
    _require(counselor, Role.COUNSELOR)
    if case.counselor_id != counselor.pk or case.county_id != counselor.county_id:
        raise PermissionDenied(_("这不是分配给您的个案。"))


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise Conflict(_("个案已结案，不能再记录。"))


def _plan(case: Case, *, due_on: datetime.date, urgent: bool = False) -> FollowUp:
    follow_up = FollowUp(county_id=case.county_id, case=case, due_on=due_on, urgent=urgent)
    full_clean_or_raise(follow_up)
    follow_up.save()
    return follow_up


@transaction.atomic
def contact_record(
    *,
    counselor: Any,
    case: Case,
    contact_on: datetime.date,
    contact_way: str,
    note: str,
    next_due: datetime.date | None = None,
) -> Note:
    """Record a contact (the first one, or a follow-up): an encrypted note, the follow-ups due
    by that day done, the status moved on, and optionally the next follow-up planned."""
    _require_counselor_of(counselor, case)
    _require_open(case)
    _check_choice(contact_way, ContactWay, _("联系方式"))
    body = _clean_text(note, limit=NOTE_MAX, label=_("疏导记录"))
    if not body:
        raise ValidationError(_("请填写疏导记录。"))
    if contact_on < timezone.localdate(case.requested_at):
        raise ValidationError(_("联系日期不能早于申请日期。"))
    if next_due is not None and next_due <= contact_on:
        raise ValidationError(_("下次跟进日期应晚于本次联系日期。"))
    record = Note(
        county_id=case.county_id,
        case=case,
        author=counselor,
        contact_on=contact_on,
        contact_way=contact_way,
        body_cipher=seal(body),
    )
    full_clean_or_raise(record)
    record.save()
    # A contact settles every follow-up due by its day; made early, it settles the next one.
    planned = case.follow_ups.filter(status=FollowUpStatus.PLANNED)
    settled = planned.filter(due_on__lte=contact_on)
    if not settled.exists():
        settled = planned.filter(pk__in=planned.order_by("due_on", "id").values("pk")[:1])
    settled.update(status=FollowUpStatus.DONE, done_on=contact_on)
    if case.first_contact_on is None:
        case.first_contact_on = contact_on
        case.status = CaseStatus.CONTACTED
    else:
        case.status = CaseStatus.ONGOING
    case.save(update_fields=["first_contact_on", "status"])
    if next_due is not None:
        _plan(case, due_on=next_due)
    _audit(counselor, AuditAction.CREATE, case, "记录联系")
    return record


@transaction.atomic
def follow_up_schedule(*, counselor: Any, case: Case, due_on: datetime.date) -> FollowUp:
    _require_counselor_of(counselor, case)
    _require_open(case)
    follow_up = _plan(case, due_on=due_on)
    _audit(counselor, AuditAction.CREATE, case, "安排跟进")
    return follow_up


@transaction.atomic
def screening_record(
    *,
    counselor: Any,
    case: Case,
    instrument: str,
    answers: list[int],
    consent: bool,
    on: datetime.date,
    at: datetime.datetime | None = None,
) -> tuple[Screening, Score]:
    """Score and store one screening (encrypted) after the cadre's consent to screening.

    An urgent result (PHQ-9 item 9 above 0, or PHQ-9 ≥ 20) marks the case urgent and plans an
    urgent follow-up due the same day.
    """
    _require_counselor_of(counselor, case)
    _require_open(case)
    has_consent = case.consents.filter(
        purpose=ConsentPurpose.SCREENING, withdrawn_at__isnull=True
    ).exists()
    if not has_consent and not consent:
        raise ValidationError(_("填写量表需要本人对筛查的单独同意，请先向本人说明并确认。"))
    result = score(instrument, answers)
    if not has_consent:
        _consent(
            case=case,
            purpose=ConsentPurpose.SCREENING,
            via=ConsentVia.ORAL,
            at=at or timezone.now(),
        )
    screening = Screening(
        county_id=case.county_id,
        case=case,
        instrument=instrument,
        administered_on=on,
        result_cipher=seal_json(result.as_dict()),
    )
    full_clean_or_raise(screening)
    screening.save()
    if result.urgent:
        case.urgent = True
        case.save(update_fields=["urgent"])
        planned = case.follow_ups.filter(status=FollowUpStatus.PLANNED, urgent=True)
        if not planned.filter(due_on__lte=on).exists():
            _plan(case, due_on=on, urgent=True)
    _audit(counselor, AuditAction.CREATE, case, "记录量表筛查")
    return screening, result


@transaction.atomic
def case_close(*, counselor: Any, case: Case, reason: str, on: datetime.date) -> Case:
    _require_counselor_of(counselor, case)
    _require_open(case)
    if reason not in CloseReason.values or reason == CloseReason.WITHDRAWN:
        raise ValidationError(_("请选择结案原因。"))
    _close(case, reason=reason, on=on)
    _audit(counselor, AuditAction.UPDATE, case, "结案")
    return case


@transaction.atomic
def case_urgent_clear(*, counselor: Any, case: Case) -> Case:
    """The counselor lifts the urgent mark once the crisis is handled."""
    _require_counselor_of(counselor, case)
    case.urgent = False
    case.save(update_fields=["urgent"])
    _audit(counselor, AuditAction.UPDATE, case, "解除紧急标记")
    return case


@transaction.atomic
def case_reassign(*, user: Any, case: Case, counselor_id: int) -> Case:
    """The 组织部 moves a case to another counselor of the county; only they can read it then."""
    _require(user, Role.ORG_DEPARTMENT)
    if case.county_id != user.county_id:
        raise PermissionDenied(_("只能调整本县的个案。"))
    target = User.objects.filter(
        pk=counselor_id, county_id=user.county_id, role=Role.COUNSELOR, is_active=True
    ).first()
    if target is None:
        raise ValidationError(_("请选择本县的一名心理疏导员。"))
    if target.pk == case.counselor_id:
        raise Conflict(_("个案已经分配给这位疏导员。"))
    case.counselor = target
    case.save(update_fields=["counselor"])
    _audit(user, AuditAction.UPDATE, case, f"改派给 {target.get_username()}")
    return case


@transaction.atomic
def deletion_request(*, user: Any, case: Case, at: datetime.datetime | None = None) -> Case:
    """The cadre asks for their closed case to be deleted; the counselor confirms it."""
    _require(user, Role.CADRE)
    if case.cadre_id != user.cadre_id:
        raise PermissionDenied(_("这不是您的个案。"))
    if case.is_open:
        raise Conflict(_("个案尚未结案。如不再需要疏导，请先撤回同意。"))
    if case.deletion_requested_at is None:
        case.deletion_requested_at = at or timezone.now()
        case.save(update_fields=["deletion_requested_at"])
        _audit(user, AuditAction.UPDATE, case, "申请删除个案")
    return case


def _delete(actor: Any, case: Case, summary: str) -> None:
    Referral.objects.filter(county_id=case.county_id, case=case).delete()
    _audit(actor, AuditAction.DELETE, case, summary)
    case.delete()


@transaction.atomic
def case_delete(*, counselor: Any, case: Case) -> None:
    """The counselor confirms the cadre's deletion request: the case and all it holds go."""
    _require_counselor_of(counselor, case)
    if case.deletion_requested_at is None:
        raise Conflict(_("本人没有申请删除这个个案。"))
    _delete(counselor, case, "应本人申请删除个案")


@transaction.atomic
def cases_purge(*, today: datetime.date, retention_days: int | None = None) -> int:
    """Delete closed cases (and decided referrals) past the retention period; returns the count."""
    days = settings.CARE_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = today - datetime.timedelta(days=days)
    stale = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time()))
    purged = 0
    for county_id in County.objects.values_list("pk", flat=True):
        for case in Case.objects.filter(
            county_id=county_id, status=CaseStatus.CLOSED, closed_on__lt=cutoff
        ):
            _delete(None, case, "超过保存期限删除个案")
            purged += 1
        Referral.objects.filter(county_id=county_id, suggested_at__lt=stale).delete()
    return purged


@transaction.atomic
def reminders_issue(*, today: datetime.date) -> int:
    """Write today's reminder for every counselor with overdue or urgent work; returns how many."""
    from zhongjian.care.selectors import workload_of

    issued = 0
    for counselor in User.objects.filter(role=Role.COUNSELOR, is_active=True).exclude(
        county_id=None
    ):
        load = workload_of(counselor, today=today)
        if not (load.overdue_follow_ups or load.overdue_first_contacts or load.urgent_cases):
            continue
        Reminder.objects.update_or_create(
            county_id=counselor.county_id,
            counselor=counselor,
            day=today,
            defaults={
                "overdue_follow_ups": load.overdue_follow_ups,
                "overdue_first_contacts": load.overdue_first_contacts,
                "urgent_cases": load.urgent_cases,
            },
        )
        issued += 1
    return issued


@transaction.atomic
def reminder_acknowledge(*, counselor: Any, reminder_id: int) -> None:
    _require(counselor, Role.COUNSELOR)
    Reminder.objects.filter(
        county_id=counselor.county_id, counselor=counselor, pk=reminder_id
    ).update(acknowledged_at=timezone.now())


@transaction.atomic
def care_key_rotate(*, fernet: MultiFernet | None = None) -> int:
    """Re-encrypt every request text, note and screening under the current CARE_KEY (or under
    FERNET's first key), reading each under any key the rotation knows."""
    fernet = fernet or care_fernet()
    changed = 0
    sealed = ((Case, "request_cipher"), (Note, "body_cipher"), (Screening, "result_cipher"))
    for county_id in County.objects.values_list("pk", flat=True):
        for model, field in sealed:
            rows = model.objects.filter(county_id=county_id).exclude(**{field: ""})
            for pk, token in rows.values_list("pk", field).iterator():
                model.objects.filter(county_id=county_id, pk=pk).update(
                    **{field: reseal(token, fernet=fernet)}
                )
                changed += 1
    audit_record(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="care.key",
        summary=f"心理疏导密钥轮换，重新加密 {changed} 条",
    )
    return changed
