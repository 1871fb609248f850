"""Pipeline projection for the synthetic province: 10 years, 1,000 Monte Carlo runs.

Target: within 10 × of a plain numpy lower bound — one vectorised multinomial pass
over the (runs × states) array per step, nothing else — measured in the same process, the two
interleaved in shuffled rounds. The expected-value projection is checked exact against rational
arithmetic (fractions). BENCH_CADRES sets the province size (default 300000).
"""

import datetime
import os
import random
import resource
import statistics
import time
from fractions import Fraction

import numpy as np

from bench.common import describe, p95, setup_django

YEARS = 10
RUNS = 1000
ROUNDS = 20
TARGET = 10.0
TODAY = datetime.date(2026, 11, 26)

CURRENT_STATES = """
SELECT c.birth_date,
       COALESCE(MAX(CASE p.tier WHEN 'guji' THEN 1 WHEN 'fuke' THEN 2 WHEN 'zhengke' THEN 3
                    ELSE 0 END), 0)
FROM org_cadre c
LEFT JOIN org_appointment a ON a.cadre_id = c.id AND a.end_date IS NULL AND a.start_date <= %s
LEFT JOIN org_post p ON p.id = a.post_id
WHERE c.status = 'active' AND c.work_start_date <= %s
GROUP BY c.id, c.birth_date
"""


def province_stocks(n_bands: int) -> np.ndarray:
    """Today's people of every county by tier × age band, in one statement."""
    from django.db import connection

    from zhongjian.projection.estimation import band_index

    stocks = np.zeros(4 * n_bands)
    with connection.cursor() as cursor:
        cursor.execute(CURRENT_STATES, [TODAY, TODAY])
        for birth, level in cursor.fetchall():
            stocks[level * n_bands + band_index(birth, TODAY)] += 1
    return stocks


def exact_projection(matrix: np.ndarray, stocks: np.ndarray, recruits: np.ndarray) -> list:
    """n(t+1) = n(t)P + R in rational arithmetic: the floats of the inputs, exactly."""
    p = [[Fraction(float(v)) for v in row] for row in matrix]
    r = [Fraction(float(v)) for v in recruits]
    n = [Fraction(float(v)) for v in stocks]
    path = [n]
    k = len(n)
    for _ in range(YEARS):
        n = [sum(n[i] * p[i][j] for i in range(k)) + r[j] for j in range(k)]
        path.append(n)
    return path


def main() -> None:
    where = setup_django(prefer_postgres=True)
    from bench.bench_overview import ensure_province
    from zhongjian.org.models import County
    from zhongjian.projection.engine import Recruitment, project, project_with_bands
    from zhongjian.projection.estimation import estimate
    from zhongjian.projection.scenarios import Levers, build_chain

    cadres = int(os.environ.get("BENCH_CADRES", "300000"))
    ensure_province(cadres, TODAY)
    county = County.objects.order_by("code").first()
    started = time.perf_counter()
    baseline = estimate(county, today=TODAY).baseline
    print(f"database: {where}; estimate of {county.name}: {time.perf_counter() - started:.1f} s")
    stocks = province_stocks(len(baseline.bands))
    chain, county_recruits = build_chain(baseline, Levers())
    # The county's rates applied to the province; recruits scaled by the province's size.
    recruits = county_recruits * stocks.sum() / max(sum(baseline.stocks), 1)
    recruitment = Recruitment(constant=recruits)
    k = len(chain.states)
    print(f"province: {int(stocks.sum())} cadres in {k} states, {YEARS} years, {RUNS} runs")

    def engine() -> object:
        return project_with_bands(
            chain, stocks, years=YEARS, recruitment=recruitment, runs=RUNS, seed=1
        )

    moves = np.hstack([chain.matrix, chain.wastage[:, np.newaxis]])
    moves /= moves.sum(axis=1, keepdims=True)
    whole_recruits = np.round(recruits).astype(np.int64)

    def lower_bound() -> object:
        rng = np.random.default_rng(1)
        state = np.broadcast_to(stocks.astype(np.int64), (RUNS, k)).copy()
        for _ in range(YEARS):
            state = rng.multinomial(state, moves).sum(axis=1)[:, :k] + whole_recruits
        return state

    samples: dict[str, list[float]] = {"engine": [], "numpy lower bound": []}
    functions = {"engine": engine, "numpy lower bound": lower_bound}
    for function in functions.values():
        function()  # warm-up
    order = list(functions)
    shuffle = random.Random(2022)
    for _ in range(ROUNDS):
        shuffle.shuffle(order)
        for name in order:
            begin = time.perf_counter()
            functions[name]()
            samples[name].append(time.perf_counter() - begin)
    for name, values in samples.items():
        print(f"{name}: {describe(values)}")
    ratio = statistics.median(samples["engine"]) / statistics.median(samples["numpy lower bound"])
    ratio95 = p95(samples["engine"]) / p95(samples["numpy lower bound"])
    verdict = "OK" if ratio <= TARGET else "TOO SLOW"
    print(
        f"ratio engine / lower bound: median {ratio:.2f}×, p95 {ratio95:.2f}× (target ≤ {TARGET:g}×) {verdict}"
    )

    expected = project(chain, stocks, years=YEARS, recruitment=recruitment).stocks
    exact = exact_projection(chain.matrix, stocks, recruits)
    worst = max(
        abs(Fraction(float(expected[t][j])) - exact[t][j]) / max(exact[t][j], 1)
        for t in range(YEARS + 1)
        for j in range(k)
    )
    print(
        f"expected-value projection vs rational arithmetic: largest relative error {float(worst):.1e}"
        f" ({'exact to float precision' if worst < 1e-12 else 'NOT EXACT'})"
    )
    result = engine()
    assert result.bands is not None
    final_mean_gap = np.abs(result.bands[1, -1].sum() - expected[-1].sum()) / expected[-1].sum()
    print(
        f"Monte Carlo median total after {YEARS} years within {100 * final_mean_gap:.2f} % of the expected total"
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
