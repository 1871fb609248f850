"""A signed-in cadre draws an online code through the real blind.js, and answers with it."""

import pytest
from django.urls import reverse

from tests.browser.conftest import BROWSER_MARKS, browser_page, sign_in  # noqa: F401
from tests.voice.conftest import open_wave
from tests.voice.test_blind import _vector
from zhongjian.voice.models import Response, SpentToken, WaveDraw

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True)]

VECTOR_JS = """
async (v) => {
  const B = window.ZhongjianBlind;
  const n = BigInt("0x" + v.n), e = BigInt("0x" + v.e);
  const msg = B.fromHex(v.msg);
  const out = await B.blind(n, e, msg, {salt: B.fromHex(v.salt), inv: BigInt("0x" + v.inv)});
  const sig = B.finalize(n, e, B.fromHex(v.blind_sig), out.inv, out.encoded);
  return {
    encoded: out.encoded.toString(16).padStart(v.encoded_msg.length, "0"),
    blinded: B.toHex(out.blinded),
    sig: B.toHex(sig),
  };
}
"""


def test_a_cadre_draws_a_blind_code_in_the_browser_and_answers(
    live_server,
    survey_county,
    browser_page,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    """The page's JavaScript reproduces the RFC vector (encode, blind, unblind), then draws a
    code (the server signs the blinded value), shows it, and the answer page spends it once."""
    wave = open_wave(survey_county, invitation_mode="online")
    page = browser_page
    sign_in(page, live_server.url, survey_county.personas.cadre.username)
    page.goto(live_server.url + reverse("voice:my_surveys"))
    page.click("text=领取邀请码")
    v = _vector()
    result = page.evaluate(VECTOR_JS, v)
    assert result == {"encoded": v["encoded_msg"], "blinded": v["blinded_msg"], "sig": v["sig"]}
    page.click("#draw-button")
    page.wait_for_selector("#draw-code:not(:empty)")
    code = page.text_content("#draw-code") or ""
    assert code.startswith("Z1.")
    assert WaveDraw.objects.filter(wave=wave).count() == 1
    page.click("#draw-go")
    page.wait_for_selector("fieldset")
    assert "郭" not in (page.text_content("header") or "")  # no identity on the anonymous page
    assert "匿名页面" in page.content()
    fieldsets = page.locator("fieldset:has(input[type=radio])")
    for index in range(fieldsets.count()):
        fieldsets.nth(index).locator("label").nth(1).click()
    page.set_viewport_size({"width": 390, "height": 844})
    legend, card = (
        page.locator("fieldset legend").nth(0).bounding_box(),
        page.locator("fieldset").nth(0).bounding_box(),
    )
    assert legend and card and legend["y"] >= card["y"]  # the question sits inside its card
    page.click("button[type=submit]")
    page.wait_for_selector("text=提交成功")
    assert Response.objects.filter(wave=wave).count() == 1
    assert SpentToken.objects.filter(wave=wave).count() == 1
    # The same code again: refused, nothing stored.
    page.goto(live_server.url + reverse("voice:answer") + "#" + code)
    page.wait_for_selector("fieldset")
    for index in range(fieldsets.count()):
        fieldsets.nth(index).locator("label").nth(0).click()
    page.click("button[type=submit]")
    assert "邀请码已使用" in page.content()
    assert Response.objects.filter(wave=wave).count() == 1
