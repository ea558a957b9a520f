"""A person's request for their whole record, and the copy made for them.

The request keeps when it arrived, who asked and how their identity was checked, the deadline
(and any extension with its reason); the copy is made in the background (``tasks.make_copy``),
each named third party is reviewed (release or withhold, with a reason), and the release is
recorded with who, when and how. The files are a copy of special-category data: they are kept
for ``KEEP_COPY_DAYS`` after release and then erased by the periodic run, the request's record
staying (docs/subject-access.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


class Requester(models.TextChoices):
    PERSON = "person", "The person themselves"
    REPRESENTATIVE = "representative", "Someone acting for them"


class IdentityCheck(models.TextChoices):
    KNOWN = "known", "Known to the team and seen in person"
    PORTAL = "portal", "Asked through their own signed-in account"
    DOCUMENTS = "documents", "Identity documents seen"
    AUTHORITY = "authority", "Representative's authority seen (consent or legal power)"


class CopyStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be made"
    MAKING = "making", "Being made"
    READY = "ready", "Ready for review"
    FAILED = "failed", "Could not be made"


class ReleaseMethod(models.TextChoices):
    DOWNLOAD = "download", "Downloaded and handed over"
    POST = "post", "Sent by post"
    SECURE_EMAIL = "secure_email", "Sent by secure email"


class SubjectAccessRequest(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="subject_access_requests"
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    requester = models.CharField(max_length=20, choices=Requester.choices)
    requester_note = models.TextField(
        blank=True, help_text="Who is acting for the person, and on what authority."
    )
    identity_check = models.CharField(max_length=20, choices=IdentityCheck.choices)
    identity_note = models.TextField(blank=True)
    due_on = models.DateField()
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    # The copy, made in the background.
    status = models.CharField(max_length=10, choices=CopyStatus.choices, default=CopyStatus.WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    step = models.CharField(max_length=120, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_pages = models.PositiveIntegerField(null=True, blank=True)
    json = models.BinaryField(null=True, blank=True)
    json_sha256 = models.CharField(max_length=64, blank=True)
    make_seconds = models.FloatField(null=True, blank=True)
    decisions_made = models.PositiveIntegerField(
        default=0, help_text="How many review decisions have been made, changes included."
    )
    decisions_applied = models.PositiveIntegerField(
        default=0, help_text="How many of them the stored copy applies."
    )

    # The release.
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    release_method = models.CharField(max_length=20, choices=ReleaseMethod.choices, blank=True)
    release_note = models.TextField(blank=True)
    files_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["team", "released_at"])]

    def __str__(self) -> str:
        return f"Request for the whole record received {self.received_on:%d %b %Y}"

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @property
    def is_finished(self) -> bool:
        return self.status in (CopyStatus.READY, CopyStatus.FAILED)

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def copy_is_current(self) -> bool:
        """The copy was made after the last review decision, so it applies every decision."""
        return self.status == CopyStatus.READY and self.decisions_applied == self.decisions_made


class Decision(models.TextChoices):
    UNDECIDED = "", "Not yet reviewed"
    RELEASE = "release", "Release"
    WITHHOLD = "withhold", "Withhold"


class ThirdParty(models.Model):
    """A person other than the client named in the record, found when the copy was made.

    Until reviewed the name is withheld in the copy (the safe default)."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="third_parties"
    )
    name = models.CharField(max_length=200)
    found_in = models.CharField(max_length=300, help_text="Where the name is recorded.")
    mentions = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=20, help_text="What replaces the name if withheld.")
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "name"], name="one_review_per_name")
        ]

    def __str__(self) -> str:
        return self.label
