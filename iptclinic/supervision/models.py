"""Supervision meetings: what a supervisor and a therapist discussed, heard and agreed (issue 13).

A meeting is between a supervisor and one of their supervisees. It names the cases discussed
(each a course, perhaps one session of it), the recordings heard (only with the client's consent:
``ipt.supervision.recording_may_be_reviewed``), what was agreed, and the actions set, each of
which is an item in the therapist's "Needs attention".
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Meeting(models.Model):
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_given"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_received"
    )
    met_on = models.DateField("date of the meeting")
    agreed = models.TextField("what was agreed", blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-met_on", "-id"]
        indexes = [
            models.Index(fields=["therapist", "met_on"]),
            models.Index(fields=["supervisor", "met_on"]),
        ]

    def __str__(self) -> str:
        return f"Supervision on {self.met_on:%d %b %Y}"


class CaseDiscussed(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="cases")
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="supervision_discussions"
    )
    appointment = models.ForeignKey(
        "courses.Appointment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervision_discussions",
        help_text="The session discussed, if one was.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "course"], name="one_discussion_per_course")
        ]

    def __str__(self) -> str:
        return f"Case discussed in meeting {self.meeting_id}"


class RecordingReviewed(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="recordings")
    appointment = models.ForeignKey(
        "courses.Appointment", on_delete=models.PROTECT, related_name="recordings_reviewed"
    )
    consent = models.ForeignKey(
        "clients.RecordingConsent",
        on_delete=models.PROTECT,
        related_name="recordings_reviewed",
        help_text="The consent that stood on the day of the session and of the review.",
    )

    class Meta:
        ordering = ["meeting", "appointment__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "appointment"], name="one_review_per_recording_per_meeting"
            )
        ]

    def __str__(self) -> str:
        return f"Recording reviewed in meeting {self.meeting_id}"


class Action(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    text = models.CharField(max_length=300)
    due_on = models.DateField("due by")
    item = models.OneToOneField(
        "attention.Item", on_delete=models.PROTECT, related_name="supervision_action"
    )

    class Meta:
        ordering = ["meeting", "due_on", "id"]

    def __str__(self) -> str:
        return f"Action from meeting {self.meeting_id}"
