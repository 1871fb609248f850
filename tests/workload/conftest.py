"""Workload fixtures: a few organs and a demand factory over the shared personas."""

import datetime
from typing import Any

import pytest

from tests.conftest import Personas
from zhongjian.workload.choices import DemandKind, OrganLevel
from zhongjian.workload.models import Organ
from zhongjian.workload.services import demand_register


@pytest.fixture
def organs(personas: Personas) -> dict[str, Organ]:
    county = personas.county
    return {
        "city": Organ.objects.create(county=county, name="市应急管理局", level=OrganLevel.CITY),
        "province": Organ.objects.create(
            county=county, name="省委办公厅", level=OrganLevel.PROVINCE
        ),
        "county": Organ.objects.create(county=county, name="县委办公室", level=OrganLevel.COUNTY),
    }


def register(personas: Personas, organ: Organ, *, units: list | None = None, **values: Any):  # type: ignore[no-untyped-def]
    """Register a demand as the 组织部 (defaults: a document to unit A issued 2025-03-10)."""
    data = {
        "title": values.pop("title", f"事项{values.get('issued_on', '')}{values.get('kind', '')}"),
        "kind": DemandKind.DOCUMENT,
        "issued_on": datetime.date(2025, 3, 10),
        **values,
    }
    demand, _added = demand_register(
        actor=personas.org, organ=organ, units=units or [personas.unit_a], values=data
    )
    return demand
