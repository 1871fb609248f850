"""`zhongjian care_purge`: delete closed counseling cases past the retention period."""

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhongjian.care.services import cases_purge


class Command(BaseCommand):
    help = "删除结案超过保存期限（CARE_RETENTION_DAYS，默认 3 年）的心理疏导个案。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None, help="保存天数（默认取配置）")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.CARE_RETENTION_DAYS
        if days < 1:
            raise CommandError("保存天数至少为 1 天。")
        purged = cases_purge(today=options["today"] or timezone.localdate(), retention_days=days)
        self.stdout.write(f"已删除 {purged} 个结案超过 {days} 天的个案。")
