"""The 心声 board: anonymous posts and comments, moderation, official replies, search, scoping."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from zhongjian.core.models import AuditLog
from zhongjian.core.textmask import NAME_MASK, PHONE_MASK
from zhongjian.voice.choices import ModerationStatus
from zhongjian.voice.models import BoardComment, BoardPost, OfficialReply
from zhongjian.voice.services.board import post_create

pytestmark = pytest.mark.django_db
API = "/api/v1/voice/board/posts"


def write(client: Client, title: str, body: str, category: str = "promotion"):
    return client.post(
        reverse("voice:board_new"), {"category": category, "title": title, "body": body}
    )


def test_a_post_is_anonymous_to_everyone(personas) -> None:
    """A cadre's post is listed as 佚名 with its hour; nothing stored or audited names the author,
    and the browser is sent to the list, not to the new post."""
    client = client_for(personas.cadre)
    before = AuditLog.objects.count()
    response = write(
        client,
        "怎么做可以不当乡镇党政办主任？",
        "党政办事情太杂，天天加班，想换个岗位，大家有什么建议？",
    )
    assert response.status_code == 302 and response["Location"] == reverse("voice:board")
    post = BoardPost.objects.get()
    assert post.status == ModerationStatus.PUBLISHED
    assert post.created_at == timezone.localtime(post.created_at).replace(
        minute=0, second=0, microsecond=0
    )
    assert AuditLog.objects.count() == before
    stored = " ".join(str(getattr(post, f.attname)) for f in BoardPost._meta.concrete_fields)
    assert personas.cadre.username not in stored and str(personas.cadre.pk) not in stored.split()
    html = client_for(personas.org).get(reverse("voice:board")).content.decode()
    assert "怎么做可以不当乡镇党政办主任？" in html and "佚名" in html
    assert personas.cadre.username not in html


def test_names_and_phones_are_masked_and_held_for_review(personas) -> None:
    """A post naming a registered cadre with a phone number is stored masked and held; the
    organization department approves it in the queue, then everyone sees the masked text."""
    cadre = client_for(personas.cadre)
    write(cadre, "反映一个情况", "张伟经常让我们周末加班，有事打13812345678找他。")
    post = BoardPost.objects.get()
    assert post.status == ModerationStatus.HELD and "个人信息" in post.hold_reason
    assert "张伟" not in post.body and "13812345678" not in post.body
    assert post.body == f"{NAME_MASK}经常让我们周末加班，有事打{PHONE_MASK}找他。"
    assert (
        client_for(personas.head_a).get(reverse("voice:board_detail", args=[post.pk])).status_code
        == 404
    )
    org = client_for(personas.org)
    assert "反映一个情况" in org.get(reverse("voice:moderation")).content.decode()
    org.post(reverse("voice:moderation_decide", args=["post", post.pk]), {"decision": "approve"})
    page = cadre.get(reverse("voice:board_detail", args=[post.pk])).content.decode()
    assert NAME_MASK in page and "张伟" not in page


def test_personal_attacks_are_held_and_can_be_rejected(personas) -> None:
    """Abuse is held; a rejected post never appears."""
    write(client_for(personas.cadre), "某些人就是狗官", "这种人渣怎么还在位置上，真是不要脸。")
    post = BoardPost.objects.get()
    assert post.status == ModerationStatus.HELD and "人身攻击" in post.hold_reason
    client_for(personas.org).post(
        reverse("voice:moderation_decide", args=["post", post.pk]), {"decision": "reject"}
    )
    post.refresh_from_db()
    assert post.status == ModerationStatus.REJECTED
    assert "狗官" not in client_for(personas.cadre).get(reverse("voice:board")).content.decode()


def test_comments_and_official_replies(personas) -> None:
    """Comments are anonymous and counted; the organization department's reply is shown
    signed and highlighted and is audited; a cadre cannot reply officially."""
    write(
        client_for(personas.cadre),
        "乡镇干部晋升通道在哪里",
        "在乡镇干了十年股级，看不到晋升的希望，怎么办？",
    )
    post = BoardPost.objects.get()
    head = client_for(personas.head_a)
    before = AuditLog.objects.count()
    assert (
        head.post(
            reverse("voice:board_comment", args=[post.pk]), {"body": "同感，职级并行后好一些"}
        ).status_code
        == 302
    )
    assert AuditLog.objects.count() == before
    comment = BoardComment.objects.get()
    assert comment.status == ModerationStatus.PUBLISHED
    assert (
        client_for(personas.cadre)
        .post(reverse("voice:board_reply", args=[post.pk]), {"body": "答复"})
        .status_code
        == 403
    )
    org = client_for(personas.org)
    org.post(
        reverse("voice:board_reply", args=[post.pk]),
        {"body": "县委组织部将完善职级晋升办法，欢迎继续提出意见。"},
    )
    assert OfficialReply.objects.get().author == personas.org
    assert AuditLog.objects.filter(
        object_type="voice_board_reply", actor_id=personas.org.pk
    ).exists()
    post.refresh_from_db()
    assert (post.comment_count, post.reply_count) == (1, 1)
    html = (
        client_for(personas.cadre)
        .get(reverse("voice:board_detail", args=[post.pk]))
        .content.decode()
    )
    assert 'class="official"' in html and "组织部答复" in html and "同感" in html


def test_read_count_counts_each_browser_once(personas) -> None:
    """Reloading a post does not count again; another reader does."""
    post = post_create(
        actor=personas.cadre,
        bucket="t",
        category="pay",
        title="乡镇补贴什么时候发",
        body="听说乡镇工作补贴要调整，什么时候落实？",
    )
    reader = client_for(personas.cadre)
    reader.get(reverse("voice:board_detail", args=[post.pk]))
    reader.get(reverse("voice:board_detail", args=[post.pk]))
    client_for(personas.head_b).get(reverse("voice:board_detail", args=[post.pk]))
    post.refresh_from_db()
    assert post.read_count == 2


def test_chinese_search_and_related_posts(personas) -> None:
    """Search finds Chinese words inside longer text and needs every term; related posts share
    keywords with the post."""
    make = lambda title, body, category="work_pressure": post_create(  # noqa: E731
        actor=personas.cadre, bucket="s", category=category, title=title, body=body
    )
    overtime = make("乡镇党政办加班太多", "乡镇党政办主任天天加班写材料，周末也不能休息。")
    forms = make("填表报数太多了", "各部门都要乡镇填表报数，同一组数据报好几遍。")
    related = make("党政办主任岗位没人愿意干", "党政办主任加班多、责任大，年轻人都不愿意接。")
    make("食堂伙食建议", "建议食堂增加早餐品种。", "suggestion")
    reader = client_for(personas.head_a)
    found = reader.get(API, {"q": "党政办"}).json()
    assert {row["id"] for row in found["results"]} == {overtime.pk, related.pk}
    assert [row["id"] for row in reader.get(API, {"q": "乡镇加班"}).json()["results"]] == [
        overtime.pk
    ]
    assert reader.get(API, {"q": "报数"}).json()["results"][0]["id"] == forms.pk
    assert reader.get(API, {"q": "不存在的词语"}).json()["count"] == 0
    detail = reader.get(f"{API}/{overtime.pk}").json()
    assert detail["author"] == "佚名" and related.pk in [row["id"] for row in detail["related"]]
    html = reader.get(reverse("voice:board"), {"q": "填表"}).content.decode()
    assert "填表报数太多了" in html and "食堂伙食建议" not in html


def test_posting_is_rate_limited_per_person_across_sign_ins(personas) -> None:
    """A sixth post within the day by one person is refused with 429, although they signed in
    afresh before every post (the limit counts the person, not the session)."""
    for index in range(5):
        client = client_for(personas.cadre)
        assert (
            write(
                client, f"第{index}个问题", "这是一个比较长的问题描述，测试发帖频率。"
            ).status_code
            == 302
        )
    refused = write(
        client_for(personas.cadre), "第六个问题", "这是一个比较长的问题描述，测试发帖频率。"
    )
    assert refused.status_code == 429
    assert BoardPost.objects.count() == 5


def test_a_post_is_refused_not_let_through_when_redis_is_down(personas, settings) -> None:
    """The daily limit cannot be counted (no Redis answers): the post is refused with a clear
    503, and nothing is stored."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    refused = write(client_for(personas.cadre), "一个问题", "这是一个比较长的问题描述，测试。")
    assert refused.status_code == 503
    assert "服务暂时不可用" in refused.content.decode()
    assert BoardPost.objects.count() == 0


