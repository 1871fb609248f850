"""`get_FOO_display()` from a dictionary built once per field.

Django's own implementation builds a dictionary of every choice of the field on each call,
hashing each lazy label on the way, and hashing a lazy string translates it: a list page showing
three labelled columns of 50 rows made some 1,000 translations per request (about a fifth of a
roster page's server time). Here each field's labels are translated once per language and
looked up in the language active at the call, giving the text Django's would.
"""

from functools import partialmethod
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


def _labels(field: Any) -> dict[Any, Any]:
    try:
        return field._zhongjian_choice_labels
    except AttributeError:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        field._zhongjian_choice_labels = labels
        return labels


def _texts(field: Any, language: str | None) -> dict[Any, Any]:
    """The labels of FIELD translated into LANGUAGE, once per field and language."""
    try:
        by_language = field._zhongjian_choice_texts
    except AttributeError:
        by_language = field._zhongjian_choice_texts = {}
    texts = by_language.get(language)
    if texts is None:
        texts = {value: force_str(label) for value, label in _labels(field).items()}
        by_language[language] = texts
    return texts


def choice_display(instance: Model, field: Any) -> Any:
    """The label of INSTANCE's value of FIELD (the value itself when it is not a choice)."""
    value = getattr(instance, field.attname)
    texts = _texts(field, get_language())
    try:
        return texts[value]
    except KeyError:
        return force_str(value, strings_only=True)
    except TypeError:  # an unhashable value (a list in a JSON field with choices)
        return force_str(texts.get(make_hashable(value), value), strings_only=True)


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
