"""A web worker does not load the heavy libraries with the URLs (issue 16: workers < 120 MB):
numpy, scipy, openpyxl, python-docx, lxml, segno and jieba load only where they are used."""

import json
import subprocess
import sys

HEAVY = ("numpy", "scipy", "openpyxl", "docx", "lxml", "segno", "jieba", "sklearn", "lifelines")
SCRIPT = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.urls import get_resolver, resolve
get_resolver().url_patterns
for path in ("/", "/voice/s/", "/voice/board/", "/projection/", "/data/import/", "/api/v1/"):
    try:
        resolve(path)
    except Exception:
        pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_loading_the_urls_loads_no_heavy_library() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "django" in loaded and "zhongjian" in loaded  # the script did load the app
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_the_lazy_numpy_is_numpy_once_used() -> None:
    from zhongjian.core.lazy import LazyModule

    lazy = LazyModule("json")
    assert lazy.dumps([1]) == json.dumps([1]) and "dumps" in vars(lazy)
