"""County overview (队伍概览) on the synthetic province: the selector versus the strongest hand SQL.

Targets (issue #16 item 2): the selector (`overview_figures`, one statement over scoped ORM
row sets) within 1.5 × one well-planned SQL statement (GROUPING SETS and FILTER, every figure
checked equal), p95 < 300 ms for a county; a
county inside the province within 1.2 × the same county in a database holding only it; all
counties < 1.5 s (`county_overviews`, one grouped statement, its figures checked equal to each
sampled county's own overview). Runs are interleaved in shuffled rounds; medians and p95 over
BENCH_ROUNDS (default 30). The page (GET / as the county's 组织部, the whole dashboard) is
timed through the test client as well. Both databases are vacuumed first (as autovacuum
leaves a live one), so that index-only scans serve either side alike.

BENCH_DATABASE_URL names the province database (built once if empty, BENCH_CADRES cadres,
default 300000); BENCH_ALONE_URL a second database that receives a copy of one county only.
"""

import datetime
import gc
import os
import statistics
from typing import Any

from bench.common import (
    PG_SERVER,
    ROUNDS,
    TODAY,
    ensure_province,
    interleaved,
    line,
    p95,
    setup_django,
    verdict,
)

MID = ("zhengke", "fuke", "guji")

SQL = """
WITH cur AS (
    SELECT a.cadre_id, a.post_id, p.tier, p.required_establishment
    FROM org_appointment a
    JOIN org_post p ON p.id = a.post_id AND p.county_id = %(county)s
    WHERE a.county_id = %(county)s AND a.end_date IS NULL
), people AS (
    SELECT c.id, c.birth_date, c.gender, c.is_worker, c.establishment, u.kind,
        ((c.gender = 'male' AND c.birth_date <= %(m5)s)
         OR (c.gender = 'female' AND NOT c.is_worker AND c.birth_date <= %(f5)s)
         OR (c.gender = 'female' AND c.is_worker AND c.birth_date <= %(w5)s)) AS retiring
    FROM org_cadre c JOIN org_unit u ON u.id = c.unit_id AND u.county_id = %(county)s
    WHERE c.county_id = %(county)s AND c.status = 'active'
)
SELECT 'cadres' AS part, kind, establishment, GROUPING(kind, establishment) AS g,
    COUNT(*) AS n,
    COUNT(*) FILTER (WHERE birth_date > %(b35)s),
    COUNT(*) FILTER (WHERE birth_date > %(b40)s),
    COUNT(*) FILTER (WHERE retiring),
    COUNT(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.cadre_id = people.id)),
    COUNT(*) FILTER (WHERE birth_date > %(b30)s),
    COUNT(*) FILTER (WHERE birth_date <= %(b30)s AND birth_date > %(b35)s),
    COUNT(*) FILTER (WHERE birth_date <= %(b35)s AND birth_date > %(b40)s),
    COUNT(*) FILTER (WHERE birth_date <= %(b40)s AND birth_date > %(b45)s),
    COUNT(*) FILTER (WHERE birth_date <= %(b45)s AND birth_date > %(b50)s),
    COUNT(*) FILTER (WHERE birth_date <= %(b50)s AND birth_date > %(b55)s),
    COUNT(*) FILTER (WHERE birth_date <= %(b55)s),
    {years}
FROM people
GROUP BY GROUPING SETS ((kind), (establishment), ())
UNION ALL
SELECT 'tier', cur.tier, '', GROUPING(cur.tier), COUNT(DISTINCT cur.cadre_id),
    COUNT(DISTINCT cur.cadre_id) FILTER (WHERE cur.tier IN ('zhengke', 'fuke', 'guji')
        AND cur.required_establishment IN ('administrative', 'civil_service_managed')
        AND people.establishment = 'public_institution'),
    COUNT(DISTINCT cur.cadre_id) FILTER (WHERE cur.tier IN ('zhengke', 'fuke', 'guji')
        AND people.retiring),
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM cur JOIN people ON people.id = cur.cadre_id
GROUP BY GROUPING SETS ((cur.tier), ())
UNION ALL
SELECT 'posts', '', '', 0, COUNT(*), COALESCE(SUM(headcount), 0),
    COUNT(*) FILTER (WHERE n < headcount),
    COALESCE(SUM(headcount - n) FILTER (WHERE n < headcount), 0),
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM (
    SELECT p.headcount, COALESCE(h.n, 0) AS n
    FROM org_post p
    LEFT JOIN (SELECT post_id, COUNT(*) AS n FROM cur GROUP BY post_id) h ON h.post_id = p.id
    WHERE p.county_id = %(county)s AND p.is_active AND p.tier IN ('zhengke', 'fuke', 'guji')
) posts
"""


def _years_sql() -> str:
    return ",\n    ".join(
        f"COUNT(*) FILTER (WHERE (gender = 'male' AND birth_date <= %(m{i})s)"
        f" OR (gender = 'female' AND NOT is_worker AND birth_date <= %(f{i})s)"
        f" OR (gender = 'female' AND is_worker AND birth_date <= %(w{i})s))"
        for i in range(5)
    )