def test_board_scoping(personas) -> None:
    """Admins and auditors are refused (403); the organization department reads but does not
    post anonymously; another county's post does not exist for the outsider (404)."""
    post = post_create(
        actor=personas.cadre,
        bucket="x",
        category="other",
        title="一个普通问题",
        body="一个普通问题的正文内容。",
    )
    for user in (personas.admin, personas.auditor):
        client = client_for(user)
        assert client.get(reverse("voice:board")).status_code == 403
        assert client.get(reverse("voice:board_detail", args=[post.pk])).status_code == 403
        assert client.get(API).status_code == 403
    org = client_for(personas.org)
    assert org.get(reverse("voice:board_new")).status_code == 403
    assert (
        client_for(personas.counselor)
        .get(reverse("voice:board_detail", args=[post.pk]))
        .status_code
        == 200
    )
    decide = reverse("voice:moderation_decide", args=["post", post.pk])
    for user in (personas.cadre, personas.head_a):
        client = client_for(user)
        assert client.get(reverse("voice:moderation")).status_code == 403
        assert client.post(reverse("voice:board_remove", args=[post.pk])).status_code == 403
        assert client.post(decide, {"decision": "approve"}).status_code == 403
    outsider = client_for(personas.outsider_org)
    assert outsider.get(reverse("voice:board_detail", args=[post.pk])).status_code == 404
    assert outsider.get(f"{API}/{post.pk}").status_code == 404
    assert outsider.get(API).json()["count"] == 0
    org.post(reverse("voice:board_remove", args=[post.pk]))
    assert (
        client_for(personas.cadre).get(reverse("voice:board_detail", args=[post.pk])).status_code
        == 404
    )


