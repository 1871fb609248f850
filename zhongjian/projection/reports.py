"""What the projection pages, the API and the Excel export show, built from scenario results.

Pure Python with numpy and openpyxl (no Django), so that the figures in the page, the API answer
and the workbook are the same numbers.
"""

from __future__ import annotations

import io
from dataclasses import asdict

from zhongjian.core.lazy import numpy as np  # loaded on first use, not with the URLs
from zhongjian.projection.engine import Chain
from zhongjian.projection.optimise import Plan, optimise_intake
from zhongjian.projection.scenarios import (
    EXIT_KINDS,
    Baseline,
    Levers,
    ScenarioResult,
    build_chain,
    run_scenario,
)

HORIZONS = (5, 10)
TREND_NAME = "现行趋势"


def run_many(
    baseline: Baseline,
    named_levers: list[tuple[str, Levers]],
    *,
    start_year: int,
    years: int = 10,
    runs: int = 200,
) -> list[tuple[str, ScenarioResult]]:
    """Each named set of levers projected on the same baseline with the same seed."""
    return [
        (name, run_scenario(baseline, levers, years=years, runs=runs, start_year=start_year))
        for name, levers in named_levers
    ]


def chart_payload(results: list[tuple[str, ScenarioResult]]) -> dict:
    """The data of the page's charts: vacancies per tier with bands, age structure, bench."""
    first = results[0][1]
    last = len(first.years) - 1
    return {
        "years": first.years,
        "tiers": [
            {
                "label": label,
                "seats": first.seats[tier],
                "series": [
                    {
                        "name": name,
                        "expected": result.vacant[tier],
                        "low": result.vacant_low[tier],
                        "high": result.vacant_high[tier],
                    }
                    for name, result in results
                ],
            }
            for tier, label in zip(first.tiers, first.tier_labels, strict=True)
        ],
        "age": {
            "bands": first.bands,
            "today": first.age_structure[0],
            "series": [{"name": name, "values": r.age_structure[last]} for name, r in results],
        },
        "bench": {
            "labels": first.tier_labels,
            "series": [
                {"name": name, "values": [r.bench_ratio[tier][last] for tier in r.tiers]}
                for name, r in results
            ],
        },
        "runs": first.runs,
    }


def summary_rows(results: list[tuple[str, ScenarioResult]]) -> list[dict]:
    """One row per tier and horizon: each scenario's expected vacancies with their band."""
    first = results[0][1]
    rows = []
    for horizon in HORIZONS:
        if horizon >= len(first.years):
            continue
        for tier, label in zip(first.tiers, first.tier_labels, strict=True):
            rows.append(
                {
                    "year": first.years[horizon],
                    "horizon": horizon,
                    "tier": label,
                    "seats": first.seats[tier],
                    "cells": [
                        {
                            "filled": r.filled[tier][horizon],
                            "vacant": r.vacant[tier][horizon],
                            "low": r.vacant_low[tier][horizon],
                            "high": r.vacant_high[tier][horizon],
                            "rate": r.vacancy_rate[tier][horizon],
                            "bench": r.bench_ratio[tier][horizon],
                        }
                        for _name, r in results
                    ],
                }
            )
        rows.append(
            {
                "year": first.years[horizon],
                "horizon": horizon,
                "tier": "35岁以下占比",
                "seats": None,
                "young": [r.young_share[horizon] for _name, r in results],
            }
        )
    return rows


def workbook(results: list[tuple[str, ScenarioResult]], levers: list[dict]) -> bytes:
    """An Excel workbook: the comparison, then one sheet per scenario with every year."""
    from openpyxl import Workbook  # loaded where a workbook is written, not with the URLs
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    summary.title = "对比"
    bold = Font(bold=True)
    names = [name for name, _ in results]
    summary.append(
        [
            "年份",
            "层级",
            "职数",
            *(f"{n}：空缺（期望）" for n in names),
            *(f"{n}：空缺 5%–95%" for n in names),
        ]
    )
    for row in summary_rows(results):
        if row["seats"] is None:
            summary.append([row["year"], row["tier"], None, *row["young"]])
            continue
        summary.append(
            [
                row["year"],
                row["tier"],
                row["seats"],
                *(c["vacant"] for c in row["cells"]),
                *(f"{c['low']:.0f}–{c['high']:.0f}" for c in row["cells"]),
            ]
        )
    for cell in summary[1]:
        cell.font = bold
    for (name, result), lever in zip(results, levers, strict=True):
        sheet = book.create_sheet(_sheet_title(name, book.sheetnames))
        sheet.append(["方案", name])
        sheet.append(["政策杠杆", describe_levers(lever)])
        sheet.append([])
        header = ["年份"]
        for label in result.tier_labels:
            header += [
                f"{label}在岗",
                f"{label}空缺",
                f"{label}空缺5%",
                f"{label}空缺95%",
                f"{label}空缺率%",
            ]
        header += ["35岁以下占比%", "流失", "招录", *result.bands]
        sheet.append(header)
        for cell in sheet[4]:
            cell.font = bold
        for t, year in enumerate(result.years):
            row: list = [year]
            for tier in result.tiers:
                row += [
                    result.filled[tier][t],
                    result.vacant[tier][t],
                    result.vacant_low[tier][t],
                    result.vacant_high[tier][t],
                    result.vacancy_rate[tier][t],
                ]
            row += [
                result.young_share[t],
                result.leavers[t - 1] if t else None,
                result.recruits[t - 1] if t else None,
                *result.age_structure[t],
            ]
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(name: str, taken: list[str]) -> str:
    # Excel refuses these characters and titles over 31 characters.
    clean = "".join("_" if char in "[]:*?/\\" else char for char in name)[:28] or "方案"
    title, n = clean, 2
    while title in taken:
        title, n = f"{clean[:25]}({n})", n + 1
    return title


