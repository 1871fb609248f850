"""Registry edit pages: the organization department writes through the services (audited with
field names); refused input re-renders with each error beside its field; a unit head files a
correction request instead; other roles and other counties get 403/404."""

import datetime

import pytest

from tests.conftest import Personas, client_for
from zhongjian.core.models import AuditLog
from zhongjian.org import services
from zhongjian.org.choices import EndReason, Tier
from zhongjian.org.models import Appointment, Cadre, CorrectionRequest, CorrectionStatus, Post
from zhongjian.pipeline.models import Vacancy

D = datetime.date


def _cadre_form(cadre: Cadre, **changes: object) -> dict[str, object]:
    data = {
        "unit": cadre.unit_id,
        "staff_no": cadre.staff_no,
        "name": cadre.name,
        "gender": cadre.gender,
        "birth_date": cadre.birth_date.isoformat(),
        "ethnicity": cadre.ethnicity,
        "education": cadre.education,
        "party_status": cadre.party_status,
        "establishment": cadre.establishment,
        "work_start_date": cadre.work_start_date.isoformat(),
        "status": cadre.status,
    }
    return {**data, **changes}


def test_correcting_a_birth_date_is_audited_with_the_field_name(personas: Personas) -> None:
    """Saving the edit form changes the record and writes an audit row naming birth_date only;
    the record page shows it under 修改记录."""
    cadre = personas.cadre_a
    new_birth = cadre.birth_date.replace(day=1) - datetime.timedelta(days=40)
    client = client_for(personas.org)
    response = client.post(
        f"/org/cadres/{cadre.pk}/edit/", _cadre_form(cadre, birth_date=new_birth.isoformat())
    )
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.birth_date == new_birth
    row = AuditLog.objects.filter(object_type="cadre", object_id=str(cadre.pk)).latest("id")
    assert (row.action, row.summary, row.actor_username) == (
        "update",
        "birth_date",
        personas.org.username,
    )
    page = client.get(f"/org/cadres/{cadre.pk}/").content.decode()
    assert "修改记录" in page and "出生日期" in page


