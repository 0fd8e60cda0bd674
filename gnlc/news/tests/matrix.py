"""This app's rows of the permission matrix (see gnlc/core/tests/test_permission_matrix.py)."""

from gnlc.core.tests.matrix import ALL, PERSONAS, SECRETARIAT

# A view that takes only POST: visitors are sent to log in, other roles refused, and the
# secretariat's GET is a 405.
POST_ONLY = {p: 405 if p == "secretariat" else 302 if p == "anonymous" else 403 for p in PERSONAS}


def build(member, personas):
    import datetime as dt

    from gnlc.cities.tests.factories import CohortFactory
    from gnlc.news.models import Announcement
    from gnlc.news.tests.factories import (
        MediaLogoFactory,
        PostFactory,
        PressContactFactory,
        SubscriberFactory,
    )

    cohort = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    announcement, _created = Announcement.draft_for(cohort, "en")
    subscriber = SubscriberFactory(status="pending")
    return {
        "post": PostFactory(title="Matrix news"),
        "announcement": announcement,
        "contact": PressContactFactory(),
        "logo": MediaLogoFactory(),
        "subscriber": subscriber,
    }


ROUTES = {
    "news:list": (lambda o: {}, ALL),
    "news:feed": (lambda o: {}, ALL),
    "news:region-feed": (lambda o: {"region": "africa"}, ALL),
    # The cluster is the clusters app's (its build runs for every row).
    "news:cluster-feed": (lambda o: {"cluster": o["cluster"].slug}, ALL),
    "news:post": (lambda o: {"slug": o["post"].slug}, ALL),
    "news:post-create": (lambda o: {}, SECRETARIAT),
    "news:post-edit": (lambda o: {"slug": o["post"].slug}, SECRETARIAT),
    "news:post-publish": (lambda o: {"slug": o["post"].slug}, POST_ONLY),
    "news:press": (lambda o: {}, ALL),
    "news:press-manage": (lambda o: {}, SECRETARIAT),
    "news:contact-edit": (lambda o: {"pk": o["contact"].pk}, SECRETARIAT),
    "news:contact-delete": (lambda o: {"pk": o["contact"].pk}, POST_ONLY),
    "news:logo": (lambda o: {"pk": o["logo"].pk}, ALL),
    "news:logo-delete": (lambda o: {"pk": o["logo"].pk}, POST_ONLY),
    "news:subscribe": (lambda o: {}, ALL),
    "news:subscribe-confirm": (lambda o: {"token": o["subscriber"].confirm_token()}, ALL),
    "news:unsubscribe": (lambda o: {"token": o["subscriber"].unsubscribe_token()}, ALL),
    "news:announcements": (lambda o: {}, SECRETARIAT),
    "news:announcement-generate": (lambda o: {}, POST_ONLY),
    "news:announcement": (lambda o: {"pk": o["announcement"].pk}, SECRETARIAT),
    "news:announcement-refresh": (lambda o: {"pk": o["announcement"].pk}, POST_ONLY),
    "news:announcement-regenerate": (lambda o: {"pk": o["announcement"].pk}, POST_ONLY),
    "news:announcement-publish": (lambda o: {"pk": o["announcement"].pk}, POST_ONLY),
    "news:announcement-export": (
        lambda o: {"pk": o["announcement"].pk, "fmt": "md"},
        SECRETARIAT,
    ),
}
