"""The pipeline pages: a selection run through the UI, scoping of every page, bad input."""

import datetime

import pytest
from django.urls import reverse

from tests import factories
from tests.conftest import Personas, client_for
from tests.pipeline.conftest import Selection, to_notice
from tests.pipeline.test_selection import reach
from zhongjian.core.models import Holiday
from zhongjian.org.models import Appointment
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.models import Decline, Departure, SelectionProcess
from zhongjian.pipeline.services.departures import departure_record
from zhongjian.pipeline.services.selection import candidate_decline
from zhongjian.pipeline.workflow import allowed_targets

D = datetime.date


def test_selection_from_vacancy_to_appointment_in_the_ui(personas: Personas, vacant_post) -> None:  # type: ignore[no-untyped-def]
    """The organization department starts a selection on the board and appoints through it."""
    client = client_for(personas.org)
    board = client.get(reverse("pipeline:vacancies"))
    assert board.status_code == 200 and "副局长" in board.text
    response = client.post(
        reverse("pipeline:process_start", args=[vacant_post.pk]),
        {"started_on": "2024-08-01", "reason": "原副局长退休"},
    )
    process = SelectionProcess.objects.get()
    assert response.status_code == 302 and response["Location"] == process.get_absolute_url()

    def post(name: str, *args: object, **data: object):  # type: ignore[no-untyped-def]
        return client.post(reverse(f"pipeline:{name}", args=args), data)

    assert (
        post(
            "candidate_add", process.pk, cadre=personas.cadre_a.staff_no, added_on="2024-08-01"
        ).status_code
        == 302
    )
    assert post("candidate_add", process.pk, cadre="李娜", added_on="2024-08-01").status_code == 302
    first, second = process.candidates.order_by("id")
    assert (
        post("process_transition", process.pk, "recommendation", on="2024-08-05").status_code == 302
    )
    htmx = client.post(
        reverse("pipeline:candidate_update", args=[first.pk, "recommendation"]),
        {"votes": "30", "is_vetting_target": "on"},
        headers={"HX-Request": "true"},
    )
    assert htmx.status_code == 200 and 'id="candidates"' in htmx.text and "<html" not in htmx.text
    post("candidate_update", second.pk, "recommendation", votes="12")
    assert post("process_transition", process.pk, "vetting", on="2024-08-12").status_code == 302
    post(
        "candidate_update",
        first.pk,
        "vetting",
        vetting_score="91.5",
        vetting_rank="1",
        vetted_on="2024-08-30",
        vetting_notes="实绩突出",
    )
    assert post("process_transition", process.pk, "decision", on="2024-09-02").status_code == 302
    assert post("candidate_update", first.pk, "choose").status_code == 302
    post("process_transition", process.pk, "pre_appointment_talk", on="2024-09-10")
    post("process_transition", process.pk, "public_notice", on="2024-09-30")
    page = client.get(process.get_absolute_url())
    assert "2024年9月30日 至 2024年10月11日" in page.text
    early = post("process_transition", process.pk, "appointed", on="2024-10-11")
    assert early.status_code == 400 and "任前公示须满 5 个工作日" in early.text
    done = post(
        "process_transition",
        process.pk,
        "appointed",
        on="2024-10-12",
        document_no="县委干〔2024〕7号",
    )
    assert done.status_code == 302
    process.refresh_from_db()
    assert process.stage == Stage.APPOINTED
    assert (
        Appointment.objects.get(post=vacant_post, end_date__isnull=True).cadre == personas.cadre_a
    )
    final = client.get(process.get_absolute_url())
    assert "试用期满考核" in final.text and "办理下一环节" not in final.text


def test_decline_recorded_in_the_ui(running: Selection) -> None:
    """A decline with its reason is recorded from the process page and shown there."""
    client = client_for(running.personas.org)
    response = client.post(
        reverse("pipeline:candidate_decline", args=[running.second.pk]),
        {"declined_on": "2024-08-03", "reason": "family_care", "note": "孩子尚小"},
    )
    assert response.status_code == 302
    decline = Decline.objects.get()
    assert decline.reason == "family_care"
    page = client.get(running.process.get_absolute_url()).text
    assert "家庭照顾" in page and reverse("pipeline:decline_statement", args=[decline.pk]) in page


