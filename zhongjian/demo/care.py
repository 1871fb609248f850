"""Demo data of the care app: the demo counselor's cases in several states, and a referral
waiting for the demo cadre.

Everything goes through the services the pages use, with times in the past: a new request, one
whose first contact is overdue, an ongoing case with an overdue follow-up, an urgent case after
a PHQ-9 with a positive item 9, a case followed with GAD-7, and closed ones. Deterministic for a
seed: which cadres hold the cases varies with it, what happens does not.
"""

import datetime
import random

from django.utils import timezone

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.care import services
from zhongjian.care.choices import CloseReason, ContactTime, ContactWay, Instrument, Topic
from zhongjian.care.models import Case
from zhongjian.core.holidays import work_calendar
from zhongjian.org.choices import CadreStatus
from zhongjian.org.models import Cadre, County

# (topic, way, days ago requested, request text, [(days ago, note, next follow-up in days)],
#  screenings [(instrument, answers, days ago)], close (reason, days ago) or None)
STORIES = (
    (
        Topic.WORK_PRESSURE,
        ContactWay.PHONE,
        1,
        "最近迎检和填表任务叠在一起，晚上睡不着，想找人聊聊怎么安排。",
        [],
        [],
        None,
    ),
    (
        Topic.CAREER,
        ContactWay.IN_PERSON,
        9,
        "在乡镇干了八年，是否参加遴选一直拿不定主意。",
        [],
        [],
        None,
    ),
    (
        Topic.FAMILY,
        ContactWay.PHONE,
        40,
        "孩子在县城上学，我常年驻村，家里矛盾多。",
        [
            (37, "首次电话联系。本人叙述驻村与照顾家庭的冲突，情绪尚稳定，约定两周后再谈。", 14),
            (22, "第二次通话。已与爱人沟通周末轮换，睡眠有改善。约定一周后回访。", 7),
        ],
        [],
        None,
    ),
    (
        Topic.HEALTH,
        ContactWay.IN_PERSON,
        6,
        "",
        [(0, "当面谈话。近一个月情绪低落，兴趣减退，做 PHQ-9。已告知 12356 热线。", None)],
        [(Instrument.PHQ9, [2, 3, 2, 2, 1, 2, 1, 1, 1], 0)],
        None,
    ),
    (
        Topic.RELATIONSHIPS,
        ContactWay.VIDEO,
        30,
        "和分管领导沟通不顺，工作推进有顾虑。",
        [
            (27, "视频谈话。梳理沟通中的具体情境，练习表达方式。做 GAD-7。", 10),
            (15, "第二次谈话。本人尝试当面沟通，焦虑减轻。约定月底回访。", 20),
        ],
        [(Instrument.GAD7, [2, 1, 2, 2, 1, 2, 1], 27)],
        None,
    ),
    (
        Topic.WORK_PRESSURE,
        ContactWay.PHONE,
        150,
        "",
        [
            (148, "首次电话。换岗后任务重，加班多。", 14),
            (133, "回访。已与单位协调分工，状态好转，双方同意结束。", None),
        ],
        [],
        (CloseReason.RESOLVED, 130),
    ),
)


def _at(today: datetime.date, days_ago: int, hour: int) -> datetime.datetime:
    day = today - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 20)))


def extend(*, county: County, seed: int, today: datetime.date) -> str:
    counselor = User.objects.filter(county=county, role=Role.COUNSELOR).order_by("id").first()
    if counselor is None:
        return "心理疏导：没有疏导员账号，未生成个案。"
    demo_cadre = User.objects.filter(county=county, role=Role.CADRE).order_by("id").first()
    head = User.objects.filter(county=county, role=Role.UNIT_HEAD).order_by("id").first()
    pool = list(
        Cadre.objects.filter(county=county, status=CadreStatus.ACTIVE)
        .exclude(pk=getattr(demo_cadre, "cadre_id", None))
        .order_by("id")
        .values_list("id", flat=True)[:2000]
    )
    rng = random.Random(seed * 7919 + 10)
    cadres = Cadre.objects.in_bulk(rng.sample(pool, len(STORIES)))
    calendar = work_calendar(county_id=county.pk)
    for cadre_id, story in zip(cadres, STORIES, strict=True):
        topic, way, ago, text, contacts, screenings, close = story
        requested_at = _at(today, ago, 9)
        case = services.request_record(
            counselor=counselor,
            cadre=cadres[cadre_id],
            topic=topic,
            contact_way=way,
            contact_time=ContactTime.WORKDAY_DAYTIME,
            text=text,
            oral_consent=True,
            at=requested_at,
        )
        events = [(days, "contact", item) for days, *item in contacts]
        events += [(days, "screening", item) for *item, days in screenings]
        for days, kind, item in sorted(events, key=lambda e: (-e[0], e[1])):
            day = today - datetime.timedelta(days=days)
            case = Case.objects.get(pk=case.pk)
            if kind == "contact":
                note, next_in = item
                services.contact_record(
                    counselor=counselor,
                    case=case,
                    contact_on=day,
                    contact_way=way,
                    note=note,
                    next_due=calendar.add_working_days(start=day, days=next_in)
                    if next_in
                    else None,
                )
            else:
                instrument, answers = item
                services.screening_record(
                    counselor=counselor,
                    case=case,
                    instrument=instrument,
                    answers=answers,
                    consent=True,
                    on=day,
                    at=_at(today, days, 10),
                )
        if close is not None:
            reason, closed_ago = close
            services.case_close(
                counselor=counselor,
                case=Case.objects.get(pk=case.pk),
                reason=reason,
                on=today - datetime.timedelta(days=closed_ago),
            )
    if demo_cadre is not None and head is not None:
        cadre = Cadre.objects.get(pk=demo_cadre.cadre_id)
        if cadre.unit_id == head.unit_id:
            services.referral_suggest(user=head, cadre=cadre, at=_at(today, 2, 15))
    services.reminders_issue(today=today)
    return f"心理疏导：{len(STORIES)} 个个案（含 1 个紧急、逾期跟进），1 条待本人决定的推荐。"
