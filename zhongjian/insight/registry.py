"""The indicator layer (指标体系): definitions every module contributes, computed for a scope.

An indicator is a definition (code, Chinese name, formula in words, unit, direction, owning
module). Its values come from a `Provider` of the module that owns the data: a scoped read that
takes the acting user first and returns only figures that user may see.

Contribution protocol. An app contributes by shipping a module `indicators.py` with
`PROVIDERS: list[Provider]`; `providers()` discovers them through the installed AppConfigs, so
wiring in a new module (workload, care) is a file in that app and nothing else. The registry,
org and pipeline providers that predate the protocol live in `zhongjian/insight/indicators.py`
until their apps take them over (moving the file is the whole migration).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _


class Direction(StrEnum):
    """Which way is good: an alert fires when a value moves the bad way past its threshold."""

    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    NEUTRAL = "neutral"


DIRECTION_LABELS = {
    Direction.HIGHER_BETTER: _("越高越好"),
    Direction.LOWER_BETTER: _("越低越好"),
    Direction.NEUTRAL: _("中性"),
}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: Any  # lazy Chinese text
    formula: Any  # the formula in words, Chinese
    unit: Any  # "%", "人", "天", "年" …
    direction: Direction
    module: str  # the app that owns the data: org, pipeline, voice, workload, care
    # The list of records behind the figure (a URL name), for roles that may see individuals.
    records_url: str = ""
    # The per-part breakdown the value carries, e.g. "tier" or "kind" (empty: none).
    parts_by: str = ""


@dataclass(frozen=True)
class IndicatorScope:
    """Where an indicator is computed, inside the user's own scope: the county, a unit type or
    a unit. A unit head's scope is always their unit, whatever is asked."""

    unit_kind: str = ""
    unit_id: int | None = None

    def filters(self, *, unit_field: str = "unit") -> dict[str, Any]:
        """Keyword filters narrowing a queryset whose rows have UNIT_FIELD to this scope."""
        result: dict[str, Any] = {}
        if self.unit_id is not None:
            result[f"{unit_field}_id"] = self.unit_id
        if self.unit_kind:
            result[f"{unit_field}__kind"] = self.unit_kind
        return result


@dataclass(frozen=True)
class Period:
    """The days from START to END, both included; stock figures are taken on END."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year_to(cls, end: datetime.date) -> Period:
        """The twelve months up to END."""
        try:
            start = end.replace(year=end.year - 1) + datetime.timedelta(days=1)
        except ValueError:  # 29 February
            start = datetime.date(end.year - 1, 3, 1)
        return cls(start=start, end=end)


@dataclass(frozen=True)
class Part:
    label: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None


@dataclass(frozen=True)
class Value:
    """One indicator's figure; `value` is None when there is nothing to show (no denominator,
    or a group below k), and `note` then says why."""

    code: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    parts: tuple[Part, ...] = ()
    note: str = ""


Compute = Callable[..., dict[str, Value]]


@dataclass(frozen=True)
class Provider:
    """A module's indicators and the scoped read that computes them:
    `compute(user, *, scope: IndicatorScope, period: Period) -> {code: Value}`."""

    module: str
    indicators: tuple[Indicator, ...]
    compute: Compute
    # Roles whose scope the provider can serve; others get no values from it.
    roles: tuple[str, ...] = field(default=())


def ratio(numerator: float, denominator: float, *, percent: bool = True) -> float | None:
    if not denominator:
        return None
    return round((100 if percent else 1) * numerator / denominator, 1)


@cache
def providers() -> tuple[Provider, ...]:
    """Every app's providers, in INSTALLED_APPS order (discovered once per process)."""
    found: list[Provider] = []
    for config in apps.get_app_configs():
        dotted = f"{config.name}.indicators"
        if not config.name.startswith("zhongjian.") or find_spec(dotted) is None:
            continue
        found.extend(getattr(import_module(dotted), "PROVIDERS", ()))
    codes = [indicator.code for provider in found for indicator in provider.indicators]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise RuntimeError(f"indicator codes defined twice: {sorted(duplicates)}")
    return tuple(found)


def catalogue() -> list[Indicator]:
    return [indicator for provider in providers() for indicator in provider.indicators]


def indicator_get(code: str) -> Indicator | None:
    return next((i for i in catalogue() if i.code == code), None)


def indicator_values(
    user: Any,
    *,
    scope: IndicatorScope,
    period: Period,
    modules: Iterable[str] | None = None,
) -> dict[str, Value]:
    """Every indicator's value for SCOPE and PERIOD, as USER may see it."""
    wanted = set(modules) if modules is not None else None
    role = getattr(user, "role", "")
    values: dict[str, Value] = {}
    for provider in providers():
        if wanted is not None and provider.module not in wanted:
            continue
        if provider.roles and role not in provider.roles:
            continue
        values.update(provider.compute(user, scope=scope, period=period))
    return values
