"""Markov manpower projection (马尔可夫人力预测): expected values, fundamental matrix, Monte Carlo.

Pure numpy/scipy, no Django: the command `zhongjian project`, the scenario pages and the benchmark
all call these functions, and any other program can too.

The classic model: states are the grades of a hierarchy (here tier × age band); `matrix[i, j]` is
the one-period probability that a person in state i is in state j one period later; whatever a
row leaves short of 1 is wastage (流失: retirement, 遴选, transfer, resignation …). With stocks
n(t) as a row vector and recruits R(t), n(t+1) = n(t)·P + R(t).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhongjian.core.lazy import numpy as np  # loaded on first use, not with the URLs

# Row sums may exceed 1 by rounding in a hand-edited file (0.1 + 0.2 + 0.7); more is an error.
ROW_SUM_TOLERANCE = 1e-9
QUANTILES = (5, 50, 95)


class ModelError(ValueError):
    """A model that cannot be projected; `message` is Chinese and names the offending part."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Chain:
    """States and their one-period transition matrix (rows: from, columns: to)."""

    states: tuple[str, ...]
    matrix: np.ndarray

    def __post_init__(self) -> None:
        k = len(self.states)
        if self.matrix.shape != (k, k):
            raise ModelError(f"转移矩阵应为 {k}×{k}，实际为 {self.matrix.shape}。")
        if len(set(self.states)) != k:
            raise ModelError("状态名称有重复。")
        if np.any(self.matrix < 0):
            i, j = np.argwhere(self.matrix < 0)[0]
            raise ModelError(f"从“{self.states[i]}”到“{self.states[j]}”的转移概率为负数。")
        sums = self.matrix.sum(axis=1)
        for i in np.flatnonzero(sums > 1 + ROW_SUM_TOLERANCE):
            raise ModelError(f"状态“{self.states[i]}”一行的转移概率之和为 {sums[i]:.6g}，超过 1。")

    @property
    def wastage(self) -> np.ndarray:
        """The probability of leaving from each state within one period (1 − row sum)."""
        return np.clip(1.0 - self.matrix.sum(axis=1), 0.0, 1.0)


@dataclass(frozen=True)
class Recruitment:
    """Either a constant number of recruits per period and state, or leavers replaced.

    `replace_distribution` holds weights (normalised here): every period, as many people are
    recruited as left, spread over the states in that distribution (fixed total size).
    """

    constant: np.ndarray | None = None
    replace_distribution: np.ndarray | None = None

    def __post_init__(self) -> None:
        if (self.constant is None) == (self.replace_distribution is None):
            raise ModelError("招录方式须二选一：每期固定招录人数，或按比例补充流失人员。")
        values = self.constant if self.constant is not None else self.replace_distribution
        if values is None:
            raise ModelError("招录方式须二选一：每期固定招录人数，或按比例补充流失人员。")
        if np.any(values < 0) or not np.all(np.isfinite(values)):
            raise ModelError("招录人数或补充比例不能为负数。")
        if self.replace_distribution is not None and self.replace_distribution.sum() <= 0:
            raise ModelError("补充比例之和须大于 0。")

    @property
    def shares(self) -> np.ndarray:
        if self.replace_distribution is None:
            raise ModelError("按固定人数招录时没有补充比例。")
        return self.replace_distribution / self.replace_distribution.sum()

    def for_leavers(self, leavers_total: float | np.ndarray) -> np.ndarray:
        """Recruits of one period given the total leavers of that period."""
        if self.constant is not None:
            return self.constant
        return np.multiply.outer(leavers_total, self.shares)


@dataclass
class Projection:
    """Expected stocks, leavers and recruits per period; row t of `stocks` is n(t), t = 0 … T."""

    states: tuple[str, ...]
    stocks: np.ndarray  # (T + 1, k)
    leavers: np.ndarray  # (T, k): leavers during period t by the state they left from
    recruits: np.ndarray  # (T, k)
    bands: np.ndarray | None = None  # (3, T + 1, k): Monte Carlo 5/50/95 % of the stocks
    extra: dict = field(default_factory=dict)

    @property
    def years(self) -> int:
        return self.leavers.shape[0]

    def as_json(self) -> dict:
        """The shape `zhongjian project --format json` prints."""

        def by_state(row: np.ndarray) -> dict[str, float]:
            return {state: _clean(value) for state, value in zip(self.states, row, strict=True)}

        periods = [
            {
                "t": t,
                "stocks": by_state(self.stocks[t]),
                "leavers": by_state(self.leavers[t - 1]),
                "recruits": by_state(self.recruits[t - 1]),
            }
            for t in range(1, self.years + 1)
        ]
        document: dict = {"states": list(self.states), "periods": periods}
        if self.bands is not None:
            document["monte_carlo"] = {
                **self.extra.get("monte_carlo", {}),
                "intervals": [
                    {
                        "t": t,
                        **{
                            f"p{q}": by_state(self.bands[index, t])
                            for index, q in enumerate(QUANTILES)
                        },
                    }
                    for t in range(1, self.years + 1)
                ],
            }
        return document


