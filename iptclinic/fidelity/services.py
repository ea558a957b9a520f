"""Rating a session's adherence. One function, audited in the same transaction (style.md §3)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from iptclinic.accounts.models import User
from iptclinic.audit import services as audit
from iptclinic.clients.recording import consent_periods
from iptclinic.courses.models import Appointment, SessionRecord
from iptclinic.ipt.fidelity import RatingError, check_answers
from iptclinic.ipt.supervision import recording_may_be_reviewed
from iptclinic.lib.concurrency import EditConflict, save_if_unchanged

from .access import sources_for
from .models import AdherenceChecklist, AdherenceRating, Source
from .selectors import NotASession, new_checklist


class AdherenceError(Exception):
    """A rating refused, with words for the person rating."""


def fix_checklist(appointment: Appointment, *, actor: User) -> AdherenceChecklist:
    """The session's checklist: the stored one, or, at its first rating, made now and stored.

    Once stored it never changes, whatever later happens to the task lists or the focus.
    """
    stored = AdherenceChecklist.objects.filter(appointment=appointment).first()
    if stored is not None:
        return stored
    number, phase, items = new_checklist(appointment)
    return AdherenceChecklist.objects.create(
        appointment=appointment,
        session_number=number,
        phase=phase.value,
        items=[{"code": i.code, "label": i.label, "kind": i.kind.value} for i in items],
        fixed_by=actor,
    )


@transaction.atomic
def rate_session(
    appointment: Appointment,
    rater: User,
    source: Source | str,
    scores: Mapping[str, int | None],
    *,
    expected_version: int | None = None,
) -> AdherenceRating:
    """Save ``rater``'s adherence rating of a session that has a record, or change their own.

    The therapist rates as "self"; the therapist's supervisor as "recording" or "present". The
    first rating of a session fixes its checklist. A rating changed from a stale copy is refused
    (``EditConflict``). Audited as ``adherence.rate`` or ``adherence.update``.
    """
    # One rating at a time per session: the first fixes the checklist, and a second first must
    # find it rather than make another.
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course__referral__client__therapist")
        .get(pk=appointment.pk)
    )
    client = appointment.course.referral.client
    try:
        source = Source(source)
    except ValueError:
        raise AdherenceError("Choose how the session was rated.") from None
    allowed = sources_for(rater, client)
    if source not in allowed:
        if not allowed:
            raise AdherenceError(
                "Only the client's therapist and their supervisor rate adherence in a session."
            )
        raise AdherenceError(
            "The therapist rates their own sessions; the supervisor rates from a recording or "
            "from being in the session."
        )
    # A recording is heard under the same rule as in a supervision meeting: one unbroken consent
    # covering the day of the session and today.
    if source is Source.RECORDING and not recording_may_be_reviewed(
        consent_periods(client), timezone.localdate(appointment.starts_at), timezone.localdate()
    ):
        raise AdherenceError(
            "This session cannot be rated from a recording: the client's consent to recording "
            "did not cover the day of the session, or it has been withdrawn since."
        )
    if (
        not appointment.is_attended
        or not SessionRecord.objects.filter(appointment=appointment).exists()
    ):
        raise AdherenceError("A session can be rated once its record has been written.")
    try:
        checklist = fix_checklist(appointment, actor=rater)
    except NotASession:
        raise AdherenceError("Only a session that took place can be rated.") from None
    try:
        marks = check_answers(checklist.item_list, scores)
    except RatingError as error:
        raise AdherenceError(str(error)) from None
    stored = {code: None if mark is None else int(mark) for code, mark in marks.items()}
    rating = AdherenceRating.objects.filter(checklist=checklist, rater=rater).first()
    if rating is None:
        if expected_version not in (None, 0):
            raise EditConflict("adherence rating")
        rating = AdherenceRating.objects.create(
            checklist=checklist, rater=rater, source=source, scores=stored
        )
        action, changed = "adherence.rate", sorted(stored)
    else:
        changed = sorted(c for c in stored if rating.scores.get(c, "unset") != stored[c])
        rating.scores, rating.source = stored, source
        save_if_unchanged(
            rating,
            rating.version if expected_version is None else expected_version,
            ["scores", "source", "updated_at"],
            "adherence rating",
        )
        action = "adherence.update"
    audit.record(
        actor=rater,
        action=action,
        client=client,
        obj=rating,
        detail={
            "session": checklist.session_number,
            "source": source.value,
            "score": rating.score.percent,
            "items_changed": changed,
        },
    )
    return rating
