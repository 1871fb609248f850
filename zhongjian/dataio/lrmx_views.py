"""Pages for 干部任免审批表 files: upload a batch, review each person, confirm; .lrmx downloads."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import DomainError
from zhongjian.core.forms import Form
from zhongjian.core.permissions import get_scoped_or_404, require_roles
from zhongjian.dataio import lrmx, lrmx_import
from zhongjian.dataio.lrmx_export import FormFile, form_record, lrmx_file, post_label
from zhongjian.dataio.models import FormBatch, FormBatchStatus
from zhongjian.org.choices import Establishment
from zhongjian.org.models import Cadre, Post, Unit


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files; each is checked like a single upload."""

    def clean(self, data: object, initial: object = None) -> list[object]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class FormBatchForm(Form):
    files = MultipleFileField(
        label=gettext_lazy("任免审批表文件"),
        widget=MultipleFileInput(attrs={"multiple": True, "accept": ".lrmx,.lrm,.pic,.zip"}),
        help_text=gettext_lazy("可多选 .lrmx、.lrm（连同同名 .pic 照片）文件，或一个 .zip 压缩包"),
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("新干部所在单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=gettext_lazy("名册中没有的人，按简历中的现任岗位登记；对应不上时登记到此单位"),
    )
    establishment = forms.ChoiceField(
        label=gettext_lazy("新干部编制类型"),
        choices=Establishment.choices,
        initial=Establishment.ADMINISTRATIVE,
    )

    def __init__(self, *args: object, county_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = Unit.objects.filter(county_id=county_id, is_active=True)  # type: ignore[attr-defined]


def file_response(item: FormFile) -> HttpResponse:
    response = HttpResponse(item.content, content_type=item.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.filename)}"
    response["Cache-Control"] = "no-store"
    return response


@require_roles(Role.ORG_DEPARTMENT)
def form_batch_upload(request: HttpRequest) -> HttpResponse:
    county_id = request.user.county_id  # type: ignore[union-attr]
    form = FormBatchForm(request.POST or None, request.FILES or None, county_id=county_id)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            files = [
                lrmx.BatchFile(upload.name, upload.read())
                for upload in request.FILES.getlist("files")
            ]
            try:
                batch = lrmx_import.form_batch_submit(
                    actor=request.user,
                    files=files,
                    unit=form.cleaned_data["unit"],
                    establishment=form.cleaned_data["establishment"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return redirect(batch)
    return render(
        request,
        "dataio/form_upload.html",
        {"form": form, "batches": lrmx_import.form_batch_list(actor=request.user)},
        status=status,
    )


def _batch_or_404(request: HttpRequest, pk: int) -> FormBatch:
    try:
        return lrmx_import.form_batch_get(actor=request.user, pk=pk)
    except DomainError as error:
        raise Http404 from error


@require_roles(Role.ORG_DEPARTMENT)
def form_batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview: every person matched or new, what changes, and each 简历 line's post."""
    batch = _batch_or_404(request, pk)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "choose":
                lrmx_import.form_batch_choose(
                    actor=request.user,
                    batch=batch,
                    matches=_match_choices(request),
                    lines=_line_choices(request),
                    unit=Unit.objects.filter(
                        county_id=batch.county_id, pk=_int(request.POST.get("unit"))
                    ).first(),
                )
                messages.success(request, _("已保存选择，请核对后确认导入。"))
                return redirect(batch)
            if action == "confirm":
                plan = lrmx_import.form_batch_confirm(
                    actor=request.user, batch=batch, today=timezone.localdate()
                )
                messages.success(
                    request,
                    _("已导入：新增 %(c)d 人，更新 %(u)d 人，新建任职记录 %(a)d 条。")
                    % {"c": plan.created, "u": plan.updated, "a": plan.appointments},
                )
                return redirect("dataio:form_upload")
            if action == "cancel":
                lrmx_import.form_batch_cancel(actor=request.user, batch=batch)
                messages.success(request, _("已取消，这批文件的内容已删除。"))
                return redirect("dataio:form_upload")
        except DomainError as error:
            messages.error(request, error.message)
            for line in error.errors[:50]:
                messages.error(request, line)
            status = 400
        batch.refresh_from_db()
    if batch.status != FormBatchStatus.PREVIEW:
        return render(request, "dataio/form_batch.html", {"batch": batch, "plan": None})
    plan = lrmx_import.form_batch_plan(actor=request.user, batch=batch)
    return render(
        request,
        "dataio/form_batch.html",
        {
            "batch": batch,
            "plan": plan,
            "post_options": sorted((post_label(p), p.pk) for p in plan.posts),
            "units": Unit.objects.filter(county_id=batch.county_id, is_active=True),
        },
        status=status,
    )


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _match_choices(request: HttpRequest) -> dict[str, int]:
    """`match-3=17` (person 3 is cadre 17) or `match-3=new` from the preview form."""
    chosen: dict[str, int] = {}
    for key, value in request.POST.items():
        if key.startswith("match-") and value:
            number = lrmx_import.NEW if value == "new" else _int(value)
            if number is not None:
                chosen[key.removeprefix("match-")] = number
    return chosen


def _line_choices(request: HttpRequest) -> dict[str, int]:
    """`line-3-4` holds a post's label as the datalist offers it, or "不建任职记录"."""
    labels = {
        post_label(post): post.pk
        for post in Post.objects.filter(
            county_id=request.user.county_id,  # type: ignore[union-attr]
            is_active=True,
        ).select_related("unit")
    }
    chosen: dict[str, int] = {}
    for key, value in request.POST.items():
        if not key.startswith("line-") or not value.strip():
            continue
        value = value.strip()
        if value == _("不建任职记录"):
            chosen[key.removeprefix("line-")] = lrmx_import.SKIP
        elif value in labels:
            chosen[key.removeprefix("line-")] = labels[value]
    return chosen


@require_roles(Role.ORG_DEPARTMENT, Role.UNIT_HEAD)
def cadre_lrmx(request: HttpRequest, pk: int) -> HttpResponse:
    """A cadre's 任免审批表 as .lrmx from the registry; a unit head gets their own unit's only."""
    cadre = get_scoped_or_404(Cadre.objects.select_related("county", "unit"), request.user, pk)
    record = form_record(actor=request.user, cadre=cadre, today=timezone.localdate())
    return file_response(lrmx_file(actor=request.user, cadre=cadre, record=record))
