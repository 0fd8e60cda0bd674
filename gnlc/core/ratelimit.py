"""Rate limits per client IP on the API and on public search, in fixed windows.

Two scopes of the middleware, each set in settings as (requests, seconds) or None for no
limit:

- `GNLC_RATE_LIMIT_API`: every request under /api/;
- `GNLC_RATE_LIMIT_SEARCH`: every other request with a non-empty `q` parameter (the
  member directory's search, the library's search), whatever view answers it.

A client over its limit gets `429 Too Many Requests` with `Retry-After` (the seconds left
in the window): in the API's error shape under /api/, a small page elsewhere.

Counters live in the Django cache (one key per scope, client and window, created with
`add` and bumped with `incr`, both atomic on Redis and memcached), so every app server
behind a load balancer shares them when the cache is Redis. A cache that fails lets the
request through and logs the error: an outage of the cache server must not take the
public pages down with it (fail open).

The client is `REMOTE_ADDR`, or, behind `GNLC_PROXY_COUNT` trusted proxies, the address
that many hops from the right of `X-Forwarded-For` (a client can forge the left part of
that header, never what our own proxies appended).

Forms that send e-mail (password reset, registration) are limited by the same counters,
asked by their views (`limit_mail_requests`, `may_mail`): see the end of the module.
"""

import functools
import hashlib
import json
import logging
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the one `GNLC_PROXY_COUNT` hops from the
    right of X-Forwarded-For when that many proxies of ours stand in front."""
    proxies = getattr(settings, "GNLC_PROXY_COUNT", 0)
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def scope_of(request) -> tuple[str, tuple[int, int]] | None:
    """("api" or "search", its rate) for a request that is rate limited, else None."""
    if request.path.startswith(API_PREFIX):
        rate = getattr(settings, "GNLC_RATE_LIMIT_API", None)
        return ("api", rate) if rate else None
    if request.GET.get("q", "").strip():
        rate = getattr(settings, "GNLC_RATE_LIMIT_SEARCH", None)
        return ("search", rate) if rate else None
    return None


def hit(scope: str, client: str, rate: tuple[int, int], now: float | None = None) -> int | None:
    """Count one request of `client` in `scope`; the seconds to wait when it is over
    `rate`, else None. None as well when the cache fails (logged): fail open."""
    limit, period = rate
    now = time.time() if now is None else now
    window = int(now // period)
    key = f"gnlc:ratelimit:{scope}:{client}:{period}:{window}"
    cache = caches[getattr(settings, "GNLC_RATE_LIMIT_CACHE", "default")]
    try:
        # add() is a no-op when the key exists; the extra second covers clock skew
        # between app servers sharing the counter.
        cache.add(key, 0, period + 1)
        count = cache.incr(key)
    except Exception:  # any backend's failure, or the key evicted between add and incr
        logger.exception("rate limit counter failed; request let through")
        return None
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def too_many_requests(request, retry_after: int) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        body = {
            "error": {
                "status": 429,
                "code": "rate_limited",
                "message": f"Too many requests: try again in {retry_after} seconds.",
                "details": [],
            }
        }
        response = HttpResponse(
            json.dumps(body), status=429, content_type="application/json; charset=utf-8"
        )
    else:
        response = render(request, "core/429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class RateLimitMiddleware:
    """Answer 429 to a client over its limit on the API or search; see the module."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scoped = scope_of(request)
        if scoped is not None:
            scope, rate = scoped
            retry_after = hit(scope, client_ip(request), rate)
            if retry_after is not None:
                return too_many_requests(request, retry_after)
        return self.get_response(request)


# Forms that send e-mail to an address typed in --------------------------------------------
# Password reset and registration mail whatever address a visitor types, so they could be
# used to flood an inbox or to spend the platform's sending reputation. Two counters, in
# the same windows as above: POSTs per client (`GNLC_RATE_LIMIT_MAIL`: over it, 429) and
# messages per recipient (`GNLC_RATE_LIMIT_MAIL_ADDRESS`: over it, the message is quietly
# not sent and the page says the same as ever, so the limit tells nothing about accounts).


def mail_request_wait(request) -> int | None:
    """Count one POST of this client to a form that sends mail; the seconds to wait when
    it is over `GNLC_RATE_LIMIT_MAIL`, else None."""
    rate = getattr(settings, "GNLC_RATE_LIMIT_MAIL", None)
    return hit("mail", client_ip(request), rate) if rate else None


def may_mail(address: str) -> bool:
    """Count one message to `address` (kept in the cache as a digest, never in clear);
    False when that address is over `GNLC_RATE_LIMIT_MAIL_ADDRESS`."""
    rate = getattr(settings, "GNLC_RATE_LIMIT_MAIL_ADDRESS", None)
    if not rate:
        return True
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()[:32]
    return hit("mail-to", digest, rate) is None


def limit_mail_requests(view):
    """View decorator: a POST from a client over `GNLC_RATE_LIMIT_MAIL` gets 429."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            retry_after = mail_request_wait(request)
            if retry_after is not None:
                return too_many_requests(request, retry_after)
        return view(request, *args, **kwargs)

    return wrapper


# Anonymous forms that keep what they are sent (suggestions of corrections): POSTs per
# client, in the same counters and windows, each form naming its scope and its setting.


def limit_post_requests(scope: str, setting: str):
    """View decorator: a POST from a client over the rate in `setting` (requests,
    seconds; None for no limit) gets 429, counted in `scope`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            rate = getattr(settings, setting, None)
            if request.method == "POST" and rate:
                retry_after = hit(scope, client_ip(request), rate)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
