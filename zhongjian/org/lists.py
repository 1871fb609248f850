"""The cadre roster (干部名册): columns, filters and search, shared by the page and its export."""

import datetime
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from zhongjian.core.listing import Column, ListFilter, ListSpec
from zhongjian.org.choices import (
    CadreStatus,
    Education,
    Establishment,
    Gender,
    PartyStatus,
    Rank,
    Tier,
)
from zhongjian.org.models import Appointment, Cadre
from zhongjian.org.rules import add_months
from zhongjian.org.selectors import unit_list

# Tier order for sorting and for naming a cadre's principal post: 正科 first, 一般 last.
TIER_ORDER = {tier: index for index, tier in enumerate(Tier.values)}
NO_POST = "none"
# Age bands (年龄段) as on the overview: lower bound in years, label.
AGE_BANDS = (
    ("u30", None, 30, _("30岁以下")),
    ("30", 30, 35, _("30–34岁")),
    ("35", 35, 40, _("35–39岁")),
    ("40", 40, 45, _("40–44岁")),
    ("45", 45, 50, _("45–49岁")),
    ("50", 50, 55, _("50–54岁")),
    ("55", 55, None, _("55岁及以上")),
)


def tier_rank(field: str) -> Case:
    """TIER_ORDER as a database expression over the tier column FIELD."""
    return Case(
        *[When(**{field: tier}, then=Value(index)) for tier, index in TIER_ORDER.items()],
        output_field=IntegerField(),
    )


def _principal(field: str) -> Subquery:
    current = (
        Appointment.objects.filter(cadre=OuterRef("pk"), end_date__isnull=True)
        .annotate(rank=tier_rank("post__tier"))
        .order_by("rank", "start_date", "id")
    )
    return Subquery(current.values(field)[:1])


def _by_tier(cadres: QuerySet, value: str, today: datetime.date) -> QuerySet:
    current = Appointment.objects.filter(cadre=OuterRef("pk"), end_date__isnull=True)
    if value == NO_POST:
        return cadres.exclude(Exists(current))
    return cadres.filter(Exists(current.filter(post__tier=value)))


def _by_age(cadres: QuerySet, value: str, today: datetime.date) -> QuerySet:
    """Age on TODAY within the band: born after today − upper years, on or before today − lower."""
    band = next(b for b in AGE_BANDS if b[0] == value)
    if band[1] is not None:
        cadres = cadres.filter(birth_date__lte=add_months(today, -12 * band[1]))
    if band[2] is not None:
        cadres = cadres.filter(birth_date__gt=add_months(today, -12 * band[2]))
    return cadres


def _field(name: str) -> Any:
    return lambda cadres, value, today: cadres.filter(**{name: value})


def unit_choices(user: Any) -> list[tuple[int, str]]:
    return list(unit_list(user=user).values_list("id", "name"))


def _search(cadres: QuerySet, text: str) -> QuerySet:
    return cadres.filter(Q(name__contains=text) | Q(staff_no__icontains=text))


CADRE_LIST = ListSpec(
    columns=(
        Column(_("人员编号"), "no", ("staff_no",)),
        Column(_("姓名"), "name", ("name",)),
        Column(_("单位"), "unit", ("unit__kind", "unit__code")),
        Column(_("现任职务"), "post", (F("principal_rank"), F("principal_title"))),
        Column(_("层级"), "tier", (F("principal_rank"),)),
        Column(_("职级"), "rank", ("rank",)),
        Column(_("年龄"), "age", ("-birth_date",), css="num"),
        Column(_("编制"), "establishment", ("establishment",)),
    ),
    filters=(
        ListFilter("unit", _("单位"), unit_choices, _field("unit_id"), all_label=_("全部单位")),
        ListFilter(
            "tier",
            _("层级"),
            [*Tier.choices, (NO_POST, _("无现任职务"))],
            _by_tier,
            all_label=_("全部层级"),
        ),
        ListFilter("rank", _("职级"), Rank.choices, _field("rank"), all_label=_("全部职级")),
        ListFilter("age", _("年龄段"), [(b[0], b[3]) for b in AGE_BANDS], _by_age),
        ListFilter("establishment", _("编制"), Establishment.choices, _field("establishment")),
        ListFilter("gender", _("性别"), Gender.choices, _field("gender")),
        ListFilter("party", _("政治面貌"), PartyStatus.choices, _field("party_status")),
        ListFilter("education", _("学历"), Education.choices, _field("education")),
        ListFilter(
            "status", _("状态"), CadreStatus.choices, _field("status"), default=CadreStatus.ACTIVE
        ),
    ),
    search=_search,
    search_label=_("姓名或人员编号"),
    default_sort="unit",
    tiebreak=("staff_no", "pk"),
)


def roster_rows(cadres: QuerySet[Cadre]) -> QuerySet[Cadre]:
    """CADRES with the unit, the principal current post (highest tier, then longest held) for
    sorting, and `current_appointments` prefetched for the 现任职务 column."""
    current = Appointment.objects.filter(end_date__isnull=True).select_related("post", "unit")
    return (
        cadres.select_related("unit")
        .annotate(principal_rank=_principal("rank"), principal_title=_principal("post__title"))
        .prefetch_related(
            Prefetch("appointments", queryset=current, to_attr="current_appointments")
        )
    )


def current_posts(cadre: Cadre) -> list[Appointment]:
    """The current appointments of a cadre from `roster_rows`, highest tier first."""
    return sorted(
        cadre.current_appointments,  # type: ignore[attr-defined]
        key=lambda a: (TIER_ORDER[a.post.tier], a.start_date, a.pk),
    )


def posts_text(cadre: Cadre) -> str:
    """现任职务 as a roster writes it: each post, with its unit when it is not the cadre's own."""
    return "、".join(
        a.post.title if a.unit_id == cadre.unit_id else f"{a.unit.name}{a.post.title}"
        for a in current_posts(cadre)
    )
