"""Helpers shared by the voice services: model validation turned into a domain error."""

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError

from zhongjian.core.errors import ValidationError


def full_clean(instance: Any, *, exclude: list[str] | None = None) -> None:
    """``instance.full_clean()`` raising the domain ValidationError with Chinese messages."""
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        messages = [
            message if field == "__all__" else f"{_label(instance, field)}：{message}"
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
        raise ValidationError("；".join(messages), errors=messages) from exc


def _label(instance: Any, field: str) -> str:
    try:
        return str(instance._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field
