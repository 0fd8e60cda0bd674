"""Against the Redis server on 127.0.0.1:6379 (skipped, saying why, when none answers):
the cache and sessions of several app servers sharing one Redis."""

import socket

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from gnlc.accounts.tests.factories import UserFactory
from gnlc.cities.enums import EventKind
from gnlc.core.cache import cache_key
from gnlc.core.tests.caches import redis_caches

REDIS = ("127.0.0.1", 6379)
CACHED_DB = "django.contrib.sessions.backends.cached_db"


def redis_reachable() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not redis_reachable(), reason="no Redis server on 127.0.0.1:6379 (start redis-server)"
)


@pytest.fixture
def redis_url(worker_id):
    """A Redis database per xdist worker, emptied before and after the test."""
    number = 1 + (int(worker_id.removeprefix("gw")) if worker_id != "master" else 0) % 15
    url = f"redis://127.0.0.1:6379/{number}"
    RedisCache(url, {}).clear()
    yield url
    RedisCache(url, {}).clear()


def app_server_cache(url) -> RedisCache:
    """The cache one app server process would have: its own client and connections."""
    return RedisCache(url, {"KEY_PREFIX": "gnlc"})


def test_redis_cache_stores_and_reads_a_value(redis_url):
    cache = app_server_cache(redis_url)

    cache.set("answer", {"members": 236}, 60)

    assert cache.get("answer") == {"members": 236}


@pytest.mark.django_db
def test_member_change_on_one_app_server_is_seen_by_another_sharing_redis(member, redis_url):
    one, two = app_server_cache(redis_url), app_server_cache(redis_url)
    key_before = cache_key("api-members", "example.org", [])
    one.set(key_before, ["Nakuru active"], 600)
    assert two.get(key_before) == ["Nakuru active"]

    # On app server one: the secretariat suspends the member (bumps the data revision).
    member.record_event(EventKind.SUSPENDED, year=2025)

    # App server two computes the key of the same request: a new one, so it recomputes.
    key_after = cache_key("api-members", "example.org", [])
    assert key_after != key_before
    assert two.get(key_after) is None


@pytest.mark.django_db
def test_api_members_list_is_served_through_redis(client, member, redis_url):
    caches = redis_caches(redis_url)
    with override_settings(CACHES=caches):
        first = client.get("/api/v1/members")
        second = client.get("/api/v1/members")
        stored = app_server_cache(redis_url)._cache.get_client().keys("*gnlc:public:*")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert len(stored) == 1


@pytest.mark.django_db
def test_session_of_one_app_server_is_read_by_another(client, redis_url):
    caches = redis_caches(redis_url)
    user = UserFactory(email="someone@example.org")
    with override_settings(CACHES=caches, SESSION_ENGINE=CACHED_DB):
        client.force_login(user)
        # Another app server: its own session store, which reads Redis first.
        session = SessionStore(session_key=client.cookies["sessionid"].value)

        assert session.get("_auth_user_id") == str(user.pk)
        assert len(app_server_cache(redis_url)._cache.get_client().keys("*sessions*")) == 1
