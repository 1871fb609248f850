"""The 三龄两历 data check page: every record breaking a rule, grouped by rule, with a link to fix,
for the organization department only; its count on the overview."""

import datetime

from tests import factories
from tests.conftest import Personas, client_for
from tests.dataio.factories import make_id
from zhongjian.core.crypto import encrypt_text
from zhongjian.org.data_check import data_check
from zhongjian.org.validation import Rule

TODAY = datetime.date(2026, 11, 26)


def test_stored_slips_are_listed_under_their_rules(personas: Personas) -> None:
    """Records written past the rules (an old import) are found: work at 15, an ID whose gender
    disagrees, two holders of a post with 职数 1; a clean record is not listed."""
    unit = personas.unit_a
    early = factories.cadre(
        unit=unit,
        name="早工",
        birth_date=datetime.date(1980, 1, 1),
        work_start_date=datetime.date(1995, 3, 1),
    )
    wrong_id = factories.cadre(
        unit=unit, name="错号", gender="male", birth_date=datetime.date(1985, 3, 12)
    )
    number = make_id(birth=datetime.date(1985, 3, 12), male=False)
    wrong_id.id_number_cipher = encrypt_text(number)
    wrong_id.save()
    factories.appoint(cadre=early, post=personas.post_a, start=datetime.date(2023, 1, 1))

    found = data_check(user=personas.org, today=TODAY)
    subjects = {rule: [f.subject for f in findings] for rule, findings in found.items()}
    assert subjects[Rule.WORK_AGE] == ["早工"]
    assert subjects[Rule.ID_GENDER] == ["错号"]
    assert subjects[Rule.OVER_HEADCOUNT] == [personas.post_a.title]
    assert all(s != "张伟" for names in subjects.values() for s in names)
    assert found[Rule.WORK_AGE][0].fix_url == f"/org/cadres/{early.pk}/edit/"

    page = client_for(personas.org).get("/org/data-check/").content.decode()
    assert "参加工作时不满16周岁" in page and f"/org/cadres/{early.pk}/edit/" in page
    count = client_for(personas.org).get("/org/data-check/count/").content.decode()
    assert ">3<" in count


def test_data_check_is_for_the_organization_department(personas: Personas) -> None:
    """A unit head or any other role gets 403; another county's department sees none of these."""
    factories.cadre(
        unit=personas.unit_a,
        birth_date=datetime.date(1980, 1, 1),
        work_start_date=datetime.date(1990, 1, 1),
    )
    for who in ("head_a", "cadre", "auditor", "admin", "counselor"):
        user = personas.all_users()[who]
        assert client_for(user).get("/org/data-check/").status_code == 403
    assert data_check(user=personas.outsider_org, today=TODAY) == {}
    assert "/org/data-check/count/" in client_for(personas.org).get("/").content.decode()
