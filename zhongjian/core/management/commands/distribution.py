"""`zhongjian distribution [--sql]`: check the schema against Citus' rules, print its DDL."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from zhongjian.core.distribution import distribution_problems, distribution_sql


class Command(BaseCommand):
    help = _("检查数据表能否按县分布到 Citus 集群；--sql 打印分布所需的语句。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sql", action="store_true", help=_("打印分布所需的 SQL 语句"))

    def handle(self, *args: Any, **options: Any) -> None:
        problems = distribution_problems()
        if problems:
            for problem in problems:
                self.stdout.write(problem)
            raise CommandError(_("有 %(n)d 处不符合按县分布的要求。") % {"n": len(problems)})
        if not options["sql"]:
            self.stdout.write(_("所有数据表都符合按县分布的要求。"))
            return
        if connection.vendor != "postgresql":
            raise CommandError(_("生成分布语句需要连接 PostgreSQL 数据库（DATABASE_URL）。"))
        self.stdout.write("BEGIN;")
        for statement in distribution_sql():
            self.stdout.write(statement)
        self.stdout.write("COMMIT;")
