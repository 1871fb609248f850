"""Workload dashboard of a county in the synthetic province versus the same figures in one SQL.

Target: `workload_dashboard` within 1.5 × the strongest hand-written SQL statement giving the
same per-unit-and-month figures (receipts, cadres at month end, organs, deadlines, meetings,
inspections over the cap, long documents, traces, kinds, the year-earlier base, overtime) and
the top issuing organs, and p95 < 300 ms for a county, on PostgreSQL. The figures are checked
equal first, cell by cell; the rounds are interleaved in shuffled order (`bench.common`). The
dashboard page is timed through the test client in the same rounds and printed, cold (just after
a committed write to a receipt: the figures computed again) and warm (unchanged data: the figures
from the cache under the county's data stamp).

The province (`ensure_province`) has no demands of its own: the first run adds the demo's
demands to every county (`zhongjian.demo.workload.extend`, seed 2022, as of `TODAY`), once.
BENCH_CADRES sets the province size (default 300000, ≈ 100 counties); BENCH_DATABASE_URL picks
the database (default: the shared benchmark database).
"""

import datetime
import gc
import logging
import os
import statistics
import time
from decimal import Decimal
from typing import Any

from bench.common import (
    ROUNDS,
    TODAY,
    ReceiptToggle,
    ensure_province,
    interleaved,
    line,
    p95,
    setup_django,
    verdict,
)

KINDS = ("document", "meeting", "inspection", "data_request", "ad_hoc", "trace", "campaign")

# One statement. `r` joins each receipt of the county and the 24 months to its demand, narrowed
# on both sides by county and date (the demand repeats the receipt's issue date); `cell`
# aggregates per unit and month; `base` is the receipts per unit and month shifted a year on
# (the year-on-year base: `cell` itself, and counts from the receipts alone for the 12 months
# before); `started` counts active cadres by the month they started work (earlier starts in the
# first month) and a running sum over the unit × month grid gives the cadres at each month end.
# The last branch is the top ten organs, by count and then name.
SQL = """
WITH r AS MATERIALIZED (
    SELECT r.unit_id AS u, date_trunc('month', r.issued_on::timestamp)::date AS m,
           r.issued_on AS day, r.kind, r.lead_days, r.organ_id AS o, d.doc_category,
           d.char_count, d.meeting_hours, d.accompany_required, d.onsite, d.trace_required
    FROM workload_demandreceipt r JOIN workload_demand d ON d.id = r.demand_id
    WHERE r.county_id = %(county)s AND r.issued_on >= %(first)s AND r.issued_on <= %(end)s
      AND d.county_id = %(county)s AND d.issued_on >= %(first)s AND d.issued_on <= %(end)s
), cell AS (
    SELECT u, m, COUNT(*) AS n, COUNT(DISTINCT o) AS organs,
           COUNT(*) FILTER (WHERE lead_days IS NOT NULL) AS with_deadline,
           COUNT(*) FILTER (WHERE {short}) AS short,
           COALESCE(SUM(meeting_hours) FILTER (WHERE kind = 'meeting'), 0) AS hours,
           COUNT(*) FILTER (WHERE kind = 'meeting' AND accompany_required) AS accompany,
           COUNT(*) FILTER (WHERE kind = 'inspection' AND onsite) AS onsite,
           COUNT(*) FILTER (WHERE kind = 'document' AND ({long})) AS long_docs,
           COUNT(*) FILTER (WHERE kind = 'trace' OR trace_required) AS traces,
           {kinds}
    FROM r GROUP BY u, m
), base AS (
    SELECT u, (m + interval '1 year')::date AS next_year, n FROM cell
    UNION ALL
    SELECT unit_id, (date_trunc('month', issued_on::timestamp) + interval '1 year')::date,
           COUNT(*)
    FROM workload_demandreceipt
    WHERE county_id = %(county)s AND issued_on >= %(earlier)s AND issued_on < %(first)s
    GROUP BY 1, 2
), started AS (
    SELECT unit_id AS u,
           GREATEST(date_trunc('month', work_start_date::timestamp)::date, %(first)s) AS m,
           COUNT(*) AS n
    FROM org_cadre
    WHERE county_id = %(county)s AND status = 'active' AND work_start_date <= %(end)s
    GROUP BY 1, 2
), overtime AS (
    SELECT unit_id AS u, date_trunc('month', week_start::timestamp)::date AS m,
           SUM(overtime_hours) AS hours, SUM(overtime_headcount) AS headcount,
           SUM(weekend_days) AS weekend
    FROM workload_overtimeweek
    WHERE county_id = %(county)s AND week_start >= %(first)s AND week_start <= %(end)s
    GROUP BY 1, 2
), grid AS (
    SELECT unit.id AS u, month::date AS m
    FROM org_unit unit,
         generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS month
    WHERE unit.county_id = %(county)s
)
SELECT g.u, g.m, NULL::text AS organ, COALESCE(c.n, 0) AS demands,
       (SUM(COALESCE(s.n, 0)) OVER (PARTITION BY g.u ORDER BY g.m))::int AS cadres,
       COALESCE(c.organs, 0), COALESCE(c.with_deadline, 0), COALESCE(c.short, 0),
       COALESCE(c.hours, 0), COALESCE(c.accompany, 0), COALESCE(c.onsite, 0),
       GREATEST(0, COALESCE(c.onsite, 0) - ({cap})) AS over_cap,
       COALESCE(c.long_docs, 0), COALESCE(c.traces, 0), {kind_columns},
       p.n AS yoy_base, COALESCE(ot.hours, 0), COALESCE(ot.headcount, 0),
       COALESCE(ot.weekend, 0)
FROM grid g
LEFT JOIN cell c ON c.u = g.u AND c.m = g.m
LEFT JOIN base p ON p.u = g.u AND p.next_year = g.m
LEFT JOIN started s ON s.u = g.u AND s.m = g.m
LEFT JOIN overtime ot ON ot.u = g.u AND ot.m = g.m
UNION ALL
(SELECT NULL, NULL, organ.name, top.n, {padding}
 FROM (SELECT o, COUNT(*) AS n FROM r WHERE m >= %(first)s GROUP BY o) top
 JOIN workload_organ organ ON organ.id = top.o
 ORDER BY top.n DESC, organ.name LIMIT 10)
"""


