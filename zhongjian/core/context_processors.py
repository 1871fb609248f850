"""Template context shared by every page: the menu for the signed-in user's role."""

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from zhongjian.core.navigation import GROUP_ABOVE, NAV_GROUPS, NAV_ITEMS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``nav_items``: the role's entries in order, each a link (label, url, active) or, when the
    role sees more than GROUP_ABOVE entries, a drop-down group (label, key, active, children)
    standing where its first entry stands."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    path = request.path.strip("/")
    links = []
    for item in NAV_ITEMS:
        if user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = path.startswith(item.section) if item.section else path == ""
        links.append((item.group, {"label": item.label, "url": url, "active": active}))
    if len(links) <= GROUP_ABOVE:
        return {"nav_items": [link for _, link in links]}
    sizes: dict[str, int] = {}
    for group, _ in links:
        sizes[group] = sizes.get(group, 0) + 1
    items: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for group, link in links:
        if not group or sizes[group] < 2:
            items.append(link)
        elif group in groups:
            groups[group]["children"].append(link)
            groups[group]["active"] |= link["active"]
        else:
            groups[group] = {
                "label": NAV_GROUPS[group],
                "key": group,
                "active": link["active"],
                "children": [link],
            }
            items.append(groups[group])
    return {"nav_items": items}
