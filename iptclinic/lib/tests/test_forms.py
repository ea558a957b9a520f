"""Every form of the project checks its text (lib/forms.py), and the check keeps what was typed."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

import iptclinic
from iptclinic.lib.forms import CheckedTextForm, form_message
from iptclinic.lib.text import Problem


def _project_forms() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's code (tests aside), found by importing it all."""
    for module in pkgutil.walk_packages(iptclinic.__path__, "iptclinic."):
        if ".tests" not in module.name and ".migrations" not in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("iptclinic.") and ".tests" not in cls.__module__:
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


PROJECT_FORMS = [cls for cls in _project_forms() if cls is not CheckedTextForm]

# Fields that hold a person's name, wherever a form offers them: they must be checked as names.
# Staff names (first_name, last_name) have no form yet; the first one to offer them must list them.
PERSON_NAMES = {
    "given_name",
    "family_name",
    "preferred_name",
    "care_coordinator",
    "referrer",
    "share_with_name",
    "label",
    "reviewer",
    "first_name",
    "last_name",
}


def test_the_search_finds_the_forms_of_every_app() -> None:
    names = {cls.__name__ for cls in PROJECT_FORMS}
    assert {"ClientDetailsForm", "SessionRecordForm", "RelationshipForm", "PeriodForm"} <= names
    assert len(PROJECT_FORMS) >= 30


@pytest.mark.parametrize("form_class", PROJECT_FORMS, ids=lambda cls: cls.__qualname__)
def test_every_project_form_checks_its_text(form_class: type[forms.BaseForm]) -> None:
    assert issubclass(form_class, CheckedTextForm), (
        f"{form_class.__module__}.{form_class.__qualname__} must inherit CheckedTextForm "
        "(iptclinic/lib/forms.py) before Django's form class, so its text is checked."
    )
    mro = form_class.__mro__
    assert mro.index(CheckedTextForm) < mro.index(forms.BaseForm)


@pytest.mark.parametrize("form_class", PROJECT_FORMS, ids=lambda cls: cls.__qualname__)
def test_every_person_name_field_is_checked_as_a_name(form_class: type[forms.BaseForm]) -> None:
    assert issubclass(form_class, CheckedTextForm)
    offered = set(form_class.base_fields)
    assert offered & PERSON_NAMES <= form_class.person_name_fields
    assert form_class.person_name_fields <= offered


class _Example(CheckedTextForm, forms.Form):
    person_name_fields = frozenset({"name"})

    name = forms.CharField(max_length=20)
    phone = forms.CharField(required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    count = forms.IntegerField(required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # A field added after construction, as several project forms do, is checked too.
        self.fields["reason"] = forms.CharField(required=False)


def test_text_is_normalised_before_the_form_and_its_clean_methods_see_it() -> None:
    form = _Example({"name": "Zoe\u0301", "notes": "cafe\u0301\n\tindented"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Zoé"
    assert form.cleaned_data["notes"] == "café\n\tindented"


def test_a_refused_character_is_an_error_on_its_field_and_the_rest_is_kept() -> None:
    form = _Example(
        {
            "name": "Cara\u202e Smith",
            "phone": "0161\x00 496 0000",
            "notes": "Kept as typed",
            "count": "3",
            "reason": "two\nlines",
        }
    )
    assert not form.is_valid()
    assert form.errors["name"] == [form_message(Problem.DIRECTION)]
    assert form.errors["phone"] == [form_message(Problem.CONTROL)]
    assert form.errors["reason"] == [form_message(Problem.LINE_BREAK)]
    assert "notes" not in form.errors
    html = form.as_div()
    assert 'value="Cara Smith"' in html
    assert 'value="0161 496 0000"' in html
    assert 'value="two lines"' in html
    assert "Kept as typed" in html
    assert 'value="3"' in html
    assert "\u202e" not in html and "\x00" not in html


def test_a_null_byte_gets_our_message_alone() -> None:
    form = _Example({"name": "Ann", "notes": "a\x00b"})
    assert form.errors["notes"] == [form_message(Problem.CONTROL)]


def test_bidirectional_marks_are_kept_in_free_text() -> None:
    form = _Example({"name": "Ann", "notes": "قال \u2066OK\u2069"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["notes"] == "قال \u2066OK\u2069"


def test_a_prefixed_form_checks_its_own_fields() -> None:
    form = _Example({"client-name": "A\x07nn", "name": "ignored"}, prefix="client")
    assert form.errors["name"] == [form_message(Problem.CONTROL)]
    assert 'value="Ann"' in form.as_div()


def test_form_messages_name_the_problem_and_what_happened() -> None:
    assert form_message(Problem.CONTROL) == (
        "This text had a control character (an invisible code, such as a null byte), which cannot "
        "be stored. It has been taken out: check the text, then save again."
    )
    assert form_message(Problem.DIRECTION) == (
        "This text had a hidden character that changes the direction of the text, which can make "
        "a name read backwards. It has been taken out: check the name, then save again."
    )
