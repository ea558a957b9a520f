from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0007_appointment_place_and_requests'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='course',
            index=models.Index(fields=['state', 'referral'], name='course_state_referral_idx'),
        ),
        migrations.AddIndex(
            model_name='course',
            index=models.Index(fields=['state', 'ended_on'], name='course_state_ended_on_idx'),
        ),
    ]
