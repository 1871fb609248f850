"""The unit page formats its month table in Python (`views._month_rows`): every figure must read
as the template filters it replaced wrote it (`floatformat`, `widthratio`, localization)."""

from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from zhongjian.workload.views import _fixed, _percent

# Figures per cadre and hours per cadre: from zero to thousands (Django writes a value of more
# than 200 digits, like 1e-236, as it is; no figure of the page comes near).
FIGURES = st.floats(min_value=0, max_value=10_000).filter(
    lambda x: x == 0 or x > 1e-9
) | st.sampled_from([0.0, 0.005, 0.125, 0.135, 1.005, 2.675, 0.45, 99.995])


def _render(source: str, value: float) -> str:
    return Template("{% load l10n %}" + source).render(Context({"v": value}))


@given(FIGURES, st.sampled_from([1, 2]))
def test_fixed_writes_what_floatformat_wrote(value: float, places: int) -> None:
    assert _fixed(value, places) == _render(f"{{{{ v|floatformat:{places} }}}}", value)


@given(st.floats(min_value=-5, max_value=50, allow_nan=False) | st.sampled_from([0.005, -0.125]))
def test_percent_writes_what_widthratio_wrote(value: float) -> None:
    assert _percent(value) == _render("{% widthratio v 1 100 %}%", value)
    assert _percent(value, rising=True) == _percent(value) + " ↑"


def test_a_missing_figure_is_a_dash() -> None:
    assert _fixed(None, 2) == _percent(None) == "—"
