"""Recording a request for a whole record, making the copy, reviewing third parties, releasing.

Each step is one function that checks, changes and writes one audit event (style.md §3):
``record_request`` (``subject_access.request``), ``extend`` (``subject_access.extend``),
``make_copy`` run by the worker (``subject_access.generate``), ``decide`` for each third party
(``subject_access.review``), ``make_again`` (``subject_access.remake``), ``release``
(``subject_access.release``); the download view writes ``subject_access.download``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.attention.services import close_for_cause, raise_event_item
from iptclinic.audit import services as audit
from iptclinic.clients.models import Client
from iptclinic.ipt.safety_net import NeedKind
from iptclinic.ipt.subject_access import (
    MAX_EXTENSION_MONTHS,
    due_on,
    labels_for,
    mentions,
    withhold,
)
from iptclinic.lib.text import clean_text

from .collect import EARLIER_KEY, NAMES_STAFF, collect
from .models import (
    CopyStatus,
    Decision,
    IdentityCheck,
    ReleaseMethod,
    Requester,
    SubjectAccessRequest,
    ThirdParty,
)
from .rendering import render_pdf

MAX_ATTEMPTS = 3
KEEP_COPY_DAYS = 30
"""The copy's files are erased this many days after release (docs/subject-access.md)."""
NOTE_LIMIT = 2000
SUBJECT = "subject_access"

_IN_HAND = (CopyStatus.WAITING, CopyStatus.MAKING)


class SubjectAccessError(ValueError):
    """A step the procedure does not allow now; the message says why, in plain words."""


def attention_key(request: SubjectAccessRequest) -> str:
    return f"subject_access:{request.pk}"


def _note(text: str, *, what: str, required: bool) -> str:
    text = clean_text(text.strip()) if text else ""
    if required and not text:
        raise SubjectAccessError(f"Give {what}.")
    if len(text) > NOTE_LIMIT:
        raise SubjectAccessError(f"Keep {what} to {NOTE_LIMIT} characters.")
    return text


def _check_lead(actor: User, client: Client) -> None:
    if not actor.is_service_lead or actor.team_id != client.team_id:
        raise SubjectAccessError("Only a service lead of the client's team can do this.")


def _due_moment(request: SubjectAccessRequest) -> datetime:
    return request.team.working_week().end_of_day(request.due_on)


