"""Build one client's full set of clinical objects, for tests that walk every URL."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone
from django_otp_webauthn.models import WebAuthnCredential

from iptclinic.accounts.models import User
from iptclinic.attention.models import Item
from iptclinic.attention.services import sync_team
from iptclinic.clients.models import Carer, Client, NeedsTold, RecordingConsent
from iptclinic.courses import services as course_services
from iptclinic.courses.models import Addendum, SessionRequest
from iptclinic.courses.requests import set_appointment_place
from iptclinic.endings.models import EndingRecord
from iptclinic.fidelity.selectors import new_checklist
from iptclinic.fidelity.services import rate_session
from iptclinic.groups import services as group_services
from iptclinic.groups.models import Group
from iptclinic.inventory import services as inventory_services
from iptclinic.inventory.models import (
    FocusDecision,
    Formulation,
    Goal,
    GoalRating,
    Inventory,
    MiddlePhaseOverride,
    PortalShare,
    SessionFocusWork,
    Suggestion,
    TreatmentAgreement,
)
from iptclinic.ipt.case import ApproxDate, DatePrecision
from iptclinic.ipt.my_therapy import SharedItem
from iptclinic.letters.models import IssuedLetter, LetterFile, LetterRequest
from iptclinic.measures import services as measure_services
from iptclinic.measures.models import DutyShift
from iptclinic.portal.models import ContactMessage, RecordQuestion
from iptclinic.subject_access.models import SubjectAccessRequest, ThirdParty
from iptclinic.supervision.models import Action, CaseDiscussed, Meeting, RecordingReviewed
from iptclinic.test import attend_next, make_client, open_course_for


def _group(client: Client, therapist: User) -> Group:
    """A group led by ``therapist`` starting next week, with one member of their own."""
    group = group_services.create_group(
        actor=therapist,
        team=client.team,
        name="Walk group",
        lead_facilitator=therapist,
        start_date=timezone.localdate() + timedelta(days=7),
        weekday=timezone.localdate().weekday(),
        session_time=time(10, 0),
    )
    member = make_client(therapist, therapist, "Gwen", "Groupmember")
    group_services.add_members(group, actor=therapist, referrals=[member.referrals.get()])
    return group


def clinical_objects(client: Client, therapist: User) -> dict[str, int]:
    """Ids of a client, an open course, an attended appointment with a record, and a missed one;
    a PHQ-9 from the attended session whose item 9 raised a risk alert."""
    course = open_course_for(client, therapist)
    attended = attend_next(course, therapist, 2)[-1]
    record = course_services.save_session_record(
        attended, actor=therapist, data={"notes": "Session notes."}, expected_version=None
    )
    missed = course.appointments.filter(status="planned").order_by("starts_at").first()
    course_services.set_attendance(missed, actor=therapist, status="did_not_attend")
    phq9 = measure_services.record_questionnaire(
        client,
        actor=therapist,
        instrument_code="phq9",
        answers={number: 1 for number in range(1, 11)},
        appointment=attended,
    )
    # Inventory: one person, one event with them, one earlier episode.
    person = inventory_services.add_relationship(
        course, actor=therapist, data={"label": "Sam", "relationship_type": "partner"}
    )
    event = inventory_services.add_event(
        course,
        actor=therapist,
        data={
            "happened_on": course.start_date,
            "precision": "month",
            "kind": "move",
            "description": "Moved.",
        },
        people=[person],
    )
    earlier = inventory_services.add_earlier_episode(
        course, actor=therapist, began=ApproxDate(course.start_date, DatePrecision.YEAR), note=""
    )
    # Letters: a request and the stored letter made for it, with one file, made directly (issuing
    # renders every format in a worker, which the walk does not need).
    asked = LetterRequest.objects.create(
        client=client,
        course=course,
        kind="appointments",
        formats=["pdf", "text"],
        requested_by=therapist,
        requested_at=course.created_at,
        status="ready",
    )
    letter = IssuedLetter.objects.create(
        request=asked,
        client=client,
        course=course,
        kind="appointments",
        language="en-gb",
        language_name="English",
        translation_status="Original wording.",
        subject="Your appointments",
        issued_by=therapist,
        issued_at=course.created_at,
    )
    text = b"Your appointments"
    stored = LetterFile.objects.create(
        letter=letter,
        recipient="service_user",
        format="text",
        language="en-gb",
        filename="appointments.txt",
        content_type="text/plain; charset=utf-8",
        content=text,
        size=len(text),
        sha256=LetterFile.digest(text),
        render_seconds=0.0,
    )
    # The safety net: the client's items in "Needs attention", and a turn on the duty rota.
    sync_team(client.team)
    item = Item.objects.filter(client=client, owner=therapist).first()
    shift = DutyShift.objects.create(
        team=client.team,
        clinician=therapist,
        starts_on=course.start_date,
        ends_on=course.start_date,
        created_by=therapist,
    )
    # The second factor: the therapist's passkey (its key material is not needed by the walk).
    passkey = WebAuthnCredential.objects.create(
        user=therapist,
        name="Passkey",
        confirmed=True,
        credential_id=f"passkey-of-{therapist.pk}".encode(),
        public_key=b"not-a-real-key",
        sign_count=0,
        aaguid="00000000-0000-0000-0000-000000000000",
    )
    # A request for the whole record, with one person to review (made directly: the walk does
    # not need the copy itself).
    sar = SubjectAccessRequest.objects.create(
        client=client,
        team=client.team,
        received_on=course.start_date,
        requester="person",
        identity_check="known",
        due_on=course.start_date,
        recorded_by=therapist,
        recorded_at=course.created_at,
    )
    party = ThirdParty.objects.create(
        request=sar, name="Sam", found_in="Inventory", label="Person A"
    )
    # Records that keep their history, for the history pages (iptclinic.history); made directly,
    # as the walk needs only that they exist.
    addendum = Addendum.objects.create(record=record, text="Added later.", author=therapist)
    facts = Inventory.objects.create(course=course)
    focus = FocusDecision.objects.create(
        course=course, areas=["role_transition"], reason="Agreed.", decided_by=therapist
    )
    formulation = Formulation.objects.create(course=course, text="Draft.", updated_by=therapist)
    agreement = TreatmentAgreement.objects.create(
        course=course,
        agreed_on=course.start_date,
        contracted_sessions=course.contracted_sessions,
        focus=focus,
        recorded_by=therapist,
    )
    override = MiddlePhaseOverride.objects.create(
        course=course, reason="Agreed.", applies_from=course.start_date, recorded_by=therapist
    )
    goal = Goal.objects.create(
        course=course, area="role_transition", text="Join a club.", created_by=therapist
    )
    rating = GoalRating.objects.create(goal=goal, appointment=attended, rating=3)
    focus_work = SessionFocusWork.objects.create(appointment=attended, updated_by=therapist)
    # Adherence (issue 13): the therapist's own rating of the recorded session.
    checklist = new_checklist(attended)[2]
    rate_session(attended, therapist, "self", {item.code: 2 for item in checklist})
    # portal appointments (issue 11): a place and a client's request about the next session.
    booked = course.appointments.filter(status="planned").order_by("starts_at").last()
    set_appointment_place(booked, actor=therapist, place="Room 4", video_link="")
    SessionRequest.objects.create(
        appointment=booked,
        kind="move",
        reason="Work.",
        made_by=therapist,
        made_at=course.created_at,
    )
    # The portal (issue 11, item 4): every item shared, so the portal's walks see the whole page,
    # and a suggestion from the client, made directly.
    for shared in SharedItem:
        PortalShare.objects.create(course=course, item=shared, shared_by=therapist)
    suggestion = Suggestion.objects.create(
        course=course,
        kind="add_someone",
        item="circle",
        label="Jo",
        closeness=2,
        created_at=course.created_at,
    )
    ending = EndingRecord.objects.create(
        course=course, created_by=therapist, updated_by=therapist, updated_at=course.created_at
    )
    # Contact and concerns from the portal: a message and a question about who looked (made
    # directly: the walk needs only that they exist).
    message = ContactMessage.objects.create(
        team=client.team,
        client=client,
        kind="message",
        text="Can we talk about Thursday?",
        sent_by=therapist,
        sent_to=therapist,
    )
    question = RecordQuestion.objects.create(
        team=client.team,
        client=client,
        text="Who is this?",
        about_day=course.start_date,
        about_person=therapist,
        about_name=therapist.display_name,
        sent_by=therapist,
        sent_to=therapist,
    )
    # Needs told in the portal, waiting for the therapist (made directly: the walk needs only that
    # it exists).
    told = NeedsTold.objects.create(
        client=client,
        told_by=therapist,
        told_at=course.created_at,
        large_print=True,
        preferred_contact="phone",
        changed=["large_print"],
    )
    # Supervision (issue 13): the client's consent to recording, and a meeting about them that
    # heard the attended session and set an action (made directly: the walk needs only that they
    # exist). The supervisor is the therapist's, or the therapist where they have none.
    consent = RecordingConsent.objects.create(
        client=client,
        given_on=course.start_date,
        recorded_by=therapist,
        recorded_at=course.created_at,
    )
    meeting = Meeting.objects.create(
        team=client.team,
        supervisor=therapist.supervisor or therapist,
        therapist=therapist,
        met_on=course.start_date,
        agreed="Keep to the focus.",
        recorded_at=course.created_at,
    )
    CaseDiscussed.objects.create(meeting=meeting, course=course, appointment=attended, note="Met.")
    RecordingReviewed.objects.create(meeting=meeting, appointment=attended, consent=consent)
    action_item = Item.objects.create(
        team=client.team,
        owner=therapist,
        owner_role="therapist",
        kind="supervision_action",
        key=f"supervision_action:{meeting.pk}:1",
        from_rule=False,
        title="Send the leaflet.",
        subject_type="supervision_meeting",
        subject_id=meeting.pk,
        recurs=False,
        since=course.created_at,
        due=course.created_at,
    )
    Action.objects.create(
        meeting=meeting, text="Send the leaflet.", due_on=course.start_date, item=action_item
    )
    # IPT for adolescents (issue 14): a parent who may join sessions and be contacted.
    carer = Carer.objects.create(
        client=client,
        name="Alex Example",
        relationship="Dad",
        phone="07700 900123",
        involve_consent_on=course.start_date,
        contact_consent_on=course.start_date,
        recorded_by=therapist,
        recorded_at=course.created_at,
    )
    group = _group(client, therapist)
    return {
        "carer_id": carer.pk,
        # group IPT (issue 14): a group the therapist leads, with another client as its member
        "group_id": group.pk,
        "session_id": group.sessions.get(number=1).pk,
        "meeting_id": meeting.pk,
        "therapist_id": therapist.pk,
        "message_id": message.pk,
        "question_id": question.pk,
        "told_id": told.pk,
        "sar_id": sar.pk,
        "third_party_id": party.pk,
        "user_id": therapist.pk,
        "passkey_id": passkey.pk,
        # The therapist's own account, on the service lead's people pages.
        "person_id": therapist.pk,
        "item_id": item.pk,
        "shift_id": shift.pk,
        "letter_id": letter.pk,
        "letter_request_id": asked.pk,
        "file_id": stored.pk,
        "relationship_id": person.pk,
        "event_id": event.pk,
        "episode_id": earlier.pk,
        "client_id": client.pk,
        "course_id": course.pk,
        "appointment_id": missed.pk,
        "record_id": record.pk,
        "response_id": phq9.pk,
        "alert_id": phq9.alerts.get().pk,
        "referral_id": course.referral_id,
        "addendum_id": addendum.pk,
        "inventory_id": facts.pk,
        "focus_id": focus.pk,
        "formulation_id": formulation.pk,
        "treatment_agreement_id": agreement.pk,
        "middle_phase_override_id": override.pk,
        "goal_id": goal.pk,
        "goal_rating_id": rating.pk,
        "focus_work_id": focus_work.pk,
        "ending_record_id": ending.pk,
        "suggestion_id": suggestion.pk,
    }