def test_refused_form_keeps_input_and_puts_error_beside_field(personas: Personas) -> None:
    """A work start at 10 re-renders the form with the typed values and the message under
    参加工作时间; nothing is saved."""
    cadre = personas.cadre_a
    too_early = cadre.birth_date.replace(year=cadre.birth_date.year + 10)
    response = client_for(personas.org).post(
        f"/org/cadres/{cadre.pk}/edit/",
        _cadre_form(cadre, work_start_date=too_early.isoformat(), name="张伟改"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "不满 16 周岁" in form.errors["work_start_date"][0]
    page = response.content.decode()
    assert 'value="张伟改"' in page and f'value="{too_early.isoformat()}"' in page
    assert 'id="id_work_start_date_errors"' in page
    cadre.refresh_from_db()
    assert cadre.name == "张伟"


def test_new_hire_and_appointment_end_follow_vacancies(personas: Personas) -> None:
    """A new cadre is created and appointed from the pages; ending the appointment (免职 with
    reason and 文号) opens the post's vacancy again, and each write is audited."""
    client = client_for(personas.org)
    post = services.post_create(
        actor=personas.org,
        unit=personas.unit_b,
        title="办公室主任",
        tier=Tier.GUJI,
        required_establishment="administrative",
    )
    assert Vacancy.objects.filter(post=post, closed_on__isnull=True).exists()
    response = client.post(
        "/org/cadres/new/",
        {
            "unit": personas.unit_b.pk,
            "staff_no": "NEW9",
            "name": "周新",
            "gender": "female",
            "birth_date": "1998-04-02",
            "ethnicity": "汉族",
            "education": "bachelor",
            "party_status": "masses",
            "establishment": "administrative",
            "work_start_date": "2021-08-01",
        },
    )
    assert response.status_code == 302
    hire = Cadre.objects.get(staff_no="NEW9")
    response = client.post(
        f"/org/cadres/{hire.pk}/appointments/new/",
        {"post": post.pk, "start_date": "2024-03-01", "document_no": "县委干〔2024〕3号"},
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(cadre=hire, post=post)
    assert not Vacancy.objects.filter(post=post, closed_on__isnull=True).exists()
    response = client.post(
        f"/org/appointments/{appointment.pk}/end/",
        {
            "end_date": "2025-06-30",
            "end_reason": EndReason.REMOVED,
            "end_document_no": "免〔2025〕1号",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.end_date, appointment.end_document_no) == (D(2025, 6, 30), "免〔2025〕1号")
    assert Vacancy.objects.filter(post=post, closed_on__isnull=True).exists()
    types = set(
        AuditLog.objects.filter(actor_username=personas.org.username).values_list(
            "object_type", flat=True
        )
    )
    assert {"cadre", "appointment"} <= types


def test_appointment_beyond_headcount_is_refused_beside_the_post(personas: Personas) -> None:
    """职数 1 held: the form re-renders with the 已满 message under 岗位."""
    response = client_for(personas.org).post(
        f"/org/cadres/{personas.cadre_b.pk}/appointments/new/",
        {"post": personas.post_a.pk, "start_date": "2025-01-01", "end_current": "on"},
    )
    assert response.status_code == 200
    assert "已满" in response.context["form"].errors["post"][0]


def test_unit_post_and_rank_grant_pages(personas: Personas) -> None:
    """Units, posts and rank grants are created and edited through their pages."""
    client = client_for(personas.org)
    assert (
        client.post(
            "/org/units/new/", {"code": "NEWU", "name": "新设单位", "kind": "county_department"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/org/units/{personas.unit_b.pk}/posts/new/",
        {
            "title": "综合股股长",
            "tier": Tier.GUJI,
            "required_establishment": "administrative",
            "headcount": 2,
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(title="综合股股长")
    response = client.post(
        f"/org/posts/{post.pk}/edit/",
        {
            "title": "综合股股长",
            "tier": Tier.GUJI,
            "required_establishment": "administrative",
            "headcount": 1,
            "is_active": "on",
            "allows_concurrent": "on",
        },
    )
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.headcount, post.allows_concurrent) == (1, True)
    assert (
        AuditLog.objects.filter(object_type="post", object_id=str(post.pk), action="update")
        .latest("id")
        .summary
        == "allows_concurrent,headcount"
    )
    response = client.post(
        f"/org/cadres/{personas.cadre_a.pk}/rank-grants/new/",
        {"rank": "clerk_1", "granted_on": "2024-01-01"},
    )
    assert response.status_code == 302
    personas.cadre_a.refresh_from_db()
    assert personas.cadre_a.rank == "clerk_1"


@pytest.mark.parametrize("who", ["head_a", "cadre", "counselor", "auditor", "admin"])
def test_only_the_organization_department_edits(personas: Personas, who: str) -> None:
    """Every other role gets 403 on the edit pages and nothing changes."""
    client = client_for(personas.all_users()[who])
    cadre = personas.cadre_a
    for url in (
        "/org/units/new/",
        f"/org/cadres/{cadre.pk}/edit/",
        f"/org/cadres/{cadre.pk}/appointments/new/",
        f"/org/posts/{personas.post_a.pk}/edit/",
        "/org/data-check/",
    ):
        assert client.post(url, _cadre_form(cadre, name="改")).status_code == 403, url
    cadre.refresh_from_db()
    assert cadre.name == "张伟"


def test_another_county_gets_404(personas: Personas) -> None:
    """The organization department of another county cannot reach this county's records."""
    client = client_for(personas.outsider_org)
    assert client.get(f"/org/cadres/{personas.cadre_a.pk}/edit/").status_code == 404
    assert client.get(f"/org/posts/{personas.post_a.pk}/edit/").status_code == 404


def test_unit_head_files_a_correction_request_the_org_closes(personas: Personas) -> None:
    """A unit head sees 申请更正 (not 编辑), files a request for their own cadre (another unit's is
    404), the organization department sees it in the open list and closes it."""
    head = client_for(personas.head_a)
    page = head.get(f"/org/cadres/{personas.cadre_a.pk}/").content.decode()
    assert "申请更正" in page and "编辑档案" not in page
    response = head.post(
        f"/org/cadres/{personas.cadre_a.pk}/correction/",
        {"field": "出生日期", "text": "档案记载为 1985 年 3 月。"},
    )
    assert response.status_code == 302
    assert (
        head.post(
            f"/org/cadres/{personas.cadre_b.pk}/correction/", {"field": "出生日期", "text": "x"}
        ).status_code
        == 404
    )
    request = CorrectionRequest.objects.get()
    assert (request.unit_id, request.requested_by_id) == (personas.unit_a.pk, personas.head_a.pk)

    org = client_for(personas.org)
    listing = org.get("/org/corrections/").content.decode()
    assert "档案记载为 1985 年 3 月。" in listing
    assert (
        client_for(personas.head_b).get("/org/corrections/").content.decode().count("档案记载为")
        == 0
    )
    assert head.post(f"/org/corrections/{request.pk}/close/", {}).status_code == 403
    assert (
        org.post(
            f"/org/corrections/{request.pk}/close/", {"resolution": "已更正出生日期"}
        ).status_code
        == 302
    )
    request.refresh_from_db()
    assert request.status == CorrectionStatus.CLOSED
    assert "档案记载为" not in org.get("/org/corrections/").content.decode()
    assert AuditLog.objects.filter(object_type="correction_request").count() == 2
