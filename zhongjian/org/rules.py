"""Statutory rules computed from the rules tables (退休年龄, 职级晋升年限)."""

import datetime
from collections.abc import Iterable, Mapping

from zhongjian.core.county_rules import effective_rules
from zhongjian.org.choices import Gender, ReviewRating
from zhongjian.org.models import RetirementRule, RetirementTrack


def add_months(day: datetime.date, months: int) -> datetime.date:
    """DAY moved by MONTHS calendar months; the 31st becomes the month's last day where needed."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def retirement_track(*, gender: str, is_worker: bool) -> RetirementTrack:
    if gender == Gender.MALE:
        return RetirementTrack.MALE
    return RetirementTrack.FEMALE_WORKER if is_worker else RetirementTrack.FEMALE_CADRE


def retirement_age_months(
    *, track: str, birth_date: datetime.date, rules: Iterable[RetirementRule]
) -> int:
    """Statutory retirement age in months for someone born on BIRTH_DATE.

    The newest rule of the track whose `effective_from` is not after the original retirement day
    applies. Born before the first affected birth month: the base age. From it on, one month more
    per `birth_months_per_step` birth-months (the first month of the phase already counts), capped.
    """
    candidates = sorted(
        (rule for rule in rules if rule.track == track),
        key=lambda rule: rule.effective_from,
        reverse=True,
    )
    if not candidates:
        raise LookupError(f"no retirement rule for track {track!r}")
    base_day = add_months(birth_date, candidates[-1].base_age_months)
    rule = next((r for r in candidates if r.effective_from <= base_day), candidates[-1])
    first = rule.first_birth_month
    months_since = (birth_date.year - first.year) * 12 + (birth_date.month - first.month)
    if months_since < 0:
        return rule.base_age_months
    delay = min(months_since // rule.birth_months_per_step + 1, rule.max_delay_months)
    return rule.base_age_months + delay


def retirement_rules(*, county_id: int | None) -> list[RetirementRule]:
    """The retirement rules in force for a county: its overrides per track, else the national."""
    return effective_rules(
        RetirementRule.objects.all(), county_id=county_id, key=lambda rule: rule.track
    )


def statutory_retirement_date(
    *,
    gender: str,
    birth_date: datetime.date,
    is_worker: bool = False,
    county_id: int | None = None,
    rules: Iterable[RetirementRule] | None = None,
) -> datetime.date:
    """The day a cadre reaches statutory retirement age (civil servants cannot delay it), under
    the rules of COUNTY_ID (or RULES already read for it)."""
    if rules is None:
        rules = retirement_rules(county_id=county_id)
    track = retirement_track(gender=gender, is_worker=is_worker)
    months = retirement_age_months(track=track, birth_date=birth_date, rules=rules)
    return add_months(birth_date, months)


def latest_birth_date_retiring_by(
    *, gender: str, is_worker: bool, day: datetime.date, rules: list[RetirementRule]
) -> datetime.date:
    """The latest birth date of people who reach retirement on or before DAY.

    Retirement dates grow monotonically with birth dates, so a binary search over birth dates
    turns "retires within N years" into a birth-date range that the database can filter on.
    """
    low = add_months(day, -12 * 80).toordinal()
    high = day.toordinal()
    while low < high:
        middle = (low + high + 1) // 2
        retired = statutory_retirement_date(
            gender=gender,
            birth_date=datetime.date.fromordinal(middle),
            is_worker=is_worker,
            rules=rules,
        )
        if retired <= day:
            low = middle
        else:
            high = middle - 1
    return datetime.date.fromordinal(low)


def rank_service_years(
    *,
    since: datetime.date,
    on: datetime.date,
    ratings: Mapping[int, str],
    credit_months: int,
) -> float:
    """Years in a rank from SINCE to ON as the step rule counts them (《公务员职务与职级并行规定》
    第十八、十九条): each year rated 优秀 after SINCE adds CREDIT_MONTHS, a year rated below 称职
    does not count."""
    years = (on - since).days / 365.25
    rated = {year: rating for year, rating in ratings.items() if since.year < year <= on.year}
    excellent = sum(rating == ReviewRating.EXCELLENT for rating in rated.values())
    below = sum(
        rating in (ReviewRating.BASICALLY_COMPETENT, ReviewRating.INCOMPETENT)
        for rating in rated.values()
    )
    return round(years + excellent * credit_months / 12 - below, 1)
