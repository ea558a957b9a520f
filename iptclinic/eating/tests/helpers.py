"""An IPT-ED course for Cara with attended sessions, and the log's form data."""

from __future__ import annotations

from iptclinic.ipt.eating import Compensatory
from iptclinic.ipt.variants import Variant
from iptclinic.test import attend_next, open_course_for


def ed_course(cara, tess, attended: int = 3):
    course = open_course_for(cara, tess, weeks_ago=6, contracted=20, variant=Variant.IPT_ED)
    attend_next(course, tess, attended)
    return course


def sessions(course):
    return list(course.appointments.filter(status="attended").order_by("starts_at"))


def counts(vomiting: int = 0, **other: int) -> dict[Compensatory, int]:
    found = {kind: 0 for kind in Compensatory}
    found[Compensatory.VOMITING] = vomiting
    found.update({Compensatory(k): v for k, v in other.items()})
    return found


def form(appointment, binges="2", vomiting="0", version="0", **extra) -> dict[str, str]:
    data = {
        "appointment": str(appointment.pk),
        "version": version,
        "binges": binges,
        "vomiting": vomiting,
        "laxatives": "0",
        "diuretics": "0",
        "exercise": "1",
        "fasting": "0",
    }
    data.update(extra)
    return data
