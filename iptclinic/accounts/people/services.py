"""Changes to the team's people, each checked and audited in one transaction (style.md §3).

A service lead of the same team makes every change; nobody changes their own roles or
deactivates themself, so nobody can raise their own role. Audit details hold ids and role
codes, never names, addresses or secrets.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from iptclinic.accounts.models import ROLE_FIELDS, STAFF_ROLES, Invitation, Role, Team, User
from iptclinic.accounts.sessions import end_sessions
from iptclinic.audit import services as audit


class PeopleError(ValueError):
    """A change the rules do not allow; the message says why, in plain words."""


def _role_codes(roles: Iterable[Role | str]) -> list[str]:
    return sorted(Role(role).value for role in roles)


def _check_lead(actor: User, team_id: int | None) -> None:
    if not (actor.is_staff_member and actor.is_service_lead and actor.team_id == team_id):
        raise PeopleError("Only a service lead of this team can do this.")


def _check_staff_roles(roles: Iterable[Role | str]) -> set[Role]:
    chosen = {Role(role) for role in roles}
    if not chosen:
        raise PeopleError("Choose at least one role.")
    if not chosen <= STAFF_ROLES:
        raise PeopleError("Service-user accounts are not made here.")
    return chosen


def _check_supervisor(supervisor: User | None, team_id: int | None, person: User | None) -> None:
    if supervisor is None:
        return
    if (
        supervisor.team_id != team_id
        or not supervisor.is_active
        or not supervisor.is_supervisor
        or (person is not None and supervisor.pk == person.pk)
    ):
        raise PeopleError("Choose a supervisor from this team who holds the supervisor role.")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _email_in_use(email: str) -> bool:
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists()


@transaction.atomic
def invite_staff(
    team: Team,
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    roles: Iterable[Role | str],
    supervisor: User | None = None,
) -> tuple[Invitation, str]:
    """Make a one-time invitation; returns it and the secret for the link (stored only hashed).

    A newer invitation to the same address replaces any earlier one that was not used.
    """
    _check_lead(actor, team.pk)
    chosen = _check_staff_roles(roles)
    _check_supervisor(supervisor, team.pk, None)
    email = User.objects.normalize_email(email).lower()
    if _email_in_use(email):
        raise PeopleError("Someone already has an account with this email address.")
    now = timezone.now()
    Invitation.objects.filter(
        email__iexact=email, accepted_at__isnull=True, withdrawn_at__isnull=True
    ).update(withdrawn_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        team=team,
        email=email,
        first_name=first_name,
        last_name=last_name,
        roles=_role_codes(chosen),
        supervisor=supervisor,
        token_digest=token_digest(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(hours=settings.IPTCLINIC_INVITATION_HOURS),
    )
    audit.record(
        actor=actor,
        action="account.invite",
        obj=invitation,
        detail={
            "invitation_id": invitation.pk,
            "roles": invitation.roles,
            "supervisor_id": supervisor.pk if supervisor else None,
        },
    )
    return invitation, token


def usable_invitation(token: str) -> Invitation | None:
    """The invitation a link's secret opens, if it has not been used, withdrawn or expired."""
    invitation = (
        Invitation.objects.select_related("team", "supervisor")
        .filter(token_digest=token_digest(token))
        .first()
    )
    return invitation if invitation is not None and invitation.is_usable else None


def new_person(invitation: Invitation) -> User:
    """The account an invitation will make, unsaved (the password validators compare with it)."""
    user = User(
        username=invitation.email,
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        team=invitation.team,
    )
    user.roles = invitation.roles
    return user


