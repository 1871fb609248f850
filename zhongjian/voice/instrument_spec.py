"""Survey instruments (测评工具) as data: the JSON schema, its validator and the typed instrument.

Bundled instruments live in ``zhongjian/voice/instruments/<code>.v<version>.json``; custom
instruments an organization department adds are stored in the database as the same JSON. A
specification is::

    {
      "code": "who5",                   # ^[a-z][a-z0-9_]{1,39}$, stable across versions
      "version": 1,                     # positive integer; raise it on any change of wording,
                                        # options or scoring, so results stay comparable per version
      "title": "…", "instructions": "…",
      "validated": true,                # false for item sets written here and never validated
      "source": {"citation": "…", "licence": "…", "url": "…", "translation": "…"},
                                        # url and translation are optional
      "options": [{"value": 0, "label": "…"}, …],
                                        # default response options; optional when each item
                                        # has its own
      "items": [{"code": "q1", "text": "…", "reverse": false, "subscale": null, "options": […]}, …],
                                        # subscale and options are optional
      "scoring": {"method": "sum" | "mean" | "percentage"},
      "missing": {"min_answered": 5},   # fewer answered items leave the response unscored
      "bands": [{"code": "…", "label": "…", "min": 0, "max": 28,
                 "min_inclusive": true, "max_inclusive": true}, …]
    }

Scoring: a reversed item scores ``lowest + highest - answer`` on its own options. ``sum`` adds the
item scores; ``mean`` divides that sum by the number of answered items (all items must then share
the same lowest and highest option); ``percentage`` places the sum within its possible range on
0–100 (WHO-5: raw × 4). A sum means nothing with items missing, so ``sum`` and ``percentage``
need ``min_answered`` equal to the number of items. Bands are listed in ascending order and tile
the score range exactly: no gap, no overlap (inclusivity flags default to true). An empty list
means the instrument has no published cut-offs.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeGuard, cast

from django.utils.translation import gettext as _

from zhongjian.core.errors import ValidationError

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
ITEM_CODE_PATTERN = re.compile(r"[a-z0-9_]{1,40}")
MAX_ITEMS = 60
MAX_OPTIONS = 11


class ScoringMethod(StrEnum):
    SUM = "sum"
    MEAN = "mean"
    PERCENTAGE = "percentage"


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    code: str
    text: str
    reverse: bool
    subscale: str | None
    options: tuple[Option, ...]

    # Derived once per item (an instrument is immutable and lives as long as its wave's cache):
    # every submission scores every item.
    @functools.cached_property
    def values(self) -> frozenset[int]:
        return frozenset(option.value for option in self.options)

    @functools.cached_property
    def lowest(self) -> int:
        return min(self.values)

    @functools.cached_property
    def highest(self) -> int:
        return max(self.values)

    def allows(self, value: int) -> bool:
        return value in self.values

    def item_score(self, value: int) -> int:
        """The answer's contribution to the raw score, reversed where the item says so."""
        return self.lowest + self.highest - value if self.reverse else value


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    min: float
    max: float
    min_inclusive: bool = True
    max_inclusive: bool = True

    def contains(self, score: float) -> bool:
        above = score >= self.min if self.min_inclusive else score > self.min
        below = score <= self.max if self.max_inclusive else score < self.max
        return above and below


@dataclass(frozen=True)
class Source:
    citation: str
    licence: str
    url: str | None = None
    translation: str | None = None


@dataclass(frozen=True)
class Instrument:
    code: str
    version: int
    title: str
    instructions: str
    validated: bool
    source: Source
    items: tuple[Item, ...]
    method: ScoringMethod
    min_answered: int
    bands: tuple[Band, ...]

    @functools.cached_property
    def raw_range(self) -> tuple[int, int]:
        """Lowest and highest possible raw score (sum of item scores) with every item answered."""
        return sum(item.lowest for item in self.items), sum(item.highest for item in self.items)

    @property
    def score_range(self) -> tuple[float, float]:
        if self.method is ScoringMethod.SUM:
            low, high = self.raw_range
            return float(low), float(high)
        if self.method is ScoringMethod.MEAN:
            return float(self.items[0].lowest), float(self.items[0].highest)
        return 0.0, 100.0

    @functools.cached_property
    def items_by_code(self) -> dict[str, Item]:
        return {item.code: item for item in self.items}

    def band_for(self, score: float) -> Band | None:
        return next((band for band in self.bands if band.contains(score)), None)


def validate_instrument_spec(data: object) -> list[str]:
    """Every problem of an instrument specification as a Chinese message; empty when it is valid."""
    errors: list[str] = []
    if not _check_object(data, "", _TOP_KEYS, errors):
        return errors
    _check_pattern(data.get("code"), "code", CODE_PATTERN, errors)
    _check_int(data.get("version"), "version", errors, minimum=1)
    _check_text(data.get("title"), "title", errors, max_length=100)
    _check_text(data.get("instructions"), "instructions", errors, max_length=1000)
    _check_bool(data.get("validated"), "validated", errors)
    _check_source(data.get("source"), errors)
    if "options" in data:
        _check_options(data["options"], "options", errors)
    _check_items(data.get("items"), has_default_options="options" in data, errors=errors)
    _check_scoring(data.get("scoring"), errors)
    _check_missing(data.get("missing"), errors)
    _check_band_fields(data.get("bands"), errors)
    if errors:
        # The checks below relate parts to each other and need each part well formed.
        return errors
    _check_consistency(_build(data), errors)
    return errors


