"""The kernel's history field names (gnlc.core.models.TransitionHistory) for a
practice's revisions: `actor` becomes `by`, `created_at` `at`, `state_from` and
`state_to` `from_state` and `to_state`, `reason` `note`, each in its old column (no
change to the table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("published", "Published"),
    ("archived", "Archived"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0008_search_table"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("practicerevision", "actor", "by"),
                migrations.RenameField("practicerevision", "created_at", "at"),
                migrations.RenameField("practicerevision", "state_from", "from_state"),
                migrations.RenameField("practicerevision", "state_to", "to_state"),
                migrations.RenameField("practicerevision", "reason", "note"),
                migrations.AlterField(
                    "practicerevision",
                    "by",
                    models.ForeignKey(
                        blank=True,
                        db_column="actor_id",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    "practicerevision",
                    "at",
                    models.DateTimeField(auto_now_add=True, db_column="created_at"),
                ),
                migrations.AlterField(
                    "practicerevision",
                    "from_state",
                    models.CharField(choices=STATES, db_column="state_from", max_length=20),
                ),
                migrations.AlterField(
                    "practicerevision",
                    "to_state",
                    models.CharField(choices=STATES, db_column="state_to", max_length=20),
                ),
                migrations.AlterField(
                    "practicerevision",
                    "note",
                    models.TextField(blank=True, db_column="reason"),
                ),
                migrations.AlterModelOptions("practicerevision", {"ordering": ["-at", "-id"]}),
            ],
        )
    ]
