"""Scoring one person's answers to a survey instrument (测评工具) by its published rule."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from zhongjian.core.errors import NotFound, ValidationError
from zhongjian.voice.instrument_spec import Instrument, ScoringMethod, instrument_from_spec

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"
MISSING_TOKENS = frozenset({"-", "x", "X"})
_FILE_NAME = re.compile(r"(?P<code>[a-z][a-z0-9_]*)\.v(?P<version>[1-9][0-9]*)\.json")
_INTEGER = re.compile(r"-?[0-9]+")


@dataclass(frozen=True)
class Score:
    """One person's result on one instrument; raw, score and band are None when unscored.

    ``raw`` is the sum of the item scores after reversal; ``score`` is the instrument's reported
    score (the sum, the mean of answered items, or the percentage), rounded to two decimals after
    the band was chosen on the exact value.
    """

    instrument: str
    version: int
    raw: int | None
    score: float | None
    band: str | None
    band_label: str | None
    scored: bool
    reason: str | None
    answered: int


def load_instrument(code: str, *, version: int | None = None) -> Instrument:
    """The bundled instrument ``code`` in its latest version, or in ``version`` when given."""
    versions = _bundled().get(code)
    if not versions:
        raise NotFound(_("没有编码为“%(code)s”的测评工具。") % {"code": code})
    if version is None:
        return versions[max(versions)]
    if version not in versions:
        raise NotFound(
            _("测评工具“%(code)s”没有第 %(version)d 版。") % {"code": code, "version": version}
        )
    return versions[version]


def list_instruments() -> list[Instrument]:
    """The latest version of every bundled instrument, ordered by code."""
    return [versions[max(versions)] for _code, versions in sorted(_bundled().items())]


def score_answers(*, instrument: Instrument, answers: Mapping[str, int | None]) -> Score:
    """Scores answers keyed by item code; an absent or None answer is a missing answer.

    Raises ValidationError, listing every problem, for an unknown item code or a value that is not
    one of the item's response options.
    """
    items = instrument.items_by_code
    errors = [
        _("没有编码为“%(code)s”的题目。") % {"code": code} for code in answers if code not in items
    ]
    for item in instrument.items:
        value = answers.get(item.code)
        # bool is an int subclass; True must not pass as the option value 1.
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not item.allows(value)
        ):
            errors.append(
                _("第 %(code)s 题的答案“%(value)s”不是可选的分值（可选：%(allowed)s）。")
                % {
                    "code": item.code,
                    "value": value,
                    "allowed": "、".join(str(option.value) for option in item.options),
                }
            )
    if errors:
        raise ValidationError(_("答案无效。"), errors=errors)
    item_scores = [
        item.item_score(value)
        for item in instrument.items
        if (value := answers.get(item.code)) is not None
    ]
    answered = len(item_scores)
    if answered < instrument.min_answered:
        return Score(
            instrument=instrument.code,
            version=instrument.version,
            raw=None,
            score=None,
            band=None,
            band_label=None,
            scored=False,
            reason=_("作答题数不足：至少需要 %(min)d 题，实际作答 %(answered)d 题。")
            % {"min": instrument.min_answered, "answered": answered},
            answered=answered,
        )
    raw = sum(item_scores)
    if instrument.method is ScoringMethod.SUM:
        exact = float(raw)
    elif instrument.method is ScoringMethod.MEAN:
        exact = raw / answered
    else:
        low, high = instrument.raw_range
        exact = 100 * (raw - low) / (high - low)
    band = instrument.band_for(exact)
    return Score(
        instrument=instrument.code,
        version=instrument.version,
        raw=raw,
        score=round(exact, 2),
        band=band.code if band else None,
        band_label=band.label if band else None,
        scored=True,
        reason=None,
        answered=answered,
    )


def parse_answer_tokens(*, instrument: Instrument, tokens: Sequence[str]) -> dict[str, int | None]:
    """Answers typed in item order (``-`` or ``x`` for a missing answer) keyed by item code.

    Only the shape is checked here; whether a value is an allowed option is score_answers' job.
    """
    if len(tokens) != len(instrument.items):
        raise ValidationError(
            _("“%(code)s”有 %(expected)d 道题，但给出了 %(actual)d 个答案。")
            % {"code": instrument.code, "expected": len(instrument.items), "actual": len(tokens)}
        )
    answers: dict[str, int | None] = {}
    errors: list[str] = []
    for item, token in zip(instrument.items, tokens, strict=True):
        text = token.strip()
        if text in MISSING_TOKENS:
            answers[item.code] = None
        elif _INTEGER.fullmatch(text):
            answers[item.code] = int(text)
        else:
            errors.append(
                _("第 %(code)s 题的答案“%(token)s”不是整数，缺答请用 - 或 x。")
                % {"code": item.code, "token": token}
            )
    if errors:
        raise ValidationError(_("答案无效。"), errors=errors)
    return answers


@functools.cache
def _bundled() -> dict[str, dict[int, Instrument]]:
    """Every instrument file under INSTRUMENTS_DIR, read once per process."""
    bundled: dict[str, dict[int, Instrument]] = {}
    for path in sorted(INSTRUMENTS_DIR.glob("*.json")):
        name = _FILE_NAME.fullmatch(path.name)
        try:
            instrument = instrument_from_spec(json.loads(path.read_text(encoding="utf-8")))
        except ValidationError as error:
            raise ValidationError(
                _("测评工具文件 %(name)s 无效。") % {"name": path.name}, errors=error.errors
            ) from error
        if name is None or (name["code"], int(name["version"])) != (
            instrument.code,
            instrument.version,
        ):
            # A misnamed file would be found under the wrong code or version: refuse it loudly.
            raise ValidationError(
                _("测评工具文件名 %(name)s 应为 %(expected)s。")
                % {"name": path.name, "expected": f"{instrument.code}.v{instrument.version}.json"}
            )
        bundled.setdefault(instrument.code, {})[instrument.version] = instrument
    return bundled
