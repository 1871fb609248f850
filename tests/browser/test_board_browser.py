"""In a real browser, the 组织部 on a 心声 post: takes a comment down after confirming, edits its
reply and finds the earlier text in the reply's history; a reader sees only 已修改."""

import pytest

from tests.browser.conftest import BROWSER_MARKS, sign_in
from tests.conftest import Personas
from zhongjian.voice.models import BoardComment
from zhongjian.voice.services.board import comment_create, post_create, reply_create

pytestmark = BROWSER_MARKS


@pytest.mark.django_db(transaction=True)
def test_take_down_a_comment_and_edit_a_reply(
    live_server, personas: Personas, browser_page
) -> None:  # type: ignore[no-untyped-def]
    post = post_create(
        actor=personas.cadre,
        bucket="b",
        category="pay",
        title="食堂伙食建议",
        body="希望食堂多做几个素菜，价格也再便宜一些。",
    )
    comment_create(actor=personas.head_a, bucket="h", post_id=post.pk, body="同意，确实需要改进")
    reply_create(actor=personas.org, post_id=post.pk, body="已转交机关事务中心研究。")
    page = browser_page
    sign_in(page, live_server.url, personas.org.username)
    page.goto(f"{live_server.url}/voice/board/{post.pk}/")

    page.click("button >> text=撤下评论")
    dialog = page.locator("dialog.confirm")
    dialog.wait_for(state="visible")
    assert "撤下" in dialog.inner_text()
    dialog.locator("button.cancel").click()
    assert BoardComment.objects.get().status == "published"
    page.click("button >> text=撤下评论")
    dialog.locator("button.ok").click()
    page.wait_for_selector("ul.messages >> text=评论已撤下")
    assert "同意，确实需要改进" not in page.inner_text(".board-layout")

    page.click("a >> text=修改答复")
    page.wait_for_url("**/edit/")
    assert page.input_value("textarea[name=body]") == "已转交机关事务中心研究。"
    page.fill("textarea[name=body]", "已转交机关事务中心研究。 ")
    page.click("button >> text=保存修改")
    page.wait_for_selector("ul.errorlist[role=alert] >> text=答复内容没有变化")
    assert page.input_value("textarea[name=body]").startswith("已转交")  # the input is kept
    page.fill("textarea[name=body]", "下月起食堂每天增加两个素菜。")
    page.click("button >> text=保存修改")
    page.wait_for_url(f"**/voice/board/{post.pk}/")
    reply = page.locator("section.official")
    assert "下月起食堂每天增加两个素菜。" in reply.inner_text() and "已修改" in reply.inner_text()
    history = reply.locator("details.reply-history")
    assert not history.locator(".previous").is_visible()
    history.locator("summary").click()
    assert history.locator(".previous").inner_text() == "已转交机关事务中心研究。"

    reader = page.context.browser.new_page(viewport={"width": 390, "height": 844})
    sign_in(reader, live_server.url, personas.cadre.username)
    reader.goto(f"{live_server.url}/voice/board/{post.pk}/")
    shown = reader.locator("section.official")
    assert "已修改" in shown.inner_text() and "修改答复" not in shown.inner_text()
    assert shown.locator("details").count() == 0
    assert "已转交" not in reader.content()
    assert reader.evaluate("document.documentElement.scrollWidth") <= 390
