from gnlc.core.tests.matrix import SECRETARIAT

ROUTES = {"audit:log": (lambda o: {}, SECRETARIAT)}
