"""Who is on duty: the dated rota first, else the team's standing duty clinician (decisions §18).

A clinician counts only while their account is active and they are a therapist or supervisor of
the team; anything else is a gap, never a silent "nobody".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from iptclinic.accounts.models import Role, Team, User

from .models import DutyShift

DUTY_ROLES = (Role.THERAPIST, Role.SUPERVISOR)


def can_be_on_duty(user: User | None, team: Team) -> bool:
    return (
        user is not None
        and user.is_active
        and user.team_id == team.pk
        and user.has_role(*DUTY_ROLES)
    )


def on_duty_by_day(team: Team, days: Iterable[date]) -> dict[date, User | None]:
    """The duty clinician of each day, in two queries however many days."""
    days = sorted(set(days))
    if not days:
        return {}
    shifts = list(
        DutyShift.objects.filter(team=team, starts_on__lte=days[-1], ends_on__gte=days[0])
        .select_related("clinician")
        .order_by("-created_at", "-id")
    )
    standing = team.duty_clinician if team.duty_clinician_id else None
    rota: dict[date, User | None] = {}
    for day in days:
        shift = next((s for s in shifts if s.covers(day)), None)
        person = shift.clinician if shift else standing
        rota[day] = person if can_be_on_duty(person, team) else None
    return rota


def on_duty(team: Team, day: date | None = None) -> User | None:
    day = day or timezone.localdate()
    return on_duty_by_day(team, [day])[day]
