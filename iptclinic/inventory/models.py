"""The interpersonal inventory of a course, its timeline, the chosen focus, formulation and goals.

Field names follow the pure case model (``iptclinic.ipt.case``) so that a course's inventory is
turned into a :class:`~iptclinic.ipt.case.Case` field by field (``inventory.cases``). The people in
an inventory are not service users: they are third parties, named by a first name or a pseudonym
(ipt-method.md §2.4 data-protection note). Nothing here is derived and stored twice; the focus
suggestion is recomputed from these rows whenever it is shown.

Every write goes through ``inventory.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iptclinic.history.records import kept_history
from iptclinic.ipt.case import (
    Conflict,
    ContactFrequency,
    DatePrecision,
    EventKind,
    LifeStatus,
    RelationshipType,
)
from iptclinic.ipt.my_therapy import (
    PERSON_NAMES,
    STAFF_NAMES,
    SUGGESTION_KIND_WORDS,
    SharedItem,
    SuggestionKind,
    SuggestionState,
)
from iptclinic.ipt.problem_areas import DisputeStage, ProblemArea

RINGS = 4
"""Rings on the closeness circle; 3–4 are typical (ipt-method.md §2.2, PRODUCT: fixed at 4)."""

IMPORTANCE = range(1, 6)
MOOD = range(0, 11)
GOAL_PROGRESS = range(0, 11)
MAX_GOALS_PER_AREA = 3
"""One to three goals per focus area (issue 3, PRODUCT)."""


def _choices(enum: type, labels: dict | None = None) -> list[tuple[str, str]]:
    labels = labels or {}
    return [(m.value, labels.get(m, m.value.replace("_", " ").capitalize())) for m in enum]


RELATIONSHIP_LABELS = {
    RelationshipType.EX_PARTNER: "Former partner",
    RelationshipType.OTHER_FAMILY: "Other family",
    RelationshipType.PEER: "Peer (school or college)",
    RelationshipType.GROUP_OR_COMMUNITY: "A group or community",
}
CONTACT_LABELS = {
    ContactFrequency.DAILY: "Every day or most days",
    ContactFrequency.WEEKLY: "Every week",
    ContactFrequency.FORTNIGHTLY: "Every two or three weeks",
    ContactFrequency.MONTHLY: "Every month",
    ContactFrequency.RARELY: "Rarely",
    ContactFrequency.NONE: "No contact",
}
CONFLICT_LABELS = {
    Conflict.NONE: "No disagreement",
    Conflict.OPEN: "Open: they argue or clearly disagree",
    Conflict.COVERT: "Hidden: silences, resentment, things left unsaid",
}
EVENT_LABELS = {
    EventKind.JOB_LOSS: "Lost a job",
    EventKind.NEW_JOB: "New job",
    EventKind.RELATIONSHIP_START: "Relationship began",
    EventKind.COMING_OUT: "Coming out",
    EventKind.BIRTH: "Birth of a child",
    EventKind.DIAGNOSIS: "Diagnosis of an illness",
    EventKind.CARING: "Became a carer",
    EventKind.CARING_ENDED: "Stopped caring for someone",
    EventKind.JOINED_HOUSEHOLD: "Someone came to live with them",
    EventKind.CHILDREN_LEAVING: "Children left home",
    EventKind.EDUCATION_START: "Started school, college or university",
    EventKind.EDUCATION_END: "Left school, college or university",
    EventKind.FINANCIAL_CHANGE: "Change in money or housing",
    EventKind.CONFLICT: "A conflict or falling-out",
    EventKind.MOVE: "Moved home",
}
DATE_FORMATS = {DatePrecision.DAY: "j F Y", DatePrecision.MONTH: "F Y", DatePrecision.YEAR: "Y"}
"""Django ``date`` filter formats that show a date only as exactly as it is known."""


class Inventory(models.Model):
    """Facts about the episode as a whole: when it began and whether the course is chronic."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="inventory"
    )
    onset_on = models.DateField(null=True, blank=True)
    onset_precision = models.CharField(
        max_length=5, choices=_choices(DatePrecision), default=DatePrecision.MONTH
    )
    # When the low mood came on over a period ("over the winter"): the end of that period.
    onset_until_on = models.DateField(null=True, blank=True)
    onset_until_precision = models.CharField(
        max_length=5, choices=_choices(DatePrecision), default=DatePrecision.MONTH
    )
    chronic_course = models.BooleanField(default=False)
    patterns = models.TextField(blank=True, help_text="Patterns across relationships, one a line.")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    history = kept_history()

    def __str__(self) -> str:
        return f"Inventory of course {self.course_id}"


