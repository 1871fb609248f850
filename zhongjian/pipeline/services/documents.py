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
from zhongjian.dataio.lrmx import FormRecord, PartialDate, parse_date
from zhongjian.dataio.lrmx_export import FormFile, form_record, lrmx_file, lrmx_zip, post_label
from zhongjian.org.choices import CadreStatus
from zhongjian.org.models import Appointment, Cadre, County
from zhongjian.pipeline.access import require_org_department
from zhongjian.pipeline.choices import CandidateOutcome, DepartureKind, DocumentKind, ExitReason
from zhongjian.pipeline.documents import (
    FAMILY_MEMBER_FIELDS,
    FAMILY_MEMBER_ROWS,
    MAX_TEMPLATE_BYTES,
    PLACEHOLDERS,
    default_template,
    family_member_key,
    render_docx,
    validate_template,
)
from zhongjian.pipeline.models import (
    Candidate,
    Decline,
    Departure,
    DocumentTemplate,
    SelectionProcess,
)

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


def _posts_on(cadre: Cadre, day: datetime.date, *, without_unit: str = "") -> str:
    """The posts CADRE held on DAY, as a 现任职务 line: 青石镇党委副书记、组织委员. With
    WITHOUT_UNIT, posts of that unit are named without it (the letter names the unit already)."""
    held = (
        Appointment.objects.filter(cadre=cadre, start_date__lte=day)
        .exclude(end_date__lt=day)
        .select_related("post__unit")
        .order_by("start_date")
    )
    return "、".join(
        a.post.title.removeprefix(without_unit)
        if without_unit and a.post.unit.name == without_unit
        else post_label(a.post)
        for a in held
    )


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


def _resignation(
    *,
    actor: Any,
    cadre: Cadre,
    obj: Any,
    reasons: list[str],
    details: str,
    on: datetime.date,
    posts_on: datetime.date,
) -> GeneratedDocument:
    rank = cadre.get_rank_display()
    return _render(
        actor=actor,
        kind=DocumentKind.RESIGNATION_REPORT,
        cadre=cadre,
        obj=obj,
        values={
            "呈报机关": _recipient(cadre.county),
            "姓名": cadre.name,
            "性别": cadre.get_gender_display(),
            "民族": cadre.ethnicity,
            "出生年月": f"{cadre.birth_date.year}年{cadre.birth_date.month}月",
            "政治面貌": cadre.get_party_status_display(),
            "学历": cadre.get_education_display(),
            "参加工作时间": f"{cadre.work_start_date.year}年{cadre.work_start_date.month}月",
            "工作单位": cadre.unit.name,
            "现任职务": _posts_on(cadre, posts_on, without_unit=cadre.unit.name),
            # With its comma, so that a cadre without a rank (事业 staff) reads without a gap.
            "职级": f"，{rank}" if rank else "",
            "辞职原因": "、".join(str(ExitReason(r).label) for r in reasons) or _("个人原因"),
            "具体情况": details,
            "日期": chinese_date(on),
        },
    )


@transaction.atomic
def resignation_application(
    *, actor: Any, cadre: Cadre, reasons: list[str], details: str, on: datetime.date
) -> GeneratedDocument:
    """The 辞职报告 a cadre hands in before anything is decided: the posts still held on ON.

    It comes first; the departure is registered only once the resignation is approved.
    """
    require_org_department(actor, county_id=cadre.county_id)
    if cadre.status != CadreStatus.ACTIVE:
        raise ValidationError(_("只有在职干部才能起草辞职报告。"))
    unknown = set(reasons) - set(ExitReason.values)
    if unknown:
        raise ValidationError(_("请从列表中选择辞职原因。"))
    return _resignation(
        actor=actor, cadre=cadre, obj=cadre, reasons=reasons, details=details, on=on, posts_on=on
    )


@transaction.atomic
def resignation_report(*, actor: Any, departure: Departure) -> GeneratedDocument:
    """The 辞职报告 of a registered resignation, from the record and the exit interview, with the
    posts held the day before the departure (they ended with it)."""
    require_org_department(actor, county_id=departure.county_id)
    if departure.kind != DepartureKind.RESIGNATION:
        raise ValidationError(_("只有以辞职方式离岗的才能生成辞职报告。"))
    interview = getattr(departure, "exit_interview", None)
    return _resignation(
        actor=actor,
        cadre=departure.cadre,
        obj=departure,
        reasons=list(interview.reasons) if interview else [],
        details=(interview.details if interview else "") or departure.note,
        on=departure.departed_on,
        posts_on=departure.departed_on - datetime.timedelta(days=1),
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
            "现任职务": _posts_on(cadre, decline.declined_on, without_unit=cadre.unit.name),
            "拟任职务": post_label(decline.post),
            "不接受原因": decline.get_reason_display(),
            "具体情况": decline.note or _("无"),
            "日期": chinese_date(decline.declined_on),
        },
    )


