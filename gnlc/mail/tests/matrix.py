from gnlc.core.tests.matrix import SECRETARIAT, only

ROUTES = {
    "mail:queue": (lambda o: {}, SECRETARIAT),
    # POST only: the secretariat's GET is refused (405), everyone else's as for any page.
    "mail:send-again": (lambda o: {"pk": 1}, {**only(set()), "secretariat": 405}),
}
