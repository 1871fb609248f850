"""Form labels carry no ASCII colon (#14 item 11): every form of Zhongjian derives from
`core.forms.Form`, whose label suffix is empty."""

import importlib
import pkgutil

from django import forms

import zhongjian
from zhongjian.core.forms import Form


def _all_subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _all_subclasses(sub)
    return found


def test_every_form_has_no_label_colon() -> None:
    for module in pkgutil.walk_packages(zhongjian.__path__, "zhongjian."):
        if module.name.rsplit(".", 1)[-1] in {"forms", "views", "lrmx_views"} or ".views." in (
            module.name + "."
        ):
            importlib.import_module(module.name)
    ours = [
        cls
        for cls in _all_subclasses(forms.Form)
        if cls.__module__.startswith("zhongjian.") and cls.__module__ != "zhongjian.core.forms"
    ]
    assert len(ours) > 20
    plain = sorted(f"{cls.__module__}.{cls.__name__}" for cls in ours if not issubclass(cls, Form))
    assert plain == []
    assert "：" not in Form().label_suffix and ":" not in Form().label_suffix