class Relationship(models.Model):
    """One person or group in the inventory (ipt-method.md §2.1, §2.4)."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="relationships"
    )
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=60)
    relationship_type = models.CharField(
        max_length=20, choices=_choices(RelationshipType, RELATIONSHIP_LABELS)
    )
    # A second role of the same person (a sister who is also a colleague).
    second_type = models.CharField(
        max_length=20, choices=_choices(RelationshipType, RELATIONSHIP_LABELS), blank=True
    )
    status = models.CharField(max_length=10, choices=_choices(LifeStatus), default=LifeStatus.ALIVE)
    died_on = models.DateField(null=True, blank=True)
    died_precision = models.CharField(
        max_length=5, choices=_choices(DatePrecision), default=DatePrecision.DAY
    )
    closeness_now = models.PositiveSmallIntegerField(null=True, blank=True)
    closeness_before = models.PositiveSmallIntegerField(null=True, blank=True)
    contact_frequency = models.CharField(
        max_length=15, choices=_choices(ContactFrequency, CONTACT_LABELS), blank=True
    )
    importance = models.PositiveSmallIntegerField(null=True, blank=True)
    can_confide = models.BooleanField(null=True, blank=True)
    knows_how_patient_feels = models.BooleanField(null=True, blank=True)
    satisfying = models.TextField(blank=True)
    unsatisfying = models.TextField(blank=True)
    patient_expectations = models.TextField(blank=True)
    other_expectations = models.TextField(blank=True)
    expectations_met = models.BooleanField(null=True, blank=True)
    conflict = models.CharField(
        max_length=10, choices=_choices(Conflict, CONFLICT_LABELS), blank=True
    )
    trying_to_resolve = models.BooleanField(null=True, blank=True)
    talking_stopped = models.BooleanField(null=True, blank=True)
    judged_beyond_repair = models.BooleanField(null=True, blank=True)
    topics_avoided = models.TextField(blank=True)
    symptoms_follow_contact = models.BooleanField(default=False)
    support_received = models.TextField(blank=True)
    support_given = models.TextField(blank=True)
    changes_wanted = models.TextField(blank=True)
    recent_change = models.TextField(blank=True)
    avoids_talking_about_death = models.BooleanField(default=False)
    mourning_avoided = models.BooleanField(default=False)
    symptoms_tied_to_death = models.BooleanField(default=False)
    dispute_stage = models.CharField(max_length=15, choices=_choices(DisputeStage), blank=True)
    # [{"area": "role_dispute", "reason": "..."}]: a decision recorded, not evidence (case.AreaTag).
    areas = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = kept_history()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def person_id(self) -> str:
        """The id this person has in a case file: stable for the life of the row."""
        return f"p{self.pk}"

    @property
    def is_deceased(self) -> bool:
        return self.status == LifeStatus.DECEASED

    @property
    def died_format(self) -> str:
        return DATE_FORMATS[DatePrecision(self.died_precision)]


class LifeEvent(models.Model):
    """An event on the timeline, dated to the day, the month or the year (ipt-method.md §2.3)."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="life_events"
    )
    happened_on = models.DateField()
    precision = models.CharField(
        max_length=5, choices=_choices(DatePrecision), default=DatePrecision.MONTH
    )
    kind = models.CharField(max_length=20, choices=_choices(EventKind, EVENT_LABELS))
    description = models.CharField(max_length=200)
    people = models.ManyToManyField(Relationship, blank=True, related_name="events")
    mood_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    ed_symptom_note = models.TextField(blank=True)
    symptoms_worsened = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    history = kept_history()

    class Meta:
        ordering = ["happened_on", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def event_id(self) -> str:
        return f"e{self.pk}"

    @property
    def precision_format(self) -> str:
        return DATE_FORMATS[DatePrecision(self.precision)]


class EarlierEpisode(models.Model):
    """A previous episode of low mood and what was going on then (ipt-method.md §2.3)."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="earlier_episodes"
    )
    began_on = models.DateField()
    precision = models.CharField(
        max_length=5, choices=_choices(DatePrecision), default=DatePrecision.YEAR
    )
    note = models.CharField(max_length=200, blank=True)

    history = kept_history()

    class Meta:
        ordering = ["began_on", "id"]

    def __str__(self) -> str:
        return f"Episode from {self.began_on:%Y}"

    @property
    def precision_format(self) -> str:
        return DATE_FORMATS[DatePrecision(self.precision)]


class FocusDecision(models.Model):
    """The focus the therapist chose, with why. A new choice supersedes the previous one.

    ``suggested`` keeps what the suggester proposed at that moment, so that a review can see
    whether the choice followed it; the suggestion itself never sets a focus (ipt-method.md R28).
    """

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="focus_decisions"
    )
    areas = models.JSONField()
    reason = models.TextField()
    dispute_stage = models.CharField(max_length=15, choices=_choices(DisputeStage), blank=True)
    renegotiation = models.BooleanField(default=False)
    suggested = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    history = kept_history()

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(superseded_at__isnull=True),
                name="inventory_one_current_focus_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"Focus {', '.join(self.areas)}"

    @property
    def problem_areas(self) -> list[ProblemArea]:
        return [ProblemArea(a) for a in self.areas]

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Formulation(models.Model):
    """The interpersonal formulation, written to be shared with the service user.

    A draft is edited freely; once it is marked as shared (``shared_on``) it is read-only, and a
    revision starts a new draft after a recorded change of focus.
    """

    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="formulation"
    )
    text = models.TextField()
    shared_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = kept_history()

    def __str__(self) -> str:
        return f"Formulation of course {self.course_id}"

    @property
    def is_shared(self) -> bool:
        return self.shared_on is not None


class TreatmentAgreement(models.Model):
    """The agreement at the end of the initial phase: sessions, focus, goals and the date."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="treatment_agreement"
    )
    agreed_on = models.DateField()
    contracted_sessions = models.PositiveSmallIntegerField()
    focus = models.ForeignKey(FocusDecision, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = kept_history()

    def __str__(self) -> str:
        return f"Agreement of {self.agreed_on:%d %b %Y}"


class MiddlePhaseOverride(models.Model):
    """The middle phase allowed without an agreed focus, and why (decisions.md §6)."""

    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="middle_phase_override"
    )
    reason = models.TextField()
    applies_from = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    history = kept_history()

    def __str__(self) -> str:
        return f"Middle phase allowed from {self.applies_from:%d %b %Y}"


