"""The `demands` import kind: the registers offices keep (收文登记、会议登记) into the workload.

Rows are matched on the demand's identity (下达机关, 下达日期, 事项名称, 文号), so importing
the same file twice changes nothing. Rows of one demand with different 承办单位 (or one cell
listing several units, separated by 、 or ；) fan out to each unit. An organ not yet in the list
is added when the row gives its 机关层级.
"""

import datetime
import re
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhongjian.core.audit import AuditEntry, audit_record_many
from zhongjian.core.bulk import bulk_insert, new_instance
from zhongjian.core.models import AuditAction
from zhongjian.dataio.columns import Column, KindSpec, ParseContext, ParsedRow, ValueType
from zhongjian.dataio.importers import Importer, Progress
from zhongjian.dataio.parsers import (
    CellError,
    cell_text,
    parse_bool,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
)
from zhongjian.org.models import Unit
from zhongjian.workload.choices import DemandKind, DocumentCategory, OrganLevel
from zhongjian.workload.models import Demand, DemandReceipt, Organ
from zhongjian.workload.services import demand_problems

KIND = "demands"
UNIT_SEPARATORS = re.compile(r"[、，,;；/\n]+")
# Words offices write in 类型 for the seven kinds.
KIND_WORDS = {
    "发文": DemandKind.DOCUMENT,
    "收文": DemandKind.DOCUMENT,
    "督查": DemandKind.INSPECTION,
    "检查": DemandKind.INSPECTION,
    "考核": DemandKind.INSPECTION,
    "督查检查": DemandKind.INSPECTION,
    "填表": DemandKind.DATA_REQUEST,
    "报数": DemandKind.DATA_REQUEST,
    "报表": DemandKind.DATA_REQUEST,
    "临时任务": DemandKind.AD_HOC,
    "留痕要求": DemandKind.TRACE,
    "创建达标": DemandKind.CAMPAIGN,
    "创建示范": DemandKind.CAMPAIGN,
    "示范创建": DemandKind.CAMPAIGN,
}
LEVEL_WORDS = {"中央": "central", "省级": "province", "市级": "city", "县级": "county"}


def _choice(choices: Any, extra: dict[str, str]) -> Callable[[object, ParseContext], str]:
    def parse(value: object, context: ParseContext) -> str:
        lookup, labels = context.choice(choices)
        text = cell_text(value).replace(" ", "")
        if text in extra:
            return extra[text]
        return parse_choice(value, lookup=lookup, labels=labels)

    return parse


def _text(max_length: int) -> Callable[[object, ParseContext], str]:
    return lambda value, _context: parse_text(value, max_length=max_length)


def _date(value: object, context: ParseContext) -> datetime.date:
    return parse_date(value, today=context.today, not_after_today=False)


def _bool(value: object, _context: ParseContext) -> bool:
    return parse_bool(value)


def _count(value: object, _context: ParseContext) -> int:
    return parse_int(value, min_value=0, max_value=1_000_000)


def _hours(value: object, _context: ParseContext) -> Decimal:
    text = cell_text(value).replace("小时", "").strip()
    try:
        hours = Decimal(text).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise CellError(_("「%(value)s」不是数字；应填写小时数，如 1.5") % {"value": text}) from exc
    if not Decimal(0) <= hours <= Decimal(240):
        raise CellError(_("会议时长应在 0 至 240 小时之间"))
    return hours


def _column(
    key: str,
    label: str,
    value_type: str,
    parse: Callable[[object, ParseContext], object],
    *,
    help_text: Any,
    example: object,
    required: bool = False,
    aliases: tuple[str, ...] = (),
    choices: Any = None,
    options: tuple[str, ...] = (),
    default: object = None,
) -> Column:
    return Column(
        key=key,
        label=label,
        value_type=value_type,
        parse=parse,
        help_text=help_text,
        example=example,
        required=required,
        aliases=aliases,
        choices=choices,
        options=options,
        default=default,
    )


