"""Survey submission under load: gunicorn on 127.0.0.1, distinct valid codes submitted at once.

Serves the app with gunicorn (4 gthread workers) on a free port of 127.0.0.1 and drives it from
a bounded pool of stdlib threads (http.client, one keep-alive connection each). Rounds of
submissions (each a distinct valid code, full answers) and rounds of a trivial page through the
same middleware (the thanks page) are interleaved in a shuffled order; per-round throughput,
median and p95 over the rounds, and the ratio against its target (>= 50 %). Then the same load
while one worker is killed (SIGKILL) and gunicorn restarts it. Every code is checked at the end:
each attempted code has exactly one response (zero lost, zero duplicated). Also prints the peak
RSS of a worker after the run (target < 120 MB).
"""

import http.client
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import ROOT, setup_django

ROUNDS = 20
SUBMITS_PER_ROUND = 40
TRIVIAL_PER_ROUND = 200
KILL_SUBMITS = 200
THREADS = 8
WORKERS = 4
TARGET = 0.5
RSS_TARGET_MB = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare() -> tuple[list[str], dict[str, str]]:
    """A county with 1,600 cadres in 8 units and an open wave (WHO-5 + CBI): its codes."""
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from tests import factories
    from zhongjian.accounts.roles import Role
    from zhongjian.core.crypto import decrypt_text
    from zhongjian.org.choices import Tier
    from zhongjian.voice.models import WaveToken
    from zhongjian.voice.services.waves import wave_create, wave_open

    today = timezone.localdate()
    with transaction.atomic():
        tag = random.randrange(10**6)
        county = factories.county(name=f"压测县{tag}", code=f"9{tag:06d}")
        org = factories.user(role=Role.ORG_DEPARTMENT, county=county)
        units = []
        for index in range(8):
            unit = factories.unit(county=county, name=f"单位{index}")
            post = factories.post(unit=unit, tier=Tier.GENERAL, headcount=200)
            for number in range(200):
                person = factories.cadre(
                    unit=unit, birth_date=datetime.date(1970 + number % 30, 5, 1)
                )
                factories.appoint(cadre=person, post=post, start=datetime.date(2020, 1, 1))
            units.append(unit.pk)
        wave = wave_create(
            actor=org,
            today=today,
            title="压测",
            intro="",
            unit_ids=units,
            mid_level_only=False,
            instrument_refs=["who5:1", "cbi_work:1"],
            k=5,
            free_text_prompt="您还有什么想说的？",
            free_text_k=10,
            closes_on=today + datetime.timedelta(days=7),
        )
        wave_open(actor=org, wave=wave, today=today)
    codes = [
        decrypt_text(c)
        for c in WaveToken.objects.filter(wave=wave).values_list("cipher", flat=True)
    ]
    answers = {}
    for instrument in wave.instruments():
        for item in instrument.items:
            answers[f"{instrument.code}.{item.code}"] = str(item.options[1].value)
    answers["comment"] = "希望减少重复填表，郭志明同志辛苦了"
    return codes, answers


class _Client(threading.local):
    """One keep-alive connection and CSRF cookie per thread."""

    def __init__(self) -> None:
        self.conn: http.client.HTTPConnection | None = None
        self.csrf = ""