class Goal(models.Model):
    """A goal for one focus area; a retired goal keeps its ratings but is no longer rated."""

    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="goals")
    area = models.CharField(max_length=25, choices=_choices(ProblemArea))
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    history = kept_history()

    class Meta:
        ordering = ["area", "position", "id"]

    def __str__(self) -> str:
        return self.text


class SessionFocusWork(models.Model):
    """Middle-phase work in one session: the techniques used (ipt-method.md §4)."""

    appointment = models.OneToOneField(
        "courses.Appointment", on_delete=models.PROTECT, related_name="focus_work"
    )
    techniques = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = kept_history()

    def __str__(self) -> str:
        return f"Focus work of appointment {self.appointment_id}"


class GoalRating(models.Model):
    """Progress on a goal as rated in one session: 0 = not started, 10 = reached."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="ratings")
    appointment = models.ForeignKey(
        "courses.Appointment", on_delete=models.PROTECT, related_name="goal_ratings"
    )
    rating = models.PositiveSmallIntegerField()

    history = kept_history()

    class Meta:
        ordering = ["appointment__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "appointment"], name="inventory_one_rating_per_goal_and_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}/10"


# --- The portal: what the client may see, their own ratings and their suggestions ---------------


class PortalShare(models.Model):
    """One item of a course the therapist chose to show the client in the portal.

    A row exists only while the item is shared: nothing is shown by default (H-094).
    """

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="portal_shares"
    )
    item = models.CharField(max_length=15, choices=_choices(SharedItem, STAFF_NAMES))
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "item"], name="inventory_one_share_per_item_and_course"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} shared"


class PortalGoalRating(models.Model):
    """The client's own rating of a goal before a session, given in the portal.

    Kept apart from the therapist's ``GoalRating``: it is what the person said, shown in that
    session's record as theirs.
    """

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="portal_ratings")
    appointment = models.ForeignKey(
        "courses.Appointment", on_delete=models.PROTECT, related_name="portal_goal_ratings"
    )
    rating = models.PositiveSmallIntegerField()
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ["appointment__starts_at", "goal_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "appointment"], name="inventory_one_portal_rating_per_goal_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rating}/10 (the client's own)"


class Suggestion(models.Model):
    """A change the client suggested in the portal. It changes nothing until the therapist
    accepts it (an "Add someone" becomes a relationship after they check it) or notes it as
    discussed (H-095)."""

    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="portal_suggestions"
    )
    kind = models.CharField(max_length=15, choices=_choices(SuggestionKind, SUGGESTION_KIND_WORDS))
    item = models.CharField(max_length=15, choices=_choices(SharedItem, PERSON_NAMES), blank=True)
    label = models.CharField(max_length=60, blank=True)
    closeness = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    state = models.CharField(
        max_length=10, choices=_choices(SuggestionState), default=SuggestionState.OPEN.value
    )
    created_at = models.DateTimeField()
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    relationship = models.ForeignKey(
        Relationship,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portal_suggestions",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Suggestion {self.pk} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.state == SuggestionState.OPEN
