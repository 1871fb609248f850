"""The overview (队伍概览) figures: for a user's scope, and for every county at once.

The rows come from ORM querysets read through `scoped` (who may see what stays in one place);
the figures come from one statement over those row sets: common table expressions over the
querysets' SQL, each cadre's age band and retirement bucket worked out once, then conditional
sums, with the three parts (cadres by unit type and establishment, current appointments by
tier, mid-level posts) joined by UNION ALL. Django cannot name a subquery once and read it
several times, and its plain joins let the planner misjudge a county's rows (it takes the
county filter on each joined table as independent) and choose thousands of index lookups;
row sets materialised once and joined by hash are what the strongest hand-written SQL does
(bench/bench_overview.py), so the selector does the same. The statement runs on PostgreSQL and
on SQLite (FILTER needs SQLite 3.30, which Django 5.2 requires anyway).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import F, QuerySet

from zhongjian.core.county_rules import rules_in_force
from zhongjian.core.permissions import scope_for, scoped
from zhongjian.insight.registry import IndicatorScope
from zhongjian.org.choices import (
    MID_LEVEL_TIERS,
    CadreStatus,
    Establishment,
    Gender,
    Tier,
    UnitKind,
)
from zhongjian.org.models import Appointment, Cadre, County, Post, RetirementRule
from zhongjian.org.rules import add_months, latest_birth_date_retiring_by, retirement_rules

TIERS = tuple(Tier.values)
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("30岁以下", 0, 30),
    ("30–34岁", 30, 35),
    ("35–39岁", 35, 40),
    ("40–44岁", 40, 45),
    ("45–49岁", 45, 50),
    ("50–54岁", 50, 55),
    ("55岁及以上", 55, None),
]
ADMINISTRATIVE_ESTABLISHMENTS = (Establishment.ADMINISTRATIVE, Establishment.CIVIL_SERVICE_MANAGED)
RETIRING_YEARS = 5  # the overview's horizon: statutory retirements within 60 months, by year

# Columns of the row sets, in the order of the common table expressions' column lists.
PEOPLE = ("id", "county_id", "unit__kind", "establishment", "birth_date", "gender", "is_worker")
PEOPLE_NAMES = "id, county_id, kind, establishment, birth_date, gender, is_worker"
HOLDERS = ("id", "county_id", "establishment", "birth_date", "gender", "is_worker")
HOLDER_NAMES = "id, county_id, establishment, birth_date, gender, is_worker"
CURRENT = ("cadre_id", "county_id", "post_id", "post__tier", "post__required_establishment")
CURRENT_NAMES = "cadre_id, county_id, post_id, tier, required"
HELD = ("cadre_id", "county_id", "post_id")
POSTS = ("id", "county_id", "headcount")
# Figures of the cadres part after its key columns, in the statement's order.
CADRE_FIGURES = (
    ["headcount", "under_35", "under_40", "retiring", "no_post"]
    + [f"band_{i}" for i in range(len(AGE_BANDS))]
    + [f"by_{i}" for i in range(RETIRING_YEARS)]
)


@dataclass
class Overview:
    headcount: int
    by_unit_kind: list[tuple[str, int]]
    by_tier: list[tuple[str, int]]
    by_age_band: list[tuple[str, int]]
    by_establishment: list[tuple[str, int]]
    young_share: dict[str, float]  # percentages
    mid_level_posts: int
    mid_level_seats: int
    mid_level_vacant_seats: int
    mid_level_vacant_posts: int
    mixed_posting: int
    retiring_5y: int
    retiring_5y_mid_level: int
    retiring_by_year: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class _Sources:
    """The row sets one statement aggregates (values_list querysets, columns as named above)."""

    people: QuerySet[Any]  # PEOPLE: the active cadres counted
    current: QuerySet[Any]  # CURRENT: the current appointments to the county's posts counted
    posts: QuerySet[Any]  # POSTS: the active mid-level posts counted
    # When the scope is narrower than whole counties: the county's active cadres (HOLDERS), who
    # may hold a post in scope while working elsewhere, and all its current appointments (HELD),
    # which decide who holds no post and how many hold each post. Otherwise PEOPLE and CURRENT.
    holders: QuerySet[Any] | None = None
    held: QuerySet[Any] | None = None


# -- retirement bounds -------------------------------------------------------------------------

TRACKS = ((Gender.MALE, False), (Gender.FEMALE, False), (Gender.FEMALE, True))
_BOUNDS: dict[tuple[Any, ...], tuple[datetime.date, ...]] = {}


def _bounds(rules: list[RetirementRule], day: datetime.date) -> tuple[datetime.date, ...]:
    """Latest birth date reaching statutory retirement by DAY, per track (man, woman cadre,
    woman worker). A pure function of the rules' values and DAY, remembered per process."""
    key = (
        day,
        tuple(
            sorted(
                (
                    r.track,
                    r.effective_from,
                    r.base_age_months,
                    r.first_birth_month,
                    r.birth_months_per_step,
                    r.max_delay_months,
                )
                for r in rules
            )
        ),
    )
    found = _BOUNDS.get(key)
    if found is None:
        if len(_BOUNDS) > 4096:
            _BOUNDS.clear()
        found = _BOUNDS[key] = tuple(
            latest_birth_date_retiring_by(gender=gender, is_worker=worker, day=day, rules=rules)
            for gender, worker in TRACKS
        )
    return found


