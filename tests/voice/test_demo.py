"""The voice demo: waves answered through the services, plausible differences, deterministic."""

import datetime

import pytest
from django.db.models import Avg

from zhongjian.demo.extensions import DEMO_EXTENSIONS
from zhongjian.demo.generator import build_demo
from zhongjian.org.models import County
from zhongjian.voice.choices import ModerationStatus, WaveStatus
from zhongjian.voice.demo import extend
from zhongjian.voice.models import (
    BoardComment,
    BoardPost,
    InstrumentResult,
    OfficialReply,
    Response,
    SpentToken,
    Wave,
    WaveGroup,
    WaveToken,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 26)


def content() -> list[tuple]:
    """What the demo wrote, without the random keys and codes."""
    answers = sorted(
        InstrumentResult.objects.values_list(
            "response__wave__title",
            "response__unit__name",
            "response__tier",
            "response__age_band",
            "response__submitted_on",
            "instrument",
            "score",
        ),
        key=lambda row: tuple(map(str, row)),
    )
    posts = sorted(BoardPost.objects.values_list("title", "status", "comment_count", "reply_count"))
    return [*answers, *posts]


def wipe() -> None:
    for model in (
        InstrumentResult,
        Response,
        WaveToken,
        WaveGroup,
        BoardComment,
        OfficialReply,
        BoardPost,
    ):
        model.objects.all().delete()
    Wave.objects.all()._raw_delete(Wave.objects.db)


def test_the_demo_is_registered_and_deterministic() -> None:
    """The extension is listed for `zhongjian demo`, and one seed writes the same answers and
    board twice."""
    assert "zhongjian.voice.demo.extend" in DEMO_EXTENSIONS
    build_demo(seed=11, cadres=300, today=TODAY, with_users=True)
    county = County.objects.get()
    summary = extend(county=county, seed=11, today=TODAY)
    assert summary.startswith("心声：4 个测评批次")
    first = content()
    wipe()
    extend(county=county, seed=11, today=TODAY)
    assert content() == first


def test_the_demo_tells_a_plausible_story() -> None:
    """Three closed waves and an open one; townships feel worse than county departments; the
    board has replies, comments and a post held for naming someone."""
    build_demo(seed=5, cadres=600, today=TODAY, with_users=True)
    extend(county=County.objects.get(), seed=5, today=TODAY)
    assert list(Wave.objects.order_by("opened_on").values_list("status", flat=True)) == [
        WaveStatus.CLOSED,
        WaveStatus.CLOSED,
        WaveStatus.CLOSED,
        WaveStatus.OPEN,
    ]
    who5 = InstrumentResult.objects.filter(instrument="who5")
    township = who5.filter(response__unit_kind="township").aggregate(m=Avg("score"))["m"]
    department = who5.filter(response__unit_kind="county_department").aggregate(m=Avg("score"))["m"]
    assert township < department - 5
    assert SpentToken.objects.count() == Response.objects.count()
    assert Response.objects.exclude(comment="").exists()
    assert OfficialReply.objects.exists() and BoardComment.objects.exists()
    assert BoardPost.objects.filter(status=ModerationStatus.HELD).count() == 1
