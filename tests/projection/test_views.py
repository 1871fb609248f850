"""Projection pages and API: the 组织部 of the county uses them; everyone else is refused."""

import io
import json

import pytest
from openpyxl import load_workbook

from tests.conftest import Personas, bearer, client_for
from zhongjian.projection.csvfiles import read_matrix, read_vector
from zhongjian.projection.models import Scenario
from zhongjian.projection.services import scenario_save

LEVERS = {
    "exit_cut_resignation": "30",
    "recruits_guji": "2",
    "retirement_reform": "0",
}


@pytest.fixture
def scenario(personas: Personas) -> Scenario:
    return scenario_save(
        actor=personas.org, name="减少辞职", levers={"exit_cut": {"resignation": 30}}
    )


def test_org_department_sees_trend_and_scenario(personas: Personas) -> None:
    """The page shows the trend and, with levers set, the adjusted scenario beside it."""
    response = client_for(personas.org).get("/projection/", LEVERS)
    assert response.status_code == 200
    text = response.content.decode()
    assert "现行趋势" in text and "调整后方案" in text and "辞职率 −30%" in text
    assert 'id="projection-data"' in text


@pytest.mark.parametrize("who", ["head_a", "head_b", "counselor", "cadre", "admin", "auditor"])
def test_other_roles_get_403(personas: Personas, who: str, scenario: Scenario) -> None:
    """Unit heads and every role but the 组织部 are refused (the projection is county-wide)."""
    client = client_for(getattr(personas, who))
    for url in (
        "/projection/",
        f"/projection/scenarios/{scenario.pk}/",
        "/projection/compare/",
        "/projection/optimiser/",
        "/projection/model/transitions.csv",
    ):
        assert client.get(url).status_code == 403, url
    headers = bearer(getattr(personas, who))
    assert (
        client_for(getattr(personas, who))
        .get("/api/v1/projection/scenarios", headers=headers)
        .status_code
        == 403
    )


def test_another_county_gets_404(personas: Personas, scenario: Scenario) -> None:
    """The 组织部 of another county cannot open, compare, export or delete the scenario."""
    client = client_for(personas.outsider_org)
    assert client.get(f"/projection/scenarios/{scenario.pk}/").status_code == 404
    assert client.get("/projection/compare/", {"ids": scenario.pk}).status_code == 404
    assert client.get("/projection/compare/export.xlsx", {"ids": scenario.pk}).status_code == 404
    assert client.post(f"/projection/scenarios/{scenario.pk}/delete/").status_code == 404
    api = client.get(
        f"/api/v1/projection/scenarios/{scenario.pk}", headers=bearer(personas.outsider_org)
    )
    assert api.status_code == 404
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def test_save_and_reopen_scenario(personas: Personas) -> None:
    """Saving stores the levers in normal form; the scenario page projects them again."""
    client = client_for(personas.org)
    response = client.post("/projection/scenarios/", {**LEVERS, "name": "多招股级"})
    saved = Scenario.objects.get(name="多招股级")
    assert response.status_code == 302 and response.url == f"/projection/scenarios/{saved.pk}/"
    assert saved.county == personas.county
    assert saved.levers["exit_cut"] == {"resignation": 30.0}
    assert saved.levers["recruits"] == {"guji": 2}
    assert saved.levers["retirement_reform"] is False
    page = client.get(response.url).content.decode()
    assert "预测方案：多招股级" in page
    again = client.post("/projection/scenarios/", {**LEVERS, "name": "多招股级"})
    assert again.status_code == 400 and "已被使用" in again.content.decode()


def test_bad_lever_is_a_form_error(personas: Personas) -> None:
    """A percentage over 100 is refused with a 400 and a message, not a 500."""
    response = client_for(personas.org).get("/projection/", {"refusal_cut": "150"})
    assert response.status_code == 400


