"""The demo generator is deterministic for a seed and its users work in their scopes."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Count

from tests.conftest import client_for
from zhongjian.accounts.models import User
from zhongjian.demo.generator import build_demo, id_number_for
from zhongjian.org.choices import Establishment
from zhongjian.org.models import Appointment, Cadre, Post, Unit

TODAY = datetime.date(2026, 11, 26)
pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[str, str, datetime.date, str]]:
    return list(
        Cadre.objects.order_by("staff_no").values_list(
            "staff_no", "name", "birth_date", "unit__name"
        )
    )


def test_same_seed_same_county() -> None:
    """Two builds with one seed produce the same people."""
    build_demo(seed=7, cadres=300, today=TODAY, with_users=False)
    first = snapshot()
    for model in (Appointment, Cadre, Post, Unit):
        model.objects.all()._raw_delete(model.objects.db)
    from zhongjian.org.models import County, RankGrant

    RankGrant.objects.all()._raw_delete(RankGrant.objects.db)
    County.objects.all().delete()
    build_demo(seed=7, cadres=300, today=TODAY, with_users=False)
    assert snapshot() == first


def test_structure_is_plausible() -> None:
    """Headcounts hold, some posts are vacant, 混编混岗 exists, history spans years."""
    build_demo(seed=3, cadres=1500, today=TODAY, with_users=False)
    over = (
        Appointment.objects.filter(end_date__isnull=True)
        .values("post", "post__headcount")
        .annotate(n=Count("id"))
    )
    assert all(row["n"] <= row["post__headcount"] for row in over)
    held = set(Appointment.objects.filter(end_date__isnull=True).values_list("post", flat=True))
    assert Post.objects.exclude(pk__in=held).exists()
    assert Appointment.objects.filter(
        end_date__isnull=True,
        cadre__establishment=Establishment.PUBLIC_INSTITUTION,
        post__required_establishment=Establishment.ADMINISTRATIVE,
    ).exists()
    oldest = Appointment.objects.order_by("start_date").first()
    assert oldest is not None and oldest.start_date < datetime.date(2013, 1, 1)
    assert Appointment.objects.filter(end_reason="promoted").exists()


def test_id_numbers_have_valid_checksums() -> None:
    """Synthetic ID numbers pass the GB 11643 checksum."""
    number = id_number_for(area="520101", birth=datetime.date(1985, 3, 12), sequence=3, male=True)
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(number[:17], weights, strict=True))
    assert "10X98765432"[total % 11] == number[17]
    assert int(number[16]) % 2 == 1


def test_command_writes_logins_and_scoped_users_work(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`zhongjian demo` writes one login per role; the unit heads sit in different units."""
    logins = tmp_path / "logins.txt"
    call_command(
        "demo",
        "--cadres",
        "300",
        "--seed",
        "5",
        "--today",
        "2026-11-26",
        "--logins-file",
        str(logins),
    )
    lines = [line.split() for line in logins.read_text().splitlines()]
    roles = [line[0] for line in lines]
    assert sorted(set(roles)) == sorted(
        ["org_department", "unit_head", "counselor", "cadre", "system_admin", "auditor"]
    )
    heads = User.objects.filter(role="unit_head")
    assert heads.count() == 2 and heads[0].unit_id != heads[1].unit_id
    for _role, username, password in lines:
        assert User.objects.get(username=username).check_password(password)
    head = heads.first()
    other_unit = Unit.objects.exclude(pk=head.unit_id).first()
    assert client_for(head).get(f"/org/units/{other_unit.pk}/").status_code == 404
    assert client_for(head).get(f"/org/units/{head.unit_id}/").status_code == 200
    call_command("demo", "--if-empty")  # a second run leaves the data alone
    assert User.objects.filter(role="unit_head").count() == 2
