# ruff: noqa: N999 (the module is named after the command, `zhongjian import`)
"""`zhongjian import FILE --kind cadres [--dry-run] [--sheet NAME] [--user NAME]`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.core.errors import DomainError
from zhongjian.dataio.columns import ImportKind
from zhongjian.dataio.models import ImportStatus
from zhongjian.dataio.progress import PHASES
from zhongjian.dataio.services import import_job_run, import_job_submit

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "导入单位、岗位、干部或任职的 Excel/CSV 文件；有任何错误则不写入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--kind", required=True, choices=ImportKind.values, help="数据类型")
        parser.add_argument("--sheet", default="", help="工作表名称（默认第一个）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并预览，不写入")
        parser.add_argument(
            "--user",
            help="以哪个组织部账号导入（决定所属县和审计记录）；只有一个组织部账号时可省略",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        actor = self._actor(options["user"])
        try:
            job = import_job_submit(
                actor=actor,
                kind=options["kind"],
                data=path.read_bytes(),
                filename=path.name,
                sheet=options["sheet"],
                commit=not options["dry_run"],
                run=False,
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        job = import_job_run(job_id=job.pk, progress=self._draw)
        self.stderr.write("")
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.message)
        if job.status == ImportStatus.INVALID:
            for error in job.errors:
                self.stdout.write(error["text"] or error["message"])
            raise CommandError(f"共 {job.error_count} 个问题，未写入任何数据。")
        for line in job.warnings:
            self.stdout.write(f"提示：{line}")
        verb = "将" if options["dry_run"] else "已"
        self.stdout.write(
            f"{job.rows} 行：{verb}新增 {job.created_count}，{verb}更新 {job.updated_count}，"
            f"未变 {job.unchanged_count}。" + ("（试运行，未写入）" if options["dry_run"] else "")
        )

    def _actor(self, username: str | None) -> User:
        accounts = User.objects.filter(role=Role.ORG_DEPARTMENT, is_active=True)
        if username:
            accounts = accounts.filter(username=username)
        found = list(accounts[:2])
        if len(found) == 1:
            return found[0]
        if username:
            raise CommandError(f"没有名为 {username} 的有效组织部账号。")
        raise CommandError("请用 --user 指定以哪个组织部账号导入。")

    def _draw(self, phase: str, done: int, total: int | None) -> None:
        label = PHASES.get(phase, phase)
        if total:
            filled = min(BAR_WIDTH, done * BAR_WIDTH // total)
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            line = f"\r{label} {bar} {min(done, total):,}/{total:,} 行"
        else:
            line = f"\r{label} {done:,} 行"
        self.stderr.write(line, ending="")
        self.stderr.flush()