@transaction.atomic
def accept_invitation(invitation: Invitation, *, password: str) -> User:
    """Make the invited person's account with the password they chose; the link is then spent."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise PeopleError("This link has expired or has been used.")
    if _email_in_use(invitation.email):
        raise PeopleError("Someone already has an account with this email address.")
    user = new_person(invitation)
    supervisor = invitation.supervisor
    if supervisor is not None and supervisor.is_active and supervisor.is_supervisor:
        user.supervisor = supervisor
    user.set_password(password)
    user.save()
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    audit.record(
        actor=user,
        action="account.create",
        obj=user,
        detail={"person_id": user.pk, "invitation_id": invitation.pk, "roles": invitation.roles},
    )
    return user


@dataclass(frozen=True)
class Blockers:
    """What keeps a person from leaving, or from giving up a role: each must move first."""

    client_ids: list[int] = field(default_factory=list)
    supervisee_ids: list[int] = field(default_factory=list)
    item_ids: list[int] = field(default_factory=list)
    standing_duty: bool = False
    duty_shift_ids: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.client_ids
            or self.supervisee_ids
            or self.item_ids
            or self.standing_duty
            or self.duty_shift_ids
        )


def leaving_blockers(person: User) -> Blockers:
    """The clients, supervisees, open items and duty a person still holds."""
    from iptclinic.attention.models import Item
    from iptclinic.clients.models import Client
    from iptclinic.measures.models import DutyShift

    return Blockers(
        client_ids=list(Client.objects.filter(therapist=person).values_list("pk", flat=True)),
        supervisee_ids=list(
            User.objects.filter(supervisor=person, is_active=True).values_list("pk", flat=True)
        ),
        item_ids=list(
            Item.objects.filter(owner=person, resolved_at__isnull=True).values_list("pk", flat=True)
        ),
        standing_duty=person.team is not None and person.team.duty_clinician_id == person.pk,
        duty_shift_ids=list(
            DutyShift.objects.filter(
                clinician=person, ends_on__gte=timezone.localdate()
            ).values_list("pk", flat=True)
        ),
    )


@transaction.atomic
def change_roles(
    person: User, *, actor: User, roles: Iterable[Role | str], supervisor: User | None
) -> User:
    """Set a person's staff roles and supervisor. A therapist who still holds clients keeps the
    therapist role, and a supervisor with supervisees the supervisor role, until they move."""
    _check_lead(actor, person.team_id)
    if person.pk == actor.pk:
        raise PeopleError("You cannot change your own roles. Ask another service lead.")
    if person.is_service_user:
        raise PeopleError("Service-user accounts are not changed here.")
    chosen = _check_staff_roles(roles)
    _check_supervisor(supervisor, person.team_id, person)
    blockers = leaving_blockers(person)
    if person.is_therapist and Role.THERAPIST not in chosen and blockers.client_ids:
        raise PeopleError("They still hold clients. Move their clients to another therapist first.")
    if person.is_supervisor and Role.SUPERVISOR not in chosen and blockers.supervisee_ids:
        raise PeopleError(
            "They still supervise people. Give those people another supervisor first."
        )
    before = {"roles": _role_codes(person.roles), "supervisor_id": person.supervisor_id}
    person.roles = chosen
    person.supervisor = supervisor
    person.save(update_fields=[*ROLE_FIELDS.values(), "supervisor"])
    audit.record(
        actor=actor,
        action="account.roles",
        obj=person,
        detail={
            "person_id": person.pk,
            "roles_before": before["roles"],
            "roles_after": _role_codes(chosen),
            "supervisor_before": before["supervisor_id"],
            "supervisor_after": person.supervisor_id,
        },
    )
    return person


@transaction.atomic
def deactivate(person: User, *, actor: User) -> User:
    """A leaver: refused while they hold clients, supervisees, open items or duty; then their
    account stops working and every session they have ends at once."""
    _check_lead(actor, person.team_id)
    if person.pk == actor.pk:
        raise PeopleError("You cannot deactivate your own account. Ask another service lead.")
    if not person.is_active:
        return person
    if leaving_blockers(person):
        raise PeopleError("They still hold work that must move to someone else first.")
    person.is_active = False
    person.save(update_fields=["is_active"])
    ended = end_sessions(person)
    audit.record(
        actor=actor,
        action="account.deactivate",
        obj=person,
        detail={"person_id": person.pk, "sessions_ended": ended},
    )
    return person


@transaction.atomic
def reactivate(person: User, *, actor: User) -> User:
    _check_lead(actor, person.team_id)
    if person.pk == actor.pk or person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    audit.record(
        actor=actor, action="account.reactivate", obj=person, detail={"person_id": person.pk}
    )
    return person


def record_reset_link_sent(person: User, *, actor: User) -> None:
    """A lead sent someone a link to set a new password (the link itself is never stored)."""
    _check_lead(actor, person.team_id)
    audit.record(
        actor=actor,
        action="account.password_reset_sent",
        obj=person,
        detail={"person_id": person.pk},
    )
