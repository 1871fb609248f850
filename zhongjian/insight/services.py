"""Writes of the insight app: the alert thresholds the organization department sets."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import PermissionDenied, ValidationError
from zhongjian.insight.models import Threshold
from zhongjian.insight.registry import indicator_get


def _check(actor: Any, code: str) -> None:
    if getattr(actor, "role", None) != Role.ORG_DEPARTMENT or actor.county_id is None:
        raise PermissionDenied(_("只有组织部可以设置预警阈值。"))
    if indicator_get(code) is None:
        raise ValidationError(_("没有这个指标。"))


@transaction.atomic
def threshold_set(*, actor: Any, code: str, value: Decimal | None, note: str = "") -> Threshold:
    """Set (or change) the county's threshold of indicator CODE."""
    _check(actor, code)
    if value is None or not value.is_finite():
        raise ValidationError(_("请填写阈值（数字）。"))
    threshold = Threshold.objects.filter(county_id=actor.county_id, code=code).first() or Threshold(
        county_id=actor.county_id, code=code
    )
    threshold.value = value
    threshold.note = note.strip()[:200]
    threshold.updated_by = actor
    try:
        threshold.full_clean()
    except DjangoValidationError as error:
        raise ValidationError(
            _("阈值不正确：最多 8 位整数、2 位小数。"), errors=error.messages
        ) from error
    threshold.save()
    return threshold


@transaction.atomic
def threshold_delete(*, actor: Any, code: str) -> None:
    _check(actor, code)
    Threshold.objects.filter(county_id=actor.county_id, code=code).delete()
