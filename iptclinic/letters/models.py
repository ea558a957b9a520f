"""Letters asked for, letters issued exactly as sent, and the translation records behind them.

Issuing is in two steps (``services``): the request is checked and stored as a ``LetterRequest``
at once; a background worker then renders every format and stores the ``IssuedLetter``, its bytes
unchanged with a SHA-256 digest, so a download returns exactly what was sent and damage would be
noticed. Binary content lives in the database (``BinaryField``), not in files: it is written in
the same transaction as the letter, its audit event and the request's "ready" mark, so a failed
run leaves nothing behind, and backups of the database hold the letters too.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


class LetterKind(models.TextChoices):
    APPOINTMENTS = "appointments", "Appointment letter"
    FORMULATION = "formulation", "Formulation letter"
    GP_SUMMARY = "gp_summary", "End-of-therapy summary for the GP"
    CLIENT_SUMMARY = "client_summary", "End-of-therapy summary for the service user"


class LetterFormat(models.TextChoices):
    PDF = "pdf", "Standard print (PDF)"
    LARGE_PRINT = "large_print", "Large print (PDF, 16 point and larger)"
    EASY_READ = "easy_read", "Easy read (PDF with pictures)"
    TEXT = "text", "Plain text, for screen readers and email"
    AUDIO = "audio", "Audio (MP3)"
    BRAILLE = "braille", "Braille (BRF)"
    CALENDAR = "calendar", "Calendar of the appointments (ICS)"


class Recipient(models.TextChoices):
    SERVICE_USER = "service_user", "Service user"
    GP = "gp", "GP"
    REFERRER = "referrer", "Referrer (copy)"
    RECORD = "record", "English copy for the record"


class RequestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be made"
    MAKING = "making", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be made"


class LetterRequest(models.Model):
    """A letter someone asked for, made in the background by ``tasks.make_letter``.

    It keeps what was asked (so the worker makes exactly that, checked again against the record
    as it is then), who asked and when, and how the making went: waiting, being made, ready
    (``letter`` is set) or failed (``failure`` says why in plain words).
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="letter_requests"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="letter_requests"
    )
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    formats = models.JSONField(help_text="The formats chosen, standard print included.")
    referrer_address = models.TextField(blank=True)
    confirmed_notes = models.JSONField(
        default=list,
        blank=True,
        help_text="The notes about the letter's language that the person read and confirmed.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="How many times a worker started making it."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(
        blank=True, help_text="Why the last try did not make the letter, in plain words."
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["client", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} asked for on {self.requested_at:%d %b %Y}"

    @property
    def is_finished(self) -> bool:
        return self.status in (RequestStatus.READY, RequestStatus.FAILED)


class IssuedLetter(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="issued_letters"
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="issued_letters"
    )
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    language = models.CharField(max_length=10)
    language_name = models.CharField(max_length=60)
    translation_status = models.CharField(
        max_length=250, help_text="The review status of the translation when the letter was issued."
    )
    subject = models.CharField(max_length=200)
    staff_notes = models.JSONField(
        default=list,
        blank=True,
        help_text="What staff were told and confirmed before issuing (translation, Braille).",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    request = models.OneToOneField(
        LetterRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="letter",
        help_text="The request it was made for: one letter per request, whatever the retries. "
        "Empty for letters issued before letters were made in the background.",
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["client", "issued_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.issued_at:%d %b %Y}"


class LetterFile(models.Model):
    """One format of one issued letter for one recipient: the bytes as sent."""

    letter = models.ForeignKey(IssuedLetter, on_delete=models.PROTECT, related_name="files")
    recipient = models.CharField(max_length=20, choices=Recipient.choices)
    format = models.CharField(max_length=20, choices=LetterFormat.choices)
    language = models.CharField(max_length=10)
    needed = models.BooleanField(
        default=False, help_text="Made because of the person's recorded communication needs."
    )
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    render_seconds = models.FloatField(help_text="How long the format took to make.")

    class Meta:
        ordering = ["letter", "id"]

    def __str__(self) -> str:
        return self.filename

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()

    @property
    def is_intact(self) -> bool:
        return self.digest(bytes(self.content)) == self.sha256


class TranslationReview(models.Model):
    """A qualified translator's sign-off of one language's letter wording as it stood then.

    ``catalog_digest`` fingerprints the wording signed off; when the translation changes, the
    digest no longer matches and the language shows as unchecked again. A sign-off belongs to the
    team whose lead recorded it: another team has not checked anything by it (issue 10).
    """

    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="translation_reviews"
    )
    language = models.CharField(max_length=10)
    catalog_digest = models.CharField(max_length=64)
    reviewer = models.CharField("translator's name", max_length=150)
    qualification = models.CharField(
        "translator's qualification",
        max_length=200,
        help_text="For example: Member of the Chartered Institute of Linguists, Polish.",
    )
    reviewed_on = models.DateField("date of the review")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.language} checked by {self.reviewer}"


class TranslationNeed(models.Model):
    """Something a person needs that IPT Clinic could not produce (the AIS "meet" step)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="translation_needs"
    )
    letter = models.ForeignKey(
        IssuedLetter, on_delete=models.PROTECT, related_name="translation_needs"
    )
    language_name = models.CharField(max_length=60)
    need = models.CharField(max_length=250)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return self.need
