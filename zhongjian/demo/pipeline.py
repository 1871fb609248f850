"""Demo pipeline history for the demo county: vacancies, selections, declines, bench, departures.

Deterministic for a seed and an as-of date; rows go in with bulk inserts. It reads the registry
the base generator wrote (appointments, departed and retired cadres) and tells the story the
article tells: offers turned down more often in townships and more often each year, 遴选 taking
实职副科 cadres away, secondments that do not come back on time.
"""

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field

from zhongjian.core.holidays import work_calendar
from zhongjian.core.workdays import WorkCalendar
from zhongjian.org.choices import MID_LEVEL_TIERS, CadreStatus, EndReason, Establishment, Tier
from zhongjian.org.models import Appointment, Cadre, County, Post
from zhongjian.org.rules import add_months
from zhongjian.pipeline.choices import (
    BenchReadiness,
    CandidateOutcome,
    DeclineReason,
    DepartureKind,
    DestinationLevel,
    ExitReason,
    ObjectionStatus,
)
from zhongjian.pipeline.choices import SelectionStage as Stage
from zhongjian.pipeline.models import (
    BenchEntry,
    Candidate,
    Decline,
    Departure,
    ExitInterview,
    Objection,
    SelectionProcess,
    StageChange,
    Vacancy,
)
from zhongjian.pipeline.services.vacancies import vacancy_rederive_county
from zhongjian.pipeline.workflow import probation_review_date

