"""This app's rows of the permission matrix (see gnlc/core/tests/test_permission_matrix.py).

The cluster is coordinated by another city; the coordinator's city (Nakuru) has asked to
join and is not a member yet, so the members' page and the document the lead city shared
there are hidden from them."""

from gnlc.core.tests.matrix import ALL, PERSONAS, SECRETARIAT, only

POST_ONLY = dict.fromkeys(PERSONAS, 405)


def build(member, personas):
    from gnlc.cities.tests.factories import MemberFactory
    from gnlc.clusters.models import ClusterMembership
    from gnlc.clusters.tests.factories import make_cluster, shared_document

    cluster = make_cluster("literacy", coordinating=[MemberFactory(name="Lead city")])
    stay = ClusterMembership.request(cluster, member, by=personas["coordinator"])
    document = shared_document(cluster, by=personas["secretariat"])
    return {"cluster": cluster, "stay": stay, "shared_document": document}


def slug(o):
    return {"slug": o["cluster"].slug}


ROUTES = {
    "clusters:list": (lambda o: {}, ALL),
    "clusters:detail": (slug, ALL),
    "clusters:geojson": (slug, ALL),
    "clusters:manage": (lambda o: {}, SECRETARIAT),
    "clusters:new": (lambda o: {}, SECRETARIAT),
    "clusters:theme-new": (lambda o: {}, SECRETARIAT),
    "clusters:theme-edit": (lambda o: {"pk": o["cluster"].theme_id}, SECRETARIAT),
    "clusters:edit": (slug, SECRETARIAT),
    "clusters:join": (slug, only({"coordinator"})),
    "clusters:members-area": (slug, only({"secretariat"}, denied=404)),
    "clusters:announce": (slug, POST_ONLY),
    "clusters:share-document": (slug, POST_ONLY),
    "clusters:document": (
        lambda o: {"slug": o["cluster"].slug, "pk": o["shared_document"].pk},
        only({"secretariat"}, denied=404),
    ),
    "clusters:delete-document": (
        lambda o: {"slug": o["cluster"].slug, "pk": o["shared_document"].pk},
        POST_ONLY,
    ),
    "clusters:decide": (lambda o: {"pk": o["stay"].pk}, POST_ONLY),
    "clusters:leave": (lambda o: {"pk": o["stay"].pk}, POST_ONLY),
}
