"""One function per kind of letter: each gathers what its template needs, and what is missing.

A builder never renders anything. It returns a :class:`LetterContent`: the template names, the
context, who receives the letter, and ``gaps``: every piece of data the letter needs but the
record lacks, in plain words, so staff are told before issuing and a letter never goes out with
a blank where a name, an address or a date should be (issue 5, item 6).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from iptclinic.accounts.models import DEFAULT_CRISIS_CONTACTS, Team
from iptclinic.clients.models import Client
from iptclinic.courses.models import Course
from iptclinic.endings.completion import ending_record_for
from iptclinic.endings.selectors import ProgressReview, progress_review
from iptclinic.inventory.models import Formulation, Goal
from iptclinic.inventory.selectors import focus_areas_by_course
from iptclinic.ipt.ending import EndingKind
from iptclinic.ipt.problem_areas import area_meaning

from .models import LetterFormat, LetterKind, Recipient
from .wording import AREA_EXPLANATIONS, AREA_NAMES, NEXT_STEPS, QUESTIONNAIRE_NAMES

PATIENT_FORMATS = (
    LetterFormat.PDF,
    LetterFormat.LARGE_PRINT,
    LetterFormat.EASY_READ,
    LetterFormat.TEXT,
    LetterFormat.AUDIO,
    LetterFormat.BRAILLE,
)
PROFESSIONAL_FORMATS = (LetterFormat.PDF, LetterFormat.TEXT)


@dataclass(frozen=True)
class Addressee:
    recipient: Recipient
    name: str
    lines: tuple[str, ...]


@dataclass
class LetterContent:
    """Everything needed to render one letter, and what stops it being issued."""

    kind: LetterKind
    subject: str
    """For staff lists, in English."""
    context: dict[str, Any]
    addressees: list[Addressee]
    gaps: list[str]
    patient_facing: bool
    formats: tuple[LetterFormat, ...]
    time_zone: str
    staff_written: list[str] = field(default_factory=list)
    """The parts typed by staff, printed as typed (they are not translated)."""

    @property
    def template(self) -> str:
        return f"letters/documents/{self.kind}.html"

    @property
    def easy_read_template(self) -> str:
        return f"letters/easy/{self.kind}.html"


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _addressee(recipient: Recipient, name: str, address: str) -> Addressee:
    """An addressee whose address may start with their own name: it is printed once."""
    lines = _lines(address)
    if lines and _words(lines[0]) == _words(name):
        lines = lines[1:]
    return Addressee(recipient, name.strip(), lines)


def _client_addressee(client: Client) -> Addressee:
    return Addressee(
        Recipient.SERVICE_USER, client.full_name, (*_lines(client.address), client.postcode)
    )


def _base(client: Client, course: Course) -> dict[str, Any]:
    team = client.team
    return {
        "client": client,
        "course": course,
        "team": team,
        "team_address": _lines(team.address),
        "therapist": client.therapist,
        "issued_on": timezone.localdate(),
        # A team's own crisis wording is printed as typed, after the translated UK lines.
        "crisis_custom": team.crisis_contacts.strip() != DEFAULT_CRISIS_CONTACTS.strip(),
    }


def _team_gaps(team: Team, *, patient_facing: bool) -> list[str]:
    where = "A service lead can add it in the letter settings."
    gaps = []
    if not team.address.strip():
        gaps.append(f"The team has no address for the letterhead. {where}")
    if not team.phone.strip():
        gaps.append(f"The team has no switchboard phone number. {where}")
    if patient_facing and not (
        team.complaints_service.strip()
        and (team.complaints_phone or team.complaints_freephone or team.complaints_email)
    ):
        gaps.append(f"The team has no complaints service with a phone or email. {where}")
    if patient_facing and not team.crisis_contacts.strip():
        gaps.append(f"The team has no crisis contacts. {where}")
    return gaps


def _client_gaps(client: Client) -> list[str]:
    name = client.called
    gaps = []
    if not client.address.strip():
        gaps.append(f"{name} has no postal address. Add it on the client's details page.")
    if not client.postcode.strip():
        gaps.append(f"{name} has no postcode. Add it on the client's details page.")
    if client.therapist is None:
        gaps.append(f"{name} has no allocated therapist to sign the letter.")
    return gaps


def _focus(course: Course) -> list[dict[str, Any]]:
    """The focus areas in the person's words, as the course's variant means them."""
    meanings = [
        (area, area_meaning(area, course.variant_enum))
        for area in focus_areas_by_course([course.pk])[course.pk]
    ]
    return [
        {"area": area, "name": AREA_NAMES[meaning], "explanation": AREA_EXPLANATIONS[meaning]}
        for area, meaning in meanings
    ]


def appointments_letter(course: Course) -> LetterContent:
    """The agreed schedule: every appointment still to come, with its session number."""
    client = course.referral.client
    timeline = course.timeline()
    now = timezone.now()
    zone = ZoneInfo(course.time_zone)
    upcoming = [
        row.appointment
        for row in timeline.rows
        if row.appointment.is_planned and row.appointment.starts_at >= now
    ]
    sessions = [
        {
            "id": appointment.pk,
            "number": timeline.attended + index,
            "starts_at": appointment.starts_at.astimezone(zone),
        }
        for index, appointment in enumerate(upcoming, start=1)
    ]
    gaps = _client_gaps(client) + _team_gaps(client.team, patient_facing=True)
    if not course.is_open:
        gaps.append("This course has ended, so it has no appointments to send.")
    elif not sessions:
        gaps.append("No appointments are booked after today. Book or rebook them first.")
    context = _base(client, course) | {
        "sessions": sessions,
        "contracted": course.contracted_sessions,
        "minutes": course.session_minutes,
        "provisional": course.contract_is_provisional,
    }
    return LetterContent(
        kind=LetterKind.APPOINTMENTS,
        subject="Your appointments",
        context=context,
        addressees=[_client_addressee(client)],
        gaps=gaps,
        patient_facing=True,
        formats=PATIENT_FORMATS,
        time_zone=course.time_zone,
    )


def formulation_letter(course: Course) -> LetterContent:
    """The formulation as written to be shared, with the focus areas and goals."""
    client = course.referral.client
    formulation = Formulation.objects.filter(course=course).first()
    goals = list(Goal.objects.filter(course=course, retired_at__isnull=True))
    gaps = _client_gaps(client) + _team_gaps(client.team, patient_facing=True)
    if formulation is None or not formulation.text.strip():
        gaps.append("No formulation has been written for this course yet.")
    focus = _focus(course)
    if not focus:
        gaps.append("No focus has been chosen for this course yet.")
    context = _base(client, course) | {
        "formulation": formulation.text if formulation else "",
        "focus": focus,
        "goals": [goal.text for goal in goals],
    }
    return LetterContent(
        kind=LetterKind.FORMULATION,
        subject="Our understanding of what has been happening",
        context=context,
        addressees=[_client_addressee(client)],
        gaps=gaps,
        patient_facing=True,
        formats=PATIENT_FORMATS,
        time_zone=course.time_zone,
        staff_written=["the formulation", "the goals"] if goals else ["the formulation"],
    )


def _ending_gaps(course: Course, name: str) -> tuple[list[str], Any]:
    gaps = []
    record = ending_record_for(course)
    if course.is_open:
        gaps.append(
            "The course has not ended yet. End it first; the summary describes the whole course."
        )
    if record is None:
        gaps.append(f"{name}'s course has no ending record. Write it on the ending page.")
    elif record.gaps:
        gaps.append("The ending record is not complete: " + " ".join(record.gaps))
    return gaps, record


def _scores(review: ProgressReview) -> list[dict[str, Any]]:
    return [
        {
            "code": score.instrument.code,
            "short_name": score.instrument.short_name,
            "name": QUESTIONNAIRE_NAMES.get(score.instrument.code, score.instrument.short_name),
            "max": score.instrument.max_total,
            "first": score.pair.first,
            "last": score.pair.last,
            "first_band": score.first_band,
            "last_band": score.last_band,
            "change": score.reliable_change,
            "chart": score.series.chart,
        }
        for score in review.scores
        if score.pair.first is not None
    ]


_WORDS = re.compile(r"[a-z0-9]+")
_SELF_REFERRAL = frozenset({"self", "self referral", "selfreferral", "self referred"})


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def _same_place(first: str, second: str) -> bool:
    a, b = _words(first), _words(second)
    return bool(a and b) and (a in b or b in a)


def referrer_is_gp(client: Client, referrer: str, referrer_address: str) -> bool:
    """Whether the referral came from the GP practice or the person themselves, so the GP summary
    needs no copy (decisions.md §25: copied to the referrer where different)."""
    if _words(referrer) in _SELF_REFERRAL:
        return True
    return _same_place(client.gp_practice, referrer) or _same_place(
        client.gp_address, referrer_address
    )


def gp_summary_letter(course: Course, *, referrer_address: str = "") -> LetterContent:
    """The end-of-therapy summary for the GP, copied to the referrer where different."""
    client = course.referral.client
    referral = course.referral
    gaps = _team_gaps(client.team, patient_facing=False)
    ending_gaps, record = _ending_gaps(course, client.called)
    gaps += ending_gaps
    if client.therapist is None:
        gaps.append(f"{client.called} has no allocated therapist to sign the letter.")
    if not client.gp_practice.strip():
        gaps.append(
            f"{client.called}'s GP practice is not recorded. Add it on the client's details page."
        )
    if not client.gp_address.strip():
        gaps.append(
            f"{client.called}'s GP practice has no address. Add it on the client's details page."
        )
    if not client.nhs_number:
        gaps.append(f"{client.called} has no NHS number; a letter to the GP must carry it.")
    if record is not None and not record.gp_consent:
        gaps.append(
            f"{client.called} has not agreed to the summary going to the GP (see the ending record)."
        )
    addressees = [_addressee(Recipient.GP, client.gp_practice, client.gp_address)]
    copy_address = referral.referrer_address.strip() or referrer_address.strip()
    copy_to = None
    if not referrer_is_gp(client, referral.referrer, copy_address):
        copy_to = _addressee(Recipient.REFERRER, referral.referrer, copy_address)
        if not copy_address:
            gaps.append(
                f"The referral came from {referral.referrer}, who gets a copy, but has no address. "
                "Type it in the box below."
            )
        addressees.append(copy_to)
    review = progress_review(course)
    context = _base(client, course) | {
        "review": review,
        "scores": _scores(review),
        "record": record,
        "referral": referral,
        "copy_to": copy_to,
        "gp": addressees[0],
        "early": record is not None and record.kind_enum is EndingKind.EARLY,
    }
    return LetterContent(
        kind=LetterKind.GP_SUMMARY,
        subject="End-of-therapy summary",
        context=context,
        addressees=addressees,
        gaps=gaps,
        patient_facing=False,
        formats=PROFESSIONAL_FORMATS,
        time_zone=course.time_zone,
    )


def client_summary_letter(course: Course) -> LetterContent:
    """The end-of-therapy summary for the service user, in plain words."""
    client = course.referral.client
    gaps = _client_gaps(client) + _team_gaps(client.team, patient_facing=True)
    ending_gaps, record = _ending_gaps(course, client.called)
    gaps += ending_gaps
    review = progress_review(course)
    early = record is not None and record.kind_enum is EndingKind.EARLY
    context = _base(client, course) | {
        "review": review,
        "scores": _scores(review),
        "focus": _focus(course),
        "record": record,
        "early": early,
        "next_step": NEXT_STEPS.get(record.disposition_enum)
        if record and record.disposition
        else "",
    }
    written = ["your warning signs and plan", "what happens next"]
    if record is not None and not early:
        written = ["what you said helped", "your future goals", *written]
    return LetterContent(
        kind=LetterKind.CLIENT_SUMMARY,
        subject="Your therapy: a summary",
        context=context,
        addressees=[_client_addressee(client)],
        gaps=gaps,
        patient_facing=True,
        formats=PATIENT_FORMATS,
        time_zone=course.time_zone,
        staff_written=written,
    )


BUILDERS: Mapping[LetterKind, Callable[..., LetterContent]] = MappingProxyType(
    {
        LetterKind.APPOINTMENTS: appointments_letter,
        LetterKind.FORMULATION: formulation_letter,
        LetterKind.GP_SUMMARY: gp_summary_letter,
        LetterKind.CLIENT_SUMMARY: client_summary_letter,
    }
)


def build(kind: LetterKind, course: Course, **options: str) -> LetterContent:
    """The content of a letter of ``kind`` about ``course``; only the GP summary takes options."""
    kind = LetterKind(kind)
    if kind is LetterKind.GP_SUMMARY:
        return gp_summary_letter(course, **options)
    return BUILDERS[kind](course)
