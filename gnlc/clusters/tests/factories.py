import datetime as dt

from django.core.files.base import ContentFile

from gnlc.clusters.enums import MembershipStatus
from gnlc.clusters.models import Cluster, ClusterMembership, SharedDocument
from gnlc.library.models import Theme
from gnlc.library.tests.factories import PDF


def make_cluster(theme="literacy", *, coordinating=(), purpose="") -> Cluster:
    """A cluster on a seeded theme (by slug), its coordinating cities members since 2023."""
    # get_or_create: a live-server test's flush empties the migrations' themes.
    theme, _created = Theme.objects.get_or_create(
        slug=theme, defaults={"name": theme.replace("-", " ").capitalize()}
    )
    cluster = Cluster.objects.create(theme=theme, purpose=purpose)
    cluster.coordinating_cities.set(coordinating)
    for member in coordinating:
        stay(cluster, member, joined=dt.date(2023, 1, 1))
    return cluster


def stay(cluster, member, *, joined, left=None, status=None) -> ClusterMembership:
    """A stay as history records it (joined, and left on `left` if given)."""
    status = status or (MembershipStatus.LEFT if left else MembershipStatus.APPROVED)
    return ClusterMembership.objects.create(
        cluster=cluster, member=member, status=status, joined_on=joined, left_on=left
    )


def shared_document(cluster, *, by, title="Agenda", content=PDF) -> SharedDocument:
    """A PDF shared on the cluster's members' page by `by` (stored in the test's private
    folder, see conftest)."""
    document = SharedDocument(cluster=cluster, title=title, kind="pdf", size=len(content))
    document.author = by
    document.file.save("agenda.pdf", ContentFile(content), save=True)
    document.file.close()
    return document
