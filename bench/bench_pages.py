"""List, board and report pages on a county of the synthetic province.

Target (issue #16 item 4): server time under 50 ms median and 100 ms p95 for every list, board
and report page. Each page is measured twice, interleaved in shuffled rounds
(`common.interleaved`): through the test client (the whole request: middleware, session,
selector, template) and its selector alone (the queries and Python work without the rendering),
so that the two say where the time goes. The number of queries of one request is printed too,
with the queries every page pays whatever it shows.

Pages: the roster (plain and filtered + sorted), the vacancy board, selections, the bench board,
departures; a wave's report by unit, the trend across waves, a wave's comments; the home page
of the 组织部 (its overview: figures, charts and indicator tiles), the workload dashboard and a
unit's workload page (each twice: warm, figures from the cache on unchanged data, as on every
load but the first after a change; cold, just after a committed write to a receipt changed the
county's data stamp, so the figures are computed and cached again; the target applies to the
warm load); the counselor's case list and the care overview. The
province is built by `generator.build_demo` alone, without the demo's pipeline, voice, care and
workload history: the set-up adds that history to the measured county once (the demo
extensions, with the demo's seed and the benchmark's day), so that every page has rows.

BENCH_CADRES sets the province size (default 300000); BENCH_ROUNDS the rounds (default 30);
BENCH_DATABASE_URL a database to use instead of the shared benchmark one; BENCH_SQL=1 prints
the SQL of one request of every page; BENCH_PAGES=name,name measures only the pages named.
"""

import gc
import os
import random
import statistics
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench.common import (
    ROUNDS,
    TODAY,
    ReceiptToggle,
    ensure_province,
    interleaved,
    p95,
    setup_django,
    verdict,
)

TARGET_MEDIAN_MS = 50
TARGET_P95_MS = 100
SEED = 2022


def _prepare(county: Any) -> dict[str, Any]:
    """Users of the measured county, and its pipeline, voice, care and workload history (added
    once: a second run finds it and adds nothing)."""
    from django.db import transaction
    from django.utils.module_loading import import_string

    from zhongjian.accounts.models import User
    from zhongjian.accounts.roles import Role
    from zhongjian.care.models import Case
    from zhongjian.org.models import Cadre, County, Unit
    from zhongjian.pipeline.models import SelectionProcess
    from zhongjian.voice.models import Wave
    from zhongjian.workload.models import Demand

    def user(role: str, name: str, **scope: Any) -> Any:
        found, _created = User.objects.get_or_create(
            username=f"bench_pages_{name}_{county.pk}",
            defaults={"role": role, "county": county, "is_active": True, **scope},
        )
        return found

    org = user(Role.ORG_DEPARTMENT, "org")
    counselor = user(Role.COUNSELOR, "counselor")
    # The unit head of the county's largest township.
    sizes = Counter(
        Cadre.objects.filter(county=county, unit__kind="township").values_list("unit_id", flat=True)
    )
    township = Unit.objects.get(pk=sizes.most_common(1)[0][0])
    head = user(Role.UNIT_HEAD, "head", unit=township)
    history = (
        ("pipeline", SelectionProcess, "zhongjian.demo.pipeline.extend"),
        ("voice", Wave, "zhongjian.voice.demo.extend"),
        ("care", Case, "zhongjian.demo.care.extend"),
    )
    for label, model, dotted in history:
        if not model.objects.filter(county=county).exists():
            print(f"adding the demo's {label} history to {county.name} …", flush=True)
            with transaction.atomic():
                import_string(dotted)(county=county, seed=SEED, today=TODAY)
    if not Demand.objects.filter(county=county).exists():
        # The workload extension fills every county; the benchmark needs the measured one.
        from zhongjian.demo.workload import _County

        print(f"adding the demo's workload history to {county.name} …", flush=True)
        index = list(County.objects.order_by("code").values_list("pk", flat=True)).index(county.pk)
        with transaction.atomic():
            _County(
                county=county, rng=random.Random(f"{SEED}-workload-{index}"), today=TODAY
            ).build()
    return {"org": org, "head": head, "counselor": counselor, "township": township}