RuleGroups = list[tuple[list[int] | None, list[RetirementRule]]]
# The retirement buckets of a cadre: 0 … RETIRING_YEARS - 1, the first year end (31 December of
# this year and the next four) by which they reach statutory retirement age; RETIRING_YEARS,
# later but within 60 months of today; NOT_RETIRING otherwise. Bounds grow with the day, so
# "retires by year end i" is "bucket <= i".
NOT_RETIRING = 99


def _bucket_sql(today: datetime.date, groups: RuleGroups) -> tuple[str, list[Any]]:
    """SQL for the retirement bucket of a row (columns gender, is_worker, birth_date,
    county_id) under the rules of its county: GROUPS pairs county ids (None: every county)
    with the rules in force there."""
    days = [datetime.date(today.year + i, 12, 31) for i in range(RETIRING_YEARS)]
    days.append(add_months(today, 60))
    tracks = (
        "gender = %s",
        "gender = %s AND NOT is_worker",
        "gender = %s AND is_worker",
    )
    genders = (Gender.MALE.value, Gender.FEMALE.value, Gender.FEMALE.value)
    whens: list[str] = []
    params: list[Any] = []
    for counties, rules in groups:
        per_day = [_bounds(rules, day) for day in days]
        for index, (track, gender) in enumerate(zip(tracks, genders, strict=True)):
            condition = track
            values: list[Any] = [gender]
            if counties is not None:
                condition += f" AND county_id IN ({', '.join(['%s'] * len(counties))})"
                values += counties
            steps = " ".join(f"WHEN birth_date <= %s THEN {bucket}" for bucket in range(len(days)))
            values += [bounds[index] for bounds in per_day]
            whens.append(f"WHEN {condition} THEN CASE {steps} ELSE {NOT_RETIRING} END")
            params += values
    return f"CASE {' '.join(whens)} ELSE {NOT_RETIRING} END", params


def _band_sql(today: datetime.date) -> tuple[str, list[Any]]:
    """SQL for the index of a row's age band in AGE_BANDS (-1: born after today)."""
    steps = ["WHEN birth_date > %s THEN -1"]
    params: list[Any] = [today]
    for index, (_label, _low, high) in enumerate(AGE_BANDS):
        if high is not None:
            steps.append(f"WHEN birth_date > %s THEN {index}")
            params.append(add_months(today, -12 * high))
    return f"CASE {' '.join(steps)} ELSE {len(AGE_BANDS) - 1} END", params


# -- the statement -----------------------------------------------------------------------------


def _in_list(values: Iterable[str]) -> tuple[str, list[str]]:
    values = [str(v) for v in values]
    return ", ".join(["%s"] * len(values)), values