def main() -> None:
    where = setup_django(prefer_postgres=True, name="zhongjian_bench_submit")
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)  # a fresh county every run
    codes, answers = _prepare()
    random.shuffle(codes)
    port = _free_port()
    # Every request of the benchmark comes from 127.0.0.1: lift the per-address lookup limit.
    env = {**os.environ, "VOICE_CODE_LOOKUPS_PER_ADDRESS": "1000000"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(WORKERS),
            "-k",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    local = _Client()

    def connection() -> http.client.HTTPConnection:
        if local.conn is None:
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            local.conn.request("GET", "/voice/s/")
            reply = local.conn.getresponse()
            reply.read()
            cookie = reply.getheader("Set-Cookie", "")
            local.csrf = cookie.split("csrftoken=")[1].split(";")[0]
        return local.conn

    def request(method: str, path: str, fields: dict[str, str] | None = None) -> int:
        for attempt in range(3):
            try:
                conn = connection()
                headers = {"Cookie": f"csrftoken={local.csrf}"}
                body = ""
                if fields is not None:
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": local.csrf})
                conn.request(method, path, body=body, headers=headers)
                reply = conn.getresponse()
                reply.read()
                return reply.status
            except (OSError, http.client.HTTPException):
                # The worker went away: a new connection (and CSRF cookie), the same request; a
                # code that was stored before the worker died then answers 409 (spent).
                local.conn = None
                time.sleep(0.05 * (attempt + 1))
        return 0

    def submit(code: str) -> tuple[str, int]:
        return code, request("POST", "/voice/s/", {"code": code, "submit": "1", **answers})

    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request(
                "GET", "/voice/s/done/"
            )
            break
        except OSError:
            time.sleep(0.2)
    outcomes: dict[str, int] = {}
    pool = ThreadPoolExecutor(max_workers=THREADS)
    try:
        list(pool.map(lambda _i: connection(), range(THREADS * 2)))
        plan = ["submit", "trivial"] * ROUNDS
        random.Random(7).shuffle(plan)
        rates: dict[str, list[float]] = {"submit": [], "trivial": []}
        cursor = 0
        for kind in plan:
            started = time.perf_counter()
            if kind == "submit":
                batch = codes[cursor : cursor + SUBMITS_PER_ROUND]
                cursor += len(batch)
                for code, status in pool.map(submit, batch):
                    outcomes[code] = status
                count = len(batch)
            else:
                statuses = list(
                    pool.map(lambda _i: request("GET", "/voice/s/done/"), range(TRIVIAL_PER_ROUND))
                )
                assert all(status == 200 for status in statuses), set(statuses)
                count = TRIVIAL_PER_ROUND
            rates[kind].append(count / (time.perf_counter() - started))
        # The same load while a worker is killed and restarted.
        batch = codes[cursor : cursor + KILL_SUBMITS]
        cursor += len(batch)
        workers = [
            int(p)
            for p in subprocess.run(
                ["ps", "--ppid", str(server.pid), "-o", "pid="], capture_output=True, text=True
            ).stdout.split()
        ]
        killer = threading.Timer(0.3, lambda: os.kill(workers[0], signal.SIGKILL))
        killer.start()
        started = time.perf_counter()
        for code, status in pool.map(submit, batch):
            outcomes[code] = status
        kill_rate = len(batch) / (time.perf_counter() - started)
        time.sleep(1)
        workers = [
            int(p)
            for p in subprocess.run(
                ["ps", "--ppid", str(server.pid), "-o", "pid="], capture_output=True, text=True
            ).stdout.split()
        ]
        rss = []
        for pid in workers:
            status_text = Path(f"/proc/{pid}/status").read_text()
            rss.append(int(status_text.split("VmRSS:")[1].split()[0]) / 1024)
    finally:
        pool.shutdown()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    from zhongjian.core.crypto import keyed_hash  # noqa: F401 - Django is set up
    from zhongjian.voice.models import Response, WaveToken
    from zhongjian.voice.services.waves import token_digest

    attempted = list(outcomes)
    used = WaveToken.objects.filter(
        digest__in=[token_digest(c) for c in attempted], used=True
    ).count()
    wave_id = (
        WaveToken.objects.filter(digest=token_digest(attempted[0]))
        .values_list("wave_id", flat=True)
        .first()
    )
    responses = Response.objects.filter(wave_id=wave_id).count()
    lost = len(attempted) - used  # every attempted code must have been spent exactly once
    duplicated = responses - used
    statuses = {
        status: sum(1 for s in outcomes.values() if s == status)
        for status in set(outcomes.values())
    }

    def p95(values: list[float]) -> float:
        return sorted(values)[max(0, int(len(values) * 0.05) - 1)]  # the slow 5 % of rounds

    submit_median = statistics.median(rates["submit"])
    trivial_median = statistics.median(rates["trivial"])
    print(
        f"database: {where}; gunicorn {WORKERS} gthread workers x 4 threads; {THREADS} client threads"
    )
    print(
        f"submissions/s: median {submit_median:.0f}, p95 (slowest rounds) {p95(rates['submit']):.0f} over {ROUNDS} rounds of {SUBMITS_PER_ROUND}"
    )
    print(
        f"trivial page/s: median {trivial_median:.0f}, p95 (slowest rounds) {p95(rates['trivial']):.0f} over {ROUNDS} rounds of {TRIVIAL_PER_ROUND}"
    )
    ratio = submit_median / trivial_median
    print(
        f"ratio submit/trivial: {ratio:.0%} (target >= {TARGET:.0%}): {'met' if ratio >= TARGET else 'NOT met'}"
    )
    print(f"with a worker killed: {kill_rate:.0f} submissions/s")
    print(
        f"answers: {len(attempted)} codes attempted, {responses} responses, {lost} lost, {duplicated} duplicated; statuses {statuses}"
    )
    print(f"worker RSS after the run: max {max(rss):.0f} MB (target < {RSS_TARGET_MB} MB)")
    if lost or duplicated:
        raise SystemExit("lost or duplicated responses")
