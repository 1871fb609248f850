"""Reads of the projection, for the organization department of a county only.

The projection is a county-wide policy tool: it rests on every unit's registry, so a unit head
(whose scope is one unit) is refused with 403 rather than shown a projection of one unit, which
would be too small for a Markov estimate and would reveal other units' flows in its rates.
"""

import datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, QuerySet

from zhongjian.accounts.roles import Role
from zhongjian.core.permissions import get_scoped_or_404, scoped
from zhongjian.org.models import Appointment, Cadre, County, Post
from zhongjian.pipeline.models import BenchEntry, Candidate, Departure
from zhongjian.projection.estimation import Estimate, estimate
from zhongjian.projection.models import Scenario

CACHE_SECONDS = 600


def require_projection_user(user: Any) -> County:
    """The county whose projection USER may use; anyone but its 组织部 gets 403."""
    if getattr(user, "role", None) != Role.ORG_DEPARTMENT or user.county_id is None:
        raise PermissionDenied
    return user.county


def _data_stamp(county_id: int) -> str:
    """Changes whenever a registry or pipeline row of the county is added, changed or removed
    in a way that matters to the estimate (row counts and the latest ids)."""
    parts = []
    for model in (Cadre, Appointment, Departure, Candidate, BenchEntry, Post):
        figures = model.objects.filter(county_id=county_id).aggregate(n=Count("id"), m=Max("id"))
        parts.append(f"{figures['n']}.{figures['m']}")
    # Ending an appointment changes no count: the newest end date tells.
    latest_end = Appointment.objects.filter(county_id=county_id).aggregate(m=Max("end_date"))["m"]
    parts.append(str(latest_end))
    return "-".join(parts)


def projection_estimate(*, user: Any, today: datetime.date) -> Estimate:
    """The baseline estimated from USER's county as of TODAY (cached while the data stand)."""
    county = require_projection_user(user)
    key = f"projection:estimate:{county.pk}:{today.isoformat()}:{_data_stamp(county.pk)}"
    found = cache.get(key)
    if found is None:
        found = estimate(county, today=today)
        cache.set(key, found, CACHE_SECONDS)
    return found


def scenario_list(*, user: Any) -> QuerySet[Scenario]:
    require_projection_user(user)
    return scoped(Scenario.objects.all(), user, unit_field=None).order_by("name")


def scenario_get(*, user: Any, pk: object) -> Scenario:
    require_projection_user(user)
    return get_scoped_or_404(Scenario.objects.all(), user, pk, unit_field=None)
