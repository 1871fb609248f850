"""In a real browser, the comments page of a wave shows its comments at once and draws the
emotion chart when it arrives (the profile is computed after the page, the first time)."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.voice.conftest import survey_county  # noqa: F401 (fixture)
from tests.voice.test_reports import answered  # noqa: F401 (fixture)

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_emotion_chart_arrives_after_the_comments(
    live_server,
    survey_county,  # noqa: F811
    answered,  # noqa: F811
    browser_page,
) -> None:  # type: ignore[no-untyped-def]
    cache.clear()
    page = browser_page
    sign_in(page, live_server.url, survey_county.personas.org.username)
    page.goto(f"{live_server.url}/voice/survey/waves/{answered.pk}/comments/")
    expect(page.locator(".v-comments")).to_contain_text("工作很充实")
    chart = page.locator('[data-testid="emotions"] .chart canvas')
    expect(chart).to_be_visible(timeout=30_000)
    expect(page.locator('[data-testid="emotions-pending"]')).to_have_count(0)
