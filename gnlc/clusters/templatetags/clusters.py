from django import template

from gnlc.clusters.models import Cluster

register = template.Library()


@register.inclusion_tag("clusters/member_clusters.html")
def member_clusters(member):
    """The clusters `member` is in today, for its public page."""
    clusters = list(
        Cluster.objects.filter(memberships__in=member.cluster_memberships.as_of())
        .select_related("theme")
        .distinct()
    )
    coordinating = set(member.coordinated_clusters.values_list("pk", flat=True))
    for cluster in clusters:
        cluster.coordinating = cluster.pk in coordinating
    return {"clusters": clusters}
