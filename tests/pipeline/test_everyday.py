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
