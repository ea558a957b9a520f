"""Roles become a set per person: one boolean per role, filled from the old single ``role``."""

from django.db import migrations, models
from django.db.models import Q

FIELDS = {
    "therapist": "is_therapist",
    "supervisor": "is_supervisor",
    "service_lead": "is_service_lead",
    "service_user": "is_service_user",
}


def roles_from_role(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for role, field in FIELDS.items():
        User.objects.filter(role=role).update(**{field: True})


def role_from_roles(apps, schema_editor):
    """Back to one role: the widest a person holds (lead, then supervisor, then therapist)."""
    User = apps.get_model("accounts", "User")
    for role in ("therapist", "supervisor", "service_lead", "service_user"):
        User.objects.filter(**{FIELDS[role]: True}).update(role=role)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_safety_net_and_working_days")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_therapist",
            field=models.BooleanField(default=False, verbose_name="IPT therapist"),
        ),
        migrations.AddField(
            model_name="user",
            name="is_supervisor",
            field=models.BooleanField(default=False, verbose_name="supervisor"),
        ),
        migrations.AddField(
            model_name="user",
            name="is_service_lead",
            field=models.BooleanField(default=False, verbose_name="service lead"),
        ),
        migrations.AddField(
            model_name="user",
            name="is_service_user",
            field=models.BooleanField(default=False, verbose_name="service user"),
        ),
        migrations.RunPython(roles_from_role, role_from_roles),
        migrations.RemoveField(model_name="user", name="role"),
        migrations.AlterField(
            model_name="user",
            name="supervisor",
            field=models.ForeignKey(
                blank=True,
                help_text="The supervisor who reviews this therapist's caseload.",
                limit_choices_to={"is_supervisor": True},
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="supervisees",
                to="accounts.user",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=Q(is_service_user=False)
                | Q(is_therapist=False, is_supervisor=False, is_service_lead=False),
                name="service_user_holds_no_staff_role",
            ),
        ),
    ]
