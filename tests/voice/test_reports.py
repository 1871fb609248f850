"""Reports: scoping of every page and endpoint, suppression against differencing, comments,
trends and comparisons across waves."""

import datetime
import itertools

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.voice.conftest import close, codes_by_group, form_data, open_wave, staff, submit
from zhongjian.org.choices import Tier
from zhongjian.voice.models import WaveGroup

pytestmark = pytest.mark.django_db
API = "/api/v1/voice"


def answer(wave, group_filter, count: int, level: float = 0.5, comment: str = "") -> None:
    """COUNT members of the groups matching GROUP_FILTER answer through the page."""
    groups = WaveGroup.objects.filter(wave=wave, **group_filter).values_list("pk", flat=True)
    unused = codes_by_group(wave, unused=True)
    codes = [code for pk in groups for code in unused.get(pk, [])]
    assert len(codes) >= count
    for code in codes[:count]:
        response = submit(Client(), code, form_data(wave, level, comment=comment))
        assert response.status_code == 302


@pytest.fixture
def answered(survey_county):
    """A closed wave: all 7 of unit A's 股级 group, 3 of its merged-tier group and all 9 of
    unit B answered; A's answers read better than B's; five of A and two of B wrote comments."""
    p = survey_county.personas
    wave = open_wave(survey_county)
    answer(
        wave,
        {"unit": p.unit_a, "tier": Tier.GUJI},
        5,
        0.8,
        comment="工作很充实，心情愉快，谢谢组织关心",
    )
    answer(wave, {"unit": p.unit_a, "tier": Tier.GUJI}, 2, 0.8)
    answer(wave, {"unit": p.unit_a, "tier": ""}, 3, 0.8)
    answer(wave, {"unit": p.unit_b}, 2, 0.2, comment="担心被问责，害怕出错，希望减少填表")
    answer(wave, {"unit": p.unit_b}, 7, 0.2)
    close(survey_county, wave)
    return wave


