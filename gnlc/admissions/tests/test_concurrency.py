"""The nomination quota under real concurrency: several National Commission members of
one country nominate at the same instant, each in its own thread and connection."""

import threading

import pytest
from django.db import connection, connections

from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Application, TransitionError
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory, make_natcom

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has no row locks (select_for_update is a no-op there) and serialises "
        "writers anyway; the race is tested on PostgreSQL (DATABASE_URL=postgres://...).",
    ),
]


def test_concurrent_nominations_never_exceed_the_quota(reference_data):
    call = CallFactory(quota_per_country=2)
    applications = ApplicationFactory.create_batch(6, call=call, state=S.SUBMITTED)
    members = [make_natcom("KE", email=f"natcom{i}@example.org") for i in range(6)]
    barrier = threading.Barrier(len(applications))
    outcomes = []

    def nominate(application, natcom):
        try:
            barrier.wait()
            Application.objects.get(pk=application.pk).transition(S.NOMINATED, by=natcom)
            outcomes.append("nominated")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=nominate, args=pair)
        for pair in zip(applications, members, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["nominated"] * 2 + ["refused"] * 4
    assert Application.objects.filter(state=S.NOMINATED).count() == 2
