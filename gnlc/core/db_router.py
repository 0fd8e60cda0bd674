"""Reads of public data from a PostgreSQL read replica; everything else on the primary.

Rule, kept simple so that it is easy to see it is correct: a request may read from a
replica only when it is a GET or HEAD from an anonymous visitor (public pages and the
public API, which a replica's second or so of lag cannot harm). `ReplicaMiddleware` marks
such a request in a context variable; the router reads the mark. Everything else stays on
"default", the primary:

- writes, always (`db_for_write`);
- every read after the request's first write (read your own writes): a write clears the
  mark for the rest of the request;
- reads inside a transaction (`atomic`) on the primary, which must see its own rows;
- signed-in users, POST and the rest, management commands and tests (no mark).

The replicas are the aliases listed in `GNLC_DATABASE_REPLICAS` (settings.py makes
replica1..n from `DATABASE_REPLICA_URLS`); with none, the router sends everything to
"default", so it is installed whatever the deployment.
"""

import contextlib
import random
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica_allowed: ContextVar[bool] = ContextVar("gnlc_replica_allowed", default=False)
SAFE_METHODS = {"GET", "HEAD"}


def replicas() -> list[str]:
    return list(getattr(settings, "GNLC_DATABASE_REPLICAS", []))


@contextlib.contextmanager
def replica_reads():
    """Allow this context's reads to go to a replica (what the middleware does for an
    anonymous GET); for scripts and tests."""
    token = _replica_allowed.set(True)
    try:
        yield
    finally:
        _replica_allowed.reset(token)


class ReplicaRouter:
    """Sends a read to a random replica when the current request allows it (see the
    module), every other query to the primary."""

    def db_for_read(self, model, **hints):
        if not _replica_allowed.get():
            return DEFAULT_DB_ALIAS
        aliases = replicas()
        if not aliases or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return random.choice(aliases)  # noqa: S311 - spreading load, not a secret

    def db_for_write(self, model, **hints):
        # From now on this request reads what it wrote: the primary.
        _replica_allowed.set(False)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Replicas hold the same rows as the primary: objects from either may relate.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # Replicas follow the primary by replication, never by migrate.
        return db not in replicas()


class ReplicaMiddleware:
    """Marks anonymous GET/HEAD requests as allowed to read from a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replicas() or request.method not in SAFE_METHODS:
            return self.get_response(request)
        # The user is resolved here, before the mark, so its session and user rows are
        # read from the primary.
        if request.user.is_authenticated:
            return self.get_response(request)
        token = _replica_allowed.set(True)
        try:
            return self.get_response(request)
        finally:
            _replica_allowed.reset(token)