EXIT_NAMES = {
    "upward_selection": "遴选",
    "transfer": "调任/转任",
    "resignation": "辞职",
    "other": "其他离岗",
}
TIER_NAMES = {"general": "一般", "guji": "股级", "fuke": "副科", "zhengke": "正科"}


def describe_levers(levers: dict) -> str:
    """The levers in one Chinese line, e.g. "辞职率 −30%；股级每年招录 5 人"."""
    parts = [
        f"{EXIT_NAMES[kind]}率 −{value:g}%"
        for kind, value in (levers.get("exit_cut") or {}).items()
        if value
    ]
    if levers.get("refusal_cut"):
        parts.append(f"不接受提拔率 −{levers['refusal_cut']:g}%")
    parts += [
        f"{TIER_NAMES.get(tier, tier)}每年招录 {value} 人"
        for tier, value in (levers.get("recruits") or {}).items()
        if value is not None
    ]
    if levers.get("upward_quota") is not None:
        parts.append(f"遴选名额每年 {levers['upward_quota']} 人")
    if levers.get("rank_step_months"):
        parts.append(f"职级晋升每档提前 {levers['rank_step_months']} 个月")
    if not levers.get("retirement_reform", True):
        parts.append("不实施延迟退休（对照）")
    return "；".join(parts) or TREND_NAME


def plan_for(
    baseline: Baseline,
    levers: Levers,
    *,
    years: int,
    target: float,
    caps: dict[str, int | None],
) -> Plan:
    """The smallest yearly intake by entry tier that keeps every mid-level tier under TARGET.

    The plan replaces the trend's recruits (it is the whole intake); the other levers apply.
    """
    chain: Chain
    chain, _recruits = build_chain(baseline, levers)
    tiers = {tier: baseline.tier_mask(tier) for tier in baseline.seats}
    entry = {tier: np.array(baseline.entry_shares[tier]) for tier in caps}
    labels = dict(zip(baseline.tiers, baseline.tier_labels, strict=True))
    return optimise_intake(
        chain,
        np.array(baseline.stocks),
        years=years,
        tiers=tiers,
        seats={tier: float(n) for tier, n in baseline.seats.items()},
        entry=entry,
        caps=caps,
        target=target,
        labels=labels,
    )


def baseline_summary(baseline: Baseline) -> dict:
    """The estimated rates the page shows beside the levers (yearly, in %)."""
    stocks = np.array(baseline.stocks)
    total = stocks.sum() or 1.0

    def weighted(rates: list[float]) -> float:
        return round(float(100 * (stocks @ np.array(rates)) / total), 2)

    return {
        "headcount": int(stocks.sum()),
        "exit_rates": {
            EXIT_NAMES[kind]: weighted(baseline.exit_rates[kind]) for kind in EXIT_KINDS
        },
        "retirement": weighted(baseline.retirement["reform"]),
        "retirement_no_reform": weighted(baseline.retirement["no_reform"]),
        "recruits": round(float(sum(baseline.recruits)), 1),
        "refusal": {
            TIER_NAMES[tier]: round(100 * rate, 1)
            for tier, rate in baseline.refusal.items()
            if tier in baseline.seats
        },
        "seats": {TIER_NAMES[tier]: n for tier, n in baseline.seats.items()},
        "bench": {TIER_NAMES[tier]: n for tier, n in baseline.bench.items()},
        "notes": baseline.notes,
    }


def plan_json(plan: Plan) -> dict:
    return asdict(plan)
