"""Scoped lookups for questionnaires and risk alerts, built on ``clients.access``.

Questionnaires are reached only through a visible client; only the allocated therapist records
or edits them (``can_edit_clinical_record``). A risk alert is also reachable by the team's duty
clinician once it has gone unreviewed past the end of the working day (decisions.md §18).

Who may record a review of an alert (PRODUCT choice, issue 4): the allocated therapist; the
therapist's supervisor (supervisors do not edit clinical records, decisions §22, but a risk review
is the safety net that duty cover exists for); and the team's duty clinician once the alert has
escalated. A service lead reads alerts but does not review them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.clients.access import can_edit_clinical_record, visible_clients
from iptclinic.clients.models import Client

from .duty import on_duty
from .models import QuestionnaireResponse, RiskAlert


def response_for(user: User, response_id: int) -> QuestionnaireResponse:
    try:
        return QuestionnaireResponse.objects.select_related(
            "client__therapist", "client__team", "appointment__course", "referral"
        ).get(pk=response_id, client__in=visible_clients(user))
    except QuestionnaireResponse.DoesNotExist:
        raise Http404 from None


def is_duty_clinician(user: User) -> bool:
    """On duty today, by the rota or as the team's standing duty clinician."""
    if not (user.is_authenticated and user.is_staff_member):
        return False
    on_duty_today = on_duty(user.team)
    return on_duty_today is not None and on_duty_today.pk == user.pk


def reachable_alerts(user: User) -> QuerySet[RiskAlert]:
    """Alerts of visible clients, plus the team's escalated open alerts for its duty clinician."""
    reachable = Q(client__in=visible_clients(user))
    if is_duty_clinician(user):
        reachable |= Q(
            client__team_id=user.team_id,
            reviewed_at__isnull=True,
            escalate_at__lte=timezone.now(),
        )
    return RiskAlert.objects.filter(reachable)


def alert_for(user: User, alert_id: int) -> RiskAlert:
    try:
        return (
            reachable_alerts(user)
            .select_related(
                "client__therapist__supervisor",
                "client__team",
                "questionnaire__appointment",
                "session_record__appointment",
                "raised_by",
                "reviewed_by",
            )
            .get(pk=alert_id)
        )
    except RiskAlert.DoesNotExist:
        raise Http404 from None


def can_record_questionnaire(user: User, client: Client) -> bool:
    return can_edit_clinical_record(user, client)


def can_review_alert(user: User, alert: RiskAlert) -> bool:
    if not alert.is_open or user.team_id != alert.client.team_id:
        return False
    therapist = alert.client.therapist
    if can_edit_clinical_record(user, alert.client):
        return True
    if user.is_supervisor and therapist is not None and therapist.supervisor_id == user.pk:
        return True
    return alert.is_escalated and is_duty_clinician(user)
