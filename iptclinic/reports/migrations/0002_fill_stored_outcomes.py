"""Fill the stored outcome of every existing referral.

The rows are derived data, so this runs the one rebuild the product has
(``reports.services.rebuild_outcomes``, also ``manage.py rebuild_outcomes``) rather than a second
copy of the rules written against historical models. It reads only the columns it names
(``outcome_sources``), which later migrations of other apps leave in place; on a new, empty
database it writes nothing.
"""

from django.db import migrations


def fill(apps, schema_editor):
    from iptclinic.reports.services import rebuild_outcomes

    rebuild_outcomes()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_stored_outcome"),
        ("courses", "0007_appointment_place_and_requests"),
        ("measures", "0004_portal_questionnaires"),
        ("inventory", "0003_portal_sharing"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
