"""Vacancy episodes derived from appointments, and their re-derivation."""

import datetime
import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from tests import factories
from tests.conftest import Personas
from tests.pipeline.conftest import TODAY, Selection
from zhongjian.org.models import Post
from zhongjian.pipeline.models import Vacancy
from zhongjian.pipeline.selectors.vacancies import vacancy_list
from zhongjian.pipeline.services.vacancies import Episode, vacancy_episodes, vacancy_rederive

D = datetime.date


def test_gap_between_holders_is_an_episode() -> None:
    """Left on 6/30, successor from 9/1: vacant from 7/1, filled on 9/1."""
    episodes = vacancy_episodes(
        headcount=1, tenures=[(D(2020, 1, 1), D(2024, 6, 30)), (D(2024, 9, 1), None)]
    )
    assert episodes == [Episode(opened_on=D(2024, 7, 1), closed_on=D(2024, 9, 1), seats=1)]


def test_handover_on_consecutive_days_is_no_vacancy() -> None:
    """A successor starting the day after the predecessor left leaves no gap."""
    assert (
        vacancy_episodes(
            headcount=1, tenures=[(D(2020, 1, 1), D(2024, 6, 30)), (D(2024, 7, 1), None)]
        )
        == []
    )


def test_multi_seat_post_counts_the_worst_shortfall() -> None:
    """Three deputies, two leave at different times: one episode with two seats at worst."""
    tenures = [
        (D(2020, 1, 1), None),
        (D(2020, 1, 1), D(2023, 3, 31)),
        (D(2020, 1, 1), D(2023, 5, 31)),
        (D(2023, 8, 1), None),
    ]
    assert vacancy_episodes(headcount=3, tenures=tenures) == [
        Episode(opened_on=D(2023, 4, 1), closed_on=None, seats=2)
    ]


TENURES = st.lists(
    st.tuples(
        st.dates(min_value=D(2010, 1, 1), max_value=D(2024, 12, 31)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    ).map(lambda t: (t[0], None if t[1] is None else t[0] + datetime.timedelta(days=t[1]))),
    max_size=8,
)


def holders_on(
    day: datetime.date, tenures: list[tuple[datetime.date, datetime.date | None]]
) -> int:
    return sum(start <= day and (end is None or day <= end) for start, end in tenures)


@settings(max_examples=80)
@given(headcount=st.integers(min_value=1, max_value=3), tenures=TENURES)
def test_episodes_cover_exactly_the_short_days(
    headcount: int, tenures: list[tuple[datetime.date, datetime.date | None]]
) -> None:
    """Episodes are ordered, disjoint, and a day after the first start is inside one exactly
    when fewer than headcount tenures cover it."""
    episodes = vacancy_episodes(headcount=headcount, tenures=tenures)
    for first, second in itertools.pairwise(episodes):
        assert first.closed_on is not None and first.closed_on <= second.opened_on
    if not tenures:
        assert episodes == []
        return
    first_day = min(start for start, _ in tenures)
    probe = sorted(
        {first_day}
        | {start for start, _ in tenures}
        | {end + datetime.timedelta(days=1) for _, end in tenures if end}
    )
    for day in probe:
        inside = any(
            e.opened_on <= day and (e.closed_on is None or day < e.closed_on) for e in episodes
        )
        assert inside == (holders_on(day, tenures) < headcount)


def test_rederive_keeps_the_episode_a_selection_points_to(running: Selection) -> None:
    """Re-deriving after a correction updates the episode in place; the selection keeps it."""
    vacancy = running.process.vacancy
    assert vacancy is not None
    former = running.post.appointments.get()
    former.end_date = D(2024, 6, 15)
    former.save()
    vacancy_rederive(posts=[running.post], today=TODAY)
    vacancy.refresh_from_db()
    assert vacancy.opened_on == D(2024, 6, 16)
    running.process.refresh_from_db()
    assert running.process.vacancy_id == vacancy.pk
    assert Vacancy.objects.filter(post=running.post).count() == 1


def test_never_held_post_is_vacant_since_first_seen(personas: Personas) -> None:
    """A post with no appointment history is vacant since the first derivation, and stays so."""
    post = factories.post(unit=personas.unit_a, tier="fuke", title="副镇长")
    vacancy_rederive(posts=[post], today=D(2024, 3, 1))
    vacancy_rederive(posts=[post], today=D(2024, 9, 1))
    assert list(Vacancy.objects.filter(post=post).values_list("opened_on", "closed_on")) == [
        (D(2024, 3, 1), None)
    ]


def test_general_posts_have_no_episodes(personas: Personas) -> None:
    """Only mid-level posts (中层岗位) are tracked."""
    general: Post = factories.post(unit=personas.unit_a, tier="general", title="科员", headcount=20)
    vacancy_rederive(posts=[general], today=TODAY)
    assert not Vacancy.objects.filter(post=general).exists()


def test_board_is_scoped_and_filtered(personas: Personas, vacant_post: Post) -> None:
    """The organization department sees every open episode; a unit head only their unit's;
    the six-month filter keeps the long ones."""
    township_post = factories.post(unit=personas.unit_a, tier="fuke", title="副镇长")
    vacancy_rederive(posts=[township_post], today=D(2024, 11, 1))
    org_rows = vacancy_list(user=personas.org, today=TODAY)
    assert {v.post_id for v in org_rows} == {vacant_post.pk, township_post.pk}
    assert [v.post_id for v in vacancy_list(user=personas.head_a, today=TODAY)] == [
        township_post.pk
    ]
    assert [v.post_id for v in vacancy_list(user=personas.head_b, today=TODAY)] == [vacant_post.pk]
    long_ones = vacancy_list(user=personas.org, today=D(2025, 1, 2), over_six_months=True)
    assert [v.post_id for v in long_ones] == [vacant_post.pk]
    assert [
        v.post_id for v in vacancy_list(user=personas.org, today=TODAY, unit_kind="township")
    ] == [township_post.pk]
    assert not vacancy_list(user=personas.outsider_org, today=TODAY).exists()
    assert not vacancy_list(user=personas.counselor, today=TODAY).exists()


def test_command_rederives_after_an_import(personas: Personas, vacant_post: Post) -> None:
    """Rows changed behind the services' back (an import) are picked up by the command."""
    Vacancy.objects.all().delete()
    output = StringIO()
    call_command("vacancies_rederive", "--county", personas.county.code, stdout=output)
    assert "当前空缺 1 个岗位" in output.getvalue()
    assert Vacancy.objects.get(post=vacant_post).opened_on == D(2024, 7, 1)
    with pytest.raises(CommandError, match="没有行政区划代码"):
        call_command("vacancies_rederive", "--county", "000000")
