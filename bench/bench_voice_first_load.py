"""First loads of the slips page of one unit and of the comments report (#14 item 11).

On the demo county (`zhongjian demo`, 3,000 cadres: an open wave with slips, closed waves with
about 800 comments), in a SQLite file of its own (BENCH_VOICE_DB, default var/bench-voice.sqlite3,
built on first use):

1. each page's first request in a fresh process (after one request to the home page, so the
   URL configuration and base template are loaded), then its second request, ROUNDS processes;
2. what the first loads used to do, interleaved against what they do now, in one process:
   drawing one unit's QR codes with segno's best-of-eight mask search against one fixed mask,
   and building the emotion tokenizer by working out every lexicon word's frequency
   (jieba's suggest_freq) against replaying them from the cache file.
"""

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.common import ROUNDS, interleaved, line, p95, verdict

ROOT = Path(__file__).resolve().parent.parent
PROCESS_ROUNDS = max(20, int(os.environ.get("BENCH_PROCESS_ROUNDS", "20")))
CHILD = r"""
import json, os, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.test import Client
from zhongjian.accounts.models import User
from zhongjian.voice.models import Wave
org = User.objects.filter(role="org_department").order_by("pk").first()
client = Client()
client.force_login(org)
client.get("/")
opened = Wave.objects.filter(county_id=org.county_id, status="open").order_by("pk").first()
closed = Wave.objects.filter(county_id=org.county_id, status="closed").order_by("-pk").first()
out = {}
for name, url in (("slips", f"/voice/survey/waves/{opened.pk}/slips/?page=1"),
                  ("comments", f"/voice/survey/waves/{closed.pk}/comments/")):
    times = []
    for _ in range(2):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    out[name] = times
# The emotion chart, which the comments page fetches after it has loaded (the first time in a
# process this loads jieba's dictionary).
started = time.perf_counter()
response = client.get(f"/voice/survey/waves/{closed.pk}/comments/?part=emotions")
out["chart"] = [time.perf_counter() - started]
assert response.status_code == 200 and b"emotion-chart" in response.content
print(json.dumps(out))
"""


def _database() -> str:
    path = Path(os.environ.get("BENCH_VOICE_DB", ROOT / "var" / "bench-voice.sqlite3"))
    url = f"sqlite:///{path}"
    if not path.exists():
        env = {**os.environ, "DATABASE_URL": url}
        run = [sys.executable, "-m", "zhongjian.cli"]
        subprocess.run([*run, "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run(
            [*run, "demo", "--logins-file", str(path.with_suffix(".logins"))],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return url


def _fresh_processes(url: str) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {
        "slips first": [],
        "slips second": [],
        "comments first": [],
        "comments second": [],
        "comments chart, fetched after the page": [],
    }
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    for _round in range(PROCESS_ROUNDS):
        done = subprocess.run(
            [sys.executable, "-c", CHILD],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"the measuring process failed:\n{done.stderr[-3000:]}")
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        for name in ("slips", "comments"):
            samples[f"{name} first"].append(figures[name][0])
            samples[f"{name} second"].append(figures[name][1])
        samples["comments chart, fetched after the page"].append(figures["chart"][0])
    return samples


def _in_process(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import logging

    import jieba
    import segno

    from zhongjian.voice import emotion

    logging.getLogger("jieba").setLevel(logging.WARNING)
    address = "http://127.0.0.1:8000/voice/s/#"
    codes = [f"{n:04d}ABCDEFGHJKLM"[:16] for n in range(89)]  # one demo unit: 89 slips

    def best_mask() -> None:
        for code in codes:
            segno.make(address + code, error="m").svg_inline(scale=3, border=2)

    def fixed_mask() -> None:
        for code in codes:
            segno.make(address + code, error="m", mask=0).svg_inline(scale=3, border=2)

    qr = interleaved({"QR, best of 8 masks (before)": best_mask, "QR, mask 0 (now)": fixed_mask})
    for name, samples in qr.items():
        print(line(name, samples))
    ratio = statistics.median(qr["QR, best of 8 masks (before)"]) / statistics.median(
        qr["QR, mask 0 (now)"]
    )
    print(verdict("QR codes of one unit, speed-up (before / now)", ratio, 3, "×", below=False))

    def worked_out() -> object:
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in emotion._lexicon():
            if not word.isascii():
                tokenizer.add_word(word, freq=tokenizer.suggest_freq(word, tune=False))
        return tokenizer

    def replayed() -> object:  # uncached: each call reads the frequencies' file again
        return emotion._build_tokenizer()

    same_a, same_b = worked_out(), replayed()
    assert same_a.FREQ == same_b.FREQ and same_a.total == same_b.total  # same tokenizer
    rounds = max(20, ROUNDS // 3 * 2)
    built = interleaved(
        {"tokenizer, suggest_freq (before)": worked_out, "tokenizer, cached (now)": replayed},
        rounds=rounds,
    )
    for name, samples in built.items():
        print(line(name, samples))
    saved = statistics.median(built["tokenizer, suggest_freq (before)"]) - statistics.median(
        built["tokenizer, cached (now)"]
    )
    print(verdict("emotion tokenizer, seconds saved per process", saved, 0.2, " s", below=False))


def main() -> None:
    url = _database()
    print(f"demo county in {url.removeprefix('sqlite:///')}; load {os.getloadavg()[0]:.2f}")
    samples = _fresh_processes(url)
    for name, values in samples.items():
        print(line(name, values))
    print(
        verdict(
            "slips page of one unit, first load, median",
            statistics.median(samples["slips first"]) * 1000,
            300,
            " ms",
        )
    )
    print(
        verdict(
            "slips page of one unit, first load, p95",
            p95(samples["slips first"]) * 1000,
            600,
            " ms",
        )
    )
    print(
        verdict(
            "comments report, first load (the page; its chart follows), median",
            statistics.median(samples["comments first"]) * 1000,
            500,
            " ms",
        )
    )
    print(
        verdict(
            "comments report, second load, median",
            statistics.median(samples["comments second"]) * 1000,
            200,
            " ms",
        )
    )
    _in_process(url)
    print(f"load {os.getloadavg()[0]:.2f}")
