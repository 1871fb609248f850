"""The care pages: the cadre's 寻求帮助, the counselor's cases, referrals, the 组织部's aggregates.

Each page names the roles that may open it (403 otherwise); a case outside the caller's own is a
404. Forms re-render with the service's Chinese message when it refuses.
"""

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.accounts.roles import Role
from zhongjian.care import services
from zhongjian.care.aggregates import care_aggregates
from zhongjian.care.choices import ConsentPurpose, FollowUpStatus, Instrument
from zhongjian.care.consent import consent_for
from zhongjian.care.forms import (
    CloseForm,
    ContactForm,
    ReassignForm,
    RecordRequestForm,
    ReferralForm,
    RequestForm,
    ScheduleForm,
    screening_form,
)
from zhongjian.care.models import Case
from zhongjian.care.scoring import CRISIS_STEPS, ITEMS, STEM
from zhongjian.care.selectors import (
    assignable_cases,
    cadre_case_get,
    cadre_cases,
    cadre_referral_get,
    cadre_referrals,
    case_content,
    counselor_case_get,
    counselor_cases,
    counselors_of,
    is_first_contact_overdue,
    referrals_suggested,
    reminders_unread,
    workload_of,
)
from zhongjian.core.errors import DomainError
from zhongjian.core.holidays import work_calendar
from zhongjian.core.permissions import require_roles, scoped
from zhongjian.org.models import Cadre

HOTLINE = "12356"


def _fail(form: Any, exc: DomainError) -> None:
    form.add_error(None, exc.message)


# --- the counselor -----------------------------------------------------------------------------


@require_roles(Role.COUNSELOR)
def counselor_home(request: HttpRequest) -> HttpResponse:
    """The counselor's landing page: open cases, urgent and overdue first, and today's reminder."""
    today = timezone.localdate()
    cases = list(counselor_cases(request.user, today=today))
    for case in cases:
        case.first_contact_overdue = is_first_contact_overdue(case, today=today)
    closed = counselor_cases(request.user, today=today, open_only=False).filter(
        deletion_requested_at__isnull=False
    )
    return render(
        request,
        "care/counselor_home.html",
        {
            "cases": cases,
            "deletion_requests": closed,
            "load": workload_of(request.user, today=today),
            "reminder": reminders_unread(request.user).first(),
            "today": today,
        },
    )


@require_roles(Role.COUNSELOR)
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    case = counselor_case_get(request.user, pk, today=today)
    return _render_case(request, case, today=today)


def _render_case(
    request: HttpRequest, case: Case, *, today: datetime.date, **forms: Any
) -> HttpResponse:
    content = case_content(request.user, case)
    context = {
        "case": case,
        "content": content,
        "follow_ups": case.follow_ups.filter(county_id=case.county_id),
        "consents": case.consents.filter(county_id=case.county_id),
        "first_contact_overdue": is_first_contact_overdue(case, today=today),
        "first_contact_days": (
            work_calendar(county_id=case.county_id).working_days_between(
                start=timezone.localdate(case.requested_at), end=case.first_contact_on
            )
            if case.first_contact_on
            else None
        ),
        "today": today,
        "crisis_steps": CRISIS_STEPS,
        "hotline": HOTLINE,
        "contact_form": forms.get("contact_form")
        or ContactForm(initial={"contact_way": case.contact_way}),  # the day is chosen
        "schedule_form": forms.get("schedule_form") or ScheduleForm(),
        "close_form": CloseForm(),
        "instruments": Instrument.choices,
        "planned": FollowUpStatus.PLANNED,
    }
    status = 400 if forms else 200
    return render(request, "care/case_detail.html", context, status=status)


