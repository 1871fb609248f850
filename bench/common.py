"""Shared set-up for benchmarks: a database for the synthetic province and timing helpers."""

import datetime
import os
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception:  # any failure means: no PostgreSQL here
        return False
    return True


def _create_database(server: str, name: str) -> None:
    """Create the PostgreSQL database NAME on SERVER (a URL without a database) if it is missing."""
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(*, prefer_postgres: bool, name: str = "zhongjian_bench") -> str:
    """Point Django at the benchmark database NAME (PostgreSQL when it answers) and set it up."""
    if "BENCH_DATABASE_URL" in os.environ:
        url = os.environ["BENCH_DATABASE_URL"]
        if url.startswith(("postgres://", "postgresql://")):
            # A benchmark may name its own database (the overview's province): made if missing.
            server, _, database = url.rpartition("/")
            _create_database(server, database)
    elif prefer_postgres and postgres_available():
        _create_database(PG_SERVER, name)
        url = f"{PG_SERVER}/{name}"
    else:
        (ROOT / "var").mkdir(exist_ok=True)
        url = f"sqlite:///{ROOT / 'var' / (name + '.sqlite3')}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url.split("@")[-1]


# The day every benchmark treats as today, so that figures are the same from run to run.
TODAY = datetime.date(2026, 11, 26)
# Rounds of every interleaved comparison (BENCH_ROUNDS overrides; at least 20 by the rules).
ROUNDS = max(20, int(os.environ.get("BENCH_ROUNDS", "30")))


def interleaved(
    contenders: dict[str, Callable[[], object]],
    rounds: int = ROUNDS,
    seed: int = 1,
    *,
    setup: dict[str, Callable[[], object]] | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of each contender: one warm-up call each, then ROUNDS rounds in which
    every contender runs once, in an order shuffled afresh each round. SETUP[name], where given,
    runs untimed before every call of that contender (to empty what the previous call wrote)."""
    rng = random.Random(seed)
    setup = setup or {}
    for name, function in contenders.items():
        if name in setup:
            setup[name]()
        function()
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _round in range(rounds):
        names = list(contenders)
        rng.shuffle(names)
        for name in names:
            if name in setup:
                setup[name]()
            started = time.perf_counter()
            contenders[name]()
            samples[name].append(time.perf_counter() - started)
    return samples


def line(name: str, samples: list[float], width: int = 34) -> str:
    """NAME with the median and p95 of SAMPLES (seconds) in milliseconds."""
    return (
        f"{name:<{width}} median {statistics.median(samples) * 1000:8.1f} ms"
        f"   p95 {p95(samples) * 1000:8.1f} ms   n={len(samples)}"
    )


def verdict(label: str, value: float, target: float, unit: str = "", *, below: bool = True) -> str:
    """One printed line: LABEL, VALUE against TARGET, and whether the target is met."""
    met = value <= target if below else value >= target
    sign = "≤" if below else "≥"
    return f"{label}: {value:.2f}{unit} (target {sign} {target:g}{unit}: {'met' if met else 'NOT MET'})"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB: VmHWM from /proc, which starts
    afresh in each process (ru_maxrss does not: Linux carries the parent's over fork and exec,
    so every child of the bench runner would report at least the runner's peak)."""
    status = Path("/proc/self/status")
    if status.exists():
        for row in status.read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb(pid: int | None = None) -> float:
    """Resident set size now of PID (this process by default), in MB, from /proc."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    for row in status.splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc status")


def ensure_province(cadres: int | None = None, today: datetime.date = TODAY) -> None:
    """Build the synthetic province (BENCH_CADRES cadres, default 300,000) unless it is there."""
    from django.db import connection

    from zhongjian.org.models import Cadre

    cadres = cadres or int(os.environ.get("BENCH_CADRES", "300000"))
    if Cadre.objects.filter(status="active").count() < cadres * 0.95:
        from zhongjian.demo.generator import build_demo

        print(f"building the synthetic province ({cadres} cadres) …", flush=True)
        build_demo(seed=2022, cadres=cadres, today=today, with_users=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed(function: Callable[[], object], *, repeat: int) -> list[float]:
    """Wall-clock seconds of REPEAT calls after one warm-up call."""
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def reset_database() -> None:
    """Drop and recreate the benchmark database, then migrate (seeded rules included)."""
    from django.core.management import call_command
    from django.db import connection

    settings_dict = connection.settings_dict
    connection.close()
    if connection.vendor == "postgresql":
        import psycopg

        name = settings_dict["NAME"]
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        Path(settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


class ReceiptToggle:
    """A committed write that changes one workload figure of a county and its data stamp: one
    receipt's lead time goes one day up, then back down (each call flips it), as a registered
    or corrected demand would. `restore` puts the original value back."""

    def __init__(self, county_id: int) -> None:
        from zhongjian.workload.models import DemandReceipt

        self.receipts = DemandReceipt.objects.filter(county_id=county_id)
        found = self.receipts.filter(lead_days__isnull=False).order_by("-issued_on", "-id").first()
        if found is None:
            raise RuntimeError("the county has no receipt with a deadline")
        self.pk, self.original, self.up = found.pk, found.lead_days, False

    def __call__(self) -> None:
        self.up = not self.up
        self.receipts.filter(pk=self.pk).update(lead_days=self.original + (1 if self.up else 0))

    def restore(self) -> None:
        self.receipts.filter(pk=self.pk).update(lead_days=self.original)
        self.up = False
