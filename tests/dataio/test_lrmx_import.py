"""干部任免审批表 batches into the registry: preview, matching, all-or-nothing, scoping, exports."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from tests import factories
from tests.conftest import Personas, bearer, client_for
from tests.dataio.lrmx_fixtures import lrm_text, lrmx_xml, tiny_png, zip_of
from zhongjian.core.errors import PermissionDenied, ValidationError
from zhongjian.core.models import AuditLog
from zhongjian.dataio import lrmx
from zhongjian.dataio.lrmx_import import (
    NEW,
    SKIP,
    form_batch_choose,
    form_batch_confirm,
    form_batch_plan,
    form_batch_submit,
)
from zhongjian.dataio.models import FormBatch, FormBatchStatus
from zhongjian.org.models import AnnualReview, Appointment, Cadre, CadreProfile
from zhongjian.org.services import cadre_profile_sensitive

TODAY = datetime.date(2024, 12, 2)


def submit(personas: Personas, *files: tuple[str, bytes], **kwargs: object) -> FormBatch:
    return form_batch_submit(
        actor=personas.org, files=[lrmx.BatchFile(name, data) for name, data in files], **kwargs
    )


def test_new_person_is_registered_with_the_resume_mapped_to_posts(personas: Personas) -> None:
    """A person not on the roster: registered in the unit of their current post; 简历 lines that
    name a post of the county exactly become appointments, the rest stay in the 简历."""
    batch = submit(personas, ("王建国.lrmx", lrmx_xml()))
    plan = form_batch_plan(actor=personas.org, batch=batch)
    (person,) = plan.people
    assert plan.ok and person.is_new and person.unit == personas.unit_b
    mapped = {line.text: line.post for line in person.lines}
    assert mapped["青石镇党政综合办公室主任"] == personas.post_a
    assert mapped["县财政局副局长"] == personas.post_b
    assert mapped["青石镇党政综合办公室科员"] is None
    assert any("未开启保存健康状况" in w for w in person.warnings)

    form_batch_confirm(actor=personas.org, batch=batch, today=TODAY)
    cadre = Cadre.objects.get(name="王建国")
    assert cadre.unit == personas.unit_b
    assert cadre.birth_date == datetime.date(1987, 3, 15)  # the day from the ID number
    assert cadre.id_number_masked.endswith("0019")
    history = list(
        cadre.appointments.order_by("start_date").values_list("post_id", "start_date", "end_date")
    )
    assert history == [
        (personas.post_a.pk, datetime.date(2012, 3, 1), datetime.date(2016, 4, 30)),
        (personas.post_b.pk, datetime.date(2016, 5, 1), None),
    ]
    profile = CadreProfile.objects.get(cadre=cadre)
    assert profile.native_place == "四川遂宁" and bytes(profile.photo) == tiny_png()
    assert profile.sensitive_cipher == ""  # the county has not enabled 健康状况/family
    assert dict(AnnualReview.objects.filter(cadre=cadre).values_list("year", "rating")) == {
        2021: "competent",
        2022: "competent",
        2023: "excellent",
    }
    batch.refresh_from_db()
    assert batch.status == FormBatchStatus.DONE and batch.payload_cipher == ""
    assert AuditLog.objects.filter(object_type="form_batch", action="import").count() == 2


def test_the_same_file_twice_changes_nothing_the_second_time(personas: Personas) -> None:
    """Re-importing: the person is matched by name and birth month, no appointment is doubled."""
    form_batch_confirm(
        actor=personas.org, batch=submit(personas, ("a.lrmx", lrmx_xml())), today=TODAY
    )
    plan = form_batch_confirm(
        actor=personas.org, batch=submit(personas, ("a.lrmx", lrmx_xml())), today=TODAY
    )
    assert (plan.created, plan.updated, plan.appointments) == (0, 1, 0)
    assert Cadre.objects.filter(name="王建国").count() == 1
    assert Appointment.objects.filter(cadre__name="王建国").count() == 2


def test_a_preview_never_confirms_a_guessed_id_number(personas: Personas) -> None:
    """Matching is by name and birth month; the ID number is always 'to be written', so a right
    and a wrong guess give the same preview (the issue's 91-candidate attack learns nothing)."""
    cadre = personas.cadre_a
    from zhongjian.org.services import cadre_update

    cadre_update(actor=personas.org, cadre=cadre, id_number="110101198503120017")
    born = f"{cadre.birth_date:%Y%m}"
    previews = []
    for guess in ("110101198503120017", "110101198503120033"):
        batch = submit(
            personas,
            (
                "g.lrmx",
                lrmx_xml(XingMing=cadre.name, ChuShengNianYue=born, ShenFenZheng=guess, JianLi=""),
            ),
        )
        (person,) = form_batch_plan(actor=personas.org, batch=batch).people
        assert person.cadre == cadre
        previews.append(([c for c in person.changes if "身份证号" not in c], person.problems))
    assert previews[0] == previews[1]


def test_an_ambiguous_person_waits_for_the_clerk(personas: Personas) -> None:
    """Two cadres with the same name and birth month: the batch cannot be confirmed until the
    clerk says which one (or that it is somebody new)."""
    twin = factories.cadre(
        unit=personas.unit_b, name=personas.cadre_a.name, birth_date=personas.cadre_a.birth_date
    )
    born = f"{twin.birth_date:%Y%m}"
    batch = submit(
        personas,
        ("z.lrmx", lrmx_xml(XingMing=twin.name, ChuShengNianYue=born, ShenFenZheng="", JianLi="")),
    )
    plan = form_batch_plan(actor=personas.org, batch=batch)
    assert not plan.ok and "同名" in plan.problems[0]
    with pytest.raises(ValidationError):
        form_batch_confirm(actor=personas.org, batch=batch, today=TODAY)
    form_batch_choose(actor=personas.org, batch=batch, matches={"0": twin.pk})
    plan = form_batch_confirm(actor=personas.org, batch=batch, today=TODAY)
    assert plan.people[0].cadre == twin
    other = submit(
        personas,
        ("z.lrmx", lrmx_xml(XingMing=twin.name, ChuShengNianYue=born, ShenFenZheng="", JianLi="")),
    )
    form_batch_choose(actor=personas.org, batch=other, matches={"0": NEW})
    assert form_batch_plan(actor=personas.org, batch=other).people[0].is_new


def test_a_batch_is_written_whole_or_not_at_all(personas: Personas) -> None:
    """The second file's current post is full: confirming fails and the first file's person is
    not registered either."""
    full = lrmx_xml(
        XingMing="钱多多",
        ShenFenZheng="",
        JianLi="2016.05--        青石镇党政综合办公室主任",
    )
    batch = submit(personas, ("1.lrmx", lrmx_xml()), ("2.lrmx", full))
    assert form_batch_plan(actor=personas.org, batch=batch).ok
    before = Cadre.objects.count()
    with pytest.raises(ValidationError) as error:
        form_batch_confirm(actor=personas.org, batch=batch, today=TODAY)
    assert "2.lrmx" in error.value.message and "职数" in error.value.message
    assert Cadre.objects.count() == before
    batch.refresh_from_db()
    assert batch.status == FormBatchStatus.PREVIEW


def test_a_broken_file_blocks_the_batch(personas: Personas) -> None:
    batch = submit(personas, ("ok.lrmx", lrmx_xml()), ("bad.lrmx", b"<Person><XingMing>"))
    plan = form_batch_plan(actor=personas.org, batch=batch)
    assert not plan.ok and plan.problems[0].startswith("bad.lrmx：")
    with pytest.raises(ValidationError):
        form_batch_confirm(actor=personas.org, batch=batch, today=TODAY)
    assert not Cadre.objects.filter(name="王建国").exists()


def test_the_clerk_maps_or_skips_a_resume_line(personas: Personas) -> None:
    """An unmatched line can be given a post; a matched one can be skipped."""
    batch = submit(personas, ("w.lrmx", lrmx_xml()))
    form_batch_choose(actor=personas.org, batch=batch, lines={"0-2": SKIP})
    (person,) = form_batch_plan(actor=personas.org, batch=batch).people
    line = next(line for line in person.lines if line.index == 2)
    assert line.skipped and not line.creates
    other_county_post = factories.post(unit=factories.unit(county=personas.outsider_org.county))
    with pytest.raises(ValidationError):
        form_batch_choose(actor=personas.org, batch=batch, lines={"0-1": other_county_post.pk})


def test_sensitive_details_only_when_the_county_keeps_them(personas: Personas) -> None:
    """With the county's consent 健康状况 and family are stored encrypted; every read is audited."""
    personas.county.keeps_sensitive_form_data = True
    personas.county.save()
    form_batch_confirm(
        actor=personas.org, batch=submit(personas, ("w.lrmx", lrmx_xml())), today=TODAY
    )
    profile = CadreProfile.objects.get(cadre__name="王建国")
    assert profile.sensitive_cipher and "刘芳" not in profile.sensitive_cipher
    reads = AuditLog.objects.filter(action="read", object_type="cadre_profile").count()
    details = cadre_profile_sensitive(actor=personas.org, profile=profile)
    assert details["health"] == "健康" and details["family"][0]["name"] == "刘芳"
    assert AuditLog.objects.filter(action="read", object_type="cadre_profile").count() == reads + 1


def test_a_waiting_batch_holds_no_cleartext_in_the_database(personas: Personas) -> None:
    """A batch waiting for confirmation keeps ID numbers and résumés encrypted at rest: the raw
    row, as a DBA reads it, holds neither."""
    batch = submit(personas, ("w.lrmx", lrmx_xml()))
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM dataio_formbatch WHERE id = %s", [batch.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "510903198703150019" not in row and "西南大学" not in row and "王建国" not in row


def test_only_the_organization_department_imports(personas: Personas) -> None:
    for user in (
        personas.head_a,
        personas.cadre,
        personas.admin,
        personas.counselor,
        personas.auditor,
    ):
        with pytest.raises(PermissionDenied):
            form_batch_submit(actor=user, files=[lrmx.BatchFile("w.lrmx", lrmx_xml())])
        assert client_for(user).get(reverse("dataio:form_upload")).status_code == 403


def test_another_countys_batch_is_a_404(personas: Personas) -> None:
    batch = submit(personas, ("w.lrmx", lrmx_xml()))
    url = reverse("dataio:form_batch", args=[batch.pk])
    assert client_for(personas.outsider_org).get(url).status_code == 404
    assert client_for(personas.org).get(url).status_code == 200


def test_upload_preview_and_confirm_through_the_pages(personas: Personas) -> None:
    """A .zip of a township's files: uploaded, previewed person by person, confirmed."""
    client = client_for(personas.org)
    archive = zip_of({"王建国.lrmx": lrmx_xml(), "赵敏.lrm": lrm_text(), "赵敏.pic": tiny_png()})
    response = client.post(
        reverse("dataio:form_upload"),
        {
            "files": [SimpleUploadedFile("青石镇.zip", archive)],
            "unit": personas.unit_a.pk,
            "establishment": "administrative",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "王建国" in text and "赵敏" in text and "新建任职记录" in text
    done = client.post(response["Location"], {"action": "confirm"})
    assert done.status_code == 302
    zhao = Cadre.objects.get(name="赵敏")
    assert zhao.unit == personas.unit_a  # open line names no post: the chosen unit
    assert CadreProfile.objects.get(cadre=zhao).photo


def test_upload_of_nothing_useful_keeps_the_page(personas: Personas) -> None:
    response = client_for(personas.org).post(
        reverse("dataio:form_upload"), {"establishment": "administrative"}
    )
    assert response.status_code == 400


def test_api_submit_preview_and_confirm(personas: Personas) -> None:
    headers = bearer(personas.org)
    from django.test import Client

    client = Client()
    answer = client.post(
        "/api/v1/form-imports",
        {"files": [SimpleUploadedFile("w.lrmx", lrmx_xml())]},
        headers=headers,
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["ok"] and body["people"][0]["status"] == "new"
    batch_id = body["id"]
    confirmed = client.post(f"/api/v1/form-imports/{batch_id}/confirm", headers=headers)
    assert confirmed.status_code == 200 and Cadre.objects.filter(name="王建国").exists()
    again = client.post(f"/api/v1/form-imports/{batch_id}/confirm", headers=headers)
    assert again.status_code == 400 and "detail" in again.json()
    outsider = client.get(f"/api/v1/form-imports/{batch_id}", headers=bearer(personas.outsider_org))
    assert outsider.status_code == 404
    head = client.post(
        "/api/v1/form-imports",
        {"files": [SimpleUploadedFile("w.lrmx", lrmx_xml())]},
        headers=bearer(personas.head_a),
    )
    assert head.status_code == 403


def test_command_imports_a_zip_and_dry_runs(personas: Personas, tmp_path: Path) -> None:
    archive = tmp_path / "青石镇.zip"
    archive.write_bytes(zip_of({"王建国.lrmx": lrmx_xml()}))
    out = io.StringIO()
    call_command(
        "import", str(archive), kind="lrmx", user=personas.org.username, dry_run=True, stdout=out
    )
    assert "试运行" in out.getvalue() and not Cadre.objects.filter(name="王建国").exists()
    call_command(
        "import", str(archive), kind="lrmx", user=personas.org.username, stdout=io.StringIO()
    )
    assert Cadre.objects.filter(name="王建国").exists()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.lrmx").write_bytes(b"<broken")
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command(
            "import", str(bad), kind="lrmx", user=personas.org.username, stdout=io.StringIO()
        )


def test_cadre_lrmx_export_is_scoped_and_reads_back(personas: Personas) -> None:
    """The registry's record as .lrmx: the 简历 from the whole history (work start first), the
    unit's name once; a unit head downloads only their own unit's cadres."""
    url = reverse("dataio:cadre_lrmx", args=[personas.cadre_a.pk])
    assert client_for(personas.head_b).get(url).status_code == 404
    assert client_for(personas.cadre).get(url).status_code == 403
    response = client_for(personas.head_a).get(url)
    assert response.status_code == 200
    record = lrmx.read_lrmx(response.content).record
    assert record is not None and record.name == personas.cadre_a.name
    assert record.resume[0].start == lrmx.PartialDate(2007, 7)
    assert record.resume[-1].text == "青石镇党政综合办公室主任"
    assert record.current_posts == "青石镇党政综合办公室主任"
    assert AuditLog.objects.filter(action="export", object_type="cadre").exists()


def test_imported_form_exports_with_what_it_had(personas: Personas) -> None:
    """Round trip through the registry: the exported file keeps the imported form's details."""
    source = lrmx_xml().replace(
        b"</Person>", "<ZhengZhiMianMao>中共党员</ZhengZhiMianMao></Person>".encode()
    )
    form_batch_confirm(actor=personas.org, batch=submit(personas, ("w.lrmx", source)), today=TODAY)
    cadre = Cadre.objects.get(name="王建国")
    exported = client_for(personas.org).get(reverse("dataio:cadre_lrmx", args=[cadre.pk]))
    original = lrmx.read_lrmx(source).record
    again = lrmx.read_lrmx(exported.content).record
    assert original is not None and again is not None
    for name in (
        "name",
        "gender",
        "birth",
        "native_place",
        "full_time",
        "in_service",
        "reviews",
        "rewards",
        "photo",
        "extra",
        "id_number",
    ):
        assert getattr(again, name) == getattr(original, name), name
    assert [line.text for line in again.resume] == [line.text for line in original.resume]


def test_a_month_only_date_keeps_the_registered_day(personas: Personas) -> None:
    """The form says 1985.03; the roster knows 1985-03-12: the day is kept, nothing changes."""
    cadre = personas.cadre_a
    batch = submit(
        personas,
        (
            "z.lrmx",
            lrmx_xml(
                XingMing=cadre.name,
                ChuShengNianYue="198503",
                CanJiaGongZuoShiJian="200707",
                ShenFenZheng="",
                JianLi="",
            ),
        ),
    )
    (person,) = form_batch_plan(actor=personas.org, batch=batch).people
    assert "出生日期" not in person.changes and "参加工作时间" not in person.changes
    form_batch_confirm(actor=personas.org, batch=batch, today=TODAY)
    cadre.refresh_from_db()
    assert cadre.birth_date == datetime.date(1985, 3, 12)


def test_a_batch_left_unconfirmed_is_purged_after_a_day(personas: Personas) -> None:
    """The hourly purge deletes the encrypted records of a batch nobody confirmed for a day."""
    from zhongjian.dataio.tasks import import_jobs_purge_task

    batch = submit(personas, ("w.lrmx", lrmx_xml()))
    FormBatch.objects.filter(pk=batch.pk).update(
        created_at=batch.created_at - datetime.timedelta(days=2)
    )
    import_jobs_purge_task.call_local()
    batch.refresh_from_db()
    assert batch.status == FormBatchStatus.CANCELLED and batch.payload_cipher == ""
