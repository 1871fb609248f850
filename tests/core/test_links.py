"""Every link a page shows its user leads somewhere that user may go.

Each persona follows the links of its pages from the start page, breadth first, the way a person
clicks around: a link to a page that answers 403 or 404 (or 405, for an address that only takes a
form's POST) is a dead end shown to somebody who cannot use it.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest

from tests import factories
from tests.conftest import Personas, client_for

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]+)', re.IGNORECASE)
# Not followed: signing out ends the walk; the Django admin is its own site (its own tests);
# files are answered as downloads, not pages to read links from.
SKIP = re.compile(r"^/(logout/|admin/|static/)|\.(csv|xlsx|docx|lrmx|zip)$")
PAGES_PER_PERSONA = 150


def _walk(client) -> dict[str, tuple[int, str]]:  # type: ignore[no-untyped-def]
    """Each address reached from "/", with its status and the page that linked to it."""
    reached: dict[str, tuple[int, str]] = {}
    queue = [("/", "")]
    paths: set[str] = set()
    while queue and len(reached) < PAGES_PER_PERSONA:
        url, source = queue.pop(0)
        path = urlsplit(url).path
        if path in paths:  # one visit per page; its sorted and filtered variants add no targets
            continue
        paths.add(path)
        response = client.get(url, follow=True)  # a start page may send its role elsewhere
        reached[url] = (response.status_code, source)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            if href.startswith("/") and not href.startswith("//") and not SKIP.search(href):
                queue.append((href, url))
    return reached


@pytest.mark.parametrize(
    "persona", ["org", "head_a", "head_b", "counselor", "cadre", "auditor", "outsider_org"]
)
def test_no_link_leads_to_a_refusal(personas: Personas, persona: str) -> None:
    # A record whose history crosses units: 张伟 of 青石镇 was 副局长 at 县财政局 before. Its head
    # of 青石镇 may read the record but not the other unit's post.
    factories.appoint(
        cadre=personas.cadre_a,
        post=personas.post_b,
        start=datetime.date(2018, 1, 1),
        end_date=datetime.date(2022, 2, 28),
    )
    reached = _walk(client_for(personas.all_users()[persona]))
    dead = {url: found for url, found in reached.items() if found[0] in (403, 404, 405)}
    assert not dead, f"links that refuse {persona}: {dead}"
    assert len(reached) > 1  # the walk left the start page
