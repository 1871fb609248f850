"""The roster's rows, built in Python (org/templatetags/roster.py): every column as the page
shows it, posts in another unit named with that unit, a cadre without a post shown with dashes."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import Personas, client_for


def _row(html: str, name: str) -> str:
    [row] = [r for r in re.findall(r"<tr>.*?</tr>", html, flags=re.S) if f">{name}</a>" in r]
    return row


def test_roster_row_cells(personas: Personas) -> None:
    factories.appoint(cadre=personas.cadre_a, post=personas.post_b, start=datetime.date(2024, 1, 1))
    page = client_for(personas.org).get(reverse("org:cadre_list")).text
    held = _row(page, "张伟")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", held, flags=re.S)
    assert cells[0] == personas.cadre_a.staff_no
    assert cells[1] == f'<a href="{personas.cadre_a.get_absolute_url()}">张伟</a>'
    assert cells[2] == personas.unit_a.name
    # The higher tier first; the post of another unit carries that unit's name.
    assert cells[3] == f"{personas.unit_b.name}副局长、党政综合办公室主任"
    assert cells[4] == "副科"
    assert cells[6] == str(personas.cadre_a.age_on(timezone.localdate()))
    assert len(cells) == 8 and "&lt;" not in held
    # Unit and rank on one line each: on a phone the table scrolls rather than rows doubling.
    assert f'<td class="nowrap">{personas.unit_a.name}</td>' in held
    idle = re.findall(r"<td[^>]*>(.*?)</td>", _row(page, "李娜"), flags=re.S)
    assert idle[3] == idle[4] == '<span class="muted">—</span>'
    assert idle[7] == "行政"
