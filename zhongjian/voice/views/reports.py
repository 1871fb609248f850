"""Report pages: a wave's suppressed tables, its comments, comparisons and trends across waves."""

from collections import Counter
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongjian.accounts.roles import Role
from zhongjian.core.errors import ValidationError
from zhongjian.core.permissions import require_roles
from zhongjian.org.choices import Tier, UnitKind
from zhongjian.org.models import Unit
from zhongjian.voice.choices import AgeBand
from zhongjian.voice.emotion import EMOTION_LABELS
from zhongjian.voice.selectors.reports import (
    DIMENSION_LABELS,
    DIMENSIONS,
    MERGED_LABEL,
    MERGED_PARAM,
    GroupFilter,
    breakdowns_for,
    trend,
    wave_comments,
    wave_compare,
    wave_report,
)
from zhongjian.voice.selectors.waves import REPORT_ROLES, wave_get

SHOWN_COMMENTS = 200


def prefixed(params: Any, prefix: str) -> dict[str, str]:
    """Query parameters ``<prefix>unit`` … without their prefix."""
    return {name[len(prefix) :]: value for name, value in params.items() if name.startswith(prefix)}


@require_roles(*REPORT_ROLES)
def wave_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = wave_report(
        user=request.user,
        wave_id=pk,
        by=request.GET.get("by", ""),
        group=GroupFilter.parse(request.GET),
        today=timezone.localdate(),
    )
    chart = [
        [row.label, row.measures[0].mean] for row in report.rows if row.published and row.measures
    ]
    user = request.user

    def href(group: GroupFilter, by: str | None = None) -> str:
        if by is None:
            by = next(iter(breakdowns_for(user=user, group=group)), "")
        return "?" + urlencode({**group.params(), **({"by": by} if by else {})})

    dimension_names = dict(DIMENSION_LABELS)
    return render(
        request,
        "voice/wave_report.html",
        {
            "report": report,
            "wave": report.wave,
            "chart": chart,
            "rows": [{"row": row, "href": href(row.group)} for row in report.rows],
            "breakdowns": [
                {"name": dimension_names[d], "href": href(report.group, d), "on": d == report.by}
                for d in report.breakdowns
            ],
            "filters": [
                {
                    "name": dimension_names[d],
                    "href": href(replace(report.group, **{d: None}), report.by),
                }
                for d in DIMENSIONS
                if getattr(report.group, d) is not None
                and (user.role == Role.ORG_DEPARTMENT or d != "unit")
            ],
        },
    )


@require_roles(*REPORT_ROLES)
def wave_comments_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The comments of a group. The emotion chart comes inline when its profile is cached;
    otherwise the page comes at once and fetches the chart (``?part=emotions``) after it."""
    emotions_only = request.GET.get("part") == "emotions"
    comments = wave_comments(
        user=request.user,
        wave_id=pk,
        group=GroupFilter.parse(request.GET),
        today=timezone.localdate(),
        profile_if_cached=not emotions_only,
    )
    chart = (
        [
            [str(EMOTION_LABELS[emotion]), round(100 * share, 1)]
            for emotion, share in comments.profile.shares.items()
        ]
        if comments.profile
        else []
    )
    if emotions_only:
        return render(request, "voice/_emotion_chart.html", {"chart": chart})
    # Identical comments are shown once with their count, in the random order of the first.
    distinct = list(Counter(comments.texts).items())
    return render(
        request,
        "voice/wave_comments.html",
        {
            "comments": comments,
            "distinct": distinct[:SHOWN_COMMENTS],
            "more": max(0, len(distinct) - SHOWN_COMMENTS),
            "wave": comments.wave,
            "chart": chart,
            "emotions_url": "?" + urlencode({**comments.group.params(), "part": "emotions"}),
            "groups": [
                {
                    "label": group.label,
                    "n": group.n,
                    "href": "?" + urlencode(group.group.params()),
                    "on": group.group == comments.group,
                }
                for group in comments.groups
            ],
        },
    )


def _compare_sides(request: HttpRequest, wave: Any) -> list[dict[str, Any]]:
    """The two group pickers of the comparison form, with the current choices selected."""
    user: Any = request.user
    merged = [(MERGED_PARAM, str(MERGED_LABEL))]
    options: list[tuple[str, str, list[tuple[str, str]]]] = []
    if user.role == Role.ORG_DEPARTMENT:
        units = Unit.objects.filter(pk__in=wave.unit_ids).order_by("kind", "code")
        options += [
            ("unit_kind", str(_("单位类型")), [*UnitKind.choices, *merged]),
            ("unit", str(_("单位")), [*((str(u.pk), u.name) for u in units), *merged]),
        ]
    options += [
        ("tier", str(_("层级")), [*Tier.choices, *merged]),
        ("age_band", str(_("年龄段")), [*AgeBand.choices, *merged]),
    ]
    return [
        {
            "title": title,
            "fields": [
                {
                    "name": f"{prefix}_{name}",
                    "label": label,
                    "options": [
                        (value, text, request.GET.get(f"{prefix}_{name}") == value)
                        for value, text in choices
                    ],
                }
                for name, label, choices in options
            ],
        }
        for prefix, title in (("a", _("群体甲")), ("b", _("群体乙")))
    ]


@require_roles(*REPORT_ROLES)
def wave_compare_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Two groups of a wave side by side (parameters ``a_unit``, ``b_tier`` …)."""
    wave = wave_get(user=request.user, pk=pk)
    comparison = None
    refusal = ""
    if any(name.startswith(("a_", "b_")) for name in request.GET):
        try:
            comparison = wave_compare(
                user=request.user,
                wave_id=pk,
                a=GroupFilter.parse(prefixed(request.GET, "a_")),
                b=GroupFilter.parse(prefixed(request.GET, "b_")),
                today=timezone.localdate(),
            )
        except ValidationError as error:
            refusal = error.message
    return render(
        request,
        "voice/wave_compare.html",
        {
            "wave": wave,
            "comparison": comparison,
            "comparison_rows": [comparison.a, comparison.b] if comparison else [],
            "refusal": refusal,
            "sides": _compare_sides(request, wave),
        },
    )


@require_roles(*REPORT_ROLES)
def trend_view(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    result = trend(
        user=user,
        code=request.GET.get("instrument", "who5"),
        group=GroupFilter.parse(request.GET),
        today=timezone.localdate(),
    )
    chart = [[point.wave.title, point.measure.mean] for point in result.points]
    fields: list[tuple[str, str, list[tuple[str, str]]]] = []
    if user.role == Role.ORG_DEPARTMENT:
        units = Unit.objects.filter(county_id=user.county_id, is_active=True)
        fields += [
            ("unit_kind", str(_("单位类型")), list(UnitKind.choices)),
            ("unit", str(_("单位")), [(str(u.pk), u.name) for u in units.order_by("kind", "code")]),
        ]
    fields.append(("tier", str(_("层级")), list(Tier.choices)))
    chosen = result.group.params()
    return render(
        request,
        "voice/trend.html",
        {
            "trend": result,
            "chart": chart,
            "fields": [
                {
                    "name": name,
                    "label": label,
                    "options": [
                        (value, text, chosen.get(name) == value) for value, text in choices
                    ],
                }
                for name, label, choices in fields
            ],
        },
    )
