"""Demo data of the voice app: three survey waves and a 心声 board for the demo county.

Everything goes through the services the pages use: waves are opened and closed by the
organization department, answers come in through the bulk submission (the same checks and rows
as the answering page), posts and comments through the board services. Deterministic for a
seed: which of a group's interchangeable codes carries which answer varies, the answers do not.

The answers follow a latent wellbeing per person with plausible differences: townships and
subdistricts lower than county departments, 股级 office heads (党政办主任 and the like) lowest,
people in their thirties a little lower, and the latest wave a little better after the 2024
减负 rules.
"""

import datetime
import math
import random
from collections import defaultdict
from typing import Any

from django.utils import timezone

from zhongjian.accounts.models import User
from zhongjian.accounts.roles import Role
from zhongjian.core.crypto import decrypt_text
from zhongjian.org.models import Cadre, County
from zhongjian.voice.choices import BoardCategory, ModerationStatus
from zhongjian.voice.instrument_spec import Instrument
from zhongjian.voice.models import BoardPost, WaveGroup, WaveToken
from zhongjian.voice.services.answering import Submission, responses_submit_bulk
from zhongjian.voice.services.board import comment_create, post_create, reply_create
from zhongjian.voice.services.waves import wave_close, wave_create, wave_open

# (title, instruments, days before today it opened, days it runs, with a free-text question)
WAVES = (
    (
        "2025年秋季干部思想动态测评",
        ("who5:1", "cbi_work:1", "pressure_sources:1"),
        330,
        14,
        False,
    ),
    (
        "2026年春季干部思想动态测评",
        ("who5:1", "cbi_work:1", "turnover:1", "promotion:1"),
        180,
        14,
        True,
    ),
    (
        "2026年秋季干部思想动态测评",
        ("who5:1", "cbi_work:1", "pss4:1", "pressure_sources:1"),
        40,
        14,
        True,
    ),
    # Still open, so that slips, links and the answering page can be tried out.
    ("2026年冬季干部思想动态测评", ("who5:1", "cbi_work:1", "turnover:1"), 3, 14, True),
)
# Higher is better wellbeing; an item's direction flips when it is scored reversed.
DIRECTION = {
    "who5": 1,
    "cbi_work": -1,
    "pressure_sources": -1,
    "promotion": 1,
    "pss4": -1,
    "pss10": -1,
    "turnover": -1,
}
BASE = 0.35
KIND_EFFECT = {
    "township": -0.4,
    "subdistrict": -0.25,
    "county_department": 0.1,
    "public_institution": 0.2,
    "": 0.0,
}
TIER_EFFECT = {"zhengke": 0.05, "fuke": -0.1, "guji": -0.2, "general": 0.1, "": 0.0}
BAND_EFFECT = {"u30": 0.1, "30s": -0.15, "40s": -0.05, "50s": 0.1, "60p": 0.2, "": 0.0}
RESPONSE_RATE = {"township": 0.72, "subdistrict": 0.75, "county_department": 0.82}


def _actor(county: County, role: str) -> Any:
    """The county's demo user of the role, or an unsaved stand-in when the demo has no users
    (services only read the role and county of an actor; nothing stores an anonymous one)."""
    user = User.objects.filter(role=role, county=county).order_by("pk").first()
    return user or User(username=f"demo_{role}", role=role, county=county)


def _answers(
    instruments: list[Instrument], latent: float, rng: random.Random
) -> dict[str, dict[str, int | None]]:
    answers: dict[str, dict[str, int | None]] = {}
    for instrument in instruments:
        direction = DIRECTION.get(instrument.code, 1)
        answers[instrument.code] = {}
        for item in instrument.items:
            values = sorted(option.value for option in item.options)
            sign = -direction if item.reverse else direction
            position = 1 / (1 + math.exp(-(sign * 1.3 * latent + rng.gauss(0, 0.6))))
            answers[instrument.code][item.code] = values[round(position * (len(values) - 1))]
    return answers


def _comment(latent: float, rng: random.Random) -> str:
    pool = COMMENTS_LOW if latent < -0.3 else COMMENTS_HIGH if latent > 0.4 else COMMENTS_MID
    return rng.choice(pool) if rng.random() < 0.35 else ""


