"""A translator's sign-off belongs to one team: existing sign-offs go to the recorder's team."""

from django.db import migrations, models
import django.db.models.deletion


def to_the_recorders_team(apps, schema_editor):
    TranslationReview = apps.get_model("letters", "TranslationReview")
    for review in TranslationReview.objects.select_related("recorded_by").filter(team=None):
        if review.recorded_by.team_id is None:
            raise RuntimeError(
                f"Translation sign-off {review.pk} was recorded by someone with no team; "
                "give that account a team, then migrate again."
            )
        review.team_id = review.recorded_by.team_id
        review.save(update_fields=["team"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_external_identity"),
        ("letters", "0002_letter_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="translationreview",
            name="team",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="translation_reviews",
                to="accounts.team",
            ),
        ),
        migrations.RunPython(to_the_recorders_team, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="translationreview",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="translation_reviews",
                to="accounts.team",
            ),
        ),
    ]
