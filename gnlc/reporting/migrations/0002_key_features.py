"""Seed version 1 of the Key Features of Learning Cities (UNESCO, 2013), published: its
three groups and twelve areas of focus, with their official English names. The French
names are working translations for the secretariat to check. The 42 features and any
measures are entered by the secretariat (in a new draft version): they are not seeded,
so no wording or measure is invented here."""

from django.db import migrations

GROUPS = [
    (
        "benefits",
        "Wider benefits of building a learning city",
        "Bénéfices plus larges de la construction d'une ville apprenante",
        [
            ("1", "Individual empowerment and social cohesion",
             "Autonomisation des individus et cohésion sociale"),
            ("2", "Economic development and cultural prosperity",
             "Développement économique et prospérité culturelle"),
            ("3", "Sustainable development", "Développement durable"),
        ],
    ),
    (
        "building-blocks",
        "Major building blocks of a learning city",
        "Principaux piliers d'une ville apprenante",
        [
            ("4", "Inclusive learning in the education system",
             "Apprentissage inclusif dans le système éducatif"),
            ("5", "Re-vitalised learning in families and communities",
             "Apprentissage revitalisé dans les familles et les communautés"),
            ("6", "Effective learning for and in the workplace",
             "Apprentissage efficace pour le travail et sur le lieu de travail"),
            ("7", "Extended use of modern learning technologies",
             "Utilisation accrue des technologies modernes d'apprentissage"),
            ("8", "Enhanced quality in learning", "Amélioration de la qualité de l'apprentissage"),
            ("9", "A vibrant culture of learning throughout life",
             "Une culture dynamique de l'apprentissage tout au long de la vie"),
        ],
    ),
    (
        "conditions",
        "Fundamental conditions for building a learning city",
        "Conditions fondamentales de la construction d'une ville apprenante",
        [
            ("10", "Strong political will and commitment",
             "Volonté politique et engagement forts"),
            ("11", "Governance and participation of all stakeholders",
             "Gouvernance et participation de toutes les parties prenantes"),
            ("12", "Mobilisation and utilisation of resources",
             "Mobilisation et utilisation des ressources"),
        ],
    ),
]


def seed(apps, schema_editor):
    FrameworkVersion = apps.get_model("reporting", "FrameworkVersion")
    Group = apps.get_model("reporting", "Group")
    Area = apps.get_model("reporting", "Area")
    if FrameworkVersion.objects.exists():
        return
    from django.utils import timezone

    version = FrameworkVersion.objects.create(
        number=1,
        status="published",
        published_at=timezone.now(),
        note="The Key Features of Learning Cities (2013): groups and areas of focus.",
    )
    for order, (code, name_en, name_fr, areas) in enumerate(GROUPS, start=1):
        group = Group.objects.create(
            version=version, code=code, order=order, name_en=name_en, name_fr=name_fr
        )
        for area_order, (area_code, area_en, area_fr) in enumerate(areas, start=1):
            Area.objects.create(
                version=version,
                group=group,
                code=area_code,
                order=area_order,
                name_en=area_en,
                name_fr=area_fr,
            )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_reporting_cycle")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