def _clean(value: float) -> float:
    """VALUE without the binary rounding noise of 1 − 0.9 (nine decimals are far below a person)."""
    return round(float(value), 9) + 0.0


def _check_vector(chain: Chain, vector: np.ndarray, what: str) -> None:
    if vector.shape != (len(chain.states),):
        raise ModelError(
            f"{what}的状态数（{vector.shape[0]}）与转移矩阵（{len(chain.states)}）不一致。"
        )
    if np.any(vector < 0) or not np.all(np.isfinite(vector)):
        raise ModelError(f"{what}不能为负数。")


@dataclass(frozen=True)
class Ceiling:
    """A group of states that may hold at most `seats` people (a tier's 职数).

    Whoever would be above the ceiling after a step stays one level down instead: the excess
    is taken from the group's states in proportion and put in `fallback[j]` for each state j
    (the same age band in the feeder tier). Without ceilings the model is the plain linear one.
    """

    mask: np.ndarray
    seats: float
    fallback: np.ndarray  # state index → state index


def _apply_ceilings(state: np.ndarray, ceilings: tuple[Ceiling, ...]) -> np.ndarray:
    """STATE (expected values, shape (k,) or whole counts, shape (runs, k)) under the ceilings."""
    whole = np.issubdtype(state.dtype, np.integer)
    state = np.atleast_2d(state).astype(float)
    for ceiling in ceilings:
        group = state[:, ceiling.mask]
        stock = group.sum(axis=1)
        excess = np.maximum(stock - ceiling.seats, 0.0)
        if not excess.any():
            continue
        share = np.divide(excess, stock, out=np.zeros_like(stock), where=stock > 0)
        removed = group * share[:, np.newaxis]
        if whole:
            # Whole people: round down, then the largest remainders make up the excess.
            floor = np.floor(removed)
            short = np.round(np.ceil(excess - 1e-9) - floor.sum(axis=1)).astype(int)
            order = np.argsort(-(removed - floor), axis=1)
            ranks = np.argsort(order, axis=1)
            removed = floor + (ranks < short[:, np.newaxis])
        indices = np.flatnonzero(ceiling.mask)
        state[:, indices] -= removed
        np.add.at(state.T, ceiling.fallback[indices], removed.T)
    return state


def project(
    chain: Chain,
    stocks: np.ndarray,
    *,
    years: int,
    recruitment: Recruitment,
    ceilings: tuple[Ceiling, ...] = (),
) -> Projection:
    """Expected values of n(t+1) = n(t)·P + R(t) for t = 0 … YEARS − 1, exactly (no sampling).

    With CEILINGS, each step is followed by the ceilings' rule (see `Ceiling`).
    """
    stocks = np.asarray(stocks, dtype=float)
    _check_vector(chain, stocks, "初始人数")
    if years < 1:
        raise ModelError("预测年数须至少为 1。")
    k = len(chain.states)
    path = np.empty((years + 1, k))
    leavers = np.empty((years, k))
    recruits = np.empty((years, k))
    path[0] = stocks
    wastage = chain.wastage
    for t in range(years):
        leavers[t] = path[t] * wastage
        recruits[t] = recruitment.for_leavers(leavers[t].sum())
        path[t + 1] = path[t] @ chain.matrix + recruits[t]
        if ceilings:
            path[t + 1] = _apply_ceilings(path[t + 1], ceilings)[0]
    return Projection(states=chain.states, stocks=path, leavers=leavers, recruits=recruits)