@transaction.atomic
def record_request(
    client: Client,
    *,
    actor: User,
    received_on: date,
    requester: str,
    requester_note: str,
    identity_check: str,
    identity_note: str,
) -> SubjectAccessRequest:
    """Record a request, put it in the lead's "Needs attention" until released, and hand the
    making of the copy to a background worker."""
    from .tasks import make_copy

    _check_lead(actor, client)
    team = client.team
    if received_on > timezone.localdate():
        raise SubjectAccessError("The date received cannot be in the future.")
    if requester not in Requester.values or identity_check not in IdentityCheck.values:
        raise SubjectAccessError("Choose who asked and how their identity was checked.")
    requester_note = _note(
        requester_note,
        what="who is acting for the person and on what authority",
        required=requester == Requester.REPRESENTATIVE,
    )
    request = SubjectAccessRequest.objects.create(
        client=client,
        team=team,
        received_on=received_on,
        requester=requester,
        requester_note=requester_note,
        identity_check=identity_check,
        identity_note=_note(identity_note, what="a note on the identity check", required=False),
        due_on=due_on(received_on, is_working_day=team.working_week().is_working_day),
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    raise_event_item(
        team,
        owner=actor,
        kind=NeedKind.SUBJECT_ACCESS,
        key=attention_key(request),
        title=f"Send a copy of the whole record, due {request.due_on:%-d %B %Y}: review any "
        "third parties, then release it",
        due=_due_moment(request),
        subject=(SUBJECT, request.pk),
        client=client,
    )
    make_copy.enqueue(request.pk)
    audit.record(
        actor=actor,
        action="subject_access.request",
        client=client,
        obj=request,
        detail={"due_on": request.due_on.isoformat(), "requester": requester},
    )
    return request


@transaction.atomic
def extend(
    request: SubjectAccessRequest, *, actor: User, months: int, reason: str
) -> SubjectAccessRequest:
    """Extend the deadline by one or two further months, with the reason (a complex request)."""
    _check_lead(actor, request.client)
    if request.is_released:
        raise SubjectAccessError("The copy has been released already.")
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise SubjectAccessError(f"An extension is of 1 or {MAX_EXTENSION_MONTHS} months.")
    request.extension_reason = _note(reason, what="the reason for the extension", required=True)
    request.extension_months = months
    request.due_on = due_on(
        request.received_on,
        extension_months=months,
        is_working_day=request.team.working_week().is_working_day,
    )
    request.save(update_fields=["extension_months", "extension_reason", "due_on"])
    from iptclinic.attention.models import Item

    Item.objects.filter(key=attention_key(request), resolved_at__isnull=True).update(
        due=_due_moment(request),
        title=f"Send a copy of the whole record, due {request.due_on:%-d %B %Y} (extended): "
        "review any third parties, then release it",
    )
    audit.record(
        actor=actor,
        action="subject_access.extend",
        client=request.client,
        obj=request,
        detail={"months": months, "due_on": request.due_on.isoformat()},
    )
    return request


# Making the copy (in the background) ---------------------------------------------------------


def start_making(request_id: int) -> SubjectAccessRequest | None:
    taken = SubjectAccessRequest.objects.filter(
        pk=request_id, status__in=_IN_HAND, released_at__isnull=True
    ).update(
        status=CopyStatus.MAKING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress=0,
        step="Starting",
    )
    if not taken:
        return None
    return SubjectAccessRequest.objects.select_related("client__team", "recorded_by").get(
        pk=request_id
    )


def _progress(request_id: int, per_cent: int, step: str) -> None:
    SubjectAccessRequest.objects.filter(pk=request_id).update(progress=per_cent, step=step)


def third_parties_in(content: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, where it is recorded) for each person other than the client named in the copy:
    the people of the interpersonal inventory and whoever a relapse plan is shared with, as
    recorded now or in an earlier version (a person renamed or removed is still named there)."""
    found: dict[str, str] = {}
    earlier = {
        ("relationship", "label"): "Interpersonal inventory (an earlier version)",
        ("ending-record", "share_with_name"): "Relapse plan shared with (an earlier version)",
    }
    for section in content["sections"]:
        for row in section["records"]:
            if section["key"] == EARLIER_KEY:
                for change in row["changes"]:
                    where = earlier.get((row["kind"], change["name"]))
                    for name in (change["before"], change["after"]) if where else ():
                        if name.strip() and name != "(blank)":
                            found.setdefault(name.strip(), where)

            if section["key"] == "relationships" and row.get("label"):
                found.setdefault(
                    row["label"].strip(),
                    f"Interpersonal inventory ({row.get('relationship_type') or 'relationship'})",
                )
            if section["key"] == "ending_records" and row.get("share_with_name"):
                found.setdefault(row["share_with_name"].strip(), "Relapse plan shared with")
    return sorted(found.items(), key=lambda pair: pair[0].casefold())


def _texts(content: dict[str, Any]) -> Iterable[str]:
    """Every piece of text in the copy that may name a third party (not staff in their role)."""
    for section in content["sections"]:
        staff = set(section.get("staff_fields", ()))
        for row in section["records"]:
            for key, value in row.items():
                if key not in staff:
                    yield from _strings(value)


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and not value.get(NAMES_STAFF):
        for inner in value.values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _strings(inner)


def apply_decisions(content: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    """The copy with each withheld name replaced by its label, in every value but staff names."""

    def redact(value: Any) -> Any:
        if isinstance(value, str):
            return withhold(value, labels)
        if isinstance(value, dict) and not value.get(NAMES_STAFF):
            return {key: redact(inner) for key, inner in value.items()}
        if isinstance(value, dict):
            return value
        if isinstance(value, list):
            return [redact(inner) for inner in value]
        return value

    sections = []
    for section in content["sections"]:
        staff = set(section.get("staff_fields", ()))
        records = [
            {key: value if key in staff else redact(value) for key, value in row.items()}
            for row in section["records"]
        ]
        sections.append({**section, "records": records})
    return {**content, "sections": sections}


def _sync_third_parties(request: SubjectAccessRequest, content: dict[str, Any]) -> dict[str, str]:
    """Keep a review row for each name found (earlier decisions stay); return the labels of
    the names to withhold: those withheld and those not yet reviewed."""
    found = third_parties_in(content)
    texts = list(_texts(content))
    existing = {party.name: party for party in request.third_parties.all()}
    labels = labels_for([name for name, _ in found] + list(existing))
    for name, where in found:
        count = sum(mentions(text, name) for text in texts)
        party = existing.get(name)
        if party is None:
            ThirdParty.objects.create(
                request=request, name=name, found_in=where, mentions=count, label=labels[name]
            )
        elif party.mentions != count:
            party.mentions = count
            party.save(update_fields=["mentions"])
    decisions = dict(request.third_parties.values_list("name", "decision"))
    labels_used = dict(request.third_parties.values_list("name", "label"))
    return {
        name: labels_used[name]
        for name, decision in decisions.items()
        if decision != Decision.RELEASE
    }


def make_copy(request: SubjectAccessRequest) -> bool:
    """Read the whole record, find its third parties, apply the review so far (a name not yet
    reviewed is withheld), render the PDF and the JSON, and store them. Returns False when
    another run stored a copy first."""
    started = time.perf_counter()
    client = request.client
    content = collect(
        client, progress=lambda per_cent, step: _progress(request.pk, per_cent * 7 // 10, step)
    ).as_json()
    with transaction.atomic():
        applied = (
            SubjectAccessRequest.objects.select_for_update()
            .values_list("decisions_made", flat=True)
            .get(pk=request.pk)
        )
        labels = _sync_third_parties(request, content)
    released = apply_decisions(content, labels)
    released["request"] = {
        "received_on": request.received_on.isoformat(),
        "due_on": request.due_on.isoformat(),
    }
    _progress(request.pk, 75, "Writing the document")
    pdf, pages = render_pdf(released, client=client)
    data = json.dumps(released, ensure_ascii=False, indent=1).encode("utf-8")
    with transaction.atomic():
        locked = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status not in _IN_HAND:
            return False
        now = timezone.now()
        locked.pdf, locked.pdf_sha256, locked.pdf_pages = pdf, locked.digest(pdf), pages
        locked.json, locked.json_sha256 = data, locked.digest(data)
        locked.status, locked.finished_at, locked.failure = CopyStatus.READY, now, ""
        locked.progress, locked.step = 100, "Ready"
        locked.decisions_applied = applied
        locked.make_seconds = round(time.perf_counter() - started, 3)
        locked.save()
        close_for_cause(
            failed_key(locked),
            actor=locked.recorded_by,
            resolution="The copy was made when it was tried again.",
        )
        audit.record(
            actor=locked.recorded_by,
            action="subject_access.generate",
            client=client,
            obj=locked,
            detail={
                "pages": pages,
                "pdf_bytes": len(pdf),
                "json_bytes": len(data),
                "third_parties": len(labels),
                "seconds": locked.make_seconds,
            },
        )
    return True


def try_again_later(request_id: int) -> None:
    SubjectAccessRequest.objects.filter(pk=request_id, status=CopyStatus.MAKING).update(
        status=CopyStatus.WAITING,
        failure="The last try did not work. It will be tried again in a few minutes.",
    )


def failed_key(request: SubjectAccessRequest) -> str:
    return f"subject_access_failed:{request.pk}"


@transaction.atomic
def give_up(request_id: int, summary: str) -> None:
    """The last try failed: mark it failed and give the lead who recorded it an item, due within
    a working day. ``summary`` names the error's type and place only, never its message."""
    now = timezone.now()
    failed = SubjectAccessRequest.objects.filter(pk=request_id, status__in=_IN_HAND).update(
        status=CopyStatus.FAILED,
        finished_at=now,
        failure="The copy could not be made because of a fault in the system, after "
        f"{MAX_ATTEMPTS} tries. Try again; if that fails too, tell IT support "
        f"(reference: {summary}).",
    )
    if not failed:
        return
    request = SubjectAccessRequest.objects.select_related("team", "client", "recorded_by").get(
        pk=request_id
    )
    raise_event_item(
        request.team,
        owner=request.recorded_by,
        kind=NeedKind.JOB_FAILED,
        key=failed_key(request),
        title="A copy of a whole record could not be made: see why and try again",
        due=request.team.working_week().within_working_days(now, 1),
        subject=(SUBJECT, request.pk),
        client=request.client,
    )


# Review and release --------------------------------------------------------------------------


@transaction.atomic
def decide(party: ThirdParty, *, actor: User, decision: str, reason: str) -> ThirdParty:
    """Release or withhold one third party's name, with the reason. The copy must then be made
    again before it can be released, so that it applies the decision."""
    request = SubjectAccessRequest.objects.select_for_update().get(pk=party.request_id)
    _check_lead(actor, request.client)
    if request.is_released:
        raise SubjectAccessError("The copy has been released already.")
    if decision not in (Decision.RELEASE, Decision.WITHHOLD):
        raise SubjectAccessError("Choose release or withhold.")
    party.decision = decision
    party.reason = _note(reason, what="the reason for the decision", required=True)
    party.decided_by, party.decided_at = actor, timezone.now()
    party.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    request.decisions_made += 1
    request.save(update_fields=["decisions_made"])
    audit.record(
        actor=actor,
        action="subject_access.review",
        client=request.client,
        obj=party,
        detail={"decision": decision, "label": party.label},
    )
    return party


@transaction.atomic
def make_again(request: SubjectAccessRequest, *, actor: User) -> SubjectAccessRequest:
    """Make the copy again (after review decisions, or after a failure)."""
    from .tasks import make_copy as make_copy_task

    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    _check_lead(actor, request.client)
    if request.is_released:
        raise SubjectAccessError("The copy has been released already.")
    if request.status in _IN_HAND:
        return request
    request.status, request.progress, request.step, request.failure = (
        CopyStatus.WAITING,
        0,
        "",
        "",
    )
    request.save(update_fields=["status", "progress", "step", "failure"])
    make_copy_task.enqueue(request.pk)
    audit.record(actor=actor, action="subject_access.remake", client=request.client, obj=request)
    return request


def release_blockers(request: SubjectAccessRequest) -> list[str]:
    """What must be done before the copy can be released, in plain words (empty: nothing)."""
    blockers = []
    if request.is_released:
        return ["The copy has been released already."]
    if request.status != CopyStatus.READY:
        blockers.append("The copy is not ready yet.")
    undecided = [p.label for p in request.third_parties.all() if not p.decision]
    if undecided:
        blockers.append(
            "Review every other person named in the record first: " + ", ".join(undecided) + "."
        )
    elif request.status == CopyStatus.READY and not request.copy_is_current:
        blockers.append("Make the copy again so that it applies your latest decisions.")
    return blockers


@transaction.atomic
def release(
    request: SubjectAccessRequest, *, actor: User, method: str, note: str
) -> SubjectAccessRequest:
    """Record that the copy was given to the person: who, when and how. Closes the item."""
    request = (
        SubjectAccessRequest.objects.select_for_update()
        .select_related("client", "team")
        .get(pk=request.pk)
    )
    _check_lead(actor, request.client)
    blockers = release_blockers(request)
    if blockers:
        raise SubjectAccessError(" ".join(blockers))
    if method not in ReleaseMethod.values:
        raise SubjectAccessError("Choose how the copy was given.")
    request.released_at, request.released_by = timezone.now(), actor
    request.release_method = method
    request.release_note = _note(note, what="the note", required=False)
    request.save(update_fields=["released_at", "released_by", "release_method", "release_note"])
    close_for_cause(
        attention_key(request),
        actor=actor,
        resolution=f"The copy was released ({request.get_release_method_display().lower()}).",
    )
    audit.record(
        actor=actor,
        action="subject_access.release",
        client=request.client,
        obj=request,
        detail={"method": method, "late": request.released_at.date() > request.due_on},
    )
    return request


def erase_old_copies(now: datetime | None = None) -> int:
    """Erase the files of copies released more than ``KEEP_COPY_DAYS`` ago. The request, its
    review and its release stay on record; only the copy of the record goes."""
    now = now or timezone.now()
    return SubjectAccessRequest.objects.filter(
        released_at__lte=now - timedelta(days=KEEP_COPY_DAYS), files_erased_at__isnull=True
    ).update(pdf=None, json=None, files_erased_at=now)