def test_departure_with_exit_interview_in_the_ui(personas: Personas) -> None:
    """Record a resignation and its exit interview; the interview shows on the page."""
    client = client_for(personas.org)
    form = client.get(reverse("pipeline:departure_record") + f"?cadre={personas.cadre_a.pk}")
    assert personas.cadre_a.staff_no in form.text
    response = client.post(
        reverse("pipeline:departure_record"),
        {
            "cadre": personas.cadre_a.staff_no,
            "kind": "resignation",
            "destination_level": "outside",
            "departed_on": "2024-11-01",
            "note": "考取事业单位",
        },
    )
    departure = Departure.objects.get()
    assert response.status_code == 302 and response["Location"] == departure.get_absolute_url()
    response = client.post(
        reverse("pipeline:exit_interview_record", args=[departure.pk]),
        {
            "interviewed_on": "2024-10-30",
            "reasons": ["far_from_home", "small_pay_rise"],
            "details": "通勤两小时",
            "would_return_if": "能就近安排",
        },
    )
    assert response.status_code == 302
    page = client.get(departure.get_absolute_url()).text
    assert "待遇变化小、离家远" in page and "能就近安排" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"kind": "secondment", "destination_level": "city", "departed_on": "2024-11-01"},
            "借调须填写计划返回时间",
        ),
        (
            {"kind": "resignation", "destination_level": "outside", "departed_on": "2024-13-01"},
            "有效的日期",
        ),
        (
            {"kind": "flight", "destination_level": "outside", "departed_on": "2024-11-01"},
            "选择一个有效的选项",
        ),
    ],
)
def test_bad_departure_form_is_400_in_chinese(
    personas: Personas, data: dict[str, str], message: str
) -> None:
    """Invalid departure input re-renders the form with a Chinese error and status 400."""
    response = client_for(personas.org).post(
        reverse("pipeline:departure_record"), {"cadre": personas.cadre_a.staff_no, **data}
    )
    assert response.status_code == 400 and message in response.text
    assert not Departure.objects.exists()


def test_unknown_cadre_is_a_chinese_400(running: Selection) -> None:
    """A staff number nobody has gives a Chinese message, not an error page."""
    response = client_for(running.personas.org).post(
        reverse("pipeline:candidate_add", args=[running.process.pk]),
        {"cadre": "NOBODY", "added_on": "2024-08-01"},
    )
    assert response.status_code == 400 and "没有找到这名在职干部" in response.text


@pytest.mark.parametrize(
    ("name", "args", "data", "status", "message"),
    [
        ("process_transition", ("recommendation",), {"on": "2024-02-30"}, 400, "有效的日期"),
        ("process_transition", ("nonsense",), {"on": "2024-08-05"}, 400, "没有这个环节"),
        ("process_transition", ("appointed",), {"on": "2024-08-05"}, 400, "不能从"),
        ("process_transition", ("terminated",), {"on": "2024-08-05"}, 400, "终止选任流程的原因"),
        ("objection_add", (), {"received_on": "2024-08-05", "summary": "x"}, 400, "任前公示期间"),
        ("process_update", (), {"recommendation_voters": "-3"}, 400, "参加民主推荐人数"),
    ],
)
def test_refused_actions_answer_4xx_in_chinese(
    running: Selection,
    name: str,
    args: tuple[str, ...],
    data: dict[str, str],
    status: int,
    message: str,
) -> None:
    """Refused or malformed actions on a process answer 4xx with a Chinese message."""
    response = client_for(running.personas.org).post(
        reverse(f"pipeline:{name}", args=[running.process.pk, *args]), data
    )
    assert response.status_code == status
    assert message in response.text


