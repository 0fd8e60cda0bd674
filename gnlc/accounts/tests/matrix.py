from gnlc.core.tests.matrix import PERSONAS, SIGNED_IN, only

ROUTES = {
    "accounts:login": (lambda o: {}, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "accounts:logout": (lambda o: {}, dict.fromkeys(PERSONAS, 405)),  # POST only
    "accounts:dashboard": (lambda o: {}, SIGNED_IN),
    # Without a confirmed device, the code page sends everyone to set one up.
    "accounts:two-factor": (lambda o: {}, dict.fromkeys(PERSONAS, 302)),
    "accounts:two-factor-setup": (lambda o: {}, SIGNED_IN),
    # The admin stands for all its routes: it is gated on is_staff by Django itself.
    "admin:index": (lambda o: {}, only({"secretariat"}, denied=302)),
}
