"""The rows of the vacancy and bench boards built in Python: each board lists 50–100 posts,
and resolving every cell, link and hint through the template language was a third or more of
the board's server time."""

from urllib.parse import quote

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.urls_fast import id_url
from zhongjian.pipeline.models import Vacancy
from zhongjian.pipeline.selectors.bench import BenchLine, PostBench

register = template.Library()


@register.simple_tag
def vacancy_row(vacancy: Vacancy) -> SafeString:
    """One vacancy of `views.vacancies.vacancy_board` (with `days`, `is_long` and `can_start`
    set) as a table row: unit, post (linked), tier, headcount, holders, vacant seats, opening
    date, days open (red past six months), and the selections under way or “未启动”, with the
    link that starts one where the user may."""
    post = vacancy.post
    processes = post.open_processes  # type: ignore[attr-defined]
    if processes:
        selections = format_html_join(
            "、",
            '<a href="{}">{}</a>',
            ((p.get_absolute_url(), p.get_stage_display()) for p in processes),
        )
    else:
        selections = format_html('<span class="muted">{}</span>', _("未启动"))
    extra = []
    if vacancy.covered and vacancy.running:  # type: ignore[attr-defined]
        # The space the template had between the selections and the badge (inline-block).
        extra.append(format_html(' <div class="badge green">{}</div>', _("空缺已全部在选任")))
    if vacancy.can_start:  # type: ignore[attr-defined]
        extra.append(
            format_html(
                '<div class="no-print"><a href="{}">{}</a></div>',
                id_url("pipeline:process_start", vacancy.post_id),
                _("启动选任"),
            )
        )
    days = (
        format_html('<span class="badge red" title="{}">{}</span>', _("超过6个月"), vacancy.days)  # type: ignore[attr-defined]
        if vacancy.is_long  # type: ignore[attr-defined]
        else format_html("<span>{}</span>", vacancy.days)  # type: ignore[attr-defined]
    )
    return format_html(
        '<tr><td>{}</td><td><a href="{}">{}</a></td><td>{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num" data-testid="vacant-seats">{}</td><td>{}</td>'
        '<td class="num">{}</td><td>{}{}</td></tr>',
        vacancy.unit.name,
        post.get_absolute_url(),
        post.title,
        post.get_tier_display(),
        post.headcount,
        vacancy.holder_count,  # type: ignore[attr-defined]
        vacancy.vacant_seats,  # type: ignore[attr-defined]
        vacancy.opened_on.strftime("%Y.%m.%d"),
        days,
        selections,
        format_html_join("", "{}", ((part,) for part in extra)),
    )


def _bench_lines(lines: list[BenchLine], *, linked: bool, adjust: str | None) -> SafeString:
    """The candidates of one readiness column: name (linked to the cadre's pipeline record for
    the 组织部), unit, the “调整” link for those who may write, and the eligibility hints."""
    if not lines:
        return mark_safe('<span class="muted">—</span>')
    parts = []
    for line in lines:
        cadre = line.entry.cadre
        if linked:
            name = format_html(
                '<a class="name" href="{}">{}</a>',
                id_url("pipeline:cadre_record", line.entry.cadre_id),
                cadre.name,
            )
        else:
            name = format_html('<span class="name">{}</span>', cadre.name)
        change = (
            format_html(
                ' <a class="small no-print" href="{}?{}">{}</a>',
                id_url("pipeline:bench_entry", line.entry.pk),
                adjust,
                _("调整"),
            )
            if adjust is not None
            else ""
        )
        hints = format_html_join(
            "", '<li class="hint-{}">{}</li>', ((h.level, h.text) for h in line.hints)
        )
        parts.append(
            format_html(
                '<div class="bench-line">{}<span class="muted">（{}）</span>{}'
                '<ul class="hints">{}</ul></div>',
                name,
                cadre.unit.name,
                change,
                hints,
            )
        )
    return format_html_join("", "{}", ((part,) for part in parts))


@register.simple_tag(takes_context=True)
def bench_row(context: template.Context, row: PostBench) -> SafeString:
    """One post of the bench board as a table row: the post (linked) with its tier and, for
    those who may write, the link that adds a candidate; holders/headcount; the bench depth
    (a red 0 when empty); the candidates ready now and those ready in 1–2 years."""
    shared = context.render_context.setdefault("pipeline_bench_row", {})
    if not shared:
        # Once per page: who is looking, and the board's query to come back to.
        writer = bool(context.get("can_write"))
        back = "next=" + quote(context.get("next_query", ""), safe="/")  # as |urlencode
        shared.update(
            linked=context["user"].role == Role.ORG_DEPARTMENT,
            adjust=back if writer else None,
        )
    post = row.post
    add = (
        format_html(
            '<div class="no-print"><a class="small" href="{}?{}">{}</a></div>',
            id_url("pipeline:bench_add", post.pk),
            shared["adjust"],
            _("增加后备人选"),
        )
        if shared["adjust"] is not None
        else ""
    )
    depth = row.depth or mark_safe('<span class="badge red">0</span>')
    now = _bench_lines(row.ready_now, linked=shared["linked"], adjust=shared["adjust"])
    soon = _bench_lines(row.ready_soon, linked=shared["linked"], adjust=shared["adjust"])
    return format_html(
        '<tr><td><a href="{}">{} {}</a> <span class="badge">{}</span>{}</td>'
        '<td class="num">{}/{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>',
        post.get_absolute_url(),
        post.unit.name,
        post.title,
        post.get_tier_display(),
        add,
        post.holder_count,  # type: ignore[attr-defined]
        post.headcount,
        depth,
        now,
        soon,
    )
