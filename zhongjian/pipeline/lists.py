"""The pipeline's list pages (空缺岗位、选任流程、后备梯队、离岗): columns, filters and search.

Each is a `zhongjian.core.listing.ListSpec`, read by the page and, where there is one, its export.
"""

import datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.core.listing import Column, ListFilter, ListSpec, flag_choice
from zhongjian.org.choices import MID_LEVEL_TIERS, UnitKind
from zhongjian.org.lists import tier_rank, unit_choices
from zhongjian.pipeline.choices import DepartureKind
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.models import BenchEntry, Candidate
from zhongjian.pipeline.selectors.departures import AWAY
from zhongjian.pipeline.selectors.vacancies import long_vacancy_cutoff
from zhongjian.pipeline.workflow import FINAL_STAGES

MID_TIERS = [(t.value, t.label) for t in MID_LEVEL_TIERS]
YEARS_BACK = 15


def _field(name: str) -> Any:
    return lambda rows, value, today: rows.filter(**{name: value})


def _years(user: Any) -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(str(y), f"{y}年") for y in range(this_year, this_year - YEARS_BACK, -1)]


def _unit_filter(field: str) -> ListFilter:
    return ListFilter("unit", _("单位"), unit_choices, _field(field), all_label=_("全部单位"))


def _unit_kind_filter(field: str) -> ListFilter:
    return ListFilter(
        "unit_kind", _("单位类型"), UnitKind.choices, _field(field), all_label=_("全部单位类型")
    )


def _tier_filter(field: str) -> ListFilter:
    return ListFilter("tier", _("层级"), MID_TIERS, _field(field), all_label=_("全部层级"))


def _search(*fields: str) -> Any:
    """A search by partial text over FIELDS (any of them matches)."""

    def search(rows: QuerySet, text: str) -> QuerySet:
        match = Q()
        for name in fields:
            match |= Q(**{f"{name}__contains": text})
        return rows.filter(match)

    return search


def _vacancy_selection(rows: QuerySet, value: str, today: datetime.date) -> QuerySet:
    if value == "none":
        return rows.filter(running=0)
    if value == "covered":
        return rows.filter(covered=True)
    return rows.filter(running__gt=0, covered=False)


VACANCY_LIST = ListSpec(
    columns=(
        Column(_("单位"), "unit", ("unit__kind", "unit__code")),
        Column(_("岗位"), "post", ("post__title",)),
        Column(_("层级"), "tier", (tier_rank("post__tier"),)),
        Column(_("职数"), "headcount", ("post__headcount",), css="num"),
        Column(_("在任"), "holders", (F("holder_count"),), css="num"),
        Column(_("空缺职数"), "vacant", (F("vacant_seats"),), css="num"),
        Column(_("出缺时间"), "opened", ("opened_on",)),
        Column(_("已空缺（天）"), "days", ("-opened_on",), css="num"),
        Column(_("选任")),
    ),
    filters=(
        _unit_filter("unit_id"),
        _unit_kind_filter("unit__kind"),
        _tier_filter("post__tier"),
        ListFilter(
            "long",
            _("空缺时长"),
            flag_choice(_("超过6个月")),
            lambda rows, value, today: rows.filter(opened_on__lte=long_vacancy_cutoff(today)),
        ),
        ListFilter(
            "selection",
            _("选任情况"),
            [
                ("none", _("未启动")),
                ("partly", _("部分空缺在选任")),
                ("covered", _("空缺已全部在选任")),
            ],
            _vacancy_selection,
        ),
    ),
    search=_search("unit__name", "post__title"),
    search_label=_("单位或岗位"),
    default_sort="-days",
    tiebreak=("id",),
)


def _process_search(rows: QuerySet, text: str) -> QuerySet:
    named = Candidate.objects.filter(process=OuterRef("pk"), cadre__name__contains=text)
    return rows.filter(Q(unit__name__contains=text) | Q(post__title__contains=text) | Exists(named))


PROCESS_LIST = ListSpec(
    columns=(
        Column(_("单位"), "unit", ("unit__kind", "unit__code")),
        Column(_("岗位"), "post", ("post__title",)),
        Column(_("层级"), "tier", (tier_rank("post__tier"),)),
        Column(_("动议时间"), "started", ("started_on",)),
        Column(_("当前环节"), "stage", ("stage",)),
        Column(_("结束时间"), "finished", (F("finished_on"),)),
    ),
    filters=(
        _unit_filter("unit_id"),
        ListFilter("stage", _("环节"), Stage.choices, _field("stage"), all_label=_("全部环节")),
        ListFilter(
            "running",
            _("进行情况"),
            flag_choice(_("只看进行中的")),
            lambda rows, value, today: rows.exclude(stage__in=FINAL_STAGES),
        ),
        ListFilter("year", _("动议年度"), _years, _field("started_on__year")),
    ),
    search=_process_search,
    search_label=_("单位、岗位或人选姓名"),
    default_sort="-started",
    tiebreak=("-id",),
)


def _bench_search(rows: QuerySet, text: str) -> QuerySet:
    named = BenchEntry.objects.filter(
        post=OuterRef("pk"), removed_on__isnull=True, cadre__name__contains=text
    )
    return rows.filter(Q(unit__name__contains=text) | Q(title__contains=text) | Exists(named))


BENCH_LIST = ListSpec(
    columns=(
        Column(_("岗位"), "post", ("unit__kind", "unit__code", tier_rank("tier"), "title")),
        Column(_("在任/职数"), "holders", (F("holder_count"),), css="num"),
        Column(_("后备深度"), "depth", ("ready_now",), css="num"),
        Column(_("现在可用")),
        Column(_("1–2年内可用"), "soon", ("ready_soon",)),
    ),
    filters=(
        _unit_filter("unit_id"),
        _unit_kind_filter("unit__kind"),
        _tier_filter("tier"),
        ListFilter(
            "empty",
            _("后备情况"),
            flag_choice(_("只看无后备的岗位")),
            lambda rows, value, today: rows.filter(ready_now=0, ready_soon=0),
        ),
    ),
    search=_bench_search,
    search_label=_("单位、岗位或后备人选"),
    default_sort="post",
    default_page_size=20,
    tiebreak=("id",),
)


DEPARTURE_LIST = ListSpec(
    columns=(
        Column(_("姓名"), "name", ("cadre__name",)),
        Column(_("原单位"), "unit", ("unit__kind", "unit__code")),
        Column(_("离岗方式"), "kind", ("kind",)),
        Column(_("去向"), "destination", ("destination_level", "destination")),
        Column(_("离岗时间"), "departed", ("departed_on",)),
        Column(_("离岗时层级"), "tier", (tier_rank("tier"),)),
    ),
    filters=(
        _unit_filter("unit_id"),
        ListFilter(
            "kind", _("离岗方式"), DepartureKind.choices, _field("kind"), all_label=_("全部方式")
        ),
        ListFilter("year", _("离岗年度"), _years, _field("departed_on__year")),
        ListFilter(
            "overdue",
            _("借调"),
            flag_choice(_("只看借调逾期未归")),
            lambda rows, value, today: rows.filter(AWAY, planned_return_on__lt=today),
        ),
    ),
    search=_search("cadre__name", "unit__name", "destination"),
    search_label=_("姓名、单位或去向"),
    default_sort="-departed",
    tiebreak=("-id",),
)