def _run_wave(
    *,
    county: County,
    org: Any,
    rng: random.Random,
    today: datetime.date,
    number: int,
    spec: tuple[str, tuple[str, ...], int, int, bool],
) -> int:
    title, instruments, days_ago, duration, free_text = spec
    opened = today - datetime.timedelta(days=days_ago)
    closes = opened + datetime.timedelta(days=duration)
    units = list(Cadre.objects.filter(county=county).values_list("unit_id", flat=True).distinct())
    wave = wave_create(
        actor=org,
        today=opened,
        title=title,
        intro="为了解全县干部的工作状态和所思所盼，组织部开展本次匿名测评，约需 5 分钟。",
        unit_ids=sorted(units),
        mid_level_only=False,
        instrument_refs=list(instruments),
        k=5,
        free_text_prompt="您对减轻基层负担、关心关爱干部还有什么意见和建议？" if free_text else "",
        free_text_k=10,
        closes_on=closes,
    )
    wave_open(actor=org, wave=wave, today=opened)
    wave.refresh_from_db()
    codes: dict[int, list[str]] = defaultdict(list)
    for group_id, cipher in (
        WaveToken.objects.filter(wave=wave).order_by("group_id").values_list("group_id", "cipher")
    ):
        codes[group_id].append(decrypt_text(cipher))
    parsed = wave.instruments()
    by_day: dict[int, list[Submission]] = defaultdict(list)
    for group in WaveGroup.objects.filter(wave=wave).order_by("pk"):
        rate = RESPONSE_RATE.get(group.unit_kind, 0.85)
        answering = sum(rng.random() < rate for _member in range(group.invited))
        for code in sorted(codes[group.pk])[:answering]:
            latent = (
                BASE
                + KIND_EFFECT[group.unit_kind]
                + TIER_EFFECT[group.tier]
                + BAND_EFFECT[group.age_band]
                + (0.2 if number >= 2 else 0.0)
                + rng.gauss(0, 0.9)
            )
            comment = _comment(latent, rng) if free_text else ""
            by_day[min(int(rng.expovariate(0.35)), duration - 1)].append(
                Submission(code=code, answers=_answers(parsed, latent, rng), comment=comment)
            )
    answered = 0
    for day in sorted(day for day in by_day if day < min(duration, days_ago)):
        answered += responses_submit_bulk(
            wave=wave, submissions=by_day[day], today=opened + datetime.timedelta(days=day)
        )
    if closes < today:
        wave_close(actor=org, wave=wave, today=closes)
    return answered


def _board(*, county: County, org: Any, rng: random.Random, today: datetime.date) -> int:
    writer = User(username="demo_writer", role=Role.CADRE, county=county)
    names = list(
        Cadre.objects.filter(county=county).order_by("staff_no").values_list("name", flat=True)[:50]
    )
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(9)))
    for index, (category, title, body) in enumerate(POSTS):
        at = start - datetime.timedelta(days=len(POSTS) * 3 - index * 3)
        at += datetime.timedelta(hours=rng.randint(0, 9))
        if index == 5 and names:
            body += f"上次{rng.choice(names)}说会解决，到现在也没有下文。"
        post = post_create(
            actor=writer, bucket=f"demo-{index}", category=category, title=title, body=body, at=at
        )
        if post.status != ModerationStatus.PUBLISHED:
            continue
        for number in range(rng.choice((0, 1, 2, 2, 3, 4))):
            comment_create(
                actor=writer,
                bucket=f"demo-{index}-{number}",
                post_id=post.pk,
                body=rng.choice(COMMENTS_BOARD),
                at=at + datetime.timedelta(hours=1 + 20 * number + rng.randint(0, 4)),
            )
        if category in REPLIES and index % 3 != 2:
            reply_create(
                actor=org,
                post_id=post.pk,
                body=REPLIES[category],
                at=at + datetime.timedelta(days=2, hours=rng.randint(0, 6)),
            )
        BoardPost.objects.filter(pk=post.pk).update(read_count=rng.randint(20, 400))
    return len(POSTS)


