"""Reads of the succession bench (后备): depth per post, posts without a bench, hints."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from zhongjian.core.permissions import scoped
from zhongjian.org.choices import MID_LEVEL_TIERS
from zhongjian.org.models import AnnualReview, Appointment, Post, RankGrant
from zhongjian.org.selectors import post_list
from zhongjian.pipeline.choices import BenchReadiness
from zhongjian.pipeline.models import BenchEntry
from zhongjian.pipeline.rules import Hint, eligibility_hints, eligibility_thresholds, rank_steps


@dataclass(frozen=True)
class BenchLine:
    entry: BenchEntry
    hints: list[Hint]


@dataclass(frozen=True)
class PostBench:
    post: Post
    ready_now: list[BenchLine]
    ready_soon: list[BenchLine]

    @property
    def depth(self) -> int:
        """Bench depth (后备深度): candidates ready now."""
        return len(self.ready_now)


def _on_bench(readiness: str | None = None) -> QuerySet[BenchEntry]:
    """The active bench entries of the outer post (of one readiness, or of any)."""
    entries = BenchEntry.objects.filter(
        county_id=OuterRef("county_id"), post_id=OuterRef("pk"), removed_on__isnull=True
    )
    return entries.filter(readiness=readiness) if readiness else entries


def _bench_count(readiness: str) -> Coalesce:
    counted = _on_bench(readiness).order_by().values("post_id").annotate(n=Count("id"))
    return Coalesce(Subquery(counted.values("n")), 0)


def bench_posts(
    *, user: Any, tier: str = "", unit_kind: str = "", empty_only: bool = False
) -> QuerySet[Post]:
    """Active mid-level posts the user may see, each with `ready_now` and `ready_soon` counts.

    The counts are correlated subqueries rather than a join and GROUP BY: counting the posts of
    a page then needs neither (Django leaves unused annotations out of a count), and the page
    computes them for its own rows only."""
    posts = (
        post_list(user=user)
        .filter(tier__in=MID_LEVEL_TIERS)
        .annotate(
            ready_now=_bench_count(BenchReadiness.READY_NOW),
            ready_soon=_bench_count(BenchReadiness.READY_SOON),
        )
    )
    if tier:
        posts = posts.filter(tier=tier)
    if unit_kind:
        posts = posts.filter(unit__kind=unit_kind)
    if empty_only:
        posts = posts.filter(ready_now=0, ready_soon=0)
    return posts.order_by("unit__kind", "unit__code", "tier", "title")


def bench_summary(*, user: Any) -> dict[str, int]:
    """Mid-level posts, posts with nobody on the bench, and candidates by readiness."""
    posts = scoped(Post.objects.filter(is_active=True, tier__in=MID_LEVEL_TIERS), user)
    counts = posts.aggregate(
        total=Count("id"),
        empty=Count(
            "id",
            filter=~Q(Exists(_on_bench().filter(readiness__in=BenchReadiness.values))),
        ),
    )
    entries = scoped(BenchEntry.objects.filter(removed_on__isnull=True), user)
    by_readiness = dict(entries.values_list("readiness").annotate(n=Count("id")).order_by())
    return {
        "posts": counts["total"],
        "empty": counts["empty"],
        "ready_now": by_readiness.get(BenchReadiness.READY_NOW, 0),
        "ready_soon": by_readiness.get(BenchReadiness.READY_SOON, 0),
    }


def bench_for_posts(*, posts: list[Post], today: datetime.date) -> list[PostBench]:
    """The bench of each of POSTS with the eligibility hints beside every candidate."""
    entries = list(
        BenchEntry.objects.filter(post__in=posts, removed_on__isnull=True)
        .select_related("cadre__unit")
        .order_by("added_on", "id")
    )
    by_pk = {post.pk: post for post in posts}
    cadre_ids = {entry.cadre_id for entry in entries}
    current_rank = {entry.cadre_id: entry.cadre.rank for entry in entries}
    # The grant of the rank a cadre holds now says since when they hold it.
    rank_since = {
        cadre_id: day
        for cadre_id, rank, day in RankGrant.objects.filter(cadre_id__in=cadre_ids).values_list(
            "cadre_id", "rank", "granted_on"
        )
        if current_rank[cadre_id] == rank
    }
    ratings: dict[int, dict[int, str]] = defaultdict(dict)
    for cadre_id, year, rating in AnnualReview.objects.filter(cadre_id__in=cadre_ids).values_list(
        "cadre_id", "year", "rating"
    ):
        ratings[cadre_id][year] = rating
    leaders = set(
        Appointment.objects.filter(
            cadre_id__in=cadre_ids,
            end_date__isnull=True,
            post__is_leadership=True,
            post__tier__in=MID_LEVEL_TIERS,
        ).values_list("cadre_id", flat=True)
    )
    # The posts come from one county's scope; its rules apply.
    county_id = posts[0].county_id if posts else None
    thresholds = eligibility_thresholds(on=today, county_id=county_id)
    steps = rank_steps(on=today, county_id=county_id)
    lines: dict[int, dict[str, list[BenchLine]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        hints = eligibility_hints(
            cadre=entry.cadre,
            post=by_pk[entry.post_id],
            on=today,
            thresholds=thresholds,
            steps=steps,
            rank_since=rank_since.get(entry.cadre_id),
            holds_section_leadership=entry.cadre_id in leaders,
            ratings=ratings.get(entry.cadre_id),
        )
        lines[entry.post_id][entry.readiness].append(BenchLine(entry=entry, hints=hints))
    return [
        PostBench(
            post=post,
            ready_now=lines[post.pk][BenchReadiness.READY_NOW],
            ready_soon=lines[post.pk][BenchReadiness.READY_SOON],
        )
        for post in posts
    ]
