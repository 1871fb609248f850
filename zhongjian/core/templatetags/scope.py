"""`{% if user|may_open:row %}`: whether a registry row's page is open to the user, so that a
page links a post or a cadre only where the link leads somewhere
(zhongjian.core.permissions.registry_row_visible)."""

from typing import Any

from django import template

from zhongjian.core.permissions import registry_row_visible

register = template.Library()


@register.filter
def may_open(user: Any, row: Any) -> bool:
    return registry_row_visible(user, row)
