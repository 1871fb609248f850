"""The voice JSON API (/api/v1/voice/): waves, suppressed reports, comments, trends, the board.

Scoped exactly like the pages, through the same selectors: the same cells are hidden here as
there, and a role that may not open a page gets 403 here too.
"""

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from zhongjian.voice.selectors.board import (
    post_comments,
    post_get,
    post_list,
    post_replies,
    related_posts,
)
from zhongjian.voice.selectors.reports import (
    GroupFilter,
    Row,
    trend,
    wave_comments,
    wave_compare,
    wave_report,
)
from zhongjian.voice.selectors.waves import wave_get, wave_has_ended, wave_list
from zhongjian.voice.views.board import PAGE_SIZE
from zhongjian.voice.views.reports import prefixed

router = Router(tags=["voice"])


class InstrumentRef(Schema):
    code: str
    version: int
    title: str
    validated: bool


class WaveOut(Schema):
    id: int
    title: str
    status: str
    ended: bool
    opened_on: datetime.date | None
    closes_on: datetime.date
    k: int
    free_text_k: int
    has_free_text: bool
    instruments: list[InstrumentRef]


class BandShare(Schema):
    label: str
    percent: float


class MeasureOut(Schema):
    code: str
    mean: float
    bands: list[BandShare]


class RowOut(Schema):
    label: str
    group: dict[str, str]
    status: str
    n: int | None
    invited: int
    response_rate: float | None
    measures: list[MeasureOut]


class ItemOut(Schema):
    text: str
    mean: float
    options: list[BandShare]


class ReportOut(Schema):
    wave: WaveOut
    by: str
    group: dict[str, str]
    total: RowOut
    rows: list[RowOut]
    items: dict[str, list[ItemOut]]
    genders: list[RowOut]


class CommentsOut(Schema):
    group: dict[str, str]
    label: str
    published: bool
    n: int | None
    texts: list[str]
    emotion_shares: dict[str, float] | None


class TrendPointOut(Schema):
    wave_id: int
    title: str
    n: int
    measure: MeasureOut


class RefusedOut(Schema):
    wave_id: int
    title: str
    reason: str


class TrendOut(Schema):
    instrument: str | None
    label: str
    group: dict[str, str]
    points: list[TrendPointOut]
    refused: list[RefusedOut]


class CompareOut(Schema):
    a: RowOut
    b: RowOut


class PostOut(Schema):
    id: int
    category: str
    category_label: str
    title: str
    author: str
    created_at: datetime.datetime
    read_count: int
    comment_count: int
    reply_count: int


class PostPage(Schema):
    count: int
    page: int
    pages: int
    results: list[PostOut]


class TextOut(Schema):
    author: str
    body: str
    created_at: datetime.datetime


class ReplyOut(TextOut):
    edited_at: datetime.datetime | None = None  # set when the reply was edited (已修改)


class PostDetailOut(PostOut):
    body: str
    replies: list[ReplyOut]
    comments: list[TextOut]
    related: list[PostOut]


def _wave_out(wave: Any) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "title": wave.title,
        "status": wave.status,
        "ended": wave_has_ended(wave=wave, today=timezone.localdate()),
        "opened_on": wave.opened_on,
        "closes_on": wave.closes_on,
        "k": wave.k,
        "free_text_k": wave.free_text_k,
        "has_free_text": bool(wave.free_text_prompt),
        "instruments": [
            {
                "code": i.code,
                "version": i.version,
                "title": i.title,
                "validated": i.validated,
            }
            for i in wave.instruments()
        ],
    }


def _measure_out(measure: Any) -> dict[str, Any]:
    return {
        "code": measure.code,
        "mean": measure.mean,
        "bands": [{"label": label, "percent": share} for label, share in measure.bands],
    }


def _row_out(row: Row) -> dict[str, Any]:
    return {
        "label": row.label,
        "group": row.group.params(),
        "status": str(row.status),
        "n": row.n,
        "invited": row.invited,
        "response_rate": row.response_rate,
        "measures": [_measure_out(m) for m in row.measures],
    }


@router.get("/waves", response=list[WaveOut], summary="测评批次")
def api_wave_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_wave_out(wave) for wave in wave_list(user=request.user)]


@router.get("/waves/{wave_id}", response=WaveOut, summary="测评批次详情")
def api_wave_detail(request: HttpRequest, wave_id: int) -> dict[str, Any]:
    return _wave_out(wave_get(user=request.user, pk=wave_id))


