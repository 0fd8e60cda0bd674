"""What load balancers, orchestrators and monitoring ask a running server.

- `/healthz`: the process answers (200, "ok"); it asks nothing else, so a slow database
  never makes a balancer kill healthy app servers.
- `/readyz`: this server can serve: every database (the primary and each replica) and
  the cache answer, and every migration of the code is applied. 200 when all are, else
  503; the body names each check as "ok" or "failed" (the cause goes to the log, not to
  whoever asks).
- `/metrics`: Prometheus metrics (django-prometheus), only when `GNLC_METRICS_TOKEN` is
  set and only to a request bearing it (`Authorization: Bearer <token>`); otherwise the
  address does not exist (404). Never public.

`ProbeMiddleware` answers them first in the chain: before the host check and the HTTPS
redirect (a balancer asks by address, over plain HTTP), and without sessions, language,
rate limits or the request log, so that probing every few seconds costs nearly nothing.
"""

import hmac
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpResponse, JsonResponse
from django_prometheus.exports import ExportToDjangoView

from gnlc.core.db_router import replicas

logger = logging.getLogger(__name__)

# Once every migration is applied it stays so until the code changes, and a new version
# starts new processes: the check is made until it passes, then remembered.
_migrated = False


def database_ready() -> bool:
    for alias in [DEFAULT_DB_ALIAS, *replicas()]:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            logger.exception("readyz: database %r unreachable", alias)
            connections[alias].close()
            return False
    return True


def cache_ready() -> bool:
    key, value = "readyz:probe", secrets.token_hex(8)
    try:
        cache.set(key, value, 10)
        if cache.get(key) == value:
            return True
        logger.error("readyz: the cache does not keep what it is given")
    except Exception:
        logger.exception("readyz: cache unreachable")
    return False


def migrations_applied() -> bool:
    global _migrated  # a per-process memo, see above
    if _migrated:
        return True
    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        logger.exception("readyz: cannot read the applied migrations")
        return False
    if plan:
        logger.error("readyz: %d migrations not applied: run `gnlc migrate`", len(plan))
        return False
    _migrated = True
    return True


def healthz(request) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def readyz(request) -> JsonResponse:
    checks = {"database": database_ready()}
    checks["cache"] = cache_ready()
    # Without the database the migrations cannot be read: failed too.
    checks["migrations"] = checks["database"] and migrations_applied()
    ready = all(checks.values())
    return JsonResponse(
        {
            "status": "ready" if ready else "unavailable",
            "checks": {name: "ok" if ok else "failed" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )


def metrics(request) -> HttpResponse:
    token = getattr(settings, "GNLC_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    return ExportToDjangoView(request)


PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answers /healthz, /readyz and (when configured) /metrics before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            response = probe(request)
            response["Cache-Control"] = "no-store"
            return response
        if request.path_info == "/metrics" and getattr(settings, "GNLC_METRICS_TOKEN", ""):
            try:
                return metrics(request)
            except Http404:
                pass  # the site's own 404 page, as for any unknown address
        return self.get_response(request)
