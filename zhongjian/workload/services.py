"""Writes of the workload register: organs, demands and their fan-out, completion, overtime, rules.

The 组织部 writes for any unit of its county; a unit head only for their own unit. Every write
leaves an audit row in the same transaction.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_record
from zhongjian.core.errors import PermissionDenied, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.org.models import Unit
from zhongjian.workload.choices import DemandKind, RuleKey
from zhongjian.workload.models import Demand, DemandReceipt, Organ, OvertimeWeek, WorkloadRule

# Fields of a demand a form, the API or an import may set (besides organ and receiving units).
DEMAND_FIELDS = (
    "title",
    "kind",
    "issued_on",
    "deadline",
    "document_no",
    "doc_category",
    "char_count",
    "meeting_hours",
    "accompany_required",
    "attendees",
    "onsite",
    "inspection_days",
    "table_count",
    "trace_required",
    "trace_photos",
    "trace_group_checkin",
    "trace_ledger",
    "note",
)
WRITER_ROLES = (Role.ORG_DEPARTMENT, Role.UNIT_HEAD)


def _check_writer(actor: Any, units: list[Unit]) -> None:
    """Refuse a write by another role, or for a unit outside the actor's scope."""
    if getattr(actor, "role", None) not in WRITER_ROLES:
        raise PermissionDenied(_("只有组织部和单位负责人可以登记上级任务。"))
    for unit in units:
        if unit.county_id != actor.county_id or (
            actor.role == Role.UNIT_HEAD and unit.pk != actor.unit_id
        ):
            raise PermissionDenied(_("单位负责人只能为本单位登记和办理上级任务。"))


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        messages = [
            f"{instance._meta.get_field(name).verbose_name}：{message}"
            if name != "__all__"
            else message
            for name, errors in exc.message_dict.items()
            for message in errors
        ]
        raise ValidationError(_("填写的内容有误。"), errors=messages) from exc


def demand_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """What contradicts itself in a demand's values, as (field, Chinese message) pairs.

    Shared by the form, the API and the import, so that all three refuse the same things.
    """
    problems: list[tuple[str, str]] = []
    issued, deadline = values.get("issued_on"), values.get("deadline")
    if (
        isinstance(issued, datetime.date)
        and isinstance(deadline, datetime.date)
        and deadline < issued
    ):
        problems.append(
            (
                "deadline",
                _("完成时限 %(deadline)s 早于下达日期 %(issued)s；请核对")
                % {"deadline": deadline.isoformat(), "issued": issued.isoformat()},
            )
        )
    kind = values.get("kind")
    if kind == DemandKind.DOCUMENT and values.get("char_count") and not values.get("doc_category"):
        problems.append(("doc_category", _("填写了字数的文件，请选择文件类别（综合或专项）")))
    if kind != DemandKind.MEETING and values.get("meeting_hours"):
        problems.append(("meeting_hours", _("只有会议类事项填写会议时长")))
    hours = values.get("meeting_hours")
    if hours is not None and not (Decimal(0) <= Decimal(hours) <= Decimal(240)):
        problems.append(("meeting_hours", _("会议时长应在 0 至 240 小时之间")))
    return problems


def _apply(demand: Demand, values: dict[str, Any]) -> None:
    for name in DEMAND_FIELDS:
        if name in values:
            value = values[name]
            if value is None and name in {"document_no", "doc_category", "note"}:
                value = ""
            setattr(demand, name, value)
    if demand.kind == DemandKind.TRACE:
        demand.trace_required = True
    if demand.trace_photos or demand.trace_group_checkin or demand.trace_ledger:
        demand.trace_required = True


def _validate(demand: Demand) -> None:
    problems = demand_problems({name: getattr(demand, name) for name in DEMAND_FIELDS})
    if problems:
        raise ValidationError(problems[0][1], errors=[message for _field, message in problems])
    _full_clean(demand, exclude=["county", "organ", "created_by"])


def _sync_receipts(demand: Demand) -> None:
    DemandReceipt.objects.filter(county_id=demand.county_id, demand=demand).update(
        organ_id=demand.organ_id,
        kind=demand.kind,
        issued_on=demand.issued_on,
        lead_days=demand.lead_days,
    )


@transaction.atomic
def demand_register(
    *, actor: Any, organ: Organ, units: list[Unit], values: dict[str, Any]
) -> tuple[Demand, int]:
    """Register a demand once and fan it out to each receiving unit.

    A demand already registered (same organ, issue date, title and 文号) is found again, and
    only the receiving units it lacks are added; returns the demand and the receipts added.
    """
    if not units:
        raise ValidationError(_("请至少选择一个承办单位。"))
    _check_writer(actor, units)
    if organ.county_id != actor.county_id:
        raise ValidationError(_("下达机关不存在。"))
    demand = Demand(county_id=actor.county_id, organ=organ, created_by=actor)
    _apply(demand, values)
    _validate(demand)
    existing = Demand.objects.filter(
        county_id=actor.county_id,
        organ=organ,
        issued_on=demand.issued_on,
        title=demand.title,
        document_no=demand.document_no,
    ).first()
    if existing is None:
        demand.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="demand",
            object_id=demand.pk,
            summary=f"登记上级任务「{demand.title}」",
        )
    else:
        demand = existing
    have = set(
        DemandReceipt.objects.filter(county_id=demand.county_id, demand=demand).values_list(
            "unit_id", flat=True
        )
    )
    added = 0
    for unit in units:
        if unit.pk in have:
            continue
        DemandReceipt.objects.create(
            county_id=demand.county_id,
            demand=demand,
            unit=unit,
            organ_id=demand.organ_id,
            kind=demand.kind,
            issued_on=demand.issued_on,
            lead_days=demand.lead_days,
        )
        have.add(unit.pk)
        added += 1
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="demand_receipt",
            object_id=demand.pk,
            unit_id=unit.pk,
            summary=f"上级任务「{demand.title}」下达至{unit.name}",
        )
    if existing is not None and not added:
        raise ValidationError(_("该事项已登记，且已下达至所选单位。"))
    return demand, added


