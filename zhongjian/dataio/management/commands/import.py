# ruff: noqa: N999 (the module is named after the command, `zhongjian import`)
"""`zhongjian import FILE --kind cadres [--dry-run] [--sheet NAME] [--user NAME]`.

`--kind lrmx` takes 干部任免审批表 files instead: one .lrmx/.lrm, a folder of them, or a .zip.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.core.errors import DomainError
from zhongjian.dataio.columns import ImportKind
from zhongjian.dataio.lrmx import BatchFile
from zhongjian.dataio.lrmx_import import (
    form_batch_cancel,
    form_batch_confirm,
    form_batch_plan,
    form_batch_submit,
)
from zhongjian.dataio.models import ImportStatus
from zhongjian.dataio.progress import PHASES
from zhongjian.dataio.services import import_job_run, import_job_submit
from zhongjian.org.choices import Establishment
from zhongjian.org.models import Unit

LRMX = "lrmx"

BAR_WIDTH = 30


class Command(BaseCommand):
    help = _("导入单位、岗位、干部或任职的 Excel/CSV 文件；有任何错误则不写入。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help=_("要导入的 .xlsx 或 .csv 文件；任免审批表为 .lrmx/.lrm 文件、文件夹或 .zip"),
        )
        parser.add_argument(
            "--kind", required=True, choices=[*ImportKind.values, LRMX], help=_("数据类型")
        )
        parser.add_argument(
            "--unit", default="", help=_("任免审批表：名册中没有的人登记到的单位代码")
        )
        parser.add_argument(
            "--establishment",
            default=Establishment.ADMINISTRATIVE,
            choices=Establishment.values,
            help=_("任免审批表：新登记干部的编制类型"),
        )
        parser.add_argument("--sheet", default="", help=_("工作表名称（默认第一个）"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查并预览，不写入"))
        parser.add_argument(
            "--user",
            help=_("以哪个组织部账号导入（决定所属县和审计记录）；只有一个组织部账号时可省略"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        actor = self._actor(options["user"])
        if options["kind"] == LRMX:
            self._forms(path, actor=actor, options=options)
            return
        if not path.is_file():
            raise CommandError(_("找不到文件：%(path)s") % {"path": path})
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
            raise CommandError(
                _("共 %(count)d 个问题，未写入任何数据。") % {"count": job.error_count}
            )
        for line in job.warnings:
            self.stdout.write(_("提示：%(line)s") % {"line": line})
        counts = {
            "rows": job.rows,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
        }
        if options["dry_run"]:
            summary = _(
                "%(rows)d 行：将新增 %(created)d，将更新 %(updated)d，未变 %(unchanged)d。"
                "（试运行，未写入）"
            )
        else:
            summary = _("%(rows)d 行：已新增 %(created)d，已更新 %(updated)d，未变 %(unchanged)d。")
        self.stdout.write(summary % counts)

    def _forms(self, path: Path, *, actor: User, options: dict[str, Any]) -> None:
        if path.is_dir():
            paths = sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            paths = [path]
        else:
            raise CommandError(_("找不到文件或文件夹：%(path)s") % {"path": path})
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(county_id=actor.county_id, code=options["unit"]).first()
            if unit is None:
                raise CommandError(
                    _("本县没有代码为 %(code)s 的单位。") % {"code": options["unit"]}
                )
        try:
            batch = form_batch_submit(
                actor=actor,
                files=[
                    BatchFile(str(p.relative_to(path) if path.is_dir() else p.name), p.read_bytes())
                    for p in paths
                ],
                unit=unit,
                establishment=options["establishment"],
            )
            plan = form_batch_plan(actor=actor, batch=batch)
            for person in plan.people:
                self.stdout.write(_describe(person))
            if not plan.ok or options["dry_run"]:
                form_batch_cancel(actor=actor, batch=batch)
            if not plan.ok:
                for problem in plan.problems:
                    self.stdout.write(problem)
                raise CommandError(
                    _("共 %(count)d 个问题，未写入任何数据。") % {"count": len(plan.problems)}
                )
            if not options["dry_run"]:
                plan = form_batch_confirm(actor=actor, batch=batch, today=timezone.localdate())
        except DomainError as error:
            for line in error.errors:
                self.stdout.write(line)
            raise CommandError(error.message) from error
        counts = {"c": plan.created, "u": plan.updated, "a": plan.appointments}
        if options["dry_run"]:
            summary = _(
                "将新增 %(c)d 人，将更新 %(u)d 人，将新建任职记录 %(a)d 条。（试运行，未写入）"
            )
        else:
            summary = _("已新增 %(c)d 人，已更新 %(u)d 人，已新建任职记录 %(a)d 条。")
        self.stdout.write(summary % counts)

    def _actor(self, username: str | None) -> User:
        accounts = User.objects.filter(role=Role.ORG_DEPARTMENT, is_active=True)
        if username:
            accounts = accounts.filter(username=username)
        found = list(accounts[:2])
        if len(found) == 1:
            return found[0]
        if username:
            raise CommandError(_("没有名为 %(name)s 的有效组织部账号。") % {"name": username})
        raise CommandError(_("请用 --user 指定以哪个组织部账号导入。"))

    def _draw(self, phase: str, done: int, total: int | None) -> None:
        label = PHASES.get(phase, phase)
        if total:
            filled = min(BAR_WIDTH, done * BAR_WIDTH // total)
            bar = "█" * filled + "░" * (BAR_WIDTH - filled)
            line = f"\r{label} {bar} {min(done, total):,}/{total:,} " + _("行")
        else:
            line = f"\r{label} {done:,} " + _("行")
        self.stderr.write(line, ending="")
        self.stderr.flush()


def _describe(person: Any) -> str:
    """One line per file: who it is and what will happen to them."""
    if person.record is None:
        return _("%(file)s：无法读取") % {"file": person.filename}
    if person.cadre is not None:
        who = _("匹配 %(name)s（%(no)s）") % {
            "name": person.cadre.name,
            "no": person.cadre.staff_no,
        }
    else:
        who = _("新登记到 %(unit)s") % {"unit": person.unit.name if person.unit else "—"}
    return _("%(file)s：%(name)s，%(who)s，新建任职记录 %(n)d 条，未对应岗位的简历 %(u)d 条") % {
        "file": person.filename,
        "name": person.record.name,
        "who": who,
        "n": person.appointments,
        "u": len(person.unmatched),
    }
