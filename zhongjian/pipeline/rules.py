"""Eligibility hints shown beside bench candidates, from the rules tables (docs/pipeline.md)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from zhongjian.core.county_rules import effective_rules
from zhongjian.org.choices import Establishment, Rank, UnitKind
from zhongjian.org.models import Cadre, Post, RankStepRule
from zhongjian.org.rules import add_months, rank_service_years
from zhongjian.org.selectors import years_between
from zhongjian.pipeline.choices import EligibilityKey
from zhongjian.pipeline.models import EligibilityRule

GRASSROOTS_UNIT_KINDS = (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
CIVIL_SERVICE = (Establishment.ADMINISTRATIVE, Establishment.CIVIL_SERVICE_MANAGED)


@dataclass(frozen=True, slots=True)
class Hint:
    """One line beside a candidate: `level` is "ok", "warn" or "info"."""

    level: str
    text: str


def eligibility_thresholds(*, on: datetime.date, county_id: int | None) -> dict[str, int]:
    """Each rule's value in force on ON (the newest `effective_from` not after it) in the county
    (its own rows for a key it overrides, else the national rows)."""
    values: dict[str, int] = {}
    rules = effective_rules(
        EligibilityRule.objects.filter(effective_from__lte=on),
        county_id=county_id,
        key=lambda rule: rule.key,
    )
    for rule in sorted(rules, key=lambda rule: rule.effective_from):
        values[rule.key] = rule.value
    missing = set(EligibilityKey.values) - set(values)
    if missing:
        raise LookupError(f"no eligibility rule in force on {on} for {sorted(missing)}")
    return values


def rank_steps(*, on: datetime.date, county_id: int | None) -> dict[str, RankStepRule]:
    """The 职级 step rule in force on ON in the county for each rank, keyed by the rank it
    starts from."""
    steps: dict[str, RankStepRule] = {}
    rules = effective_rules(
        RankStepRule.objects.filter(effective_from__lte=on),
        county_id=county_id,
        key=lambda rule: rule.from_rank,
    )
    for rule in sorted(rules, key=lambda rule: rule.effective_from):
        steps[rule.from_rank] = rule
    return steps


def eligibility_hints(
    *,
    cadre: Cadre,
    post: Post,
    on: datetime.date,
    thresholds: dict[str, int],
    steps: dict[str, RankStepRule],
    rank_since: datetime.date | None,
    holds_section_leadership: bool,
    ratings: Mapping[int, str] | None = None,
) -> list[Hint]:
    """Hints on CADRE for POST: years in rank, township minimum service, 遴选 eligibility.

    Hints inform the organization department's judgement; none of them refuses anything.
    """
    hints = [_rank_hint(cadre=cadre, on=on, steps=steps, since=rank_since, ratings=ratings or {})]
    age = cadre.age_on(on)
    township_years = thresholds[EligibilityKey.TOWNSHIP_MIN_SERVICE_YEARS]
    start = cadre.grassroots_start_date or cadre.work_start_date
    served_until = add_months(start, 12 * township_years)
    if (
        cadre.unit.kind in GRASSROOTS_UNIT_KINDS
        and cadre.establishment in CIVIL_SERVICE
        and post.unit_id != cadre.unit_id
        and served_until > on
    ):
        hints.append(
            Hint(
                "warn",
                _("乡镇最低服务年限（%(n)d 年）至 %(day)s 才满，此前原则上不调离本乡镇。")
                % {"n": township_years, "day": f"{served_until:%Y.%m}"},
            )
        )
    max_age = thresholds[
        EligibilityKey.UPWARD_MAX_AGE_SECTION_LEADER
        if holds_section_leadership
        else EligibilityKey.UPWARD_MAX_AGE
    ]
    if (
        cadre.establishment in CIVIL_SERVICE
        and age <= max_age
        and years_between(cadre.work_start_date, on)
        >= thresholds[EligibilityKey.UPWARD_MIN_CIVIL_SERVICE_YEARS]
        and cadre.grassroots_start_date is not None
        and years_between(cadre.grassroots_start_date, on)
        >= thresholds[EligibilityKey.UPWARD_MIN_GRASSROOTS_YEARS]
    ):
        hints.append(
            Hint(
                "info",
                _("%(age)d 岁，符合公开遴选的通常报名条件，可能通过遴选离开。") % {"age": age},
            )
        )
    else:
        hints.append(Hint("info", _("%(age)d 岁。") % {"age": age}))
    return hints


def _rank_hint(
    *,
    cadre: Cadre,
    on: datetime.date,
    steps: dict[str, RankStepRule],
    since: datetime.date | None,
    ratings: Mapping[int, str],
) -> Hint:
    if not cadre.rank:
        return Hint("info", _("无公务员职级记录。"))
    label = Rank(cadre.rank).label
    step = steps.get(cadre.rank)
    if step is None or since is None:
        return Hint("info", _("现职级：%(rank)s。") % {"rank": label})
    years = rank_service_years(
        since=since, on=on, ratings=ratings, credit_months=step.excellent_rating_credit_months
    )
    values = {
        "rank": label,
        "years": years,
        "next": Rank(step.to_rank).label,
        "min": step.min_years,
        "gap": round(step.min_years - years, 1),
    }
    if years >= step.min_years:
        return Hint("ok", _("%(rank)s %(years)s 年，已满晋升%(next)s所需的 %(min)d 年。") % values)
    return Hint(
        "warn",
        _("%(rank)s %(years)s 年，距晋升%(next)s所需的 %(min)d 年尚差 %(gap)s 年。") % values,
    )
