"""Who may do what with clusters. Cluster pages are public; the secretariat keeps the
list of themes, makes clusters and names their coordinating cities; a city coordinator
asks for their city to join; the coordinators of the cluster's coordinating cities (or
the secretariat) approve or refuse; a member's coordinator takes it out. The members'
page (the coordinators' contacts, announcements and shared documents) is for the
coordinators of the cluster's cities and the secretariat: any of them shares a document
there and downloads the cluster's documents; a document is deleted by whoever shared it,
the coordinating city or the secretariat.

Roles are read from `user.role_list` (as has_role does), so a page's checks cost no
query per check once the roles are read."""

import rules

from gnlc.accounts.rules import is_coordinator, is_secretariat
from gnlc.clusters.models import Cluster


def coordinated_members(user) -> set[int]:
    """The pks of the member cities `user` coordinates (`User.coordinated_member_ids`,
    the one answer; none for a visitor)."""
    return user.coordinated_member_ids() if user.is_authenticated else set()


@rules.predicate
def coordinates_a_coordinating_city(user, cluster):
    if cluster is None:
        return False
    mine = coordinated_members(user)
    return bool(mine) and any(m.pk in mine for m in cluster.coordinating_cities.all())


@rules.predicate
def coordinates_a_cluster_member(user, cluster):
    if cluster is None:
        return False
    mine = coordinated_members(user)
    return bool(mine) and cluster.memberships.current().filter(member__in=mine).exists()


@rules.predicate
def coordinates_the_stays_coordinating_city(user, membership):
    return membership is not None and coordinates_a_coordinating_city(user, membership.cluster)


@rules.predicate
def coordinates_the_city(user, membership):
    return membership is not None and membership.member_id in coordinated_members(user)


@rules.predicate
def coordinates_any_coordinating_city(user):
    mine = coordinated_members(user)
    return bool(mine) and Cluster.objects.filter(coordinating_cities__in=mine).exists()


@rules.predicate
def shared_the_document(user, document):
    return document is not None and user.is_authenticated and document.author_id == user.pk


@rules.predicate
def coordinates_the_documents_coordinating_city(user, document):
    return document is not None and coordinates_a_coordinating_city(user, document.cluster)


@rules.predicate
def may_see_the_documents_cluster(user, document):
    return document is not None and (
        is_secretariat(user)
        or coordinates_a_coordinating_city(user, document.cluster)
        or coordinates_a_cluster_member(user, document.cluster)
    )


rules.add_perm("clusters.manage_clusters", is_secretariat)
rules.add_perm("clusters.request_membership", is_coordinator)
rules.add_perm("clusters.decide_membership", is_secretariat | coordinates_a_coordinating_city)
rules.add_perm("clusters.decide_request", is_secretariat | coordinates_the_stays_coordinating_city)
rules.add_perm("clusters.leave_cluster", is_secretariat | coordinates_the_city)
rules.add_perm(
    "clusters.view_members_area",
    is_secretariat | coordinates_a_coordinating_city | coordinates_a_cluster_member,
)
rules.add_perm("clusters.post_announcement", is_secretariat | coordinates_a_coordinating_city)
rules.add_perm(
    "clusters.share_document",
    is_secretariat | coordinates_a_coordinating_city | coordinates_a_cluster_member,
)
rules.add_perm("clusters.view_document", may_see_the_documents_cluster)
# Asked of someone who sees the document (the view answers 404 first otherwise): a
# city that shared one and has left since sees it no more, so cannot delete it.
rules.add_perm(
    "clusters.delete_document",
    is_secretariat | shared_the_document | coordinates_the_documents_coordinating_city,
)