def test_candidate_field_in_the_wrong_stage_is_refused(running: Selection) -> None:
    """Votes cannot be entered during 动议: a plain form gets the page again (400), htmx the
    candidate table with the message (422, swapped in by ui.js)."""
    client = client_for(running.personas.org)
    url = reverse("pipeline:candidate_update", args=[running.first.pk, "recommendation"])
    plain = client.post(url, {"votes": "3"})
    assert plain.status_code == 400 and "民主推荐" in plain.text
    htmx = client.post(url, {"votes": "3"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 422 and "民主推荐" in htmx.text
    assert htmx.text.lstrip().startswith('<section class="card" id="candidates">')


def test_wrong_ids_are_404(personas: Personas) -> None:
    """IDs that do not exist answer 404 on pages, actions and documents."""
    client = client_for(personas.org)
    for name in (
        "process_detail",
        "departure_detail",
        "cadre_record",
        "decline_statement",
        "appointment_form",
        "resignation_report",
    ):
        assert client.get(reverse(f"pipeline:{name}", args=[999999])).status_code == 404
    assert client.post(reverse("pipeline:candidate_decline", args=[999999]), {}).status_code == 404
    assert client.get(reverse("pipeline:template_download", args=["nonsense"])).status_code == 404


@pytest.fixture
def world(running: Selection) -> dict[str, str]:
    """One of everything: a selection in unit B with a decline, a departure from unit A."""
    personas = running.personas
    candidate_decline(
        actor=personas.org, candidate=running.second, declined_on=D(2024, 8, 3), reason="health"
    )
    leaver = factories.cadre(unit=personas.unit_a, name="陈静")
    departure = departure_record(
        actor=personas.org,
        cadre=leaver,
        kind="resignation",
        destination_level="outside",
        departed_on=D(2024, 11, 1),
    )
    pk = running.process.pk
    return {
        "index": reverse("pipeline:index"),
        "vacancies": reverse("pipeline:vacancies"),
        "processes": reverse("pipeline:processes"),
        "process": reverse("pipeline:process_detail", args=[pk]),
        "bench": reverse("pipeline:bench"),
        "departures": reverse("pipeline:departures"),
        "departure": reverse("pipeline:departure_detail", args=[departure.pk]),
        "cadre_a": reverse("pipeline:cadre_record", args=[personas.cadre_a.pk]),
        "new_departure": reverse("pipeline:departure_record"),
        "templates": reverse("pipeline:templates"),
        "template": reverse("pipeline:template_download", args=["decline_statement"]),
        "form": reverse("pipeline:appointment_form", args=[running.first.pk]),
        "statement": reverse("pipeline:decline_statement", args=[Decline.objects.get().pk]),
        "report": reverse("pipeline:resignation_report", args=[departure.pk]),
    }


LISTS = ("index", "vacancies", "processes", "bench", "departures")
FORBIDDEN = dict.fromkeys(
    (
        "index",
        "vacancies",
        "processes",
        "process",
        "bench",
        "departures",
        "departure",
        "cadre_a",
        "new_departure",
        "templates",
        "template",
        "form",
        "statement",
        "report",
    ),
    403,
)
EXPECTED = {
    "org": {},
    "head_a": {
        "process": 404,
        "new_departure": 403,
        "templates": 403,
        "template": 403,
        "form": 403,
        "statement": 403,
        "report": 403,
    },
    "head_b": {
        "departure": 404,
        "cadre_a": 404,
        "new_departure": 403,
        "templates": 403,
        "template": 403,
        "form": 403,
        "statement": 403,
        "report": 403,
    },
    "outsider_org": {
        "process": 404,
        "departure": 404,
        "cadre_a": 404,
        "form": 404,
        "statement": 404,
        "report": 404,
    },
    "counselor": FORBIDDEN,
    "cadre": FORBIDDEN,
    "admin": FORBIDDEN,
    "auditor": FORBIDDEN,
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_every_page_is_scoped(personas: Personas, world: dict[str, str], persona: str) -> None:
    """Each page answers 200 in scope, 404 for another unit's or county's object, 403 for roles
    that have no pipeline pages."""
    client = client_for(personas.all_users()[persona])
    statuses = {name: client.get(url).status_code for name, url in world.items()}
    assert statuses == {name: EXPECTED[persona].get(name, 200) for name in world}


def test_unit_head_sees_only_own_unit_and_read_only(
    personas: Personas, world: dict[str, str]
) -> None:
    """Head A sees neither unit B's vacancy nor its selection; head B sees them without buttons
    and without decline reasons."""
    head_a = client_for(personas.head_a)
    assert "县财政局" not in head_a.get(world["vacancies"]).text
    assert "副局长" not in head_a.get(world["processes"]).text
    head_b = client_for(personas.head_b)
    process_page = head_b.get(world["process"]).text
    assert "办理下一环节" not in process_page and "增加人选" not in process_page
    assert "身体原因" not in process_page and ".docx" not in process_page
    assert "启动选任" not in head_b.get(world["vacancies"]).text
    assert "陈静" not in head_b.get(world["departures"]).text


@pytest.mark.parametrize("persona", ["head_b", "counselor", "outsider_org"])
def test_writes_are_refused_for_others(running: Selection, persona: str) -> None:
    """Only the county's organization department may act: others get 403 or 404."""
    client = client_for(running.personas.all_users()[persona])
    response = client.post(
        reverse("pipeline:process_transition", args=[running.process.pk, "recommendation"]),
        {"on": "2024-08-05"},
    )
    assert response.status_code in (403, 404)
    running.process.refresh_from_db()
    assert running.process.stage == Stage.MOTION


def test_navigation_has_the_pipeline_entry(personas: Personas) -> None:
    """The organization department and unit heads find 提拔·流动 in the menu; a cadre does not."""
    assert "提拔·流动" in client_for(personas.org).get("/").text
    assert "提拔·流动" not in client_for(personas.cadre).get("/").text.split("<main")[0]


def test_calendar_warning_for_a_year_nobody_entered(running: Selection) -> None:
    """A notice that runs into a year without holidays entered shows the warning on the page."""
    Holiday.objects.filter(day__year=2024).delete()
    to_notice(running)
    page = client_for(running.personas.org).get(running.process.get_absolute_url()).text
    assert "2024 年的节假日安排尚未录入" in page


@pytest.mark.parametrize("stage", ["motion", "vetting", "pre_appointment_talk", "paused"])
def test_stage_buttons_in_the_ui(running: Selection, stage: str) -> None:
    """At each stage the page offers exactly the allowed moves; a move it does not offer is a
    400 in Chinese, and termination through the page works."""
    reach(running, stage)
    client = client_for(running.personas.org)
    page = client.get(running.process.get_absolute_url()).text
    offered = {t.value for t in allowed_targets(current=Stage(stage))}
    for target in Stage.values:
        assert (f'data-target="{target}"' in page) == (target in offered)
    refused = client.post(
        reverse(
            "pipeline:process_transition",
            args=[running.process.pk, "appointed" if stage != "paused" else "vetting"],
        ),
        {"on": "2024-10-20"},
    )
    assert refused.status_code == 400 and "不能" in refused.text
    ended = client.post(
        reverse("pipeline:process_transition", args=[running.process.pk, "terminated"]),
        {"on": "2024-10-20", "note": "暂缓选配"},
    )
    assert ended.status_code == 302
    running.process.refresh_from_db()
    assert running.process.stage == Stage.TERMINATED


def test_cadre_page_links_to_the_pipeline_record(personas: Personas) -> None:
    """The registry's cadre page links to the cadre's 提拔·流动 record for the department."""
    url = reverse("pipeline:cadre_record", args=[personas.cadre_a.pk])
    assert (
        url
        in client_for(personas.org)
        .get(reverse("org:cadre_detail", args=[personas.cadre_a.pk]))
        .text
    )
    assert (
        url
        not in client_for(personas.cadre)
        .get(reverse("org:cadre_detail", args=[personas.cadre_a.pk]))
        .text
    )
