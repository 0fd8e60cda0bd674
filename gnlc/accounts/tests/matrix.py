from gnlc.core.tests.matrix import ALL, PERSONAS, SECRETARIAT, SIGNED_IN, only

# The people pages' actions that only POST: the secretariat's GET is refused (405),
# everyone else's before that (403), visitors go to log in.
SECRETARIAT_POST = {**only(set()), "secretariat": 405}

ROUTES = {
    "accounts:login": (lambda o: {}, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "accounts:logout": (lambda o: {}, dict.fromkeys(PERSONAS, 405)),  # POST only
    # Signed in, registering makes no sense: the admissions page instead.
    "accounts:register": (lambda o: {}, {**dict.fromkeys(PERSONAS, 302), "anonymous": 200}),
    "accounts:verify": (lambda o: {"token": o["verification_token"]}, ALL),
    "accounts:password-reset": (lambda o: {}, ALL),
    "accounts:password-reset-done": (lambda o: {}, ALL),
    # A link that is not valid says so, to anyone (a valid one is tested in test_access).
    "accounts:password-reset-confirm": (
        lambda o: {"uidb64": o["pending_uid"], "token": "1-invalid"},
        ALL,
    ),
    "accounts:password-reset-complete": (lambda o: {}, ALL),
    "accounts:first-access": (lambda o: {"uidb64": o["pending_uid"], "token": "1-invalid"}, ALL),
    "accounts:invitation": (lambda o: {"uidb64": o["pending_uid"], "token": "1-invalid"}, ALL),
    # The secretariat's people pages (about the coordinator persona and its role).
    "accounts:people": (lambda o: {}, SECRETARIAT),
    "accounts:people-invite": (lambda o: {}, SECRETARIAT),
    "accounts:person": (lambda o: {"pk": o["person"]}, SECRETARIAT),
    "accounts:person-role-add": (lambda o: {"pk": o["person"]}, SECRETARIAT),
    "accounts:person-role-remove": (
        lambda o: {"pk": o["person"], "role_pk": o["person_role"]},
        SECRETARIAT,
    ),
    "accounts:person-deactivate": (lambda o: {"pk": o["person"]}, SECRETARIAT),
    "accounts:person-reactivate": (lambda o: {"pk": o["person"]}, SECRETARIAT_POST),
    "accounts:person-resend": (lambda o: {"pk": o["person"]}, SECRETARIAT_POST),
    "accounts:dashboard": (lambda o: {}, SIGNED_IN),
    # Without a confirmed device, the code page sends everyone to set one up.
    "accounts:two-factor": (lambda o: {}, dict.fromkeys(PERSONAS, 302)),
    "accounts:two-factor-setup": (lambda o: {}, SIGNED_IN),
    # The coordinator's private feed: its secret link is the key, whoever asks.
    "accounts:calendar": (lambda o: {"token": o["calendar_token"]}, ALL),
    "accounts:calendar-reset": (lambda o: {}, only(set(), denied=405)),  # POST only
    # The admin stands for all its routes: it is gated on is_staff by Django itself.
    "admin:index": (lambda o: {}, only({"secretariat"}, denied=302)),
}


def build(member, personas):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from gnlc.accounts.models import CalendarFeed
    from gnlc.accounts.tests.factories import UserFactory
    from gnlc.accounts.tokens import verification_token

    pending = UserFactory(email="unverified@example.org", is_active=False)
    return {
        "verification_token": verification_token(pending),
        "pending_uid": urlsafe_base64_encode(force_bytes(pending.pk)),
        "calendar_token": CalendarFeed.of(personas["coordinator"]).token,
        "person": personas["coordinator"].pk,
        "person_role": personas["coordinator"].roles.get().pk,
    }
