"""Instrument pages: the bundled and custom instruments, a preview, and adding a custom one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import ValidationError
from zhongjian.core.permissions import require_roles
from zhongjian.voice.forms import InstrumentBuilderForm, InstrumentJsonForm
from zhongjian.voice.selectors.instruments import instrument_get, instrument_list
from zhongjian.voice.services.instruments import custom_instrument_create, spec_from_items


@require_roles(Role.ORG_DEPARTMENT)
def instrument_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "voice/instrument_list.html", {"entries": instrument_list(user=request.user)}
    )


@require_roles(Role.ORG_DEPARTMENT)
def instrument_detail(request: HttpRequest, code: str, version: int) -> HttpResponse:
    entry = instrument_get(user=request.user, code=code, version=version)
    return render(request, "voice/instrument_detail.html", {"entry": entry})


@require_roles(Role.ORG_DEPARTMENT)
def instrument_create_view(request: HttpRequest) -> HttpResponse:
    """Either the simple builder (items one per line) or a full JSON specification."""
    posted = request.POST if request.method == "POST" else None
    mode = request.POST.get("mode", "builder")
    builder = InstrumentBuilderForm(posted if mode == "builder" else None, prefix="b")
    raw = InstrumentJsonForm(posted if mode == "json" else None, prefix="j")
    form = builder if mode == "builder" else raw
    errors: list[str] = []
    if posted is not None and form.is_valid():
        try:
            spec = (
                spec_from_items(**builder.cleaned_data)
                if mode == "builder"
                else raw.cleaned_data["spec"]
            )
            stored = custom_instrument_create(
                actor=request.user, spec=spec, today=timezone.localdate()
            )
        except ValidationError as error:
            errors = [error.message, *error.errors]
        else:
            messages.success(request, _("已保存为第 %(v)d 版。") % {"v": stored.version})
            return redirect("voice:instrument_detail", code=stored.code, version=stored.version)
    return render(
        request,
        "voice/instrument_form.html",
        {"builder": builder, "raw": raw, "errors": errors, "mode": mode},
    )
