"""Survey submission under load: gunicorn on 127.0.0.1, distinct valid codes submitted at once.

Serves the app with gunicorn (4 gthread workers x 4 threads; the benchmark's database,
PostgreSQL when it answers; the cache in Redis, as docs/operations.md deploys several workers:
REDIS_URL, else Redis on 127.0.0.1:6379 when it answers) on a free port of 127.0.0.1 and drives
it from CLIENTS threads with requests encoded beforehand, so that the client costs as little as
it can beside the server on the same machine (a heavier client would slow the trivial page more
than the submission and flatter the ratio).

The contenders, interleaved by the shared harness (bench.common.interleaved: one warm-up round
each, then ROUNDS rounds in a shuffled order): a round of SUBMITS submissions (each a distinct
valid code with full answers and a comment) and a round of TRIVIAL requests for the thanks
page, which passes the same middleware on the same server and renders a small template without
touching the database; each in two regimes:

- keep-alive: each client thread keeps one connection. Which worker accepted it is luck, so
  the load may sit on one worker or spread; the CPU seconds of each worker during these rounds
  are printed to show which;
- fresh: a new connection per request that asks the server to close it, as nginx proxies by
  default, so that every request goes to whichever worker is free and the load spreads.

Printed for each: each round's time and every request's latency (median, p95), throughputs,
and the ratio against its target (>= 50 %).

Then the same load while the busiest worker is killed (SIGKILL, once a quarter of the batch
is answered, so that the kill falls inside the load on a machine of any speed) and gunicorn
starts another; a request whose connection dies is sent again on a new connection (a code
stored before the worker died then answers 409). Every code is checked at the end: each
attempted code is spent exactly once and there are as many responses as spent codes (zero
lost, zero duplicated). The resident set of every worker after the warm-up rounds is printed
against its target (< 120 MB).
"""

import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.common import ROOT, current_rss_mb, interleaved, line, p95, setup_django, verdict

