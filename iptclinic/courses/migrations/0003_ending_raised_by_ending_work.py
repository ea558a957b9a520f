"""Count ending-phase work already recorded as raising the ending.

Until now only the "raise_ending" task set ``Course.ending_raised_on``, and that task is not
offered in the ending phase, so a course whose ending was discussed there still showed the ending
as overdue. ``save_session_record`` now counts every ending task; this sets the date for records
saved before, from the earliest such record of each course.
"""

from django.db import migrations
from django.utils import timezone

# The codes of ``iptclinic.ipt.tasks.ENDING_TASK_CODES`` when this was written. Task codes are
# stored in records and never change, so a copy keeps the migration independent of later code.
ENDING_TASK_CODES = frozenset(
    {
        "raise_ending",
        "ending_feelings",
        "progress_review",
        "credit_gains",
        "warning_signs",
        "future_goals",
        "next_steps",
    }
)


def date_ending_work(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    SessionRecord = apps.get_model("courses", "SessionRecord")
    records = (
        SessionRecord.objects.filter(appointment__course__ending_raised_on__isnull=True)
        .select_related("appointment")
        .order_by("appointment__starts_at")
        .only("tasks_done", "appointment__course_id", "appointment__starts_at")
    )
    first_day = {}
    for record in records.iterator():
        course_id = record.appointment.course_id
        if course_id not in first_day and not ENDING_TASK_CODES.isdisjoint(record.tasks_done or ()):
            first_day[course_id] = timezone.localdate(record.appointment.starts_at)
    for course_id, day in first_day.items():
        Course.objects.filter(pk=course_id).update(ending_raised_on=day)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_course_middle_phase_allowed_on"),
    ]

    operations = [
        migrations.RunPython(date_ending_work, migrations.RunPython.noop),
    ]
