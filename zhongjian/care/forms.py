"""Forms of the care pages; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongjian.care.choices import CloseReason, ContactTime, ContactWay, Instrument, Topic
from zhongjian.care.scoring import ITEMS, OPTIONS
from zhongjian.care.services import NOTE_MAX, REQUEST_TEXT_MAX
from zhongjian.core.forms import Form


class RequestForm(Form):
    topic = forms.ChoiceField(label=_("想聊的主题"), choices=Topic.choices)
    contact_way = forms.ChoiceField(
        label=_("希望的联系方式"), choices=ContactWay.choices, widget=forms.RadioSelect
    )
    contact_time = forms.ChoiceField(label=_("方便的时间"), choices=ContactTime.choices)
    text = forms.CharField(
        label=_("想先说的话（可不填）"),
        required=False,
        max_length=REQUEST_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("加密保存，只有分配给您的疏导员能看到。"),
    )
    consent = forms.BooleanField(label=_("我已阅读并同意上面的《心理疏导知情同意书》"))


class RecordRequestForm(RequestForm):
    cadre = forms.CharField(label=_("干部姓名或人员编号"), max_length=32)
    consent = forms.BooleanField(label=_("已向本人宣读《心理疏导知情同意书》，本人口头同意"))

    field_order = ["cadre", "topic", "contact_way", "contact_time", "text", "consent"]


class ContactForm(Form):
    contact_on = forms.DateField(
        label=_("联系日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    contact_way = forms.ChoiceField(label=_("联系方式"), choices=ContactWay.choices)
    note = forms.CharField(
        label=_("疏导记录"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("加密保存，只有当前负责的疏导员能看到，每次查阅都记入审计日志。"),
    )
    next_due = forms.DateField(
        label=_("下次跟进日期（可不填）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ScheduleForm(Form):
    due_on = forms.DateField(
        label=_("跟进日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class CloseForm(Form):
    reason = forms.ChoiceField(
        label=_("结案原因"),
        choices=[c for c in CloseReason.choices if c[0] != CloseReason.WITHDRAWN],
    )


class ReassignForm(Form):
    counselor = forms.TypedChoiceField(label=_("改派给"), coerce=int)

    def __init__(self, *args: object, counselors: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["counselor"].choices = counselors  # type: ignore[attr-defined]


class ReferralForm(Form):
    cadre = forms.TypedChoiceField(label=_("干部"), coerce=int)

    def __init__(self, *args: object, cadres: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["cadre"].choices = cadres  # type: ignore[attr-defined]


def screening_form(
    instrument: str, data: object = None, *, initial: dict[str, object] | None = None
) -> forms.Form:
    """A form with one 0–3 radio question per item of INSTRUMENT, plus the screening consent."""
    fields: dict[str, forms.Field] = {
        f"q{number}": forms.TypedChoiceField(
            label=f"{number}. {text}",
            choices=OPTIONS,
            coerce=int,
            widget=forms.RadioSelect,
        )
        for number, text in enumerate(ITEMS[instrument], start=1)
    }
    fields["administered_on"] = forms.DateField(
        label=_("筛查日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    fields["consent"] = forms.BooleanField(
        label=_("本人已同意填写量表（《心理量表筛查同意书》）"), required=False
    )
    form_class = type("ScreeningForm", (forms.Form,), fields)
    return form_class(data or None, initial=initial)


INSTRUMENTS = dict(Instrument.choices)