BATCH = 2000
DAY = datetime.timedelta(days=1)
HISTORY_YEARS = 6
TIER_LEVEL = {Tier.GENERAL: 0, Tier.GUJI: 1, Tier.FUKE: 2, Tier.ZHENGKE: 3}
MAIN_PATH = (
    Stage.MOTION,
    Stage.RECOMMENDATION,
    Stage.VETTING,
    Stage.DECISION,
    Stage.PRE_APPOINTMENT_TALK,
    Stage.PUBLIC_NOTICE,
)
# Where in the process people turn an offer down: mostly when first sounded out.
DECLINE_STAGES = (
    (Stage.MOTION, 50),
    (Stage.RECOMMENDATION, 10),
    (Stage.VETTING, 15),
    (Stage.PRE_APPOINTMENT_TALK, 25),
)
DECLINE_WEIGHTS = {
    DeclineReason.HEALTH: 6,
    DeclineReason.FAMILY_CARE: 22,
    DeclineReason.WORK_PRESSURE: 24,
    DeclineReason.SMALL_PAY_RISE: 18,
    DeclineReason.LIMITED_PROSPECTS: 10,
    DeclineReason.PREPARING_EXAM: 8,
    DeclineReason.PERSONAL_DEVELOPMENT: 8,
    DeclineReason.OTHER: 4,
}
DECLINE_NOTES = {
    DeclineReason.HEALTH: "本人腰椎间盘突出，长期治疗，难以承担更重的工作。",
    DeclineReason.FAMILY_CARE: "父母年迈多病，孩子正读小学，需要就近照顾家庭。",
    DeclineReason.WORK_PRESSURE: "拟任岗位任务重、考核多，担心难以胜任。",
    DeclineReason.SMALL_PAY_RISE: "提任后待遇变化不大，责任和工作量明显增加。",
    DeclineReason.LIMITED_PROSPECTS: "年龄偏大，提任后继续晋升的空间有限。",
    DeclineReason.PREPARING_EXAM: "正在准备参加市直机关公开遴选。",
    DeclineReason.PERSONAL_DEVELOPMENT: "希望继续在专业岗位上发展。",
    DeclineReason.OTHER: "配偶在外地工作，正在申请调动。",
}
EXIT_WEIGHTS = {
    DepartureKind.UPWARD_SELECTION: {
        ExitReason.LIMITED_PROSPECTS: 30,
        ExitReason.FAR_FROM_HOME: 22,
        ExitReason.CHILDREN_EDUCATION: 20,
        ExitReason.SMALL_PAY_RISE: 12,
        ExitReason.PERSONAL_DEVELOPMENT: 16,
    },
    DepartureKind.TRANSFER: {
        ExitReason.FAR_FROM_HOME: 30,
        ExitReason.FAMILY_CARE: 25,
        ExitReason.CHILDREN_EDUCATION: 20,
        ExitReason.WORK_PRESSURE: 15,
        ExitReason.MEDICAL_CARE: 10,
    },
    DepartureKind.RESIGNATION: {
        ExitReason.SMALL_PAY_RISE: 30,
        ExitReason.WORK_PRESSURE: 30,
        ExitReason.PERSONAL_DEVELOPMENT: 20,
        ExitReason.HEALTH: 10,
        ExitReason.FAMILY_CARE: 10,
    },
    DepartureKind.OTHER: {ExitReason.FAMILY_CARE: 40, ExitReason.HEALTH: 30, ExitReason.OTHER: 30},
}
EXIT_DETAILS = {
    ExitReason.LIMITED_PROSPECTS: "同批进来的同事大多已经调走，在县里再往上走的空间很小。",
    ExitReason.FAR_FROM_HOME: "在乡镇工作多年，家在县城，每天往返两个多小时。",
    ExitReason.CHILDREN_EDUCATION: "孩子明年上初中，希望到市里解决入学问题。",
    ExitReason.SMALL_PAY_RISE: "收入与付出不相称，想换一个环境。",
    ExitReason.PERSONAL_DEVELOPMENT: "希望到更大的平台锻炼，学习新的业务。",
    ExitReason.FAMILY_CARE: "父母年迈，需要回老家照顾。",
    ExitReason.WORK_PRESSURE: "工作任务多、检查多，长期加班，身体吃不消。",
    ExitReason.MEDICAL_CARE: "家人需要长期就医，县里医疗条件有限。",
    ExitReason.HEALTH: "身体原因，难以继续承担现在的工作。",
    ExitReason.OTHER: "配偶在外地工作，夫妻长期两地分居。",
}
WOULD_RETURN = (
    "如果能解决子女就近入学，愿意回来。",
    "如果基层减负能真正落实，愿意回来。",
    "如果有晋升通道，可以考虑回来。",
    "",
)
DESTINATIONS = {
    DestinationLevel.CITY: ("市委办公室", "市财政局", "市农业农村局", "市委组织部", "市发展改革委"),
    DestinationLevel.PROVINCE: ("省农业农村厅", "省财政厅", "省委政研室"),
    DestinationLevel.COUNTY: ("邻县县委办公室", "邻县人民政府办公室", "邻县财政局"),
    DestinationLevel.TOWNSHIP: ("邻县城关镇", "邻县河口乡"),
    DestinationLevel.OUTSIDE: ("", "本地企业", "外省企业"),
    DestinationLevel.CENTRAL: ("国家部委",),
}
TERMINATION_REASONS = (
    "拟任人选均不接受提拔，暂缓选配。",
    "机构改革，岗位职数调整，暂缓选配。",
)
OBJECTION = "公示期间收到来信，反映拟任人选在征地工作中作风粗暴。"


@dataclass
class _Rows:
    processes: list[SelectionProcess] = field(default_factory=list)
    changes: list[list[tuple[str, str, datetime.date, str]]] = field(default_factory=list)
    candidates: list[list[Candidate]] = field(default_factory=list)
    declines: list[list[tuple[int, Decline]]] = field(default_factory=list)
    objections: list[list[Objection]] = field(default_factory=list)


