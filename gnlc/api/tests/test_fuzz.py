"""Fuzz the whole JSON API from its own OpenAPI document (schemathesis).

Every operation the document lists at test time (other apps' routers included, as they
are added) is called with generated parameters, valid ones and invalid ones, through
schemathesis's examples, coverage and fuzzing phases, and every check it has runs on each
response: no server error; status code, content type, headers and body as documented;
every request the document allows accepted (so the document says every bound the API
enforces), every request it forbids refused; other methods answered 405 with `Allow`.

A fixed seed makes a run repeatable. `GNLC_FUZZ_EXAMPLES` examples per operation and
mode (positive, negative): 200 in the suite, about a minute on two cores; `make fuzz`
runs 1,000. No per-example deadline (a first query may be slow on a loaded CI
machine), no example database written to the work tree. Rate limits are off in the
test settings (a 429 is documented, but it would only be noise here).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from gnlc.cities.enums import EventKind
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.wsgi import application

SEED = 14
EXAMPLES = int(os.environ.get("GNLC_FUZZ_EXAMPLES", "200"))

config = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": EXAMPLES, "database": "none"},
    }
)
# Loaded once, at collection, from the app itself (no server, no database query).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)


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
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_operation_answers_as_its_document_says(case, members):
    case.call_and_validate()
