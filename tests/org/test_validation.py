"""The one rule set (org.validation): each rule on its own, and the same bad record refused with
the same messages by the page form, the JSON API and the spreadsheet import."""

import datetime

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from tests.conftest import Personas, bearer, client_for
from tests.dataio.conftest import run_import
from tests.dataio.factories import csv_bytes, make_id
from zhongjian.core.errors import ValidationError
from zhongjian.org import services, validation
from zhongjian.org.choices import Tier
from zhongjian.org.models import Appointment, Cadre
from zhongjian.org.validation import Held, Rule, Tenure

D = datetime.date
TODAY = D(2026, 11, 26)


def _rules(values: dict[str, object], **kwargs: object) -> set[Rule]:
    found = validation.cadre_violations(values, today=TODAY, **{"id_number": None, **kwargs})
    return {violation.rule for violation in found}


def test_each_cadre_rule_fires_on_its_own_slip() -> None:
    """Work at 15, grassroots before work, party at 17 and a future date are each one rule."""
    birth = D(1980, 6, 15)
    good = {"birth_date": birth, "work_start_date": D(2002, 7, 1), "gender": "male"}
    assert _rules(good) == set()
    assert _rules({**good, "work_start_date": D(1996, 5, 1)}) == {Rule.WORK_AGE}
    assert _rules({**good, "work_start_date": D(1996, 6, 1)}) == set()  # 16 that month
    assert _rules({**good, "grassroots_start_date": D(2001, 1, 1)}) == {Rule.GRASSROOTS_BEFORE_WORK}
    assert _rules({**good, "party_join_date": D(1998, 5, 1)}) == {Rule.PARTY_AGE}
    assert _rules({**good, "party_join_date": D(1998, 6, 1)}) == set()
    assert _rules({**good, "work_start_date": D(2027, 5, 1)}) == {Rule.FUTURE_DATE}


def test_id_number_is_checked_against_birth_date_and_gender() -> None:
    """The ID's birth date (to the month when the record gives the 1st) and gender must agree."""
    birth = D(1985, 3, 12)
    parsed, problems = validation.id_number_parse(make_id(birth=birth, male=True), today=TODAY)
    assert problems == [] and parsed is not None
    good = {"birth_date": birth, "gender": "male"}
    assert _rules(good, id_number=parsed) == set()
    assert _rules({**good, "birth_date": D(1985, 3, 1)}, id_number=parsed) == set()
    assert _rules({**good, "birth_date": D(1985, 4, 12)}, id_number=parsed) == {Rule.ID_BIRTH_DATE}
    assert _rules({**good, "gender": "female"}, id_number=parsed) == {Rule.ID_GENDER}
    good_number = make_id(birth=birth, male=True)
    wrong_check = good_number[:17] + ("0" if good_number[17] != "0" else "1")
    _parsed, bad = validation.id_number_parse(wrong_check, today=TODAY)
    assert [problem.rule for problem in bad] == [Rule.ID_NUMBER]


@given(
    st.lists(st.tuples(st.integers(0, 400), st.one_of(st.none(), st.integers(0, 400))), max_size=8)
)
def test_most_at_once_matches_a_day_by_day_count(spans: list[tuple[int, int | None]]) -> None:
    """The sweep gives the same peak as counting holders on every day (ends inclusive)."""
    base = D(2020, 1, 1)
    tenures = [
        Tenure(
            base + datetime.timedelta(days=start),
            None if length is None else base + datetime.timedelta(days=start + length),
        )
        for start, length in spans
    ]
    by_day = max(
        (
            sum(
                1
                for t in tenures
                if t.start <= base + datetime.timedelta(days=day)
                and (t.end is None or base + datetime.timedelta(days=day) <= t.end)
            )
            for day in range(0, 900)
        ),
        default=0,
    )
    assert validation.most_at_once(tenures)[0] == by_day


def test_leadership_rule_allows_concurrent_posts_only() -> None:
    """Two exclusive leadership posts break the rule; a post that allows 兼任 does not count."""
    secretary = Held("党委书记", True, False)
    assert validation.leadership_violations(name="甲", held=[secretary, Held("镇长", True, False)])
    assert not validation.leadership_violations(
        name="甲", held=[secretary, Held("人大主席团主席", True, True)]
    )
    assert not validation.leadership_violations(
        name="甲", held=[secretary, Held("科员", False, False)]
    )


