"""The synthetic demo county (示例县): units, posts, cadres and 15 years of appointment history.

Deterministic for a seed and an as-of date. Rows go in with bulk inserts so that a synthetic
province (300 k cadres, about 100 counties) builds in minutes.
"""

import datetime
import random
import secrets
import string
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.core.crypto import encrypt_text
from zhongjian.demo import vocabulary as words
from zhongjian.org.choices import (
    MID_LEVEL_TIERS,
    CadreStatus,
    Education,
    EndReason,
    Establishment,
    Gender,
    PartyStatus,
    Rank,
    Tier,
    UnitKind,
)
from zhongjian.org.models import (
    Appointment,
    Cadre,
    County,
    Post,
    RankGrant,
    RankStepRule,
    RetirementRule,
    Unit,
)
from zhongjian.org.rules import add_months, statutory_retirement_date
from zhongjian.org.services import id_number_hash, mask_id_number

CADRES_PER_COUNTY = 3000
HISTORY_YEARS = 15
BATCH = 5000
TIER_LEVEL = {Tier.GENERAL: 0, Tier.GUJI: 1, Tier.FUKE: 2, Tier.ZHENGKE: 3}
# Age bands and weights: a hollow between 30 and 40 (青黄不接) and a heavy 45–55 cohort.
AGE_WEIGHTS = (
    (22, 30, 16),
    (30, 35, 9),
    (35, 40, 9),
    (40, 45, 13),
    (45, 50, 18),
    (50, 55, 20),
    (55, 60, 15),
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

Progress = Callable[[str, int, int], None]


@dataclass
class DemoLogin:
    role: str
    username: str
    password: str
    note: str


@dataclass
class DemoResult:
    counties: int = 0
    units: int = 0
    posts: int = 0
    cadres: int = 0
    appointments: int = 0
    rank_grants: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def id_number_for(*, area: str, birth: datetime.date, sequence: int, male: bool) -> str:
    """A checksum-valid 18-digit ID number (GB 11643-1999) for a synthetic person."""
    order = sequence * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{order % 1000:03d}"
    check = ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]
    return body + check


def demo_password() -> str:
    """A random password that satisfies the password validators."""
    alphabet = string.ascii_letters + string.digits
    return "Zj-" + "".join(secrets.choice(alphabet) for _ in range(10)) + secrets.choice("23456789")


