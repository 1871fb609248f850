"""The one pattern for a form a service refuses: the same page again, input kept, error beside it.

    form = CandidateAddForm(request.POST)
    done = form_submit(form, lambda data: services.candidate_add(actor=…, **data))
    if done is not None:
        return redirect(…)                       # success: a fresh page, old messages gone
    return render(request, "…", {… "add_form": form}, status=400)   # refused: same page

Form errors (a bad date, a missing field) and the service's domain errors end up in the same
place: a `DomainError` with `field` goes beside that field, any other above the form.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from zhongjian.core.errors import DomainError

T = TypeVar("T")


def form_submit(form: forms.Form, perform: Callable[[dict[str, Any]], T]) -> T | None:
    """PERFORM(cleaned data) when FORM is valid and the service accepts it; else None, with the
    refusal added to FORM."""
    if not form.is_valid():
        return None
    try:
        return perform(form.cleaned_data)
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return None


class Form(forms.Form):
    """A form whose labels carry no suffix: Django's default is an ASCII colon, which a Chinese
    label does not take (the label stands above its field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
