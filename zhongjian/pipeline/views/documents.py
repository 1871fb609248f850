"""Generated documents (.docx) and the organization department's template versions."""

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.core.errors import DomainError
from zhongjian.core.permissions import require_roles
from zhongjian.dataio.lrmx_views import file_response
from zhongjian.org.selectors import cadre_get
from zhongjian.pipeline.access import WRITE_ROLES
from zhongjian.pipeline.choices import DocumentKind
from zhongjian.pipeline.documents import PLACEHOLDERS
from zhongjian.pipeline.forms import ResignationApplicationForm, TemplateUploadForm
from zhongjian.pipeline.models import DocumentTemplate
from zhongjian.pipeline.selectors.departures import departure_get
from zhongjian.pipeline.selectors.selection import candidate_get, decline_get, process_get
from zhongjian.pipeline.services import documents as services


def docx_response(document: services.GeneratedDocument) -> HttpResponse:
    response = HttpResponse(document.content, content_type=document.content_type)
    # RFC 6266 filename* keeps the Chinese file name intact in every current browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.filename)}"
    return response


@require_roles(*WRITE_ROLES)
def resignation_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    departure = departure_get(user=request.user, pk=pk)
    return docx_response(services.resignation_report(actor=request.user, departure=departure))


@require_roles(*WRITE_ROLES)
def resignation_application_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the 辞职报告 of a cadre still in post; nothing is registered by it."""
    cadre = cadre_get(user=request.user, pk=pk)
    form = ResignationApplicationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                return docx_response(
                    services.resignation_application(
                        actor=request.user,
                        cadre=cadre,
                        reasons=form.cleaned_data["reasons"],
                        details=form.cleaned_data["details"],
                        on=form.cleaned_data["on"],
                    )
                )
            except DomainError as error:
                form.add_error(None, error.message)
    return render(
        request,
        "pipeline/resignation_application.html",
        {"cadre": cadre, "form": form},
        status=status,
    )


@require_roles(*WRITE_ROLES)
def decline_statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    decline = decline_get(user=request.user, pk=pk)
    return docx_response(services.decline_statement(actor=request.user, decline=decline))


@require_roles(*WRITE_ROLES)
def appointment_form_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    return docx_response(
        services.appointment_form(
            actor=request.user, candidate=candidate, today=timezone.localdate()
        )
    )


@require_roles(*WRITE_ROLES)
def candidate_lrmx_view(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = candidate_get(user=request.user, pk=pk)
    return file_response(
        services.candidate_lrmx(actor=request.user, candidate=candidate, today=timezone.localdate())
    )


@require_roles(*WRITE_ROLES)
def process_candidates_lrmx_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every remaining candidate's .lrmx in one .zip, to send up the line."""
    process = process_get(user=request.user, pk=pk)
    try:
        archive = services.process_candidates_lrmx(
            actor=request.user, process=process, today=timezone.localdate()
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(process)
    return file_response(archive)


@require_roles(*WRITE_ROLES)
def template_list(request: HttpRequest) -> HttpResponse:
    """Each kind's template in use, its versions, and the upload form."""
    county = request.user.county  # type: ignore[union-attr]
    status = 200
    form = TemplateUploadForm()
    if request.method == "POST":
        form = TemplateUploadForm(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                template = services.template_upload(
                    actor=request.user,
                    county=county,
                    kind=form.cleaned_data["kind"],
                    filename=upload.name,
                    content=upload.read(),
                )
            except DomainError as error:
                form.add_error("file", error.message)
                for problem in error.errors:
                    form.add_error(None, problem)
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("已上传“%(kind)s”模板第 %(v)d 版，今后生成文书使用此版本。")
                    % {"kind": template.get_kind_display(), "v": template.version},
                )
                return redirect("pipeline:templates")
    versions = DocumentTemplate.objects.filter(county=county).defer("content")
    kinds = [
        {
            "kind": kind,
            "placeholders": sorted(PLACEHOLDERS[kind]),
            "versions": [v for v in versions if v.kind == kind],
        }
        for kind in DocumentKind
    ]
    return render(request, "pipeline/templates.html", {"form": form, "kinds": kinds}, status=status)


@require_roles(*WRITE_ROLES)
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    """The template in use for KIND, to edit in Word or WPS and upload again."""
    if kind not in DocumentKind.values:
        raise Http404
    label = DocumentKind(kind).label
    content = services.template_bytes(county=request.user.county, kind=kind)  # type: ignore[union-attr]
    return docx_response(services.GeneratedDocument(filename=f"{label}-模板.docx", content=content))
