"""A phone-sized browser answers a survey by its link, as a cadre would from WeChat."""

import os
import shutil

import pytest
from django.urls import reverse

from tests.voice.conftest import all_codes, open_wave
from zhongjian.voice.models import Response

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.40.2420"
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="Debian's chromium is not installed (apt-get install chromium)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_phone_answers_by_link_once(live_server, survey_county) -> None:  # type: ignore[no-untyped-def]
    """On a 390 px wide screen without an account: every item is answered by tapping, the
    comment typed, the form submitted (CSRF and all), and the link then says it is used."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    wave = open_wave(survey_county)
    url = live_server.url + reverse("voice:answer") + "#" + all_codes(wave)[0]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(
            viewport={"width": 390, "height": 844}, is_mobile=True, user_agent=WECHAT
        )
        page.goto(url)
        fieldsets = page.locator("fieldset:has(input[type=radio])")
        assert fieldsets.count() == 12
        for index in range(fieldsets.count()):
            fieldsets.nth(index).locator("label").nth(1).click()
        page.fill("textarea[name=comment]", "希望少开会")
        page.click("button[type=submit]")
        page.wait_for_selector("text=提交成功")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(url)
        page.wait_for_selector("fieldset")  # a used code opens the questions like an unused one
        for index in range(fieldsets.count()):
            fieldsets.nth(index).locator("label").nth(0).click()
        page.click("button[type=submit]")
        assert "邀请码已使用" in page.content()
        browser.close()
    assert Response.objects.get().comment == "希望少开会"
