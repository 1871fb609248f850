"""The cadre roster (干部名册): columns, filters, partial search, sorting, pages and the export."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.conftest import Personas, client_for
from zhongjian.core.listing import ListSpec
from zhongjian.org.choices import Tier
from zhongjian.org.lists import CADRE_LIST

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(personas: Personas) -> dict[str, object]:
    """Three cadres of unit A: a 正科 head aged ~50, a 股级 clerk aged ~33, one without a post."""
    today = timezone.localdate()
    head_post = factories.post(unit=personas.unit_a, tier=Tier.ZHENGKE, title="党委书记")
    clerk_post = factories.post(unit=personas.unit_a, tier=Tier.GUJI, title="财政所所长")
    head = factories.cadre(
        unit=personas.unit_a,
        name="郑国栋",
        staff_no="ZJT0001",
        birth_date=today.replace(year=today.year - 50, day=1),
        establishment="administrative",
    )
    clerk = factories.cadre(
        unit=personas.unit_a,
        name="郑小红",
        staff_no="ZJT0002",
        gender="female",
        birth_date=today.replace(year=today.year - 33, day=1),
        establishment="public_institution",
    )
    idle = factories.cadre(unit=personas.unit_a, name="王闲", staff_no="XYZ9")
    factories.appoint(cadre=head, post=head_post, start=datetime.date(2020, 1, 1))
    factories.appoint(cadre=clerk, post=clerk_post, start=datetime.date(2021, 1, 1))
    return {"head": head, "clerk": clerk, "idle": idle}


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [cadre.name for cadre in response.context["rows"]]


def test_columns_show_post_tier_rank_age_and_establishment(personas: Personas, roster) -> None:  # type: ignore[no-untyped-def]
    """Each row shows 单位, 现任职务, 层级, 职级, 年龄 and 编制."""
    response = client_for(personas.org).get(reverse("org:cadre_list"), {"q": "郑国栋"})
    html = response.content.decode()
    for text in ("青石镇", "党委书记", "正科", "50", "行政"):
        assert text in html
    head = [cell["label"] for cell in response.context["listing"].head]
    assert head[2:] == ["单位", "现任职务", "层级", "职级", "年龄", "编制"]


def test_partial_staff_number_and_name_match(personas: Personas, roster) -> None:  # type: ignore[no-untyped-def]
    """q=ZJT finds both numbered cadres; q=郑 finds both by name; lower case matches too."""
    client = client_for(personas.org)
    assert sorted(names(client.get(reverse("org:cadre_list"), {"q": "ZJT"}))) == [
        "郑国栋",
        "郑小红",
    ]
    assert sorted(names(client.get(reverse("org:cadre_list"), {"q": "zjt"}))) == [
        "郑国栋",
        "郑小红",
    ]
    assert sorted(names(client.get(reverse("org:cadre_list"), {"q": "郑"}))) == ["郑国栋", "郑小红"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tier": "zhengke"}, ["郑国栋"]),
        ({"tier": "none", "q": "王"}, ["王闲"]),
        ({"age": "30", "q": "郑"}, ["郑小红"]),
        ({"age": "50", "q": "郑"}, ["郑国栋"]),
        ({"establishment": "public_institution", "q": "郑"}, ["郑小红"]),
        ({"gender": "female", "q": "郑"}, ["郑小红"]),
    ],
)
def test_filters(personas: Personas, roster, params, expected) -> None:  # type: ignore[no-untyped-def]
    """Tier (incl. 无现任职务), age band, establishment and gender narrow the roster."""
    response = client_for(personas.org).get(reverse("org:cadre_list"), params)
    assert names(response) == expected


def test_active_filters_are_shown_with_a_link_that_removes_them(personas: Personas, roster) -> None:  # type: ignore[no-untyped-def]
    """?unit=N says which unit filters the list; its chip's link drops only that filter."""
    response = client_for(personas.org).get(
        reverse("org:cadre_list"), {"unit": personas.unit_a.pk, "gender": "female"}
    )
    active = {a["label"]: a for a in response.context["listing"].active}
    assert active["单位"]["value"] == "青石镇"
    assert "gender=female" in active["单位"]["url"] and "unit=" not in active["单位"]["url"]
    assert "状态" in active  # the default 在职 filter is shown too, and removable


def test_sorting_by_tier_and_age_both_ways(personas: Personas, roster) -> None:  # type: ignore[no-untyped-def]
    """sort=tier lists 正科 before 股级 before no post; age the youngest first, -age the eldest."""
    client = client_for(personas.org)
    url = reverse("org:cadre_list")
    assert names(client.get(url, {"sort": "tier", "q": "郑"})) == ["郑国栋", "郑小红"]
    assert names(client.get(url, {"sort": "-tier", "q": "郑"})) == ["郑小红", "郑国栋"]
    assert names(client.get(url, {"sort": "tier", "q": "王"})) == ["王闲"]
    assert names(client.get(url, {"sort": "age", "q": "郑"})) == ["郑小红", "郑国栋"]
    assert names(client.get(url, {"sort": "-age", "q": "郑"})) == ["郑国栋", "郑小红"]


def test_unknown_parameters_are_ignored(personas: Personas, roster) -> None:  # type: ignore[no-untyped-def]
    """A forged sort, size, filter value or page falls back to the defaults, never a 500."""
    response = client_for(personas.org).get(
        reverse("org:cadre_list"),
        {"sort": "id_number_cipher", "size": "100000", "tier": "x'--", "page": "999"},
    )
    assert response.status_code == 200
    assert response.context["listing"].page_size == 50


def test_numbered_pages_and_page_size(personas: Personas) -> None:
    """45 cadres at 20 a page: three numbered pages; size=50 fits them on one."""
    for _ in range(45):
        factories.cadre(unit=personas.unit_b)
    client = client_for(personas.org)
    listing = client.get(reverse("org:cadre_list"), {"size": "20"}).context["listing"]
    assert [link["number"] for link in listing.page_links] == [1, 2, 3]
    assert "size=20" in listing.page_links[1]["url"] and "page=2" in listing.page_links[1]["url"]
    assert (
        client.get(reverse("org:cadre_list"), {"size": "50"})
        .context["listing"]
        .page.paginator.num_pages
        == 1
    )


def test_the_export_follows_the_filters(personas: Personas, roster) -> None:  # type: ignore[no-untyped-def]
    """The Excel export has 现任职务 and only the rows the page lists."""
    response = client_for(personas.org).get(
        reverse("dataio:export", args=["cadres"]), {"q": "ZJT", "sort": "-age"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if "现任职务" in row)
    data = rows[rows.index(header) + 1 :]
    column = header.index("姓名")
    assert [row[column] for row in data if row[column]] == ["郑国栋", "郑小红"]  # eldest first
    assert "财政所所长" in data[1]


def test_scoping_stays(personas: Personas, roster) -> None:  # type: ignore[no-untyped-def]
    """A unit head of another unit finds none of unit A's cadres; a cadre gets 403."""
    response = client_for(personas.head_b).get(reverse("org:cadre_list"), {"q": "ZJT"})
    assert names(response) == []
    assert response.context["listing"].filters[0].choices == [
        (str(personas.unit_b.pk), personas.unit_b.name)
    ]
    assert client_for(personas.cadre).get(reverse("org:cadre_list")).status_code == 403


def test_one_mechanism_serves_every_list() -> None:
    """The roster and the pipeline lists are all ListSpecs."""
    from zhongjian.pipeline import lists

    for spec in (CADRE_LIST, lists.VACANCY_LIST, lists.PROCESS_LIST, lists.BENCH_LIST):
        assert isinstance(spec, ListSpec)
