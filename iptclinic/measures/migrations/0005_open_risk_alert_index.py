from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('measures', '0004_portal_questionnaires'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='riskalert',
            index=models.Index(condition=models.Q(('reviewed_at__isnull', True)), fields=['client', 'escalate_at'], name='risk_alert_open_idx'),
        ),
    ]
