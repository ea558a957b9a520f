"""Forms of the people pages and of the invited person's first visit."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from iptclinic.accounts.forms import PasswordsAsTyped
from iptclinic.accounts.models import STAFF_ROLES, Role, User
from iptclinic.lib.forms import CheckedTextForm

STAFF_ROLE_CHOICES = [(role.value, role.label) for role in Role if role in STAFF_ROLES]


def supervisor_choices(team_id: int | None, person: User | None = None) -> Any:
    people = User.objects.filter(team_id=team_id, is_supervisor=True, is_active=True)
    return people.exclude(pk=person.pk) if person is not None else people


class StaffRolesForm(CheckedTextForm, forms.Form):
    roles = forms.MultipleChoiceField(
        choices=STAFF_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )
    supervisor = forms.ModelChoiceField(
        label="Their supervisor",
        queryset=User.objects.none(),
        required=False,
        empty_label="No supervisor",
        help_text="Only people who hold the supervisor role can be chosen.",
    )

    def __init__(self, *args: Any, team_id: int | None, person: User | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        supervisor = self.fields["supervisor"]
        assert isinstance(supervisor, forms.ModelChoiceField)
        supervisor.queryset = supervisor_choices(team_id, person)
        supervisor.label_from_instance = lambda user: user.display_name  # type: ignore[method-assign]


class InviteForm(StaffRolesForm):
    person_name_fields: ClassVar[frozenset[str]] = frozenset({"first_name", "last_name"})

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        help_text="The invitation goes here. It will also be their username.",
    )
    field_order: ClassVar[list[str]] = ["first_name", "last_name", "email", "roles", "supervisor"]


class ChoosePasswordForm(PasswordsAsTyped, CheckedTextForm, forms.Form):
    """The invited person's password, checked by Django's validators against their details."""

    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Not a common password, and not like your name.",
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ResetRequestForm(CheckedTextForm, PasswordResetForm):
    """Forgotten password: the email address to send a link to (answered the same either way)."""


class NewPasswordForm(PasswordsAsTyped, CheckedTextForm, SetPasswordForm):
    """Setting a new password from an emailed link."""