@require_roles(Role.COUNSELOR)
@require_POST
def case_contact(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    case = counselor_case_get(request.user, pk, today=today)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_record(counselor=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("联系记录已加密保存。"))
            return redirect("care:case_detail", pk=case.pk)
    return _render_case(request, case, today=today, contact_form=form)


@require_roles(Role.COUNSELOR)
@require_POST
def case_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    case = counselor_case_get(request.user, pk, today=today)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_schedule(counselor=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已安排跟进。"))
            return redirect("care:case_detail", pk=case.pk)
    return _render_case(request, case, today=today, schedule_form=form)


@require_roles(Role.COUNSELOR)
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = counselor_case_get(request.user, pk, today=timezone.localdate())
    form = CloseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.case_close(counselor=request.user, case=case, reason=reason, on=timezone.localdate())
    messages.success(request, _("个案已结案。"))
    return redirect("care:case_detail", pk=case.pk)


@require_roles(Role.COUNSELOR)
@require_POST
def case_urgent_clear(request: HttpRequest, pk: int) -> HttpResponse:
    case = counselor_case_get(request.user, pk, today=timezone.localdate())
    services.case_urgent_clear(counselor=request.user, case=case)
    messages.success(request, _("已解除紧急标记。"))
    return redirect("care:case_detail", pk=case.pk)


@require_roles(Role.COUNSELOR)
@require_POST
def case_delete(request: HttpRequest, pk: int) -> HttpResponse:
    case = counselor_case_get(request.user, pk, today=timezone.localdate())
    reference = case.reference
    services.case_delete(counselor=request.user, case=case)
    messages.success(request, _("个案 %(ref)s 已按本人申请删除。") % {"ref": reference})
    return redirect("care:home")


@require_roles(Role.COUNSELOR)
def case_screening(request: HttpRequest, pk: int, instrument: str) -> HttpResponse:
    today = timezone.localdate()
    case = counselor_case_get(request.user, pk, today=today)
    if instrument not in Instrument.values:
        raise Http404
    form = screening_form(
        instrument,
        request.POST if request.method == "POST" else None,
        initial={"administered_on": today},
    )
    has_consent = case.consents.filter(
        purpose=ConsentPurpose.SCREENING, withdrawn_at__isnull=True
    ).exists()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = [data[f"q{n}"] for n in range(1, len(ITEMS[instrument]) + 1)]
        try:
            _screening, result = services.screening_record(
                counselor=request.user,
                case=case,
                instrument=instrument,
                answers=answers,
                consent=data["consent"],
                on=data["administered_on"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            if result.urgent:
                messages.error(
                    request,
                    _(
                        "结果提示有危险（%(band)s，%(total)d 分）：个案已标为紧急，"
                        "请立即按危机处置步骤跟进。"
                    )
                    % {"band": result.band, "total": result.total},
                )
            else:
                messages.success(
                    request,
                    _("量表已计分：%(total)d 分，%(band)s。")
                    % {"total": result.total, "band": result.band},
                )
            return redirect("care:case_detail", pk=case.pk)
    return render(
        request,
        "care/screening.html",
        {
            "case": case,
            "form": form,
            "title": dict(Instrument.choices)[instrument],
            "stem": STEM,
            "has_consent": has_consent,
            "consent_text": consent_for(ConsentPurpose.SCREENING)[1],
        },
        status=400 if form.errors else 200,
    )


@require_roles(Role.COUNSELOR)
def request_record(request: HttpRequest) -> HttpResponse:
    """A counselor records a request that came by phone or in person."""
    form = RecordRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cadre = services.cadre_lookup(user=request.user, query=data["cadre"])
            case = services.request_record(
                counselor=request.user,
                cadre=cadre,
                topic=data["topic"],
                contact_way=data["contact_way"],
                contact_time=data["contact_time"],
                text=data["text"],
                oral_consent=data["consent"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已登记个案 %(ref)s。") % {"ref": case.reference})
            return redirect("care:case_detail", pk=case.pk)
    return render(
        request,
        "care/record_request.html",
        {"form": form, "consent_text": consent_for(ConsentPurpose.COUNSELING)[1]},
        status=400 if form.errors else 200,
    )


@require_roles(Role.COUNSELOR)
@require_POST
def reminder_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    services.reminder_acknowledge(counselor=request.user, reminder_id=pk)
    return redirect("care:home")


# --- the cadre ---------------------------------------------------------------------------------


@require_roles(Role.CADRE)
def help_page(request: HttpRequest) -> HttpResponse:
    """寻求帮助: who sees what, the 12356 hotline, the request form, one's own cases."""
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(
                request, _("已收到您的求助。疏导员会在约定的时间用您选择的方式联系您。")
            )
            return redirect("care:help")
    return render(
        request,
        "care/help.html",
        {
            "form": form,
            "cases": cadre_cases(request.user),
            "referrals": cadre_referrals(request.user),
            "consent_text": consent_for(ConsentPurpose.COUNSELING)[1],
            "consent_version": consent_for(ConsentPurpose.COUNSELING)[0],
            "hotline": HOTLINE,
        },
        status=400 if form.errors else 200,
    )


@require_roles(Role.CADRE)
@require_POST
def help_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    case = cadre_case_get(request.user, pk)
    services.consent_withdraw(user=request.user, case=case)
    messages.success(request, _("已撤回同意，个案已结束。您随时可以重新申请。"))
    return redirect("care:help")


@require_roles(Role.CADRE)
@require_POST
def help_delete(request: HttpRequest, pk: int) -> HttpResponse:
    case = cadre_case_get(request.user, pk)
    services.deletion_request(user=request.user, case=case)
    messages.success(request, _("已申请删除，疏导员确认后个案和全部记录将被删除。"))
    return redirect("care:help")


@require_roles(Role.CADRE)
@require_POST
def referral_decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = cadre_referral_get(request.user, pk)
    accept = request.POST.get("decision") == "accept"
    if accept:
        form = RequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("接受推荐需要选择主题、联系方式和时间，并勾选同意书。"))
            return redirect("care:help")
        services.referral_decide(
            user=request.user, referral=referral, accept=True, **form.cleaned_data
        )
        messages.success(request, _("已接受，疏导员会与您联系。"))
    else:
        services.referral_decide(user=request.user, referral=referral, accept=False)
        messages.success(request, _("已谢绝这条推荐，推荐人只会看到“未接受”。"))
    return redirect("care:help")


# --- unit heads and the 组织部 -----------------------------------------------------------------


@require_roles(Role.UNIT_HEAD, Role.ORG_DEPARTMENT)
def referrals(request: HttpRequest) -> HttpResponse:
    """Suggest counseling to a cadre; see only whether each suggestion was accepted."""
    cadres = scoped(Cadre.objects.select_related("unit"), request.user).order_by("unit_id", "name")
    choices = [(c.pk, f"{c.name}（{c.unit.name}）") for c in cadres[:3000]]
    form = ReferralForm(request.POST or None, cadres=choices)
    if request.method == "POST" and form.is_valid():
        cadre = (
            scoped(Cadre.objects.all(), request.user).filter(pk=form.cleaned_data["cadre"]).first()
        )
        if cadre is None:
            raise Http404
        services.referral_suggest(user=request.user, cadre=cadre)
        messages.success(request, _("已向本人发出推荐，是否接受由本人决定。"))
        return redirect("care:referrals")
    return render(
        request,
        "care/referrals.html",
        {"form": form, "rows": referrals_suggested(request.user)},
        status=400 if form.errors else 200,
    )


def _year_period(
    value: str, today: datetime.date
) -> tuple[int, tuple[datetime.date, datetime.date]]:
    year = int(value) if value.isdigit() and 2000 <= int(value) <= today.year else today.year
    return year, (datetime.date(year, 1, 1), datetime.date(year, 12, 31))


@require_roles(Role.ORG_DEPARTMENT)
def overview(request: HttpRequest) -> HttpResponse:
    """k-safe counts and timeliness by unit kind and county-wide; nothing about anyone."""
    today = timezone.localdate()
    year, period = _year_period(request.GET.get("year", ""), today)
    group_by = "county" if request.GET.get("by") == "county" else "unit_kind"
    rows = care_aggregates(request.user, group_by=group_by, period=period, today=today)
    return render(
        request,
        "care/overview.html",
        {
            "rows": rows,
            "year": year,
            "years": range(today.year, today.year - 5, -1),
            "group_by": group_by,
            "k": settings.CARE_K,
        },
    )


@require_roles(Role.ORG_DEPARTMENT)
def assignments(request: HttpRequest) -> HttpResponse:
    """Reassign open cases between counselors by reference only (no name, unit or topic)."""
    counselors = list(counselors_of(request.user))
    choices = [(c.pk, str(c)) for c in counselors]
    return render(
        request,
        "care/assignments.html",
        {
            "cases": assignable_cases(request.user),
            "counselors": counselors,
            "form": ReassignForm(counselors=choices),
        },
    )


@require_roles(Role.ORG_DEPARTMENT)
@require_POST
def assignment_change(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        case = assignable_cases(request.user).get(pk=pk)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    choices = [(c.pk, str(c)) for c in counselors_of(request.user)]
    form = ReassignForm(request.POST, counselors=choices)
    if not form.is_valid():
        messages.error(request, _("请选择本县的一名心理疏导员。"))
        return redirect("care:assignments")
    services.case_reassign(
        user=request.user, case=case, counselor_id=form.cleaned_data["counselor"]
    )
    messages.success(request, _("个案 %(ref)s 已改派。") % {"ref": case.reference})
    return redirect("care:assignments")
