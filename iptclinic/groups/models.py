"""Group IPT (WHO format): a group, its facilitators, its eight sessions and its members.

Each member is a client with their own referral and course (variant ``IPT_G_WHO``): their
inventory, focus, goals, questionnaires, risk alerts, outcomes, portal and letters are those of
their course, unchanged. A group session is an appointment in every member's course, linked back
here by :class:`MemberMeeting`; attendance is that appointment's status and the notes are that
member's own session record, so nothing one member said is stored where another's record reads it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from iptclinic.ipt.groups import MEETING_LABELS, WHO_FORMAT, GroupFormat, MeetingKind


class Group(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    lead_facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    co_facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_facilitated_groups"
    )
    first_session_on = models.DateField()
    session_time = models.TimeField()
    time_zone = models.CharField(max_length=40, default="Europe/London")
    place = models.CharField(max_length=300, blank=True)
    min_members = models.PositiveSmallIntegerField(default=WHO_FORMAT.min_members)
    max_members = models.PositiveSmallIntegerField(default=WHO_FORMAT.max_members)
    rules = models.TextField(
        "group rules",
        blank=True,
        help_text="Agreed with each member as part of their treatment contract.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_session_on", "-id"]
        indexes = [models.Index(fields=["team", "first_session_on"])]

    def __str__(self) -> str:
        return self.name

    @property
    def format(self) -> GroupFormat:
        return replace(WHO_FORMAT, min_members=self.min_members, max_members=self.max_members)

    @property
    def weekday_name(self) -> str:
        return f"{self.first_session_on:%A}"


class GroupSession(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["group", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group", "number"], name="group_session_number_unique")
        ]

    def __str__(self) -> str:
        return f"Group session {self.number}"

    @property
    def has_started(self) -> bool:
        return timezone.localdate(self.starts_at) <= timezone.localdate()


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="group_membership"
    )
    # The order members joined in (0 for the first): it places their individual meetings.
    position = models.PositiveSmallIntegerField()
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "position"], name="group_membership_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Member {self.position + 1} of {self.group}"


class MemberMeeting(models.Model):
    """One appointment of a member's course, and what it is in the group's schedule."""

    membership = models.ForeignKey(
        GroupMembership, on_delete=models.PROTECT, related_name="meetings"
    )
    appointment = models.OneToOneField(
        "courses.Appointment", on_delete=models.PROTECT, related_name="group_meeting"
    )
    number = models.PositiveSmallIntegerField()
    kind = models.CharField(
        max_length=20, choices=[(k.value, label) for k, label in MEETING_LABELS.items()]
    )
    group_session = models.ForeignKey(
        GroupSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_meetings",
    )

    class Meta:
        ordering = ["membership", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "number"], name="member_meeting_number_unique"
            ),
            models.UniqueConstraint(
                fields=["membership", "group_session"], name="member_meeting_session_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} of {self.membership}"

    @property
    def label(self) -> str:
        if self.group_session_id is not None:
            return f"{MEETING_LABELS[MeetingKind.GROUP]} {self.group_session.number}"
        return MEETING_LABELS[MeetingKind(self.kind)]

    @property
    def is_individual(self) -> bool:
        return self.kind != MeetingKind.GROUP


def aware(moment: datetime, time_zone: str) -> datetime:
    """A naive wall-clock time from the pure schedule, placed in the service's time zone."""
    return moment.replace(tzinfo=ZoneInfo(time_zone))
