"""Reads of the 心声 board in the user's county: lists, search, a post, related posts, the queue."""

import functools
import operator
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from zhongjian.accounts.roles import Role
from zhongjian.voice.choices import BoardCategory, ModerationStatus
from zhongjian.voice.models import BoardComment, BoardPost, OfficialReply, OfficialReplyRevision
from zhongjian.voice.search import keyword_list, query_terms, relevance, similarity
from zhongjian.voice.services.board import BOARD_ROLES

SEARCH_CANDIDATES = 500
RELATED = 5
RELATED_CANDIDATES = 300


def _county(user: Any) -> int:
    if user.role not in BOARD_ROLES or user.county_id is None:
        raise PermissionDenied
    return user.county_id


def post_list(
    *, user: Any, category: str = "", query: str = ""
) -> QuerySet[BoardPost] | list[BoardPost]:
    """Published posts of the user's county, newest first, or by relevance for a search.

    A search returns a list of at most SEARCH_CANDIDATES posts holding every term.
    """
    posts = BoardPost.objects.filter(county_id=_county(user), status=ModerationStatus.PUBLISHED)
    if category in BoardCategory.values:
        posts = posts.filter(category=category)
    terms = query_terms(query) if query.strip() else []
    if not terms:
        return posts.defer("body", "search_text", "keywords")
    for term in terms:
        posts = posts.filter(search_text__contains=term)
    found = list(posts.defer("body", "keywords")[:SEARCH_CANDIDATES])
    found.sort(
        key=lambda post: (
            -relevance(terms=terms, title=post.title, search_text=post.search_text),
            -post.created_at.timestamp(),
        )
    )
    return found


def post_get(*, user: Any, pk: object) -> BoardPost:
    """A published post of the user's county; anything else is a 404."""
    try:
        return BoardPost.objects.get(
            pk=pk, county_id=_county(user), status=ModerationStatus.PUBLISHED
        )
    except (BoardPost.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def post_comments(*, post: BoardPost) -> QuerySet[BoardComment]:
    return post.comments.filter(status=ModerationStatus.PUBLISHED)


def post_replies(*, post: BoardPost, with_history: bool = False) -> QuerySet[OfficialReply]:
    """The official replies of a post; ``with_history`` (the organization department only) adds
    each reply's earlier texts, newest first, with who replaced them."""
    replies = post.replies.all()
    if with_history:
        replies = replies.prefetch_related(
            Prefetch(
                "revisions",
                queryset=OfficialReplyRevision.objects.select_related("edited_by"),
            )
        )
    return replies


def reply_get(*, user: Any, post: BoardPost, pk: object) -> OfficialReply:
    """An official reply of ``post`` for the organization department to edit; else a 404."""
    if user.role != Role.ORG_DEPARTMENT:
        raise PermissionDenied
    try:
        return post.replies.prefetch_related(
            Prefetch(
                "revisions",
                queryset=OfficialReplyRevision.objects.select_related("edited_by"),
            )
        ).get(pk=pk)
    except (OfficialReply.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def related_posts(*, post: BoardPost) -> list[BoardPost]:
    """Up to RELATED published posts sharing the most (rank-weighted) keywords with ``post``;
    the same category breaks ties."""
    keywords = keyword_list(post.keywords)
    if not keywords:
        return []
    candidates = (
        BoardPost.objects.filter(county_id=post.county_id, status=ModerationStatus.PUBLISHED)
        .exclude(pk=post.pk)
        .filter(functools.reduce(operator.or_, (Q(keywords__contains=f" {w} ") for w in keywords)))
        .defer("body", "search_text")[:RELATED_CANDIDATES]
    )
    scored = [
        (similarity(keywords_a=keywords, keywords_b=keyword_list(other.keywords)), other)
        for other in candidates
    ]
    scored.sort(
        key=lambda pair: (
            -pair[0],
            pair[1].category != post.category,
            -pair[1].created_at.timestamp(),
        )
    )
    return [other for score, other in scored[:RELATED] if score > 0]


def moderation_queue(*, user: Any) -> tuple[QuerySet[BoardPost], QuerySet[BoardComment]]:
    """Held posts and comments of the organization department's county, oldest first."""
    county = _county(user)
    if user.role != Role.ORG_DEPARTMENT:
        raise PermissionDenied
    return (
        BoardPost.objects.filter(county_id=county, status=ModerationStatus.HELD).order_by(
            "created_at", "id"
        ),
        BoardComment.objects.filter(county_id=county, status=ModerationStatus.HELD)
        .select_related("post")
        .order_by("created_at", "id"),
    )
