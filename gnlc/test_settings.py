"""Settings for the test suite: the real settings, with a fast hasher and local e-mail."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from gnlc.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Mail straight to mail.outbox, as most tests read it; gnlc/mail/tests put the queue
# (the production EMAIL_BACKEND) in front of it, or of a real SMTP server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
GNLC_EMAIL_TRANSPORT = EMAIL_BACKEND
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests serve static files from the finders, as development does: no collectstatic step.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Rate limits off: the whole suite comes from one address (127.0.0.1) and a fixed window
# would make a test's outcome depend on the wall clock and on what ran before it in the
# same window. gnlc/core/tests/test_ratelimit.py turns them on, with small limits and a
# frozen clock, and checks them exactly.
GNLC_RATE_LIMIT_API = None
GNLC_RATE_LIMIT_SEARCH = None
GNLC_RATE_LIMIT_SUGGEST = None
GNLC_RATE_LIMIT_MAIL = None
GNLC_RATE_LIMIT_MAIL_ADDRESS = None
# A replica alias that mirrors "default" (no database of its own), so the router can be
# tested with two aliases; the router uses it only where a test lists it in
# GNLC_DATABASE_REPLICAS (override_settings), so other tests never query it.
if "replica1" not in DATABASES:  # noqa: F405
    DATABASES["replica1"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# Two factors are off for the suite at large, which logs personas in with force_login;
# gnlc/accounts/tests/test_security.py turns them on and proves the requirement.
GNLC_TWO_FACTOR_REQUIRED = False
# The members' bitmaps built by the request that needs them: a test's rows, in a
# transaction rolled back at its end, are invisible to a build thread's own connection.
# gnlc/cities/tests/test_bitmaps.py sets "background" in tests whose rows are committed.
GNLC_MEMBER_BITMAPS = "inline"
