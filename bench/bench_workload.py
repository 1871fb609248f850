"""Workload dashboard of a county in the synthetic province versus the same numbers in one SQL.

Target: the dashboard selector within 1.5 × the strongest hand-written SQL for
the same aggregates (one statement), p95 < 300 ms for a county, on PostgreSQL. Rounds are
interleaved in shuffled order. BENCH_CADRES sets the province size (default 300000, ≈ 100
counties); BENCH_DATABASE_URL picks the database (default: the shared benchmark database).
"""

import datetime
import os
import random
import statistics
import time

from bench.common import describe, p95, setup_django

SQL = """
WITH r AS (
    SELECT r.unit_id, date_trunc('month', r.issued_on)::date AS month, r.kind, r.lead_days,
           d.organ_id, d.doc_category, d.char_count, d.meeting_hours, d.accompany_required,
           d.onsite, d.trace_required
    FROM workload_demandreceipt r JOIN workload_demand d ON d.id = r.demand_id
    WHERE r.county_id = %(county)s AND r.issued_on >= %(earlier)s AND r.issued_on <= %(end)s
), started AS (
    SELECT unit_id, date_trunc('month', work_start_date)::date AS month, COUNT(*) AS n
    FROM org_cadre WHERE county_id = %(county)s AND status = 'active' GROUP BY 1, 2
)
SELECT 'r', unit_id, month, COUNT(*), COUNT(DISTINCT organ_id),
       COUNT(*) FILTER (WHERE lead_days IS NOT NULL),
       COUNT(*) FILTER (WHERE lead_days < %(short)s),
       COALESCE(SUM(meeting_hours) FILTER (WHERE kind = 'meeting'), 0),
       COUNT(*) FILTER (WHERE kind = 'meeting' AND accompany_required),
       COUNT(*) FILTER (WHERE kind = 'inspection' AND onsite),
       COUNT(*) FILTER (WHERE kind = 'trace' OR trace_required),
       COUNT(*) FILTER (WHERE kind = 'document' AND (
           (doc_category = 'comprehensive' AND char_count > %(cap_c)s)
           OR (doc_category = 'special' AND char_count > %(cap_s)s))),
       COUNT(*) FILTER (WHERE kind = 'document'), COUNT(*) FILTER (WHERE kind = 'meeting'),
       COUNT(*) FILTER (WHERE kind = 'inspection'), COUNT(*) FILTER (WHERE kind = 'data_request'),
       COUNT(*) FILTER (WHERE kind = 'ad_hoc'), COUNT(*) FILTER (WHERE kind = 'trace'),
       COUNT(*) FILTER (WHERE kind = 'campaign')
FROM r GROUP BY unit_id, month
UNION ALL
SELECT 'c', unit_id, month, n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM started
UNION ALL
SELECT 'o', unit_id, date_trunc('month', week_start)::date, 0, 0, 0, 0, SUM(overtime_hours),
       SUM(overtime_headcount), SUM(weekend_days), 0, 0, 0, 0, 0, 0, 0, 0, 0
FROM workload_overtimeweek
WHERE county_id = %(county)s AND week_start >= %(first)s AND week_start <= %(end)s
GROUP BY 2, 3
UNION ALL
SELECT 'top', organ_id, NULL, n, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM (
    SELECT organ_id, COUNT(*) AS n FROM r WHERE month >= %(first)s
    GROUP BY organ_id ORDER BY n DESC LIMIT 10) top
"""


def ensure_demands(today: datetime.date) -> None:
    from zhongjian.demo.workload import extend
    from zhongjian.workload.models import DemandReceipt

    if DemandReceipt.objects.exists():
        return
    started = time.perf_counter()
    print("adding the province's demands …", flush=True)
    from django.db import transaction

    with transaction.atomic():
        print(extend(county=None, seed=2022, today=today), flush=True)  # type: ignore[arg-type]
    print(f"added in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    where = setup_django(prefer_postgres=True)
    from django.db import connection

    from bench.bench_overview import ensure_province
    from zhongjian.accounts.models import User
    from zhongjian.org.models import County
    from zhongjian.org.rules import add_months
    from zhongjian.workload.choices import RuleKey
    from zhongjian.workload.rules import rule_book
    from zhongjian.workload.selectors import month_end, workload_dashboard

    cadres = int(os.environ.get("BENCH_CADRES", "300000"))
    today = datetime.date(2026, 11, 26)
    ensure_province(cadres, today)
    ensure_demands(today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counties = list(County.objects.order_by("code"))
    county = counties[len(counties) // 2]
    user = User(role="org_department", county=county, is_active=True)
    last = today.replace(day=1)
    first = add_months(last, -23)
    book = rule_book(county_id=county.pk)
    params = {
        "county": county.pk,
        "earlier": add_months(first, -12),
        "first": first,
        "end": month_end(last),
        "short": int(book.value(RuleKey.SHORT_DEADLINE_DAYS, last) or 0),
        "cap_c": int(book.value(RuleKey.DOC_LENGTH_COMPREHENSIVE, last) or 0),
        "cap_s": int(book.value(RuleKey.DOC_LENGTH_SPECIAL, last) or 0),
    }

    def hand_sql() -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(SQL, params)
            return cursor.fetchall()

    def orm() -> dict[str, object]:
        return workload_dashboard(user, month_from=first, month_to=last)

    # The same numbers: receipts per unit and month, and the top organs' counts.
    rows = hand_sql()
    data = orm()
    sql_total = sum(int(row[3]) for row in rows if row[0] == "r" and row[2] >= first)
    assert sql_total == data["totals"]["demands"], (sql_total, data["totals"]["demands"])  # type: ignore[index]
    sql_top = sorted((int(row[3]) for row in rows if row[0] == "top"), reverse=True)
    assert sql_top == [n for _name, n in data["top_organs"]], (sql_top, data["top_organs"])  # type: ignore[attr-defined]

    repeat = max(20, int(os.environ.get("BENCH_REPEAT", "30")))
    samples: dict[str, list[float]] = {"sql": [], "orm": []}
    contenders = {"sql": hand_sql, "orm": orm}
    order = random.Random(2022)
    hand_sql(), orm()  # warm-up
    for _round in range(repeat):
        names = list(contenders)
        order.shuffle(names)
        for name in names:
            started = time.perf_counter()
            contenders[name]()
            samples[name].append(time.perf_counter() - started)
    ratio = statistics.median(samples["orm"]) / statistics.median(samples["sql"])
    receipts = sum(int(row[3]) for row in rows if row[0] == "r")
    print(
        f"database: {connection.vendor} ({where}); county {county.name}: "
        f"{len(data['units'])} units, {receipts} receipts over 36 months"  # type: ignore[arg-type]
    )
    print(f"hand-written SQL:   {describe(samples['sql'])}")
    print(f"workload dashboard: {describe(samples['orm'])}")
    print(
        f"ratio dashboard/SQL (median): {ratio:.2f} (target ≤ 1.5); "
        f"p95 {p95(samples['orm']) * 1000:.0f} ms (target < 300 ms)"
    )
