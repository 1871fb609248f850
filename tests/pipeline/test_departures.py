"""Departures (离岗): posts end, vacancies open, status changes; secondments; exit interviews."""

import datetime

import pytest

from tests import factories
from tests.conftest import Personas
from tests.pipeline.conftest import Selection
from zhongjian.core.errors import Conflict, PermissionDenied, ValidationError
from zhongjian.org.models import Appointment
from zhongjian.pipeline.choices import CandidateOutcome, DepartureKind
from zhongjian.pipeline.models import BenchEntry, Vacancy
from zhongjian.pipeline.services.bench import bench_add
from zhongjian.pipeline.services.departures import (
    departure_record,
    exit_interview_record,
    secondment_return,
)

D = datetime.date
NOV_1 = D(2024, 11, 1)


def leave(personas: Personas, kind: str, on: datetime.date = NOV_1, **kw: object):  # type: ignore[no-untyped-def]
    return departure_record(
        actor=personas.org,
        cadre=personas.cadre_a,
        kind=kind,
        destination_level=kw.pop("destination_level", "city"),
        departed_on=on,
        **kw,
    )


def test_upward_selection_ends_posts_and_opens_the_vacancy(personas: Personas) -> None:
    """遴选: the 股级 post ends on the departure day, its vacancy opens the next, status changes."""
    departure = leave(personas, DepartureKind.UPWARD_SELECTION, destination="市财政局")
    appointment = Appointment.objects.get(cadre=personas.cadre_a)
    assert (appointment.end_date, appointment.end_reason) == (D(2024, 11, 1), "departed")
    assert Vacancy.objects.get(post=personas.post_a).opened_on == D(2024, 11, 2)
    personas.cadre_a.refresh_from_db()
    assert personas.cadre_a.status == "departed"
    assert (departure.tier, departure.held_leadership) == ("guji", False)
    with pytest.raises(Conflict, match="不能再登记离岗"):
        leave(personas, DepartureKind.RESIGNATION)


def test_retirement_marks_retired(personas: Personas) -> None:
    """退休 ends posts with reason 退休 and marks the cadre retired."""
    leave(personas, DepartureKind.RETIREMENT, destination_level="outside")
    personas.cadre_a.refresh_from_db()
    assert personas.cadre_a.status == "retired"
    assert Appointment.objects.get(cadre=personas.cadre_a).end_reason == "retired"


def test_departure_takes_the_cadre_off_benches_and_selections(running: Selection) -> None:
    """Leaving ends bench places and withdraws the cadre from selections under way."""
    personas = running.personas
    entry = bench_add(
        actor=personas.org,
        post=personas.post_b,
        cadre=personas.cadre_a,
        readiness="ready_now",
        added_on=D(2024, 1, 1),
    )
    leave(personas, DepartureKind.TRANSFER, destination_level="county")
    entry.refresh_from_db()
    assert entry.removed_on == D(2024, 11, 1)
    running.first.refresh_from_db()
    assert running.first.outcome == CandidateOutcome.WITHDRAWN
    assert "调任/转任" in running.first.outcome_note
    assert not BenchEntry.objects.filter(removed_on__isnull=True).exists()


def test_secondment_keeps_the_post_and_is_flagged_when_overdue(personas: Personas) -> None:
    """借调 keeps post and status; past the planned return it is overdue until it returns."""
    departure = leave(
        personas, DepartureKind.SECONDMENT, on=D(2024, 3, 1), planned_return_on=D(2024, 9, 1)
    )
    assert Appointment.objects.get(cadre=personas.cadre_a).end_date is None
    personas.cadre_a.refresh_from_db()
    assert personas.cadre_a.status == "active"
    assert not departure.is_overdue(D(2024, 9, 1))
    assert departure.is_overdue(D(2024, 9, 2))
    with pytest.raises(Conflict, match="正在借调中"):
        leave(personas, DepartureKind.SECONDMENT, on=D(2024, 4, 1), planned_return_on=D(2025, 1, 1))
    secondment_return(actor=personas.org, departure=departure, returned_on=D(2024, 10, 8))
    assert not departure.is_overdue(D(2024, 12, 1))
    with pytest.raises(Conflict):
        secondment_return(actor=personas.org, departure=departure, returned_on=D(2024, 10, 9))


def test_secondment_needs_a_later_return_date(personas: Personas) -> None:
    """A secondment without a planned return, or one before it starts, is refused."""
    with pytest.raises(ValidationError, match="计划返回时间"):
        leave(personas, DepartureKind.SECONDMENT)
    with pytest.raises(ValidationError, match="计划返回时间"):
        leave(personas, DepartureKind.SECONDMENT, planned_return_on=D(2024, 10, 1))


def test_secondment_turned_into_upward_selection(personas: Personas) -> None:
    """A seconded cadre who leaves through 遴选 ends the secondment without returning."""
    secondment = leave(
        personas, DepartureKind.SECONDMENT, on=D(2024, 3, 1), planned_return_on=D(2024, 9, 1)
    )
    upward = leave(personas, DepartureKind.UPWARD_SELECTION, on=D(2024, 10, 1))
    secondment.refresh_from_db()
    assert secondment.followed_by == upward
    assert not secondment.is_away and not secondment.is_overdue(D(2024, 12, 1))


def test_exit_interview_is_validated_and_can_be_corrected(personas: Personas) -> None:
    """At least one listed reason; 其他 needs text; a second call corrects the first."""
    departure = leave(personas, DepartureKind.RESIGNATION, destination_level="outside")
    with pytest.raises(ValidationError, match="至少选择一项"):
        exit_interview_record(
            actor=personas.org, departure=departure, interviewed_on=D(2024, 11, 1), reasons=[]
        )
    with pytest.raises(ValidationError, match="不在列表中"):
        exit_interview_record(
            actor=personas.org,
            departure=departure,
            interviewed_on=D(2024, 11, 1),
            reasons=["boredom"],
        )
    with pytest.raises(ValidationError, match="本人陈述中写明"):
        exit_interview_record(
            actor=personas.org,
            departure=departure,
            interviewed_on=D(2024, 11, 1),
            reasons=["other"],
        )
    exit_interview_record(
        actor=personas.org,
        departure=departure,
        interviewed_on=D(2024, 10, 28),
        reasons=["far_from_home", "children_education", "far_from_home"],
        details="家在市区，孩子明年上初中",
        would_return_if="能解决子女入学",
    )
    interview = exit_interview_record(
        actor=personas.org,
        departure=departure,
        interviewed_on=D(2024, 10, 28),
        reasons=["small_pay_rise"],
    )
    assert interview.reasons == ["small_pay_rise"]
    assert type(interview).objects.count() == 1


def test_only_the_organization_department_records_departures(personas: Personas) -> None:
    """A unit head cannot record a departure, even in their own unit."""
    with pytest.raises(PermissionDenied):
        departure_record(
            actor=personas.head_a,
            cadre=personas.cadre_a,
            kind="resignation",
            destination_level="outside",
            departed_on=D(2024, 11, 1),
        )


def test_held_leadership_is_kept_on_the_departure(personas: Personas) -> None:
    """A 副科 leader's departure remembers the tier and the leadership post."""
    deputy = factories.post(unit=personas.unit_a, tier="fuke", title="副镇长", is_leadership=True)
    factories.appoint(cadre=personas.cadre_b, post=deputy, start=D(2021, 1, 1))
    departure = departure_record(
        actor=personas.org,
        cadre=personas.cadre_b,
        kind="upward_selection",
        destination_level="city",
        departed_on=D(2024, 5, 6),
    )
    assert (departure.tier, departure.held_leadership) == ("fuke", True)
