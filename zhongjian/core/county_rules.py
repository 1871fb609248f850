"""Rules per county (issue #8.7): national rows (county empty) with county overrides.

A county that has any row for a rule key (a retirement track, a rank, an eligibility key, a day)
uses only its own rows for that key; every other key keeps the national rows. So one county's
change can never move another county's figures.
"""

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


def effective_rules(
    queryset: QuerySet[M], *, county_id: int | None, key: Callable[[Any], Hashable]
) -> list[M]:
    """The rows of QUERYSET in force for COUNTY_ID: its overrides, else the national rows."""
    rows = list(queryset.filter(Q(county__isnull=True) | Q(county_id=county_id)))
    return rules_in_force(rows, county_id=county_id, key=key)


def rules_in_force(
    rows: list[M], *, county_id: int | None, key: Callable[[Any], Hashable]
) -> list[M]:
    """Of ROWS (national and any counties' rows, read once), those in force for COUNTY_ID."""
    rows = [row for row in rows if row.county_id is None or row.county_id == county_id]
    overridden = {key(row) for row in rows if row.county_id is not None}
    return [row for row in rows if row.county_id is not None or key(row) not in overridden]
