"""Vacant seats computed once, covered posts, refusals that keep the input, the help page."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Personas, client_for
from zhongjian.core.models import AuditLog
from zhongjian.org.choices import Tier
from zhongjian.pipeline.models import SelectionProcess
from zhongjian.pipeline.services.vacancies import vacancy_rederive

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2025, 3, 1)


@pytest.fixture
def two_seat_post(personas: Personas):  # type: ignore[no-untyped-def]
    """A 副科 post with 职数 2 and one holder: one vacant seat (the board once said 2)."""
    post = factories.post(unit=personas.unit_b, tier=Tier.FUKE, title="副主任", headcount=2)
    holder = factories.cadre(unit=personas.unit_b)
    factories.appoint(cadre=holder, post=post, start=datetime.date(2020, 1, 1))
    vacancy_rederive(posts=[post], today=TODAY)
    return post


def test_vacant_seats_are_headcount_minus_holders(personas: Personas, two_seat_post) -> None:  # type: ignore[no-untyped-def]
    """The board, the start page and the export all say 1 vacant seat for 职数 2, 1 holder."""
    client = client_for(personas.org)
    board = client.get(reverse("pipeline:vacancies"), {"q": "副主任"})
    row = next(v for v in board.context["rows"] if v.post_id == two_seat_post.pk)
    assert (row.holder_count, row.vacant_seats) == (1, 1)
    start = client.get(reverse("pipeline:process_start", args=[two_seat_post.pk]))
    assert start.context["post"].vacant_seats == 1 and not start.context["covered"]


def test_a_covered_post_asks_for_a_reason_and_records_it(personas: Personas, two_seat_post) -> None:  # type: ignore[no-untyped-def]
    """Once the one vacant seat has a selection, the board says so; another start needs a reason,
    refused without one (input kept), and recorded with one."""
    client = client_for(personas.org)
    url = reverse("pipeline:process_start", args=[two_seat_post.pk])
    first = client.post(url, {"started_on": "2025-02-01", "reason": "原副局长退休"})
    assert first.status_code == 302
    board = client.get(reverse("pipeline:vacancies"), {"selection": "covered"})
    assert [v.post_id for v in board.context["rows"]] == [two_seat_post.pk]
    assert "空缺已全部在选任" in board.content.decode()
    refused = client.post(url, {"started_on": "2025-02-02", "reason": "再选一名"})
    assert refused.status_code == 400
    assert "另行启动的理由" in refused.content.decode()
    assert refused.context["form"]["reason"].value() == "再选一名"
    assert SelectionProcess.objects.filter(post=two_seat_post).count() == 1
    done = client.post(
        url, {"started_on": "2025-02-02", "reason": "再选一名", "override_reason": "拟调整分工"}
    )
    assert done.status_code == 302
    second = SelectionProcess.objects.filter(post=two_seat_post).latest("id")
    assert "拟调整分工" in second.stage_changes.get().note
    assert AuditLog.objects.filter(summary__contains="拟调整分工").exists()


def test_an_empty_motion_reason_is_refused_beside_the_field(
    personas: Personas, two_seat_post
) -> None:  # type: ignore[no-untyped-def]
    """动议理由 left empty: the same page, the date kept, the error beside the field."""
    url = reverse("pipeline:process_start", args=[two_seat_post.pk])
    response = client_for(personas.org).post(url, {"started_on": "2025-02-01", "reason": " "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    assert 'value="2025-02-01"' in response.content.decode()


def test_only_the_org_department_starts_a_selection(personas: Personas, two_seat_post) -> None:  # type: ignore[no-untyped-def]
    """A unit head gets 403; another county's organization department 404."""
    url = reverse("pipeline:process_start", args=[two_seat_post.pk])
    assert client_for(personas.head_b).get(url).status_code == 403
    assert client_for(personas.outsider_org).get(url).status_code == 404


def test_return_date_is_not_prefilled(personas: Personas) -> None:
    """登记返回 has no default date: the clerk chooses it."""
    from zhongjian.pipeline.forms import ReturnForm

    assert ReturnForm()["returned_on"].value() is None


