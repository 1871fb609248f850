"""`zhongjian project`: project a Markov manpower model given as CSV files (no database needed)."""

import json
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhongjian.projection.csvfiles import InputError, read_matrix, read_vector
from zhongjian.projection.engine import (
    QUANTILES,
    Chain,
    ModelError,
    Projection,
    Recruitment,
    fundamental,
    project,
    project_with_bands,
)

MAX_YEARS = 100
MAX_RUNS = 100_000


class Command(BaseCommand):
    help = (
        "按马尔可夫人力模型预测各状态人数：n(t+1) = n(t)P + R(t)。"
        "输入为 CSV：转移矩阵、初始人数、每期招录人数（或按比例补充流失人员）。"
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--transitions", required=True, help="转移矩阵 P.csv（首行首列为状态名）"
        )
        parser.add_argument("--stocks", required=True, help="初始人数 n0.csv（state,count）")
        parser.add_argument("--recruits", help="每期招录人数 R.csv（state,count，各期相同）")
        parser.add_argument(
            "--replace-leavers", action="store_true", help="总人数不变：流失多少补充多少"
        )
        parser.add_argument("--recruit-dist", help="补充人员的分布 r.csv（state,share）")
        parser.add_argument("--years", type=int, required=True, help="预测期数 T")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument("--fundamental", action="store_true", help="输出基本矩阵 N=(I−Q)⁻¹")
        parser.add_argument("--runs", type=int, default=0, help="蒙特卡洛模拟次数")
        parser.add_argument("--seed", type=int, default=0, help="随机数种子")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            document, result = self._run(options)
        except (InputError, ModelError) as exc:
            raise CommandError(exc.message, returncode=2) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_table(document, result))

    def _run(self, options: dict[str, Any]) -> tuple[dict, Projection]:
        years, runs = options["years"], options["runs"]
        if not 1 <= years <= MAX_YEARS:
            raise ModelError(f"--years 应在 1 到 {MAX_YEARS} 之间。")
        if not 0 <= runs <= MAX_RUNS:
            raise ModelError(f"--runs 应在 0 到 {MAX_RUNS} 之间。")
        states, matrix = read_matrix(options["transitions"])
        chain = Chain(states=states, matrix=matrix)
        stocks = read_vector(options["stocks"], states=states, what="人数")
        if options["replace_leavers"]:
            if options["recruits"] or not options["recruit_dist"]:
                raise ModelError(
                    "--replace-leavers 须与 --recruit-dist 同用，且不能再给 --recruits。"
                )
            shares = read_vector(
                options["recruit_dist"], states=states, what="比例", require_all=False
            )
            if shares.sum() <= 0:
                raise InputError("补充比例之和须大于 0。", file=options["recruit_dist"])
            recruitment = Recruitment(replace_distribution=shares)
        elif options["recruits"]:
            if options["recruit_dist"]:
                raise ModelError("--recruit-dist 只与 --replace-leavers 同用。")
            recruitment = Recruitment(
                constant=read_vector(
                    options["recruits"], states=states, what="招录人数", require_all=False
                )
            )
        else:
            raise ModelError("须给出 --recruits R.csv，或 --replace-leavers --recruit-dist r.csv。")
        if runs:
            if not np.all(stocks == np.round(stocks)):
                raise InputError("模拟个人流动（--runs）时人数须为整数。", file=options["stocks"])
            result = project_with_bands(
                chain, stocks, years=years, recruitment=recruitment, runs=runs, seed=options["seed"]
            )
        else:
            result = project(chain, stocks, years=years, recruitment=recruitment)
        document = result.as_json()
        if options["fundamental"]:
            document["fundamental"] = fundamental(chain).as_json()
        return document, result


def _table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(" " * (w - _width(c)) + c for c, w in zip(cells, widths, strict=True))

    return "\n".join([title, line(header), *(line(row) for row in rows), ""])


def _width(text: str) -> int:
    # A CJK character takes two columns in a terminal.
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def render_table(document: dict, result: Projection) -> str:
    """Plain-text tables of the stocks, leavers and recruits per period (and the extras)."""
    states = document["states"]
    parts = []
    for key, title in (("stocks", "期末人数"), ("leavers", "流失人数"), ("recruits", "招录人数")):
        rows = [
            [str(p["t"]), *(f"{p[key][s]:.2f}" for s in states), f"{sum(p[key].values()):.2f}"]
            for p in document["periods"]
        ]
        parts.append(_table(title, ["t", *states, "合计"], rows))
    if result.bands is not None:
        rows = [
            [
                str(t),
                *(
                    f"{result.bands[0, t, i]:.0f}–{result.bands[2, t, i]:.0f}"
                    for i in range(len(states))
                ),
            ]
            for t in range(1, result.years + 1)
        ]
        low, high = QUANTILES[0], QUANTILES[-1]
        parts.append(_table(f"蒙特卡洛 {low}%–{high}% 区间", ["t", *states], rows))
    if "fundamental" in document:
        fund = document["fundamental"]
        rows = [
            [
                origin,
                *(f"{fund['matrix'][origin][s]:.4f}" for s in states),
                f"{fund['expected_periods'][origin]:.4f}",
            ]
            for origin in states
        ]
        parts.append(
            _table("基本矩阵 N=(I−Q)⁻¹（行：起始状态）", ["从\\到", *states, "期望总期数"], rows)
        )
        rows = [
            [origin, *(f"{fund['reach_probability'][origin][s]:.4f}" for s in states)]
            for origin in states
        ]
        parts.append(_table("到达各状态的概率", ["从\\到", *states], rows))
    return "\n".join(parts)
