"""On a 390 px phone the 组织部's everyday pages fit the screen, and no table column is squeezed
until its text runs one character per line (a table that needs more room scrolls sideways
inside its card instead)."""

import datetime

import pytest

from tests import factories
from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from tests.voice.conftest import SurveyCounty, close, open_wave, staff
from zhongjian.org.choices import Tier

pytestmark = BROWSER_MARKS

PAGES = [
    "/",
    "/org/cadres/",
    "/org/units/",
    "/pipeline/",
    "/workload/",
    "/voice/survey/waves/",
    "/care/overview/",
    "/projection/",
    "/org/data-check/",
    "/account/users/",
    "/org/cadres/{cadre}/",
]
# Cells of three characters or more laid out in three lines or more, about one character a line.
SQUEEZED = """() => [...document.querySelectorAll('td, th')].filter(cell => {
    const text = cell.innerText.replace(/\\s/g, '');
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map(box => Math.round(box.top))).size;
    return text.length >= 3 && lines >= 3 && text.length / lines < 1.6;
}).map(cell => cell.innerText.trim().slice(0, 20))"""


@pytest.mark.django_db(transaction=True)
def test_everyday_pages_fit_a_phone(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    staff(personas.unit_a, 6, tier=Tier.GUJI, birth=datetime.date(1990, 5, 1))
    staff(personas.unit_b, 6, tier=Tier.GENERAL, birth=datetime.date(1988, 5, 1))
    county = SurveyCounty(personas=personas)
    close(county, open_wave(county, title="2026年秋季干部思想动态测评"))  # 查看结果 beside it
    open_wave(county, title="2026年冬季干部思想动态测评")
    # A record the data check lists (work begun at 15), with its 去更正 link.
    factories.cadre(
        unit=personas.unit_a,
        birth_date=datetime.date(1990, 5, 1),
        work_start_date=datetime.date(2005, 9, 1),
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, personas.org.username)
    for path in PAGES:
        path = path.format(cadre=personas.cadre_a.pk)
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert page.evaluate(SQUEEZED) == [], path