def _versions(book: Any, key: str, condition: str, column: str, params: dict[str, object]) -> str:
    """`(COLUMN in version 1's dates AND CONDITION with its value) OR …`, FALSE without any:
    the rule versions the selector applies, written out for this county's rule book."""
    periods = book.periods(key)
    parts = []
    for index, (start, value) in enumerate(periods):
        name = f"{key}_{index}"
        params[f"{name}_from"], params[f"{name}_value"] = start, value
        part = f"{column} >= %({name}_from)s AND {condition.format(f'%({name}_value)s')}"
        if index + 1 < len(periods):
            params[f"{name}_to"] = periods[index + 1][0]
            part += f" AND {column} < %({name}_to)s"
        parts.append(f"({part})")
    return " OR ".join(parts) or "FALSE"


def build_sql(book: Any, params: dict[str, object]) -> str:
    """SQL with the rule versions of BOOK written in (their values go into PARAMS)."""
    from zhongjian.workload.choices import RuleKey

    long = " OR ".join(
        (
            _versions(
                book,
                RuleKey.DOC_LENGTH_COMPREHENSIVE,
                "doc_category = 'comprehensive' AND char_count > {}",
                "day",
                params,
            ),
            _versions(
                book,
                RuleKey.DOC_LENGTH_SPECIAL,
                "doc_category = 'special' AND char_count > {}",
                "day",
                params,
            ),
        )
    )
    short = _versions(book, RuleKey.SHORT_DEADLINE_DAYS, "lead_days < {}", "day", params)
    # The inspection cap in force on the month's first day; no cap (NULL) before the first.
    caps = []
    for index, (start, value) in enumerate(book.periods(RuleKey.INSPECTIONS_PER_MONTH)):
        params[f"cap_{index}_from"], params[f"cap_{index}"] = start, int(value)
        caps.append(f"WHEN g.m >= %(cap_{index}_from)s THEN %(cap_{index})s")
    cap = f"CASE {' '.join(reversed(caps))} END" if caps else "NULL"
    return SQL.format(
        short=short,
        long=long,
        kinds=", ".join(f"COUNT(*) FILTER (WHERE kind = '{kind}') AS k_{kind}" for kind in KINDS),
        kind_columns=", ".join(f"COALESCE(c.k_{kind}, 0)" for kind in KINDS),
        cap=cap,
        padding=", ".join(["0"] * (10 + len(KINDS) + 4)),
    )


def ensure_demands(today: datetime.date = TODAY) -> None:
    """Give every county of the province the demo's demands (deterministic), unless present."""
    from django.db import connection, transaction

    from zhongjian.demo.workload import extend
    from zhongjian.workload.models import DemandReceipt

    if DemandReceipt.objects.exists():
        return
    started = time.perf_counter()
    print("adding the province's demands …", flush=True)
    with transaction.atomic():
        print(extend(county=None, seed=2022, today=today), flush=True)  # type: ignore[arg-type]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"added in {time.perf_counter() - started:.0f} s", flush=True)


def _figures(item: Any) -> tuple[object, ...]:
    """A selector cell in the order of the SQL's columns after the month."""
    return (
        item.demands,
        item.cadres,
        item.issuing_organs,
        item.with_deadline,
        item.short_deadlines,
        round(item.meeting_hours, 1),
        item.accompany_meetings,
        item.onsite_inspections,
        item.inspections_over_cap,
        item.long_documents,
        item.traces,
        *(item.by_kind.get(kind, 0) for kind in KINDS),
        item.yoy_base,
        round(item.overtime_hours, 1),
        item.overtime_headcount,
        item.weekend_days,
    )


