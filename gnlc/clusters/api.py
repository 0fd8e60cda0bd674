"""The clusters app's JSON endpoint: the thematic clusters with their coordinating and
member cities on a date. Mounted under /api/v1/ by gnlc/api/api.py, documented in
docs/api.md."""

from ninja import Field, Schema

from gnlc.api.router import Router
from gnlc.api.schemas import AsOf
from gnlc.clusters.models import Cluster, ClusterMembership

router = Router(tags=["clusters"])


class ClusterOut(Schema):
    slug: str = Field(examples=["literacy"], description="The theme's slug.")
    name: str = Field(examples=["Literacy"])
    purpose: str = Field(description="In Markdown, as written.")
    coordinating_cities: list[str] = Field(description="Slugs of its coordinating cities.")
    members: list[str] = Field(
        description="Slugs of its member cities on the `as_of` date (today), by name."
    )
    web_url: str


@router.endpoint("/clusters", list[ClusterOut], "Thematic clusters and their cities")
def list_clusters(request, as_of: AsOf = None):
    """Every thematic cluster, in the network's order, with its coordinating cities
    and its member cities on `as_of` (today): three queries, whatever their number."""
    clusters = list(Cluster.objects.select_related("theme").prefetch_related("coordinating_cities"))
    members: dict[int, list[str]] = {}
    stays = (
        ClusterMembership.objects.as_of(as_of)
        .order_by("member__name")
        .values_list("cluster_id", "member__slug")
    )
    for cluster, slug in stays:
        members.setdefault(cluster, []).append(slug)
    return [
        {
            "slug": cluster.slug,
            "name": cluster.name,
            "purpose": cluster.purpose,
            "coordinating_cities": sorted(m.slug for m in cluster.coordinating_cities.all()),
            "members": members.get(cluster.pk, []),
            "web_url": request.build_absolute_uri(cluster.get_absolute_url()),
        }
        for cluster in clusters
    ]
