"""Registry edit pages: the organization department creates and corrects units, posts, cadres,
appointments and rank grants; a unit head files correction requests (申请更正) instead.

Every write goes through `org.services` (validation, audit row, staffing signal). A refused form
re-renders with the user's input and each message beside its field.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import REGISTRY_ROLES, Role
from zhongjian.core.errors import DomainError
from zhongjian.core.permissions import require_roles
from zhongjian.org import forms, services
from zhongjian.org.models import Cadre, Post
from zhongjian.org.selectors import (
    appointment_get,
    cadre_get,
    correction_request_get,
    correction_request_list,
    post_get,
    post_list,
    unit_get,
    unit_list,
)

ORG = Role.ORG_DEPARTMENT


def _form_page(
    request: HttpRequest,
    form: forms.ServiceForm,
    *,
    title: str,
    submit: str,
    back: str,
    intro: str = "",
) -> HttpResponse:
    return render(
        request,
        "org/form.html",
        {"form": form, "title": title, "submit": submit, "back": back, "intro": intro},
    )


def _submit(
    request: HttpRequest, form: forms.ServiceForm, write: Callable[[dict[str, Any]], Any]
) -> Any:
    """Validate FORM and call WRITE with its data; the object written, or None when refused."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except DomainError as error:
        form.add_refusal(error)
        return None


def _county_units(user: Any) -> Any:
    return unit_list(user=user).filter(is_active=True)


# Units ------------------------------------------------------------------------------------------


@require_roles(ORG)
def unit_create(request: HttpRequest) -> HttpResponse:
    form = forms.UnitForm(request.POST or None, parents=_county_units(request.user))
    unit = _submit(
        request,
        form,
        lambda data: services.unit_create(actor=request.user, county=request.user.county, **data),
    )
    if unit is not None:
        messages.success(request, _("已新增单位「%(name)s」。") % {"name": unit.name})
        return redirect(unit)
    return _form_page(
        request, form, title=_("新增单位"), submit=_("保存"), back=reverse("org:unit_list")
    )