def test_anonymous_board_pages_show_no_identity(personas) -> None:
    """While reading or writing on the board, the header names nobody and says it is anonymous."""
    client = client_for(personas.cadre)
    for url in (reverse("voice:board"), reverse("voice:board_new")):
        html = client.get(url).content.decode()
        assert "匿名页面" in html
        assert str(personas.cadre) not in html


def test_the_organization_department_takes_down_a_published_comment(personas) -> None:
    """A published comment is taken down from the post page: gone for readers, counted down,
    audited; a cadre may not take it down (403), another county's comment is a 404."""
    from zhongjian.core.models import AuditLog
    from zhongjian.voice.models import BoardComment

    cadre = client_for(personas.cadre)
    write(cadre, "食堂伙食建议", "希望食堂多做几个素菜，价格也再便宜一些。")
    post = BoardPost.objects.get()
    cadre.post(reverse("voice:board_comment", args=[post.pk]), {"body": "同意，确实需要改进"})
    comment = BoardComment.objects.get()
    url = reverse("voice:board_comment_remove", args=[post.pk, comment.pk])
    assert cadre.post(url).status_code == 403
    assert client_for(personas.outsider_org).post(url).status_code == 404
    org = client_for(personas.org)
    assert org.post(url).status_code == 302
    comment.refresh_from_db()
    post.refresh_from_db()
    assert comment.status == "removed" and post.comment_count == 0
    assert (
        "同意，确实需要改进"
        not in cadre.get(reverse("voice:board_detail", args=[post.pk])).content.decode()
    )
    assert AuditLog.objects.filter(
        object_type="voice_board_comment", object_id=str(comment.pk)
    ).exists()


