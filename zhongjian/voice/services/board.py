"""The 心声 board: anonymous posts and comments, official replies, moderation, read counts.

An anonymous post or comment keeps no trace of its author: no user, no IP address, no audit row
(an audit row names its actor and address), a time rounded down to the hour, and a rate limit
counted per person and day in the cache only (a keyed hash, so that signing in again does
not reset it, and no table holds it). Official replies and moderation decisions are the
organization department's acts and are audited like any other.
"""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.audit import audit_record
from zhongjian.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from zhongjian.core.models import AuditAction
from zhongjian.core.ratelimit import TooManyRequests, rate_hit
from zhongjian.voice.choices import BoardCategory, ModerationStatus
from zhongjian.voice.models import BoardComment, BoardPost, OfficialReply, OfficialReplyRevision
from zhongjian.voice.moderation import screen_text
from zhongjian.voice.search import keywords_for, search_text_for
from zhongjian.voice.services.answering import registry_name_matcher
from zhongjian.voice.services.common import full_clean

# Who may read the board, who may write on it anonymously, and who answers for the county.
BOARD_ROLES = (Role.CADRE, Role.UNIT_HEAD, Role.COUNSELOR, Role.ORG_DEPARTMENT)
POSTER_ROLES = (Role.CADRE, Role.UNIT_HEAD, Role.COUNSELOR)
POST_LIMIT = 5  # posts per person and day
COMMENT_LIMIT = 20  # comments per person and day
# A day, not an hour: the counter (a keyed hash of the user, in the cache only) then says no
# more than "wrote today", while a post's time is kept to the hour.
DAY = 24 * 3600


def _hour(at: datetime.datetime | None) -> datetime.datetime:
    return timezone.localtime(at or timezone.now()).replace(minute=0, second=0, microsecond=0)


def _require(actor: Any, roles: tuple[str, ...]) -> None:
    if actor.role not in roles or actor.county_id is None:
        raise PermissionDenied(_("您的角色无权执行此操作。"))


def _check_length(text: str, *, label: str, low: int, high: int) -> str:
    text = text.strip()
    if not low <= len(text) <= high:
        raise ValidationError(
            _("%(label)s应为 %(low)d 到 %(high)d 个字。")
            % {"label": label, "low": low, "high": high}
        )
    return text


def _rate(*, scope: str, bucket: str, limit: int) -> None:
    if not rate_hit(scope=scope, bucket=bucket, limit=limit, window_seconds=DAY):
        raise TooManyRequests(_("今天的发言次数已达上限，请明天再试。"))


@transaction.atomic
def post_create(
    *,
    actor: Any,
    bucket: str,
    category: str,
    title: str,
    body: str,
    at: datetime.datetime | None = None,
) -> BoardPost:
    """An anonymous post in the actor's county: published at once, or held for review when it
    named someone, held a phone or ID number (masked either way) or read as a personal attack.

    ``bucket`` is what the rate limit counts by (the person), never stored with the post.
    """
    _require(actor, POSTER_ROLES)
    if category not in BoardCategory.values:
        raise ValidationError(_("请选择分类。"))
    title = _check_length(title, label=_("标题"), low=4, high=80)
    body = _check_length(body, label=_("正文"), low=10, high=5000)
    _rate(scope="board-post", bucket=bucket, limit=POST_LIMIT)
    names = registry_name_matcher(county_id=actor.county_id)
    screened_title = screen_text(title, names=names)
    screened_body = screen_text(body, names=names)
    reasons = list(dict.fromkeys(screened_title.reasons + screened_body.reasons))
    when = _hour(at)
    post = BoardPost(
        county_id=actor.county_id,
        category=category,
        title=screened_title.text,
        body=screened_body.text,
        status=ModerationStatus.HELD if reasons else ModerationStatus.PUBLISHED,
        hold_reason="；".join(reasons),
        created_at=when,
        last_activity_at=when,
        search_text=search_text_for(title=screened_title.text, body=screened_body.text),
        keywords=keywords_for(title=screened_title.text, body=screened_body.text),
    )
    full_clean(post)
    post.save()
    return post


def _published_post(actor: Any, post_id: int) -> BoardPost:
    post = (
        BoardPost.objects.select_for_update()
        .filter(pk=post_id, county_id=actor.county_id, status=ModerationStatus.PUBLISHED)
        .first()
    )
    if post is None:
        raise NotFound(_("帖子不存在或已被撤下。"))
    return post


@transaction.atomic
def comment_create(
    *,
    actor: Any,
    bucket: str,
    post_id: int,
    body: str,
    at: datetime.datetime | None = None,
) -> BoardComment:
    """An anonymous comment on a published post, screened like a post."""
    _require(actor, POSTER_ROLES)
    body = _check_length(body, label=_("评论"), low=2, high=2000)
    post = _published_post(actor, post_id)
    _rate(scope="board-comment", bucket=bucket, limit=COMMENT_LIMIT)
    screened = screen_text(body, names=registry_name_matcher(county_id=actor.county_id))
    comment = BoardComment(
        county_id=actor.county_id,
        post=post,
        body=screened.text,
        status=ModerationStatus.HELD if screened.reasons else ModerationStatus.PUBLISHED,
        hold_reason="；".join(screened.reasons),
        created_at=_hour(at),
    )
    full_clean(comment)
    comment.save()
    if comment.status == ModerationStatus.PUBLISHED:
        _count_comment(post, comment.created_at)
    return comment


