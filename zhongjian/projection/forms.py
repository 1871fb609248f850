"""Forms of the scenario and optimiser pages; their cleaned data feed `Levers.from_dict`."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhongjian.core.forms import Form
from zhongjian.org.choices import Tier
from zhongjian.pipeline.choices import DepartureKind

ENTRY_TIERS = (Tier.GENERAL, Tier.GUJI, Tier.FUKE, Tier.ZHENGKE)
EXIT_KIND_LABELS = {
    "upward_selection": DepartureKind.UPWARD_SELECTION.label,
    "transfer": DepartureKind.TRANSFER.label,
    "resignation": DepartureKind.RESIGNATION.label,
    "other": DepartureKind.OTHER.label,
}


def _percent(label: Any) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": "1", "placeholder": "0"}),
    )


def _count(label: Any, *, placeholder: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"placeholder": placeholder}),
    )


class LeverForm(Form):
    """The policy levers; empty fields mean today's trend."""

    refusal_cut = _percent(_("不接受提拔率降低（%）"))
    upward_quota = _count(_("遴选名额（人/年）"), placeholder=str(_("按趋势")))
    rank_step_months = forms.IntegerField(
        label=_("职级晋升每档提前（月）"),
        required=False,
        min_value=0,
        max_value=12,
        widget=forms.NumberInput(attrs={"placeholder": "0"}),
    )
    retirement_reform = forms.TypedChoiceField(
        label=_("渐进式延迟退休"),
        choices=(("1", _("实施（现行规定）")), ("0", _("不实施（对照）"))),
        coerce=lambda value: value == "1",
        initial="1",
        required=False,
        empty_value=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in EXIT_KIND_LABELS.items():
            self.fields[f"exit_cut_{kind}"] = _percent(_("%(kind)s率降低（%%）") % {"kind": label})
        for tier in ENTRY_TIERS:
            self.fields[f"recruits_{tier}"] = _count(
                _("%(tier)s每年招录（人）") % {"tier": tier.label}, placeholder=str(_("按趋势"))
            )

    def exit_fields(self) -> list[forms.BoundField]:
        return [self[f"exit_cut_{kind}"] for kind in EXIT_KIND_LABELS]

    def recruit_fields(self) -> list[forms.BoundField]:
        return [self[f"recruits_{tier}"] for tier in ENTRY_TIERS]

    def levers(self) -> dict:
        data = self.cleaned_data
        return {
            "exit_cut": {k: data.get(f"exit_cut_{k}") for k in EXIT_KIND_LABELS},
            "refusal_cut": data.get("refusal_cut") or 0,
            "recruits": {str(t): data.get(f"recruits_{t}") for t in ENTRY_TIERS},
            "upward_quota": data.get("upward_quota"),
            "rank_step_months": data.get("rank_step_months") or 0,
            "retirement_reform": data.get("retirement_reform", True) is not False,
        }

    @staticmethod
    def initial_for(levers: dict) -> dict:
        """Form values showing stored LEVERS again."""
        initial: dict[str, Any] = {
            "refusal_cut": levers.get("refusal_cut") or None,
            "upward_quota": levers.get("upward_quota"),
            "rank_step_months": levers.get("rank_step_months") or None,
            "retirement_reform": "1" if levers.get("retirement_reform", True) else "0",
        }
        for kind, value in (levers.get("exit_cut") or {}).items():
            initial[f"exit_cut_{kind}"] = value
        for tier, value in (levers.get("recruits") or {}).items():
            initial[f"recruits_{tier}"] = value
        return initial


class SaveScenarioForm(Form):
    name = forms.CharField(label=_("方案名称"), max_length=60)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class OptimiserForm(Form):
    target = forms.FloatField(
        label=_("各层级空缺率不超过（%）"), min_value=0, max_value=99, initial=10
    )
    years = forms.IntegerField(label=_("预测年数"), min_value=1, max_value=20, initial=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for tier in ENTRY_TIERS:
            self.fields[f"cap_{tier}"] = _count(
                _("%(tier)s每年最多招录（人）") % {"tier": tier.label},
                placeholder=str(_("不限")) if tier == Tier.GENERAL else "0",
            )

    def cap_fields(self) -> list[forms.BoundField]:
        return [self[f"cap_{tier}"] for tier in ENTRY_TIERS]

    def caps(self) -> dict[str, int | None]:
        """Largest yearly intake per entry tier: empty is no limit for 一般, none for the rest."""
        caps: dict[str, int | None] = {}
        for tier in ENTRY_TIERS:
            value = self.cleaned_data.get(f"cap_{tier}")
            caps[str(tier)] = value if value is not None else (None if tier == Tier.GENERAL else 0)
        return caps
