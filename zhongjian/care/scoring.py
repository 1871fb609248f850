"""PHQ-9 and GAD-7 scoring with their published bands, and the crisis rule for PHQ-9.

PHQ-9: Kroenke, Spitzer & Williams (2001), J Gen Intern Med 16:606–613 — nine items scored 0–3,
total 0–27; 5, 10, 15 and 20 mark mild, moderate, moderately severe and severe depression.
GAD-7: Spitzer, Kroenke, Williams & Löwe (2006), Arch Intern Med 166:1092–1097 — seven items
scored 0–3, total 0–21; 5, 10 and 15 mark mild, moderate and severe anxiety. Item texts are the
Chinese versions distributed with the instruments (Pfizer, free to use).

Any answer above 0 on PHQ-9 item 9 (thoughts of self-harm) or a PHQ-9 total of 20 or more marks
the case urgent: the counselor is shown the crisis steps and a follow-up is due the same day.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhongjian.care.choices import Instrument
from zhongjian.core.errors import ValidationError

OPTIONS = (
    (0, _("完全不会")),
    (1, _("好几天")),
    (2, _("一半以上的天数")),
    (3, _("几乎每天")),
)
STEM = _("在过去两个星期，有多少时候您受到以下任何问题所困扰？")

ITEMS = {
    Instrument.PHQ9: (
        _("做事时提不起劲或没有兴趣"),
        _("感到心情低落、沮丧或绝望"),
        _("入睡困难、睡不安稳或睡眠过多"),
        _("感觉疲倦或没有活力"),
        _("食欲不振或吃太多"),
        _("觉得自己很糟，或觉得自己很失败，或让自己或家人失望"),
        _("对事物专注有困难，例如阅读报纸或看电视时"),
        _("动作或说话速度缓慢到别人已经察觉，或正好相反：烦躁或坐立不安、动来动去的情况更胜于平常"),
        _("有不如死掉或用某种方式伤害自己的念头"),
    ),
    Instrument.GAD7: (
        _("感觉紧张、焦虑或急切"),
        _("不能够停止或控制担忧"),
        _("对各种各样的事情担忧过多"),
        _("很难放松下来"),
        _("由于不安而无法静坐"),
        _("变得容易烦恼或急躁"),
        _("感到似乎将有可怕的事情发生而害怕"),
    ),
}

# (lowest total of the band, band label), ascending.
BANDS = {
    Instrument.PHQ9: (
        (0, _("无或极轻微")),
        (5, _("轻度")),
        (10, _("中度")),
        (15, _("中重度")),
        (20, _("重度")),
    ),
    Instrument.GAD7: ((0, _("无或极轻微")), (5, _("轻度")), (10, _("中度")), (15, _("重度"))),
}
PHQ9_SEVERE = 20
PHQ9_SELF_HARM_ITEM = 9

CRISIS_STEPS = (
    _("今天内与本人直接通话或见面，询问是否有伤害自己的想法和计划，语气平和、不评判。"),
    _("有具体计划或已有行动时，不让其独处；在本人同意下联系其信任的家人或紧急联系人。"),
    _(
        "告知并协助拨打全国心理援助热线 12356；有现实危险时拨打 120 或 110，"
        "陪同到精神专科医院就诊。"
    ),
    _("把处置经过记入疏导记录，并在 24 小时内再次跟进。"),
)


@dataclass(frozen=True)
class Score:
    instrument: str
    answers: tuple[int, ...]
    total: int
    band: str
    urgent: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "instrument": self.instrument,
            "answers": list(self.answers),
            "total": self.total,
            "band": self.band,
            "urgent": self.urgent,
        }


def band_label(instrument: str, total: int) -> str:
    return str([label for lowest, label in BANDS[instrument] if total >= lowest][-1])


def score(instrument: str, answers: list[int] | tuple[int, ...]) -> Score:
    """Score one administration; every item must be answered with 0–3."""
    if instrument not in ITEMS:
        raise ValidationError(_("未知的量表。"))
    expected = len(ITEMS[instrument])
    if len(answers) != expected or any(
        not isinstance(a, int) or isinstance(a, bool) or not 0 <= a <= 3 for a in answers
    ):
        raise ValidationError(_("量表共 %(n)d 题，每题须选择 0–3 分中的一项。") % {"n": expected})
    total = sum(answers)
    urgent = instrument == Instrument.PHQ9 and (
        answers[PHQ9_SELF_HARM_ITEM - 1] > 0 or total >= PHQ9_SEVERE
    )
    return Score(
        instrument=instrument,
        answers=tuple(answers),
        total=total,
        band=band_label(instrument, total),
        urgent=urgent,
    )
