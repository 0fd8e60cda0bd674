# The abstract ClusterItem gathers what announcements and shared documents had in
# common; the one difference was the name of the document's poster (`uploaded_by`), now
# `author` like the announcement's (its column renamed). The announcement's cluster field
# now carries the base's related name pattern ("%(class)ss", still
# `cluster.announcements`): no change to the table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clusters", "0003_cluster_shared_documents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="announcement",
            name="cluster",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(class)ss",
                to="clusters.cluster",
            ),
        ),
        migrations.RenameField(
            model_name="shareddocument", old_name="uploaded_by", new_name="author"
        ),
    ]
