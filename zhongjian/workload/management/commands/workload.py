"""`zhongjian workload report --unit CODE --month YYYY-MM [--format json|table]`."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.workload.selectors import (
    parse_month,
    unit_by_code,
    workload_indicators,
)

LABELS = {
    "demands": "上级任务（件）",
    "cadres": "在职干部（人）",
    "per_cadre": "人均（件/人）",
    "issuing_organs": "下达机关数",
    "median_lead_days": "时限中位数（天）",
    "short_deadline_share": "短时限占比",
    "meeting_hours": "会议时长（小时）",
    "accompany_meetings": "要求陪会的会议",
    "inspections": "督查检查考核",
    "onsite_inspections": "其中实地",
    "inspections_over_cap": "超过上限次数",
    "long_documents": "超篇幅文件",
    "trace_share": "留痕占比",
    "yoy_change": "同比变化",
    "yoy_increase": "同比增加",
    "overtime_hours": "加班总时长（小时）",
    "overtime_hours_per_cadre": "人均加班（小时）",
}


class Command(BaseCommand):
    help = "打印单位（或全县）某月的减负指标。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="某月指标")
        report.add_argument("--unit", help="单位代码；不填则为全县")
        report.add_argument("--month", required=True, help="月份，YYYY-MM")
        report.add_argument("--format", choices=["json", "table"], default="json")
        report.add_argument("--county", help="县的行政区划代码（系统中有多个县时必填）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = parse_month(options["month"])
        except ValueError as exc:
            raise CommandError("--month 应为 YYYY-MM 格式，如 2025-03") from exc
        actor = self._reader(options.get("county"))
        unit = None
        if options.get("unit"):
            try:
                unit = unit_by_code(actor, code=options["unit"])
            except Http404 as exc:
                raise CommandError(f"单位代码「{options['unit']}」不存在") from exc
        row = workload_indicators(actor, unit=unit, month_from=month, month_to=month)[0]
        data = row.as_json()
        data.pop("month")
        data = {"unit": unit.code if unit else None, "month": options["month"], **data}
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{unit.name if unit else '全县'} · {options['month']}")
        for key, label in LABELS.items():
            self.stdout.write(f"  {label:<14}\t{data[key]}")
        for kind, count in data["by_kind"].items():
            self.stdout.write(f"  · {kind:<12}\t{count}")

    def _reader(self, county_code: str | None) -> User:
        """An unsaved 组织部 reader of the county: the command reads as that department does."""
        from zhongjian.org.models import County

        counties = County.objects.all()
        if county_code:
            counties = counties.filter(code=county_code)
        found = list(counties[:2])
        if not found:
            raise CommandError("没有这个县；请先导入或生成数据")
        if len(found) > 1:
            raise CommandError("系统中有多个县；请用 --county 指定行政区划代码")
        return User(role=Role.ORG_DEPARTMENT, county=found[0], is_active=True)
