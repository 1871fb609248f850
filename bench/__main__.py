"""Run the benchmarks: each module `bench/bench_*.py` has `main() -> None` that prints its figures.

Each runs in its own process: a benchmark picks its database before Django is set up, and Django
is set up once per process.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path


def main() -> None:
    wanted = set(sys.argv[1:])
    names = sorted(
        info.name
        for info in pkgutil.iter_modules([str(Path(__file__).parent)])
        if info.name.startswith("bench_")
    )
    for name in names:
        if wanted and name not in wanted and name.removeprefix("bench_") not in wanted:
            continue
        print(f"== {name}", flush=True)
        subprocess.run([sys.executable, "-c", f"from bench.{name} import main; main()"], check=True)


if __name__ == "__main__":
    main()