def test_appointment_rules_in_the_service(personas: Personas) -> None:
    """Before work start, beyond the headcount over history, a second exclusive leadership post:
    each refused by appointment_create with nothing written."""
    cadre = personas.cadre_b
    post = factories.post(unit=personas.unit_b, tier=Tier.FUKE, title="副主任", is_leadership=True)
    before = Appointment.objects.count()
    with pytest.raises(ValidationError, match="早于参加工作时间"):
        services.appointment_create(
            actor=personas.org, cadre=cadre, post=post, start_date=D(1990, 1, 1)
        )
    # 党政综合办公室主任 (职数 1) is held by 张伟 since 2022-03: an earlier start overlaps.
    with pytest.raises(ValidationError, match="职数 1 人已满"):
        services.appointment_create(
            actor=personas.org, cadre=cadre, post=personas.post_a, start_date=D(2023, 1, 1)
        )
    services.appointment_create(
        actor=personas.org, cadre=cadre, post=post, start_date=D(2024, 1, 1)
    )
    second = factories.post(
        unit=personas.unit_b, tier=Tier.FUKE, title="副局长二", is_leadership=True
    )
    with pytest.raises(ValidationError, match="领导职务"):
        services.appointment_create(
            actor=personas.org, cadre=cadre, post=second, start_date=D(2024, 6, 1)
        )
    second.allows_concurrent = True
    second.save()
    services.appointment_create(
        actor=personas.org, cadre=cadre, post=second, start_date=D(2024, 6, 1)
    )
    assert Appointment.objects.count() == before + 2


# The same bad record through every door ---------------------------------------------------------

BIRTH = D(1990, 2, 3)
BAD = {
    "staff_no": "BAD1",
    "name": "钱七",
    "gender": "male",
    "birth_date": BIRTH.isoformat(),
    "education": "bachelor",
    "party_status": "member",
    "party_join_date": "2005-03-01",  # at 15
    "establishment": "administrative",
    "work_start_date": "1990-10-01",  # at eight months
    "id_number": make_id(birth=BIRTH, male=False),  # says female
}


def _expected() -> set[str]:
    parsed, _problems = validation.id_number_parse(BAD["id_number"], today=TODAY)
    values = {key: D.fromisoformat(v) if key.endswith("_date") else v for key, v in BAD.items()}
    return {v.message for v in validation.cadre_violations(values, id_number=parsed, today=TODAY)}


def test_same_bad_record_same_messages_from_form_api_and_import(personas: Personas) -> None:
    """The page form, the API and the import refuse the record with the same three messages
    (ID gender, work at eight months, party join at 15), and none writes it."""
    expected = _expected()
    assert len(expected) == 3

    form_page = client_for(personas.org).post(
        "/org/cadres/new/", {**BAD, "unit": personas.unit_a.pk, "ethnicity": "汉族"}
    )
    form = form_page.context["form"]
    from_form = {message for errors in form.errors.values() for message in errors}
    assert form.errors["work_start_date"] and form.errors["id_number"]

    answer = Client(headers=bearer(personas.org)).post(
        "/api/v1/cadres", {**BAD, "unit_id": personas.unit_a.pk}, content_type="application/json"
    )
    assert answer.status_code == 400
    from_api = set(answer.json()["errors"])

    header = ["人员编号", "姓名", "性别", "出生日期", "学历", "政治面貌", "入党时间", "编制类型"]
    header += ["参加工作时间", "身份证号", "所在单位代码"]
    row = [BAD["staff_no"], BAD["name"], "男", BAD["birth_date"], "大学本科", "中共党员"]
    row += [BAD["party_join_date"], "行政", BAD["work_start_date"], BAD["id_number"]]
    row += [personas.unit_a.code]
    job = run_import(personas.org, "cadres", csv_bytes([header, row]), "名单.csv")
    from_import = {problem["message"] for problem in job.errors}

    assert from_form == from_api == from_import == expected
    assert not Cadre.objects.filter(staff_no="BAD1").exists()


def test_import_applies_the_appointment_rules(personas: Personas) -> None:
    """An appointment row before the cadre's work start, or a second exclusive leadership post,
    is refused by the import with the services' message."""
    lead_a = factories.post(
        unit=personas.unit_b, title="局长", tier=Tier.ZHENGKE, is_leadership=True
    )
    lead_b = factories.post(
        unit=personas.unit_b, title="副局长甲", tier=Tier.FUKE, is_leadership=True
    )
    factories.appoint(cadre=personas.cadre_b, post=lead_a, start=D(2020, 1, 1))
    header = ["人员编号", "单位代码", "岗位名称", "任职时间"]
    early = [personas.cadre_b.staff_no, personas.unit_b.code, lead_b.title, "1980-01-01"]
    job = run_import(personas.org, "appointments", csv_bytes([header, early]), "任职.csv")
    assert any("早于参加工作时间" in problem["message"] for problem in job.errors)
    second = [personas.cadre_b.staff_no, personas.unit_b.code, lead_b.title, "2024-01-01"]
    job = run_import(personas.org, "appointments", csv_bytes([header, second]), "任职.csv")
    assert any("领导职务" in problem["message"] for problem in job.errors)
    assert not Appointment.objects.filter(post=lead_b).exists()
