"""Wave pages for the organization department (set up, open, distribute, close) and unit heads."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_read
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditObject
from zhongjian.core.permissions import require_roles
from zhongjian.org.models import Unit
from zhongjian.voice.choices import WaveStatus
from zhongjian.voice.forms import DeadlineForm, WaveForm
from zhongjian.voice.selectors.instruments import instrument_list
from zhongjian.voice.selectors.waves import (
    REPORT_ROLES,
    wave_get,
    wave_has_ended,
    wave_list,
    wave_progress,
    wave_slip_units,
    wave_slips,
)
from zhongjian.voice.services.waves import (
    wave_close,
    wave_create,
    wave_open,
    wave_set_deadline,
    wave_update,
)


def _segno():  # type: ignore[no-untyped-def]
    """The QR code library, loaded where slips are printed rather than with the URLs."""
    import segno

    return segno


@require_roles(*REPORT_ROLES)
def wave_list_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    waves = [
        {"wave": wave, "ended": wave_has_ended(wave=wave, today=today)}
        for wave in wave_list(user=request.user)
    ]
    return render(request, "voice/wave_list.html", {"waves": waves})


def _wave_form(request: HttpRequest, *, initial: dict[str, Any] | None = None) -> WaveForm:
    user: Any = request.user
    return WaveForm(
        request.POST or None,
        initial=initial,
        units=list(
            Unit.objects.filter(county_id=user.county_id, is_active=True).order_by("kind", "code")
        ),
        instruments=instrument_list(user=user),
    )


@require_roles(Role.ORG_DEPARTMENT)
def wave_create_view(request: HttpRequest) -> HttpResponse:
    form = _wave_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            wave = wave_create(actor=request.user, today=timezone.localdate(), **form.settings())
        except ValidationError as error:
            for message in error.errors or [error.message]:
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存为草稿。检查无误后即可开启。"))
            return redirect("voice:wave_detail", pk=wave.pk)
    return render(request, "voice/wave_form.html", {"form": form, "wave": None})


@require_roles(Role.ORG_DEPARTMENT)
def wave_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    wave = wave_get(user=request.user, pk=pk)
    if wave.status != WaveStatus.DRAFT:
        messages.error(request, _("测评批次开启后，范围、测评工具和匿名阈值不能再修改。"))
        return redirect("voice:wave_detail", pk=wave.pk)
    form = _wave_form(
        request,
        initial={
            "title": wave.title,
            "intro": wave.intro,
            "units": wave.unit_ids,
            "mid_level_only": wave.mid_level_only,
            "instruments": [f"{s['code']}:{s['version']}" for s in wave.instrument_specs],
            "k": wave.k,
            "free_text_prompt": wave.free_text_prompt,
            "free_text_k": wave.free_text_k,
            "closes_on": wave.closes_on,
            "invitation_mode": wave.invitation_mode,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            wave_update(
                actor=request.user, wave=wave, today=timezone.localdate(), **form.settings()
            )
        except ValidationError as error:
            for message in error.errors or [error.message]:
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("voice:wave_detail", pk=wave.pk)
    return render(request, "voice/wave_form.html", {"form": form, "wave": wave})


@require_roles(*REPORT_ROLES)
def wave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wave = wave_get(user=request.user, pk=pk)
    user: Any = request.user
    is_org = user.role == Role.ORG_DEPARTMENT
    unit_names = dict(Unit.objects.filter(pk__in=wave.unit_ids).values_list("pk", "name"))
    return render(
        request,
        "voice/wave_detail.html",
        {
            "wave": wave,
            "is_org": is_org,
            "ended": wave_has_ended(wave=wave, today=timezone.localdate()),
            "units": [unit_names[pk] for pk in wave.unit_ids if pk in unit_names],
            "instruments": wave.instruments(),
            "progress": wave_progress(user=user, wave=wave)
            if is_org and wave.status != WaveStatus.DRAFT
            else None,
            "deadline_form": DeadlineForm(initial={"closes_on": wave.closes_on}),
        },
    )


@require_roles(Role.ORG_DEPARTMENT)
@require_POST
def wave_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    wave = wave_get(user=request.user, pk=pk)
    count = wave_open(actor=request.user, wave=wave, today=timezone.localdate())
    messages.success(
        request, _("测评已开启，共生成 %(n)d 个邀请码。请打印纸条或复制链接发放。") % {"n": count}
    )
    return redirect("voice:wave_detail", pk=wave.pk)


@require_roles(Role.ORG_DEPARTMENT)
@require_POST
def wave_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    wave = wave_get(user=request.user, pk=pk)
    wave_close(actor=request.user, wave=wave, today=timezone.localdate())
    messages.success(request, _("测评已结束，可以查看结果。"))
    return redirect("voice:wave_detail", pk=wave.pk)


@require_roles(Role.ORG_DEPARTMENT)
@require_POST
def wave_deadline_view(request: HttpRequest, pk: int) -> HttpResponse:
    wave = wave_get(user=request.user, pk=pk)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("请填写正确的日期。"))
    wave_set_deadline(
        actor=request.user,
        wave=wave,
        closes_on=form.cleaned_data["closes_on"],
        today=timezone.localdate(),
    )
    messages.success(request, _("截止日期已修改。"))
    return redirect("voice:wave_detail", pk=wave.pk)


def _answer_url(request: HttpRequest, code: str) -> str:
    """The answer page with the code after ``#``: browsers never send it, so no log keeps it."""
    return request.build_absolute_uri(reverse("voice:answer")) + "#" + code.replace("-", "")