ROUNDS = max(20, int(os.environ.get("BENCH_ROUNDS", "20")))
SUBMITS = 40  # per round
TRIVIAL = 200  # per round
KILL_SUBMITS = 400
# As docs/operations.md deploys (BENCH_SUBMIT_WORKERS / BENCH_SUBMIT_THREADS to try others).
WORKERS = int(os.environ.get("BENCH_SUBMIT_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_SUBMIT_THREADS", "4"))
# One connection per server thread. Which worker accepts a connection is up to the workers (the
# first awake takes it), so a run may be served mostly by one or two of them; the printed CPU
# time of each worker shows how the load was spread.
CLIENTS = WORKERS * THREADS
TARGET = 0.5
RSS_TARGET_MB = 120
_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
_CSRF = re.compile(rb"csrftoken=([^;\s]+)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(count: int) -> tuple[int, list[str], dict[str, str]]:
    """A county with COUNT cadres in 8 units and an open wave (WHO-5 + CBI): its id and codes."""
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
    per_unit = -(-count // 8)
    with transaction.atomic():
        tag = random.randrange(10**6)
        county = factories.county(name=f"压测县{tag}", code=f"9{tag:06d}")
        org = factories.user(role=Role.ORG_DEPARTMENT, county=county)
        units = []
        for index in range(8):
            unit = factories.unit(county=county, name=f"单位{index}")
            post = factories.post(unit=unit, tier=Tier.GENERAL, headcount=per_unit)
            for number in range(per_unit):
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
    answers["wave"] = str(wave.pk)  # the hidden field of the real form
    return wave.pk, codes, answers


class _Connection:
    """One keep-alive HTTP/1.1 connection with its CSRF cookie (fetched with a first request
    unless CSRF is given); requests are bytes built once."""

    def __init__(self, port: int, csrf: str = "") -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.closed = False
        self.csrf = csrf
        if csrf:
            return
        status, head = self.send(b"GET /voice/s/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        found = _CSRF.search(head)
        if status != 200 or found is None:
            raise ConnectionError(f"no CSRF cookie ({status})")
        self.csrf = found.group(1).decode()

    def send(self, data: bytes) -> tuple[int, bytes]:
        self.sock.sendall(data)
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        found = _LENGTH.search(head)
        length = int(found.group(1)) if found else 0
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            rest += chunk
        self.buffer = rest[length:]
        self.closed = b"\r\nconnection: close" in head.lower()
        return int(head[9:12]), head


class _Load:
    """CLIENTS threads, each with its own keep-alive connection (made again when the server
    drops it); or, for the kinds ending in "-fresh", a new connection for every request that
    asks the server to close it, as nginx proxies by default (HTTP/1.0 to its upstream, no
    `keepalive`), so that each request is accepted by whichever worker is free."""

    def __init__(self, port: int, answers: dict[str, str]) -> None:
        self.port = port
        self.answers = answers
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(max_workers=CLIENTS)
        self.latencies: dict[str, list[float]] = {
            kind: [] for kind in ("submit", "trivial", "submit-fresh", "trivial-fresh")
        }
        self.csrf = ""  # the cookie every fresh connection sends (set by fresh_cookie)
        self.retried: set[str] = set()
        self.outcomes: dict[str, int] = {}
        self.answered = 0  # submissions answered so far
        self.answered_lock = threading.Lock()
        self.kill_at: int | None = None  # when answered reaches it, `reached` is set
        self.reached = threading.Event()
        self.trivial = b"GET /voice/s/done/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        self.fields = urllib.parse.urlencode({"submit": "1", **answers})
        self.trivial_fresh = self.trivial.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")

    def fresh_cookie(self) -> None:
        conn = _Connection(self.port)
        self.csrf = conn.csrf
        conn.sock.close()

    def connection(self) -> _Connection:
        if getattr(self.local, "conn", None) is None:
            self.local.conn = _Connection(self.port)
        return self.local.conn

    def _post(self, code: str, csrf: str, close: bool = False) -> bytes:
        # The answers are the same for every code: encoded once (self.fields), so that the
        # client's own work per submission stays as small as per trivial page.
        body = f"code={code}&{self.fields}&csrfmiddlewaretoken={csrf}".encode()
        return (
            b"POST /voice/s/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (b"Connection: close\r\n" if close else b"")
            + b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Cookie: csrftoken={csrf}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )

    def _request(self, kind: str, code: str = "") -> int:
        fresh = kind.endswith("-fresh")
        for attempt in range(20):
            try:
                started = time.perf_counter()
                conn = _Connection(self.port, self.csrf) if fresh else self.connection()
                if not fresh:
                    started = time.perf_counter()
                if kind.startswith("trivial"):
                    data = self.trivial_fresh if fresh else self.trivial
                else:
                    data = self._post(code, conn.csrf, close=fresh)
                status, _head = conn.send(data)
                self.latencies[kind].append(time.perf_counter() - started)
                if fresh:
                    conn.sock.close()
                if code:
                    with self.answered_lock:
                        self.answered += 1
                        if self.answered == self.kill_at:
                            self.reached.set()
                if conn.closed:  # answered, then closed by the server: a new one next time
                    self.local.conn = None
                return status
            except OSError:
                # The worker went away: a new connection (and CSRF cookie), the same request.
                self.local.conn = None
                if code:
                    self.retried.add(code)
                time.sleep(0.05 * (attempt + 1))
        return 0

    def submit(self, codes: list[str], kind: str = "submit") -> None:
        statuses = self.pool.map(lambda code: self._request(kind, code), codes)
        for code, status in zip(codes, statuses, strict=True):
            self.outcomes[code] = status

    def trivial_round(self, count: int, kind: str = "trivial") -> None:
        statuses = set(self.pool.map(lambda _i: self._request(kind), range(count)))
        assert statuses == {200}, statuses


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of PID so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers(server: subprocess.Popen) -> list[int]:
    listed = subprocess.run(
        ["ps", "--ppid", str(server.pid), "-o", "pid="], capture_output=True, text=True
    )
    return [int(pid) for pid in listed.stdout.split()]


def _redis_url() -> str:
    """REDIS_URL, else a database of Redis on 127.0.0.1:6379 (flushed) if one answers, else ""
    (the per-process cache: each worker would then count rate limits alone)."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    import redis

    url = "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        return ""
    return url


def main() -> None:
    where = setup_django(prefer_postgres=True, name="zhongjian_bench_submit")
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)  # a fresh county every run
    needed = 2 * (ROUNDS + 1) * SUBMITS + KILL_SUBMITS
    wave_id, codes, answers = _prepare(needed + 100)
    random.Random(5).shuffle(codes)
    port = _free_port()
    # Every request of the benchmark comes from 127.0.0.1: lift the per-address lookup limit.
    env = {**os.environ, "VOICE_CODE_LOOKUPS_PER_ADDRESS": "1000000"}
    redis_url = _redis_url()
    if redis_url:
        env["REDIS_URL"] = redis_url
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS)]
    command += ["--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    load = _Load(port, answers)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    remaining = list(codes)
    load_before = os.getloadavg()[0]

    # CPU seconds of each worker during the keep-alive rounds only (how they fell on workers),
    # read from /proc around each round: microseconds inside the timed call (the workers are
    # listed once, beforehand; no worker is replaced during the rounds).
    busy: dict[int, float] = {}
    pids: list[int] = []

    def keepalive(run: Callable[[], None]) -> Callable[[], None]:
        def measured() -> None:
            before = [_cpu_seconds(pid) for pid in pids]
            run()
            for pid, seconds in zip(pids, before, strict=True):
                busy[pid] = busy.get(pid, 0.0) + _cpu_seconds(pid) - seconds

        return measured

    try:
        list(load.pool.map(lambda _i: load.connection(), range(CLIENTS)))
        for _ in range(100):  # every worker up
            pids[:] = _workers(server)
            if len(pids) == WORKERS:
                break
            time.sleep(0.1)
        load.fresh_cookie()
        # Both regimes in one interleaved series, so that they see the same machine.
        rounds = interleaved(
            {
                "submit": keepalive(lambda: load.submit([remaining.pop() for _ in range(SUBMITS)])),
                "trivial": keepalive(lambda: load.trivial_round(TRIVIAL)),
                "submit-fresh": lambda: load.submit(
                    [remaining.pop() for _ in range(SUBMITS)], "submit-fresh"
                ),
                "trivial-fresh": lambda: load.trivial_round(TRIVIAL, "trivial-fresh"),
            },
            rounds=ROUNDS,
        )
        warmed = {pid: current_rss_mb(pid) for pid in _workers(server)}
        # The same load while a worker is killed and restarted: the busiest one (it holds
        # connections), once a quarter of the batch is answered, so that the kill falls
        # inside the load whatever the machine's speed.
        batch = [remaining.pop() for _ in range(KILL_SUBMITS)]
        victim = max(busy, key=lambda pid: busy[pid])
        before_kill = load.answered
        load.kill_at = before_kill + KILL_SUBMITS // 4
        killed_after: list[int] = []

        def kill() -> None:
            if load.reached.wait(timeout=60):
                killed_after.append(load.answered - before_kill)
                os.kill(victim, signal.SIGKILL)

        killer = threading.Thread(target=kill, daemon=True)
        latencies = {kind: list(samples) for kind, samples in load.latencies.items()}
        load.latencies["submit"].clear()
        killer.start()
        started = time.perf_counter()
        load.submit(batch)
        kill_seconds = time.perf_counter() - started
        killer.join(timeout=60)
        kill_latencies = list(load.latencies["submit"])
        for _ in range(100):  # gunicorn starts another worker in its place
            workers = _workers(server)
            if victim not in workers and len(workers) == WORKERS:
                break
            time.sleep(0.1)
        replaced = victim not in workers and len(workers) == WORKERS
    finally:
        load.pool.shutdown()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    from zhongjian.voice.models import Response, SpentToken
    from zhongjian.voice.services.answering import spent_digest

    attempted = list(load.outcomes)
    spent = SpentToken.objects.filter(wave_id=wave_id)
    spent_attempted = spent.filter(digest__in=[spent_digest(c) for c in attempted]).count()
    responses = Response.objects.filter(wave_id=wave_id).count()
    lost = len(attempted) - spent_attempted  # every attempted code must have been spent once
    duplicated = responses - spent.count()
    # A 409 is right only for a code sent again after its connection died (stored before).
    wrong = {
        code: status
        for code, status in load.outcomes.items()
        if status != 302 and not (status == 409 and code in load.retried)
    }
    statuses: dict[int, int] = {}
    for status in load.outcomes.values():
        statuses[status] = statuses.get(status, 0) + 1

    print(
        f"database: {where}; gunicorn {WORKERS} gthread workers x {THREADS} threads;"
        f" {CLIENTS} client threads; cache {'Redis' if redis_url else 'per process'};"
        f" load average {os.getloadavg()[0]:.2f}"
        f" (before: {load_before:.2f})"
    )
    regimes = {
        "": f"{CLIENTS} keep-alive connections",
        "-fresh": "a new connection per request (as nginx proxies by default)",
    }
    for suffix, label in regimes.items():
        submits, trivials = rounds["submit" + suffix], rounds["trivial" + suffix]
        submit_rate = SUBMITS / statistics.median(submits)
        trivial_rate = TRIVIAL / statistics.median(trivials)
        print(f"-- {label}")
        print(line(f"round of {SUBMITS} submissions", submits))
        print(line(f"round of {TRIVIAL} trivial pages", trivials))
        print(line("one submission (latency)", latencies["submit" + suffix]))
        print(line("one trivial page (latency)", latencies["trivial" + suffix]))
        print(
            f"submissions/s {submit_rate:.0f} (slowest rounds, p95: "
            f"{SUBMITS / p95(submits):.0f}); trivial pages/s {trivial_rate:.0f}"
            f" (p95: {TRIVIAL / p95(trivials):.0f})"
        )
        print(
            verdict(
                f"submissions/s ÷ trivial pages/s{', fresh connections' if suffix else ''}",
                submit_rate / trivial_rate,
                TARGET,
                below=False,
            )
        )
        if not suffix:
            heaviest = max(busy.values())
            holding = sum(1 for seconds in busy.values() if seconds >= 0.25 * heaviest)
            print(
                "CPU seconds of each worker over these rounds (how the connections fell): "
                + ", ".join(f"{seconds:.1f}" for seconds in sorted(busy.values(), reverse=True))
                + f"; the load was held by {holding} of {len(busy)} workers (docs/voice.md)"
            )
    print("--")
    at = f"after {killed_after[0]} of {len(batch)} answers" if killed_after else "never (!)"
    print(
        f"with the busiest worker killed {at} (replaced: {replaced}):"
        f" {len(batch) / kill_seconds:.0f} submissions/s over {len(batch)}"
    )
    print(line("one submission, worker killed", kill_latencies or [0.0]))
    print(
        f"answers: {len(attempted)} codes attempted, {responses} responses, statuses {statuses},"
        f" {len(load.retried)} sent again after a dropped connection"
    )
    print(verdict("lost responses", lost, 0))
    print(verdict("duplicated responses", duplicated, 0))
    print(verdict("unexpected statuses", len(wrong), 0))
    print(
        "worker RSS after warm-up: "
        + ", ".join(f"{rss:.0f}" for rss in sorted(warmed.values()))
        + " MB"
    )
    print(verdict("largest worker RSS after warm-up", max(warmed.values()), RSS_TARGET_MB, " MB"))
    if lost or duplicated or wrong:
        raise SystemExit(f"lost or duplicated responses, or unexpected statuses: {wrong}")


if __name__ == "__main__":
    main()
