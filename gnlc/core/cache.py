"""Caching of public figures that are costly at scale (the members list with facets, the
library's searches), for every app.

A value is keyed on the public data's revision (`cities.DataRevision`, bumped by every
change to members, events, cohorts and countries, see cities/signals.py), today's date
(statuses are "as of today") and its key parts, which hold any other revision it depends
on (the library's searches add `LibraryRevision`), so it is never stale. One indexed
query reads the revision. A cache that fails (a Redis server down) is logged and
skipped: the figures are computed, the page still answers.
"""

import contextlib
import contextvars
import datetime as dt
import hashlib
import json
import logging
import time

from django.apps import apps
from django.core.cache import cache

logger = logging.getLogger(__name__)
TIMEOUT = 600
_bypassed: contextvars.ContextVar[bool] = contextvars.ContextVar("gnlc_cache_off", default=False)


@contextlib.contextmanager
def bypassed():
    """Inside the block, `cached` computes and neither reads nor stores. For work whose
    rows are rolled back afterwards (a rehearsed publication): a value computed from
    them would be stored under a data revision the real data reach later."""
    token = _bypassed.set(True)
    try:
        yield
    finally:
        _bypassed.reset(token)


def bypassing() -> bool:
    """Whether the caller is inside `bypassed()`: what keeps values in the process
    must compute them afresh (or not use them)."""
    return _bypassed.get()


# The revision every cached value keys on, named as settings name models: core imports
# no app (the directory's data are what every public page shows).
PUBLIC_REVISION = "cities.DataRevision"


def cache_key(*parts) -> str:
    revision = apps.get_model(PUBLIC_REVISION).current()
    payload = json.dumps([revision, dt.date.today().isoformat(), *parts], default=str)
    return "gnlc:public:" + hashlib.sha256(payload.encode()).hexdigest()


def cached(parts, compute):
    """`compute()`, or its cached value for these key parts and the current data."""
    if _bypassed.get():
        return compute()
    key = cache_key(*parts)
    try:
        value = cache.get(key)
    except Exception:  # any backend's failure: serve uncached
        logger.exception("cache read failed")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.exception("cache write failed")
    return value


# Values that `memoised` keeps in this process, (expiry, value) by key: few and small.
_local: dict[str, tuple[float, object]] = {}
_LOCAL_SIZE = 32


def memoised(parts, compute):
    """`compute()`, or its value kept in this process's memory for these key parts and
    the current data. For small values every request reads (the members' counts by
    country, cohort and status; the countries' names): unlike `cached`, a hit costs no
    cache round trip and no unpickling. Keyed like `cached`, and kept no longer (a
    database restored from a backup may show an old revision number again)."""
    if _bypassed.get():
        return compute()
    key = cache_key(*parts)
    now = time.monotonic()
    found = _local.get(key)
    if found is not None and found[0] > now:
        return found[1]
    value = compute()
    if len(_local) >= _LOCAL_SIZE:
        _local.clear()  # old data revisions and days: simpler than an LRU, as cheap
    _local[key] = (now + TIMEOUT, value)
    return value


def forget_memoised() -> None:
    """Empty this process's memoised values (tests: each restarts the data revision)."""
    _local.clear()
