"""List and board pages (名册、空缺、选任、后备、离岗) on a county of the synthetic province.

Target (issue #16 item 4): server time under 50 ms median and 100 ms p95 per page. Each page is
measured twice, interleaved in shuffled rounds: through the test client (the whole request:
middleware, session, selector, template) and its selector alone (the rows of one page and
their count, i.e. the queries without the rendering), so that the ratio says where the time goes.
BENCH_CADRES sets the province size (default 300000); BENCH_ROUNDS the rounds (default 30);
BENCH_DATABASE_URL a database to use instead of the shared benchmark one.
"""

import datetime
import os
import random
import statistics
import time
from collections.abc import Callable

from bench.common import ensure_province, p95, setup_django

TARGET_MEDIAN_MS = 50
TARGET_P95_MS = 100


def main() -> None:
    where = setup_django(prefer_postgres=True)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zhongjian.accounts.models import User
    from zhongjian.org.lists import CADRE_LIST, roster_rows
    from zhongjian.org.models import County
    from zhongjian.org.selectors import cadre_list
    from zhongjian.pipeline.lists import BENCH_LIST, DEPARTURE_LIST, PROCESS_LIST, VACANCY_LIST
    from zhongjian.pipeline.selectors.bench import bench_for_posts, bench_posts
    from zhongjian.pipeline.selectors.departures import departure_list
    from zhongjian.pipeline.selectors.selection import process_list
    from zhongjian.pipeline.selectors.vacancies import vacancy_list

    cadres = int(os.environ.get("BENCH_CADRES", "300000"))
    rounds = int(os.environ.get("BENCH_ROUNDS", "30"))
    today = datetime.date(2026, 11, 26)
    ensure_province(cadres, today)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    county = County.objects.order_by("code")[County.objects.count() // 2]
    user, _created = User.objects.get_or_create(
        username=f"bench_pages_{county.pk}",
        defaults={"role": "org_department", "county": county, "is_active": True},
    )
    client = Client()
    client.force_login(user)
    local_today = timezone.localdate()

    def selector(spec, rows: Callable[[], object], params: dict[str, str]) -> Callable[[], None]:
        def run() -> None:
            state = spec.state(params, user=user)
            queryset = spec.apply(rows(), state, today=local_today)
            queryset.count()
            page = list(queryset[: state["size"]])
            if spec is BENCH_LIST:
                bench_for_posts(posts=page, today=local_today)

        return run

    pages = {
        "roster": (
            "/org/cadres/",
            selector(CADRE_LIST, lambda: roster_rows(cadre_list(user=user, status=None)), {}),
        ),
        "roster filtered+sorted": (
            "/org/cadres/?age=40&establishment=administrative&sort=-tier",
            selector(
                CADRE_LIST,
                lambda: roster_rows(cadre_list(user=user, status=None)),
                {"age": "40", "establishment": "administrative", "sort": "-tier"},
            ),
        ),
        "vacancy board": (
            "/pipeline/vacancies/",
            selector(VACANCY_LIST, lambda: vacancy_list(user=user, today=local_today), {}),
        ),
        "processes": (
            "/pipeline/processes/",
            selector(PROCESS_LIST, lambda: process_list(user=user), {}),
        ),
        "bench board": (
            "/pipeline/bench/",
            selector(BENCH_LIST, lambda: bench_posts(user=user), {}),
        ),
        "departures": (
            "/pipeline/departures/",
            selector(DEPARTURE_LIST, lambda: departure_list(user=user, today=local_today), {}),
        ),
    }

    def fetch(url: str) -> Callable[[], None]:
        def run() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        return run

    runs: dict[tuple[str, str], Callable[[], None]] = {}
    queries: dict[str, int] = {}
    for name, (url, select) in pages.items():
        runs[(name, "page")] = fetch(url)
        runs[(name, "selector")] = select
        with CaptureQueriesContext(connection) as captured:
            fetch(url)()
        queries[name] = len(captured.captured_queries)
    samples: dict[tuple[str, str], list[float]] = {key: [] for key in runs}
    for run in runs.values():
        run()  # warm-up
    order = list(runs)
    shuffle = random.Random(2026)
    for _ in range(rounds):
        shuffle.shuffle(order)
        for key in order:
            started = time.perf_counter()
            runs[key]()
            samples[key].append(time.perf_counter() - started)

    print(
        f"database: {connection.vendor} ({where}); county {county.name}; {rounds} rounds, shuffled"
    )
    print(f"{'page':24} {'queries':>7} {'median':>8} {'p95':>8} {'selector':>9}  vs target")
    for name in pages:
        page, select = samples[(name, "page")], samples[(name, "selector")]
        median, high = statistics.median(page) * 1000, p95(page) * 1000
        print(
            f"{name:24} {queries[name]:7d} {median:6.1f}ms {high:6.1f}ms "
            f"{statistics.median(select) * 1000:7.1f}ms  "
            f"median {median / TARGET_MEDIAN_MS:.2f}× of {TARGET_MEDIAN_MS} ms, "
            f"p95 {high / TARGET_P95_MS:.2f}× of {TARGET_P95_MS} ms"
            + ("" if median < TARGET_MEDIAN_MS and high < TARGET_P95_MS else "  ← over target")
        )


if __name__ == "__main__":
    main()
