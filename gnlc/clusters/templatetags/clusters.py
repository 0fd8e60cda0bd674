from django import template
from django.db.models import Exists, OuterRef

from gnlc.clusters.models import Cluster

register = template.Library()


@register.inclusion_tag("clusters/member_clusters.html")
def member_clusters(member):
    """The clusters `member` is in today, and whether it coordinates each: one query."""
    coordinating = Cluster.coordinating_cities.through.objects.filter(
        cluster=OuterRef("pk"), member=member
    )
    clusters = (
        Cluster.objects.filter(memberships__in=member.cluster_memberships.as_of())
        .select_related("theme")
        .annotate(coordinating=Exists(coordinating))
        .distinct()
    )
    return {"clusters": list(clusters)}