def _statement(
    sources: _Sources, *, today: datetime.date, groups: RuleGroups
) -> tuple[str, list[Any]]:
    """The one statement: rows (part, county, key, establishment, figures …).

    Each cadre's age band and retirement bucket is worked out once (people, holders); the
    counts are then sums over a few thousand (county, unit type, establishment, band, bucket)
    groups rather than conditions over every row. The row sets are read several times, so
    PostgreSQL materialises them and joins them by hash.
    """
    # Only code constants, placeholders and the querysets' own SQL are put into the text
    # (hence the noqa: S608 below); every value travels as a parameter.
    connection = connections[sources.people.db]
    bucket, bucket_params = _bucket_sql(today, groups)
    band, band_params = _band_sql(today)
    ctes: list[str] = []
    params: list[Any] = []
    for name, columns, queryset in (
        ("people_rows", PEOPLE_NAMES, sources.people),
        ("cur", CURRENT_NAMES, sources.current),
        ("posts", "id, county_id, headcount", sources.posts),
        ("holder_rows", HOLDER_NAMES, sources.holders),
        ("held", "cadre_id, county_id, post_id", sources.held),
    ):
        if queryset is None:
            continue
        sql, values = queryset.query.get_compiler(connection=connection).as_sql()
        ctes.append(f"{name} ({columns}) AS ({sql})")
        params += values
        if name == "people_rows":
            ctes.append(
                f"people AS (SELECT id, county_id, kind, establishment, {band} AS band,"  # noqa: S608
                f" {bucket} AS bucket FROM people_rows)"
            )
            params += [*band_params, *bucket_params]
        elif name == "holder_rows":
            ctes.append(
                f"holders AS (SELECT id, county_id, establishment, {bucket} AS bucket"  # noqa: S608
                " FROM holder_rows)"
            )
            params += bucket_params
    holders = "holders" if sources.holders is not None else "people"
    held = "held" if sources.held is not None else "cur"

    def padding(used: int) -> str:
        return ", ".join(["0"] * (len(CADRE_FIGURES) - used))

    # Cadres by county, unit type and establishment, in the order of CADRE_FIGURES (who
    # holds no post: from the next part).
    under = [i for i, (_label, _low, high) in enumerate(AGE_BANDS) if high in (35, 40)]
    figures = ["SUM(n)"]
    figures += [f"SUM(n) FILTER (WHERE band <= {i})" for i in under]
    figures += [f"SUM(n) FILTER (WHERE bucket <= {RETIRING_YEARS})", "0"]
    figures += [f"SUM(n) FILTER (WHERE band = {i})" for i in range(len(AGE_BANDS))]
    figures += [f"SUM(n) FILTER (WHERE bucket <= {i})" for i in range(RETIRING_YEARS)]
    cadres = (
        "SELECT 'cadres', county_id, kind, establishment, "  # noqa: S608
        + ", ".join(figures)
        + " FROM (SELECT county_id, kind, establishment, band, bucket, COUNT(*) AS n"
        " FROM people GROUP BY county_id, kind, establishment, band, bucket) grouped"
        " GROUP BY county_id, kind, establishment"
    )
    # Current appointments of active cadres: first one row per cadre with a flag for each tier
    # it holds a post in and its 混编混岗 and mid-level flags over all its posts, then sums by
    # county. So every figure counts people: a cadre holding posts in two tiers (兼任) is one
    # person in each tier and once in the 混编混岗 and retiring figures, and no count needs
    # DISTINCT. Over whole counties the people are the holders, and a cadre without a current
    # post is a row without flags; a narrower scope counts who holds no post in the county
    # separately (an anti-join).
    mid, mid_params = _in_list(MID_LEVEL_TIERS)
    admin, admin_params = _in_list(ADMINISTRATIVE_ESTABLISHMENTS)
    held_tiers = ", ".join(
        f"MAX(CASE WHEN tier = %s THEN 1 ELSE 0 END) AS t{index}" for index in range(len(TIERS))
    )
    per_cadre = (
        f"(SELECT county_id, cadre_id, {held_tiers},"  # noqa: S608
        f" MAX(CASE WHEN tier IN ({mid}) AND required IN ({admin}) THEN 1 ELSE 0 END) AS mixed,"
        f" MAX(CASE WHEN tier IN ({mid}) THEN 1 ELSE 0 END) AS mid"
        " FROM cur GROUP BY county_id, cadre_id) t"
    )
    joined = (
        f"FROM {per_cadre} JOIN {holders} h ON h.id = t.cadre_id AND h.county_id = t.county_id"
        if sources.holders is not None
        else f"FROM people h LEFT JOIN {per_cadre}"
        " ON t.cadre_id = h.id AND t.county_id = h.county_id"
    )
    tier_sums = ", ".join(f"SUM(t.t{index})" for index in range(len(TIERS)))
    tiers = (
        "SELECT 'tiers', h.county_id, '', '', COUNT(*) FILTER (WHERE t.cadre_id IS NULL),"
        " SUM(CASE WHEN h.establishment = %s THEN t.mixed ELSE 0 END),"
        f" SUM(CASE WHEN t.mid = 1 AND h.bucket <= {RETIRING_YEARS} THEN 1 ELSE 0 END),"
        f" {tier_sums}, {padding(3 + len(TIERS))} {joined} GROUP BY h.county_id"
    )
    params += [Establishment.PUBLIC_INSTITUTION.value, *TIERS, *mid_params, *admin_params]
    params += mid_params
    parts = [cadres, tiers]
    if sources.holders is not None:
        parts.append(
            f"SELECT 'tier', people.county_id, NULL, '', COUNT(*), {padding(1)} FROM people"  # noqa: S608
            f" WHERE NOT EXISTS (SELECT 1 FROM {held} WHERE {held}.cadre_id = people.id"
            f" AND {held}.county_id = people.county_id) GROUP BY people.county_id"
        )

    # Mid-level posts by county: seats, and the seats and posts short of holders.
    posts = (
        "SELECT 'posts', posts.county_id, '', '', COUNT(*), SUM(posts.headcount),"  # noqa: S608
        " COUNT(*) FILTER (WHERE COALESCE(h.n, 0) < posts.headcount),"
        " SUM(posts.headcount - COALESCE(h.n, 0))"
        " FILTER (WHERE COALESCE(h.n, 0) < posts.headcount),"
        f" {padding(4)}"
        f" FROM posts LEFT JOIN (SELECT post_id, county_id, COUNT(*) AS n FROM {held}"
        " GROUP BY post_id, county_id) h ON h.post_id = posts.id AND h.county_id = posts.county_id"
        " GROUP BY posts.county_id"
    )
    parts.append(posts)
    return "WITH " + ", ".join(ctes) + " " + " UNION ALL ".join(parts), params