def _sql_figures(row: tuple[Any, ...]) -> tuple[object, ...]:
    values = [float(v) if isinstance(v, Decimal) else v for v in row[3:]]
    return tuple(round(v, 1) if isinstance(v, float) else v for v in values)


def check_equal(rows: list[tuple[Any, ...]], cells: dict[Any, Any], data: dict[str, Any]) -> int:
    """Every (unit, month) figure and the top organs the same; returns the cells compared."""
    sql_cells = {(row[0], row[1]): _sql_figures(row) for row in rows if row[2] is None}
    selector = {key: _figures(item) for key, item in cells.items()}
    assert sql_cells.keys() == selector.keys(), "different cells"
    for key, figures in selector.items():
        assert sql_cells[key] == figures, (key, sql_cells[key], figures)
    sql_top = [(row[2], row[3]) for row in rows if row[2] is not None]
    assert sql_top == list(data["top_organs"]), (sql_top, data["top_organs"])
    assert sum(row[3] for row in rows if row[2] is None) == data["totals"]["demands"]
    return len(selector)


def main() -> None:
    where = setup_django(prefer_postgres=True)
    from django.db import connection
    from django.test import Client

    from zhongjian.accounts.models import User
    from zhongjian.accounts.roles import Role
    from zhongjian.org.models import County
    from zhongjian.org.rules import add_months
    from zhongjian.workload.rules import rule_book
    from zhongjian.workload.selectors import month_end, workload_dashboard, workload_unit_months

    ensure_province()
    ensure_demands()
    counties = list(County.objects.order_by("code"))
    county = counties[len(counties) // 2]
    user, _created = User.objects.get_or_create(
        username=f"bench-workload-{county.code}",
        defaults={"role": Role.ORG_DEPARTMENT, "county": county, "is_active": True},
    )
    last = TODAY.replace(day=1)
    first = add_months(last, -23)
    params: dict[str, object] = {
        "county": county.pk,
        "earlier": add_months(first, -12),
        "first": first,
        "last": last,
        "end": month_end(last),
    }
    sql = build_sql(rule_book(county_id=county.pk), params)

    def hand_sql() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def selector() -> dict[str, Any]:
        return workload_dashboard(user, month_from=first, month_to=last)

    logging.getLogger("axes").setLevel(logging.WARNING)  # no line per test-client login
    client = Client()
    client.force_login(user)
    url = f"/workload/?from={first:%Y-%m}&to={last:%Y-%m}"

    def page() -> int:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    rows = hand_sql()
    data = selector()
    cells = workload_unit_months(user, month_from=first, month_to=last)
    compared = check_equal(rows, cells, data)
    receipts = sum(row[3] for row in rows if row[2] is None)
    print(
        f"database: {connection.vendor} ({where}); county {county.name}: "
        f"{len(data['units'])} active units, {receipts} receipts in 24 months; "
        f"{compared} unit-months and the top organs equal; page {page() // 1024} KB"
    )
    # As the server does (config/wsgi.py): what is loaded before the requests is frozen, so
    # that full garbage collections do not walk Django's and the apps' long-lived objects.
    gc.collect()
    gc.freeze()
    print(f"garbage collector: {gc.get_freeze_count()} loaded objects frozen, as config/wsgi.py")
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    # The page caches the figures under the county's data stamp: "cold" is the load just after
    # a committed write to a receipt (the figures computed again), "warm" a load after an
    # earlier one on unchanged data. Their writes and earlier loads run untimed before each call.
    toggle = ReceiptToggle(county.pk)
    try:
        samples = interleaved(
            {"sql": hand_sql, "selector": selector, "cold": page, "warm": page},
            ROUNDS,
            setup={"cold": toggle, "warm": page},
        )
    finally:
        toggle.restore()
    print(line("hand-written SQL (one statement)", samples["sql"]))
    print(line("workload_dashboard (selector)", samples["selector"]))
    print(line("GET /workload/ cold (stamp changed)", samples["cold"], width=38))
    print(line("GET /workload/ warm (from the cache)", samples["warm"], width=38))
    ratio = statistics.median(samples["selector"]) / statistics.median(samples["sql"])
    print(verdict("ratio selector/SQL (median)", ratio, 1.5, "×"))
    print(verdict("selector p95", p95(samples["selector"]) * 1000, 300, " ms"))
    page_ratio = statistics.median(samples["cold"]) / statistics.median(samples["sql"])
    print(f"cold page/SQL (median): {page_ratio:.2f}× (no target; the page adds rendering)")
