"""Pipeline fixtures on top of the personas: a vacant 副局长 post in unit B and its selection."""

import datetime
from dataclasses import dataclass

import pytest

from tests import factories
from tests.conftest import Personas
from zhongjian.org.choices import Establishment
from zhongjian.org.models import Post
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.models import Candidate, SelectionProcess
from zhongjian.pipeline.services import selection
from zhongjian.pipeline.services.vacancies import vacancy_rederive

START = datetime.date(2024, 8, 1)
TODAY = datetime.date(2024, 12, 2)


@dataclass
class Selection:
    personas: Personas
    post: Post
    process: SelectionProcess
    first: Candidate  # 张伟 of unit A, 党政综合办公室主任 (股级)
    second: Candidate  # 李娜 of unit B
    third: Candidate  # 王强 of unit B


@pytest.fixture
def vacant_post(personas: Personas) -> Post:
    """Post B (副局长, 县财政局) was held until 2024-06-30 and is vacant since 2024-07-01."""
    former = factories.cadre(unit=personas.unit_b, name="赵刚", status="retired")
    factories.appoint(
        cadre=former,
        post=personas.post_b,
        start=datetime.date(2018, 1, 1),
        end_date=datetime.date(2024, 6, 30),
        end_reason="retired",
    )
    vacancy_rederive(posts=[personas.post_a, personas.post_b], today=TODAY)
    return personas.post_b


def add_candidates(process: SelectionProcess, personas: Personas) -> list[Candidate]:
    third_cadre = factories.cadre(
        unit=personas.unit_b, name="王强", establishment=Establishment.ADMINISTRATIVE
    )
    return [
        selection.candidate_add(actor=personas.org, process=process, cadre=cadre, added_on=START)
        for cadre in (personas.cadre_a, personas.cadre_b, third_cadre)
    ]


def move(process: SelectionProcess, actor: object, target: str, on: datetime.date, **kw: object):  # type: ignore[no-untyped-def]
    return selection.process_transition(actor=actor, process=process, target=target, on=on, **kw)


@pytest.fixture
def running(personas: Personas, vacant_post: Post) -> Selection:
    """A selection for post B at the 动议 stage with three candidates."""
    process = selection.process_start(
        actor=personas.org, post=vacant_post, started_on=START, reason="原副局长退休"
    )
    first, second, third = add_candidates(process, personas)
    return Selection(personas, vacant_post, process, first, second, third)


def to_decision(sel: Selection) -> None:
    """Recommend all three, vet the first two, and move to 讨论决定 (2024-09-02)."""
    org = sel.personas.org
    move(sel.process, org, Stage.RECOMMENDATION, datetime.date(2024, 8, 5))
    selection.process_update(
        actor=org, process=sel.process, reason="原副局长退休", recommendation_voters=40
    )
    for candidate, votes, target in (
        (sel.first, 30, True),
        (sel.second, 25, True),
        (sel.third, 5, False),
    ):
        selection.candidate_update(
            actor=org, candidate=candidate, votes=votes, is_vetting_target=target
        )
    move(sel.process, org, Stage.VETTING, datetime.date(2024, 8, 12))
    for rank, candidate in enumerate((sel.first, sel.second), start=1):
        selection.candidate_update(
            actor=org,
            candidate=candidate,
            vetting_score=90 - rank,
            vetting_rank=rank,
            vetting_notes="政治过硬，实绩突出",
            vetted_on=datetime.date(2024, 8, 30),
        )
    move(sel.process, org, Stage.DECISION, datetime.date(2024, 9, 2))


def to_notice(sel: Selection, *, posted: datetime.date = datetime.date(2024, 9, 30)) -> None:
    """Choose the first candidate, hold the talk and post the notice on POSTED."""
    to_decision(sel)
    org = sel.personas.org
    selection.candidate_update(actor=org, candidate=sel.first, is_chosen=True)
    move(sel.process, org, Stage.PRE_APPOINTMENT_TALK, datetime.date(2024, 9, 10))
    move(sel.process, org, Stage.PUBLIC_NOTICE, posted)


@pytest.fixture
def at_notice(running: Selection) -> Selection:
    to_notice(running)
    return running
