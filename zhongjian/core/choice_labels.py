"""`get_FOO_display()` from a dictionary built once per field.

Django's own implementation builds a dictionary of every choice of the field on each call,
hashing each lazy label on the way, and hashing a lazy string translates it: a list page showing
three labelled columns of 50 rows made some 1,000 translations per request (about a fifth of a
roster page's server time). The labels here stay lazy in the dictionary and are translated only
for the value shown, in the language active at the call, exactly as Django's would be.
"""

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _labels(field: Any) -> dict[Any, Any]:
    try:
        return field._zhongjian_choice_labels
    except AttributeError:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        field._zhongjian_choice_labels = labels
        return labels


def choice_display(instance: Model, field: Any) -> Any:
    """The label of INSTANCE's value of FIELD (the value itself when it is not a choice)."""
    value = getattr(instance, field.attname)
    labels = _labels(field)
    try:
        label = labels.get(value, value)
    except TypeError:  # an unhashable value (a list in a JSON field with choices)
        label = labels.get(make_hashable(value), value)
    return force_str(label, strings_only=True)


def install() -> int:
    """Give every field with fixed choices of Zhongjian's models this `get_FOO_display()`
    (fields whose choices are a callable, and methods a model defines itself, keep theirs).
    Returns the number of methods replaced."""
    replaced = 0
    for model in apps.get_models():
        if not model.__module__.startswith("zhongjian."):
            continue
        for field in model._meta.local_fields:
            if not field.choices or isinstance(field.choices, CallableChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is Model._get_FIELD_display:
                setattr(model, name, partialmethod(choice_display, field=field))
                replaced += 1
    return replaced
