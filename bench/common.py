"""Shared set-up for benchmarks: a database for the synthetic province and timing helpers."""

import os
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


def setup_django(*, prefer_postgres: bool, name: str = "zhongjian_bench") -> str:
    """Point Django at the benchmark database NAME (PostgreSQL when it answers) and set it up."""
    if "BENCH_DATABASE_URL" in os.environ:
        url = os.environ["BENCH_DATABASE_URL"]
    elif prefer_postgres and postgres_available():
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
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