@dataclass
class _Counts:
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CADRE_FIGURES, 0))
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_establishment: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_tier: dict[str, int] = field(default_factory=dict)
    mixed: int = 0
    retiring_mid: int = 0
    posts: tuple[int, int, int, int] = (0, 0, 0, 0)  # posts, seats, vacant posts, vacant seats


def _run(
    sources: _Sources, *, today: datetime.date, groups: RuleGroups, every_county: bool = False
) -> dict[int, _Counts]:
    try:
        sql, params = _statement(sources, today=today, groups=groups)
    except EmptyResultSet:  # a scope that holds nothing (a unit head without a unit)
        return {}
    counts: dict[int, _Counts] = defaultdict(_Counts)
    connection = connections[sources.people.db]
    if every_county and connection.vendor == "postgresql":
        # The provincial view hashes every county's rows at once: memory for that one
        # statement (its transaction's), so that its joins and groups stay off disk.
        # Joins on (county, id) look a hundred times more selective than they are (the
        # planner takes the two equalities as independent), which makes it sort 300,000 rows
        # for merge joins it thinks are small; hash joins are what these need. Both settings
        # end with the transaction (or its savepoint); RESET ends them inside an outer one.
        with transaction.atomic(using=sources.people.db), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'; SET LOCAL enable_mergejoin = off")
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute("RESET work_mem; RESET enable_mergejoin")
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    for part, county, key, establishment, *figures in rows:
        # Sums come back as numeric on PostgreSQL (Decimal) and may be NULL over no rows.
        values = [int(value or 0) for value in figures]
        found = counts[county]
        if part == "cadres":
            for name, value in zip(CADRE_FIGURES, values, strict=True):
                found.totals[name] += value
            found.by_kind[key] += values[0]
            found.by_establishment[establishment] += values[0]
        elif part == "tier":  # active cadres holding no current post (a narrower scope)
            found.totals["no_post"] += values[0]
        elif part == "tiers":
            found.totals["no_post"] += values[0]
            found.mixed += values[1]
            found.retiring_mid += values[2]
            for tier, value in zip(TIERS, values[3 : 3 + len(TIERS)], strict=True):
                if value:
                    found.by_tier[tier] = found.by_tier.get(tier, 0) + value
        else:
            found.posts = (values[0], values[1], values[2], values[3])
    return counts


def _labelled(rows: dict[str, int], choices: Any) -> list[tuple[str, int]]:
    return [(str(label), rows.get(value, 0)) for value, label in choices.choices]


