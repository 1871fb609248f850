"""Small factories for registry rows and users; every argument has a sensible default."""

import datetime
import itertools
from typing import Any

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.org.choices import Education, Establishment, Gender, PartyStatus, Tier, UnitKind
from zhongjian.org.models import Appointment, Cadre, County, Post, Unit

_serial = itertools.count(1)
PASSWORD = "Test-Passw0rd!"


def county(**fields: Any) -> County:
    n = next(_serial)
    return County.objects.create(**{"code": f"99{n:04d}", "name": f"测试县{n}", **fields})


def unit(*, county: County, kind: str = UnitKind.TOWNSHIP, **fields: Any) -> Unit:
    n = next(_serial)
    return Unit.objects.create(
        county=county, kind=kind, **{"code": f"U{n:05d}", "name": f"测试单位{n}", **fields}
    )


def post(*, unit: Unit, tier: str = Tier.GUJI, **fields: Any) -> Post:
    n = next(_serial)
    defaults = {
        "title": f"岗位{n}",
        "required_establishment": Establishment.ADMINISTRATIVE,
        "headcount": 1,
        "is_leadership": tier in (Tier.ZHENGKE, Tier.FUKE),
    }
    return Post.objects.create(
        county_id=unit.county_id, unit=unit, tier=tier, **{**defaults, **fields}
    )


def cadre(*, unit: Unit, **fields: Any) -> Cadre:
    n = next(_serial)
    defaults = {
        "staff_no": f"S{n:06d}",
        "name": f"干部{n}",
        "gender": Gender.MALE,
        "birth_date": datetime.date(1985, 3, 12),
        "education": Education.BACHELOR,
        "party_status": PartyStatus.MEMBER,
        "establishment": Establishment.ADMINISTRATIVE,
        "work_start_date": datetime.date(2007, 7, 1),
    }
    return Cadre.objects.create(county_id=unit.county_id, unit=unit, **{**defaults, **fields})


def appoint(*, cadre: Cadre, post: Post, start: datetime.date, **fields: Any) -> Appointment:
    return Appointment.objects.create(
        county_id=cadre.county_id,
        cadre=cadre,
        post=post,
        unit_id=post.unit_id,
        start_date=start,
        **fields,
    )


def user(*, role: str, county: County | None = None, **fields: Any) -> User:
    n = next(_serial)
    account = User(username=f"{role}{n}", role=role, county=county, **fields)
    account.is_staff = role in (Role.SYSTEM_ADMIN, Role.ORG_DEPARTMENT)
    account.set_password(PASSWORD)
    account.full_clean()
    account.save()
    return account
