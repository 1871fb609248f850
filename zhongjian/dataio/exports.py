"""Export of list pages to .xlsx, scoped like the page, with an audit row per export.

A list page registers its export in its app's `exports.py` (found at start-up):

    register_export(ExportSpec(
        name="cadres", title=_("干部名册"), roles=REGISTRY_ROLES, object_type="cadre",
        rows=lambda user, params: cadre_list(user=user, **cadre_filters(params)),
        columns=(ExportColumn(_("人员编号"), lambda cadre: cadre.staff_no), …),
    ))

and links to `{% url 'dataio:export' 'cadres' %}?{{ request.GET.urlencode }}`: the rows come
from the same scoped selector and the same query parameters as the page.
"""

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhongjian.core.audit import audit_record
from zhongjian.core.errors import NotFound, PermissionDenied
from zhongjian.core.models import AuditAction

# Rows fetched per database round trip while an export streams.
CHUNK = 2000


def build_export(**kwargs: Any) -> bytes:
    """dataio.templates.build_export, with openpyxl loaded where a file is written."""
    from zhongjian.dataio.templates import build_export as build

    return build(**kwargs)


@dataclass(frozen=True)
class ExportColumn:
    label: str | Promise
    value: Callable[[Any], object]


@dataclass(frozen=True)
class ExportSpec:
    """One exportable list: who may export it, its rows for a user and page parameters, columns."""

    name: str
    title: str | Promise
    roles: tuple[str, ...]
    object_type: str
    rows: Callable[[Any, Mapping[str, str]], Iterable[Any]]
    columns: tuple[ExportColumn, ...]


EXPORTS: dict[str, ExportSpec] = {}


def register_export(spec: ExportSpec) -> ExportSpec:
    if spec.name in EXPORTS and EXPORTS[spec.name] != spec:
        raise ValueError(f"export {spec.name!r} is registered twice")
    EXPORTS[spec.name] = spec
    return spec


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content: bytes
    rows: int


_CODE_VALUE = re.compile(r"[A-Za-z0-9_\-]{1,32}")


def _filter_text(key: str, value: str) -> str:
    """A filter as the audit summary names it: a choice or id with its value; a search term or
    any other free text by its name only, since it may be a person's name (issue #8.12)."""
    if key == "q" or not _CODE_VALUE.fullmatch(value):
        return key
    return f"{key}={value}"


def export_build(*, user: Any, name: str, params: Mapping[str, str]) -> ExportFile:
    """Build the .xlsx of the export NAME for USER with the page's PARAMS and audit it.

    An unknown export is a 404; a role the export is not open to, a 403.
    """
    spec = EXPORTS.get(name)
    if spec is None:
        raise NotFound(str(_("没有这项导出。")))
    if getattr(user, "role", None) not in spec.roles:
        raise PermissionDenied(str(_("您的角色无权导出此列表。")))
    count = 0

    def rows() -> Iterator[list[object]]:
        nonlocal count
        source = spec.rows(user, params)
        if isinstance(source, QuerySet):
            source = source.iterator(chunk_size=CHUNK)
        for item in source:
            count += 1
            yield [column.value(item) for column in spec.columns]

    title = str(spec.title)
    content = build_export(
        title=title, columns=[str(column.label) for column in spec.columns], rows=rows()
    )
    filters = "&".join(_filter_text(key, value) for key, value in sorted(params.items()) if value)
    audit_record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type=spec.object_type,
        summary=f"{title}：{count} 行" + (f"（{filters}）" if filters else ""),
    )
    day = timezone.localdate().isoformat()
    return ExportFile(filename=f"{title}-{day}.xlsx", content=content, rows=count)
