"""A complete ending record, for tests that need to close a course as completed."""

from __future__ import annotations

from typing import Any

from iptclinic.accounts.models import User
from iptclinic.courses.models import Course
from iptclinic.endings import services
from iptclinic.endings.models import EndingRecord

COMPLETE_ENDING: dict[str, Any] = {
    "kind": "full",
    "feelings_about_ending": "Sad to stop, and proud of the work.",
    "progress_review": "Mood lifted; back in touch with friends.",
    "what_helped": "Saying out loud what you need.",
    "warning_signs": "Sleeping badly and not answering calls.",
    "relapse_plan": "Ring your sister and see your GP if it lasts two weeks.",
    "future_goals": "Join the walking group.",
    "disposition": "discharge",
}


def write_ending(course: Course, actor: User, **changes: Any) -> EndingRecord:
    """Save a complete full ending record on ``course`` (through the audited service)."""
    return services.save_ending_record(
        course, actor=actor, data={**COMPLETE_ENDING, **changes}, expected_version=None
    )
