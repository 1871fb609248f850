"""id_url: the same URL as reverse() for every route it is used with, resolved once per route."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch

from zhongjian.core.urls_fast import _halves, id_url

TEMPLATES = Path(__file__).resolve().parents[2] / "zhongjian" / "templates"
MODELS = Path(__file__).resolve().parents[2] / "zhongjian"


def _routes() -> set[str]:
    """Every route named by `{% id_url %}` in a template or `id_url(` in the code."""
    names = set()
    for path in TEMPLATES.rglob("*.html"):
        names |= set(re.findall(r"\{% id_url '([a-z_]+:[a-z_]+)'", path.read_text()))
    for path in MODELS.rglob("*.py"):
        names |= set(re.findall(r'id_url\("([a-z_]+:[a-z_]+)"', path.read_text()))
    return names


def test_every_route_used_gives_what_reverse_gives() -> None:
    routes = _routes()
    assert len(routes) >= 10
    for name in routes:
        for pk in (1, 42, 9081726354, 0):
            assert id_url(name, pk) == reverse(name, args=[pk]), name


def test_a_route_is_resolved_once() -> None:
    _halves.cache_clear()
    for pk in range(100):
        id_url("org:cadre_detail", pk)
    assert _halves.cache_info().misses == 1


def test_anything_but_an_id_goes_through_reverse() -> None:
    """A string id, a negative number or a route without an id argument: reverse's answer or
    its error, never a made-up URL."""
    assert id_url("org:cadre_detail", "7") == reverse("org:cadre_detail", args=["7"])
    with pytest.raises(NoReverseMatch):
        id_url("org:cadre_detail", -1)
    with pytest.raises(NoReverseMatch):
        id_url("org:cadre_list", 1)