YES_NO = ("是", "否")
DEMAND_COLUMNS = (
    _column(
        "title",
        "事项名称",
        ValueType.TEXT,
        _text(200),
        required=True,
        aliases=("文件标题", "会议名称", "任务名称", "事项", "标题", "来文标题"),
        help_text=_("文件标题、会议名称或任务内容"),
        example="关于开展安全生产大检查的通知（示例）",
    ),
    _column(
        "organ",
        "下达机关",
        ValueType.TEXT,
        _text(100),
        required=True,
        aliases=("来文单位", "发文机关", "主办单位", "下达单位", "来文机关"),
        help_text=_("如“市应急管理局”；不在机关列表中的，须同时填写机关层级"),
        example="市应急管理局",
    ),
    _column(
        "level",
        "机关层级",
        ValueType.CHOICE,
        _choice(OrganLevel, LEVEL_WORDS),
        choices=OrganLevel,
        aliases=("层级", "机关级别"),
        help_text=_("中央、省、市或县；机关已在列表中时可留空"),
        example="市",
    ),
    _column(
        "kind",
        "类型",
        ValueType.CHOICE,
        _choice(DemandKind, KIND_WORDS),
        required=True,
        choices=DemandKind,
        aliases=("事项类型", "类别"),
        help_text=_("从下拉列表中选择"),
        example="督查检查考核",
    ),
    _column(
        "issued_on",
        "下达日期",
        ValueType.DATE,
        _date,
        required=True,
        aliases=("收文日期", "发文日期", "会议日期", "下发日期"),
        help_text=_("可填 Excel 日期，或 2025-03-12、2025/3/12"),
        example="2025-03-12",
    ),
    _column(
        "deadline",
        "完成时限",
        ValueType.DATE,
        _date,
        aliases=("办理时限", "截止日期", "要求完成时间", "时限"),
        help_text=_("不早于下达日期；没有时限则留空"),
        example="2025-03-20",
    ),
    _column(
        "units",
        "承办单位",
        ValueType.TEXT,
        _text(2000),
        required=True,
        aliases=("承办单位代码", "接收单位", "办理单位", "单位代码", "单位名称"),
        help_text=_("单位代码或单位名称；下达到几个单位的，用顿号分隔，如“XZ001、XZ002”"),
        example="城关街道",
    ),
    _column(
        "doc_category",
        "文件类别",
        ValueType.CHOICE,
        _choice(DocumentCategory, {"综合性": "comprehensive", "专项工作": "special"}),
        choices=DocumentCategory,
        help_text=_("文件类填写：综合或专项"),
        example=None,
    ),
    _column(
        "char_count",
        "字数",
        ValueType.INTEGER,
        _count,
        aliases=("文件字数", "篇幅"),
        help_text=_("文件字数，整数"),
        example=None,
    ),
    _column(
        "meeting_hours",
        "会议时长（小时）",
        ValueType.TEXT,
        _hours,
        aliases=("会议时长", "时长"),
        help_text=_("会议类填写，如 1.5"),
        example=None,
    ),
    _column(
        "accompany_required",
        "是否要求陪会",
        ValueType.BOOLEAN,
        _bool,
        options=YES_NO,
        default=False,
        aliases=("陪会", "要求陪会"),
        help_text=_("填“是”或“否”；留空按“否”"),
        example="否",
    ),
    _column(
        "trace_required",
        "是否要求留痕",
        ValueType.BOOLEAN,
        _bool,
        options=YES_NO,
        default=False,
        aliases=("留痕", "要求留痕"),
        help_text=_("要求拍照、工作群打卡、台账等留痕的填“是”；留空按“否”"),
        example="是",
    ),
    _column(
        "document_no",
        "文号",
        ValueType.TEXT,
        _text(64),
        aliases=("发文字号", "文件编号"),
        help_text=_("如“市应急〔2025〕12号”；没有则留空"),
        example="市应急〔2025〕12号",
    ),
    _column(
        "completed_on",
        "完成日期",
        ValueType.DATE,
        _date,
        aliases=("办结日期", "完成时间", "办结时间"),
        help_text=_("已办结的填写；未办结留空"),
        example=None,
    ),
)


def _demand_rules(values: dict[str, object], today: datetime.date) -> list[tuple[str, str]]:
    problems = demand_problems(values)
    issued, completed = values.get("issued_on"), values.get("completed_on")
    if (
        isinstance(issued, datetime.date)
        and isinstance(completed, datetime.date)
        and completed < issued
    ):
        problems.append(("completed_on", str(_("完成日期早于下达日期；请核对"))))
    return [(key, str(message)) for key, message in problems]


DEMAND_SPEC = KindSpec(kind=KIND, columns=DEMAND_COLUMNS, unique_keys=(), rules=(_demand_rules,))
# Values compared with the stored demand on re-import (the identity is matched, not compared).
COMPARED = (
    "kind",
    "deadline",
    "doc_category",
    "char_count",
    "meeting_hours",
    "accompany_required",
    "trace_required",
)