def instrument_from_spec(data: object) -> Instrument:
    """The typed instrument of a specification; raises ValidationError listing every problem."""
    errors = validate_instrument_spec(data)
    if errors:
        raise ValidationError(_("测评工具定义无效。"), errors=errors)
    return _build(cast(dict[str, Any], data))


_TOP_KEYS = frozenset(
    {"code", "version", "title", "instructions", "validated", "source", "options", "items"}
    | {"scoring", "missing", "bands"}
)
_SOURCE_KEYS = frozenset({"citation", "licence", "url", "translation"})
_OPTION_KEYS = frozenset({"value", "label"})
_ITEM_KEYS = frozenset({"code", "text", "reverse", "subscale", "options"})
_BAND_KEYS = frozenset({"code", "label", "min", "max", "min_inclusive", "max_inclusive"})


def _build(data: dict[str, Any]) -> Instrument:
    """The instrument of a specification whose parts are each well formed."""
    default_options = data.get("options")
    source = data["source"]
    return Instrument(
        code=data["code"],
        version=data["version"],
        title=data["title"],
        instructions=data["instructions"],
        validated=data["validated"],
        source=Source(
            citation=source["citation"],
            licence=source["licence"],
            url=source.get("url"),
            translation=source.get("translation"),
        ),
        items=tuple(
            Item(
                code=item["code"],
                text=item["text"],
                reverse=item.get("reverse", False),
                subscale=item.get("subscale"),
                options=tuple(
                    Option(value=option["value"], label=option["label"])
                    for option in item.get("options", default_options)
                ),
            )
            for item in data["items"]
        ),
        method=ScoringMethod(data["scoring"]["method"]),
        min_answered=data["missing"]["min_answered"],
        bands=tuple(
            Band(
                code=band["code"],
                label=band["label"],
                min=band["min"],
                max=band["max"],
                min_inclusive=band.get("min_inclusive", True),
                max_inclusive=band.get("max_inclusive", True),
            )
            for band in data["bands"]
        ),
    )


def _check_consistency(instrument: Instrument, errors: list[str]) -> None:
    n_items = len(instrument.items)
    if instrument.min_answered > n_items:
        errors.append(_("missing.min_answered：不能大于题目数 %(n)d") % {"n": n_items})
    elif instrument.method is not ScoringMethod.MEAN and instrument.min_answered != n_items:
        errors.append(
            _("missing.min_answered：求和或百分比计分不允许缺答，须等于题目数 %(n)d")
            % {"n": n_items}
        )
    if instrument.method is ScoringMethod.MEAN and (
        len({(item.lowest, item.highest) for item in instrument.items}) > 1
    ):
        errors.append(_("items：均分计分要求各题选项的最低分和最高分相同"))
        return
    bands = instrument.bands
    if not bands:
        return
    if len({band.code for band in bands}) != len(bands):
        errors.append(_("bands：分级编码不能重复"))
    for index, band in enumerate(bands):
        if band.min > band.max or (
            band.min == band.max and not (band.min_inclusive and band.max_inclusive)
        ):
            errors.append(_("bands[%(index)d]：区间为空") % {"index": index})
    low, high = instrument.score_range
    if bands[0].min != low or not bands[0].min_inclusive:
        errors.append(_("bands：第一个分级必须从最低分 %(low)g 开始（含）") % {"low": low})
    if bands[-1].max != high or not bands[-1].max_inclusive:
        errors.append(_("bands：最后一个分级必须到最高分 %(high)g 为止（含）") % {"high": high})
    for index, (before, after) in enumerate(itertools.pairwise(bands), start=1):
        if before.max != after.min or before.max_inclusive == after.min_inclusive:
            errors.append(
                _("bands[%(index)d]：必须紧接上一个分级，边界值只能属于其中一个分级")
                % {"index": index}
            )


def _check_object(
    value: object, path: str, keys: Iterable[str], errors: list[str]
) -> TypeGuard[dict[str, Any]]:
    """Checks that ``value`` is an object with no key outside ``keys``; fields are checked apart."""
    if not isinstance(value, dict):
        errors.append(_("%(path)s：必须是对象") % {"path": path or _("测评工具定义")})
        return False
    prefix = f"{path}." if path else ""
    errors.extend(
        _("%(path)s：未知字段") % {"path": prefix + key}
        for key in sorted(map(str, value))
        if key not in keys
    )
    return True


def _check_text(value: object, path: str, errors: list[str], *, max_length: int) -> None:
    if not isinstance(value, str) or not value.strip():
        errors.append(_("%(path)s：必须是非空文本") % {"path": path})
    elif len(value) > max_length:
        errors.append(_("%(path)s：不能超过 %(max)d 个字符") % {"path": path, "max": max_length})


