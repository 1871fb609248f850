"""Group risk of leaving within 12 months (离岗风险研判), for groups only, never for a person.

Observations are cadre-years: every cadre in post on 1 January of a year (the snapshot day D)
with features built ONLY from rows dated on or before D (registry, pipeline; survey figures
only as a unit's published k-safe cell of a wave closed by D). The label is a departure for good
other than retirement (遴选, 调任/转任, 辞职, 其他) in the 365 days after D; retirement is
foreseeable from the rules and is a structural flag instead.

Time split: the test snapshot is the latest whose 12 months are over by the reference day; the
training snapshots are those whose label window ends by the test snapshot day, so no training
label or feature sees anything after the split date. Logistic regression and gradient boosting,
each calibrated (sigmoid, 3-fold) on the training years, are compared on the test year with a
baseline: the unit type's exit rate over the training years.

Output: mean predicted risk per unit × tier group of at least k cadres in post today, suppressed
as one table with its margins (voice's complementary suppression), and the features that drive
the model, in Chinese. Care data never enters; see tests/pipeline/test_hard_wall.py.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhongjian.insight.registry import IndicatorScope, Period
from zhongjian.org.choices import MID_LEVEL_TIERS, Education, Establishment, Tier, UnitKind
from zhongjian.org.models import Appointment, Cadre, Unit
from zhongjian.org.rules import add_months
from zhongjian.pipeline.choices import DepartureKind
from zhongjian.pipeline.models import Decline, Departure

GROUP_K = 5
LOOKBACK_YEARS = 2
UNIT_HISTORY_YEARS = 3
LEAVING_KINDS = {
    DepartureKind.UPWARD_SELECTION,
    DepartureKind.TRANSFER,
    DepartureKind.RESIGNATION,
    DepartureKind.OTHER,
}
FOR_GOOD = LEAVING_KINDS | {DepartureKind.RETIREMENT}

FEATURES: tuple[tuple[str, Any], ...] = (
    ("age", gettext_lazy("年龄")),
    ("service_years", gettext_lazy("工作年限")),
    ("tier_zhengke", gettext_lazy("现任正科岗位")),
    ("tier_fuke", gettext_lazy("现任副科岗位")),
    ("tier_guji", gettext_lazy("现任股级岗位")),
    ("years_in_tier", gettext_lazy("现层级任职年限")),
    ("township", gettext_lazy("乡镇（街道）单位")),
    ("public_institution_unit", gettext_lazy("事业单位")),
    ("public_institution_staff", gettext_lazy("事业编制")),
    ("bachelor_or_more", gettext_lazy("本科及以上学历")),
    ("declined_recently", gettext_lazy("近2年不接受提拔")),
    ("seconded_recently", gettext_lazy("近2年有借调")),
    ("unit_exit_rate", gettext_lazy("本单位近3年离岗率")),
    ("unit_who5", gettext_lazy("本单位 WHO-5 均分（已结束测评，k 安全）")),
)
FEATURE_NAMES = [name for name, _label in FEATURES]


@dataclass
class History:
    """Everything the features and labels are built from, read once for a county."""

    cadres: list[tuple[int, datetime.date, datetime.date, int, str, str, str]]
    unit_kind: dict[int, str]
    # per cadre: (start, end or None, tier, unit id) of mid-level appointments
    appointments: dict[int, list[tuple[datetime.date, datetime.date | None, str, int]]]
    departures: dict[int, list[tuple[datetime.date, str]]]
    declines: dict[int, list[datetime.date]]
    # (unit id, closed on) -> WHO-5 mean of the unit's published cell, from closed waves
    unit_who5: dict[int, list[tuple[datetime.date, float]]] = field(default_factory=dict)


def load_history(county_id: int) -> History:
    unit_kind = dict(Unit.objects.filter(county_id=county_id).values_list("id", "kind"))
    cadres = list(
        Cadre.objects.filter(county_id=county_id)
        .values_list(
            "id", "birth_date", "work_start_date", "unit_id", "establishment", "education", "status"
        )
        .order_by("id")
    )
    appointments: dict[int, list[Any]] = defaultdict(list)
    for cadre, start, end, tier, unit in (
        Appointment.objects.filter(county_id=county_id, post__county_id=county_id)
        .filter(post__tier__in=MID_LEVEL_TIERS)
        .values_list("cadre_id", "start_date", "end_date", "post__tier", "unit_id")
        .order_by("start_date")
    ):
        appointments[cadre].append((start, end, tier, unit))
    departures: dict[int, list[Any]] = defaultdict(list)
    for cadre, on, kind in (
        Departure.objects.filter(county_id=county_id)
        .values_list("cadre_id", "departed_on", "kind")
        .order_by("departed_on")
    ):
        departures[cadre].append((on, kind))
    declines: dict[int, list[Any]] = defaultdict(list)
    for cadre, on in (
        Decline.objects.filter(county_id=county_id)
        .values_list("cadre_id", "declined_on")
        .order_by("declined_on")
    ):
        declines[cadre].append(on)
    return History(cadres, unit_kind, dict(appointments), dict(departures), dict(declines))


def attach_survey(history: History, *, user: Any, days: list[datetime.date]) -> None:
    """Each unit's published WHO-5 mean from the latest wave closed by each day (k-safe cells
    through the indicator layer; a unit below k simply has no value)."""
    from zhongjian.insight.wellbeing import closed_wave_days, wellbeing_values

    first = min(closed_wave_days(user), default=None)
    for unit in history.unit_kind:
        for day in days:
            if first is None or day < first:
                continue
            value = wellbeing_values(
                user, scope=IndicatorScope(unit_id=unit), period=Period(day, day)
            )["voice.who5_mean"]
            if value.value is not None:
                history.unit_who5.setdefault(unit, []).append((day, value.value))


def _years(start: datetime.date, end: datetime.date) -> float:
    return (end - start).days / 365.25


def features_at(
    history: History, day: datetime.date
) -> tuple[list[int], list[int], list[list[float]]]:
    """(cadre ids, unit ids, feature rows) of every cadre in post on DAY, from rows dated ≤ DAY."""
    gone: dict[int, datetime.date] = {}
    for cadre, rows in history.departures.items():
        ends = [on for on, kind in rows if kind in FOR_GOOD]
        if ends:
            gone[cadre] = min(ends)
    rank = {tier: index for index, tier in enumerate(MID_LEVEL_TIERS)}
    people: list[tuple[int, int, list[float]]] = []
    unit_people: dict[int, int] = defaultdict(int)
    for cadre, birth, work_start, home_unit, establishment, education, _status in history.cadres:
        if work_start > day or (cadre in gone and gone[cadre] <= day):
            continue
        held = [
            (start, end, tier, unit)
            for start, end, tier, unit in history.appointments.get(cadre, [])
            if start <= day and (end is None or end > day)
        ]
        tier, unit = Tier.GENERAL.value, home_unit
        if held:
            best = min(held, key=lambda row: rank[row[2]])
            tier, unit = best[2], best[3]
        in_tier = 0.0
        if tier != Tier.GENERAL:
            first = min(
                start
                for start, _end, t, _u in history.appointments[cadre]
                if t == tier and start <= day
            )
            in_tier = _years(first, day)
        since = add_months(day, -12 * LOOKBACK_YEARS)
        declined = any(since < on <= day for on in history.declines.get(cadre, []))
        seconded = any(
            since < on <= day and kind == DepartureKind.SECONDMENT
            for on, kind in history.departures.get(cadre, [])
        )
        kind = history.unit_kind.get(unit, "")
        unit_people[unit] += 1
        people.append(
            (
                cadre,
                unit,
                [
                    _years(birth, day),
                    _years(work_start, day),
                    float(tier == Tier.ZHENGKE),
                    float(tier == Tier.FUKE),
                    float(tier == Tier.GUJI),
                    in_tier,
                    float(kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)),
                    float(kind == UnitKind.PUBLIC_INSTITUTION),
                    float(establishment == Establishment.PUBLIC_INSTITUTION),
                    float(education in (Education.POSTGRADUATE, Education.BACHELOR)),
                    float(declined),
                    float(seconded),
                    0.0,  # unit exit rate, below
                    float("nan"),  # unit WHO-5, below
                ],
            )
        )
    # The unit's exits for good (not retirement) in the three years up to DAY, over its people.
    history_start = add_months(day, -12 * UNIT_HISTORY_YEARS)
    home = {cadre: unit for cadre, _b, _w, unit, *_rest in history.cadres}
    unit_exits: dict[int, int] = defaultdict(int)
    for cadre, rows in history.departures.items():
        for on, kind in rows:
            if kind in LEAVING_KINDS and history_start < on <= day:
                unit_exits[home[cadre]] += 1
    for _cadre, unit, row in people:
        row[12] = unit_exits[unit] / (unit_people[unit] + unit_exits[unit])
        waves = [
            (closed, mean) for closed, mean in history.unit_who5.get(unit, []) if closed <= day
        ]
        if waves:
            row[13] = max(waves)[1]
    return [p[0] for p in people], [p[1] for p in people], [p[2] for p in people]


def labels_at(history: History, cadres: list[int], day: datetime.date) -> list[int]:
    """1 when the cadre left for good (not by retirement) within 365 days after DAY."""
    end = day + datetime.timedelta(days=365)
    return [
        int(
            any(
                day < on <= end and kind in LEAVING_KINDS
                for on, kind in history.departures.get(c, [])
            )
        )
        for c in cadres
    ]


@dataclass(frozen=True)
class Split:
    train_days: list[datetime.date]
    test_day: datetime.date

    @property
    def first_year(self) -> int:
        return self.train_days[0].year

    @property
    def last_year(self) -> int:
        return self.train_days[-1].year


def time_split(*, first: datetime.date, today: datetime.date) -> Split | None:
    """Snapshots on 1 January: test = the latest whose 12 months are over by TODAY; train =
    those whose label window ends by the test day. None when there are fewer than 3 years."""
    test_year = today.year
    while datetime.date(test_year, 1, 1) + datetime.timedelta(days=365) > today:
        test_year -= 1
    test_day = datetime.date(test_year, 1, 1)
    train = [
        datetime.date(year, 1, 1)
        for year in range(first.year + 1, test_year)
        if datetime.date(year, 1, 1) + datetime.timedelta(days=365) <= test_day
    ]
    if len(train) < 2:
        return None
    return Split(train, test_day)


@dataclass(frozen=True)
class Metrics:
    name: str
    roc_auc: float | None
    pr_auc: float | None
    brier: float


@dataclass(frozen=True)
class GroupRisk:
    unit: str
    tier: str
    n: int
    risk: float  # mean predicted probability, percent


@dataclass(frozen=True)
class ModelReport:
    split: Split
    train_rows: int
    train_positive: int
    test_rows: int
    test_positive: int
    metrics: list[Metrics]
    chosen: str
    importance: list[tuple[str, float]]  # (Chinese feature name, weight)
    coefficients: list[tuple[str, float]]
    unused: list[str]
    groups: list[GroupRisk]
    hidden_groups: int
    county_risk: float | None
    k: int


def _metrics(name: str, y: Any, p: Any) -> Metrics:
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    both = len(set(int(v) for v in y)) == 2
    return Metrics(
        name=name,
        roc_auc=round(float(roc_auc_score(y, p)), 3) if both else None,
        pr_auc=round(float(average_precision_score(y, p)), 3) if both else None,
        brier=round(float(brier_score_loss(y, p)), 4),
    )


def _matrix(rows: list[list[float]], keep: list[int], fill: list[float]) -> Any:
    import numpy as np

    data = np.array(rows, dtype=float)[:, keep] if rows else np.zeros((0, len(keep)))
    for column in range(data.shape[1]):
        mask = np.isnan(data[:, column])
        data[mask, column] = fill[column]
    return data


def fit_report(
    history: History, *, today: datetime.date, k: int = GROUP_K, seed: int = 0
) -> ModelReport | None:
    """Train, evaluate on the held-out year, and score the groups in post on TODAY."""
    import sklearn.ensemble  # noqa: F401 (loads OpenMP, so that the limit below applies to it)
    from threadpoolctl import threadpool_limits

    # One thread: OpenMP's spinning workers make the boosting many times slower on a busy small
    # machine, where a web worker shares its cores with the others.
    with threadpool_limits(limits=1):
        return _fit_report(history, today=today, k=k, seed=seed)


def _fit_report(history: History, *, today: datetime.date, k: int, seed: int) -> ModelReport | None:
    import numpy as np
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    starts = [start for rows in history.appointments.values() for start, *_r in rows]
    if not starts:
        return None
    split = time_split(first=min(starts), today=today)
    if split is None:
        return None
    train_rows: list[list[float]] = []
    train_y: list[int] = []
    train_kind: list[str] = []
    for day in split.train_days:
        cadres, units, rows = features_at(history, day)
        train_rows += rows
        train_y += labels_at(history, cadres, day)
        train_kind += [history.unit_kind.get(u, "") for u in units]
    test_cadres, test_units, test_rows = features_at(history, split.test_day)
    test_y = labels_at(history, test_cadres, split.test_day)
    if len(set(train_y)) < 2:
        return None
    raw = np.array(train_rows, dtype=float)
    # A feature never observed in training (no closed wave before the split) is left out.
    keep = [i for i in range(raw.shape[1]) if not np.isnan(raw[:, i]).all()]
    unused = [str(FEATURES[i][1]) for i in range(raw.shape[1]) if i not in keep]
    fill = [float(np.nanmean(raw[:, i])) for i in keep]
    x_train = _matrix(train_rows, keep, fill)
    x_test = _matrix(test_rows, keep, fill)
    y_train, y_test = np.array(train_y), np.array(test_y)

    logistic = CalibratedClassifierCV(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), method="sigmoid", cv=3
    ).fit(x_train, y_train)
    boosting = CalibratedClassifierCV(
        HistGradientBoostingClassifier(
            max_iter=60, learning_rate=0.1, max_leaf_nodes=15, random_state=seed
        ),
        method="sigmoid",
        cv=3,
    ).fit(x_train, y_train)
    rate: dict[str, list[int]] = defaultdict(list)
    for kind, label in zip(train_kind, train_y, strict=True):
        rate[kind].append(label)
    overall = float(np.mean(y_train))
    baseline = np.array(
        [
            float(np.mean(rate[history.unit_kind.get(u, "")]))
            if rate[history.unit_kind.get(u, "")]
            else overall
            for u in test_units
        ]
    )
    metrics = [_metrics(str(_("基线：单位类型历史离岗率")), y_test, baseline)]
    models = {
        str(_("逻辑回归（校准）")): logistic,
        str(_("梯度提升（校准）")): boosting,
    }
    for name, model in models.items():
        metrics.append(
            _metrics(name, y_test, model.predict_proba(x_test)[:, 1])
            if len(x_test)
            else Metrics(name, None, None, 0.0)
        )
    chosen = min(metrics[1:], key=lambda m: m.brier).name
    model = models[chosen]

    names = [str(FEATURES[i][1]) for i in keep]
    importance: list[tuple[str, float]] = []
    if len(x_test) and len(set(test_y)) == 2:
        result = permutation_importance(
            model,
            x_test,
            y_test,
            scoring="roc_auc",
            n_repeats=2,
            max_samples=min(1.0, 1500 / len(x_test)),
            random_state=seed,
        )
        importance = sorted(
            (
                (name, round(float(v), 4))
                for name, v in zip(names, result.importances_mean, strict=True)
            ),
            key=lambda row: -abs(row[1]),
        )
    # Standardised coefficients of the logistic model, averaged over its calibration folds.
    coefs = np.mean(
        [
            c.estimator.named_steps["logisticregression"].coef_[0]
            for c in logistic.calibrated_classifiers_
        ],
        axis=0,
    )
    coefficients = sorted(
        ((name, round(float(v), 3)) for name, v in zip(names, coefs, strict=True)),
        key=lambda row: -abs(row[1]),
    )

    _now, now_units, now_rows = features_at(history, today)
    groups: list[GroupRisk] = []
    hidden = 0
    county_risk = None
    if now_rows:
        probability = model.predict_proba(_matrix(now_rows, keep, fill))[:, 1]
        tiers = [
            "general"
            if r[2] + r[3] + r[4] == 0
            else ("zhengke" if r[2] else "fuke" if r[3] else "guji")
            for r in now_rows
        ]
        names = dict(Unit.objects.filter(pk__in=set(now_units)).values_list("id", "name"))
        groups, hidden, county_risk = group_risks(
            units=now_units,
            tiers=tiers,
            probabilities=[float(p) for p in probability],
            k=k,
            names=names,
        )
    return ModelReport(
        split=split,
        train_rows=len(train_y),
        train_positive=int(sum(train_y)),
        test_rows=len(test_y),
        test_positive=int(sum(test_y)),
        metrics=metrics,
        chosen=chosen,
        importance=importance,
        coefficients=coefficients,
        unused=unused,
        groups=groups,
        hidden_groups=hidden,
        county_risk=county_risk,
        k=k,
    )


def group_risks(
    *,
    units: list[int],
    tiers: list[str],
    probabilities: list[float],
    k: int,
    names: dict[int, str],
) -> tuple[list[GroupRisk], int, float | None]:
    """Mean risk per unit × tier cell, suppressed as one table with its margins: a cell under k
    is hidden, and so is the next-smallest cell of its unit or tier when a margin would give it
    away (voice's complementary suppression). Returns the shown groups, how many are hidden,
    and the county mean (None when the county itself is under k)."""
    from zhongjian.voice.suppression import TOTAL, CellStats, suppress_table

    cells: dict[tuple[int, str], list[float]] = defaultdict(list)
    for unit, tier, p in zip(units, tiers, probabilities, strict=True):
        cells[(unit, tier)].append(p)
    if not cells:
        return [], 0, None
    table = suppress_table(
        cells={key: CellStats(n=len(ps), totals={"p": sum(ps)}) for key, ps in cells.items()}, k=k
    )
    groups: list[GroupRisk] = []
    hidden = 0
    for key in cells:
        cell = table[key]
        if cell.published and cell.n and cell.totals is not None:
            groups.append(
                GroupRisk(
                    names.get(key[0], ""),
                    str(Tier(key[1]).label),
                    cell.n,
                    round(100 * cell.totals["p"] / cell.n, 1),
                )
            )
        else:
            hidden += 1
    groups.sort(key=lambda g: (-g.risk, g.unit, g.tier))
    total = table[(TOTAL, TOTAL)]
    county = (
        round(100 * total.totals["p"] / total.n, 1)
        if total.published and total.n and total.totals is not None
        else None
    )
    return groups, hidden, county


def registry_digest(county_id: int) -> str:
    """A short fingerprint of what the model is fitted from: it changes when a cadre, a departure
    or an appointment of the county is added or removed."""
    stamp = (
        Cadre.objects.filter(county_id=county_id).aggregate(n=Count("id"), m=Max("id")),
        Departure.objects.filter(county_id=county_id).aggregate(n=Count("id"), m=Max("id")),
        Appointment.objects.filter(county_id=county_id).aggregate(n=Count("id"), m=Max("id")),
    )
    return hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]


def report_to_data(report: ModelReport | None) -> dict[str, Any] | None:
    """REPORT as JSON-ready data (dates as ISO strings)."""
    if report is None:
        return None
    data = asdict(report)
    data["split"] = {
        "train_days": [day.isoformat() for day in report.split.train_days],
        "test_day": report.split.test_day.isoformat(),
    }
    return data


def report_from_data(data: dict[str, Any] | None) -> ModelReport | None:
    if data is None:
        return None
    split = Split(
        train_days=[datetime.date.fromisoformat(day) for day in data["split"]["train_days"]],
        test_day=datetime.date.fromisoformat(data["split"]["test_day"]),
    )
    return ModelReport(
        **{
            **data,
            "split": split,
            "metrics": [Metrics(**m) for m in data["metrics"]],
            "importance": [tuple(pair) for pair in data["importance"]],
            "coefficients": [tuple(pair) for pair in data["coefficients"]],
            "groups": [GroupRisk(**g) for g in data["groups"]],
        }
    )


def fit_county(county_id: int, *, today: datetime.date) -> ModelReport | None:
    """Fit the county's model as of TODAY, with the 组织部's view of the survey cells."""
    from zhongjian.accounts.models import User
    from zhongjian.accounts.roles import Role

    scope = User(role=Role.ORG_DEPARTMENT, county_id=county_id, is_active=True)
    history = load_history(county_id)
    split = time_split(first=datetime.date(2000, 1, 1), today=today)
    days = [*(split.train_days if split else []), *([split.test_day] if split else []), today]
    attach_survey(history, user=scope, days=days)
    return fit_report(history, today=today)


def risk_report_refresh(*, county_id: int, today: datetime.date) -> ModelReport | None:
    """Fit the county's model now and store it (the background job; also the demo loader)."""
    from zhongjian.insight.models import RiskReport

    digest = registry_digest(county_id)
    report = fit_county(county_id, today=today)
    RiskReport.objects.update_or_create(
        county_id=county_id,
        defaults={"day": today, "digest": digest, "data": report_to_data(report)},
    )
    return report


@dataclass(frozen=True)
class StoredReport:
    """What the page shows: the stored report (None if never computed or too little history),
    whether one was ever computed, when, and whether it is current."""

    report: ModelReport | None
    exists: bool
    fresh: bool
    computed_at: datetime.datetime | None


def stored_report(
    *, county_id: int, today: datetime.date, digest: str | None = None
) -> StoredReport:
    """The county's stored report; current if fitted for TODAY on the registry whose
    fingerprint is DIGEST (computed here unless the caller has it)."""
    from zhongjian.insight.models import RiskReport

    row = RiskReport.objects.filter(county_id=county_id).first()
    if row is None:
        return StoredReport(report=None, exists=False, fresh=False, computed_at=None)
    fresh = row.day == today and row.digest == (digest or registry_digest(county_id))
    return StoredReport(
        report=report_from_data(row.data), exists=True, fresh=fresh, computed_at=row.computed_at
    )


def request_refresh(*, county_id: int, today: datetime.date, digest: str | None = None) -> None:
    """Queue a refit of the county's model unless one was queued for the same data (DIGEST, the
    registry's fingerprint, computed here unless the caller has it) and day in the last 15
    minutes."""
    from zhongjian.insight.tasks import risk_report_task

    key = f"zj:insight:risk:queued:{county_id}:{today}:{digest or registry_digest(county_id)}"
    if cache.add(key, 1, 15 * 60):
        risk_report_task(county_id, today.isoformat())
