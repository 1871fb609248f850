"""Demo demands from above (下挤上压) for every county of the demo, deterministic for a seed.

Three years up to the as-of date: townships and subdistricts carry more than county departments;
the 1st quarter, year-end inspections (December) and two campaign months a year spike; some
meetings demand 陪会 and some demands 留痕. After the 2024 规定 (2024-08-06) most units see a
visible fall in the following year and a few a rise. Rows go in with bulk inserts, so that the
300 k-cadre province keeps a reasonable build time.
"""

import datetime
import random
from decimal import Decimal

from zhongjian.core.bulk import bulk_insert, new_instance
from zhongjian.org.choices import CadreStatus, UnitKind
from zhongjian.org.models import Cadre, County, Unit
from zhongjian.org.rules import add_months
from zhongjian.workload.choices import DemandKind, DocumentCategory, OrganLevel
from zhongjian.workload.models import Demand, DemandReceipt, Organ, OvertimeWeek
from zhongjian.workload.rules import REGULATION_DATE

MONTHS = 36
OVERTIME_WEEKS = 26
ORGANS = (
    ("国务院安委会办公室", OrganLevel.CENTRAL),
    ("中央农办", OrganLevel.CENTRAL),
    ("省委办公厅", OrganLevel.PROVINCE),
    ("省政府办公厅", OrganLevel.PROVINCE),
    ("省应急管理厅", OrganLevel.PROVINCE),
    ("省农业农村厅", OrganLevel.PROVINCE),
    ("省生态环境厅", OrganLevel.PROVINCE),
    ("市委办公室", OrganLevel.CITY),
    ("市政府办公室", OrganLevel.CITY),
    ("市委组织部", OrganLevel.CITY),
    ("市应急管理局", OrganLevel.CITY),
    ("市农业农村局", OrganLevel.CITY),
    ("市生态环境局", OrganLevel.CITY),
    ("市住房和城乡建设局", OrganLevel.CITY),
    ("市卫生健康委员会", OrganLevel.CITY),
    ("市统计局", OrganLevel.CITY),
    ("县委办公室", OrganLevel.COUNTY),
    ("县政府办公室", OrganLevel.COUNTY),
    ("县委组织部", OrganLevel.COUNTY),
    ("县委宣传部", OrganLevel.COUNTY),
    ("县纪委监委", OrganLevel.COUNTY),
    ("县应急管理局", OrganLevel.COUNTY),
    ("县农业农村局", OrganLevel.COUNTY),
    ("县统计局", OrganLevel.COUNTY),
    ("县民政局", OrganLevel.COUNTY),
    ("县卫生健康局", OrganLevel.COUNTY),
)
# (kind, weight, title templates)
KINDS = (
    (DemandKind.DOCUMENT, 34, ("关于做好{t}工作的通知", "关于印发{t}实施方案的通知")),
    (DemandKind.MEETING, 20, ("全市{t}工作推进会", "{t}工作视频调度会")),
    (DemandKind.INSPECTION, 10, ("{t}工作督查", "{t}专项检查", "{t}年度考核")),
    (DemandKind.DATA_REQUEST, 16, ("{t}情况统计表报送", "{t}数据填报")),
    (DemandKind.AD_HOC, 10, ("{t}临时任务", "配合开展{t}")),
    (DemandKind.TRACE, 5, ("{t}工作台账及影像资料报送", "{t}工作群每日打卡")),
    (DemandKind.CAMPAIGN, 5, ("{t}示范创建", "{t}达标创建活动")),
)
TOPICS = (
    "安全生产",
    "防汛抗旱",
    "森林防火",
    "人居环境整治",
    "耕地保护",
    "乡村振兴",
    "信访维稳",
    "疫病防控",
    "禁毒",
    "反诈宣传",
    "垃圾分类",
    "秸秆禁烧",
    "河长制",
    "文明城市创建",
    "人口普查",
    "低保核查",
    "党建",
    "意识形态",
    "食品安全",
    "燃气安全",
)
RATE = {  # targeted demands per unit and month, before season and trend
    UnitKind.TOWNSHIP: 7.0,
    UnitKind.SUBDISTRICT: 7.5,
    UnitKind.COUNTY_DEPARTMENT: 3.5,
    UnitKind.PUBLIC_INSTITUTION: 1.5,
}
DAY = datetime.timedelta(days=1)