@require_roles(ORG)
def unit_update(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get(user=request.user, pk=pk)
    initial = {
        "pk": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "is_active": unit.is_active,
    }
    parents = _county_units(request.user).exclude(pk=unit.pk)
    form = forms.UnitForm(request.POST or None, initial=initial, parents=parents)
    if _submit(
        request, form, lambda data: services.unit_update(actor=request.user, unit=unit, **data)
    ):
        messages.success(request, _("已保存。"))
        return redirect(unit)
    return _form_page(
        request,
        form,
        title=_("编辑单位：%(name)s") % {"name": unit.name},
        submit=_("保存"),
        back=unit.get_absolute_url(),
    )


# Posts ------------------------------------------------------------------------------------------


@require_roles(ORG)
def post_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    unit = unit_get(user=request.user, pk=unit_pk)
    form = forms.PostForm(request.POST or None, initial={"headcount": 1})
    post = _submit(
        request, form, lambda data: services.post_create(actor=request.user, unit=unit, **data)
    )
    if post is not None:
        messages.success(request, _("已新增岗位「%(title)s」。") % {"title": post.title})
        return redirect(post)
    return _form_page(
        request,
        form,
        title=_("%(unit)s：新增岗位") % {"unit": unit.name},
        submit=_("保存"),
        back=unit.get_absolute_url(),
    )


@require_roles(ORG)
def post_update(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=pk)
    names = [*forms.PostForm(editing=True).fields]
    initial = {name: getattr(post, name) for name in names}
    form = forms.PostForm(request.POST or None, initial=initial, editing=True)
    if _submit(
        request, form, lambda data: services.post_update(actor=request.user, post=post, **data)
    ):
        messages.success(request, _("已保存。"))
        return redirect(post)
    return _form_page(
        request,
        form,
        title=_("编辑岗位：%(post)s") % {"post": post},
        submit=_("保存"),
        back=post.get_absolute_url(),
    )


# Cadres -----------------------------------------------------------------------------------------


@require_roles(ORG)
def cadre_create(request: HttpRequest) -> HttpResponse:
    units = _county_units(request.user)
    unit_id = request.GET.get("unit", "")
    initial = {"unit": int(unit_id)} if unit_id.isdigit() and len(unit_id) < 19 else {}
    form = forms.CadreForm(
        request.POST or None, initial={"ethnicity": "汉族", **initial}, units=units
    )

    def write(data: dict[str, Any]) -> Cadre:
        unit = data.pop("unit")
        return services.cadre_create(actor=request.user, unit=unit, **data)

    cadre = _submit(request, form, write)
    if cadre is not None:
        messages.success(
            request,
            _("已登记干部 %(name)s。如已任职，请在下方“任职”登记岗位。") % {"name": cadre.name},
        )
        return redirect(cadre)
    return _form_page(
        request, form, title=_("新增干部"), submit=_("保存"), back=reverse("org:cadre_list")
    )


@require_roles(ORG)
def cadre_update(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = cadre_get(user=request.user, pk=pk)
    units = _county_units(request.user)
    initial = {name: getattr(cadre, name) for name in (*forms.CADRE_FIELDS, "status")}
    initial["unit"] = cadre.unit_id
    form = forms.CadreForm(request.POST or None, initial=initial, units=units, editing=True)

    def write(data: dict[str, Any]) -> Cadre:
        id_number = data.pop("id_number") or None
        return services.cadre_update(actor=request.user, cadre=cadre, id_number=id_number, **data)

    if _submit(request, form, write):
        messages.success(request, _("已保存 %(name)s 的档案。") % {"name": cadre.name})
        return redirect(cadre)
    return _form_page(
        request,
        form,
        title=_("编辑干部档案：%(name)s") % {"name": cadre.name},
        submit=_("保存"),
        back=cadre.get_absolute_url(),
        intro=_("身份证号只显示部分号码（%(masked)s）；留空不变。")
        % {"masked": cadre.id_number_masked or "—"},
    )


# Appointments and rank grants -------------------------------------------------------------------


@require_roles(ORG)
def appointment_create(request: HttpRequest, cadre_pk: int) -> HttpResponse:
    cadre = cadre_get(user=request.user, pk=cadre_pk)
    posts = post_list(user=request.user).order_by("unit__kind", "unit__code", "tier", "title")
    form = forms.AppointmentForm(request.POST or None, posts=posts)
    appointment = _submit(
        request,
        form,
        lambda data: services.appointment_create(actor=request.user, cadre=cadre, **data),
    )
    if appointment is not None:
        messages.success(
            request,
            _("已登记 %(name)s 任 %(post)s。") % {"name": cadre.name, "post": appointment.post},
        )
        return redirect(cadre)
    return _form_page(
        request,
        form,
        title=_("登记任职：%(name)s") % {"name": cadre.name},
        submit=_("保存"),
        back=cadre.get_absolute_url(),
    )


@require_roles(ORG)
def appointment_end(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_get(user=request.user, pk=pk)
    form = forms.AppointmentEndForm(request.POST or None)
    if appointment.end_date is not None:
        messages.info(request, _("该任职已经结束。"))
        return redirect(appointment.cadre)
    if _submit(
        request,
        form,
        lambda data: services.appointment_end(actor=request.user, appointment=appointment, **data),
    ):
        messages.success(
            request,
            _("已免去 %(name)s 的 %(post)s 职务。")
            % {"name": appointment.cadre.name, "post": appointment.post},
        )
        return redirect(appointment.cadre)
    return _form_page(
        request,
        form,
        title=_("免职：%(name)s 的 %(post)s")
        % {"name": appointment.cadre.name, "post": appointment.post},
        submit=_("确认免职"),
        back=appointment.cadre.get_absolute_url(),
        intro=_("任职时间 %(start)s。免职后岗位的空缺随之更新。")
        % {"start": appointment.start_date.isoformat()},
    )


@require_roles(ORG)
def appointment_update(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = appointment_get(user=request.user, pk=pk)
    ended = appointment.end_date is not None
    initial = {
        "start_date": appointment.start_date,
        "document_no": appointment.document_no,
        "end_document_no": appointment.end_document_no,
    }
    form = forms.AppointmentCorrectForm(request.POST or None, initial=initial, ended=ended)
    if _submit(
        request,
        form,
        lambda data: services.appointment_update(
            actor=request.user, appointment=appointment, **data
        ),
    ):
        messages.success(request, _("已保存。"))
        return redirect(appointment.cadre)
    return _form_page(
        request,
        form,
        title=_("更正任职：%(name)s 的 %(post)s")
        % {"name": appointment.cadre.name, "post": appointment.post},
        submit=_("保存"),
        back=appointment.cadre.get_absolute_url(),
    )


@require_roles(ORG)
def rank_grant(request: HttpRequest, cadre_pk: int) -> HttpResponse:
    cadre = cadre_get(user=request.user, pk=cadre_pk)
    form = forms.RankGrantForm(request.POST or None)
    grant = _submit(
        request, form, lambda data: services.rank_grant(actor=request.user, cadre=cadre, **data)
    )
    if grant is not None:
        messages.success(
            request, _("已登记职级晋升：%(rank)s。") % {"rank": grant.get_rank_display()}
        )
        return redirect(cadre)
    return _form_page(
        request,
        form,
        title=_("职级晋升：%(name)s") % {"name": cadre.name},
        submit=_("保存"),
        back=cadre.get_absolute_url(),
    )


# Correction requests (申请更正) -------------------------------------------------------------------


def _subjects(model: type) -> list[tuple[str, str]]:
    names = (
        forms.CADRE_FIELDS if model is Cadre else ["title", "tier", "headcount", "is_leadership"]
    )
    subjects = [(str(model._meta.get_field(n).verbose_name),) * 2 for n in names]
    if model is Cadre:
        subjects += [(label, label) for label in (_("身份证号"), _("任职经历"), _("职级"))]
    return [*subjects, (_("其他"), _("其他"))]


def _correction(request: HttpRequest, subject: Cadre | Post) -> HttpResponse:
    model = type(subject)
    form = forms.CorrectionRequestForm(request.POST or None, subjects=_subjects(model))
    kind = "cadre" if model is Cadre else "post"
    done = _submit(
        request,
        form,
        lambda data: services.correction_request_create(
            actor=request.user, **{kind: subject}, **data
        ),
    )
    if done is not None:
        messages.success(request, _("更正申请已提交组织部，处理后可在“更正申请”中查看结果。"))
        return redirect(subject)
    return _form_page(
        request,
        form,
        title=_("申请更正：%(subject)s") % {"subject": subject},
        submit=_("提交申请"),
        back=subject.get_absolute_url(),
        intro=_("单位负责人不能直接修改干部名册；请写明需要更正的内容，由组织部核实后更正。"),
    )


@require_roles(Role.UNIT_HEAD)
def correction_request_cadre(request: HttpRequest, cadre_pk: int) -> HttpResponse:
    return _correction(request, cadre_get(user=request.user, pk=cadre_pk))


@require_roles(Role.UNIT_HEAD)
def correction_request_post(request: HttpRequest, post_pk: int) -> HttpResponse:
    return _correction(request, post_get(user=request.user, pk=post_pk))


@require_roles(*REGISTRY_ROLES)
def correction_request_list_view(request: HttpRequest) -> HttpResponse:
    show_closed = request.GET.get("status") == "closed"
    requests = correction_request_list(user=request.user, open_only=not show_closed)
    return render(
        request,
        "org/correction_list.html",
        {
            "requests": requests[:200],
            "show_closed": show_closed,
            "close_form": forms.CorrectionCloseForm(),
        },
    )


@require_roles(ORG)
def correction_request_close(request: HttpRequest, pk: int) -> HttpResponse:
    correction = correction_request_get(user=request.user, pk=pk)
    form = forms.CorrectionCloseForm(request.POST or None)
    if _submit(
        request,
        form,
        lambda data: services.correction_request_close(
            actor=request.user, request=correction, **data
        ),
    ):
        messages.success(request, _("已处理更正申请。"))
        return redirect("org:correction_request_list")
    return _form_page(
        request,
        form,
        title=_("处理更正申请"),
        submit=_("标记为已处理"),
        back=reverse("org:correction_request_list"),
        intro=f"{correction.subject}：{correction.field} —— {correction.text}",
    )