def _overview(counts: _Counts, today: datetime.date) -> Overview:
    totals = counts.totals
    headcount = totals["headcount"]
    by_tier = dict(counts.by_tier)
    by_tier[Tier.GENERAL] = by_tier.get(Tier.GENERAL, 0) + totals["no_post"]
    cumulative = [totals[f"by_{i}"] for i in range(RETIRING_YEARS)]
    posts, seats, vacant_posts, vacant_seats = counts.posts
    return Overview(
        headcount=headcount,
        by_unit_kind=_labelled(counts.by_kind, UnitKind),
        by_tier=_labelled(by_tier, Tier),
        by_age_band=[(label, totals[f"band_{i}"]) for i, (label, _, _) in enumerate(AGE_BANDS)],
        by_establishment=_labelled(counts.by_establishment, Establishment),
        young_share={
            "under_35": round(100 * totals["under_35"] / headcount, 1) if headcount else 0.0,
            "under_40": round(100 * totals["under_40"] / headcount, 1) if headcount else 0.0,
        },
        mid_level_posts=posts,
        mid_level_seats=seats,
        mid_level_vacant_seats=vacant_seats,
        mid_level_vacant_posts=vacant_posts,
        mixed_posting=counts.mixed,
        retiring_5y=totals["retiring"],
        retiring_5y_mid_level=counts.retiring_mid,
        retiring_by_year=[
            (today.year + i, n - (cumulative[i - 1] if i else 0)) for i, n in enumerate(cumulative)
        ],
    )


# -- the two reads -----------------------------------------------------------------------------


def overview_figures(
    *, user: Any, today: datetime.date, scope: IndicatorScope | None = None
) -> Overview:
    """The overview figures for the user's scope, optionally narrowed to a unit type or unit.

    Two round trips: the county's retirement rules, then one statement. Every row set and
    every join is limited to the county, so that a county's figures cost the same inside a
    province as alone (the performance targets, docs/indicators.md).
    """
    narrow = (scope or IndicatorScope()).filters()
    own = scope_for(user)
    county = own.county_id
    if county is None:
        return _overview(_Counts(), today)
    rules = retirement_rules(county_id=county)
    sources = _Sources(
        people=scoped(Cadre.objects.filter(status=CadreStatus.ACTIVE), user)
        .filter(unit__county_id=county, **narrow)
        .values_list(*PEOPLE)
        .order_by(),
        current=scoped(Appointment.objects.filter(end_date__isnull=True), user)
        .filter(post__county_id=county, **narrow)
        .values_list(*CURRENT)
        .order_by(),
        posts=scoped(Post.objects.filter(is_active=True, tier__in=MID_LEVEL_TIERS), user)
        .filter(**narrow)
        .values_list(*POSTS)
        .order_by(),
    )
    if narrow or not own.is_county_wide:
        sources = _Sources(
            people=sources.people,
            current=sources.current,
            posts=sources.posts,
            holders=Cadre.objects.filter(county_id=county, status=CadreStatus.ACTIVE)
            .values_list(*HOLDERS)
            .order_by(),
            held=Appointment.objects.filter(county_id=county, end_date__isnull=True)
            .values_list(*HELD)
            .order_by(),
        )
    counts = _run(sources, today=today, groups=[(None, rules)])
    return _overview(counts.get(county, _Counts()), today)


def county_overviews(
    *, today: datetime.date, counties: Iterable[int] | None = None
) -> dict[int, Overview]:
    """The overview of every county (or of COUNTIES) at once, for a provincial view: the
    figures `overview_figures` gives each county's 组织部, from one grouped statement.

    Not scoped to a user: only operators (the `zhongjian overview --all-counties` command)
    read it. Counties whose retirement rules differ are told apart inside the statement.
    """
    ids = (
        list(County.objects.order_by("code").values_list("id", flat=True))
        if counties is None
        else list(counties)
    )
    if not ids:
        return {}
    rows = list(RetirementRule.objects.all())
    by_rules: dict[tuple[int, ...], tuple[list[int], list[RetirementRule]]] = {}
    for county in ids:
        rules = rules_in_force(rows, county_id=county, key=lambda rule: rule.track)
        by_rules.setdefault(tuple(sorted(rule.pk for rule in rules)), ([], rules))[0].append(county)
    groups: RuleGroups = [
        (None if len(by_rules) == 1 else members, rules) for members, rules in by_rules.values()
    ]
    people = Cadre.objects.filter(status=CadreStatus.ACTIVE, unit__county_id=F("county_id"))
    current = Appointment.objects.filter(end_date__isnull=True, post__county_id=F("county_id"))
    posts = Post.objects.filter(is_active=True, tier__in=MID_LEVEL_TIERS)
    if counties is not None:
        people = people.filter(county_id__in=ids)
        current = current.filter(county_id__in=ids)
        posts = posts.filter(county_id__in=ids)
    sources = _Sources(
        people=people.values_list(*PEOPLE).order_by(),
        current=current.values_list(*CURRENT).order_by(),
        posts=posts.values_list(*POSTS).order_by(),
    )
    counts = _run(sources, today=today, groups=groups, every_county=True)
    return {county: _overview(counts.get(county, _Counts()), today) for county in ids}
