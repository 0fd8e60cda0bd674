"""Helpers of tests that put the default cache in Redis, as production's settings do."""

import socket

from django.conf import settings


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_caches(location: str, timeout: float | None = None) -> dict:
    """The settings' caches with the default one in Redis at `location` (each socket
    operation given up after `timeout` seconds, where given): as the settings make
    them, only the default cache is Redis, and the fragments stay in each process."""
    default = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}
    if timeout is not None:
        default["OPTIONS"] = {"socket_connect_timeout": timeout, "socket_timeout": timeout}
    return {**settings.CACHES, "default": default}


def redis_down() -> dict:
    """The settings' caches with the default one in a Redis that is down."""
    return redis_caches(f"redis://127.0.0.1:{closed_port()}/0", timeout=0.5)