class _Builder:
    def __init__(self, *, seed: int, today: datetime.date, progress: Progress) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.history_start = add_months(today, -12 * HISTORY_YEARS)
        self.progress = progress
        # New counties start on the national rules (county overrides come later, per county).
        self.retirement_rules = list(RetirementRule.objects.filter(county__isnull=True))
        self.rank_steps = {r.from_rank: r for r in RankStepRule.objects.filter(county__isnull=True)}
        self.result = DemoResult()
        self.id_sequences: dict[tuple[str, datetime.date], int] = defaultdict(int)

    # -- people ---------------------------------------------------------------------------
    def _birth_date(self, *, male: bool) -> datetime.date:
        while True:
            low, high, _ = self.rng.choices(AGE_WEIGHTS, weights=[w for *_, w in AGE_WEIGHTS])[0]
            days = self.rng.randint(low * 365, high * 365 - 1)
            birth = self.today - datetime.timedelta(days=days)
            retire = statutory_retirement_date(
                gender=Gender.MALE if male else Gender.FEMALE,
                birth_date=birth,
                rules=self.retirement_rules,
            )
            if retire > self.today:
                return birth

    def _person(
        self,
        *,
        county: County,
        unit: Unit,
        establishment: str,
        staff_no: str,
        birth: datetime.date | None = None,
        male: bool | None = None,
        status: str = CadreStatus.ACTIVE,
    ) -> Cadre:
        rng = self.rng
        if male is None:
            male = rng.random() < 0.62
        if birth is None:
            birth = self._birth_date(male=male)
        given = words.GIVEN_MALE if male else words.GIVEN_FEMALE
        name = rng.choice(words.SURNAMES) + "".join(rng.choices(given, k=rng.choice((1, 2, 2))))
        age = (self.today - birth).days / 365.25
        education = rng.choices(
            Education.values,
            weights=(12, 60, 22, 6) if age < 40 else (4, 46, 38, 12),
        )[0]
        # Never after today: the youngest cadres (22) would otherwise start work in the future.
        work_start = min(
            add_months(birth, rng.randint(21 * 12, 24 * 12)),
            self.today - datetime.timedelta(days=rng.randint(30, 300)),
        )
        party_status = rng.choices(PartyStatus.values, weights=(80, 3, 5, 2, 10))[0]
        party_join = None
        if party_status in (PartyStatus.MEMBER, PartyStatus.PROBATIONARY):
            party_join = min(
                add_months(birth, rng.randint(19 * 12, 32 * 12)),
                self.today - datetime.timedelta(days=rng.randint(30, 300)),
            )
        grassroots = None
        if unit.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT) or rng.random() < 0.5:
            grassroots = work_start
        # A running number per area and birth day keeps synthetic ID numbers unique.
        self.id_sequences[(county.code, birth)] += 1
        sequence = self.id_sequences[(county.code, birth)]
        id_number = id_number_for(area=county.code, birth=birth, sequence=sequence, male=male)
        return Cadre(
            county=county,
            unit=unit,
            staff_no=staff_no,
            name=name,
            gender=Gender.MALE if male else Gender.FEMALE,
            birth_date=birth,
            ethnicity=rng.choice(words.ETHNICITIES),
            education=education,
            party_status=party_status,
            party_join_date=party_join,
            establishment=establishment,
            work_start_date=work_start,
            grassroots_start_date=grassroots,
            status=status,
            id_number_cipher=encrypt_text(id_number),
            id_number_hash=id_number_hash(id_number),
            id_number_masked=mask_id_number(id_number),
        )

    def _inconsistencies(self, cadres: list[Cadre]) -> None:
        """Give a few records the slips real rosters have, for the data check (数据核查) to find:
        work start at 15, grassroots start before work start, party join at 17, a gender and a
        birth month that disagree with the ID number."""
        rng = self.rng
        picked = rng.sample(
            [c for c in cadres if c.age_on(self.today) >= 35], k=min(5, len(cadres))
        )
        for slip, cadre in enumerate(picked):
            if slip == 0:
                cadre.work_start_date = add_months(cadre.birth_date, 15 * 12 + 2)
            elif slip == 1:
                cadre.grassroots_start_date = add_months(cadre.work_start_date, -14)
            elif slip == 2:
                cadre.party_status = PartyStatus.MEMBER
                cadre.party_join_date = add_months(cadre.birth_date, 17 * 12 + 3)
            elif slip == 3:
                cadre.gender = Gender.FEMALE if cadre.gender == Gender.MALE else Gender.MALE
            else:
                cadre.birth_date = add_months(cadre.birth_date, 1)

    def _rank_history(self, cadre: Cadre, until: datetime.date) -> list[RankGrant]:
        if cadre.establishment == Establishment.PUBLIC_INSTITUTION:
            return []
        grants = []
        rank = Rank.CLERK_2
        day = add_months(cadre.work_start_date, 12)
        while day <= until:
            grants.append(RankGrant(county=cadre.county, cadre=cadre, rank=rank, granted_on=day))
            step = self.rank_steps.get(rank)
            if step is None:
                break
            rank = step.to_rank
            day = add_months(day, step.min_years * 12 + self.rng.choice((0, 0, 6, 12, 24, 36)))
        cadre.rank = grants[-1].rank if grants else ""
        return grants

    # -- structure ------------------------------------------------------------------------
    def _units(self, county: County, n_cadres: int) -> list[Unit]:
        scale = n_cadres / CADRES_PER_COUNTY
        n_townships = max(2, min(20, round(20 * scale)))
        n_departments = max(3, min(len(words.COUNTY_DEPARTMENTS), round(35 * scale)))
        n_institutions = max(1, min(len(words.PUBLIC_INSTITUTIONS), round(5 * scale)))
        places = [a + b for a in words.PLACE_FIRST for b in words.PLACE_SECOND]
        self.rng.shuffle(places)
        units: list[Unit] = []
        code = 0

        def add(name: str, kind: str) -> None:
            nonlocal code
            code += 1
            units.append(Unit(county=county, code=f"{county.code}{code:03d}", name=name, kind=kind))

        add("城关街道", UnitKind.SUBDISTRICT)
        for index in range(n_townships):
            add(places[index] + ("镇" if index % 3 else "乡"), UnitKind.TOWNSHIP)
        for name in words.COUNTY_DEPARTMENTS[:n_departments]:
            add(name, UnitKind.COUNTY_DEPARTMENT)
        for name in words.PUBLIC_INSTITUTIONS[:n_institutions]:
            add(name, UnitKind.PUBLIC_INSTITUTION)
        return Unit.objects.bulk_create(units, batch_size=BATCH)

    def _posts(self, county: County, unit: Unit, index: int) -> list[Post]:
        establishment = Establishment.ADMINISTRATIVE
        if unit.kind == UnitKind.COUNTY_DEPARTMENT and index % 6 == 5:
            establishment = Establishment.CIVIL_SERVICE_MANAGED
        if unit.kind == UnitKind.PUBLIC_INSTITUTION:
            establishment = Establishment.PUBLIC_INSTITUTION
        specs: list[tuple[str, str, int, bool, str]] = []
        if unit.kind in (UnitKind.TOWNSHIP, UnitKind.SUBDISTRICT):
            head = (
                "镇长"
                if unit.name.endswith("镇")
                else ("乡长" if unit.name.endswith("乡") else "主任")
            )
            deputy = "副" + head
            for title, tier, count in words.TOWNSHIP_LEADERSHIP:
                title = {"镇长": head, "副镇长": deputy}.get(title, title)
                specs.append((title, tier, count, True, establishment))
            specs += [(t, Tier.GUJI, 1, False, establishment) for t in words.TOWNSHIP_OFFICES]
            specs += [
                (t, Tier.GUJI, 1, False, Establishment.PUBLIC_INSTITUTION)
                for t in words.TOWNSHIP_INSTITUTION_OFFICES
            ]
        elif unit.kind == UnitKind.COUNTY_DEPARTMENT:
            for title, tier, count in words.DEPARTMENT_LEADERSHIP:
                title = title if unit.name.endswith("局") else title.replace("局长", "主任")
                specs.append((title, tier, count, True, establishment))
            specs += [(t, Tier.GUJI, 1, False, establishment) for t in words.DEPARTMENT_OFFICES]
        else:
            specs += [
                (t, tier, n, True, establishment) for t, tier, n in words.INSTITUTION_LEADERSHIP
            ]
            specs += [(t, Tier.GUJI, 1, False, establishment) for t in words.INSTITUTION_OFFICES]
        posts = [
            Post(
                county=county,
                unit=unit,
                title=title,
                tier=tier,
                headcount=count,
                is_leadership=leadership,
                required_establishment=required,
            )
            for title, tier, count, leadership, required in specs
        ]
        posts.append(
            Post(
                county=county,
                unit=unit,
                title="科员",
                tier=Tier.GENERAL,
                headcount=1,
                required_establishment=establishment,
            )
        )
        return posts

    # -- one county -----------------------------------------------------------------------
    def county(self, *, number: int, n_cadres: int, name: str) -> County:
        rng = self.rng
        county = County.objects.create(code=f"52{number:04d}", name=name)
        units = self._units(county, n_cadres)
        posts: list[Post] = []
        for index, unit in enumerate(units):
            posts += self._posts(county, unit, index)
        posts_by_unit: dict[int, list[Post]] = defaultdict(list)
        for post in posts:
            posts_by_unit[post.unit_id].append(post)

        # A department whose posts are 参公 staffs them with 参公 cadres.
        unit_establishment = {
            post.unit_id: post.required_establishment for post in posts if post.is_leadership
        }
        weights = {
            UnitKind.TOWNSHIP: 1.3,
            UnitKind.SUBDISTRICT: 1.5,
            UnitKind.COUNTY_DEPARTMENT: 0.8,
            UnitKind.PUBLIC_INSTITUTION: 0.6,
        }
        unit_weights = [weights[UnitKind(u.kind)] for u in units]
        assignment = rng.choices(range(len(units)), weights=unit_weights, k=n_cadres)
        cadres: list[Cadre] = []
        for serial, unit_index in enumerate(assignment, start=1):
            unit = units[unit_index]
            public_share = 0.4 if unit.kind == UnitKind.TOWNSHIP else 0.25
            if unit.kind == UnitKind.PUBLIC_INSTITUTION or rng.random() < public_share:
                establishment = Establishment.PUBLIC_INSTITUTION
            else:
                establishment = unit_establishment.get(unit.pk, Establishment.ADMINISTRATIVE)
            cadres.append(
                self._person(
                    county=county, unit=unit, establishment=establishment, staff_no=f"{serial:06d}"
                )
            )
        by_unit: dict[int, list[Cadre]] = defaultdict(list)
        for cadre in cadres:
            by_unit[cadre.unit_id].append(cadre)

        # Current holders, most senior seats first; some seats stay empty.
        current: dict[int, tuple[Post, datetime.date]] = {}  # cadre index → (post, start)
        seat_starts: list[tuple[Post, datetime.date, Cadre | None]] = []
        index_of = {id(c): i for i, c in enumerate(cadres)}
        for unit in units:
            pool = sorted(by_unit[unit.pk], key=lambda c: (c.birth_date, c.staff_no))
            taken: set[int] = set()
            mid_posts = sorted(
                (p for p in posts_by_unit[unit.pk] if p.tier in MID_LEVEL_TIERS),
                key=lambda p: -TIER_LEVEL[Tier(p.tier)],
            )
            for post in mid_posts:
                for _seat in range(post.headcount):
                    vacancy_chance = {Tier.ZHENGKE: 0.04, Tier.FUKE: 0.1, Tier.GUJI: 0.09}[
                        Tier(post.tier)
                    ]
                    holder = None
                    if rng.random() >= vacancy_chance:
                        holder = self._pick_holder(pool, taken, post, unit)
                    if holder is None:
                        seat_starts.append(
                            (post, self.today - datetime.timedelta(days=rng.randint(20, 900)), None)
                        )
                        continue
                    taken.add(id(holder))
                    earliest = max(add_months(holder.work_start_date, 36), self.history_start)
                    start = self._random_day(max(earliest, add_months(self.today, -72)), self.today)
                    current[index_of[id(holder)]] = (post, start)
                    seat_starts.append((post, start, holder))
        appointments: list[Appointment] = []
        busy: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
        movers = [i for i in current]
        former: list[Cadre] = []
        former_appointments: list[tuple[Cadre, Post, datetime.date, datetime.date, str]] = []
        for index, (post, start) in current.items():
            cadre = cadres[index]
            appointments.append(
                Appointment(
                    county=county,
                    cadre=cadre,
                    post=post,
                    unit_id=post.unit_id,
                    start_date=start,
                    document_no=self._doc_no(start),
                )
            )
            busy[index].append((start, self.today))
        general_posts = {p.unit_id: p for p in posts if p.tier == Tier.GENERAL}
        general_counts: dict[int, int] = defaultdict(int)  # by id() of the unsaved post
        for index, cadre in enumerate(cadres):
            if index in current:
                continue
            post = general_posts[cadre.unit_id]
            general_counts[id(post)] += 1
            start = max(cadre.work_start_date, self._random_day(self.history_start, self.today))
            appointments.append(
                Appointment(
                    county=county,
                    cadre=cadre,
                    post=post,
                    unit_id=post.unit_id,
                    start_date=min(start, self.today),
                )
            )
        for post in general_posts.values():
            post.headcount = max(1, general_counts[id(post)] + 2)

        # History: walk each seat back to the start of the window, tenure by tenure.
        serial = len(cadres)
        for post, start, _holder in seat_starts:
            end = start - datetime.timedelta(days=rng.randint(1, 300))
            while end > self.history_start:
                tenure_start = max(
                    self.history_start, end - datetime.timedelta(days=rng.randint(2 * 365, 6 * 365))
                )
                mover = self._pick_mover(movers, cadres, current, busy, post, tenure_start, end)
                if mover is not None:
                    next_post = current[mover][0]
                    reason = (
                        EndReason.PROMOTED
                        if TIER_LEVEL[Tier(next_post.tier)] > TIER_LEVEL[Tier(post.tier)]
                        else EndReason.REASSIGNED
                    )
                    appointments.append(
                        Appointment(
                            county=county,
                            cadre=cadres[mover],
                            post=post,
                            unit_id=post.unit_id,
                            start_date=tenure_start,
                            end_date=end,
                            end_reason=reason,
                            document_no=self._doc_no(tenure_start),
                        )
                    )
                    busy[mover].append((tenure_start, end))
                else:
                    serial += 1
                    retiring = rng.random() < 0.55
                    male = rng.random() < 0.7
                    age_at_end = rng.randint(57, 59) if retiring else rng.randint(28, 45)
                    birth = end - datetime.timedelta(
                        days=int(age_at_end * 365.25) + rng.randint(0, 300)
                    )
                    if retiring:
                        birth = add_months(end, -(720 if male else 660)) - datetime.timedelta(
                            days=rng.randint(0, 25)
                        )
                    person = self._person(
                        county=county,
                        unit=post.unit,
                        establishment=post.required_establishment,
                        staff_no=f"{serial:06d}",
                        birth=birth,
                        male=male,
                        status=CadreStatus.RETIRED if retiring else CadreStatus.DEPARTED,
                    )
                    # A long tenure of a young former holder began before the drawn work start.
                    if person.work_start_date > tenure_start:
                        person.work_start_date = max(
                            add_months(birth, 18 * 12), add_months(tenure_start, -12)
                        )
                        if person.grassroots_start_date is not None:
                            person.grassroots_start_date = person.work_start_date
                    former.append(person)
                    former_appointments.append(
                        (
                            person,
                            post,
                            tenure_start,
                            end,
                            EndReason.RETIRED if retiring else EndReason.DEPARTED,
                        )
                    )
                end = tenure_start - datetime.timedelta(days=rng.randint(1, 240))
        grants: list[RankGrant] = []
        for cadre in cadres:
            grants += self._rank_history(cadre, self.today)
        for person, _post, _start, end, _reason in former_appointments:
            grants += self._rank_history(person, end)
        self._inconsistencies(cadres)
        Post.objects.bulk_create(posts, batch_size=BATCH)
        Cadre.objects.bulk_create(cadres + former, batch_size=BATCH)
        for person, post, start, end, reason in former_appointments:
            appointments.append(
                Appointment(
                    county=county,
                    cadre=person,
                    post=post,
                    unit_id=post.unit_id,
                    start_date=start,
                    end_date=end,
                    end_reason=reason,
                    document_no=self._doc_no(start),
                )
            )
        Appointment.objects.bulk_create(appointments, batch_size=BATCH)
        RankGrant.objects.bulk_create(grants, batch_size=BATCH)

        self.result.counties += 1
        self.result.units += len(units)
        self.result.posts += len(posts)
        self.result.cadres += len(cadres) + len(former)
        self.result.appointments += len(appointments)
        self.result.rank_grants += len(grants)
        return county

    def _pick_holder(
        self, pool: list[Cadre], taken: set[int], post: Post, unit: Unit
    ) -> Cadre | None:
        min_age = {Tier.ZHENGKE: 35, Tier.FUKE: 30, Tier.GUJI: 27}[Tier(post.tier)]
        latest_birth = add_months(self.today, -12 * min_age)
        admin_post = post.required_establishment != Establishment.PUBLIC_INSTITUTION
        # 混编混岗: now and then 事业编 staff fill an admin office post (股级), never a leadership
        # post; public-institution posts go to 事业编 staff.
        allow_mixed = admin_post and post.tier == Tier.GUJI and self.rng.random() < 0.3
        candidates = [
            c
            for c in pool
            if id(c) not in taken
            and c.birth_date <= latest_birth
            and (allow_mixed or admin_post == (c.establishment != Establishment.PUBLIC_INSTITUTION))
        ]
        if not candidates:
            return None
        # Older cadres hold the senior seats more often; a little chance keeps it realistic.
        window = candidates[: max(3, len(candidates) // 3)]
        return self.rng.choice(window)

    def _pick_mover(
        self,
        movers: list[int],
        cadres: list[Cadre],
        current: dict[int, tuple[Post, datetime.date]],
        busy: dict[int, list[tuple[datetime.date, datetime.date]]],
        post: Post,
        start: datetime.date,
        end: datetime.date,
    ) -> int | None:
        if not movers or self.rng.random() < 0.35:
            return None
        level = TIER_LEVEL[Tier(post.tier)]
        for _ in range(12):
            index = self.rng.choice(movers)
            next_post, next_start = current[index]
            cadre = cadres[index]
            if next_start <= end or TIER_LEVEL[Tier(next_post.tier)] < level:
                continue
            if add_months(cadre.work_start_date, 24) > start:
                continue
            if (post.required_establishment != Establishment.PUBLIC_INSTITUTION) != (
                cadre.establishment != Establishment.PUBLIC_INSTITUTION
            ):
                continue
            if any(s <= end and start <= e for s, e in busy[index]):
                continue
            return index
        return None

    def _random_day(self, low: datetime.date, high: datetime.date) -> datetime.date:
        if high <= low:
            return low
        return low + datetime.timedelta(days=self.rng.randint(0, (high - low).days))

    def _doc_no(self, day: datetime.date) -> str:
        return f"县委干〔{day.year}〕{self.rng.randint(1, 120)}号"


def county_name(number: int) -> str:
    return "示例县" if number == 1 else f"示例{number}县"


def build_demo(
    *,
    seed: int,
    cadres: int,
    today: datetime.date,
    progress: Progress | None = None,
    with_users: bool = True,
) -> DemoResult:
    """Build the demo county (or a synthetic province of several counties for large CADRES)."""
    report: Progress = progress or (lambda label, done, total: None)
    builder = _Builder(seed=seed, today=today, progress=report)
    n_counties = max(1, round(cadres / CADRES_PER_COUNTY))
    base, extra = divmod(cadres, n_counties)
    first: County | None = None
    for number in range(1, n_counties + 1):
        with transaction.atomic():
            county = builder.county(
                number=number,
                n_cadres=base + (1 if number <= extra else 0),
                name=county_name(number),
            )
        first = first or county
        report("县", number, n_counties)
    if with_users and first is not None:
        with transaction.atomic():
            builder.result.logins = _demo_users(first)
    return builder.result


def _demo_users(county: County) -> list[DemoLogin]:
    units = list(Unit.objects.filter(county=county).order_by("code"))
    township = next(u for u in units if u.kind == UnitKind.TOWNSHIP)
    department = next(u for u in units if u.kind == UnitKind.COUNTY_DEPARTMENT)
    own = (
        Cadre.objects.filter(county=county, unit=township, status=CadreStatus.ACTIVE)
        .order_by("birth_date")
        .last()
    )
    specs = [
        (Role.ORG_DEPARTMENT, "zuzhibu", "组织部干部科", {"county": county}, "全县"),
        (
            Role.UNIT_HEAD,
            "danwei_a",
            f"{township.name}负责人",
            {"county": county, "unit": township},
            township.name,
        ),
        (
            Role.UNIT_HEAD,
            "danwei_b",
            f"{department.name}负责人",
            {"county": county, "unit": department},
            department.name,
        ),
        (Role.COUNSELOR, "shudao", "心理疏导员", {"county": county}, "分配给本人的个案"),
        (
            Role.CADRE,
            "ganbu",
            own.name if own else "干部",
            {"county": county, "unit": township, "cadre": own},
            "本人档案",
        ),
        (Role.SYSTEM_ADMIN, "xitong", "系统管理员", {"county": county}, "用户与配置"),
        (Role.AUDITOR, "shenji", "审计员", {"county": county}, "审计日志"),
    ]
    logins = []
    for role, username, display, scope, note in specs:
        password = demo_password()
        user = User(username=username, display_name=display, role=role, **scope)
        user.is_staff = role in (Role.SYSTEM_ADMIN, Role.ORG_DEPARTMENT)
        user.set_password(password)
        user.full_clean()
        user.save()
        logins.append(DemoLogin(role=role, username=username, password=password, note=note))
    return logins