def _count_comment(post: BoardPost, at: datetime.datetime) -> None:
    BoardPost.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1,
        last_activity_at=Greatest(F("last_activity_at"), at),
    )


@transaction.atomic
def reply_create(
    *, actor: Any, post_id: int, body: str, at: datetime.datetime | None = None
) -> OfficialReply:
    """The organization department's signed reply to a published post of its county."""
    _require(actor, (Role.ORG_DEPARTMENT,))
    body = _check_length(body, label=_("答复"), low=2, high=5000)
    post = _published_post(actor, post_id)
    when = timezone.localtime(at or timezone.now())
    reply = OfficialReply(
        county_id=actor.county_id, post=post, author=actor, body=body, created_at=when
    )
    full_clean(reply)
    reply.save()
    BoardPost.objects.filter(pk=post.pk).update(
        reply_count=F("reply_count") + 1,
        last_activity_at=Greatest(F("last_activity_at"), _hour(when)),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="voice_board_reply",
        object_id=reply.pk,
        summary=_("答复心声帖子 %(post)s") % {"post": post.pk},
    )
    return reply


@transaction.atomic
def reply_update(
    *, actor: Any, reply_id: int, body: str, at: datetime.datetime | None = None
) -> OfficialReply:
    """Replaces the text of an official reply on a published post of the actor's county.

    The replaced text is kept (OfficialReplyRevision: the text, when it was written, who
    replaced it and when) and the edit is audited naming the post and the revision, not the
    text; readers see the current text marked 已修改 with the time of the edit.
    """
    _require(actor, (Role.ORG_DEPARTMENT,))
    body = _check_length(body, label=_("答复"), low=2, high=5000)
    reply = (
        OfficialReply.objects.select_for_update()
        .filter(pk=reply_id, county_id=actor.county_id, post__status=ModerationStatus.PUBLISHED)
        .first()
    )
    if reply is None:
        raise NotFound(_("答复不存在，或所在的帖子已被撤下。"))
    if body == reply.body:
        raise ValidationError(_("答复内容没有变化。"), field="body")
    when = timezone.localtime(at or timezone.now())
    revision = OfficialReplyRevision(
        county_id=reply.county_id,
        reply=reply,
        previous_body=reply.body,
        previous_at=reply.edited_at or reply.created_at,
        edited_by=actor,
        edited_at=when,
    )
    full_clean(revision)
    revision.save()
    reply.body = body
    reply.edited_at = when
    full_clean(reply)
    reply.save(update_fields=["body", "edited_at"])
    # The auditor sees that a reply changed and where its old text is kept, not the text: an
    # audit summary names no business content.
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="voice_board_reply",
        object_id=reply.pk,
        summary=_("修改答复（帖子 %(post)s），原文存于修改记录 %(revision)s")
        % {"post": reply.post_id, "revision": revision.pk},
    )
    return reply


@transaction.atomic
def moderation_decide(*, actor: Any, kind: str, pk: int, approve: bool) -> None:
    """Publishes or rejects a held post or comment of the actor's county."""
    _require(actor, (Role.ORG_DEPARTMENT,))
    model = {"post": BoardPost, "comment": BoardComment}.get(kind)
    if model is None:
        raise NotFound(_("对象不存在。"))
    item = model.objects.select_for_update().filter(pk=pk, county_id=actor.county_id).first()
    if item is None:
        raise NotFound(_("对象不存在。"))
    if item.status != ModerationStatus.HELD:
        raise Conflict(_("该内容已经审核过了。"))
    item.status = ModerationStatus.PUBLISHED if approve else ModerationStatus.REJECTED
    item.save(update_fields=["status"])
    if approve and isinstance(item, BoardComment):
        _count_comment(item.post, item.created_at)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=f"voice_board_{kind}",
        object_id=item.pk,
        summary=_("审核通过") if approve else _("审核未通过"),
    )


@transaction.atomic
def post_remove(*, actor: Any, post_id: int) -> None:
    """Takes a published post off the board (it stays stored, marked removed)."""
    _require(actor, (Role.ORG_DEPARTMENT,))
    post = _published_post(actor, post_id)
    post.status = ModerationStatus.REMOVED
    post.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="voice_board_post",
        object_id=post.pk,
        summary=_("撤下帖子"),
    )


@transaction.atomic
def comment_remove(*, actor: Any, comment_id: int) -> None:
    """Takes a published comment off its post (it stays stored, marked removed), audited."""
    _require(actor, (Role.ORG_DEPARTMENT,))
    comment = (
        BoardComment.objects.select_for_update()
        .filter(pk=comment_id, county_id=actor.county_id, status=ModerationStatus.PUBLISHED)
        .first()
    )
    if comment is None:
        raise NotFound(_("评论不存在或已被撤下。"))
    comment.status = ModerationStatus.REMOVED
    comment.save(update_fields=["status"])
    BoardPost.objects.filter(pk=comment.post_id).update(
        comment_count=Greatest(F("comment_count") - 1, 0)
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="voice_board_comment",
        object_id=comment.pk,
        summary=_("撤下评论"),
    )


def post_mark_read(*, post: BoardPost) -> None:
    BoardPost.objects.filter(pk=post.pk).update(read_count=F("read_count") + 1)