def _season(month: datetime.date, campaigns: set[int]) -> float:
    factor = 1.0
    if month.month in (1, 2, 3):
        factor *= 1.3
    if month.month == 12:
        factor *= 1.4
    if month.month in campaigns:
        factor *= 1.5
    return factor


class _County:
    def __init__(self, *, county: County, rng: random.Random, today: datetime.date) -> None:
        self.county = county
        self.rng = rng
        self.today = today
        self.units = list(Unit.objects.filter(county=county, is_active=True).order_by("code"))
        self.organs = self._organs()
        # Most units fall after the 2024 规定, some rise, the rest stay level.
        self.trend = {
            unit.pk: rng.choice((0.65, 0.7, 0.75, 0.8, 0.85, 1.0, 1.0, 1.2, 1.3))
            for unit in self.units
        }
        self.demands: list[Demand] = []
        self.targets: list[list[int]] = []
        self.keys: set[tuple[object, ...]] = set()
        self.doc_numbers: dict[tuple[int, int], int] = {}

    def _organs(self) -> list[Organ]:
        existing = {o.name: o for o in Organ.objects.filter(county=self.county)}
        new = [
            new_instance(Organ, county_id=self.county.pk, name=name, level=level)
            for name, level in ORGANS
            if name not in existing
        ]
        bulk_insert(new)
        return [*existing.values(), *new]

    def _factor(self, unit: Unit, day: datetime.date) -> float:
        if day < REGULATION_DATE:
            return 1.0
        return self.trend[unit.pk]

    def build(self) -> tuple[int, int]:
        first = add_months(self.today.replace(day=1), 1 - MONTHS)
        townships = [
            u.pk for u in self.units if u.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT)
        ]
        campaigns_by_year: dict[int, set[int]] = {}
        month = first
        while month <= self.today:
            campaigns = campaigns_by_year.setdefault(
                month.year, set(self.rng.sample(range(4, 12), 2))
            )
            season = _season(month, campaigns)
            days = (min(add_months(month, 1) - DAY, self.today) - month).days + 1
            # Demands to all townships at once (a county-wide notice, a meeting for all).
            for _n in range(round(3 * season * self.rng.uniform(0.7, 1.3))):
                self._demand(month, days, townships, campaigns)
            for unit in self.units:
                expected = RATE.get(unit.kind, 2.0) * season * self._factor(unit, month)
                for _n in range(self._poisson(expected * days / 30.5)):
                    self._demand(month, days, [unit.pk], campaigns)
            month = add_months(month, 1)
        bulk_insert(self.demands)
        receipts = []
        for demand, unit_ids in zip(self.demands, self.targets, strict=True):
            lead = demand.lead_days
            for unit_id in unit_ids:
                done = None
                overdue = demand.deadline is not None and demand.deadline < self.today
                if overdue and self.rng.random() < 0.92:
                    done = min(demand.deadline, demand.issued_on + DAY * self.rng.randint(0, 20))
                receipts.append(
                    new_instance(
                        DemandReceipt,
                        county_id=self.county.pk,
                        demand_id=demand.pk,
                        unit_id=unit_id,
                        organ_id=demand.organ_id,
                        kind=demand.kind,
                        issued_on=demand.issued_on,
                        lead_days=lead,
                        completed_on=done,
                    )
                )
        bulk_insert(receipts)
        self._overtime()
        return len(self.demands), len(receipts)

    def _poisson(self, mean: float) -> int:
        # Knuth's method is fine for the small means here and needs only the seeded generator.
        limit, k, product = pow(2.718281828459045, -mean), 0, self.rng.random()
        while product > limit:
            k += 1
            product *= self.rng.random()
        return k

    def _demand(
        self, month: datetime.date, days: int, unit_ids: list[int], campaigns: set[int]
    ) -> None:
        rng = self.rng
        if not unit_ids:
            return
        issued = month + DAY * rng.randrange(days)
        after = issued >= REGULATION_DATE
        weights = [w for _k, w, _t in KINDS]
        if month.month == 12:
            weights[2] *= 3  # year-end inspections
        if month.month in campaigns:
            weights[6] *= 4
        kind, _w, titles = rng.choices(KINDS, weights=weights)[0]
        organ = rng.choice(self.organs)
        title = rng.choice(titles).format(t=rng.choice(TOPICS))
        deadline = None
        if rng.random() < 0.8:
            short = rng.random() < (0.12 if after else 0.22)
            deadline = issued + DAY * (rng.randint(0, 2) if short else rng.randint(3, 30))
        values: dict[str, object] = {}
        document_no = ""
        if kind == DemandKind.DOCUMENT:
            serial = self.doc_numbers.get((organ.pk, issued.year), 0) + 1
            self.doc_numbers[(organ.pk, issued.year)] = serial
            document_no = f"{organ.name[:2]}发〔{issued.year}〕{serial}号"
            category = rng.choice((DocumentCategory.COMPREHENSIVE, DocumentCategory.SPECIAL))
            long_share = 0.06 if after else 0.18
            cap = 5000 if category == DocumentCategory.COMPREHENSIVE else 4000
            chars = (
                cap + rng.randint(100, 3000) if rng.random() < long_share else rng.randint(800, cap)
            )
            values = {"doc_category": category, "char_count": chars}
        elif kind == DemandKind.MEETING:
            values = {
                "meeting_hours": Decimal(rng.choice((1, 1.5, 2, 2.5, 3, 4))).quantize(
                    Decimal("0.1")
                ),
                "accompany_required": rng.random() < (0.06 if after else 0.2),
                "attendees": rng.randint(1, 6),
            }
        elif kind == DemandKind.INSPECTION:
            values = {"onsite": rng.random() < 0.6, "inspection_days": rng.randint(1, 3)}
        elif kind == DemandKind.DATA_REQUEST:
            values = {"table_count": rng.randint(1, 8)}
        trace = kind == DemandKind.TRACE or rng.random() < (0.08 if after else 0.2)
        key = (organ.pk, issued, title, document_no)
        while key in self.keys:
            title += "（补充）"
            key = (organ.pk, issued, title, document_no)
        self.keys.add(key)
        demand = new_instance(
            Demand,
            county_id=self.county.pk,
            organ_id=organ.pk,
            title=title,
            kind=kind,
            issued_on=issued,
            deadline=deadline,
            document_no=document_no,
            trace_required=trace,
            trace_photos=trace and rng.random() < 0.6,
            trace_group_checkin=trace and rng.random() < 0.3,
            **values,
        )
        self.demands.append(demand)
        self.targets.append(unit_ids)

    def _overtime(self) -> None:
        cadres: dict[int, int] = {}
        for unit_id in Cadre.objects.filter(
            county=self.county, status=CadreStatus.ACTIVE
        ).values_list("unit_id", flat=True):
            cadres[unit_id] = cadres.get(unit_id, 0) + 1
        monday = self.today - DAY * (self.today.weekday() + 7)
        rows = []
        for week in range(OVERTIME_WEEKS):
            start = monday - DAY * 7 * week
            for unit in self.units:
                total = cadres.get(unit.pk, 0)
                if not total:
                    continue
                share = 0.35 if unit.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT) else 0.2
                headcount = min(total, round(total * share * self.rng.uniform(0.5, 1.5)))
                rows.append(
                    new_instance(
                        OvertimeWeek,
                        county_id=self.county.pk,
                        unit_id=unit.pk,
                        week_start=start,
                        overtime_headcount=headcount,
                        overtime_hours=Decimal(round(headcount * self.rng.uniform(2, 8), 1)),
                        weekend_days=round(headcount * self.rng.uniform(0.2, 1.2)),
                    )
                )
        bulk_insert(rows)


def extend(*, county: County, seed: int, today: datetime.date) -> str:
    """Add demands and overtime to every county of the demo (the province has many).

    COUNTY is the demo's first county, as for the other extensions; the province's benchmark
    needs the others too.
    """
    demands = receipts = 0
    for index, each in enumerate(County.objects.order_by("code")):
        rng = random.Random(f"{seed}-workload-{index}")
        made, sent = _County(county=each, rng=rng, today=today).build()
        demands += made
        receipts += sent
    return f"减负：{demands} 项上级任务，下达至各单位共 {receipts} 件次（近 {MONTHS} 个月）。"
