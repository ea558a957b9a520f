
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models

from iptclinic.clients.selectors import search_name

# The name search (clients.selectors) reads this expression; on PostgreSQL a trigram index on it
# answers "contains" without reading every client. SQLite has no trigram index: there the
# search reads the team's clients (fine at a demo's size).
SEARCH_NAME_INDEX = GinIndex(
    OpClass(search_name(), name="gin_trgm_ops"), name="client_search_name_trgm"
)


def add_name_search_index(apps, schema_editor):
    # Not Django's TrigramExtension: going backwards it asks for pg_extension on SQLite too.
    # Going back leaves the extension: other databases' objects may use it.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.add_index(apps.get_model("clients", "Client"), SEARCH_NAME_INDEX)


def remove_name_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("clients", "Client"), SEARCH_NAME_INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0009_portal_invitation'),
        ('clients', '0004_needs_told_by_person'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='client',
            index=models.Index(fields=['team', 'family_name', 'given_name', 'id'], name='client_team_name_idx'),
        ),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(fields=['therapist', 'family_name', 'given_name', 'id'], name='client_therapist_name_idx'),
        ),
        migrations.AddIndex(
            model_name='client',
            index=models.Index(fields=['team', 'nhs_number'], name='client_team_nhs_number_idx'),
        ),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("closed_on__isnull", True)),
                fields=["client"],
                name="referral_open_idx",
            ),
        ),
        migrations.RunPython(add_name_search_index, remove_name_search_index),
    ]
