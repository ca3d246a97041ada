"""Load the matters catalogue (casewatch/notary/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from casewatch.notary.catalogue import upsert_catalogue

    upsert_catalogue(apps.get_model("notary", "MatterType"))


class Migration(migrations.Migration):
    dependencies = [("notary", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
