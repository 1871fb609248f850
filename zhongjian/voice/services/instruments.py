"""Custom instruments: built from a simple item list or given as a full specification, versioned."""

import datetime
import math
import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.core.audit import audit_record
from zhongjian.core.errors import PermissionDenied, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.voice.instrument_spec import validate_instrument_spec
from zhongjian.voice.models import CustomInstrument
from zhongjian.voice.selectors.instruments import bundled_codes

# Response scales offered by the simple builder (value, label), lowest first.
SCALES: dict[str, tuple[Any, list[tuple[int, str]]]] = {
    "agree5": (
        gettext_lazy("同意程度（5级）"),
        [(1, "非常不同意"), (2, "不同意"), (3, "说不清"), (4, "同意"), (5, "非常同意")],
    ),
    "frequency5": (
        gettext_lazy("频率（5级）"),
        [(1, "从不"), (2, "很少"), (3, "有时"), (4, "经常"), (5, "总是")],
    ),
    "satisfaction5": (
        gettext_lazy("满意程度（5级）"),
        [(1, "很不满意"), (2, "不太满意"), (3, "一般"), (4, "比较满意"), (5, "非常满意")],
    ),
}
# A line of the item list starting with this marker is a reversed item.
REVERSE_MARKER = re.compile(r"^\s*[（(]反[)）]\s*")


def spec_from_items(
    *, code: str, title: str, instructions: str, items_text: str, scale: str
) -> dict[str, Any]:
    """A specification for a simple item set: one item per line, scored as the mean of answered
    items (at least half of them), no bands, flagged as not validated."""
    if scale not in SCALES:
        raise ValidationError(_("请选择选项类型。"))
    lines = [line.strip() for line in items_text.splitlines() if line.strip()]
    items = [
        {
            "code": f"q{index}",
            "text": REVERSE_MARKER.sub("", line),
            "reverse": bool(REVERSE_MARKER.match(line)),
        }
        for index, line in enumerate(lines, start=1)
    ]
    return {
        "code": code,
        "version": 1,
        "title": title,
        "instructions": instructions,
        "validated": False,
        "source": {
            "citation": _("本县组织部自拟，未经信效度检验。"),
            "licence": _("本县自拟题目，供本县使用。"),
        },
        "options": [{"value": value, "label": label} for value, label in SCALES[scale][1]],
        "items": items,
        "scoring": {"method": "mean"},
        "missing": {"min_answered": max(1, math.ceil(len(items) / 2))},
        "bands": [],
    }


@transaction.atomic
def custom_instrument_create(
    *, actor: Any, spec: dict[str, Any], today: datetime.date
) -> CustomInstrument:
    """Saves ``spec`` as the next version of its code in the actor's county.

    The version number in ``spec`` is replaced by the next free one; bundled codes are refused,
    so that a custom instrument can never pass for a published scale.
    """
    if actor.county_id is None:
        raise PermissionDenied(_("只有县委组织部可以添加测评工具。"))
    if not isinstance(spec, dict):
        raise ValidationError(_("测评工具定义无效。"), errors=validate_instrument_spec(spec))
    code = spec.get("code")
    if code in bundled_codes():
        raise ValidationError(_("编码“%(code)s”已被内置测评工具使用，请换一个。") % {"code": code})
    latest = CustomInstrument.objects.filter(county_id=actor.county_id, code=code).aggregate(
        top=Max("version")
    )["top"]
    # Two simultaneous saves of one code collide on the unique version constraint.
    spec = {**spec, "version": (latest or 0) + 1}
    errors = validate_instrument_spec(spec)
    if errors:
        raise ValidationError(_("测评工具定义无效。"), errors=errors)
    stored = CustomInstrument.objects.create(
        county_id=actor.county_id, code=code, version=spec["version"], spec=spec, created_on=today
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="voice_instrument",
        object_id=stored.pk,
        summary=f"{code} v{stored.version}",
    )
    return stored
