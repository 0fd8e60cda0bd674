"""The five UNESCO regions and the 196 countries (UNESCO Member States and Palestine) are
reference data: every installation has them, so they come with the schema."""

from django.db import migrations

from gnlc.cities.reference import load_reference_data


def load(apps, schema_editor):
    load_reference_data(apps.get_model("cities", "Region"), apps.get_model("cities", "Country"))


class Migration(migrations.Migration):
    dependencies = [("cities", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
