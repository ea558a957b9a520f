"""Text hygiene on every form: the rules of :mod:`iptclinic.lib.text`, applied in one place.

Every form of the project inherits :class:`CheckedTextForm` (a test fails for one that does not).
When the form is cleaned, every text field, including those a form adds in ``__init__``, is
normalised to NFC and checked: a text box (``Textarea``) as multi-line text, any other text field
as a single line, and the fields named in ``person_name_fields`` as a person's name. A refusal is
an error on the field, so the form is shown again with everything else as typed.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from .text import Problem, TextKind, describe, problems_in, without_refused


def form_message(problem: Problem) -> str:
    """What the form says under the field, which it shows again without the refused character.

    The person cannot see an invisible character to delete it, so the form takes it out of what
    it shows and asks them to look before saving again; nothing is stored until they do.
    """
    if problem is Problem.LINE_BREAK:
        done = "It has been replaced with a space: check the text"
    elif problem in (Problem.DIRECTION, Problem.INVISIBLE):
        done = "It has been taken out: check the name"
    else:
        done = "It has been taken out: check the text"
    return f"This text had {describe(problem)}. {done}, then save again."


class TextValidator:
    """Refuses text that breaks a rule of :mod:`iptclinic.lib.text`, one error per problem."""

    def __init__(self, kind: TextKind) -> None:
        self.kind = kind

    def __call__(self, value: object) -> None:
        if not isinstance(value, str):
            return
        problems = problems_in(value, self.kind)
        if problems:
            raise ValidationError(
                [ValidationError(form_message(p), code=p.value) for p in problems]
            )


_CODES = frozenset(problem.value for problem in Problem)
# Django's own check for a null byte says less than ours, and would say it twice.
_REPLACED_VALIDATORS = (ProhibitNullCharactersValidator, TextValidator)


class CheckedTextForm(forms.BaseForm):
    """Base of every form of the project, before Django's own:
    ``class ClientDetailsForm(CheckedTextForm, forms.ModelForm)``.

    ``person_name_fields`` names the fields that hold a person's name (a client, a person in the
    inventory, a referrer, a translator): they refuse the hidden characters that can turn a name
    around or make it look like another.
    """

    person_name_fields: ClassVar[frozenset[str]] = frozenset()

    def text_kind(self, name: str, field: forms.Field) -> TextKind | None:
        """How the field's text is checked, or ``None`` for a field that holds no free text."""
        if not isinstance(field, forms.CharField) or field.disabled:
            return None
        if name in self.person_name_fields:
            return TextKind.NAME
        return TextKind.LINES if isinstance(field.widget, forms.Textarea) else TextKind.LINE

    def full_clean(self) -> None:
        # The fields are looked at here rather than in __init__, so that those a form adds after
        # its own super().__init__() are checked too.
        kinds = {
            name: kind
            for name, field in self.fields.items()
            if (kind := self.text_kind(name, field)) is not None
        }
        for name, kind in kinds.items():
            field = self.fields[name]
            field.validators = [
                *(v for v in field.validators if not isinstance(v, _REPLACED_VALIDATORS)),
                TextValidator(kind),
            ]
        if self.is_bound:
            self.data = self._with_text(kinds, _normalised)
        super().full_clean()
        refused = {
            name: kind
            for name, kind in kinds.items()
            if any(error.code in _CODES for error in self.errors.as_data().get(name, []))
        }
        if refused:
            # Shown again without the invisible characters, which the person could not find.
            self.data = self._with_text(refused, without_refused)

    def _with_text(self, kinds: dict[str, TextKind], change: Callable[[str, TextKind], str]) -> Any:
        """A copy of the submitted data with ``change(text, kind)`` applied to the text of each
        field in ``kinds``; every other value is kept as it came."""
        data = self.data.copy()
        for name, kind in kinds.items():
            key = self.add_prefix(name)
            if key not in data:
                continue
            if hasattr(data, "setlist"):  # a QueryDict from a request
                data.setlist(key, [_changed(v, kind, change) for v in data.getlist(key)])
            else:
                data[key] = _changed(data[key], kind, change)
        return data


def _normalised(text: str, kind: TextKind) -> str:
    return unicodedata.normalize("NFC", text)


def _changed(value: Any, kind: TextKind, change: Callable[[str, TextKind], str]) -> Any:
    if isinstance(value, str):
        return change(value, kind)
    if isinstance(value, list):
        return [change(v, kind) if isinstance(v, str) else v for v in value]
    return value