# A fixed QR mask pattern: any of the eight is valid and scans alike, and trying all eight to
# pick the "best" (segno's default) made the codes four times slower to draw (#14 item 11).
QR_MASK = 0


def _slip_qr(request: HttpRequest, code: str) -> str:
    return (
        _segno()
        .make(_answer_url(request, code), error="m", mask=QR_MASK)
        .svg_inline(scale=3, border=2)
    )


@require_roles(Role.ORG_DEPARTMENT)
def wave_slips_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Printable slips of one unit per page (``?page=N``): for each of its groups a cover sheet
    with the members' names, then one slip per code with its QR code; without a page, the list
    of units (counts only). Only the shown unit's codes are decrypted, and showing them is
    audited, naming the page, not its content."""
    wave = wave_get(user=request.user, pk=pk)
    pages = wave_slip_units(user=request.user, wave=wave)
    number = request.GET.get("page", "")
    current = None
    if number.isdigit() and 1 <= int(number) <= len(pages):
        page = pages[int(number) - 1]
        groups = wave_slips(user=request.user, wave=wave, group_ids=page.group_ids)
        current = {
            "number": int(number),
            "unit": page.unit,
            "groups": [
                {
                    "group": group,
                    "slips": [
                        {"code": code, "qr": _slip_qr(request, code)} for code in group.codes
                    ],
                }
                for group in groups
            ],
        }
        # The page shows the members' names and their codes: a read of protected data (#8).
        audit_read(
            actor=request.user,
            object_type=AuditObject.VOICE_WAVE,
            object_id=wave.pk,
            county_id=wave.county_id,
            summary=f"slips page {current['number']}",
        )
    return render(
        request,
        "voice/wave_slips.html",
        {
            "wave": wave,
            "pages": [
                {"unit": page.unit, "groups": page.groups, "slips": page.slips} for page in pages
            ],
            "current": current,
            "start_url": request.build_absolute_uri(reverse("voice:answer")),
        },
    )


@require_roles(Role.ORG_DEPARTMENT)
def wave_reminder_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A reminder for the whole population: nobody, the system included, knows who is missing."""
    wave = wave_get(user=request.user, pk=pk)
    progress = (
        wave_progress(user=request.user, wave=wave) if wave.status != WaveStatus.DRAFT else None
    )
    return render(request, "voice/wave_reminder.html", {"wave": wave, "progress": progress})
