from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_team_contact_details"),
    ]

    operations = [
        migrations.RemoveField(model_name="team", name="interpreting"),
        migrations.AddField(
            model_name="team",
            name="interpreting_contact",
            field=models.CharField(
                blank=True,
                help_text="Printed after fixed, translated wording, so give only the number or address.",
                max_length=150,
                verbose_name="phone or email to ask for an interpreter",
            ),
        ),
    ]
