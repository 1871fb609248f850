"""get_FOO_display(): the labels of the dictionary built once are those Django gives."""

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from zhongjian.core.choice_labels import choice_display, install
from zhongjian.org.models import Cadre


def test_every_choice_field_of_the_project_labels_as_django_does() -> None:
    """For every field with choices of every Zhongjian model, each choice value and one that is
    no choice, in both languages: the same text as Django's own implementation."""
    checked = 0
    for model in apps.get_models():
        if not model.__module__.startswith("zhongjian."):
            continue
        for field in model._meta.local_fields:
            if not field.choices:
                continue
            method = model.__dict__.get(f"get_{field.name}_display")
            assert isinstance(method, partialmethod) and method.func is choice_display, field
            instance = model()
            for value in [*(value for value, _label in field.flatchoices), "no-such-choice"]:
                setattr(instance, field.attname, value)
                for language in ("zh-hans", "en"):
                    with translation.override(language):
                        ours = getattr(instance, f"get_{field.name}_display")()
                        assert ours == Model._get_FIELD_display(instance, field), (field, value)
                        checked += 1
    assert checked > 200


def test_installing_twice_replaces_nothing_more() -> None:
    """The app installs the methods at start-up; a second install finds none left to replace,
    and a model's own get_FOO_display (none here overrides it) would be kept the same way."""
    assert install() == 0
    assert Cadre(establishment="x").get_establishment_display() == "x"