@transaction.atomic
def demand_update(
    *, actor: Any, demand: Demand, values: dict[str, Any], organ: Organ | None = None
) -> Demand:
    """Change a demand's values; a unit head may change only demands that reach no other unit."""
    units = list(Unit.objects.filter(county_id=demand.county_id, pk__in=_receipt_units(demand)))
    _check_writer(actor, units)
    if organ is not None:
        if organ.county_id != demand.county_id:
            raise ValidationError(_("下达机关不存在。"))
        demand.organ = organ
    _apply(demand, values)
    _validate(demand)
    demand.save()
    _sync_receipts(demand)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="demand",
        object_id=demand.pk,
        summary=f"修改上级任务「{demand.title}」",
    )
    return demand


def _receipt_units(demand: Demand) -> list[int]:
    return list(
        DemandReceipt.objects.filter(county_id=demand.county_id, demand=demand).values_list(
            "unit_id", flat=True
        )
    )


@transaction.atomic
def demand_complete(
    *, actor: Any, receipt: DemandReceipt, completed_on: datetime.date | None
) -> DemandReceipt:
    """Record (or, with None, withdraw) the day a receiving unit completed the demand."""
    _check_writer(actor, [receipt.unit])
    if completed_on is not None and completed_on < receipt.issued_on:
        raise ValidationError(
            _("完成日期 %(done)s 早于下达日期 %(issued)s；请核对")
            % {"done": completed_on.isoformat(), "issued": receipt.issued_on.isoformat()}
        )
    receipt.completed_on = completed_on
    receipt.save(update_fields=["completed_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="demand_receipt",
        object_id=receipt.demand_id,
        unit_id=receipt.unit_id,
        summary=f"{receipt.unit.name}办结「{receipt.demand.title}」"
        if completed_on
        else f"{receipt.unit.name}撤销办结「{receipt.demand.title}」",
    )
    return receipt


@transaction.atomic
def organ_create(*, actor: Any, name: str, level: str, department: str = "") -> Organ:
    """Add an issuing organ to the county's list (any writer may, so a form is never stuck)."""
    _check_writer(actor, [])
    name = name.strip()
    if Organ.objects.filter(county_id=actor.county_id, name=name).exists():
        raise ValidationError(_("下达机关「%(name)s」已在列表中。") % {"name": name})
    organ = Organ(county_id=actor.county_id, name=name, level=level, department=department)
    _full_clean(organ, exclude=["county"])
    organ.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="organ",
        object_id=organ.pk,
        summary=f"新增下达机关「{name}」",
    )
    return organ


@transaction.atomic
def overtime_record(
    *,
    actor: Any,
    unit: Unit,
    week_start: datetime.date,
    overtime_headcount: int,
    overtime_hours: Decimal,
    weekend_days: int,
) -> OvertimeWeek:
    """Enter or correct a unit's overtime aggregates for the week starting on a Monday."""
    _check_writer(actor, [unit])
    if week_start.weekday() != 0:
        raise ValidationError(_("请填写该周周一的日期。"))
    headcount = unit.cadres.filter(status="active").count()
    if overtime_headcount > headcount:
        raise ValidationError(
            _("加班人数 %(n)d 超过本单位在职干部数 %(total)d。")
            % {"n": overtime_headcount, "total": headcount}
        )
    row, _created = OvertimeWeek.objects.get_or_create(
        county_id=unit.county_id,
        unit=unit,
        week_start=week_start,
        defaults={
            "overtime_headcount": overtime_headcount,
            "overtime_hours": overtime_hours,
            "weekend_days": weekend_days,
            "entered_by": actor,
        },
    )
    row.overtime_headcount = overtime_headcount
    row.overtime_hours = overtime_hours
    row.weekend_days = weekend_days
    row.entered_by = actor
    _full_clean(row, exclude=["county", "unit", "entered_by"])
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="overtime_week",
        object_id=row.pk,
        unit_id=unit.pk,
        summary=f"{unit.name} {week_start} 周加班：{overtime_headcount} 人 {overtime_hours} 小时",
    )
    return row


@transaction.atomic
def rule_save(
    *, actor: Any, key: str, value: Decimal, effective_from: datetime.date, source: str
) -> WorkloadRule:
    """Add (or correct) the county's own version of a rule from EFFECTIVE_FROM on (组织部 only)."""
    if getattr(actor, "role", None) != Role.ORG_DEPARTMENT or actor.county_id is None:
        raise PermissionDenied(_("只有组织部可以修改减负规则。"))
    if key not in RuleKey.values:
        raise ValidationError(_("没有这条规则。"))
    if not source.strip():
        raise ValidationError(_("请注明依据（文件名称和条款，或本县的决定）。"))
    if value < 0:
        raise ValidationError(_("数值不能为负数。"))
    rule, created = WorkloadRule.objects.get_or_create(
        county_id=actor.county_id,
        key=key,
        effective_from=effective_from,
        defaults={"value": value, "source": source.strip()},
    )
    before = None if created else rule.value
    rule.value = value
    rule.source = source.strip()
    _full_clean(rule, exclude=["county"])
    rule.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="workload_rule",
        object_id=rule.pk,
        summary=f"{rule.get_key_display()}：{before if before is not None else '新增'} → {value}"
        f"（{effective_from} 起）",
    )
    return rule
