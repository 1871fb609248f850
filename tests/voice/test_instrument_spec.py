"""The instrument specification validator shared by bundled files and custom instruments."""

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.core.errors import ValidationError
from zhongjian.voice.instrument_spec import (
    ScoringMethod,
    instrument_from_spec,
    validate_instrument_spec,
)
from zhongjian.voice.scoring import score_answers


def custom_spec() -> dict[str, Any]:
    """A custom item set as an organization department would add it."""
    return {
        "code": "canteen",
        "version": 1,
        "title": "食堂满意度",
        "instructions": "请选择最符合您感受的一项。",
        "validated": False,
        "source": {"citation": "某县委组织部自拟。", "licence": "仅限本县使用。"},
        "options": [
            {"value": 1, "label": "不满意"},
            {"value": 2, "label": "一般"},
            {"value": 3, "label": "满意"},
        ],
        "items": [
            {"code": "food", "text": "饭菜质量"},
            {"code": "price", "text": "价格", "reverse": True},
            {
                "code": "hours",
                "text": "开放时间是否合适",
                "options": [{"value": 0, "label": "否"}, {"value": 1, "label": "是"}],
            },
        ],
        "scoring": {"method": "sum"},
        "missing": {"min_answered": 3},
        "bands": [
            {"code": "low", "label": "偏低", "min": 2, "max": 4},
            {"code": "high", "label": "较高", "min": 4, "max": 7, "min_inclusive": False},
        ],
    }


def test_a_custom_instrument_validates_and_scores() -> None:
    """A well-formed custom specification has no errors and scores by its own rule."""
    spec = custom_spec()
    assert validate_instrument_spec(spec) == []
    instrument = instrument_from_spec(spec)
    assert instrument.method is ScoringMethod.SUM
    assert instrument.score_range == (2.0, 7.0)
    result = score_answers(instrument=instrument, answers={"food": 3, "price": 1, "hours": 1})
    assert (result.raw, result.band) == (7, "high")
    result = score_answers(instrument=instrument, answers={"food": 1, "price": 3, "hours": 1})
    assert (result.raw, result.band) == (3, "low")


def broken(change: str) -> dict[str, Any]:
    spec = custom_spec()
    if change == "unknown field":
        spec["colour"] = "red"
    elif change == "bad code":
        spec["code"] = "Canteen Survey"
    elif change == "version zero":
        spec["version"] = 0
    elif change == "validated as text":
        spec["validated"] = "yes"
    elif change == "no licence":
        del spec["source"]["licence"]
    elif change == "duplicate item code":
        spec["items"][1]["code"] = "food"
    elif change == "duplicate option value":
        spec["options"][1]["value"] = 1
    elif change == "boolean option value":
        spec["options"][0]["value"] = True
    elif change == "item without options":
        del spec["options"]
    elif change == "sum with missing answers":
        spec["missing"]["min_answered"] = 2
    elif change == "more required than items":
        spec["scoring"]["method"] = "mean"
        spec["missing"]["min_answered"] = 4
    elif change == "mean over different scales":
        spec["scoring"]["method"] = "mean"
        spec["missing"]["min_answered"] = 2
    elif change == "unknown method":
        spec["scoring"]["method"] = "median"
    elif change == "band gap":
        spec["bands"][1]["min"] = 5
    elif change == "band overlap":
        spec["bands"][1]["min_inclusive"] = True
    elif change == "band short of the top":
        spec["bands"][1]["max"] = 6
    elif change == "empty text":
        spec["items"][0]["text"] = "  "
    return spec


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("unknown field", "colour：未知字段"),
        ("bad code", "code："),
        ("version zero", "version："),
        ("validated as text", "validated："),
        ("no licence", "source.licence："),
        ("duplicate item code", "items[1].code：编码“food”重复"),
        ("duplicate option value", "options：选项分值不能重复"),
        ("boolean option value", "options[0].value：必须是整数"),
        ("item without options", "items[0]：没有选项"),
        ("sum with missing answers", "不允许缺答"),
        ("more required than items", "不能大于题目数 3"),
        ("mean over different scales", "均分计分"),
        ("unknown method", "scoring.method："),
        ("band gap", "bands[1]：必须紧接上一个分级"),
        ("band overlap", "bands[1]：必须紧接上一个分级"),
        ("band short of the top", "最后一个分级必须到最高分 7"),
        ("empty text", "items[0].text：必须是非空文本"),
    ],
)
def test_each_problem_is_named(change: str, fragment: str) -> None:
    """Each broken rule yields a Chinese message that names the offending field."""
    errors = validate_instrument_spec(broken(change))
    assert any(fragment in error for error in errors), errors
    with pytest.raises(ValidationError) as caught:
        instrument_from_spec(broken(change))
    assert caught.value.errors == errors


def test_not_an_object() -> None:
    """A list or a string is not a specification."""
    assert validate_instrument_spec(["who5"]) == ["测评工具定义：必须是对象"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 120) | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(json_values)
def test_arbitrary_json_never_crashes_the_validator(data: object) -> None:
    """Whatever JSON a custom instrument holds, the validator answers with messages."""
    errors = validate_instrument_spec(data)
    assert errors and all(isinstance(error, str) for error in errors)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@given(st.data())
def test_mutated_specifications_are_valid_or_refused(data: st.DataObject) -> None:
    """Replacing any part of a valid specification either keeps it valid or is refused with
    messages; instrument_from_spec agrees with the validator and never fails otherwise."""
    spec = custom_spec()
    path = data.draw(st.sampled_from(_paths(spec)))
    mutated = copy.deepcopy(spec)
    parent = mutated
    for key in path[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(json_values)
    errors = validate_instrument_spec(mutated)
    if errors:
        with pytest.raises(ValidationError):
            instrument_from_spec(mutated)
    else:
        instrument = instrument_from_spec(mutated)
        low, high = instrument.score_range
        if instrument.bands:
            assert all(instrument.band_for(score) for score in (low, (low + high) / 2, high))
