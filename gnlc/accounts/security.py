"""Log-in throttling and the two-factor requirement.

Throttling: failed log-ins are counted per e-mail address and per client address in the
cache (shared by every app server when Redis is configured); after
GNLC_LOGIN_MAX_FAILURES within GNLC_LOGIN_LOCKOUT_SECONDS the log-in is refused, with a
clear message, until the window passes (an address is allowed four times as many: offices
share addresses). A cache that fails lets log-ins through (the password check still
holds) and is logged.

There is one way in, so one throttle: the admin's log-in page sends people to the site's
(`gnlc.accounts.views.admin_login`). A successful log-in, or a password reset, forgets
the failures of that e-mail address only, never those of the client address: otherwise
an attacker could reset the address's count by logging into an account of their own
between guesses. The client address is the one the rate limits use
(`gnlc.core.ratelimit.client_ip`, which knows the trusted proxies).

Two factors: the roles that see confidential data (secretariat, juror, and superusers)
need a confirmed TOTP device, and count only in a session verified with it
(`User.has_role`); `TwoFactorMiddleware` sends such users to set it up or enter a code.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from gnlc.accounts.enums import RoleKind
from gnlc.core.ratelimit import client_ip

logger = logging.getLogger(__name__)
TWO_FACTOR_ROLES = {RoleKind.SECRETARIAT, RoleKind.JUROR}


def client_address(request) -> str:
    return client_ip(request) if request is not None else ""


def _email_key(email: str) -> str:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"gnlc:login-fail:email:{digest}"


def _address_key(address: str) -> str:
    return f"gnlc:login-fail:ip:{address}"


def _keys(email: str, address: str) -> list[str]:
    return [_email_key(email), *([_address_key(address)] if address else [])]


def is_locked_out(email: str, address: str) -> bool:
    limit = settings.GNLC_LOGIN_MAX_FAILURES
    try:
        counts = cache.get_many(_keys(email, address))
    except Exception:
        logger.exception("login throttle: cache read failed; letting the attempt through")
        return False
    # An address is allowed more failures than one account: offices share addresses.
    return counts.get(_email_key(email), 0) >= limit or (
        bool(address) and counts.get(_address_key(address), 0) >= limit * 4
    )


def record_failure(email: str, address: str) -> None:
    timeout = settings.GNLC_LOGIN_LOCKOUT_SECONDS
    try:
        for key in _keys(email, address):
            if not cache.add(key, 1, timeout):
                cache.incr(key)
    except Exception:
        logger.exception("login throttle: cache write failed")


def clear_failures(email: str) -> None:
    """Forget the failures of `email` (its owner just proved it), never those of the
    client address (see the module's docstring)."""
    try:
        cache.delete(_email_key(email))
    except Exception:
        logger.exception("login throttle: cache delete failed")


def needs_two_factor(user) -> bool:
    """Whether this user's roles require a second factor."""
    if not settings.GNLC_TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(role.kind in TWO_FACTOR_ROLES for role in user.role_list)


def is_two_factor_verified(user) -> bool:
    return bool(getattr(user, "is_verified", lambda: False)())
