"""The rows of a unit's workload page built in Python: the page lists 50 receipts with a
completion form on each open one, and 25 months of 11 figures; resolving every cell through the
template language was half of the page's server time."""

from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from zhongjian.core.urls_fast import id_url
from zhongjian.workload.models import DemandReceipt

register = template.Library()


@register.simple_tag
def month_cells(cells: tuple[str, ...]) -> SafeString:
    """``<td class="num">…</td>`` for each formatted figure of a month (`views._month_rows`)."""
    return format_html_join("", '<td class="num">{}</td>', ((cell,) for cell in cells))


@register.simple_tag(takes_context=True)
def receipt_row(context: template.Context, r: DemandReceipt) -> SafeString:
    """One receipt as a table row: issue date, demand (linked), organ, kind, deadline with its
    lead days, and the completion date or, while open, the form that records it."""
    request = context["request"]
    shared = context.render_context.setdefault("workload_receipt_row", {})
    if not shared:
        # Once per page: any masked token of the request is valid, one is enough for all rows.
        shared.update(token=get_token(request), path=request.get_full_path())
    demand = r.demand
    title = format_html(
        '<a href="{}">{}</a>', id_url("workload:demand_detail", r.demand_id), demand.title
    )
    if demand.document_no:
        title = format_html('{}<br><small class="muted">{}</small>', title, demand.document_no)
    deadline = demand.deadline.isoformat() if demand.deadline else "—"
    if r.lead_days is not None:
        lead = _("（%(n)s 天）") % {"n": r.lead_days}
        deadline = format_html('{}<br><small class="muted">{}</small>', deadline, lead)
    if r.completed_on:
        done: Any = r.completed_on.isoformat()
    else:
        done = format_html(
            '<form method="post" action="{}" class="inline-form">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="unit" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<input type="date" name="completed_on" value="{}" aria-label="{}">'
            '<button type="submit">{}</button></form>',
            id_url("workload:demand_complete", r.demand_id),
            shared["token"],
            r.unit_id,
            shared["path"],
            context["today"],
            _("完成日期"),
            _("办结"),
        )
    return format_html(
        '<tr><td class="nowrap">{}</td><td>{}</td><td>{}</td><td>{}</td>'
        '<td class="nowrap">{}</td><td class="nowrap">{}</td></tr>',
        r.issued_on.isoformat(),
        title,
        demand.organ.name,
        r.get_kind_display(),
        deadline,
        done,
    )
