"""Vacancy episodes (空缺) derived from appointment history, never typed in."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from zhongjian.org.choices import MID_LEVEL_TIERS
from zhongjian.org.models import Appointment, County, Post
from zhongjian.pipeline.models import Vacancy

ONE_DAY = datetime.timedelta(days=1)
BATCH = 2000


@dataclass(frozen=True, slots=True)
class Episode:
    opened_on: datetime.date
    closed_on: datetime.date | None
    seats: int


def vacancy_episodes(
    *, headcount: int, tenures: Iterable[tuple[datetime.date, datetime.date | None]]
) -> list[Episode]:
    """The spans during which fewer than `headcount` tenures cover a day.

    A tenure `(start, end)` covers its start and end days (`end` None: still held), so a post
    whose holder left on the 10th is vacant from the 11th; an episode closes on the day the
    post is full again. History is known from the first tenure's start: nothing before it is
    called vacant.
    """
    changes: dict[datetime.date, int] = defaultdict(int)
    for start, end in tenures:
        changes[start] += 1
        if end is not None:
            changes[end + ONE_DAY] -= 1
    episodes: list[Episode] = []
    holders = 0
    opened: datetime.date | None = None
    worst = 0
    for day in sorted(changes):
        holders += changes[day]
        shortfall = headcount - holders
        if shortfall > 0:
            if opened is None:
                opened, worst = day, shortfall
            worst = max(worst, shortfall)
        elif opened is not None:
            episodes.append(Episode(opened_on=opened, closed_on=day, seats=worst))
            opened = None
    if opened is not None:
        episodes.append(Episode(opened_on=opened, closed_on=None, seats=worst))
    return episodes


def _reconcile(
    *, post: Post, episodes: list[Episode], existing: list[Vacancy]
) -> tuple[list[Vacancy], list[Vacancy], list[int]]:
    """Rows to create, rows to update and ids to delete so that POST's rows equal EPISODES.

    An existing row is kept (and so keeps the selections that point to it) when it opened on
    the same day as an episode, or else overlaps it.
    """
    unmatched = list(existing)
    create: list[Vacancy] = []
    update: list[Vacancy] = []
    for episode in episodes:
        row = next((r for r in unmatched if r.opened_on == episode.opened_on), None)
        if row is None:
            row = next((r for r in unmatched if _overlaps(r, episode)), None)
        if row is None:
            create.append(
                Vacancy(
                    county_id=post.county_id,
                    unit_id=post.unit_id,
                    post=post,
                    opened_on=episode.opened_on,
                    closed_on=episode.closed_on,
                    seats=episode.seats,
                )
            )
            continue
        unmatched.remove(row)
        if (row.opened_on, row.closed_on, row.seats, row.unit_id) != (
            episode.opened_on,
            episode.closed_on,
            episode.seats,
            post.unit_id,
        ):
            row.opened_on, row.closed_on, row.seats = (
                episode.opened_on,
                episode.closed_on,
                episode.seats,
            )
            row.unit_id = post.unit_id
            update.append(row)
    return create, update, [row.pk for row in unmatched]


def _overlaps(row: Vacancy, episode: Episode) -> bool:
    far = datetime.date.max
    return row.opened_on <= (episode.closed_on or far) and episode.opened_on <= (
        row.closed_on or far
    )


@transaction.atomic
def vacancy_rederive(*, posts: Iterable[Post], today: datetime.date) -> int:
    """Bring the vacancy episodes of POSTS in line with their appointments; returns how many
    episodes are open now.

    Only mid-level posts (中层岗位) have episodes. A mid-level post that has never been held is
    vacant since the day the derivation first saw it so (`today` the first time), as nothing
    earlier is known. Called after every appointment change the pipeline makes, after imports
    and by the demo generator; it reads two queries for the whole batch.
    """
    posts = list({post.pk: post for post in posts}.values())
    mid_level = {post.pk: post for post in posts if post.tier in MID_LEVEL_TIERS}
    tenures: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    for post_id, start, end in Appointment.objects.filter(post_id__in=mid_level).values_list(
        "post_id", "start_date", "end_date"
    ):
        tenures[post_id].append((start, end))
    existing: dict[int, list[Vacancy]] = defaultdict(list)
    for row in Vacancy.objects.filter(post_id__in=[post.pk for post in posts]):
        existing[row.post_id].append(row)
    create: list[Vacancy] = []
    update: list[Vacancy] = []
    delete: list[int] = []
    open_now = 0
    for post in posts:
        if post.pk not in mid_level:
            delete.extend(row.pk for row in existing[post.pk])
            continue
        if tenures[post.pk]:
            episodes = vacancy_episodes(headcount=post.headcount, tenures=tenures[post.pk])
        else:
            since = min((r.opened_on for r in existing[post.pk] if r.is_open), default=today)
            episodes = [Episode(opened_on=since, closed_on=None, seats=post.headcount)]
        open_now += sum(episode.closed_on is None for episode in episodes)
        rows = _reconcile(post=post, episodes=episodes, existing=existing[post.pk])
        create.extend(rows[0])
        update.extend(rows[1])
        delete.extend(rows[2])
    Vacancy.objects.filter(pk__in=delete).delete()
    Vacancy.objects.bulk_update(
        update, ["opened_on", "closed_on", "seats", "unit"], batch_size=BATCH
    )
    Vacancy.objects.bulk_create(create, batch_size=BATCH)
    return open_now


def vacancies_follow_staffing(sender: object, posts: list[Post], **kwargs: object) -> None:
    """Receiver of org.signals.staffing_changed: re-derive the episodes of the posts named."""
    vacancy_rederive(posts=posts, today=timezone.localdate())


def vacancy_rederive_county(*, county: County, today: datetime.date) -> int:
    """Re-derive every mid-level post of COUNTY, in batches; returns the open episodes."""
    posts = Post.objects.filter(county=county, tier__in=MID_LEVEL_TIERS).order_by("pk")
    open_now = 0
    batch: list[Post] = []
    for post in posts.iterator(chunk_size=BATCH):
        batch.append(post)
        if len(batch) == BATCH:
            open_now += vacancy_rederive(posts=batch, today=today)
            batch = []
    if batch:
        open_now += vacancy_rederive(posts=batch, today=today)
    return open_now
