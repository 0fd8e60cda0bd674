"""The public pages keep serving when the cache server is down: every use of the cache
(the public figures' cache, the rate limit counters) logs the error and goes on."""

import logging

import pytest
from django.test import override_settings

from gnlc.core.tests import caches


@pytest.fixture
def redis_down():
    with override_settings(
        CACHES=caches.redis_down(),
        GNLC_RATE_LIMIT_API=(100, 60),
        GNLC_RATE_LIMIT_SEARCH=(100, 60),
    ):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/", b"Learning Cities"),
        ("/members/", b"Nakuru"),
        ("/members/?q=nak", b"Nakuru"),
        ("/api/v1/members", b"Nakuru"),
        ("/api/v1/members?q=nak", b"Nakuru"),
    ],
)
def test_public_page_serves_when_the_cache_server_is_down(
    client, member, redis_down, url, text, caplog
):
    with caplog.at_level(logging.ERROR):
        response = client.get(url)

    assert response.status_code == 200
    assert text in response.content
    logged = {(r.name, r.message) for r in caplog.records}
    assert logged <= {
        ("gnlc.core.cache", "cache read failed"),
        ("gnlc.core.ratelimit", "rate limit counter failed; request let through"),
    }


@pytest.mark.django_db
def test_search_logs_the_rate_limit_failure_when_the_cache_server_is_down(
    client, member, redis_down, caplog
):
    with caplog.at_level(logging.ERROR):
        client.get("/members/", {"q": "nak"})

    # The rate limit's failure is said once; the page's cache (the directory is cached
    # like the API list) says its own.
    assert [(r.name, r.message) for r in caplog.records if r.name == "gnlc.core.ratelimit"] == [
        ("gnlc.core.ratelimit", "rate limit counter failed; request let through"),
    ]
    assert {r.name for r in caplog.records} == {"gnlc.core.ratelimit", "gnlc.core.cache"}


@pytest.mark.django_db
def test_api_members_logs_the_cache_read_failure_when_the_cache_server_is_down(
    client, member, redis_down, caplog
):
    with caplog.at_level(logging.ERROR):
        client.get("/api/v1/members")

    assert [(r.name, r.message) for r in caplog.records] == [
        ("gnlc.core.ratelimit", "rate limit counter failed; request let through"),
        ("gnlc.core.cache", "cache read failed"),
    ]
