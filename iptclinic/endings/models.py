"""The ending record of one course (ipt-method.md §1.4, R19–R21; decisions.md §21).

The progress review is not stored here: it is assembled from the course's questionnaires, goals
and focus each time (``selectors.progress_review``), so it cannot disagree with them. What is
stored is what only the conversation can give: feelings, the person's own account, the warning
signs and plan, future goals and what happens next.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from iptclinic.history.records import kept_history
from iptclinic.ipt.ending import (
    DISPOSITION_LABELS,
    KIND_LABELS,
    Disposition,
    EndingAnswers,
    EndingKind,
    ending_gaps,
)


class EndingRecord(models.Model):
    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="ending_record"
    )
    kind = models.CharField(
        max_length=10,
        choices=[(k.value, label) for k, label in KIND_LABELS.items()],
        default=EndingKind.FULL,
    )

    feelings_about_ending = models.TextField(
        "feelings about the ending",
        blank=True,
        help_text="Sadness, worry, anger or relief: the ending can feel like a loss.",
    )
    past_losses = models.TextField(
        "earlier losses the ending brings up",
        blank=True,
        help_text="And how the person usually deals with loss. Leave blank if none came up.",
    )
    progress_review = models.TextField(
        "progress on symptoms and on the focus",
        blank=True,
        help_text="In your words; the scores and goal ratings are shown above.",
    )
    what_helped = models.TextField(
        "what the person says helped",
        blank=True,
        help_text="Their own account, so the credit goes to their efforts and the skills they used. "
        "Write it to them ('you'): it is printed in their summary letter.",
    )
    warning_signs = models.TextField(
        "personal early warning signs",
        blank=True,
        help_text="Write it to the person ('you'): it is printed in their summary letter.",
    )
    relapse_plan = models.TextField(
        "what to do if the signs come back",
        blank=True,
        help_text="Who to talk to, what helped before, and when to ask for help again. Write it to "
        "the person ('you').",
    )
    share_plan = models.BooleanField(
        "the person wants to share their warning signs and plan with someone", default=False
    )
    share_with_name = models.CharField("share with", max_length=150, blank=True)
    share_with_relationship = models.CharField("who they are", max_length=100, blank=True)
    share_consent_on = models.DateField("date the person agreed to share", null=True, blank=True)
    future_goals = models.TextField(
        "goals to keep working on",
        blank=True,
        help_text="Write them to the person ('you'): they are printed in their summary letter.",
    )
    gp_consent = models.BooleanField(
        "the person agreed to the end-of-therapy summary going to their GP (and referrer)",
        default=False,
        # decisions.md §21: consent to share with the GP is recorded.
        help_text="The GP summary letter is sent only with this consent.",
    )

    disposition = models.CharField(
        "what happens next",
        max_length=20,
        blank=True,
        choices=[(d.value, label) for d, label in DISPOSITION_LABELS.items()],
    )
    alternative_plan = models.TextField(
        "the other treatment offered",
        blank=True,
        help_text="What it is, who will provide it and how the referral is made.",
    )
    early_summary = models.TextField(
        "what was covered before the course ended",
        blank=True,
        help_text="The focus, any progress, and how the ending came about.",
    )

    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    history = kept_history()

    def __str__(self) -> str:
        return f"Ending record of course {self.course_id}"

    @property
    def kind_enum(self) -> EndingKind:
        return EndingKind(self.kind)

    @property
    def disposition_enum(self) -> Disposition | None:
        return Disposition(self.disposition) if self.disposition else None

    def answers(self) -> EndingAnswers:
        """The record as the pure core reads it."""
        return EndingAnswers(
            kind=self.kind_enum,
            feelings_about_ending=self.feelings_about_ending,
            past_losses=self.past_losses,
            progress_review=self.progress_review,
            what_helped=self.what_helped,
            warning_signs=self.warning_signs,
            relapse_plan=self.relapse_plan,
            future_goals=self.future_goals,
            share_plan=self.share_plan,
            share_with_name=self.share_with_name,
            share_consent_on=self.share_consent_on,
            disposition=self.disposition_enum,
            alternative_plan=self.alternative_plan,
            early_summary=self.early_summary,
        )

    @property
    def gaps(self) -> tuple[str, ...]:
        return ending_gaps(self.answers())

    @property
    def is_complete(self) -> bool:
        return not self.gaps
