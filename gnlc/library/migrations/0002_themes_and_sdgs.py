"""The network's thematic clusters and the 17 SDGs. The secretariat edits the themes
afterwards; reversing leaves rows that practices may use."""

from django.db import migrations

THEMES = [
    ("educational-planning", "Educational planning"),
    ("entrepreneurship", "Entrepreneurship"),
    ("equity-and-inclusion", "Equity and inclusion"),
    ("health-and-well-being", "Health and well-being"),
    ("education-for-sustainable-development", "Education for sustainable development"),
    ("literacy", "Literacy"),
    ("monitoring-and-evaluation", "Monitoring and evaluation"),
    ("citizenship-education", "Citizenship education"),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("library", "Theme")
    Sdg = apps.get_model("library", "Sdg")
    for order, (slug, name) in enumerate(THEMES, start=1):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    for number in range(1, 18):
        Sdg.objects.get_or_create(number=number)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
