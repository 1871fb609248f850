"""The figures of a published row of a wave report as table cells, built in Python: a report by
unit has some 60 rows of 20 figures each, and rendering each figure through the template
language was most of the page's time."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from zhongjian.voice.selectors.reports import Row

register = template.Library()


@register.simple_tag
def measure_cells(row: Row) -> SafeString:
    """``<td class="num">mean</td><td class="num">share%</td>…`` for each instrument of ROW."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(
                    '<td class="num">{}</td>{}',
                    measure.mean,
                    format_html_join(
                        "",
                        '<td class="num">{}%</td>',
                        ((share,) for _label, share in measure.bands),
                    ),
                ),
            )
            for measure in row.measures
        ),
    )
