"""Forms of the voice pages: waves, custom instruments and the board."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongjian.core.forms import Form
from zhongjian.org.models import Unit
from zhongjian.voice.choices import BoardCategory, InvitationMode
from zhongjian.voice.selectors.instruments import InstrumentEntry
from zhongjian.voice.services.instruments import SCALES
from zhongjian.voice.services.waves import MAX_K
from zhongjian.voice.suppression import MIN_K


class WaveForm(Form):
    title = forms.CharField(label=_("批次名称"), max_length=100)
    intro = forms.CharField(
        label=_("致参与者（显示在问卷开头）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    all_units = forms.BooleanField(label=_("全县所有单位（勾选后不必逐个选择）"), required=False)
    units = forms.TypedMultipleChoiceField(
        label=_("范围（单位）"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    mid_level_only = forms.BooleanField(
        label=_("仅邀请中层干部（正科、副科、股级）"), required=False
    )
    instruments = forms.MultipleChoiceField(
        label=_("测评工具"), widget=forms.CheckboxSelectMultiple
    )
    k = forms.IntegerField(
        label=_("匿名阈值 k（每个统计格至少 k 人才显示）"),
        min_value=MIN_K,
        max_value=MAX_K,
        initial=5,
    )
    free_text_prompt = forms.CharField(
        label=_("开放题（可不填）"),
        required=False,
        max_length=200,
        initial=_("您对改进工作、关心关爱干部还有什么想说的？"),
    )
    free_text_k = forms.IntegerField(
        label=_("开放题匿名阈值（至少这么多条意见才显示）"),
        min_value=MIN_K,
        max_value=MAX_K,
        initial=10,
    )
    closes_on = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    invitation_mode = forms.ChoiceField(
        label=_("邀请方式"),
        choices=InvitationMode.choices,
        initial=InvitationMode.SLIPS,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, units: list[Unit], instruments: list[InstrumentEntry], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [
            (unit.pk, f"{unit.name}（{unit.get_kind_display()}）") for unit in units
        ]
        self.fields["instruments"].choices = [
            (
                entry.ref,
                f"{entry.instrument.title}"
                + ("" if entry.instrument.validated else "（未经信效度检验）"),
            )
            for entry in instruments
        ]

    def settings(self) -> dict[str, Any]:
        data = self.cleaned_data
        everyone = [value for value, _label in self.fields["units"].choices]
        return {
            "title": data["title"],
            "intro": data["intro"],
            "unit_ids": everyone if data["all_units"] else data["units"],
            "mid_level_only": data["mid_level_only"],
            "instrument_refs": data["instruments"],
            "k": data["k"],
            "invitation_mode": data["invitation_mode"] or InvitationMode.SLIPS,
            "free_text_prompt": data["free_text_prompt"],
            "free_text_k": data["free_text_k"],
            "closes_on": data["closes_on"],
        }


class DeadlineForm(Form):
    closes_on = forms.DateField(
        label=_("新的截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )


class InstrumentBuilderForm(Form):
    code = forms.RegexField(
        label=_("编码（小写字母、数字、下划线）"), regex=r"^[a-z][a-z0-9_]{1,39}$", max_length=40
    )
    title = forms.CharField(label=_("名称"), max_length=100)
    instructions = forms.CharField(label=_("指导语"), max_length=1000)
    items_text = forms.CharField(
        label=_("题目（每行一题；反向计分的题目以“（反）”开头）"),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    scale = forms.ChoiceField(
        label=_("选项类型"), choices=[(code, label) for code, (label, _o) in SCALES.items()]
    )


class InstrumentJsonForm(Form):
    spec = forms.CharField(
        label=_("完整定义（JSON，格式见文档）"), widget=forms.Textarea(attrs={"rows": 16})
    )

    def clean_spec(self) -> Any:
        try:
            return json.loads(self.cleaned_data["spec"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("不是有效的 JSON：第 %(line)d 行 %(msg)s"),
                params={"line": exc.lineno, "msg": exc.msg},
            ) from exc


class PostForm(Form):
    category = forms.ChoiceField(label=_("分类"), choices=BoardCategory.choices)
    title = forms.CharField(label=_("标题"), min_length=4, max_length=80)
    body = forms.CharField(
        label=_("正文"), min_length=10, max_length=5000, widget=forms.Textarea(attrs={"rows": 8})
    )


class CommentForm(Form):
    body = forms.CharField(
        label=_("匿名评论"), min_length=2, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(Form):
    body = forms.CharField(
        label=_("组织部答复"),
        min_length=2,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
