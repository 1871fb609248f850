"""The audit log's Excel export for the auditor; the export itself is audited (dataio.exports)."""

from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit_log import AuditLine, audit_lines, audit_rows
from zhongjian.core.models import AuditObject
from zhongjian.dataio.exports import ExportColumn, ExportSpec, register_export

BATCH = 2000


def _lines(user: Any, params: Mapping[str, str]) -> Iterator[AuditLine]:
    rows = audit_rows(user, params)
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield from audit_lines(batch)
            batch = []
    yield from audit_lines(batch)


register_export(
    ExportSpec(
        name="audit_log",
        title=_("审计日志"),
        roles=(Role.AUDITOR,),
        object_type=AuditObject.AUDIT_LOG,
        rows=_lines,
        columns=(
            ExportColumn(_("时间"), lambda line: line.row.at.strftime("%Y-%m-%d %H:%M:%S")),
            ExportColumn(_("操作人"), lambda line: line.row.actor_username),
            ExportColumn(_("角色"), lambda line: line.role_label),
            ExportColumn(_("操作"), lambda line: line.row.get_action_display()),
            ExportColumn(_("对象类型"), lambda line: line.object_label),
            ExportColumn(_("对象ID"), lambda line: line.row.object_id),
            ExportColumn(_("单位"), lambda line: line.unit_name),
            ExportColumn(_("IP 地址"), lambda line: line.row.ip or ""),
            ExportColumn(_("摘要"), lambda line: line.row.summary),
        ),
    )
)
