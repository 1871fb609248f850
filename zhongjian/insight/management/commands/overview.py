"""`zhongjian overview --all-counties [--date YYYY-MM-DD] [--format json|table]`: the overview
(队伍概览) of every county, or `--county CODE` for one, as each county's 组织部 sees it."""

import datetime
import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhongjian.insight.selectors import county_overviews
from zhongjian.org.models import County

COLUMNS = [
    ("headcount", "在职干部"),
    ("mid_level_posts", "中层岗位"),
    ("mid_level_seats", "中层职数"),
    ("mid_level_vacant_seats", "空缺职数"),
    ("mixed_posting", "混编混岗"),
    ("retiring_5y", "5年内退休"),
    ("retiring_5y_mid_level", "其中中层"),
]


class Command(BaseCommand):
    help = "打印各县（或一个县）的队伍概览数字。"

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--all-counties", action="store_true", help="全部县，一次统计")
        which.add_argument("--county", help="县的行政区划代码")
        parser.add_argument("--date", help="统计日期 YYYY-MM-DD；默认今天")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                datetime.date.fromisoformat(options["date"])
                if options.get("date")
                else timezone.localdate()
            )
        except ValueError as exc:
            raise CommandError("--date 应为 YYYY-MM-DD 格式，如 2026-11-26") from exc
        counties = County.objects.order_by("code")
        if options.get("county"):
            counties = counties.filter(code=options["county"])
            if not counties.exists():
                raise CommandError(f"没有行政区划代码为「{options['county']}」的县")
        names = {pk: (code, name) for pk, code, name in counties.values_list("pk", "code", "name")}
        figures = county_overviews(today=day, counties=list(names))
        rows = [
            {"code": names[pk][0], "name": names[pk][1], **asdict(overview)}
            for pk, overview in figures.items()
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
            return
        self.stdout.write("\t".join(["行政区划代码", "名称", *(label for _key, label in COLUMNS)]))
        for row in rows:
            self.stdout.write(
                "\t".join([row["code"], row["name"], *(str(row[key]) for key, _l in COLUMNS)])
            )