def _check_pattern(value: object, path: str, pattern: re.Pattern[str], errors: list[str]) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        errors.append(
            _("%(path)s：只能使用小写字母、数字和下划线（格式 %(pattern)s）")
            % {"path": path, "pattern": pattern.pattern}
        )


def _is_int(value: object) -> bool:
    # bool is a subclass of int, and true/false are never meant as numbers here.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_int(value) or (isinstance(value, float) and math.isfinite(value))


def _check_int(value: object, path: str, errors: list[str], *, minimum: int) -> None:
    if not _is_int(value) or value < minimum:  # type: ignore[operator]
        errors.append(_("%(path)s：必须是不小于 %(min)d 的整数") % {"path": path, "min": minimum})


def _check_bool(value: object, path: str, errors: list[str]) -> None:
    if not isinstance(value, bool):
        errors.append(_("%(path)s：必须为 true 或 false") % {"path": path})


def _check_source(value: object, errors: list[str]) -> None:
    if not _check_object(value, "source", _SOURCE_KEYS, errors):
        return
    _check_text(value.get("citation"), "source.citation", errors, max_length=1000)
    _check_text(value.get("licence"), "source.licence", errors, max_length=1000)
    for key in ("url", "translation"):
        if key in value:
            _check_text(value[key], f"source.{key}", errors, max_length=1000)


def _check_options(value: object, path: str, errors: list[str]) -> None:
    if not isinstance(value, list) or not 2 <= len(value) <= MAX_OPTIONS:
        errors.append(
            _("%(path)s：必须是 2 到 %(max)d 个选项的列表") % {"path": path, "max": MAX_OPTIONS}
        )
        return
    count = len(errors)
    for index, option in enumerate(value):
        option_path = f"{path}[{index}]"
        if _check_object(option, option_path, _OPTION_KEYS, errors):
            if not _is_int(option.get("value")):
                errors.append(_("%(path)s.value：必须是整数") % {"path": option_path})
            _check_text(option.get("label"), f"{option_path}.label", errors, max_length=40)
    if len(errors) > count:
        return
    if len({option["value"] for option in value}) != len(value):
        errors.append(_("%(path)s：选项分值不能重复") % {"path": path})
    if len({option["label"] for option in value}) != len(value):
        errors.append(_("%(path)s：选项文字不能重复") % {"path": path})


def _check_items(value: object, *, has_default_options: bool, errors: list[str]) -> None:
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ITEMS:
        errors.append(_("items：必须是 1 到 %(max)d 道题的列表") % {"max": MAX_ITEMS})
        return
    codes: set[str] = set()
    for index, item in enumerate(value):
        path = f"items[{index}]"
        if not _check_object(item, path, _ITEM_KEYS, errors):
            continue
        code = item.get("code")
        _check_pattern(code, f"{path}.code", ITEM_CODE_PATTERN, errors)
        if isinstance(code, str):
            if code in codes:
                errors.append(_("%(path)s.code：编码“%(code)s”重复") % {"path": path, "code": code})
            codes.add(code)
        _check_text(item.get("text"), f"{path}.text", errors, max_length=300)
        _check_bool(item.get("reverse", False), f"{path}.reverse", errors)
        if item.get("subscale") is not None:
            _check_pattern(item["subscale"], f"{path}.subscale", ITEM_CODE_PATTERN, errors)
        if "options" in item:
            _check_options(item["options"], f"{path}.options", errors)
        elif not has_default_options:
            errors.append(_("%(path)s：没有选项，也没有默认选项 options") % {"path": path})


def _check_scoring(value: object, errors: list[str]) -> None:
    if not _check_object(value, "scoring", {"method"}, errors):
        return
    method = value.get("method")
    if not isinstance(method, str) or method not in {str(choice) for choice in ScoringMethod}:
        errors.append(
            _("scoring.method：必须是 %(methods)s 之一")
            % {"methods": "、".join(str(choice) for choice in ScoringMethod)}
        )


def _check_missing(value: object, errors: list[str]) -> None:
    if _check_object(value, "missing", {"min_answered"}, errors):
        _check_int(value.get("min_answered"), "missing.min_answered", errors, minimum=1)


def _check_band_fields(value: object, errors: list[str]) -> None:
    if not isinstance(value, list):
        errors.append(_("bands：必须是列表（没有界值时为空列表）"))
        return
    for index, band in enumerate(value):
        path = f"bands[{index}]"
        if not _check_object(band, path, _BAND_KEYS, errors):
            continue
        _check_pattern(band.get("code"), f"{path}.code", ITEM_CODE_PATTERN, errors)
        _check_text(band.get("label"), f"{path}.label", errors, max_length=40)
        for key in ("min", "max"):
            if not _is_number(band.get(key)):
                errors.append(_("%(path)s：必须是数值") % {"path": f"{path}.{key}"})
        for key in ("min_inclusive", "max_inclusive"):
            _check_bool(band.get(key, True), f"{path}.{key}", errors)
