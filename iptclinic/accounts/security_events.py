"""Sign-in, sign-out and lock events in the audit log (docs/security/audit.md, "Action catalogue").

A failed sign-in has no actor. It names the targeted account's id when the typed username is an
account's (and that account's team), never the typed username itself nor any password: a
mistyped password pasted into the username box must not reach the log.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from iptclinic.audit.services import record

from .models import User


def _account(username: object) -> tuple[int | None, int | None]:
    """The id and team of the account with this username, or nothing."""
    if not isinstance(username, str) or not username:
        return None, None
    found = (
        User._default_manager.filter(**{User.USERNAME_FIELD: username})
        .values_list("pk", "team_id")
        .first()
    )
    return found if found is not None else (None, None)


def _about(action: str, username: object, **detail: Any) -> None:
    account_id, team_id = _account(username)
    if account_id is not None:
        detail["account_id"] = account_id
    record(actor=None, action=action, team_id=team_id, detail=detail)


def signed_in_with_password(user: User) -> None:
    """The password step passed (staff then pass a second factor: ``signin.second_factor``)."""
    record(actor=user, action="signin.password", obj=user)


def refused_while_locked(request: HttpRequest, username: object) -> None:
    _about("signin.refused_locked", username)


@receiver(user_login_failed, dispatch_uid="iptclinic.accounts.audit_failed_sign_in")
def failed_sign_in(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = credentials.get("username")
    if _refused_by_a_lock(request):
        _about("signin.refused_locked", username)
    else:
        _about("signin.failed", username)


def _refused_by_a_lock(request: HttpRequest | None) -> bool:
    """axes refused the try because of a lock already in place, before any password check. (When
    a failure reaches the limit, axes counts it first: ``axes_failures_since_start`` is set.)"""
    return (
        request is not None
        and getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_locked_out, dispatch_uid="iptclinic.accounts.audit_lock_out")
def locked_out(sender: Any, request: HttpRequest, username: str | None, **kwargs: Any) -> None:
    """axes sends this for the failure that reaches the limit, and again for each try refused
    while locked: only the first is the lock-out (the others are ``signin.refused_locked``)."""
    if not _refused_by_a_lock(request):
        _about("signin.locked_out", username)


@receiver(user_logged_out, dispatch_uid="iptclinic.accounts.audit_sign_out")
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and user.is_authenticated:
        record(actor=user, action="signout", obj=user)
