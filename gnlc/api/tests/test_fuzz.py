"""Fuzz the whole JSON API from its own OpenAPI document (schemathesis).

Every operation the document lists at test time (other apps' routers included, as they
are added) is called with generated parameters; each response must not be a server
error and must match the document: status code, content type, headers and body schema.
Bounded for CI: a few examples per operation, no per-example deadline (a first query
may be slow on a loaded CI machine), no example database written to the work tree.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gnlc.cities.enums import EventKind
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.wsgi import application

MAX_EXAMPLES = 15


# Loaded once, at collection, from the app itself (no server, no database query).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def _keep_the_test_connection():
    """Requests go through the WSGI application, whose request signals close a
    connection that is not in autocommit: on PostgreSQL, the test's own transaction.
    Django's test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def members(db, _keep_the_test_connection):
    """A few members for the generated requests to find."""
    nakuru = MemberFactory(name="Nakuru", subdivision="Nakuru County")
    MemberFactory(name="Mombasa", cohort=CohortFactory(year=2019))
    nakuru.record_event(EventKind.SUSPENDED, year=2024)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_operation_answers_within_its_schema(case, members):
    # Not "positive data acceptance": a filter's valid values (a region's slug, a
    # country's code) live in the database, not in the document, so a string the
    # document allows may rightly be a 422.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
