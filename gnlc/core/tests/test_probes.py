"""/healthz, /readyz and /metrics (gnlc/core/probes.py), and the request log line."""

import json
import logging
import re

import pytest
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.http import StreamingHttpResponse
from django.test import override_settings

from gnlc.core import probes
from gnlc.core.logs import JsonFormatter, RequestLogMiddleware
from gnlc.core.tests.caches import closed_port, redis_down
from gnlc.core.tests.test_settings import run_gnlc

READY = {
    "status": "ready",
    "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
}


@pytest.fixture(autouse=True)
def _forget_migrations_checked(monkeypatch):
    monkeypatch.setattr(probes, "_migrated", False)


def test_healthz_answers_without_database_or_session(client):
    # No django_db mark: any query would raise.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"
    assert response.cookies == {}


def test_healthz_answers_a_balancer_asking_by_address_over_http(client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
        page = client.get("/", HTTP_HOST="127.0.0.1")

    assert response.status_code == 200
    assert page.status_code == 301


@pytest.mark.django_db
def test_readyz_ready_when_database_cache_and_migrations_are(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == READY


@pytest.mark.django_db
def test_readyz_unavailable_when_a_migration_is_not_applied(client, caplog):
    last = MigrationRecorder.Migration.objects.filter(app="cities").latest("id")
    MigrationRecorder(connections["default"]).record_unapplied("cities", last.name)

    with caplog.at_level(logging.ERROR, logger="gnlc.core.probes"):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "migrations": "failed"},
    }
    assert "1 migrations not applied: run `gnlc migrate`" in caplog.text


@pytest.mark.django_db
def test_readyz_unavailable_when_the_cache_server_is_down(client, caplog):
    with override_settings(CACHES=redis_down()), caplog.at_level(logging.ERROR):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failed", "migrations": "ok"}
    assert "readyz: cache unreachable" in caplog.text


@pytest.mark.django_db
def test_readyz_unavailable_when_a_replica_is_unreachable(client, settings, caplog):
    # A replica alias on a port nothing listens on: a real refused connection.
    replica = {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": str(closed_port()),
        "NAME": "gnlc",
        "USER": "postgres",
        "OPTIONS": {"connect_timeout": 2},
    }
    configured = connections.configure_settings(
        {"default": connections.settings["default"], "replica9": replica}
    )
    connections.settings["replica9"] = configured["replica9"]
    settings.GNLC_DATABASE_REPLICAS = ["replica9"]
    try:
        with caplog.at_level(logging.ERROR):
            response = client.get("/readyz")
    finally:
        del connections["replica9"]
        del connections.settings["replica9"]

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "failed",
        "cache": "ok",
        "migrations": "failed",
    }
    assert "readyz: database 'replica9' unreachable" in caplog.text


@override_settings(GNLC_RATE_LIMIT_SEARCH=(1, 60))
@pytest.mark.django_db
def test_probes_are_never_rate_limited(client):
    statuses = [client.get("/readyz", {"q": "x"}).status_code for _ in range(3)]
    searches = [client.get("/members/", {"q": "x"}).status_code for _ in range(2)]

    assert statuses == [200, 200, 200]
    assert searches == [200, 429]


@pytest.mark.django_db
def test_metrics_do_not_exist_unless_configured(client):
    assert client.get("/metrics").status_code == 404


@override_settings(GNLC_METRICS_TOKEN="s3cret-metrics-token")
@pytest.mark.django_db
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", "s3cret"])
def test_metrics_refused_without_the_token(client, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    assert client.get("/metrics", headers=headers).status_code == 404


@override_settings(GNLC_METRICS_TOKEN="s3cret-metrics-token")
def test_metrics_served_to_the_token(client):
    response = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert b"python_info" in response.content


@pytest.mark.django_db
def test_one_log_line_per_request_with_its_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="gnlc.request"):
        client.get("/members/", REMOTE_ADDR="192.0.2.7")
        client.get("/healthz")

    [record] = [r for r in caplog.records if r.name == "gnlc.request"]
    assert re.fullmatch(r"GET /members/ 200 \d+\.\d ms", record.getMessage())
    assert (record.method, record.path, record.status, record.client, record.user_id) == (
        "GET",
        "/members/",
        200,
        "192.0.2.7",
        None,
    )
    assert record.duration_ms >= 0


@pytest.mark.django_db
def test_a_streamed_download_is_logged_once_its_last_byte_is_read(client, caplog):
    with caplog.at_level(logging.INFO, logger="gnlc.request"):
        response = client.get("/members.csv")
        assert response.streaming
        assert not [r for r in caplog.records if r.name == "gnlc.request"]  # not yet sent
        body = response.getvalue()

    [record] = [r for r in caplog.records if r.name == "gnlc.request"]
    assert body.startswith(b"name,slug,")
    assert (record.path, record.status) == ("/members.csv", 200)


@pytest.mark.django_db  # closing a response sends request_finished, which closes connections
def test_a_streamed_answer_never_read_is_logged_when_the_server_closes_it(rf, caplog):
    # A server closes every response it was given, read or not (a client that left
    # before the first byte): that close is the last the log middleware hears of a body
    # never iterated.
    middleware = RequestLogMiddleware(lambda request: StreamingHttpResponse(iter([b"a", b"b"])))
    with caplog.at_level(logging.INFO, logger="gnlc.request"):
        response = middleware(rf.get("/members.csv"))
        assert not [r for r in caplog.records if r.name == "gnlc.request"]
        response.close()
        response.close()  # a second close writes nothing more

    [record] = [r for r in caplog.records if r.name == "gnlc.request"]
    assert (record.method, record.path, record.status) == ("GET", "/members.csv", 200)


def test_json_log_line_holds_the_request_fields():
    record = logging.makeLogRecord(
        {
            "name": "gnlc.request",
            "levelname": "INFO",
            "msg": "%s %s",
            "args": ("GET", "/"),
            "created": 1_700_000_000.25,
            "status": 200,
            "duration_ms": 3.5,
        }
    )

    assert json.loads(JsonFormatter().format(record)) == {
        "time": "2023-11-14T22:13:20.250+00:00",
        "level": "INFO",
        "logger": "gnlc.request",
        "message": "GET /",
        "status": 200,
        "duration_ms": 3.5,
    }


def test_json_log_format_writes_every_line_as_json(tmp_path):
    code = (
        "import logging; "
        "logging.getLogger('gnlc.request').info('GET / 200 1.0 ms', extra={'status': 200})"
    )
    result = run_gnlc(
        ["shell", "--no-imports", "-c", code], tmp_path, DEBUG="true", GNLC_LOG_FORMAT="json"
    )

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert (line["logger"], line["message"], line["status"]) == (
        "gnlc.request",
        "GET / 200 1.0 ms",
        200,
    )


def test_an_unknown_log_format_stops_start_up(tmp_path):
    result = run_gnlc(["check"], tmp_path, DEBUG="true", GNLC_LOG_FORMAT="xml")

    assert result.returncode != 0
    assert "GNLC_LOG_FORMAT must be plain or json, not 'xml'" in result.stderr
