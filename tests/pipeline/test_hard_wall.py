"""The hard wall: pipeline never imports or queries voice or care; insight and
workload never touch care except through its aggregate selectors (`zhongjian.care.aggregates`)."""

import ast
import dataclasses
import re
from pathlib import Path

import pytest

import zhongjian
import zhongjian.pipeline

PIPELINE = Path(zhongjian.pipeline.__file__).parent
WALLED = ("voice", "care")
# The one module of care that other apps may import: k-safe aggregates, nothing per person.
CARE_PUBLIC = "zhongjian.care.aggregates"


def _walled_string(apps: tuple[str, ...]) -> re.Pattern[str]:
    # A dotted module path, an app label in a model reference ("care.Case") or a table name
    # ("voice_response"), or the bare app label as used by apps.get_model("care", …).
    names = "|".join(apps)
    return re.compile(rf"(?<![\w.])(?:zhongjian\.)?(?:{names})(?:[._][A-Za-z]|$)")


def violations(
    source: str,
    *,
    package: str = "zhongjian.pipeline",
    walled: tuple[str, ...] = WALLED,
    allowed: tuple[str, ...] = (),
) -> list[str]:
    """Imports of, and string references to, the walled apps in one module's source; imports
    of the ALLOWED modules (and names from them) do not count."""
    pattern = _walled_string(walled)
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (node.value in walled or pattern.search(node.value))
        ):
            found.append(f"string {node.value!r}")
        if isinstance(node, ast.ImportFrom) and any(
            names[0] == module or names[0].startswith(f"{module}.") for module in allowed
        ):
            continue
        found.extend(
            f"import {name}"
            for name in names
            if any(
                name == f"zhongjian.{app}" or name.startswith(f"zhongjian.{app}.") for app in walled
            )
            and not any(name == module or name.startswith(f"{module}.") for module in allowed)
        )
    return found


def test_scanner_catches_every_form() -> None:
    """The scan finds imports, relative imports, dynamic imports and model or table names."""
    assert violations("import zhongjian.voice.models")
    assert violations("from zhongjian import care")
    assert violations("from zhongjian.care.models import Case")
    assert violations("from ...voice import selectors", package="zhongjian.pipeline.services")
    assert violations("from .. import care", package="zhongjian.pipeline")
    assert violations("importlib.import_module('zhongjian.voice.selectors')")
    assert violations("apps.get_model('care', 'Case')")
    assert violations("cursor.execute('SELECT * FROM voice_response')")
    assert violations("ForeignKey('care.Case', on_delete=CASCADE)")
    assert not violations("reason = 'family_care'")
    assert not violations("MEDICAL_CARE = 'medical_care'")
    assert not violations("from zhongjian.org.models import Cadre")


def test_scanner_allows_only_the_care_aggregates() -> None:
    """For insight and workload, the aggregate module of care is the only way in."""
    rules = {"walled": ("care",), "allowed": (CARE_PUBLIC,), "package": "zhongjian.insight"}
    assert not violations("from zhongjian.care.aggregates import care_aggregates", **rules)
    assert not violations("import zhongjian.care.aggregates", **rules)
    assert violations("from zhongjian.care.selectors import case_content", **rules)
    assert violations("from zhongjian.care import aggregates, models", **rules)
    assert violations("from zhongjian.care.models import Note", **rules)
    assert violations("cursor.execute('SELECT count(*) FROM care_case')", **rules)
    assert not violations("from zhongjian.voice.selectors import reports", **rules)


def _scan(app: str, *, walled: tuple[str, ...], allowed: tuple[str, ...]) -> dict[str, list[str]]:
    root = Path(zhongjian.__file__).parent / app
    modules = sorted(root.rglob("*.py"))
    return {
        str(path.relative_to(root)): problems
        for path in modules
        if (
            problems := violations(
                path.read_text(encoding="utf-8"),
                package=".".join(("zhongjian", app, *path.relative_to(root).parent.parts)),
                walled=walled,
                allowed=allowed,
            )
        )
    }


def test_pipeline_never_touches_voice_or_care() -> None:
    """No module of the pipeline app imports or names the voice or care apps."""
    assert len(sorted(PIPELINE.rglob("*.py"))) > 20
    assert _scan("pipeline", walled=WALLED, allowed=()) == {}


@pytest.mark.parametrize("app", ["insight", "workload"])
def test_insight_and_workload_reach_care_only_through_aggregates(app: str) -> None:
    """Insight and workload import nothing of care but its aggregate selectors, and name no
    care model or table. (Workload is checked once its app exists.)"""
    if not (Path(zhongjian.__file__).parent / app).is_dir():
        assert app == "workload"
        pytest.skip("the workload app is not in this checkout")
    assert _scan(app, walled=("care",), allowed=(CARE_PUBLIC,)) == {}


def test_care_public_module_exposes_aggregates_only() -> None:
    """What care offers other apps answers counts, never a person, topic, note or score."""
    from zhongjian.care import aggregates

    assert sorted(aggregates.__all__) == ["AggregateRow", "care_aggregates"]
    fields = {field.name for field in dataclasses.fields(aggregates.AggregateRow)}
    assert not fields & {"name", "cadre", "cadre_id", "topic", "note", "notes", "score", "case"}


INSIGHT = PIPELINE.parent / "insight"
# The only voice modules insight may read: the k-safe report selectors (aggregates of closed
# waves), the wave list, the status choices and the suppression algorithm; never the models.
VOICE_ALLOWED = {
    "zhongjian.voice.selectors.reports",
    "zhongjian.voice.selectors.waves",
    "zhongjian.voice.choices",
    "zhongjian.voice.suppression",
}


def _imports(source: str, package: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            names.add(base)
    return names


def test_insight_never_touches_care_or_individual_survey_data() -> None:
    """Insight (indicators, survival, the risk model, flags) imports nothing of care, and of
    voice only the aggregate report selectors; the risk model and the flags import no voice at
    all except the suppression algorithm (survey figures reach the model through the indicator
    layer's k-safe cells)."""
    modules = sorted(INSIGHT.rglob("*.py"))
    assert len(modules) > 8
    problems: dict[str, list[str]] = {}
    for path in modules:
        source = path.read_text(encoding="utf-8")
        imported = _imports(source, "zhongjian.insight")
        bad = [n for n in imported if n == "zhongjian.care" or n.startswith("zhongjian.care.")]
        bad += [n for n in imported if n.startswith("zhongjian.voice") and n not in VOICE_ALLOWED]
        if path.name in ("risk.py", "flags.py", "survival.py"):
            bad += [
                n
                for n in imported
                if n.startswith("zhongjian.voice") and n != "zhongjian.voice.suppression"
            ]
        bad += [
            f"string {s!r}"
            for s in re.findall(r"['\"](care[._]\w+|voice_response\w*)['\"]", source)
        ]
        if bad:
            problems[path.name] = bad
    assert problems == {}


def test_risk_features_name_no_care_or_answer() -> None:
    """The model's features are registry, pipeline and unit-level survey aggregates only."""
    from zhongjian.insight.risk import FEATURE_NAMES

    assert not [f for f in FEATURE_NAMES if "care" in f or "answer" in f or "response" in f]
    assert [f for f in FEATURE_NAMES if "who5" in f] == ["unit_who5"]
