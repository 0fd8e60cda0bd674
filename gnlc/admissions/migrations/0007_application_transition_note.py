"""The kernel's history field names (gnlc.core.models.TransitionHistory): `reason`
becomes `note`, in the same column (no change to the table)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("admissions", "0006_juror_profile_changes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField("applicationtransition", "reason", "note"),
                migrations.AlterField(
                    "applicationtransition",
                    "note",
                    models.TextField(blank=True, db_column="reason"),
                ),
            ],
        )
    ]
