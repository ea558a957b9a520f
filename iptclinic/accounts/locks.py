"""Current sign-in locks, as a service lead sees and releases them (``accounts:locks``).

A lock is axes' count of failed sign-ins within the cool-off reaching the limit, for one username
or for one address. A lead sees the locks of accounts in their own team, and every address lock
(an address is not a team's: a hospital's or a home's), shown shortened, never in full: enough to
recognise "our building", not to trace a person. An address lock is released through a keyed
digest of the address, so the full address never reaches the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from ipaddress import IPv6Address, ip_address

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.crypto import salted_hmac

from iptclinic.audit import services as audit

from .models import User

_DIGEST_SALT = "iptclinic.accounts.locks.address"


@dataclass(frozen=True)
class AccountLock:
    user: User
    failures: int
    until: datetime


@dataclass(frozen=True)
class AddressLock:
    key: str
    shown_as: str
    failures: int
    until: datetime


def shortened(address: str) -> str:
    """An address with its last part hidden: the first three numbers of IPv4, the first four
    groups (the site's network) of IPv6."""
    parsed = ip_address(address)
    if isinstance(parsed, IPv6Address):
        groups = parsed.exploded.split(":")[:4]
        return ":".join(group.lstrip("0") or "0" for group in groups) + ":…"
    return ".".join(str(parsed).split(".")[:3]) + ".…"


def address_key(address: str) -> str:
    return salted_hmac(_DIGEST_SALT, address).hexdigest()[:32]


def _locked(field: str) -> list[dict[str, object]]:
    cool_off = settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cool_off)
    return list(
        recent.exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )


def account_locks(team_id: int) -> list[AccountLock]:
    rows = {row["username"]: row for row in _locked("username")}
    users = User.objects.filter(team_id=team_id, username__in=rows)
    locks = [
        AccountLock(
            user=user,
            failures=rows[user.username]["failures"],  # type: ignore[arg-type]
            until=rows[user.username]["last"] + settings.AXES_COOLOFF_TIME,  # type: ignore[operator]
        )
        for user in users
    ]
    return sorted(locks, key=lambda lock: lock.until, reverse=True)


def address_locks() -> list[AddressLock]:
    return [
        AddressLock(
            key=address_key(str(row["ip_address"])),
            shown_as=shortened(str(row["ip_address"])),
            failures=row["failures"],  # type: ignore[arg-type]
            until=row["last"] + settings.AXES_COOLOFF_TIME,  # type: ignore[operator]
        )
        for row in _locked("ip_address")
    ]


@transaction.atomic
def release_account(user: User, *, actor: User) -> int:
    """Forget the failed sign-ins of ``user``'s username (from every address); audited."""
    cleared = reset(username=user.username)
    audit.record(
        actor=actor,
        action="signin_lock.release_account",
        obj=user,
        detail={"user_id": user.pk, "attempts_cleared": cleared},
    )
    return cleared


@transaction.atomic
def release_address(key: str, *, actor: User) -> int | None:
    """Forget the failed sign-ins from the locked address whose digest is ``key``; audited
    without the address. ``None`` if no current lock has that key."""
    for row in _locked("ip_address"):
        address = str(row["ip_address"])
        if address_key(address) == key:
            cleared = reset(ip=address)
            audit.record(
                actor=actor,
                action="signin_lock.release_address",
                detail={"address_key": key, "attempts_cleared": cleared},
            )
            return cleared
    return None
