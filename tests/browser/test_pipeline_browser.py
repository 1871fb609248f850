"""In a real browser, candidate votes go through htmx: refusals show, saved rows swap in."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from zhongjian.pipeline.choices import SelectionStage
from zhongjian.pipeline.services import selection

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_votes_through_htmx(live_server, personas: Personas, browser_page) -> None:  # type: ignore[no-untyped-def]
    """Too many votes: the message appears beside the field, which keeps the 11 typed; then a
    valid number replaces the candidate table in place and the old message is gone."""
    org = personas.org
    process = selection.process_start(
        actor=org, post=personas.post_b, started_on=datetime.date(2024, 8, 1), reason="原副局长退休"
    )
    selection.candidate_add(
        actor=org, process=process, cadre=personas.cadre_a, added_on=datetime.date(2024, 8, 1)
    )
    selection.process_transition(
        actor=org,
        process=process,
        target=SelectionStage.RECOMMENDATION,
        on=datetime.date(2024, 8, 5),
    )
    selection.process_update(actor=org, process=process, reason="", recommendation_voters=10)
    page = browser_page
    sign_in(page, live_server.url, org.username)
    page.goto(f"{live_server.url}{process.get_absolute_url()}")
    votes = page.locator("#candidates input[name=votes]")
    votes.fill("11")
    page.locator("#candidates button", has_text="保存").click()
    page.wait_for_selector("#candidates .field-error")
    assert "不能超过参加民主推荐人数" in page.inner_text("#candidates .field-error")
    assert page.locator("#candidates input[name=votes]").input_value() == "11"
    page.locator("#candidates input[name=votes]").fill("9")
    page.locator("#candidates button", has_text="保存").click()
    # A locator assertion, not wait_for_function: the page's CSP forbids the eval it polls with.
    expect(page.locator("[data-testid=candidates] td.num").first).to_have_text("9")
    assert page.locator(".field-error, ul.messages li.error").count() == 0
    assert page.url.endswith(process.get_absolute_url())
