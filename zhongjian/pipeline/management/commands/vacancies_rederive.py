"""`zhongjian vacancies_rederive`: rebuild vacancy episodes from appointments, after an import."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from zhongjian.org.models import County
from zhongjian.pipeline.services.vacancies import vacancy_rederive_county


class Command(BaseCommand):
    help = "根据任职记录重新计算岗位空缺（导入任职数据后运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--county", default="", help="行政区划代码；不填则计算所有县")

    def handle(self, *args: Any, **options: Any) -> None:
        counties = County.objects.order_by("code")
        if options["county"]:
            counties = counties.filter(code=options["county"])
            if not counties.exists():
                raise CommandError(f"没有行政区划代码为 {options['county']} 的县。")
        today = timezone.localdate()
        for county in counties:
            with transaction.atomic():
                open_now = vacancy_rederive_county(county=county, today=today)
            self.stdout.write(f"{county.name}：当前空缺 {open_now} 个岗位。")
