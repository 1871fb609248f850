"""The Content-Security-Policy allows scripts from the app's own files only, so no template may
carry an inline script or an inline event handler: the browser would silently skip it (and a
confirmation written as onsubmit="return confirm(…)" would let the form through unasked)."""

import re
from pathlib import Path

import zhongjian

TEMPLATES = Path(zhongjian.__file__).parent / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def test_no_template_has_inline_scripts_or_handlers() -> None:
    """Every script is a static file; confirmations and printing use data- attributes."""
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        # JSON data islands are not scripts the browser runs.
        text = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", text, flags=re.S)
        problems = INLINE_SCRIPT.findall(text) + HANDLER.findall(text)
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems
    assert found == {}
