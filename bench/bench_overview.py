"""County overview on the synthetic province versus the same aggregates in hand-written SQL.

Target (DESIGN.md §8): the ORM overview within 1.5 × the hand-written SQL, p95 < 300 ms for a county.
BENCH_CADRES sets the province size (default 300000, about 100 counties).
"""

import datetime
import os
import time

from bench.common import describe, p95, reset_database, setup_django, timed

SQL = """
WITH active AS (
    SELECT c.id, c.birth_date, c.gender, c.is_worker, c.establishment, u.kind
    FROM org_cadre c JOIN org_unit u ON u.id = c.unit_id
    WHERE c.county_id = %(county)s AND c.status = 'active'
), retiring AS (
    SELECT id FROM active
    WHERE (gender = 'male' AND birth_date <= %(male_5y)s)
       OR (gender = 'female' AND NOT is_worker AND birth_date <= %(fcadre_5y)s)
       OR (gender = 'female' AND is_worker AND birth_date <= %(fworker_5y)s)
), current_appointment AS (
    SELECT a.cadre_id, a.post_id, p.tier, p.required_establishment
    FROM org_appointment a JOIN org_post p ON p.id = a.post_id
    WHERE a.county_id = %(county)s AND a.end_date IS NULL
      AND EXISTS (SELECT 1 FROM active WHERE active.id = a.cadre_id)
), holders AS (
    SELECT post_id, COUNT(*) AS n FROM org_appointment
    WHERE county_id = %(county)s AND end_date IS NULL GROUP BY post_id
), mid_posts AS (
    SELECT p.id, p.headcount, COALESCE(h.n, 0) AS n FROM org_post p
    LEFT JOIN holders h ON h.post_id = p.id
    WHERE p.county_id = %(county)s AND p.is_active AND p.tier IN ('zhengke', 'fuke', 'guji')
)
SELECT 'total', '', COUNT(*) FROM active
UNION ALL SELECT 'kind', kind, COUNT(*) FROM active GROUP BY kind
UNION ALL SELECT 'establishment', establishment, COUNT(*) FROM active GROUP BY establishment
UNION ALL SELECT 'tier', tier, COUNT(DISTINCT cadre_id) FROM current_appointment GROUP BY tier
UNION ALL SELECT 'no_post', '', COUNT(*) FROM active
    WHERE NOT EXISTS (SELECT 1 FROM current_appointment ca WHERE ca.cadre_id = active.id)
UNION ALL SELECT 'band', CAST(band AS VARCHAR(2)), COUNT(*) FROM (
    SELECT CASE WHEN birth_date > %(b30)s THEN 0 WHEN birth_date > %(b35)s THEN 1
                WHEN birth_date > %(b40)s THEN 2 WHEN birth_date > %(b45)s THEN 3
                WHEN birth_date > %(b50)s THEN 4 WHEN birth_date > %(b55)s THEN 5 ELSE 6 END AS band
    FROM active) banded GROUP BY band
UNION ALL SELECT 'mid_posts', '', COUNT(*) FROM mid_posts
UNION ALL SELECT 'mid_seats', '', COALESCE(SUM(headcount), 0) FROM mid_posts
UNION ALL SELECT 'vacant_posts', '', COUNT(*) FROM mid_posts WHERE n < headcount
UNION ALL SELECT 'vacant_seats', '', COALESCE(SUM(headcount - n), 0) FROM mid_posts WHERE n < headcount
UNION ALL SELECT 'mixed', '', COUNT(*) FROM current_appointment ca JOIN active a ON a.id = ca.cadre_id
    WHERE ca.tier IN ('zhengke', 'fuke', 'guji')
      AND ca.required_establishment IN ('administrative', 'civil_service_managed')
      AND a.establishment = 'public_institution'
UNION ALL SELECT 'retiring', '', COUNT(*) FROM retiring
UNION ALL SELECT 'retiring_mid', '', COUNT(DISTINCT cadre_id) FROM current_appointment
    WHERE tier IN ('zhengke', 'fuke', 'guji')
      AND EXISTS (SELECT 1 FROM retiring WHERE retiring.id = current_appointment.cadre_id)
"""


