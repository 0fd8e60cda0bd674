"""The kernel's history field names (gnlc.core.models.TransitionHistory): `comment`
becomes `note`, in the same column (no change to the table)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_key_features")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("reporttransition", "comment", "note"),
                migrations.AlterField(
                    "reporttransition",
                    "note",
                    models.TextField(blank=True, db_column="comment"),
                ),
            ],
        )
    ]