def report(client: Client, wave, **params):
    response = client.get(f"{API}/waves/{wave.pk}/report", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_groups_of_the_fixture_are_as_designed(answered, survey_county) -> None:
    """Unit A: a 股级 group of 7 and a merged group of 8 (2 副科 + 6 general); unit B: 9."""
    p = survey_county.personas
    sizes = sorted(
        (g.unit_id == p.unit_a.pk, g.tier, g.invited)
        for g in WaveGroup.objects.filter(wave=answered)
    )
    assert sizes == [(False, "general", 9), (True, "", 8), (True, "guji", 7)]


def test_the_county_report_by_unit_shows_both_units(answered, survey_county) -> None:
    """Both units reach k: their counts and means are shown; A's wellbeing is higher."""
    org = client_for(survey_county.personas.org)
    data = report(org, answered, by="unit")
    assert data["total"]["n"] == 19
    rows = {row["label"]: row for row in data["rows"]}
    assert rows["青石镇"]["n"] == 10 and rows["县财政局"]["n"] == 9
    who5 = {label: row["measures"][0]["mean"] for label, row in rows.items()}
    assert who5["青石镇"] > who5["县财政局"]
    assert data["items"]["who5"][0]["text"] == "我感到快乐，心情舒畅"


def test_a_small_tier_hides_its_sibling_so_the_total_cannot_rebuild_it(
    answered, survey_county
) -> None:
    """Unit A by tier: the merged group (3) is under k, so 股级 (7) is hidden too; the unit total
    (10) minus the shown tiers gives nothing, and comparing A with its 股级 is refused."""
    p = survey_county.personas
    org = client_for(p.org)
    data = report(org, answered, unit=p.unit_a.pk, by="tier")
    assert data["total"]["n"] == 10
    statuses = {
        row["group"]["tier"]: (row["status"], row["n"], row["measures"]) for row in data["rows"]
    }
    assert statuses == {"merged": ("primary", None, []), "guji": ("complementary", None, [])}
    guji = report(org, answered, unit=p.unit_a.pk, tier="guji")
    assert guji["total"]["n"] is None and guji["items"] == {}
    refused = org.get(
        f"{API}/waves/{answered.pk}/compare",
        {"a_unit": p.unit_a.pk, "b_unit": p.unit_a.pk, "b_tier": "guji"},
    )
    assert refused.status_code == 400
    assert refused.json()["detail"]


def test_no_breakdown_gives_a_hidden_cell_away(answered, survey_county) -> None:
    """Over every group and breakdown the API offers: no line (a shown total and its rows) has
    exactly one hidden row or hidden rows adding up to between 1 and k - 1 people."""
    p = survey_county.personas
    org = client_for(p.org)
    values = {
        "unit_kind": ["", "township", "county_department"],
        "unit": ["", str(p.unit_a.pk), str(p.unit_b.pk), "merged"],
        "tier": ["", "guji", "general", "merged"],
        "age_band": ["", "merged"],
    }
    for combination in itertools.product(*values.values()):
        params = {name: value for name, value in zip(values, combination, strict=True) if value}
        for by in values:
            if by in params:
                continue
            response = org.get(f"{API}/waves/{answered.pk}/report", {"by": by, **params})
            if response.status_code == 404:  # a unit of another kind: no such group
                continue
            data = response.json()
            if data["by"] != by or data["total"]["n"] is None:
                continue
            hidden = [row for row in data["rows"] if row["n"] is None]
            remainder = data["total"]["n"] - sum(row["n"] or 0 for row in data["rows"])
            assert len(hidden) != 1, (params, by)
            assert remainder == 0 or remainder >= answered.k, (params, by)


def test_reports_wait_for_the_end_of_the_wave(survey_county) -> None:
    """While answers can still come in, no report: two reads could be subtracted."""
    wave = open_wave(survey_county)
    org = client_for(survey_county.personas.org)
    assert org.get(f"{API}/waves/{wave.pk}/report").status_code == 409
    page = org.get(reverse("voice:wave_report", args=[wave.pk]))
    assert page.status_code == 409 and "测评尚未结束" in page.content.decode()


def test_a_unit_head_sees_their_unit_only_and_only_at_k(answered, survey_county) -> None:
    """Head of A sees A (10); asking for B is a 404; a breakdown by unit is not offered."""
    p = survey_county.personas
    head = client_for(p.head_a)
    data = report(head, answered, by="unit")
    assert data["total"]["n"] == 10 and data["by"] == "tier"
    assert head.get(f"{API}/waves/{answered.pk}/report", {"unit": p.unit_b.pk}).status_code == 404
    assert (
        head.get(f"{API}/waves/{answered.pk}/report", {"unit_kind": "township"}).status_code == 404
    )
    page = head.get(reverse("voice:wave_report", args=[answered.pk]))
    assert page.status_code == 200 and "县财政局" not in page.content.decode()


def test_a_unit_under_k_is_hidden_from_its_head(survey_county) -> None:
    """Four answers from unit B: its head sees that the result is not shown, and no figure."""
    p = survey_county.personas
    wave = open_wave(survey_county)
    answer(wave, {"unit": p.unit_a}, 10)
    answer(wave, {"unit": p.unit_b}, 4)
    close(survey_county, wave)
    data = report(client_for(p.head_b), wave)
    assert data["total"]["n"] is None and data["total"]["measures"] == [] and data["items"] == {}
    page = client_for(p.head_b).get(reverse("voice:wave_report", args=[wave.pk]))
    assert "不足 5 人" in page.content.decode()


@pytest.mark.parametrize("persona", ["cadre", "counselor", "admin", "auditor"])
def test_other_roles_are_refused_every_report_page_and_endpoint(
    answered, survey_county, persona
) -> None:
    """Cadres, counselors, admins and auditors get 403 on every survey page and endpoint."""
    client = client_for(getattr(survey_county.personas, persona))
    pk = answered.pk
    pages = [
        reverse("voice:wave_list"),
        reverse("voice:wave_create"),
        reverse("voice:wave_detail", args=[pk]),
        reverse("voice:wave_report", args=[pk]),
        reverse("voice:wave_comments", args=[pk]),
        reverse("voice:wave_compare", args=[pk]),
        reverse("voice:wave_slips", args=[pk]),
        reverse("voice:wave_reminder", args=[pk]),
        reverse("voice:trend"),
        reverse("voice:instrument_list"),
        reverse("voice:instrument_create"),
        reverse("voice:instrument_detail", args=["who5", 1]),
        f"{API}/waves",
        f"{API}/waves/{pk}",
        f"{API}/waves/{pk}/report",
        f"{API}/waves/{pk}/comments",
        f"{API}/waves/{pk}/compare",
        f"{API}/trends",
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
    for name in ("wave_open", "wave_close", "wave_deadline"):
        assert client.post(reverse(f"voice:{name}", args=[pk])).status_code == 403, name


def test_unit_heads_cannot_manage_waves(answered, survey_county) -> None:
    """A unit head may read their unit's results but not set up, print or close waves."""
    head = client_for(survey_county.personas.head_a)
    pk = answered.pk
    for url in ("wave_slips", "wave_reminder", "wave_edit"):
        assert head.get(reverse(f"voice:{url}", args=[pk])).status_code == 403, url
    assert head.get(reverse("voice:wave_create")).status_code == 403
    assert head.post(reverse("voice:wave_close", args=[pk])).status_code == 403
    for url in ("instrument_list", "instrument_create"):
        assert head.get(reverse(f"voice:{url}")).status_code == 403, url
    other = survey_county.personas.unit_b.pk
    compare = head.get(reverse("voice:wave_compare", args=[pk]), {"a_unit": other})
    assert compare.status_code == 404
    assert head.get(f"{API}/trends", {"unit": other}).status_code == 404
    assert head.get(f"{API}/waves/{pk}/comments", {"unit": other}).status_code == 404


def test_another_countys_wave_does_not_exist(answered, survey_county) -> None:
    """The organization department of another county gets 404 for this county's wave."""
    outsider = client_for(survey_county.personas.outsider_org)
    assert outsider.get(reverse("voice:wave_detail", args=[answered.pk])).status_code == 404
    assert outsider.get(f"{API}/waves/{answered.pk}/report").status_code == 404
    assert outsider.get(f"{API}/waves").json() == []


def test_comments_are_shown_only_for_groups_with_enough_of_them(answered, survey_county) -> None:
    """Seven comments: the county's are shown (k = 5), shuffled, with an emotion profile; unit A's
    five are hidden, since the county minus A would single out B's two."""
    p = survey_county.personas
    org = client_for(p.org)
    county = org.get(f"{API}/waves/{answered.pk}/comments").json()
    assert county["published"] and county["n"] == 7
    assert set(county["texts"]) == {
        "担心被问责，害怕出错，希望减少填表",
        "工作很充实，心情愉快，谢谢组织关心",
    }
    assert len(county["texts"]) == 7
    assert county["emotion_shares"]["好"] > 0 and county["emotion_shares"]["惧"] > 0
    unit_a = org.get(f"{API}/waves/{answered.pk}/comments", {"unit": p.unit_a.pk}).json()
    assert not unit_a["published"] and unit_a["texts"] == []
    assert org.get(f"{API}/waves/{answered.pk}/comments", {"tier": "guji"}).status_code == 404
    head = client_for(p.head_a).get(f"{API}/waves/{answered.pk}/comments").json()
    assert not head["published"] and head["texts"] == []
    page = org.get(reverse("voice:wave_comments", args=[answered.pk])).content.decode()
    assert "工作很充实" in page and 'data-chart="bar"' in page


def test_trends_refuse_waves_whose_population_changed_by_fewer_than_k(survey_county) -> None:
    """Two waves on the same people form a trend; after two newcomers join unit B, a third wave
    differs by 2 < k from the others and is left out, with the reason."""
    p = survey_county.personas
    waves = []
    for title in ("第一批", "第二批", "第三批"):
        if title == "第三批":
            staff(p.unit_b, 2, tier=Tier.GENERAL, birth=datetime.date(1992, 1, 1))
        wave = open_wave(survey_county, title=title)
        answer(wave, {"unit": p.unit_a}, 10, 0.7)
        answer(wave, {"unit": p.unit_b}, 9, 0.3)
        close(survey_county, wave)
        waves.append(wave)
    org = client_for(p.org)
    data = org.get(f"{API}/trends", {"instrument": "who5"}).json()
    assert [point["title"] for point in data["points"]] == ["第一批", "第二批"]
    assert [item["title"] for item in data["refused"]] == ["第三批"]
    assert "不到 5 人" in data["refused"][0]["reason"]
    unit_a = org.get(f"{API}/trends", {"instrument": "who5", "unit": p.unit_a.pk}).json()
    assert [point["title"] for point in unit_a["points"]] == ["第一批", "第二批", "第三批"]
    page = org.get(reverse("voice:trend"), {"instrument": "who5"})
    assert page.status_code == 200 and "第三批" in page.content.decode()


def test_report_pages_render_for_the_organization_department(answered, survey_county) -> None:
    """The report, comparison and wave pages render with their figures and hidden-cell notes."""
    p = survey_county.personas
    org = client_for(p.org)
    html = org.get(
        reverse("voice:wave_report", args=[answered.pk]), {"unit": p.unit_a.pk, "by": "tier"}
    ).content.decode()
    assert "防推算隐藏" in html and "不足 5 人" in html
    html = org.get(
        reverse("voice:wave_compare", args=[answered.pk]),
        {"a_unit": p.unit_a.pk, "b_unit": p.unit_b.pk},
    ).content.decode()
    assert "青石镇" in html and "县财政局" in html
    html = org.get(reverse("voice:wave_detail", args=[answered.pk])).content.decode()
    assert "查看结果" in html
    assert org.get(reverse("voice:wave_list")).status_code == 200
    assert timezone.localdate() >= answered.closed_on


def test_the_cube_index_gives_every_group_the_sums_of_a_scan(answered, survey_county) -> None:
    """Every group a report can ask for (each dimension any of its values, merged, or all):
    the index lookup gives the same figures as summing the matching cells, and the invited
    counts the same as summing the matching wave groups."""
    from zhongjian.voice.selectors import reports

    p = survey_county.personas
    cube = reports._cube(answered)
    invited, kinds = cube.invited, cube.invited_kinds
    groups = list(WaveGroup.objects.filter(wave=answered))
    values = {
        "unit_kind": [None, "", "township", "county_department", "subdistrict"],
        "unit": [None, "", str(p.unit_a.pk), str(p.unit_b.pk), "999999"],
        "tier": [None, "", "guji", "general", "fuke"],
        "age_band": [None, "", "30s", "40s"],
    }
    checked = 0
    for combination in itertools.product(*values.values()):
        group = reports.GroupFilter(**dict(zip(values, combination, strict=True)))
        scan = reports._Sums()
        for (leaf, tier, band), sums in cube.interior.items():
            kind, unit = cube.leaves[leaf]
            if group.matches({"unit_kind": kind, "unit": unit, "tier": tier, "age_band": band}):
                scan.add(sums)
        found = reports._sums_for(cube, group)
        assert (found.n, dict(found.scores), dict(found.bands)) == (
            scan.n,
            dict(scan.scores),
            dict(scan.bands),
        ), group
        assert (dict(found.items), dict(found.options)) == (dict(scan.items), dict(scan.options))
        assert reports._ids_for(cube, group) == scan.ids
        members = sum(
            g.invited
            for g in groups
            if group.matches(
                {
                    "unit_kind": g.unit_kind,
                    "unit": str(g.unit_id) if g.unit_id else "",
                    "tier": g.tier,
                    "age_band": g.age_band,
                }
            )
        )
        key = reports._group_key(group, kinds)
        assert (invited.get(key, 0) if key is not None else 0) == members, group
        checked += scan.n > 0
    assert checked > 20  # many groups have answers: the comparison is not over empty sums


def test_a_process_reuses_its_cube_until_the_shared_cache_loses_it(answered) -> None:
    """The cube is read from this process's memory while the shared cache holds its entry, and
    built afresh once that entry is gone (cleared, expired or evicted)."""
    from django.core.cache import cache

    from zhongjian.voice.selectors import reports

    first = reports._cube(answered)
    assert reports._cube(answered) is first
    cache.clear()
    rebuilt = reports._cube(answered)
    assert rebuilt is not first
    assert rebuilt.table.cells.keys() == first.table.cells.keys()


def test_comments_page_does_not_wait_for_the_emotion_profile(answered, survey_county) -> None:
    """Not computed yet: the page comes without the chart and fetches it after loading
    (segmenting needs the word dictionary); the part answers the chart, and from then on the
    page carries it inline. The part is scoped like the page."""
    from django.core.cache import cache

    cache.clear()
    p = survey_county.personas
    org = client_for(p.org)
    url = reverse("voice:wave_comments", args=[answered.pk])
    page = org.get(url).content.decode()
    assert "工作很充实" in page and 'data-testid="emotions-pending"' in page
    assert 'hx-get="?part=emotions"' in page and "emotion-chart" not in page
    part = org.get(url, {"part": "emotions"}).content.decode()
    assert 'data-testid="emotions"' in part and "emotion-chart" in part and "<html" not in part
    again = org.get(url).content.decode()
    assert "emotions-pending" not in again and 'data-chart="bar"' in again
    # Unit A's comments are hidden: no chart for them either, and a unit head of another unit
    # gets the page's answer for the part.
    hidden = org.get(url, {"part": "emotions", "unit": p.unit_a.pk}).content.decode()
    assert "emotion-chart" not in hidden
    assert client_for(p.head_b).get(url, {"part": "emotions", "unit": p.unit_a.pk}).status_code in (
        403,
        404,
    )
