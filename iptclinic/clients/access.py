"""The only way a view reaches a client. Someone else's client is a 404 (style.md §5).

- a therapist sees the clients allocated to them;
- a supervisor sees the clients of the therapists they supervise;
- a service lead sees every client of their team;
- someone who holds several roles sees what each of them sees (a supervisor who also holds a
  caseload sees their own clients and their supervisees');
- a service user sees no staff pages at all (the portal has its own access module);
- nobody sees across teams;
- nobody opens a record destroyed at the end of its retention (only its tombstone is left).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from iptclinic.accounts.models import User

from .models import Client


def visible_clients(user: User) -> QuerySet[Client]:
    if not user.is_authenticated or not user.is_staff_member:
        return Client.objects.none()
    clients = Client.objects.filter(team_id=user.team_id).exclude(_destroyed())
    if user.is_service_lead:
        return clients
    seen = Q(pk__in=[])
    if user.is_therapist:
        seen |= Q(therapist=user)
    if user.is_supervisor:
        seen |= Q(therapist__supervisor=user)
    return clients.filter(seen)


def _destroyed() -> Exists:
    """A record destroyed at the end of its retention is a tombstone nobody opens (retention)."""
    from iptclinic.retention.models import DisposalDecision

    return Exists(DisposalDecision.objects.filter(client=OuterRef("pk"), decision="destroy"))


def client_for(user: User, client_id: int) -> Client:
    try:
        return visible_clients(user).select_related("therapist", "team").get(pk=client_id)
    except Client.DoesNotExist:
        raise Http404 from None


def can_edit_clinical_record(user: User, client: Client) -> bool:
    """Only the allocated therapist writes clinical records (decisions.md §22)."""
    return user.is_therapist and client.therapist_id == user.pk


def can_edit_details(user: User, client: Client) -> bool:
    """Identity, contact and needs can be kept up to date by the therapist or the service lead."""
    return can_edit_clinical_record(user, client) or (
        user.is_service_lead and client.team_id == user.team_id
    )


def can_allocate(user: User) -> bool:
    return user.is_service_lead
