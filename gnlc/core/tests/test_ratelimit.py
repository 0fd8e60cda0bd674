import datetime as dt
import json
import logging

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from gnlc.core.env import EnvError, env_rate
from gnlc.core.ratelimit import client_ip

# 10:00:05 UTC: 5 seconds into a 60-second window (windows start at multiples of 60 s).
NOON = dt.datetime(2025, 3, 1, 10, 0, 5, tzinfo=dt.UTC)
LIMITS = {"GNLC_RATE_LIMIT_API": (3, 60), "GNLC_RATE_LIMIT_SEARCH": (2, 60)}


@pytest.fixture
def frozen():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_api_rate_limit_answers_429_in_the_error_shape_over_the_limit(client, frozen):
    statuses = [client.get("/api/v1/regions").status_code for _ in range(3)]

    response = client.get("/api/v1/regions")

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    assert response["Retry-After"] == "55"
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(response.content) == {
        "error": {
            "status": 429,
            "code": "rate_limited",
            "message": "Too many requests: try again in 55 seconds.",
            "details": [],
        }
    }


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_api_rate_limit_counts_unknown_api_paths_too(client, frozen):
    for _ in range(3):
        client.get("/api/v1/nothing-here")

    assert client.get("/api/v1/regions").status_code == 429


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_api_rate_limit_resets_in_the_next_window(client, frozen):
    for _ in range(4):
        client.get("/api/v1/regions")

    frozen.move_to(NOON + dt.timedelta(seconds=55))

    assert client.get("/api/v1/regions").status_code == 200


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_api_rate_limit_counts_each_client_ip_apart(client, frozen):
    for _ in range(4):
        client.get("/api/v1/regions", REMOTE_ADDR="192.0.2.1")

    response = client.get("/api/v1/regions", REMOTE_ADDR="192.0.2.2")

    assert response.status_code == 200


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_search_rate_limit_answers_429_page_with_retry_after(client, frozen):
    statuses = [client.get("/members/", {"q": "nak"}).status_code for _ in range(2)]

    response = client.get("/members/", {"q": "nakuru"})

    assert statuses == [200, 200]
    assert response.status_code == 429
    assert response["Retry-After"] == "55"
    assert "Please try again in 55 seconds." in response.content.decode()


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_search_rate_limit_ignores_browsing_without_a_query(client, frozen):
    statuses = [client.get("/members/", {"region": "africa"}).status_code for _ in range(5)]

    assert statuses == [200] * 5


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_search_and_api_limits_are_counted_apart(client, frozen):
    for _ in range(3):
        client.get("/api/v1/regions")

    response = client.get("/members/", {"q": "nak"})

    assert response.status_code == 200


@pytest.mark.django_db
@override_settings(GNLC_RATE_LIMIT_API=None)
def test_api_rate_limit_off_when_unset(client, frozen):
    statuses = [client.get("/api/v1/regions").status_code for _ in range(10)]

    assert statuses == [200] * 10


@pytest.mark.django_db
@override_settings(**LIMITS)
def test_rate_limit_fails_open_when_the_cache_fails(client, frozen, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("cache server down")

    # The cache is Django's, not ours: standing in for a Redis server that is down.
    monkeypatch.setattr(cache, "add", broken)
    with caplog.at_level(logging.ERROR, logger="gnlc.core.ratelimit"):
        statuses = [client.get("/api/v1/regions").status_code for _ in range(5)]

    assert statuses == [200] * 5
    assert [r.message for r in caplog.records] == [
        "rate limit counter failed; request let through"
    ] * 5


@override_settings(GNLC_PROXY_COUNT=1)
def test_client_ip_behind_one_proxy_is_the_last_forwarded_hop(rf):
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")

    assert client_ip(request) == "198.51.100.7"


@override_settings(GNLC_PROXY_COUNT=0)
def test_client_ip_without_proxy_ignores_forwarded_for(rf):
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="6.6.6.6")

    assert client_ip(request) == "198.51.100.7"


def test_env_rate_reads_requests_per_seconds(monkeypatch):
    monkeypatch.setenv("X_RATE", " 120/60 ")
    assert env_rate("X_RATE", "1/1") == (120, 60)
    monkeypatch.setenv("X_RATE", "off")
    assert env_rate("X_RATE", "1/1") is None


def test_env_rate_fails_loudly_on_a_bad_rate(monkeypatch):
    monkeypatch.setenv("X_RATE", "120 per minute")
    with pytest.raises(EnvError, match="X_RATE must be 'requests/seconds'"):
        env_rate("X_RATE", "1/1")