def sql_params(county: int) -> dict[str, Any]:
    from zhongjian.org.choices import Gender
    from zhongjian.org.models import RetirementRule
    from zhongjian.org.rules import add_months, latest_birth_date_retiring_by

    rules = list(RetirementRule.objects.all())
    params: dict[str, Any] = {"county": county}
    days = {"5": add_months(TODAY, 60)} | {
        str(i): datetime.date(TODAY.year + i, 12, 31) for i in range(5)
    }
    for suffix, day in days.items():
        for key, gender, worker in (
            ("m", Gender.MALE, False),
            ("f", Gender.FEMALE, False),
            ("w", Gender.FEMALE, True),
        ):
            params[f"{key}{suffix}"] = latest_birth_date_retiring_by(
                gender=gender, is_worker=worker, day=day, rules=rules
            )
    for age in (30, 35, 40, 45, 50, 55):
        params[f"b{age}"] = add_months(TODAY, -12 * age)
    return params


def hand_sql(cursor: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The overview's figures from one statement, in the ORM's shape for comparison."""
    from zhongjian.org.choices import Establishment, Tier, UnitKind

    cursor.execute(SQL.format(years=_years_sql()), params)
    kinds: dict[str, int] = {}
    establishments: dict[str, int] = {}
    tiers: dict[str, int] = {}
    figures: dict[str, Any] = {}
    mixed = retiring_mid = 0
    for part, kind, establishment, g, n, *rest in cursor.fetchall():
        if part == "cadres" and g == 1:
            kinds[kind] = n
        elif part == "cadres" and g == 2:
            establishments[establishment] = n
        elif part == "cadres":
            figures.update(
                headcount=n,
                under_35=rest[0],
                under_40=rest[1],
                retiring=rest[2],
                no_post=rest[3],
                bands=rest[4:11],
                years=rest[11:16],
            )
        elif part == "tier" and g == 1:  # the grand total: people counted once over tiers
            mixed, retiring_mid = rest[0], rest[1]
        elif part == "tier":
            tiers[kind] = n
        else:
            figures.update(posts=n, seats=rest[0], vacant_posts=rest[1], vacant_seats=rest[2])
    tiers["general"] = tiers.get("general", 0) + figures.get("no_post", 0)
    years = figures.get("years", [0] * 5)
    headcount = figures.get("headcount", 0)
    return {
        "headcount": headcount,
        "by_unit_kind": [(str(c.label), kinds.get(c.value, 0)) for c in UnitKind],
        "by_tier": [(str(c.label), tiers.get(c.value, 0)) for c in Tier],
        "by_establishment": [(str(c.label), establishments.get(c.value, 0)) for c in Establishment],
        "by_age_band": list(figures.get("bands", [0] * 7)),
        "young": (
            round(100 * figures["under_35"] / headcount, 1) if headcount else 0.0,
            round(100 * figures["under_40"] / headcount, 1) if headcount else 0.0,
        ),
        "seats": (
            figures["posts"],
            figures["seats"],
            figures["vacant_seats"],
            figures["vacant_posts"],
        ),
        "mixed": mixed,
        "retiring": (figures.get("retiring", 0), retiring_mid),
        "by_year": [y - (years[i - 1] if i else 0) for i, y in enumerate(years)],
    }


def orm_shape(figures: Any) -> dict[str, Any]:
    return {
        "headcount": figures.headcount,
        "by_unit_kind": figures.by_unit_kind,
        "by_tier": figures.by_tier,
        "by_establishment": figures.by_establishment,
        "by_age_band": [n for _label, n in figures.by_age_band],
        "young": (figures.young_share["under_35"], figures.young_share["under_40"]),
        "seats": (
            figures.mid_level_posts,
            figures.mid_level_seats,
            figures.mid_level_vacant_seats,
            figures.mid_level_vacant_posts,
        ),
        "mixed": figures.mixed_posting,
        "retiring": (figures.retiring_5y, figures.retiring_5y_mid_level),
        "by_year": [n for _year, n in figures.retiring_by_year],
    }


def copy_county(source_url: str, target_url: str, county: int) -> None:
    """Fill the (migrated, empty) TARGET with COUNTY's registry rows and the rules from SOURCE."""
    import psycopg

    tables = ["org_county", "org_unit", "org_post", "org_cadre", "org_appointment", "org_rankgrant"]
    with psycopg.connect(source_url) as src, psycopg.connect(target_url) as dst:
        # Reference tables (rules) are the same everywhere; a migration run on another alias
        # seeds them into the default database only.
        wanted = [
            table
            for table in ("org_retirementrule", *tables)
            if not dst.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        ]
        if not wanted:
            return
        with dst.transaction():
            dst.execute("SET session_replication_role = replica")  # no FK checks while copying
            for table in wanted:
                key = {"org_county": "id", "org_retirementrule": "1"}.get(table, "county_id")
                columns = [
                    row[0]
                    for row in src.execute(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                        " ORDER BY ordinal_position",
                        [table],
                    )
                ]
                names = ", ".join(f'"{c}"' for c in columns)
                with (
                    src.cursor().copy(
                        f"COPY (SELECT {names} FROM {table} WHERE {key} = {int(county) if key != '1' else 1})"
                        " TO STDOUT"
                    ) as out,
                    dst.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as into,
                ):
                    for data in out:
                        into.write(data)
    vacuum(target_url)


def vacuum(url: str) -> None:
    """VACUUM ANALYZE the registry tables the overview reads (visibility map and statistics)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE org_unit, org_post, org_cadre, org_appointment")


def main() -> None:
    province_url = os.environ.get("BENCH_DATABASE_URL", f"{PG_SERVER}/zhongjian_bench")
    os.environ["BENCH_DATABASE_URL"] = province_url
    where = setup_django(prefer_postgres=True)
    from django.db import connection, connections
    from django.test import Client

    from zhongjian.accounts.models import User
    from zhongjian.insight.selectors import county_overviews, overview_figures
    from zhongjian.org.models import County

    if connection.vendor != "postgresql":
        print("PostgreSQL not available: the overview benchmark needs the synthetic province.")
        return
    ensure_province()
    counties = list(County.objects.order_by("code"))
    county = counties[len(counties) // 2]
    user, _created = User.objects.get_or_create(
        username="bench_zuzhibu", defaults={"role": "org_department", "county": county}
    )
    rounds = ROUNDS
    params = sql_params(county.pk)

    orm_figures = orm_shape(overview_figures(user=user, today=TODAY))
    with connection.cursor() as cursor:
        sql_figures = hand_sql(cursor, params)
    assert orm_figures == sql_figures, (orm_figures, sql_figures)

    # The same county in a database that holds only it.
    alone_url = os.environ.get("BENCH_ALONE_URL", f"{PG_SERVER}/zj_insight_alone")
    import psycopg

    name = alone_url.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    from django.conf import settings
    from django.core.management import call_command

    settings.DATABASES["alone"] = {**settings.DATABASES["default"], "NAME": name}
    call_command("migrate", database="alone", verbosity=0)
    copy_county(province_url, alone_url, county.pk)
    alone = connections["alone"]

    def orm_alone() -> None:
        from django.db import connections as conns

        # Route the same selector to the single-county database for this call.
        saved = conns["default"]
        conns["default"] = alone
        try:
            overview_figures(user=user, today=TODAY)
        finally:
            conns["default"] = saved

    with alone.cursor() as cursor:
        assert hand_sql(cursor, params) == sql_figures, "the copy differs from the province"

    # After the copy's set-up (migrations on a second alias once wrote the default database).
    vacuum(province_url)
    client = Client()
    client.force_login(user)

    def sql_province() -> None:
        with connection.cursor() as cursor:
            hand_sql(cursor, params)

    def sql_alone() -> None:
        with alone.cursor() as cursor:
            hand_sql(cursor, params)

    # As the server does (config/wsgi.py): what is loaded before the requests is frozen.
    gc.collect()
    gc.freeze()
    samples = interleaved(
        {
            "selector overview (province)": lambda: overview_figures(user=user, today=TODAY),
            "hand SQL (province)": sql_province,
            "selector overview (county alone)": orm_alone,
            "hand SQL (county alone)": sql_alone,
            "page GET / (province, client)": lambda: client.get("/"),
        },
        rounds,
    )
    median = {name: statistics.median(values) for name, values in samples.items()}

    # The provincial view: every county in one grouped statement, each sampled county's
    # figures checked equal to that county's own overview first.
    everything = county_overviews(today=TODAY)
    sample = [counties[i] for i in range(0, len(counties), max(1, len(counties) // 10))]
    for each in {*sample, county}:
        own = overview_figures(
            user=User(role="org_department", county=each, is_active=True), today=TODAY
        )
        assert everything[each.pk] == own, f"county_overviews differs for {each.name}"
    province_samples = interleaved(
        {"all counties": lambda: county_overviews(today=TODAY)}, max(20, rounds // 2)
    )["all counties"]

    print(
        f"database: {connection.vendor} ({where}); county {county.name}: {orm_figures['headcount']} active cadres; {len(counties)} counties; {rounds} rounds"
    )
    for name, values in samples.items():
        print(line(name, values))
    print(
        line(f"all {len(counties)} counties (grouped)", province_samples)
        + f"   ({len({*sample, county})} counties checked equal)"
    )
    ratio = median["selector overview (province)"] / median["hand SQL (province)"]
    inside = median["selector overview (province)"] / median["selector overview (county alone)"]
    page = samples["page GET / (province, client)"]
    print(verdict("ratio selector/SQL (median, province county)", ratio, 1.5))
    print(verdict("ratio county in province / county alone (selector median)", inside, 1.2))
    print(
        verdict(
            "p95 selector overview", p95(samples["selector overview (province)"]) * 1000, 300, " ms"
        )
    )
    print(verdict("all counties median", statistics.median(province_samples), 1.5, " s"))
    print(
        f"page GET / median {statistics.median(page) * 1000:.0f} ms, p95 {p95(page) * 1000:.0f} ms"
    )
