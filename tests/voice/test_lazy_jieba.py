"""jieba (about 100 MB) loads only where search or emotion profiles run, not with the URLs."""

import subprocess
import sys

SCRIPT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.urls import resolve
import config.urls
resolve("/voice/board/")
resolve("/voice/s/")
print("jieba" in sys.modules)
"""


def test_loading_the_urls_does_not_import_jieba() -> None:
    """A worker that has loaded every URL and view module has not imported jieba."""
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
