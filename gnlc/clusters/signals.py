"""The directory's cached pages and figures key on the data revision
(`cities.DataRevision`); its cluster facet counts cluster stays, so a change to a
cluster or a stay bumps it too."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from gnlc.cities.signals import bump_revision
from gnlc.clusters.models import Cluster, ClusterMembership

for model in (Cluster, ClusterMembership):
    post_save.connect(bump_revision, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
    post_delete.connect(
        bump_revision, sender=model, dispatch_uid=f"revision-delete-{model.__name__}"
    )
m2m_changed.connect(
    bump_revision,
    sender=Cluster.coordinating_cities.through,
    dispatch_uid="revision-cluster-coordinating-cities",
)
