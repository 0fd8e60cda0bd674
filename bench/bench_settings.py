"""The real settings, but static files named plainly rather than from a collectstatic
manifest: the bench measures Django and the database, not static file hashing (and
needs no collectstatic run)."""

from gnlc.settings import *  # noqa: F403
from gnlc.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
