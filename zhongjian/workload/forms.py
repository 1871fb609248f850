"""Forms of the workload pages: the one-minute demand form, completion, overtime, rules."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.core.forms import Form
from zhongjian.org.models import Unit
from zhongjian.workload.choices import DemandKind, DocumentCategory, OrganLevel, RuleKey
from zhongjian.workload.models import Organ
from zhongjian.workload.services import demand_problems

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DemandForm(Form):
    """Title, organ, kind, dates and units first; the kind's own details are optional."""

    title = forms.CharField(
        label=_("事项名称"),
        max_length=200,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    organ_name = forms.CharField(
        label=_("下达机关"),
        max_length=100,
        help_text=_("输入几个字后从列表中选择；列表中没有的，选择机关层级即可新增"),
        widget=forms.TextInput(attrs={"list": "organ-list", "autocomplete": "off"}),
    )
    organ_level = forms.ChoiceField(
        label=_("机关层级（新增机关时）"),
        choices=[("", "—"), *OrganLevel.choices],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("类型"), choices=DemandKind.choices, initial=DemandKind.DOCUMENT
    )
    issued_on = forms.DateField(label=_("下达日期"), widget=DATE)
    deadline = forms.DateField(label=_("完成时限"), widget=DATE, required=False)
    units = forms.ModelMultipleChoiceField(
        label=_("承办单位"),
        queryset=Unit.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("下达到几个单位的，按住 Ctrl 多选；一次登记，分别计入各单位"),
    )
    document_no = forms.CharField(label=_("文号"), max_length=64, required=False)
    doc_category = forms.ChoiceField(
        label=_("文件类别"), choices=[("", "—"), *DocumentCategory.choices], required=False
    )
    char_count = forms.IntegerField(label=_("字数"), min_value=0, required=False)
    meeting_hours = forms.DecimalField(
        label=_("会议时长（小时）"),
        min_value=Decimal(0),
        max_value=Decimal(240),
        decimal_places=1,
        required=False,
    )
    accompany_required = forms.BooleanField(label=_("要求陪会"), required=False)
    attendees = forms.IntegerField(label=_("参会人数"), min_value=0, max_value=999, required=False)
    onsite = forms.BooleanField(label=_("实地督查检查"), required=False)
    inspection_days = forms.IntegerField(
        label=_("督查天数"), min_value=0, max_value=365, required=False
    )
    table_count = forms.IntegerField(label=_("表格数"), min_value=0, max_value=999, required=False)
    trace_photos = forms.BooleanField(label=_("拍照留痕"), required=False)
    trace_group_checkin = forms.BooleanField(label=_("工作群打卡"), required=False)
    trace_ledger = forms.BooleanField(label=_("台账资料"), required=False)
    trace_required = forms.BooleanField(label=_("其他留痕要求"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zhongjian.workload.selectors import visible_units

        units = visible_units(user).filter(is_active=True).order_by("kind", "code")
        self.fields["units"].queryset = units
        self.fields["issued_on"].initial = timezone.localdate()
        if getattr(user, "unit_id", None) and units.count() == 1:
            # A unit office registers for itself: the unit is given, not chosen.
            self.fields["units"].initial = [user.unit_id]
            self.fields["units"].widget = forms.MultipleHiddenInput()
        self.county_id = user.county_id

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field, message in demand_problems(data):
            self.add_error(field if field in self.fields else None, message)
        name = (data.get("organ_name") or "").strip()
        if name:
            organ = Organ.objects.filter(county_id=self.county_id, name=name).first()
            if organ is None and not data.get("organ_level"):
                self.add_error(
                    "organ_level",
                    _("「%(name)s」不在机关列表中；请选择机关层级以新增") % {"name": name},
                )
            data["organ"] = organ
        return data


class CompleteForm(Form):
    unit = forms.IntegerField(widget=forms.HiddenInput())
    completed_on = forms.DateField(label=_("完成日期"), widget=DATE, required=False)


class OvertimeForm(Form):
    week_start = forms.DateField(label=_("周一日期"), widget=DATE)
    overtime_headcount = forms.IntegerField(label=_("加班人数"), min_value=0, max_value=9999)
    overtime_hours = forms.DecimalField(
        label=_("加班总时长（小时）"),
        min_value=Decimal(0),
        max_value=Decimal(99999),
        decimal_places=1,
    )
    weekend_days = forms.IntegerField(label=_("周末加班人天数"), min_value=0, max_value=9999)


class RuleForm(Form):
    key = forms.ChoiceField(label=_("规则"), choices=RuleKey.choices)
    value = forms.DecimalField(
        label=_("数值"), min_value=Decimal(0), max_digits=10, decimal_places=2
    )
    effective_from = forms.DateField(label=_("生效日期"), widget=DATE)
    source = forms.CharField(label=_("依据"), max_length=255)


class FilterForm(Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部")), *DemandKind.choices], required=False
    )
    organ = forms.ModelChoiceField(
        label=_("下达机关"), queryset=Organ.objects.none(), required=False
    )
    month = forms.CharField(
        label=_("月份"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    open_only = forms.BooleanField(label=_("只看未办结"), required=False)

    def __init__(self, *args: Any, organs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organ"].queryset = organs