def _selection_form(
    *, actor: Any, candidate: Candidate, today: datetime.date
) -> tuple[Cadre, FormRecord]:
    """The 任免审批表 record of a candidate: 拟任 the selection's post, 拟免 the mid-level and
    leadership posts held before it (once appointed, as they were the day before)."""
    require_org_department(actor, county_id=candidate.county_id)
    cadre, process = candidate.cadre, candidate.process
    as_of = (
        process.appointment.start_date - datetime.timedelta(days=1)
        if process.appointment is not None and process.appointment.cadre_id == cadre.pk
        else today
    )
    record = form_record(
        actor=actor,
        cadre=cadre,
        today=today,
        proposed=post_label(process.post),
        reason=process.reason or _("工作需要"),
        reporting_unit=_recipient(cadre.county),
        as_of=as_of,
    )
    return cadre, record


def form_context(record: FormRecord, *, today: datetime.date) -> dict[str, str]:
    """The 任免审批表 template's placeholders filled from RECORD."""

    def month(value: PartialDate | None) -> str:
        return value.dotted() if value else ""

    age = ""
    if record.birth is not None:
        age = str(today.year - record.birth.year - (today.month < record.birth.month))
    resume = "\n".join(
        "\n".join(
            (
                f"{month(line.start)}—{month(line.end) or _OPEN_END}　{line.text}"
                if line.start
                else line.text,
                *line.details,
            )
        )
        for line in record.resume
    )
    values = {
        "姓名": record.name,
        "性别": record.gender,
        "出生年月": f"{month(record.birth)}\n（{age}岁）" if record.birth else "",
        "民族": record.ethnicity,
        "籍贯": record.native_place,
        "出生地": record.birthplace,
        "入党时间": record.party_join_text or month(record.party_join),
        "参加工作时间": month(record.work_start),
        "健康状况": record.health,
        "专业技术职务": record.professional_title,
        "熟悉专业有何专长": record.specialty,
        "全日制学历学位": "\n".join(
            filter(None, (record.full_time.level, record.full_time.degree))
        ),
        "全日制毕业院校系及专业": "\n".join(
            dict.fromkeys(
                filter(None, (record.full_time.level_school, record.full_time.degree_school))
            )
        ),
        "在职学历学位": "\n".join(
            filter(None, (record.in_service.level, record.in_service.degree))
        ),
        "在职毕业院校系及专业": "\n".join(
            dict.fromkeys(
                filter(None, (record.in_service.level_school, record.in_service.degree_school))
            )
        ),
        "现任职务": record.current_posts,
        "拟任职务": record.proposed_posts,
        "拟免职务": record.removed_posts,
        "简历": resume,
        "奖惩情况": record.rewards or _("无"),
        "年度考核结果": record.reviews_text,
        "任免理由": record.reason,
        "呈报单位": record.reporting_unit,
        "填表人": record.filled_by,
        "照片": "" if record.photo else _("照片"),
    }
    for row, member in enumerate(record.family[:FAMILY_MEMBER_ROWS], start=1):
        birth = _family_age(member.birth, today)
        for field, value in zip(
            FAMILY_MEMBER_FIELDS,
            (member.relation, member.name, birth, member.political_status, member.work),
            strict=True,
        ):
            values[family_member_key(row=row, field=field)] = value
    return values


def _family_age(birth: str, today: datetime.date) -> str:
    """The 年龄 column: an age from yyyyMM, or the text as written (已去世 …)."""
    try:
        born = parse_date(birth)
    except ValueError:
        return birth
    if born is None:
        return ""
    return str(today.year - born.year - (today.month < born.month))


@transaction.atomic
def appointment_form(
    *, actor: Any, candidate: Candidate, today: datetime.date
) -> GeneratedDocument:
    """The 干部任免审批表 (.docx) of a candidate, from the same record as its .lrmx file."""
    cadre, record = _selection_form(actor=actor, candidate=candidate, today=today)
    kind = DocumentKind.APPOINTMENT_FORM
    context = {key: value for key, value in form_context(record, today=today).items()}
    context = {key: context.get(key, "") for key in PLACEHOLDERS[kind]}
    content = render_docx(
        template=template_bytes(county=cadre.county, kind=kind),
        context=context,
        images={"照片": record.photo} if record.photo else None,
    )
    _export(actor, kind, candidate, cadre)
    return GeneratedDocument(filename=f"{kind.label}-{cadre.name}.docx", content=content)


@transaction.atomic
def candidate_lrmx(*, actor: Any, candidate: Candidate, today: datetime.date) -> FormFile:
    """The candidate's 任免审批表 as a .lrmx file for the official editor."""
    cadre, record = _selection_form(actor=actor, candidate=candidate, today=today)
    return lrmx_file(actor=actor, cadre=cadre, record=record)


@transaction.atomic
def process_candidates_lrmx(
    *, actor: Any, process: SelectionProcess, today: datetime.date
) -> FormFile:
    """Every candidate still in the running (not declined or withdrawn) as .lrmx files in a .zip."""
    require_org_department(actor, county_id=process.county_id)
    candidates = (
        process.candidates.exclude(
            outcome__in=(CandidateOutcome.DECLINED, CandidateOutcome.WITHDRAWN)
        )
        .select_related(
            "cadre__county", "cadre__unit", "process__post__unit", "process__appointment"
        )
        .order_by("id")
    )
    files = [candidate_lrmx(actor=actor, candidate=c, today=today) for c in candidates]
    if not files:
        raise ValidationError(_("这个选任流程没有可导出的人选。"))
    return lrmx_zip(files=files, name=f"任免审批表-{post_label(process.post)}")
