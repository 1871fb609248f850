"""Writes of the projection: saving, renaming and deleting named scenarios."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from zhongjian.core.errors import ValidationError
from zhongjian.projection.engine import ModelError
from zhongjian.projection.models import Scenario
from zhongjian.projection.scenarios import Levers
from zhongjian.projection.selectors import require_projection_user


@transaction.atomic
def scenario_save(
    *,
    actor: Any,
    name: str,
    levers: dict,
    note: str = "",
    scenario: Scenario | None = None,
) -> Scenario:
    """Create (or, given SCENARIO, update) a named scenario of the actor's county.

    The levers are checked and stored in their normal form; a name already used in the county
    is refused.
    """
    county = require_projection_user(actor)
    try:
        normal = Levers.from_dict(levers).as_dict()
    except ModelError as exc:
        raise ValidationError(exc.message) from None
    name = name.strip()
    if scenario is None:
        scenario = Scenario(county=county, created_by=actor)
    scenario.name, scenario.levers, scenario.note = name, normal, note.strip()
    if Scenario.objects.filter(county=county, name=name).exclude(pk=scenario.pk).exists():
        raise ValidationError(f"方案名称“{name}”已被使用，请换一个名称。")
    try:
        scenario.full_clean()
    except DjangoValidationError as exc:
        raise ValidationError("方案无法保存：" + "；".join(exc.messages)) from None
    try:
        with transaction.atomic():
            scenario.save()
    except IntegrityError:
        raise ValidationError(f"方案名称“{name}”已被使用，请换一个名称。") from None
    return scenario


@transaction.atomic
def scenario_delete(*, actor: Any, scenario: Scenario) -> None:
    county = require_projection_user(actor)
    if scenario.county_id != county.pk:
        raise ValidationError("只能删除本县的方案。")
    scenario.delete()
