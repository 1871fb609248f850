"""Forms of the registry's edit pages; they check input, the services and org.validation the rules.

Each form is a plain `Form` built from the model's fields (labels, choices and lengths stay the
model's), so that nothing writes a row except the service the view calls.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongjian.core.errors import DomainError
from zhongjian.core.forms import Form
from zhongjian.org.choices import EndReason
from zhongjian.org.models import Appointment, Cadre, CorrectionRequest, Post, RankGrant, Unit
from zhongjian.org.validation import RecordInvalid


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _model_fields(model: type, names: list[str], **required: bool) -> dict[str, forms.Field]:
    fields = forms.fields_for_model(model, fields=names)
    for name, field in fields.items():
        if isinstance(field, forms.DateField):
            field.widget = DateInput()
        if name in required:
            field.required = required[name]
    return fields


class ServiceForm(Form):
    """A form whose service may refuse it: the refusal's messages go beside their fields."""

    def add_refusal(self, error: DomainError) -> None:
        if isinstance(error, RecordInvalid):
            for violation in error.violations:
                self.add_error(
                    violation.field if violation.field in self.fields else None, violation.message
                )
        else:
            self.add_error(None, error.message)


class UnitForm(ServiceForm):
    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(Unit, ["code", "name", "kind"]))
        self.fields["parent"] = forms.ModelChoiceField(
            queryset=parents, required=False, label=_("上级单位"), empty_label=_("（无）")
        )
        if self.initial.get("pk"):
            self.fields["is_active"] = forms.BooleanField(label=_("有效"), required=False)


class PostForm(ServiceForm):
    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ["title", "tier", "is_leadership", "allows_concurrent", "required_establishment"]
        self.fields.update(_model_fields(Post, [*names, "headcount"]))
        self.fields["headcount"].min_value = 1
        if editing:
            self.fields["is_active"] = forms.BooleanField(label=_("有效"), required=False)


CADRE_FIELDS = [
    "staff_no",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "education",
    "party_status",
    "party_join_date",
    "establishment",
    "work_start_date",
    "grassroots_start_date",
    "is_worker",
]


class CadreForm(ServiceForm):
    def __init__(self, *args: Any, units: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(Cadre, CADRE_FIELDS))
        self.fields["unit"] = forms.ModelChoiceField(queryset=units, label=_("所在单位"))
        self.fields["id_number"] = forms.CharField(
            label=_("身份证号"),
            required=False,
            max_length=20,
            help_text=_("留空表示不变") if editing else _("18 位，末位可为 X"),
        )
        if editing:
            self.fields.update(_model_fields(Cadre, ["status"]))
            self.order_fields(["unit", *CADRE_FIELDS, "id_number", "status"])
        else:
            self.order_fields(["unit", *CADRE_FIELDS, "id_number"])


class AppointmentForm(ServiceForm):
    def __init__(self, *args: Any, posts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"] = forms.ModelChoiceField(queryset=posts, label=_("岗位"))
        self.fields.update(_model_fields(Appointment, ["start_date", "document_no"]))
        self.fields["end_current"] = forms.BooleanField(
            label=_("同时免去现任的其他职务（交流调整）"), required=False
        )


class AppointmentEndForm(ServiceForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            _model_fields(
                Appointment,
                ["end_date", "end_reason", "end_document_no"],
                end_date=True,
                end_reason=True,
            )
        )
        self.fields["end_reason"].choices = [("", "---------"), *EndReason.choices]


class AppointmentCorrectForm(ServiceForm):
    def __init__(self, *args: Any, ended: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ["start_date", "document_no", *(["end_document_no"] if ended else [])]
        self.fields.update(_model_fields(Appointment, names))


class RankGrantForm(ServiceForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_model_fields(RankGrant, ["rank", "granted_on", "note"]))


class CorrectionRequestForm(ServiceForm):
    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"] = forms.ChoiceField(
            label=CorrectionRequest._meta.get_field("field").verbose_name,
            choices=[("", "---------"), *subjects],
        )
        self.fields["text"] = forms.CharField(
            label=CorrectionRequest._meta.get_field("text").verbose_name,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("写明现在登记的内容有何不对、应当是什么，以及依据（如档案、文件）。"),
        )


class CorrectionCloseForm(ServiceForm):
    resolution = forms.CharField(
        label=_("处理说明"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
