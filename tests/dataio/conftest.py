"""Fixtures of the import tests: a county whose units match the codes the row strategies draw."""

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import transaction

from tests import factories
from tests.conftest import Personas
from zhongjian.dataio.models import ImportJob
from zhongjian.dataio.services import import_job_submit
from zhongjian.org.models import Unit


@dataclass
class Registry:
    personas: Personas
    units: list[Unit]


@pytest.fixture
def registry(personas: Personas) -> Registry:
    """Personas plus units U000 … U006 of the personas' county (the codes cadre_rows uses)."""
    units = [factories.unit(county=personas.county, code=f"U{n:03d}") for n in range(7)]
    return Registry(personas=personas, units=units)


def run_import(
    actor: object, kind: str, data: bytes, filename: str = "名单.xlsx", *, commit: bool = True
) -> ImportJob:
    """Submit a file as ACTOR and return the job after its (inline) run."""
    job = import_job_submit(actor=actor, kind=kind, data=data, filename=filename, commit=commit)
    job.refresh_from_db()
    return job


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a savepoint that is rolled back, so each Hypothesis example starts from
    the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
