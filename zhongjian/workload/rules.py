"""The caps and thresholds in force for a county on a day (`WorkloadRule` rows, never constants)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from zhongjian.workload.choices import RuleKey
from zhongjian.workload.models import WorkloadRule


@dataclass(frozen=True)
class RuleBook:
    """Every version of every rule of one county, national rows included, oldest first."""

    versions: dict[str, list[tuple[datetime.date, bool, Decimal]]]

    def value(self, key: str, day: datetime.date) -> Decimal | None:
        """The value in force on DAY: the latest version effective by then; on the same date
        the county's own row wins over the national one. None before the first version."""
        found: Decimal | None = None
        for effective_from, _is_county, value in self.versions.get(key, []):
            if effective_from > day:
                break
            found = value
        return found

    def periods(self, key: str) -> list[tuple[datetime.date, Decimal]]:
        """(effective_from, value) of each version of KEY, oldest first."""
        return [(day, value) for day, _is_county, value in self.versions.get(key, [])]


def rule_book(*, county_id: int) -> RuleBook:
    """Load the rules of COUNTY_ID and the national rules (one small query)."""
    versions: dict[str, list[tuple[datetime.date, bool, Decimal]]] = defaultdict(list)
    rows = WorkloadRule.objects.filter(Q(county_id=county_id) | Q(county__isnull=True))
    for key, effective_from, county, value in rows.values_list(
        "key", "effective_from", "county_id", "value"
    ):
        versions[key].append((effective_from, county is not None, value))
    for entries in versions.values():
        entries.sort(key=lambda entry: (entry[0], entry[1]))
    return RuleBook(versions=dict(versions))


# The 2024 规定 as seeded by migration 0002; kept here so tests and docs name the same rows.
REGULATION = "《整治形式主义为基层减负若干规定》（中共中央办公厅、国务院办公厅2024年8月6日发布）"
REGULATION_DATE = datetime.date(2024, 8, 6)
NATIONAL_RULES: tuple[tuple[str, str, str], ...] = (
    (
        RuleKey.DOC_LENGTH_COMPREHENSIVE,
        "5000",
        REGULATION + "一、2：除部署综合性工作外，地方和部门文件一般不超过5000字",
    ),
    (
        RuleKey.DOC_LENGTH_SPECIAL,
        "4000",
        REGULATION + "一、2：部署专项工作或者具体任务的文件一般不超过4000字",
    ),
    (
        RuleKey.INSPECTIONS_PER_MONTH,
        "1",
        REGULATION
        + "三：统筹规范督查检查考核，实地督查检查考核不超过规定次数（次数由本县按年度计划设定）",
    ),
    (
        RuleKey.ACCOMPANY_MEETINGS,
        "0",
        REGULATION + "二：只安排与会议主题密切相关的单位参加，不搞层层陪会",
    ),
    (
        RuleKey.SHORT_DEADLINE_DAYS,
        "3",
        "县委组织部设定：下达到完成时限不足3个自然日的为短时限",
    ),
    (
        RuleKey.SHORT_DEADLINE_SHARE,
        "0.30",
        "县委组织部设定：短时限事项占比超过30%时预警",
    ),
    (
        RuleKey.YOY_TOLERANCE,
        "0",
        REGULATION + "一、1：年度实际发文数量一般只减不增",
    ),
)