def main() -> None:
    where = setup_django(prefer_postgres=True)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zhongjian.care.aggregates import care_aggregates
    from zhongjian.care.selectors import counselor_cases
    from zhongjian.insight.dashboard import parse_period
    from zhongjian.insight.registry import IndicatorScope
    from zhongjian.insight.views import overview_data
    from zhongjian.org.lists import CADRE_LIST, roster_rows
    from zhongjian.org.models import Cadre, County
    from zhongjian.org.selectors import cadre_list
    from zhongjian.pipeline.lists import BENCH_LIST, DEPARTURE_LIST, PROCESS_LIST, VACANCY_LIST
    from zhongjian.pipeline.selectors.bench import bench_for_posts, bench_posts
    from zhongjian.pipeline.selectors.departures import departure_list
    from zhongjian.pipeline.selectors.selection import process_list
    from zhongjian.pipeline.selectors.vacancies import vacancy_list
    from zhongjian.voice.models import Wave
    from zhongjian.voice.selectors.reports import GroupFilter, trend, wave_comments, wave_report
    from zhongjian.workload.selectors import (
        cached_workload_dashboard,
        cached_workload_indicators,
        month_start,
        receipt_list,
        receipt_rows,
    )

    ensure_province()
    counties = County.objects.order_by("code")
    county = counties[counties.count() // 2]
    people = _prepare(county)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    org, head, counselor, township = (people[k] for k in ("org", "head", "counselor", "township"))
    today = timezone.localdate()
    period = parse_period(year=None, today=today)  # the home page's default period
    clients: dict[str, Client] = {}
    for name, who in (("org", org), ("head", head), ("counselor", counselor)):
        clients[name] = Client()
        clients[name].force_login(who)

    # The latest ended wave with a free-text question, and its most-answered instrument.
    waves = [w for w in Wave.objects.filter(county=county).order_by("-opened_on") if w.closed_on]
    wave = next(w for w in waves if w.free_text_prompt)
    code = wave.instrument_specs[0]["code"]

    def listed(spec: Any, rows: Callable[[], Any], params: dict[str, str], who: Any) -> Callable:
        def run() -> None:
            state = spec.state(params, user=who)
            queryset = spec.apply(rows(), state, today=today)
            queryset.count()
            page = list(queryset[: state["size"]])
            if spec is BENCH_LIST:
                bench_for_posts(posts=page, today=today)

        return run

    def unit_page_selector(unit: Any) -> None:
        cached_workload_indicators(org, unit=unit, month_from=first, month_to=last)
        receipts = receipt_list(org, unit_id=unit.pk)
        receipts.count()
        list(receipt_rows(receipts)[:50])

    roster = lambda who: lambda: roster_rows(cadre_list(user=who, status=None))  # noqa: E731
    last = month_start(today)
    first = last.replace(year=last.year - 2)
    pages: dict[str, tuple[str, str, Callable[[], object]]] = {
        "roster": ("org", "/org/cadres/", listed(CADRE_LIST, roster(org), {}, org)),
        "roster filtered+sorted": (
            "org",
            "/org/cadres/?age=40&establishment=administrative&sort=-tier",
            listed(
                CADRE_LIST,
                roster(org),
                {"age": "40", "establishment": "administrative", "sort": "-tier"},
                org,
            ),
        ),
        "roster (unit head)": ("head", "/org/cadres/", listed(CADRE_LIST, roster(head), {}, head)),
        "vacancy board": (
            "org",
            "/pipeline/vacancies/",
            listed(VACANCY_LIST, lambda: vacancy_list(user=org, today=today), {}, org),
        ),
        "processes": (
            "org",
            "/pipeline/processes/",
            listed(PROCESS_LIST, lambda: process_list(user=org), {}, org),
        ),
        "bench board": (
            "org",
            "/pipeline/bench/",
            listed(BENCH_LIST, lambda: bench_posts(user=org), {}, org),
        ),
        "departures": (
            "org",
            "/pipeline/departures/",
            listed(DEPARTURE_LIST, lambda: departure_list(user=org, today=today), {}, org),
        ),
        "wave report by unit": (
            "org",
            f"/voice/survey/waves/{wave.pk}/report/?by=unit",
            lambda: wave_report(
                user=org, wave_id=wave.pk, by="unit", group=GroupFilter(), today=today
            ),
        ),
        "wave report (unit head)": (
            "head",
            f"/voice/survey/waves/{wave.pk}/report/",
            lambda: wave_report(
                user=head, wave_id=wave.pk, by="", group=GroupFilter(), today=today
            ),
        ),
        "trends": (
            "org",
            f"/voice/survey/trends/?instrument={code}",
            lambda: trend(user=org, code=code, group=GroupFilter(), today=today),
        ),
        "wave comments": (
            "org",
            f"/voice/survey/waves/{wave.pk}/comments/",
            lambda: wave_comments(user=org, wave_id=wave.pk, group=GroupFilter(), today=today),
        ),
        # The home page of the 组织部: the overview's figures, charts and indicator tiles,
        # cached under the county's data stamp like the workload dashboard below.
        "overview (home page)": ("org", "/", lambda: overview_data(org, IndicatorScope(), period)),
        "overview (home page) (cold)": (
            "org",
            "/",
            lambda: overview_data(org, IndicatorScope(), period),
        ),
        # Cached under the county's data stamp: "warm" is a load after an earlier one on
        # unchanged data (the figures from the cache), "cold" a load after a committed write
        # to a receipt (the stamp changed: the figures computed and cached again).
        "workload dashboard": (
            "org",
            "/workload/",
            lambda: cached_workload_dashboard(org, month_from=first, month_to=last),
        ),
        "workload dashboard (cold)": (
            "org",
            "/workload/",
            lambda: cached_workload_dashboard(org, month_from=first, month_to=last),
        ),
        # The unit page's months are cached under the data stamp too (warm and cold as above).
        "workload unit page": (
            "org",
            f"/workload/units/{township.pk}/",
            lambda: unit_page_selector(township),
        ),
        "workload unit page (cold)": (
            "org",
            f"/workload/units/{township.pk}/",
            lambda: unit_page_selector(township),
        ),
        "care cases (counselor)": (
            "counselor",
            "/care/",
            lambda: list(counselor_cases(counselor, today=today)),
        ),
        "care overview": (
            "org",
            "/care/overview/",
            lambda: care_aggregates(
                org,
                group_by="unit_kind",
                period=(today.replace(month=1, day=1), today.replace(month=12, day=31)),
                today=today,
            ),
        ),
    }

    if os.environ.get("BENCH_PAGES"):  # a comma-separated subset, while working on a page
        wanted = {name.strip() for name in os.environ["BENCH_PAGES"].split(",")}
        pages = {name: page for name, page in pages.items() if name in wanted}

    def fetch(who: str, url: str) -> Callable[[], None]:
        client = clients[who]

        def run() -> None:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        return run

    # Untimed before each call: the cold dashboard's write (a new stamp), the warm dashboard's
    # previous load (so that a cold contender's write just before does not make it cold).
    toggle = ReceiptToggle(county.pk)
    setup: dict[str, Callable[[], object]] = {}
    for name, (who, url, select) in pages.items():
        if name.endswith(" (cold)"):
            setup[f"{name}|page"] = setup[f"{name}|selector"] = toggle
        elif f"{name} (cold)" in pages:
            setup[f"{name}|page"], setup[f"{name}|selector"] = fetch(who, url), select
    contenders: dict[str, Callable[[], object]] = {}
    queries: dict[str, list[str]] = {}
    for name, (who, url, select) in pages.items():
        contenders[f"{name}|page"] = fetch(who, url)
        contenders[f"{name}|selector"] = select
        fetch(who, url)()  # warm (caches, the connection) before counting
        setup.get(f"{name}|page", lambda: None)()
        with CaptureQueriesContext(connection) as captured:
            fetch(who, url)()
        queries[name] = [q["sql"] for q in captured.captured_queries]
    # The queries every page pays: those of the first page that every other page sends too.
    first_page = next(iter(queries))
    fixed = [
        sql
        for sql in queries[first_page]
        if all(sql in sent for name, sent in queries.items() if pages[name][0] == "org")
    ]
    # As the server does (config/wsgi.py, and zhongjian/core/memory.py after a lazy load): what
    # is loaded before the requests is frozen, so that full garbage collections do not walk it
    # (this process also holds what the set-up loaded: jieba, the demo history's objects).
    gc.collect()
    gc.freeze()
    try:
        samples = interleaved(contenders, setup=setup)
    finally:
        toggle.restore()

    print(
        f"database: {connection.vendor} ({where}); county {county.name} "
        f"({Cadre.objects.filter(county=county, status='active').count()} active cadres); {ROUNDS} rounds, "
        f"shuffled; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"queries every page pays (those of {first_page!r} that every page of the 组织部 sends):")
    for sql in fixed:
        print(f"  {sql[:150]}")
    print(f"{'page':26} {'queries':>7} {'median':>9} {'p95':>9} {'selector':>9} {'sel. p95':>9}")
    lines = []
    for name in pages:
        page, select = samples[f"{name}|page"], samples[f"{name}|selector"]
        median, high = statistics.median(page) * 1000, p95(page) * 1000
        print(
            f"{name:26} {len(queries[name]):7d} {median:7.1f}ms {high:7.1f}ms "
            f"{statistics.median(select) * 1000:7.1f}ms {p95(select) * 1000:7.1f}ms"
        )
        if name.endswith("(cold)"):
            # What the first load after a change costs; the target applies to the warm load,
            # what a user gets on every other load (docs/operations.md).
            lines.append(f"{name}: median {median:.2f} ms, p95 {high:.2f} ms (no target)")
            continue
        lines.append(verdict(f"{name}: median", median, TARGET_MEDIAN_MS, " ms"))
        lines.append(verdict(f"{name}: p95", high, TARGET_P95_MS, " ms"))
    for text in lines:
        print(text)
    if os.environ.get("BENCH_SQL"):
        for name, sent in queries.items():
            print(f"-- {name}")
            for sql in sent:
                print(f"  {sql[:300]}")


if __name__ == "__main__":
    main()
