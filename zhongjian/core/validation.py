"""Model validation that services turn into a domain error with Chinese field labels."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError

from zhongjian.core.errors import ValidationError


def full_clean_or_raise(instance: Any, *, exclude: list[str] | None = None) -> None:
    """Run `instance.full_clean()`; its errors become one ValidationError, field by field."""
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        messages = [
            f"{_field_label(instance, field)}：{message}" if field != "__all__" else message
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
        raise ValidationError("；".join(messages), errors=messages) from exc


def _field_label(instance: Any, field: str) -> str:
    try:
        return str(instance._meta.get_field(field).verbose_name)
    except Exception:  # an unknown name falls back to itself
        return field
