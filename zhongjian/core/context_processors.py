"""Template context shared by every page: the menu for the signed-in user's role."""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from zhongjian.core.navigation import NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path.strip("/")
    items = []
    for item in NAV_ITEMS:
        if user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = path.startswith(item.section) if item.section else path == ""
        items.append({"label": item.label, "url": url, "active": active})
    return {"nav_items": items}