@dataclass(frozen=True)
class Fundamental:
    """The absorbing chain with wastage as the absorbing state.

    `matrix` N = (I − Q)⁻¹: N[i, j] is the expected number of periods spent in j starting from i
    (the starting period counts). `expected_periods` = N·1: periods before leaving.
    `reach[i, j]` = N[i, j] / N[j, j]: the probability of ever being in j starting from i.
    """

    states: tuple[str, ...]
    matrix: np.ndarray
    expected_periods: np.ndarray
    reach: np.ndarray

    def as_json(self) -> dict:
        def table(values: np.ndarray) -> dict[str, dict[str, float]]:
            return {
                origin: {state: _clean(v) for state, v in zip(self.states, row, strict=True)}
                for origin, row in zip(self.states, values, strict=True)
            }

        return {
            "matrix": table(self.matrix),
            "expected_periods": {
                s: _clean(v) for s, v in zip(self.states, self.expected_periods, strict=True)
            },
            "reach_probability": table(self.reach),
        }


def fundamental(chain: Chain) -> Fundamental:
    """The fundamental matrix of CHAIN; an error names the states nobody ever leaves."""
    k = len(chain.states)
    identity = np.eye(k)
    # States from which wastage is unreachable make I − Q singular: name them.
    leaving = chain.wastage > 0
    reaches_exit = leaving.copy()
    for _ in range(k):
        reaches_exit |= (chain.matrix[:, reaches_exit] > 0).any(axis=1)
    if not reaches_exit.all():
        trapped = "、".join(s for s, ok in zip(chain.states, reaches_exit, strict=True) if not ok)
        raise ModelError(
            f"从状态 {trapped} 出发永远不会流失（行和为 1 的闭合状态），基本矩阵不存在。"
        )
    n = np.linalg.solve(identity - chain.matrix, identity)
    return Fundamental(
        states=chain.states,
        matrix=n,
        expected_periods=n.sum(axis=1),
        reach=n / np.diag(n)[np.newaxis, :],
    )


def _integer_recruits(rng: np.random.Generator, expected: np.ndarray) -> np.ndarray:
    """Whole recruits whose mean is EXPECTED: the fraction becomes one more with its probability."""
    whole = np.floor(expected)
    return (whole + (rng.random(expected.shape) < expected - whole)).astype(np.int64)


def simulate(
    chain: Chain,
    stocks: np.ndarray,
    *,
    years: int,
    recruitment: Recruitment,
    runs: int,
    seed: int,
    ceilings: tuple[Ceiling, ...] = (),
) -> np.ndarray:
    """RUNS simulated paths of individuals, shape (runs, years + 1, k); reproducible for SEED.

    Each period the people of a state move independently: their numbers in every destination and
    in wastage are one multinomial draw. All runs advance together, one draw per step.
    """
    counts = np.asarray(stocks, dtype=float)
    _check_vector(chain, counts, "初始人数")
    if not np.all(counts == np.round(counts)):
        raise ModelError("模拟个人流动时，初始人数须为整数。")
    if runs < 1:
        raise ModelError("模拟次数须至少为 1。")
    rng = np.random.default_rng(seed)
    k = len(chain.states)
    # Destinations plus wastage in the last column; rows sum to 1 exactly for the sampler.
    moves = np.hstack([chain.matrix, chain.wastage[:, np.newaxis]])
    moves /= moves.sum(axis=1, keepdims=True)
    state = np.broadcast_to(counts.astype(np.int64), (runs, k)).copy()
    paths = np.empty((runs, years + 1, k), dtype=np.int64)
    paths[:, 0] = state
    for t in range(years):
        flows = rng.multinomial(state, moves).sum(axis=1)  # (runs, k + 1)
        leavers = flows[:, k]
        if recruitment.constant is not None:
            recruits = _integer_recruits(rng, np.broadcast_to(recruitment.constant, (runs, k)))
        else:
            recruits = rng.multinomial(leavers, recruitment.shares)
        state = flows[:, :k] + recruits
        if ceilings:
            state = np.round(_apply_ceilings(state, ceilings)).astype(np.int64)
        paths[:, t + 1] = state
    return paths


def quantile_bands(paths: np.ndarray) -> np.ndarray:
    """The 5 %, 50 % and 95 % quantiles over runs: shape (3, T + 1, k)."""
    return np.percentile(paths, QUANTILES, axis=0)


def project_with_bands(
    chain: Chain,
    stocks: np.ndarray,
    *,
    years: int,
    recruitment: Recruitment,
    runs: int,
    seed: int,
) -> Projection:
    """The exact expected values plus Monte Carlo bands from RUNS simulated runs."""
    result = project(chain, stocks, years=years, recruitment=recruitment)
    paths = simulate(chain, stocks, years=years, recruitment=recruitment, runs=runs, seed=seed)
    result.bands = quantile_bands(paths)
    result.extra["monte_carlo"] = {"runs": runs, "seed": seed}
    return result
