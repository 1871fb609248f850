"""The 组织部's aggregates: k-safe by unit kind and county-wide, timeliness in working days."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from tests.care.conftest import at
from tests.conftest import Personas
from zhongjian.accounts.roles import Role
from zhongjian.care import services
from zhongjian.care.aggregates import TOTAL, care_aggregates, suppressed_keys
from zhongjian.care.choices import ContactWay
from zhongjian.core.errors import PermissionDenied
from zhongjian.org.choices import UnitKind

pytestmark = pytest.mark.django_db
YEAR = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
TODAY = datetime.date(2026, 11, 30)


def _cases(personas: Personas, unit, n: int, *, contact_after: int | None = 2) -> None:
    for _ in range(n):
        cadre = factories.cadre(unit=unit)
        user = factories.user(role=Role.CADRE, county=personas.county, unit=unit, cadre=cadre)
        case = services.request_create(
            user=user,
            topic="work_pressure",
            contact_way="phone",
            contact_time="any",
            consent=True,
            at=at(datetime.date(2026, 11, 2)),
        )
        if contact_after is not None:
            services.contact_record(
                counselor=personas.counselor,
                case=case,
                contact_on=datetime.date(2026, 11, 2 + contact_after),
                contact_way=ContactWay.PHONE,
                note="x",
            )


def test_only_the_org_department(personas: Personas) -> None:
    """Every role but the 组织部 is refused."""
    for user in (personas.head_a, personas.counselor, personas.cadre, personas.admin):
        with pytest.raises(PermissionDenied):
            care_aggregates(user, period=YEAR)


def test_small_groups_are_hidden_with_their_complement(personas: Personas) -> None:
    """Townships with 6 people show; county departments with 2 are hidden, and so is the next
    smallest non-empty group, so that the total cannot give the 2 away."""
    subdistrict = factories.unit(county=personas.county, kind=UnitKind.SUBDISTRICT)
    _cases(personas, personas.unit_a, 6)
    _cases(personas, personas.unit_b, 2)
    _cases(personas, subdistrict, 5, contact_after=None)
    rows = {
        r.key: r
        for r in care_aggregates(personas.org, group_by="unit_kind", period=YEAR, today=TODAY)
    }
    assert rows[UnitKind.COUNTY_DEPARTMENT].suppressed
    assert rows[UnitKind.COUNTY_DEPARTMENT].people is None
    assert rows[UnitKind.SUBDISTRICT].suppressed
    township = rows[UnitKind.TOWNSHIP]
    assert (township.people, township.requests, township.open_cases) == (6, 6, 6)
    assert township.median_working_days_to_first_contact == 2
    assert township.first_contact_on_time_share == 1.0
    total = rows[TOTAL]
    assert (total.people, total.overdue_first_contacts) == (13, 5)
    assert rows[UnitKind.PUBLIC_INSTITUTION].people == 0


def test_county_total_hidden_below_k(personas: Personas) -> None:
    """A county with fewer than k people in care shows nothing at all."""
    _cases(personas, personas.unit_a, 3)
    (row,) = care_aggregates(personas.org, group_by="county", period=YEAR, today=TODAY)
    assert row.key == TOTAL and row.suppressed and row.requests is None


def test_other_county_sees_nothing_of_ours(personas: Personas) -> None:
    """The aggregates count only the caller's county."""
    _cases(personas, personas.unit_a, 6)
    (row,) = care_aggregates(personas.outsider_org, period=YEAR, today=TODAY)
    assert (row.suppressed, row.people) == (False, 0)


@given(st.dictionaries(st.sampled_from("abcde"), st.integers(0, 30), min_size=1))
def test_suppression_never_leaves_a_small_remainder(sizes: dict[str, int]) -> None:
    """Whatever the group sizes, each shown group has 0 or ≥ k people, and when the total is
    shown the hidden groups together hold 0 or ≥ k people."""
    k = 5
    total = sum(sizes.values())
    hidden = suppressed_keys(sizes, total=total, k=k)
    for key, n in sizes.items():
        if key not in hidden:
            assert n == 0 or n >= k
    if TOTAL not in hidden:
        rest = sum(sizes[key] for key in hidden if key != TOTAL)
        assert rest == 0 or rest >= k
        assert total == 0 or total >= k