def extend(*, county: County, seed: int, today: datetime.date) -> str:
    """Three closed waves, one open wave with its first answers, and the board."""
    rng = random.Random(seed * 31 + 5)
    org = _actor(county, Role.ORG_DEPARTMENT)
    answered = [
        _run_wave(county=county, org=org, rng=rng, today=today, number=number, spec=spec)
        for number, spec in enumerate(WAVES)
    ]
    posts = _board(county=county, org=org, rng=rng, today=today)
    return (
        f"心声：{len(WAVES)} 个测评批次（作答 {'、'.join(map(str, answered))} 份），"
        f"{posts} 个匿名帖子。"
    )


COMMENTS_LOW = (
    "乡镇事情太多，检查一个接一个，基本没有休息日，希望真正减负。",
    "填表报数太多，同一组数据要报好几遍，希望统一口径、一次报送。",
    "工作群里天天要求发照片留痕，形式大于内容，很累。",
    "党政办人手太少，一个人干几个人的活，长期下去身体吃不消。",
    "晋升看不到希望，干多干少一个样，有点心灰意冷。",
    "问责压力太大，做事畏手畏脚，担心出错。",
    "夫妻两地分居多年，孩子没人管，很焦虑。",
)
COMMENTS_MID = (
    "希望多一些业务培训，特别是新政策的解读。",
    "建议乡镇和县直部门干部多交流轮岗。",
    "职级晋升能不能再透明一些，公示得再详细一些。",
    "希望借调人员能按时回原单位，不要一借就是几年。",
    "建议统筹安排督查检查，能合并的合并。",
)
COMMENTS_HIGH = (
    "今年会议明显少了，能把更多时间放在群众身上，感谢组织。",
    "单位氛围很好，领导关心大家，工作虽然忙但很充实。",
    "减负的效果看得见，希望继续坚持。",
    "感谢组织的关心，希望这样的测评常态化。",
)
COMMENTS_BOARD = (
    "同感，我们单位也是这样。",
    "建议组织部统筹一下，这个问题很普遍。",
    "说出了很多人的心声。",
    "我们那边去年调整过，效果还不错，可以参考。",
    "希望能有个明确的说法。",
    "顶一下，期待组织部回复。",
    "换位思考一下，领导也有难处，但问题确实存在。",
    "可以先和分管领导沟通，说不定有转机。",
)
POSTS = (
    (
        BoardCategory.WORK_PRESSURE,
        "怎么做可以不当乡镇党政办主任？",
        "在镇党政办当了四年主任，文件、会议、迎检、值班全压在身上，经常晚上十点以后才下班。"
        "想问问大家，有没有办法换个岗位？是不是只能硬扛？",
    ),
    (
        BoardCategory.BURDEN,
        "同一组数据为什么要报三遍？",
        "上周县里三个部门先后要同一组人口数据，格式还都不一样。能不能建个共享台账，报一次大家都能用？",
    ),
    (
        BoardCategory.PROMOTION,
        "被列为提拔人选却想婉拒，会有什么影响？",
        "家里老人身体不好，孩子也小，这两年实在顾不上更重的担子。婉拒提拔以后还会被考虑吗？",
    ),
    (
        BoardCategory.PAY,
        "乡镇工作补贴能不能按时足额发放？",
        "听说乡镇工作补贴标准要调整，但去年的还有部分没到位。希望能公开一下发放时间和标准。",
    ),
    (
        BoardCategory.WORK_PRESSURE,
        "周末加班成常态，家里意见很大",
        "这半年几乎每个周末都有任务，爱人说我这个家是旅馆。大家是怎么平衡工作和家庭的？",
    ),
    (
        BoardCategory.SUGGESTION,
        "建议建立县直部门和乡镇干部双向交流机制",
        "乡镇干部缺少到县直部门锻炼的机会，县直部门的同志也不太了解基层实际。建议定期双向交流。",
    ),
    (
        BoardCategory.GROWTH,
        "希望多组织业务培训，少一些学习打卡",
        "每天的学习打卡占了不少时间，真正需要的业务培训反而很少。能不能把时间用在刀刃上？",
    ),
    (
        BoardCategory.FAMILY,
        "夫妻两地分居，能否考虑就近调整？",
        "我在乡镇，爱人在县城另一头的单位，孩子明年上小学。有没有就近调整的政策可以申请？",
    ),
    (
        BoardCategory.BURDEN,
        "工作群里每天都要发照片留痕",
        "下村要拍照，开会要拍照，连学习都要拍照发群里。留痕不等于实干，能不能减一减？",
    ),
    (
        BoardCategory.PAY,
        "职级并行后，事业编的同志怎么办？",
        "我们单位很多事业编同志干的是行政的活，职级晋升轮不到，待遇也上不去，心里有落差。",
    ),
    (
        BoardCategory.WORK_PRESSURE,
        "一个人对口七八个县直部门，忙不过来",
        "乡镇一个站所要对接好几个县直部门，每个部门都有考核，一个人实在分身乏术。",
    ),
    (
        BoardCategory.SUGGESTION,
        "借调期满能不能按时回原单位？",
        "借调一年到期了，原单位的岗位一直空着，两边都说再等等。希望借调有明确的期限和交接。",
    ),
    (
        BoardCategory.PROMOTION,
        "三十五岁以上还有遴选的机会吗？",
        "在乡镇工作十年了，年龄刚过三十五，听说遴选有年龄限制。想了解一下还有哪些发展渠道。",
    ),
    (
        BoardCategory.GROWTH,
        "年轻干部想学写材料，有没有好的方法？",
        "刚到党政办，写材料总是被退回来改。有没有前辈愿意分享一下经验？",
    ),
    (
        BoardCategory.BURDEN,
        "督查检查能不能合并进行？",
        "这个月已经迎接了五次检查，内容大同小异。能不能统筹一下，一次检查多个事项？",
    ),
    (
        BoardCategory.FAMILY,
        "孩子上学接送问题，乡镇干部实在顾不上",
        "单位离县城四十分钟车程，早上七点半就要到岗，孩子的接送只能托付给老人。",
    ),
    (
        BoardCategory.PROMOTION,
        "股级干部到副科的路到底有多长？",
        "在股级岗位上干了八年，身边同事也都差不多。想知道县里中层干部的提拔有什么规划。",
    ),
    (
        BoardCategory.OTHER,
        "有没有同事想一起周末爬山？",
        "工作压力大，想约几个同事周末去爬山放松一下，也算是锻炼身体。",
    ),
)
REPLIES = {
    BoardCategory.WORK_PRESSURE: (
        "感谢您的反映。县委组织部已将乡镇党政办等综合岗位的工作量纳入年度减负专项调研，"
        "将会同有关部门研究岗位职责清单和人员配备，也欢迎您通过本平台继续反映具体情况。"
    ),
    BoardCategory.BURDEN: (
        "您反映的问题很有代表性。按照《整治形式主义为基层减负若干规定》，县里正在清理填表报数和"
        "督查检查事项，推动数据共享、一次采集多方使用，相关进展将在本平台公开。"
    ),
    BoardCategory.PROMOTION: (
        "感谢您的提问。干部的提拔使用坚持事业为上、人岗相适，个人的实际困难可以在考察谈话中如实"
        "说明，组织上会综合考虑。中层干部的成长渠道和职级晋升办法，我部将适时作出说明。"
    ),
    BoardCategory.PAY: (
        "已转请县财政局、县人社局核实。乡镇工作补贴按政策规定执行，调整后的标准和发放时间将在"
        "核实后通过正式渠道公布。"
    ),
    BoardCategory.SUGGESTION: (
        "感谢您的建议。县委组织部将在年度干部交流计划中研究采纳，并对借调人员实行期限管理，"
        "到期按时回原单位。"
    ),
    BoardCategory.FAMILY: (
        "感谢您的反映。对夫妻长期分居、子女就学等实际困难，可向所在单位党组织提出书面申请，"
        "组织部门将在干部调整时统筹考虑。"
    ),
}