class _Story:
    def __init__(self, *, county: County, seed: int, today: datetime.date) -> None:
        self.county = county
        self.rng = random.Random(f"pipeline:{seed}:{county.code}")
        self.today = today
        self.since = add_months(today, -12 * HISTORY_YEARS)
        self.calendar: WorkCalendar = work_calendar(county_id=county.pk)
        self.rows = _Rows()
        self.posts = {p.pk: p for p in Post.objects.filter(county=county).select_related("unit")}
        self.cadres = {c.pk: c for c in Cadre.objects.filter(county=county).select_related("unit")}
        self.appointments = list(Appointment.objects.filter(county=county).order_by("pk"))
        # Active cadres by the tier of the highest post they hold now, for candidates and bench.
        tier_of: dict[int, int] = defaultdict(int)
        for a in self.appointments:
            if a.end_date is None:
                level = TIER_LEVEL[Tier(self.posts[a.post_id].tier)]
                tier_of[a.cadre_id] = max(tier_of[a.cadre_id], level)
        self.pool: dict[int, list[Cadre]] = defaultdict(list)
        self.by_unit: dict[tuple[int, int], list[Cadre]] = defaultdict(list)
        self.ready_from: dict[int, datetime.date] = {}
        for cadre in sorted(self.cadres.values(), key=lambda c: c.pk):
            if cadre.status == CadreStatus.ACTIVE:
                self.pool[tier_of[cadre.pk]].append(cadre)
                self.by_unit[(tier_of[cadre.pk], cadre.unit_id)].append(cadre)
                self.ready_from[cadre.pk] = add_months(cadre.work_start_date, 36)

    # -- candidates -------------------------------------------------------------------------
    def _others(
        self, post: Post, *, exclude: set[int], k: int, before: datetime.date
    ) -> list[Cadre]:
        """K plausible candidates: one tier below the post, working for three years by then,
        from the post's unit first, then drawn from the whole county."""
        level = TIER_LEVEL[Tier(post.tier)] - 1
        local = [
            c
            for c in self.by_unit[(level, post.unit_id)]
            if c.pk not in exclude and self.ready_from[c.pk] <= before
        ]
        chosen = self.rng.sample(local, min(k, len(local)))
        taken = exclude | {c.pk for c in chosen}
        pool = self.pool[level]
        # Rejection sampling keeps this cheap for a county-sized pool.
        for _ in range(20 * k):
            if len(chosen) >= k or not pool:
                break
            cadre = self.rng.choice(pool)
            if cadre.pk not in taken and self.ready_from[cadre.pk] <= before:
                chosen.append(cadre)
                taken.add(cadre.pk)
        return chosen

    def _decline_probability(self, post: Post, year: int) -> float:
        base = 0.16 if post.unit.kind in ("township", "subdistrict") else 0.09
        if post.tier == Tier.GUJI:
            base *= 0.7
        # The article's trend: more offers turned down every year.
        return base * (1 + 0.12 * (year - self.since.year))

    # -- one process ------------------------------------------------------------------------
    def _process(
        self,
        *,
        post: Post,
        vacancy: Vacancy | None,
        started_on: datetime.date,
        stage: Stage,
        appointed: Appointment | None = None,
        end: datetime.date | None = None,
    ) -> None:
        """One selection from STARTED_ON: finished on END (appointed or terminated) or under
        way at STAGE today. Candidates who decline took part only up to the stage they left at."""
        rng = self.rng
        limit = end or self.today
        notice_start = None
        if stage == Stage.APPOINTED:
            notice_start = self._notice_start_before(limit)
        elif stage in (Stage.PUBLIC_NOTICE, Stage.PAUSED):
            notice_start = self._recent_working_day(rng.randint(0, 3))
        if stage in MAIN_PATH:
            reached = MAIN_PATH[: MAIN_PATH.index(stage) + 1]
        elif stage == Stage.TERMINATED:
            reached = MAIN_PATH[: rng.randint(1, 3)]
        else:
            reached = MAIN_PATH
        dates = self._spread(started_on, notice_start or limit, len(reached))
        if notice_start is not None:
            dates[-1] = notice_start
        when = dict(zip(reached, dates, strict=True))
        appointee = self.cadres[appointed.cadre_id] if appointed else None
        exclude = {appointee.pk} if appointee else set()
        people = self._others(post, exclude=exclude, k=rng.randint(1, 3), before=started_on)
        if appointee:
            people.insert(rng.randint(0, len(people)), appointee)
        if not people:
            return
        # The candidate the committee chose and who stays in the running.
        chosen = appointee or (people[0] if Stage.PRE_APPOINTMENT_TALK in reached else None)
        all_decline = stage == Stage.TERMINATED and rng.random() < 0.5
        talk_decline = False
        candidates: list[Candidate] = []
        declines: list[tuple[int, Decline]] = []
        for cadre in people:
            left_at = None
            if cadre is not chosen and (
                all_decline or rng.random() < self._decline_probability(post, started_on.year)
            ):
                options = [(s, w) for s, w in DECLINE_STAGES if s in reached]
                left_at = rng.choices([s for s, _ in options], weights=[w for _, w in options])[0]
                if left_at == Stage.PRE_APPOINTMENT_TALK and talk_decline:
                    left_at = Stage.MOTION
                talk_decline = talk_decline or left_at == Stage.PRE_APPOINTMENT_TALK
            took = reached[: reached.index(left_at) + 1] if left_at else reached
            candidate = Candidate(county=self.county, cadre=cadre, added_on=started_on)
            if Stage.VETTING in took or (stage == Stage.RECOMMENDATION and rng.random() < 0.5):
                candidate.votes = rng.randint(8, 45)
                candidate.is_vetting_target = True
            if Stage.DECISION in took:
                candidate.vetting_score = round(rng.uniform(78, 96), 1)
                candidate.vetting_rank = len(candidates) + 1
                candidate.vetted_on = max(started_on, when[Stage.DECISION] - DAY)
                candidate.vetting_notes = "政治素质好，工作实绩突出，群众公认度较高。"
            # A candidate who declines at the talk had been chosen first.
            candidate.is_chosen = cadre is chosen or left_at == Stage.PRE_APPOINTMENT_TALK
            if left_at is not None:
                candidate.outcome = CandidateOutcome.DECLINED
                candidate.outcome_on = when[left_at]
                declines.append(
                    (len(candidates), self._decline(post, cadre, left_at, when[left_at]))
                )
            elif stage in (Stage.APPOINTED, Stage.TERMINATED):
                won = cadre is appointee
                candidate.outcome = (
                    CandidateOutcome.APPOINTED if won else CandidateOutcome.NOT_CHOSEN
                )
                candidate.outcome_on = end
            candidates.append(candidate)
        changes = [("", reached[0], dates[0], "")]
        for previous, current in itertools.pairwise(reached):
            changes.append((previous, current, when[current], ""))
            if current == Stage.PRE_APPOINTMENT_TALK and talk_decline:
                changes.append((current, Stage.DECISION, when[current], "拟任人选不接受提拔"))
                changes.append((Stage.DECISION, current, when[current], ""))
        objections: list[Objection] = []
        if stage == Stage.PAUSED:
            received = min(self.today, notice_start + DAY * 2)
            changes.append((Stage.PUBLIC_NOTICE, Stage.PAUSED, received, ""))
            objections.append(
                Objection(county=self.county, received_on=received, summary=OBJECTION)
            )
        termination = ""
        if stage == Stage.TERMINATED:
            termination = TERMINATION_REASONS[0] if all_decline else TERMINATION_REASONS[1]
        if stage in (Stage.APPOINTED, Stage.TERMINATED):
            changes.append((reached[-1], stage, end, termination))
        self.rows.processes.append(
            SelectionProcess(
                county=self.county,
                unit_id=post.unit_id,
                post=post,
                vacancy=vacancy,
                stage=stage,
                started_on=started_on,
                reason=rng.choice(
                    ("原任职人员退休。", "原任职人员提拔交流。", "岗位空缺，工作需要。")
                ),
                recommendation_voters=rng.randint(45, 80)
                if Stage.RECOMMENDATION in reached
                else None,
                notice_started_on=notice_start,
                finished_on=end if stage in (Stage.APPOINTED, Stage.TERMINATED) else None,
                termination_reason=termination,
                appointment=appointed,
                probation_review_on=probation_review_date(appointed_on=end)
                if appointed is not None and end is not None and post.is_leadership
                else None,
            )
        )
        self.rows.changes.append(changes)
        self.rows.candidates.append(candidates)
        self.rows.declines.append(declines)
        self.rows.objections.append(objections)

    def _decline(self, post: Post, cadre: Cadre, stage: Stage, day: datetime.date) -> Decline:
        rng = self.rng
        reason = rng.choices(list(DECLINE_WEIGHTS), weights=list(DECLINE_WEIGHTS.values()))[0]
        noted = reason == DeclineReason.OTHER or rng.random() < 0.8
        return Decline(
            county=self.county,
            unit_id=post.unit_id,
            cadre=cadre,
            post=post,
            declined_on=day,
            stage=stage,
            reason=reason,
            note=DECLINE_NOTES[reason] if noted else "",
        )

    def _spread(self, start: datetime.date, end: datetime.date, n: int) -> list[datetime.date]:
        """N ordered days from START, the last well before END."""
        span = max(0, (end - start).days - 1)
        offsets = sorted(self.rng.randint(0, span) for _ in range(n - 1))
        return [start, *(start + datetime.timedelta(days=o) for o in offsets)]

    def _notice_start_before(self, day: datetime.date) -> datetime.date:
        """The posting day of a five-working-day notice that ends on the last working day
        before DAY, so that the appointment on DAY follows the notice."""
        counted, probe = 0, day - DAY
        while True:
            if self.calendar.is_working_day(probe):
                counted += 1
                if counted == 5:
                    return probe
            probe -= DAY

    def _recent_working_day(self, back: int) -> datetime.date:
        probe = self.today
        while back or not self.calendar.is_working_day(probe):
            if self.calendar.is_working_day(probe):
                back -= 1
            probe -= DAY
        return probe

    # -- the county -------------------------------------------------------------------------
    def selections(self) -> None:
        rng = self.rng
        episodes = Vacancy.objects.filter(county=self.county).order_by("post_id", "opened_on")
        starts = defaultdict(list)
        for a in self.appointments:
            starts[(a.post_id, a.start_date)].append(a)
        for vacancy in episodes:
            post = self.posts[vacancy.post_id]
            if not post.is_active:
                continue
            if vacancy.closed_on is not None:
                # Episodes closed early in the window would need a selection before it.
                if (
                    vacancy.closed_on < self.since + datetime.timedelta(days=60)
                    or rng.random() < 0.15
                ):
                    continue
                filled = starts.get((post.pk, vacancy.closed_on))
                if not filled:
                    continue
                begun = max(
                    self.since, vacancy.closed_on - datetime.timedelta(days=rng.randint(50, 200))
                )
                self._process(
                    post=post,
                    vacancy=vacancy,
                    started_on=begun,
                    stage=Stage.APPOINTED,
                    appointed=filled[0],
                    end=vacancy.closed_on,
                )
                continue
            roll = rng.random()
            if roll < 0.12 and (self.today - vacancy.opened_on).days > 120:
                begun = vacancy.opened_on + datetime.timedelta(days=rng.randint(10, 40))
                end = begun + datetime.timedelta(days=rng.randint(40, 80))
                if end < self.today:
                    self._process(
                        post=post,
                        vacancy=vacancy,
                        started_on=begun,
                        stage=Stage.TERMINATED,
                        end=end,
                    )
            elif roll < 0.55:
                stage = rng.choice((*MAIN_PATH, Stage.PAUSED))
                # A selection may start before the post falls vacant (动议 ahead of a retirement).
                begun = self.today - datetime.timedelta(days=rng.randint(30, 150))
                self._process(post=post, vacancy=vacancy, started_on=begun, stage=stage)

    def save_selections(self) -> tuple[int, int]:
        rows = self.rows
        SelectionProcess.objects.bulk_create(rows.processes, batch_size=BATCH)
        changes, candidates, objections = [], [], []
        for process, steps, people, problems in zip(
            rows.processes, rows.changes, rows.candidates, rows.objections, strict=True
        ):
            changes += [
                StageChange(
                    county_id=process.county_id,
                    process=process,
                    from_stage=a,
                    to_stage=b,
                    changed_on=day,
                    note=note,
                )
                for a, b, day, note in steps
            ]
            for candidate in people:
                candidate.process = process
            candidates += people
            objections += [(process, people, objection) for objection in problems]
        StageChange.objects.bulk_create(changes, batch_size=BATCH)
        Candidate.objects.bulk_create(candidates, batch_size=BATCH)
        for process, people, objection in objections:
            objection.process = process
            objection.status = ObjectionStatus.OPEN
            objection.candidate = next(
                (c for c in people if c.is_chosen and c.outcome == CandidateOutcome.PENDING), None
            )
        Objection.objects.bulk_create([o for _, _, o in objections], batch_size=BATCH)
        declines = []
        for people, rejected in zip(rows.candidates, rows.declines, strict=True):
            for index, decline in rejected:
                decline.candidate = people[index]
                declines.append(decline)
        Decline.objects.bulk_create(declines, batch_size=BATCH)
        return len(rows.processes), len(declines)

    def bench(self) -> int:
        rng = self.rng
        entries = []
        for post in sorted(self.posts.values(), key=lambda p: p.pk):
            if post.tier not in MID_LEVEL_TIERS or not post.is_active or rng.random() < 0.45:
                continue
            for cadre in self._others(post, exclude=set(), k=rng.randint(1, 3), before=self.today):
                entries.append(
                    BenchEntry(
                        county=self.county,
                        unit_id=post.unit_id,
                        post=post,
                        cadre=cadre,
                        readiness=BenchReadiness.READY_NOW
                        if rng.random() < 0.45
                        else BenchReadiness.READY_SOON,
                        added_on=self.today - datetime.timedelta(days=rng.randint(30, 900)),
                    )
                )
        BenchEntry.objects.bulk_create(entries, batch_size=BATCH)
        return len(entries)

    def departures(self) -> tuple[int, int, int]:
        rng = self.rng
        last: dict[int, Appointment] = {}
        for a in self.appointments:
            if a.end_reason in (EndReason.DEPARTED, EndReason.RETIRED) and a.end_date:
                last[a.cadre_id] = a
        rows: list[Departure] = []
        interviews: list[tuple[int, ExitInterview]] = []
        for cadre_id, appointment in sorted(last.items()):
            cadre = self.cadres[cadre_id]
            post = self.posts[appointment.post_id]
            if cadre.status == CadreStatus.RETIRED:
                kind = DepartureKind.RETIREMENT
            else:
                fuke_leader = post.tier == Tier.FUKE and post.is_leadership
                weights = (50 if fuke_leader else 28, 35, 16, 5)
                kind = rng.choices(
                    (
                        DepartureKind.UPWARD_SELECTION,
                        DepartureKind.TRANSFER,
                        DepartureKind.RESIGNATION,
                        DepartureKind.OTHER,
                    ),
                    weights=weights,
                )[0]
            level = self._destination_level(kind)
            rows.append(
                Departure(
                    county=self.county,
                    unit_id=appointment.unit_id,
                    cadre=cadre,
                    kind=kind,
                    destination_level=level,
                    destination=rng.choice(DESTINATIONS[level]),
                    departed_on=appointment.end_date,
                    tier=post.tier,
                    held_leadership=post.is_leadership,
                )
            )
            if kind != DepartureKind.RETIREMENT and rng.random() < 0.65:
                interviews.append((len(rows) - 1, self._interview(kind, appointment.end_date)))
        seconded = self._secondments()
        Departure.objects.bulk_create(rows, batch_size=BATCH)
        # Some 遴选 leavers were seconded first (借调转遴选).
        followers = []
        for departure in rows:
            if (
                departure.kind == DepartureKind.UPWARD_SELECTION
                and departure.departed_on >= self.since
                and rng.random() < 0.35
            ):
                start = departure.departed_on - datetime.timedelta(days=rng.randint(180, 540))
                followers.append(
                    Departure(
                        county=self.county,
                        unit_id=departure.unit_id,
                        cadre_id=departure.cadre_id,
                        kind=DepartureKind.SECONDMENT,
                        destination_level=departure.destination_level,
                        destination=departure.destination,
                        departed_on=start,
                        planned_return_on=start + datetime.timedelta(days=rng.randint(180, 365)),
                        followed_by=departure,
                        tier=departure.tier,
                        held_leadership=departure.held_leadership,
                    )
                )
        Departure.objects.bulk_create(seconded + followers, batch_size=BATCH)
        for index, interview in interviews:
            interview.departure = rows[index]
        ExitInterview.objects.bulk_create([i for _, i in interviews], batch_size=BATCH)
        away = [d for d in seconded if d.returned_on is None]
        overdue = sum(d.planned_return_on < self.today for d in away)
        return len(rows) + len(seconded) + len(followers), len(away), overdue

    def _destination_level(self, kind: str) -> str:
        choices = {
            DepartureKind.UPWARD_SELECTION: (
                (DestinationLevel.CITY, 75),
                (DestinationLevel.PROVINCE, 25),
            ),
            DepartureKind.TRANSFER: (
                (DestinationLevel.COUNTY, 50),
                (DestinationLevel.TOWNSHIP, 20),
                (DestinationLevel.CITY, 30),
            ),
            DepartureKind.RESIGNATION: ((DestinationLevel.OUTSIDE, 1),),
            DepartureKind.RETIREMENT: ((DestinationLevel.OUTSIDE, 1),),
            DepartureKind.OTHER: ((DestinationLevel.OUTSIDE, 60), (DestinationLevel.COUNTY, 40)),
            DepartureKind.SECONDMENT: (
                (DestinationLevel.CITY, 55),
                (DestinationLevel.PROVINCE, 20),
                (DestinationLevel.COUNTY, 25),
            ),
        }[DepartureKind(kind)]
        return self.rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]

    def _interview(self, kind: str, day: datetime.date) -> ExitInterview:
        rng = self.rng
        weights = EXIT_WEIGHTS[DepartureKind(kind)]
        reasons = set(
            rng.choices(list(weights), weights=list(weights.values()), k=rng.randint(1, 3))
        )
        return ExitInterview(
            county=self.county,
            interviewed_on=day - datetime.timedelta(days=rng.randint(0, 10)),
            reasons=[r for r in ExitReason.values if r in reasons],
            details=EXIT_DETAILS[ExitReason(rng.choice(sorted(reasons)))],
            would_return_if=rng.choice(WOULD_RETURN),
        )

    def _secondments(self) -> list[Departure]:
        rng = self.rng
        held: dict[int, Post] = {}
        for a in self.appointments:
            if a.end_date is None:
                post = self.posts[a.post_id]
                if (
                    a.cadre_id not in held
                    or TIER_LEVEL[Tier(post.tier)] > TIER_LEVEL[Tier(held[a.cadre_id].tier)]
                ):
                    held[a.cadre_id] = post
        rows = []
        for cadre in sorted(self.cadres.values(), key=lambda c: c.pk):
            if (
                cadre.status != CadreStatus.ACTIVE
                or cadre.establishment == Establishment.PUBLIC_INSTITUTION
                or cadre.age_on(self.today) >= 45
                or rng.random()
                >= (0.04 if cadre.unit.kind in ("township", "subdistrict") else 0.015)
            ):
                continue
            start = self.today - datetime.timedelta(days=rng.randint(30, 1100))
            planned = start + datetime.timedelta(days=rng.randint(180, 365))
            returned = None
            if planned < self.today and rng.random() < 0.6:
                returned = min(self.today, planned + datetime.timedelta(days=rng.randint(-20, 60)))
            level = self._destination_level(DepartureKind.SECONDMENT)
            post = held.get(cadre.pk)
            rows.append(
                Departure(
                    county=self.county,
                    unit_id=cadre.unit_id,
                    cadre=cadre,
                    kind=DepartureKind.SECONDMENT,
                    destination_level=level,
                    destination=rng.choice(DESTINATIONS[level]),
                    departed_on=start,
                    planned_return_on=planned,
                    returned_on=returned,
                    tier=post.tier if post else Tier.GENERAL,
                    held_leadership=bool(post and post.is_leadership),
                )
            )
        return rows


def extend(*, county: County, seed: int, today: datetime.date) -> str:
    """Add pipeline history to COUNTY (the demo's first county); returns a one-line summary."""
    open_now = vacancy_rederive_county(county=county, today=today)
    story = _Story(county=county, seed=seed, today=today)
    story.selections()
    processes, declines = story.save_selections()
    bench = story.bench()
    departures, away, overdue = story.departures()
    running = sum(not p.is_final for p in story.rows.processes)
    return (
        f"提拔·流动：{open_now} 个空缺，{processes} 个选任流程（进行中 {running} 个），"
        f"{declines} 人次不接受提拔，{bench} 名后备人选，{departures} 条离岗记录"
        f"（借调在外 {away} 人，其中逾期未归 {overdue} 人）。"
    )
