"""Template versions uploaded by the organization department, and documents filled from records."""

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhongjian.core.audit import audit_record
from zhongjian.core.errors import ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.core.workdays import chinese_date
from zhongjian.org.models import Appointment, Cadre, County
from zhongjian.pipeline.access import require_org_department
from zhongjian.pipeline.choices import DepartureKind, DocumentKind, ExitReason
from zhongjian.pipeline.documents import (
    MAX_TEMPLATE_BYTES,
    PLACEHOLDERS,
    default_template,
    render_docx,
    validate_template,
)
from zhongjian.pipeline.models import Candidate, Decline, Departure, DocumentTemplate

_OPEN_END = "　" * 4
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class GeneratedDocument:
    filename: str
    content: bytes
    content_type: str = DOCX_MIME


def template_current(*, county: County, kind: str) -> DocumentTemplate | None:
    """The newest uploaded version of KIND for COUNTY, or None while the default is in use."""
    return DocumentTemplate.objects.filter(county=county, kind=kind).order_by("-version").first()


def template_bytes(*, county: County, kind: str) -> bytes:
    current = template_current(county=county, kind=kind)
    return bytes(current.content) if current else default_template(kind=DocumentKind(kind))


@transaction.atomic
def template_upload(
    *, actor: Any, county: County, kind: str, filename: str, content: bytes
) -> DocumentTemplate:
    """Store CONTENT as the next version of KIND's template after checking that it is usable."""
    require_org_department(actor, county_id=county.pk)
    if kind not in DocumentKind.values:
        raise ValidationError(_("请选择文书类型。"))
    if not filename.lower().endswith(".docx"):
        raise ValidationError(_("请上传 .docx 格式的 Word 文档。"))
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError(_("模板文件不能超过 %(n)d MB。") % {"n": MAX_TEMPLATE_BYTES // 2**20})
    problems = validate_template(template=content, allowed=set(PLACEHOLDERS[DocumentKind(kind)]))
    if problems:
        raise ValidationError(_("模板不能使用：%(p)s") % {"p": "".join(problems)}, errors=problems)
    latest = DocumentTemplate.objects.select_for_update().filter(county=county, kind=kind)
    version = (latest.aggregate(v=Max("version"))["v"] or 0) + 1
    template = DocumentTemplate.objects.create(
        county=county,
        kind=kind,
        version=version,
        content=content,
        filename=filename[-200:],
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="document_template",
        object_id=template.pk,
        county_id=county.pk,
        summary=f"{DocumentKind(kind).label} 第 {version} 版",
    )
    return template


def _month(day: datetime.date | None) -> str:
    return f"{day:%Y.%m}" if day else ""


def _posts_on(cadre: Cadre, day: datetime.date) -> str:
    """The posts CADRE held on DAY, as a 现任职务 line: 青石镇党委副书记、组织委员."""
    held = (
        Appointment.objects.filter(cadre=cadre, start_date__lte=day)
        .exclude(end_date__lt=day)
        .select_related("post__unit")
        .order_by("start_date")
    )
    return "、".join(f"{a.post.unit.name}{a.post.title}" for a in held)


def _recipient(county: County) -> str:
    return _("中共%(county)s委组织部") % {"county": county.name}


def _export(actor: Any, kind: DocumentKind, obj: Any, cadre: Cadre) -> None:
    # A generated document carries a person's record out of the system: an export.
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        county_id=cadre.county_id,
        unit_id=cadre.unit_id,
        summary=f"document={kind.value},cadre={cadre.pk}",
    )


def _render(
    *, actor: Any, kind: DocumentKind, cadre: Cadre, obj: Any, values: dict[str, str]
) -> GeneratedDocument:
    context = {key: values.get(key, "") for key in PLACEHOLDERS[kind]}
    content = render_docx(template=template_bytes(county=cadre.county, kind=kind), context=context)
    _export(actor, kind, obj, cadre)
    return GeneratedDocument(filename=f"{kind.label}-{cadre.name}.docx", content=content)


@transaction.atomic
def resignation_report(*, actor: Any, departure: Departure) -> GeneratedDocument:
    """The 辞职报告 of a resignation, from the cadre's record and the exit interview."""
    require_org_department(actor, county_id=departure.county_id)
    if departure.kind != DepartureKind.RESIGNATION:
        raise ValidationError(_("只有以辞职方式离岗的才能生成辞职报告。"))
    cadre = departure.cadre
    interview = getattr(departure, "exit_interview", None)
    reasons = "、".join(
        str(ExitReason(reason).label) for reason in (interview.reasons if interview else [])
    )
    return _render(
        actor=actor,
        kind=DocumentKind.RESIGNATION_REPORT,
        cadre=cadre,
        obj=departure,
        values={
            "呈报机关": _recipient(cadre.county),
            "姓名": cadre.name,
            "性别": cadre.get_gender_display(),
            "民族": cadre.ethnicity,
            "出生年月": f"{cadre.birth_date.year}年{cadre.birth_date.month}月",
            "政治面貌": cadre.get_party_status_display(),
            "学历": cadre.get_education_display(),
            "参加工作时间": f"{cadre.work_start_date.year}年{cadre.work_start_date.month}月",
            "工作单位": departure.unit.name,
            "现任职务": _posts_on(cadre, departure.departed_on),
            "职级": cadre.get_rank_display(),
            "辞职原因": reasons or _("个人原因"),
            "具体情况": (interview.details if interview else "") or departure.note,
            "日期": chinese_date(departure.departed_on),
        },
    )


@transaction.atomic
def decline_statement(*, actor: Any, decline: Decline) -> GeneratedDocument:
    """The 不接受提拔情况说明 of a decline."""
    require_org_department(actor, county_id=decline.county_id)
    cadre = decline.cadre
    return _render(
        actor=actor,
        kind=DocumentKind.DECLINE_STATEMENT,
        cadre=cadre,
        obj=decline,
        values={
            "呈报机关": _recipient(cadre.county),
            "姓名": cadre.name,
            "工作单位": cadre.unit.name,
            "现任职务": _posts_on(cadre, decline.declined_on),
            "拟任职务": f"{decline.post.unit.name}{decline.post.title}",
            "不接受原因": decline.get_reason_display(),
            "具体情况": decline.note or _("无"),
            "日期": chinese_date(decline.declined_on),
        },
    )


@transaction.atomic
def appointment_form(
    *, actor: Any, candidate: Candidate, today: datetime.date
) -> GeneratedDocument:
    """The 干部任免审批表 for a candidate, with the 简历 from the appointment history.

    Fields the registry does not hold (籍贯, 入党时间, family members, awards …) stay empty for
    the clerk to fill in by hand.
    """
    require_org_department(actor, county_id=candidate.county_id)
    cadre, process = candidate.cadre, candidate.process
    history = Appointment.objects.filter(cadre=cadre).select_related("post__unit")
    # One line per post, as the form's 简历 is written: 2015.03—2019.08　青石镇党政办主任.
    resume = "\n".join(
        f"{_month(a.start_date)}—{_month(a.end_date) or _OPEN_END}　{a.post}"
        for a in history.order_by("start_date", "id")
    )
    # Once appointed, the form shows the posts held before the appointment.
    as_of = (
        process.appointment.start_date - datetime.timedelta(days=1)
        if process.appointment is not None and process.appointment.cadre_id == cadre.pk
        else today
    )
    current = _posts_on(cadre, as_of)
    return _render(
        actor=actor,
        kind=DocumentKind.APPOINTMENT_FORM,
        cadre=cadre,
        obj=candidate,
        values={
            "姓名": cadre.name,
            "性别": cadre.get_gender_display(),
            "出生年月": f"{_month(cadre.birth_date)}\n（{cadre.age_on(today)}岁）",
            "民族": cadre.ethnicity,
            "参加工作时间": _month(cadre.work_start_date),
            "全日制学历学位": cadre.get_education_display(),
            "现任职务": current,
            "拟任职务": f"{process.post.unit.name}{process.post.title}",
            "拟免职务": current,
            "简历": resume,
            "任免理由": process.reason or _("工作需要"),
            "呈报单位": _recipient(cadre.county),
            "填表人": str(actor) if actor is not None else "",
        },
    )
