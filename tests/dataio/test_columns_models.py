"""The import columns accept nothing the registry's tables cannot hold (bulk writes skip
full_clean, so the columns are the validation)."""

import pytest

from zhongjian.dataio.columns import SPECS, ImportKind
from zhongjian.dataio.parsers import CellError
from zhongjian.org.models import Appointment, Cadre, Post, Unit
from zhongjian.workload.models import Demand

MODELS = {
    ImportKind.UNITS: Unit,
    ImportKind.POSTS: Post,
    ImportKind.CADRES: Cadre,
    ImportKind.APPOINTMENTS: Appointment,
    ImportKind.DEMANDS: Demand,
}
LONGEST = "長" * 300


@pytest.mark.parametrize("kind", ImportKind.values)
def test_text_columns_fit_their_fields(kind: str) -> None:
    """A text or code column refuses what is longer than its model field, and choices match."""
    model = MODELS[kind]
    names = {field.name for field in model._meta.concrete_fields}
    checked = 0
    for column in SPECS[kind].columns:
        if column.key not in names:
            continue
        field = model._meta.get_field(column.key)
        if column.choices is not None:
            assert {code for code, _label in field.choices} == set(column.choices.values)
        if field.max_length and column.value_type in ("text", "code"):
            checked += 1
            with pytest.raises(CellError, match="内容过长"):
                column.parse(LONGEST[: field.max_length + 1], None)  # type: ignore[arg-type]
    assert checked
