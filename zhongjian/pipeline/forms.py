"""Forms of the pipeline pages; they check input, the services check the rules."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhongjian.core.forms import Form
from zhongjian.org.choices import CadreStatus
from zhongjian.org.models import Cadre
from zhongjian.pipeline.choices import (
    BenchReadiness,
    DeclineReason,
    DepartureKind,
    DestinationLevel,
    DocumentKind,
    ExitReason,
    ObjectionStatus,
)
from zhongjian.pipeline.documents import MAX_TEMPLATE_BYTES


def _today() -> Any:
    return timezone.localdate()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: Any, *, required: bool = True, initial: Any = _today) -> forms.DateField:
    return forms.DateField(label=label, required=required, initial=initial, widget=DateInput())


def text_field(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CadreLookupField(forms.CharField):
    """A cadre of the user's county, typed as 人员编号 or as a name that is unique."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("干部（人员编号或姓名）"))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.county_id: int | None = None

    def clean(self, value: Any) -> Cadre:  # type: ignore[override]
        text = super().clean(value).strip()
        active = Cadre.objects.filter(county_id=self.county_id, status=CadreStatus.ACTIVE)
        by_number = active.filter(staff_no=text).first()
        if by_number is not None:
            return by_number
        named = list(active.filter(name=text)[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise forms.ValidationError(_("有多名同名的在职干部，请填写人员编号。"))
        raise forms.ValidationError(_("没有找到这名在职干部，请核对人员编号或姓名。"))


class CountyForm(Form):
    """A form whose cadre lookups stay inside the county of the signed-in user."""

    def __init__(self, *args: Any, county_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, CadreLookupField):
                field.county_id = county_id


class ProcessStartForm(Form):
    started_on = date_field(_("动议时间"))
    reason = text_field(_("动议理由"), required=True)
    override_reason = text_field(_("另行启动的理由"), required=True, rows=2)

    def __init__(self, *args: Any, covered: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked only when every vacant seat already has a selection running.
        if not covered:
            del self.fields["override_reason"]


class ProcessUpdateForm(Form):
    reason = text_field(_("动议理由"))
    recommendation_voters = forms.IntegerField(
        label=_("参加民主推荐人数"), required=False, min_value=1, max_value=100000
    )


class CandidateAddForm(CountyForm):
    cadre = CadreLookupField()
    added_on = date_field(_("列入人选时间"))


class RecommendationForm(Form):
    votes = forms.IntegerField(label=_("得票"), min_value=0, max_value=100000)
    is_vetting_target = forms.BooleanField(label=_("确定为考察对象"), required=False)


class VettingForm(Form):
    vetting_score = forms.DecimalField(
        label=_("考察得分"), min_value=0, max_value=100, max_digits=5, decimal_places=2
    )
    vetting_rank = forms.IntegerField(label=_("考察排名"), min_value=1, max_value=1000)
    vetting_notes = text_field(_("考察意见"))
    vetted_on = date_field(_("考察完成时间"))


class ChooseForm(Form):
    """Choosing the candidate to appoint (拟任人选): nothing to type."""

    def clean(self) -> dict[str, Any]:
        return {"is_chosen": True}


class DeclineForm(Form):
    declined_on = date_field(_("不接受时间"), initial=None)
    reason = forms.ChoiceField(label=_("主要原因"), choices=DeclineReason.choices)
    note = text_field(_("具体情况"))


class WithdrawForm(Form):
    on = date_field(_("退出时间"), initial=None)
    note = text_field(_("退出原因"), required=True)


class TransitionForm(Form):
    on = date_field(_("办理日期"))
    note = text_field(_("说明"), rows=2)
    notice_started_on = date_field(_("公示开始时间"), required=False, initial=None)
    document_no = forms.CharField(label=_("任职文号"), max_length=64, required=False)


class ObjectionForm(Form):
    received_on = date_field(_("收到时间"))
    summary = text_field(_("反映的问题"), required=True)


class ObjectionResolveForm(Form):
    status = forms.ChoiceField(
        label=_("核查结果"),
        choices=[c for c in ObjectionStatus.choices if c[0] != ObjectionStatus.OPEN],
    )
    resolved_on = date_field(_("核查完成时间"))
    resolution = text_field(_("核查情况"), required=True)


class BenchAddForm(CountyForm):
    cadre = CadreLookupField()
    readiness = forms.ChoiceField(label=_("成熟度"), choices=BenchReadiness.choices)
    added_on = date_field(_("列入时间"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class BenchReadinessForm(Form):
    readiness = forms.ChoiceField(label=_("成熟度"), choices=BenchReadiness.choices)


class BenchRemoveForm(Form):
    removed_on = date_field(_("移出时间"), initial=None)


class ReturnForm(Form):
    """A return from secondment: the day is chosen, never assumed to be today."""

    returned_on = date_field(_("返回时间"), initial=None)


class DepartureForm(CountyForm):
    cadre = CadreLookupField()
    kind = forms.ChoiceField(label=_("离岗方式"), choices=DepartureKind.choices)
    destination_level = forms.ChoiceField(label=_("去向层级"), choices=DestinationLevel.choices)
    destination = forms.CharField(label=_("去向单位"), max_length=100, required=False)
    departed_on = date_field(_("离岗时间"))
    planned_return_on = date_field(_("计划返回时间（借调必填）"), required=False, initial=None)
    note = text_field(_("情况说明"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == DepartureKind.SECONDMENT and not data.get("planned_return_on"):
            self.add_error("planned_return_on", _("借调须填写计划返回时间。"))
        return data


class ExitInterviewForm(Form):
    interviewed_on = date_field(_("谈话时间"))
    reasons = forms.MultipleChoiceField(
        label=_("离岗原因（可多选）"),
        choices=ExitReason.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    details = text_field(_("本人陈述"), rows=4)
    would_return_if = text_field(_("什么条件下愿意回来"))


class ResignationApplicationForm(Form):
    on = date_field(_("报告日期"))
    reasons = forms.MultipleChoiceField(
        label=_("辞职原因（可多选）"),
        choices=ExitReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    details = text_field(_("具体情况"), rows=4)


class TemplateUploadForm(Form):
    kind = forms.ChoiceField(label=_("文书类型"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("模板文件（.docx）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(
                _("模板文件不能超过 %(n)d MB。") % {"n": MAX_TEMPLATE_BYTES // 2**20}
            )
        return upload