def test_an_official_reply_is_edited_with_its_history_kept(personas) -> None:
    """The organization department edits its reply: readers see the new text marked 已修改 with
    the time, not the old one; the old text, who replaced it and when are kept, shown to the
    organization department and written to the audit log; a cadre cannot edit (403), another
    county's department gets a 404, an unchanged or too short text re-renders the form with
    the input kept."""
    from zhongjian.voice.models import OfficialReplyRevision

    write(client_for(personas.cadre), "食堂伙食建议", "希望食堂多做几个素菜，价格也再便宜一些。")
    post = BoardPost.objects.get()
    org = client_for(personas.org)
    org.post(reverse("voice:board_reply", args=[post.pk]), {"body": "已转交机关事务中心研究。"})
    reply = OfficialReply.objects.get()
    url = reverse("voice:board_reply_edit", args=[post.pk, reply.pk])
    assert client_for(personas.cadre).get(url).status_code == 403
    assert client_for(personas.cadre).post(url, {"body": "改掉"}).status_code == 403
    assert client_for(personas.outsider_org).post(url, {"body": "改掉了"}).status_code == 404
    page = org.get(url).content.decode()
    assert "已转交机关事务中心研究。" in page  # the form holds the current text

    refused = org.post(url, {"body": "已转交机关事务中心研究。"})
    assert refused.status_code == 400 and "答复内容没有变化" in refused.content.decode()
    short = org.post(url, {"body": "好"})
    assert short.status_code == 400 and 'role="alert"' in short.content.decode()
    assert ">\n好</textarea>" in short.content.decode()  # the input is kept
    assert not OfficialReplyRevision.objects.exists()

    assert org.post(url, {"body": "下月起食堂每天增加两个素菜。"}).status_code == 302
    reply.refresh_from_db()
    (revision,) = OfficialReplyRevision.objects.all()
    assert reply.body == "下月起食堂每天增加两个素菜。" and reply.edited_at is not None
    assert revision.previous_body == "已转交机关事务中心研究。"
    assert revision.edited_by == personas.org and revision.county_id == post.county_id
    assert revision.previous_at == reply.created_at
    row = AuditLog.objects.get(
        object_type="voice_board_reply", object_id=str(reply.pk), action="update"
    )
    assert row.actor_id == personas.org.pk and f"修改记录 {revision.pk}" in row.summary
    assert "已转交" not in row.summary and "素菜" not in row.summary  # no business content

    detail = reverse("voice:board_detail", args=[post.pk])
    public = client_for(personas.cadre).get(detail).content.decode()
    assert "下月起食堂每天增加两个素菜。" in public and "已修改" in public
    assert "已转交机关事务中心研究。" not in public and "修改记录" not in public
    assert timezone.localtime(reply.edited_at).strftime("%Y-%m-%d %H:%M") in public
    own = org.get(detail).content.decode()
    assert "修改记录（1 次）" in own and "已转交机关事务中心研究。" in own
    assert str(personas.org) in own
    api = client_for(personas.cadre).get(f"{API}/{post.pk}").json()
    assert api["replies"][0]["body"] == "下月起食堂每天增加两个素菜。"
    assert api["replies"][0]["edited_at"] is not None

    # A second edit keeps both earlier texts, newest first; the second dated by the first edit.
    org.post(url, {"body": "下月起食堂每天增加三个素菜。"})
    first, second = OfficialReplyRevision.objects.order_by("id").values_list(
        "previous_body", "previous_at"
    )
    assert second == ("下月起食堂每天增加两个素菜。", reply.edited_at)
    assert first[0] == "已转交机关事务中心研究。"
    assert "修改记录（2 次）" in org.get(detail).content.decode()


def test_a_reply_of_a_removed_post_cannot_be_edited(personas) -> None:
    from zhongjian.voice.services.board import post_remove, reply_update

    write(client_for(personas.cadre), "食堂伙食建议", "希望食堂多做几个素菜，价格也再便宜一些。")
    post = BoardPost.objects.get()
    client_for(personas.org).post(
        reverse("voice:board_reply", args=[post.pk]), {"body": "已转交研究。"}
    )
    reply = OfficialReply.objects.get()
    post_remove(actor=personas.org, post_id=post.pk)
    from zhongjian.core.errors import NotFound

    with pytest.raises(NotFound):
        reply_update(actor=personas.org, reply_id=reply.pk, body="新的答复内容")
    url = reverse("voice:board_reply_edit", args=[post.pk, reply.pk])
    assert client_for(personas.org).get(url).status_code == 404


def test_a_read_is_counted_without_storing_the_reader(personas) -> None:
    """Counting a read writes no row naming the reader (no audit row, no session row): the
    only record of what a browser has read is the browser's own signed cookie of post ids."""
    from django.conf import settings

    post = post_create(
        actor=personas.cadre,
        bucket="t",
        category="pay",
        title="乡镇补贴什么时候发",
        body="听说乡镇工作补贴要调整，什么时候落实？",
    )
    reader = client_for(personas.cadre)
    before = AuditLog.objects.count()
    reader.get(reverse("voice:board_detail", args=[post.pk]))
    assert AuditLog.objects.count() == before
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.signed_cookies"
    cookie = reader.cookies["zj_read"]
    # "post ids:timestamp:signature", nothing about the reader.
    assert cookie.value.split(":")[0] == str(post.pk) and len(cookie.value.split(":")) == 3
    assert cookie["httponly"]