def ensure_province(cadres: int, today: datetime.date) -> None:
    from zhongjian.demo.generator import build_demo
    from zhongjian.org.models import Cadre

    if Cadre.objects.filter(status="active").count() >= cadres * 0.95:
        return
    reset_database()
    started = time.perf_counter()
    print(f"building the synthetic province ({cadres} cadres) …", flush=True)
    build_demo(seed=2022, cadres=cadres, today=today, with_users=False)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    where = setup_django(prefer_postgres=True)
    from django.db import connection

    from zhongjian.accounts.models import User
    from zhongjian.insight.selectors import overview_figures, retiring_filter  # noqa: F401
    from zhongjian.org.choices import Gender
    from zhongjian.org.models import County, RetirementRule
    from zhongjian.org.rules import add_months, latest_birth_date_retiring_by

    cadres = int(os.environ.get("BENCH_CADRES", "300000"))
    today = datetime.date(2026, 11, 26)
    ensure_province(cadres, today)
    with connection.cursor() as cursor:
        # Fresh statistics after the bulk load, for both contenders alike.
        cursor.execute("ANALYZE")
    county = County.objects.order_by("code")[len(County.objects.all()) // 2]
    user = User(role="org_department", county=county, is_active=True)

    rules = list(RetirementRule.objects.all())
    until = add_months(today, 60)
    params = {
        "county": county.pk,
        "male_5y": latest_birth_date_retiring_by(
            gender=Gender.MALE, is_worker=False, day=until, rules=rules
        ),
        "fcadre_5y": latest_birth_date_retiring_by(
            gender=Gender.FEMALE, is_worker=False, day=until, rules=rules
        ),
        "fworker_5y": latest_birth_date_retiring_by(
            gender=Gender.FEMALE, is_worker=True, day=until, rules=rules
        ),
        **{f"b{age}": add_months(today, -12 * age) for age in (30, 35, 40, 45, 50, 55)},
    }

    def hand_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute(SQL, params)
            cursor.fetchall()
            # The overview also shows retirements per year for five years: five more counts.
            for offset in range(5):
                day = datetime.date(today.year + offset, 12, 31)
                bounds = [
                    latest_birth_date_retiring_by(gender=g, is_worker=w, day=day, rules=rules)
                    for g, w in (
                        (Gender.MALE, False),
                        (Gender.FEMALE, False),
                        (Gender.FEMALE, True),
                    )
                ]
                cursor.execute(
                    "SELECT COUNT(*) FROM org_cadre WHERE county_id = %s AND status = 'active' AND ("
                    "(gender = 'male' AND birth_date <= %s) OR "
                    "(gender = 'female' AND NOT is_worker AND birth_date <= %s) OR "
                    "(gender = 'female' AND is_worker AND birth_date <= %s))",
                    [county.pk, *bounds],
                )
                cursor.fetchone()

    def orm() -> None:
        overview_figures(user=user, today=today)

    figures = overview_figures(user=user, today=today)
    repeat = int(os.environ.get("BENCH_REPEAT", "30"))
    sql_samples = timed(hand_sql, repeat=repeat)
    orm_samples = timed(orm, repeat=repeat)
    ratio = sorted(orm_samples)[len(orm_samples) // 2] / sorted(sql_samples)[len(sql_samples) // 2]
    print(
        f"database: {connection.vendor} ({where}); county {county.name}: {figures.headcount} active cadres"
    )
    print(f"hand-written SQL: {describe(sql_samples)}")
    print(f"ORM overview:     {describe(orm_samples)}")
    print(
        f"ratio ORM/SQL (median): {ratio:.2f} (target ≤ 1.5); p95 {p95(orm_samples) * 1000:.0f} ms (target < 300 ms)"
    )
