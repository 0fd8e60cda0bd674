"""This app's rows of the permission matrix (see gnlc/core/tests/test_permission_matrix.py).

The event is a public webinar of a cluster coordinated by a city none of the personas
coordinates: only the secretariat organises it."""

from gnlc.core.tests.matrix import ALL, PERSONAS, SECRETARIAT

POST_ONLY = dict.fromkeys(PERSONAS, 405)


def build(member, personas):
    from gnlc.cities.tests.factories import MemberFactory
    from gnlc.clusters.tests.factories import make_cluster
    from gnlc.events.tests.factories import make_event

    cluster = make_cluster("health-and-well-being", coordinating=[MemberFactory()])
    event = make_event(capacity=2, cluster=cluster)
    event.register(personas["outsider"])
    guest = event.register_guest("A guest", "guest@example.org")
    return {
        "event": event,
        "guest_token": event.guest_token("Another guest", "another@example.org", "en"),
        "cancel_token": guest.cancel_token(),
    }


def slug(o):
    return {"slug": o["event"].slug}


ROUTES = {
    "events:list": (lambda o: {}, ALL),
    "events:feed": (lambda o: {}, ALL),
    "events:new": (lambda o: {}, SECRETARIAT),
    "events:detail": (slug, ALL),
    "events:ical": (slug, ALL),
    "events:edit": (slug, SECRETARIAT),
    "events:register": (slug, POST_ONLY),
    "events:cancel": (slug, POST_ONLY),
    # Registration without an account (a public event), by the mailed links: anyone.
    "events:register-by-email": (slug, ALL),
    "events:confirm": (lambda o: {**slug(o), "token": o["guest_token"]}, ALL),
    "events:guest-cancel": (lambda o: {**slug(o), "token": o["cancel_token"]}, ALL),
    "events:materials": (slug, SECRETARIAT),
    "events:participants": (slug, SECRETARIAT),
    "events:participants-csv": (slug, SECRETARIAT),
}
