"""Wellbeing indicators (WHO-5, CBI work burnout, turnover intention) from closed survey waves.

Read only through voice's report selector, which publishes a cell only when it holds at least
k answers and survives complementary suppression over the whole wave: insight never sees a
response, only the published cell of the latest closed wave for the scope.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.insight.registry import Direction, Indicator, IndicatorScope, Period, Value
from zhongjian.voice.choices import WaveStatus
from zhongjian.voice.selectors.reports import GroupFilter, wave_report
from zhongjian.voice.selectors.waves import wave_list

# (code, instrument, bands counted in the share or "" for the mean, name, formula, direction)
SPECS: tuple[tuple[str, str, tuple[str, ...], Any, Any, Direction], ...] = (
    (
        "voice.who5_mean",
        "who5",
        (),
        gettext_lazy("WHO-5 幸福感均分"),
        gettext_lazy(
            "最近一次已结束测评中 WHO-5 百分制得分的平均值（该群体作答 ≥ k 且未被隐藏时才显示）。"
        ),
        Direction.HIGHER_BETTER,
    ),
    (
        "voice.who5_low",
        "who5",
        ("likely_depression", "poor_wellbeing"),
        gettext_lazy("WHO-5 ≤ 50 占比"),
        gettext_lazy(
            "WHO-5 得分 ≤ 50（幸福感较差或可能抑郁）的作答人数 ÷ 作答人数 × 100%，k 安全。"
        ),
        Direction.LOWER_BETTER,
    ),
    (
        "voice.who5_very_low",
        "who5",
        ("likely_depression",),
        gettext_lazy("WHO-5 ≤ 28 占比"),
        gettext_lazy("WHO-5 得分 ≤ 28（建议进一步评估）的作答人数 ÷ 作答人数 × 100%，k 安全。"),
        Direction.LOWER_BETTER,
    ),
    (
        "voice.cbi_mean",
        "cbi_work",
        (),
        gettext_lazy("工作倦怠均分（CBI）"),
        gettext_lazy("CBI 工作相关倦怠分量表（0–100）得分的平均值，k 安全。"),
        Direction.LOWER_BETTER,
    ),
    (
        "voice.cbi_high",
        "cbi_work",
        ("high",),
        gettext_lazy("工作倦怠 ≥ 50 占比"),
        gettext_lazy("CBI 工作倦怠得分 ≥ 50 的作答人数 ÷ 作答人数 × 100%，k 安全。"),
        Direction.LOWER_BETTER,
    ),
    (
        "voice.turnover_mean",
        "turnover",
        (),
        gettext_lazy("离开意向均分"),
        gettext_lazy("离开意向量表（1–5）得分的平均值，k 安全。"),
        Direction.LOWER_BETTER,
    ),
)

WELLBEING = tuple(
    Indicator(code, name, formula, "%" if bands else gettext_lazy("分"), direction, "voice")
    for code, _instrument, bands, name, formula, direction in SPECS
)


def _group(scope: IndicatorScope) -> GroupFilter:
    if scope.unit_id is not None:
        return GroupFilter(unit=str(scope.unit_id))
    return GroupFilter(unit_kind=scope.unit_kind or None)


def closed_wave_days(user: Any) -> list[Any]:
    """The days the user's waves closed on."""
    return list(
        wave_list(user=user)
        .filter(status=WaveStatus.CLOSED, closed_on__isnull=False)
        .values_list("closed_on", flat=True)
    )


def wellbeing_values(user: Any, *, scope: IndicatorScope, period: Period) -> dict[str, Value]:
    """Each measure from the latest wave closed by the period's end that used its instrument."""
    waves = [
        wave
        for wave in wave_list(user=user)
        .filter(status=WaveStatus.CLOSED, closed_on__lte=period.end)
        .order_by("-closed_on", "-pk")
    ]
    reports: dict[str, Any] = {}
    values: dict[str, Value] = {}
    for code, instrument, bands, _name, _formula, _direction in SPECS:
        wave = next(
            (w for w in waves if any(s["code"] == instrument for s in w.instrument_specs)), None
        )
        if wave is None:
            values[code] = Value(code, None, note=_("没有已结束的测评"))
            continue
        if wave.pk not in reports:
            reports[wave.pk] = wave_report(
                user=user, wave_id=wave.pk, by="", group=_group(scope), today=period.end
            )
        total = reports[wave.pk].total
        if not total.published:
            values[code] = Value(code, None, note=_("作答人数不足 k 或为防推算已隐藏"))
            continue
        measure = next(m for m in total.measures if m.code == instrument)
        spec = next(i for i in reports[wave.pk].instruments if i.code == instrument)
        if bands:
            shares = dict(
                zip([band.code for band in spec.bands], [p for _l, p in measure.bands], strict=True)
            )
            figure: float = round(sum(shares.get(band, 0.0) for band in bands), 1)
        else:
            figure = measure.mean
        values[code] = Value(code, figure, None, total.n, note=wave.title)
    return values
