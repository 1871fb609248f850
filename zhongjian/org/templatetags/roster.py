"""The roster's rows built in Python: 50–100 cadres of eight cells each, where resolving every
cell through the template language was a third of the page's server time."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from zhongjian.org.models import Cadre

register = template.Library()

_NONE = mark_safe('<span class="muted">—</span>')


@register.simple_tag
def roster_row(cadre: Cadre) -> SafeString:
    """One cadre of `views.cadre_list_view` (with `posts` and `age` set) as a table row: staff
    number, name (linked to the record), unit, current posts (each with its unit when it is not
    the cadre's own), the principal post's tier, rank, age and establishment."""
    posts = cadre.posts  # type: ignore[attr-defined]
    if posts:
        held = format_html_join(
            "、",
            "{}{}",
            ((a.unit.name if a.unit_id != cadre.unit_id else "", a.post.title) for a in posts),
        )
        tier = posts[0].post.get_tier_display()
    else:
        held = tier = _NONE
    return format_html(
        # The unit and the rank stay on one line: on a phone the table scrolls sideways
        # rather than every row growing to two lines.
        '<tr><td>{}</td><td class="name"><a href="{}">{}</a></td><td class="nowrap">{}</td>'
        '<td>{}</td><td>{}</td><td class="nowrap">{}</td><td class="num">{}</td><td>{}</td></tr>',
        cadre.staff_no,
        cadre.get_absolute_url(),
        cadre.name,
        cadre.unit.name,
        held,
        tier,
        cadre.get_rank_display() or "—",
        cadre.age,  # type: ignore[attr-defined]
        cadre.get_establishment_display(),
    )
