"""Every message IPT Clinic sends, in words written to carry no clinical detail and no names.

A message says only that something needs attention, by when, and where to sign in
(decisions §34). Counts and times are the only variable parts.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from django.utils import timezone

TEMPLATES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "risk": (
            "IPT Clinic: a risk alert needs review",
            "A risk alert in IPT Clinic needs review {by_due}. It is now with you. "
            "Please sign in and look at it as soon as you can: {link}",
        ),
        "risk_reminder": (
            "IPT Clinic: a risk alert is still waiting for review",
            "{count} in IPT Clinic {are} still waiting for review. Please sign in and look "
            "today: {link}",
        ),
        "new_items": (
            "IPT Clinic: {count} {need} your attention",
            "{count} in IPT Clinic {need} your attention {by_due}. Sign in to see {them}: {link}",
        ),
        "digest": (
            "IPT Clinic: {count} {need} your attention",
            "Good morning. {count} in IPT Clinic {need} your attention (the earliest is due {by_due}). "
            "Sign in to see {them}: {link}",
        ),
    }
)


def by_when(due: datetime, now: datetime) -> str:
    """``by 17:00`` today, ``by 17:00 on Wed 2 Dec`` another day, ``now`` if already due."""
    if due <= now:
        return "now"
    local, today = timezone.localtime(due), timezone.localtime(now).date()
    return f"by {local:%H:%M}" if local.date() == today else f"by {local:%H:%M on %a %-d %b}"


def compose(
    template: str, *, count: int, due: datetime, now: datetime, link: str
) -> tuple[str, str]:
    """The subject and body of one message."""
    subject, body = TEMPLATES[template]
    noun = "risk alert" if template == "risk_reminder" else "item"
    fields = {
        "count": f"{count} {noun}{'s' if count != 1 else ''}" if template != "risk" else "",
        "are": "are" if count != 1 else "is",
        "them": "them" if count != 1 else "it",
        "need": "need" if count != 1 else "needs",
        "by_due": by_when(due, now),
        "link": link,
    }
    return subject.format(**fields), body.format(**fields)