def test_compare_and_excel_export(personas: Personas, scenario: Scenario) -> None:
    """The workbook holds the comparison and one sheet per scenario (trend first)."""
    client = client_for(personas.org)
    page = client.get("/projection/compare/", {"ids": scenario.pk})
    assert page.status_code == 200 and "减少辞职" in page.content.decode()
    response = client.get("/projection/compare/export.xlsx", {"ids": scenario.pk})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["对比", "现行趋势", "减少辞职"]
    assert book["减少辞职"]["B2"].value == "辞职率 −30%"


def test_model_csv_reads_back(personas: Personas) -> None:
    """The exported matrix and stocks are the files `zhongjian project` reads."""
    client = client_for(personas.org)
    matrix = client.get("/projection/model/transitions.csv").content
    states, values = read_matrix(matrix, name="transitions.csv")
    assert values.shape == (len(states), len(states)) and (values.sum(axis=1) <= 1 + 1e-9).all()
    stocks = read_vector(
        client.get("/projection/model/stocks.csv").content, states=states, what="人数"
    )
    assert stocks.sum() == 2  # the personas' two cadres
    assert client.get("/projection/model/rates.csv").status_code == 200
    assert client.get("/projection/model/other.csv").status_code == 404


def test_optimiser_page(personas: Personas) -> None:
    """The optimiser answers with a plan or with the tiers and years that cannot be met."""
    response = client_for(personas.org).get(
        "/projection/optimiser/", {"target": "10", "years": "3"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert 'data-testid="plan"' in text
    assert "空缺率" in text


def test_api_scenarios_and_runs(personas: Personas) -> None:
    """The 组织部 saves, lists, runs and deletes scenarios through the API."""
    client, headers = client_for(personas.org), bearer(personas.org)
    created = client.post(
        "/api/v1/projection/scenarios",
        json.dumps({"name": "遴选限额", "levers": {"upward_quota": 1}}),
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["description"] == "遴选名额每年 1 人"
    listed = client.get("/api/v1/projection/scenarios", headers=headers).json()
    assert [s["name"] for s in listed] == ["遴选限额"]
    run = client.get(f"/api/v1/projection/scenarios/{pk}/run?years=5&runs=20", headers=headers)
    assert run.status_code == 200
    assert len(run.json()["result"]["years"]) == 6
    adhoc = client.post(
        "/api/v1/projection/runs",
        json.dumps({"levers": {"refusal_cut": 500}}),
        content_type="application/json",
        headers=headers,
    )
    assert adhoc.status_code == 400 and "0 到 100" in adhoc.json()["detail"]
    duplicate = client.post(
        "/api/v1/projection/scenarios",
        json.dumps({"name": "遴选限额", "levers": {}}),
        content_type="application/json",
        headers=headers,
    )
    assert duplicate.status_code == 400
    assert client.delete(f"/api/v1/projection/scenarios/{pk}", headers=headers).status_code == 204


def test_delete_scenario(personas: Personas, scenario: Scenario) -> None:
    """The 组织部 deletes its scenario from the scenario page."""
    response = client_for(personas.org).post(f"/projection/scenarios/{scenario.pk}/delete/")
    assert response.status_code == 302
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


def test_exported_csvs_run_in_the_command(personas: Personas, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The three downloaded files are a model `zhongjian project` runs as they are."""
    from django.core.management import call_command

    client = client_for(personas.org)
    for name in ("transitions", "stocks", "recruits"):
        content = client.get(f"/projection/model/{name}.csv", LEVERS).content
        (tmp_path / f"{name}.csv").write_bytes(content)
    out = io.StringIO()
    call_command(
        "project",
        transitions=str(tmp_path / "transitions.csv"),
        stocks=str(tmp_path / "stocks.csv"),
        recruits=str(tmp_path / "recruits.csv"),
        years=5,
        stdout=out,
    )
    document = json.loads(out.getvalue())
    assert len(document["periods"]) == 5
    # The 股级 recruitment lever of the page is in the exported recruits.
    first = document["periods"][0]["recruits"]
    assert sum(v for state, v in first.items() if state.startswith("股级")) == pytest.approx(2)
