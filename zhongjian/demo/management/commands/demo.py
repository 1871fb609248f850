"""`zhongjian demo`: build the synthetic demo county and print the demo logins."""

import datetime
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from zhongjian.demo.extensions import DEMO_EXTENSIONS
from zhongjian.demo.generator import build_demo
from zhongjian.insight.risk import request_refresh as risk_request_refresh
from zhongjian.org.models import County


class Command(BaseCommand):
    help = "生成示例县（合成数据）：单位、岗位、干部、15 年任职历史和每种角色的演示账号。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2022, help="随机种子，同一种子生成相同数据")
        parser.add_argument(
            "--cadres", type=int, default=3000, help="干部人数；超过 3000 时生成多个县"
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="数据截止日期 YYYY-MM-DD，默认今天",
        )
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做")
        parser.add_argument("--logins-file", default=None, help="演示账号写入的文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cadres"] < 100:
            raise CommandError("--cadres 至少为 100。")
        if County.objects.exists():
            if options["if_empty"]:
                self.stdout.write("数据库中已有数据，跳过示例县生成。")
                return
            raise CommandError(
                "数据库中已有数据。示例县只能生成到空数据库（可先删除 var/ 下的数据库文件）。"
            )
        today = options["today"] or timezone.localdate()
        started = time.monotonic()
        result = build_demo(
            seed=options["seed"], cadres=options["cadres"], today=today, progress=self._progress
        )
        county = County.objects.order_by("code").first()
        for dotted in DEMO_EXTENSIONS:
            with transaction.atomic():
                summary = import_string(dotted)(county=county, seed=options["seed"], today=today)
            self.stdout.write(summary)
        # Fitting the group-risk model takes a while: queue it now, so that its page is ready
        # once the job consumer (started by `make run`) has run it.
        risk_request_refresh(county_id=county.pk, today=today)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"已生成 {result.counties} 个县、{result.units} 个单位、{result.posts} 个岗位、"
            f"{result.cadres} 名干部、{result.appointments} 条任职记录、"
            f"{result.rank_grants} 条职级记录，"
            f"用时 {elapsed:.1f} 秒。"
        )
        path = Path(options["logins_file"] or settings.VAR_DIR / "demo-logins.txt")
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{login.role} {login.username} {login.password}" for login in result.logins]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)
        self.stdout.write(f"演示账号（已写入 {path}）：")
        for login in result.logins:
            self.stdout.write(
                f"  {login.role:<15} {login.username:<10} {login.password}  {login.note}"
            )

    def _progress(self, label: str, done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(f"\r{label} [{bar}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()