def test_indicator_help_is_in_the_app(personas: Personas) -> None:
    """The indicators page links to the in-app definitions, not to a file in docs/."""
    client = client_for(personas.org)
    index = client.get(reverse("pipeline:index")).content.decode()
    assert reverse("pipeline:help") in index and "docs/pipeline.md" not in index
    assert "空缺职数" in client.get(reverse("pipeline:help")).content.decode()
    assert client_for(personas.cadre).get(reverse("pipeline:help")).status_code == 403


def test_posts_of_a_unit_go_from_zhengke_down(personas: Personas) -> None:
    """The unit page lists 正科, 副科, 股级, 一般 in that order."""
    for tier in (Tier.FUKE, Tier.GENERAL, Tier.GUJI, Tier.ZHENGKE):
        factories.post(unit=personas.unit_b, tier=tier, title=f"岗{tier}")
    response = client_for(personas.org).get(reverse("org:unit_detail", args=[personas.unit_b.pk]))
    tiers = [post.tier for post in response.context["posts"]]
    assert tiers == sorted(tiers, key=[Tier.ZHENGKE, Tier.FUKE, Tier.GUJI, Tier.GENERAL].index)


def _api(user, method: str, path: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    import json

    return getattr(client_for(user), method)(
        "/api/v1/pipeline" + path,
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
    )


def test_the_api_reports_todays_vacant_seats_not_the_episodes_largest(personas: Personas) -> None:
    """职数 2: both holders left, then one seat was filled again: the episode's stored (largest)
    shortfall stays 2, the API's `seats` is 1, as on the board and the post page."""
    from zhongjian.pipeline.models import Vacancy

    post = factories.post(unit=personas.unit_b, tier=Tier.FUKE, title="二级调研员岗", headcount=2)
    for _ in range(2):
        factories.appoint(
            cadre=factories.cadre(unit=personas.unit_b),
            post=post,
            start=datetime.date(2020, 1, 1),
            end_date=datetime.date(2023, 12, 31),
        )
    holder = factories.cadre(unit=personas.unit_b)
    factories.appoint(cadre=holder, post=post, start=datetime.date(2024, 6, 1))
    vacancy_rederive(posts=[post], today=TODAY)
    episode = Vacancy.objects.get(post=post, closed_on__isnull=True)
    assert episode.seats == 2
    items = _api(personas.org, "get", "/vacancies").json()["items"]
    (row,) = [item for item in items if item["post_id"] == post.pk]
    assert row["seats"] == 1
    board = client_for(personas.org).get(reverse("pipeline:vacancies"), {"q": "二级调研员岗"})
    assert next(v for v in board.context["rows"] if v.post_id == post.pk).vacant_seats == 1


def test_the_api_asks_for_a_reason_to_start_a_covered_post(
    personas: Personas, two_seat_post
) -> None:  # type: ignore[no-untyped-def]
    """The one vacant seat has a selection: another start through the API without
    `override_reason` is a JSON 400 in Chinese naming the field; with one it is recorded in
    the timeline and the audit log."""
    body = {"post_id": two_seat_post.pk, "started_on": "2025-02-01", "reason": "原副局长退休"}
    assert _api(personas.org, "post", "/processes", body).status_code == 201
    second = {**body, "started_on": "2025-02-02", "reason": "再选一名"}
    refused = _api(personas.org, "post", "/processes", second)
    assert refused.status_code == 400
    assert "另行启动须说明理由" in refused.json()["detail"]
    assert SelectionProcess.objects.filter(post=two_seat_post).count() == 1
    blank = _api(personas.org, "post", "/processes", {**second, "override_reason": "  "})
    assert blank.status_code == 400
    done = _api(personas.org, "post", "/processes", {**second, "override_reason": "拟调整分工"})
    assert done.status_code == 201, done.content.decode()
    process = SelectionProcess.objects.get(pk=done.json()["id"])
    assert "拟调整分工" in process.stage_changes.get().note
    assert AuditLog.objects.filter(summary__contains="拟调整分工").exists()
    # Not covered: no reason asked for.
    free = factories.post(unit=personas.unit_b, tier=Tier.FUKE, title="综合股副股长岗", headcount=1)
    vacancy_rederive(posts=[free], today=TODAY)
    open_seat = {**body, "post_id": free.pk}
    assert _api(personas.org, "post", "/processes", open_seat).status_code == 201