@router.get("/waves/{wave_id}/report", response=ReportOut, summary="测评结果（已做匿名抑制）")
def api_wave_report(request: HttpRequest, wave_id: int, by: str = "") -> dict[str, Any]:
    """Query: ``by`` (unit_kind, unit, tier, age_band) and any of those as filters; ``merged``
    names a merged small group. Hidden cells have ``n`` null and no measures."""
    report = wave_report(
        user=request.user,
        wave_id=wave_id,
        by=by,
        group=GroupFilter.parse(request.GET),
        today=timezone.localdate(),
    )
    return {
        "wave": _wave_out(report.wave),
        "by": report.by,
        "group": report.group.params(),
        "total": _row_out(report.total),
        "rows": [_row_out(row) for row in report.rows],
        "items": {
            code: [
                {
                    "text": f.text,
                    "mean": f.mean,
                    "options": [{"label": label, "percent": p} for label, p in f.options],
                }
                for f in figures
            ]
            for code, figures in report.items.items()
        },
        "genders": [_row_out(row) for row in report.genders],
    }


@router.get("/waves/{wave_id}/comments", response=CommentsOut, summary="开放题意见")
def api_wave_comments(request: HttpRequest, wave_id: int) -> dict[str, Any]:
    comments = wave_comments(
        user=request.user,
        wave_id=wave_id,
        group=GroupFilter.parse(request.GET),
        today=timezone.localdate(),
    )
    return {
        "group": comments.group.params(),
        "label": comments.label,
        "published": comments.published,
        "n": comments.n,
        "texts": comments.texts,
        "emotion_shares": {str(e): round(s, 4) for e, s in comments.profile.shares.items()}
        if comments.profile
        else None,
    }


@router.get("/waves/{wave_id}/compare", response=CompareOut, summary="两个群体对比")
def api_wave_compare(request: HttpRequest, wave_id: int) -> dict[str, Any]:
    """Query: the two groups as ``a_unit``, ``a_tier`` … and ``b_unit``, ``b_tier`` …"""
    comparison = wave_compare(
        user=request.user,
        wave_id=wave_id,
        a=GroupFilter.parse(prefixed(request.GET, "a_")),
        b=GroupFilter.parse(prefixed(request.GET, "b_")),
        today=timezone.localdate(),
    )
    return {"a": _row_out(comparison.a), "b": _row_out(comparison.b)}


@router.get("/trends", response=TrendOut, summary="各批次趋势")
def api_trend(request: HttpRequest, instrument: str = "who5") -> dict[str, Any]:
    result = trend(
        user=request.user,
        code=instrument,
        group=GroupFilter.parse(request.GET),
        today=timezone.localdate(),
    )
    return {
        "instrument": result.instrument.code if result.instrument else None,
        "label": result.label,
        "group": result.group.params(),
        "points": [
            {
                "wave_id": p.wave.pk,
                "title": p.wave.title,
                "n": p.n,
                "measure": _measure_out(p.measure),
            }
            for p in result.points
        ],
        "refused": [
            {"wave_id": wave.pk, "title": wave.title, "reason": reason}
            for wave, reason in result.refused
        ],
    }


def _post_out(post: Any) -> dict[str, Any]:
    return {
        "id": post.pk,
        "category": post.category,
        "category_label": post.get_category_display(),
        "title": post.title,
        "author": "佚名",
        "created_at": post.created_at,
        "read_count": post.read_count,
        "comment_count": post.comment_count,
        "reply_count": post.reply_count,
    }


@router.get("/board/posts", response=PostPage, summary="心声帖子")
def api_post_list(
    request: HttpRequest, category: str = "", q: str = "", page: int = 1
) -> dict[str, Any]:
    posts = post_list(user=request.user, category=category, query=q[:50])
    current = Paginator(posts, PAGE_SIZE).get_page(page)
    return {
        "count": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
        "results": [_post_out(post) for post in current],
    }


@router.get("/board/posts/{post_id}", response=PostDetailOut, summary="心声帖子详情")
def api_post_detail(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post = post_get(user=request.user, pk=post_id)
    return {
        **_post_out(post),
        "body": post.body,
        "replies": [
            {
                "author": "组织部",
                "body": r.body,
                "created_at": r.created_at,
                "edited_at": r.edited_at,
            }
            for r in post_replies(post=post)
        ],
        "comments": [
            {"author": "佚名", "body": c.body, "created_at": c.created_at}
            for c in post_comments(post=post)
        ],
        "related": [_post_out(other) for other in related_posts(post=post)],
    }
