"""Import pages (upload → check → confirm, with a progress bar) and export downloads."""

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import require_roles
from zhongjian.dataio.columns import SPECS, ImportKind
from zhongjian.dataio.exports import export_build
from zhongjian.dataio.forms import ImportForm
from zhongjian.dataio.importers import MAX_CHANGES_SHOWN
from zhongjian.dataio.models import ImportStatus
from zhongjian.dataio.progress import progress_read
from zhongjian.dataio.selectors import import_job_get, import_job_list
from zhongjian.dataio.services import (
    import_job_cancel,
    import_job_confirm,
    import_job_submit,
    import_limits,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_export(**kwargs: Any) -> bytes:
    """dataio.templates.build_export, with openpyxl loaded where a file is written."""
    from zhongjian.dataio.templates import build_export as build

    return build(**kwargs)


def build_template(**kwargs: Any) -> bytes:
    """dataio.templates.build_template, with openpyxl loaded where a file is written."""
    from zhongjian.dataio.templates import build_template as build

    return build(**kwargs)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    # RFC 6266: the UTF-8 name for current browsers, an ASCII fallback for the rest.
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_roles(Role.ORG_DEPARTMENT)
def import_page(request: HttpRequest) -> HttpResponse:
    # 重新上传 from a refused job's page comes back with its data kind chosen.
    kind = request.GET.get("kind", "")
    initial = {"kind": kind} if kind in ImportKind.values else {}
    form = ImportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_submit(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            data=upload.read(),
            filename=upload.name,
            sheet=form.cleaned_data["sheet"],
        )
        return redirect(job)
    max_bytes, max_rows = import_limits()
    kinds = [
        {"value": kind, "label": label, "columns": [c.label for c in SPECS[kind].columns]}
        for kind, label in ImportKind.choices
    ]
    return render(
        request,
        "dataio/import.html",
        {
            "form": form,
            "kinds": kinds,
            "jobs": import_job_list(user=request.user)[:20],
            "max_mb": max_bytes // (1024 * 1024),
            "max_rows": max_rows,
        },
    )


@require_roles(Role.ORG_DEPARTMENT)
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ImportKind.values:
        raise Http404
    name = f"{ImportKind(kind).label}导入模板.xlsx"
    return xlsx_response(build_template(kind=kind), name)


def _job_context(request: HttpRequest, pk: int) -> dict[str, object]:
    job = import_job_get(user=request.user, pk=pk)
    return {"job": job, "progress": progress_read(job.pk) if job.is_running else None}


# Lines of the change preview shown at once; the rest (up to MAX_CHANGES_SHOWN) fold away.
CHANGES_UNFOLDED = 20


@require_roles(Role.ORG_DEPARTMENT)
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _job_context(request, pk)
    changes = context["job"].changes  # type: ignore[attr-defined]
    context["changes_shown"] = changes[:CHANGES_UNFOLDED]
    context["changes_folded"] = changes[CHANGES_UNFOLDED:]
    context["changes_max"] = MAX_CHANGES_SHOWN
    return render(request, "dataio/job.html", context)


@require_roles(Role.ORG_DEPARTMENT)
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar for htmx polling; once the job stops running, the whole page reloads."""
    context = _job_context(request, pk)
    response = render(request, "dataio/_progress.html", context)
    if not context["job"].is_running:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@require_POST
@require_roles(Role.ORG_DEPARTMENT)
def job_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_confirm(actor=request.user, job=import_job_get(user=request.user, pk=pk))
    return redirect(job)


@require_POST
@require_roles(Role.ORG_DEPARTMENT)
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    import_job_cancel(actor=request.user, job=import_job_get(user=request.user, pk=pk))
    messages.success(request, _("已取消该导入任务，上传的文件已删除。"))
    return redirect("dataio:import")


@require_roles(Role.ORG_DEPARTMENT)
def job_errors_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The problems of a checked file as a spreadsheet the clerk can work through."""
    job = import_job_get(user=request.user, pk=pk)
    if job.status != ImportStatus.INVALID:
        raise Http404
    content = build_export(
        title=str(_("导入问题清单")),
        columns=[str(_("行号")), str(_("姓名")), str(_("列")), str(_("问题"))],
        rows=(
            [error["row"], error.get("who", ""), error["column"], error["message"]]
            for error in job.errors
        ),
    )
    return xlsx_response(content, f"{job.filename}-问题清单.xlsx")


@login_required
def export_download(request: HttpRequest, name: str) -> HttpResponse:
    # Each export names the roles it is open to (the audit log's is the auditor's); a role it
    # is not open to gets 403 from export_build.
    exported = export_build(user=request.user, name=name, params=request.GET)
    return xlsx_response(exported.content, exported.filename)
