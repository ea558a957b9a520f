"""Whose stored outcomes a reader's report counts: exactly the rows of ``visible_clients``.

The rule is the one in ``clients.access.visible_clients``, applied to the team and therapist
copied onto each row, so a trust-wide report filters one indexed table instead of joining every
client of the team. A destroyed record keeps no referral and so no row. The test
``test_visible_outcomes_are_the_rows_of_the_visible_clients`` holds the two rules together for
every kind of reader (hazard log H-110).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from iptclinic.accounts.models import User

from .models import StoredOutcome


def visible_outcomes(user: User) -> QuerySet[StoredOutcome]:
    if not user.is_authenticated or not user.is_staff_member:
        return StoredOutcome.objects.none()
    rows = StoredOutcome.objects.filter(team_id=user.team_id)
    if user.is_service_lead:
        return rows
    seen = Q(pk__in=[])
    if user.is_therapist:
        seen |= Q(therapist=user)
    if user.is_supervisor:
        seen |= Q(therapist__in=User.objects.filter(supervisor=user).values("pk"))
    return rows.filter(seen)
