"""The 心声 board pages: list with categories and search, a post, writing, replies, moderation.

After an anonymous post the browser goes back to the list, not to the new post's address, so that
no log line pairs the writer's request with the post's number.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import ValidationError
from zhongjian.core.forms import form_submit
from zhongjian.core.permissions import require_roles
from zhongjian.voice.choices import BoardCategory, ModerationStatus
from zhongjian.voice.forms import CommentForm, PostForm, ReplyForm
from zhongjian.voice.selectors.board import (
    moderation_queue,
    post_comments,
    post_get,
    post_list,
    post_replies,
    related_posts,
    reply_get,
)
from zhongjian.voice.services.board import (
    BOARD_ROLES,
    POSTER_ROLES,
    comment_create,
    comment_remove,
    moderation_decide,
    post_create,
    post_mark_read,
    post_remove,
    reply_create,
    reply_update,
)

PAGE_SIZE = 20
READ_COOKIE = "zj_read"
READ_REMEMBERED = 200


def _bucket(request: HttpRequest) -> str:
    """The rate-limit bucket: the person (hashed in ratelimit.py), never stored with a post, and
    the same after signing in again. Sessions are signed cookies, so nothing here touches a row."""
    return f"user:{request.user.pk}"


@require_roles(*BOARD_ROLES)
def board_list(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("category", "")
    query = request.GET.get("q", "").strip()[:50]
    posts = post_list(user=request.user, category=category, query=query)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "voice/board_list.html",
        {
            "page": page,
            "category": category if category in BoardCategory.values else "",
            "categories": BoardCategory.choices,
            "query": query,
            "can_post": request.user.role in POSTER_ROLES,  # type: ignore[union-attr]
            "can_moderate": request.user.role == Role.ORG_DEPARTMENT,  # type: ignore[union-attr]
        },
    )


@require_roles(*POSTER_ROLES)
def board_new(request: HttpRequest) -> HttpResponse:
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = post_create(actor=request.user, bucket=_bucket(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.message)
        else:
            if post.status == ModerationStatus.HELD:
                messages.warning(
                    request,
                    _("帖子已提交，%(reason)s，需经组织部审核后显示。")
                    % {"reason": post.hold_reason},
                )
            else:
                messages.success(request, _("已匿名发布。"))
            return redirect("voice:board")
    return render(request, "voice/board_form.html", {"form": form})


@require_roles(*BOARD_ROLES)
def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=pk)
    try:
        read = request.get_signed_cookie(READ_COOKIE, default="", salt=READ_COOKIE).split(",")
    except ValueError:
        read = []
    first_read = str(post.pk) not in read
    if first_read:
        post_mark_read(post=post)
        post.read_count += 1
    user = request.user
    response = render(
        request,
        "voice/board_detail.html",
        {
            "post": post,
            "comments": post_comments(post=post),
            "replies": post_replies(
                post=post,
                with_history=user.role == Role.ORG_DEPARTMENT,  # type: ignore[union-attr]
            ),
            "related": related_posts(post=post),
            "comment_form": CommentForm(),
            "reply_form": ReplyForm(),
            "can_post": user.role in POSTER_ROLES,  # type: ignore[union-attr]
            "is_org": user.role == Role.ORG_DEPARTMENT,  # type: ignore[union-attr]
        },
    )
    if first_read:
        # Kept in the reader's browser only, so that a reload is not counted twice.
        remembered = [*[item for item in read if item][-READ_REMEMBERED + 1 :], str(post.pk)]
        response.set_signed_cookie(
            READ_COOKIE,
            ",".join(remembered),
            salt=READ_COOKIE,
            max_age=30 * 24 * 3600,
            httponly=True,
            samesite="Lax",
        )
    return response


@require_roles(*POSTER_ROLES)
@require_POST
def board_comment(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("评论应为 2 到 2000 个字。"))
    comment = comment_create(
        actor=request.user, bucket=_bucket(request), post_id=post.pk, body=form.cleaned_data["body"]
    )
    if comment.status == ModerationStatus.HELD:
        messages.warning(
            request,
            _("评论已提交，%(reason)s，需经组织部审核后显示。") % {"reason": comment.hold_reason},
        )
    else:
        messages.success(request, _("已匿名评论。"))
    return redirect("voice:board_detail", pk=post.pk)


@require_roles(Role.ORG_DEPARTMENT)
@require_POST
def board_reply(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        raise ValidationError(_("答复应为 2 到 5000 个字。"))
    reply_create(actor=request.user, post_id=post.pk, body=form.cleaned_data["body"])
    messages.success(request, _("已发布组织部答复。"))
    return redirect("voice:board_detail", pk=post.pk)


@require_roles(Role.ORG_DEPARTMENT)
def board_reply_edit(request: HttpRequest, pk: int, reply_pk: int) -> HttpResponse:
    """Edits an official reply: the form holds the current text, the earlier texts are listed;
    a refused text re-renders the page with the input kept."""
    post = post_get(user=request.user, pk=pk)
    reply = reply_get(user=request.user, post=post, pk=reply_pk)
    form = ReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST":
        saved = form_submit(
            form,
            lambda data: reply_update(actor=request.user, reply_id=reply.pk, body=data["body"]),
        )
        if saved is not None:
            messages.success(request, _("答复已修改，修改前的内容已保留在修改记录中。"))
            return redirect("voice:board_detail", pk=post.pk)
    return render(
        request,
        "voice/board_reply_edit.html",
        {"post": post, "reply": reply, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_roles(Role.ORG_DEPARTMENT)
@require_POST
def board_remove(request: HttpRequest, pk: int) -> HttpResponse:
    post = post_get(user=request.user, pk=pk)
    post_remove(actor=request.user, post_id=post.pk)
    messages.success(request, _("帖子已撤下。"))
    return redirect("voice:board")


@require_roles(Role.ORG_DEPARTMENT)
def moderation_view(request: HttpRequest) -> HttpResponse:
    posts, comments = moderation_queue(user=request.user)
    decisions = [("approve", _("通过并显示")), ("reject", _("不予显示"))]
    return render(
        request,
        "voice/moderation.html",
        {"posts": posts, "comments": comments, "decisions": decisions},
    )


@require_roles(Role.ORG_DEPARTMENT)
@require_POST
def moderation_decide_view(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    moderation_decide(
        actor=request.user, kind=kind, pk=pk, approve=request.POST.get("decision") == "approve"
    )
    messages.success(request, _("已处理。"))
    return redirect("voice:moderation")


@require_POST
@require_roles(Role.ORG_DEPARTMENT)
def board_comment_remove(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    comment_remove(actor=request.user, comment_id=comment_pk)
    messages.success(request, _("评论已撤下。"))
    return redirect("voice:board_detail", pk=pk)