def _bulk_write(
    *,
    actor: Any,
    county_id: int,
    object_type: str,
    create: Sequence[Any],
    update: Sequence[tuple[Any, list[str]]],
) -> None:
    """Insert CREATE, save the changed fields of UPDATE, one audit row per object."""
    bulk_insert(create)
    for instance, fields in update:
        instance.save(update_fields=fields)
    entries = [
        AuditEntry(
            action=AuditAction.IMPORT,
            object_type=object_type,
            object_id=instance.pk,
            unit_id=getattr(instance, "unit_id", None),
        )
        for instance in create
    ]
    entries.extend(
        AuditEntry(
            action=AuditAction.IMPORT,
            object_type=object_type,
            object_id=instance.pk,
            unit_id=getattr(instance, "unit_id", None),
            summary="、".join(fields),
        )
        for instance, fields in update
    )
    audit_record_many(actor=actor, entries=entries, county_id=county_id)


class DemandImporter(Importer):
    kind = KIND
    object_type = "demand"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows_created = 0
        self.rows_updated = 0
        self.new_organs: dict[str, Organ] = {}
        self.new_demands: dict[tuple[Any, ...], Demand] = {}
        self.changed_demands: list[tuple[Demand, list[str]]] = []
        self.new_receipts: list[tuple[tuple[Any, ...], DemandReceipt]] = []
        self.changed_receipts: list[tuple[DemandReceipt, list[str]]] = []

    @property
    def created(self) -> int:
        return self.rows_created

    @property
    def updated(self) -> int:
        return self.rows_updated

    def _units(self, row: ParsedRow) -> list[Unit] | None:
        cell = str(row.values["units"])
        found: list[Unit] = []
        for part in (p.strip() for p in UNIT_SEPARATORS.split(cell)):
            if not part:
                continue
            unit = self.by_code.get(part)
            if unit is None:
                named = self.by_name.get(part, [])
                if len(named) > 1:
                    self.error(
                        row,
                        "units",
                        _("有 %(n)d 个单位名为「%(name)s」；请改填单位代码")
                        % {"n": len(named), "name": part},
                    )
                    return None
                unit = named[0] if named else None
            if unit is None:
                self.error(
                    row,
                    "units",
                    _("「%(unit)s」既不是本县的单位代码，也不是单位名称；请核对") % {"unit": part},
                )
                return None
            if unit not in found:
                found.append(unit)
        return found

    def _organ(self, row: ParsedRow) -> Organ | None:
        name = str(row.values["organ"])
        organ = self.organs.get(name) or self.new_organs.get(name)
        if organ is not None:
            return organ
        level = row.values.get("level")
        if not level:
            self.error(
                row,
                "level",
                _(
                    "下达机关「%(name)s」不在机关列表中；请填写机关层级（中央、省、市、县），导入时一并添加"
                )
                % {"name": name},
            )
            return None
        organ = new_instance(Organ, county_id=self.county.pk, name=name, level=level)
        organ.department = ""
        organ.is_active = True
        self.new_organs[name] = organ
        self.note(row, _("新增下达机关「%(name)s」"), name=name)
        return organ

    def plan(self, rows: Sequence[ParsedRow], progress: Progress | None = None) -> None:
        units = list(Unit.objects.filter(county=self.county))
        self.by_code = {unit.code: unit for unit in units}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in units:
            self.by_name.setdefault(unit.name, []).append(unit)
        self.organs = {organ.name: organ for organ in Organ.objects.filter(county=self.county)}
        days = [row.values["issued_on"] for row in rows]
        existing: dict[tuple[Any, ...], Demand] = {}
        receipts: dict[tuple[int, int], DemandReceipt] = {}
        if days:
            stored = Demand.objects.filter(
                county=self.county, issued_on__gte=min(days), issued_on__lte=max(days)
            ).select_related("organ")
            for demand in stored:
                key = (demand.organ.name, demand.issued_on, demand.title, demand.document_no)
                existing[key] = demand
            for receipt in DemandReceipt.objects.filter(
                county=self.county, demand__in=[d.pk for d in existing.values()]
            ):
                receipts[(receipt.demand_id, receipt.unit_id)] = receipt
        seen: dict[tuple[Any, ...], tuple[ParsedRow, set[int]]] = {}
        for row in rows:
            values = row.values
            organ = self._organ(row)
            found = self._units(row)
            if organ is None or found is None:
                continue
            key = (organ.name, values["issued_on"], values["title"], values["document_no"] or "")
            first, units_seen = seen.setdefault(key, (row, set()))
            if first is not row:
                different = [
                    name for name in COMPARED if first.values.get(name) != values.get(name)
                ]
                if different:
                    self.error(
                        row,
                        different[0],
                        _(
                            "与第 %(first)d 行是同一事项"
                            "（下达机关、下达日期、事项名称、文号相同），"
                            "但内容不同"
                        )
                        % {"first": first.number},
                    )
                    continue
            doubled = [unit for unit in found if unit.pk in units_seen]
            if doubled:
                self.error(
                    row,
                    "units",
                    _("事项已在第 %(first)d 行下达至「%(unit)s」")
                    % {"first": first.number, "unit": doubled[0].name},
                )
                continue
            units_seen.update(unit.pk for unit in found)
            self._plan_row(row, key, organ, found, existing.get(key), receipts)

    def _plan_row(
        self,
        row: ParsedRow,
        key: tuple[Any, ...],
        organ: Organ,
        units: list[Unit],
        demand: Demand | None,
        receipts: dict[tuple[int, int], DemandReceipt],
    ) -> None:
        values = row.values
        fields = {name: values.get(name) for name in COMPARED}
        fields["doc_category"] = fields["doc_category"] or ""
        if values.get("trace_required") is False and values.get("kind") == DemandKind.TRACE:
            fields["trace_required"] = True
        changed_row = False
        if demand is None:
            demand = self.new_demands.get(key)
            if demand is None:
                demand = new_instance(
                    Demand,
                    county_id=self.county.pk,
                    title=values["title"],
                    issued_on=values["issued_on"],
                    document_no=values["document_no"] or "",
                    **fields,
                )
                demand.organ = organ
                self.new_demands[key] = demand
                self.note(row, _("新增上级任务「%(title)s」"), title=values["title"])
        else:
            changed = self.diff(demand, fields)
            if changed and not any(d is demand for d, _c in self.changed_demands):
                for name in changed:
                    setattr(demand, name, fields[name])
                self.changed_demands.append((demand, changed))
                self.note(row, _("更新上级任务「%(title)s」"), title=demand.title)
                changed_row = True
        lead = (
            None if values["deadline"] is None else (values["deadline"] - values["issued_on"]).days
        )
        created_row = False
        for unit in units:
            receipt = receipts.get((demand.pk, unit.pk)) if demand.pk else None
            if receipt is None:
                receipt = new_instance(
                    DemandReceipt,
                    county_id=self.county.pk,
                    unit_id=unit.pk,
                    kind=values["kind"],
                    issued_on=values["issued_on"],
                    lead_days=lead,
                    completed_on=values["completed_on"],
                )
                self.new_receipts.append((key, receipt))
                created_row = True
                continue
            wanted = {"kind": values["kind"], "lead_days": lead}
            if self.present("completed_on"):
                wanted["completed_on"] = values["completed_on"]
            changed = self.diff(receipt, wanted)
            if changed:
                for name in changed:
                    setattr(receipt, name, wanted[name])
                self.changed_receipts.append((receipt, changed))
                changed_row = True
        if created_row:
            self.rows_created += 1
        elif changed_row:
            self.rows_updated += 1
        else:
            self.unchanged += 1

    def write(self, *, actor: Any) -> None:
        county_id = self.county.pk
        organs = list(self.new_organs.values())
        _bulk_write(actor=actor, county_id=county_id, object_type="organ", create=organs, update=[])
        demands = list(self.new_demands.values())
        for demand in demands:
            demand.organ_id = demand.organ.pk
            demand.created_by_id = getattr(actor, "pk", None)
        _bulk_write(
            actor=actor,
            county_id=county_id,
            object_type="demand",
            create=demands,
            update=self.changed_demands,
        )
        stored = {
            (d.organ.name, d.issued_on, d.title, d.document_no): d
            for d, _changed in self.changed_demands
        }
        for key, receipt in self.new_receipts:
            demand = self.new_demands.get(key) or stored.get(key)
            if demand is None:
                demand = Demand.objects.get(
                    county_id=county_id,
                    organ__name=key[0],
                    issued_on=key[1],
                    title=key[2],
                    document_no=key[3],
                )
                stored[key] = demand
            receipt.demand_id = demand.pk
            receipt.organ_id = demand.organ_id
        _bulk_write(
            actor=actor,
            county_id=county_id,
            object_type="demand_receipt",
            create=[receipt for _key, receipt in self.new_receipts],
            update=self.changed_receipts,
        )
        # Receipts repeat their demand's kind and lead time; a changed demand updates them all.
        for demand, changed in self.changed_demands:
            if {"kind", "deadline"}.intersection(changed):
                DemandReceipt.objects.filter(county_id=county_id, demand=demand).update(
                    kind=demand.kind, lead_days=demand.lead_days
                )
