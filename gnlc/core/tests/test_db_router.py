"""The read-replica router, with two database aliases: "default" (the primary) and
"replica1", which mirrors it in tests (gnlc/test_settings.py)."""

import pytest
from django.db import connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from gnlc.cities.models import Member
from gnlc.core.db_router import ReplicaRouter, replica_reads

REPLICA = override_settings(GNLC_DATABASE_REPLICAS=["replica1"])
BOTH = pytest.mark.django_db(databases=["default", "replica1"], transaction=True)

router = ReplicaRouter()


@REPLICA
def test_router_reads_from_the_primary_outside_a_request():
    assert router.db_for_read(Member) == "default"


@REPLICA
@BOTH
def test_router_reads_from_a_replica_when_allowed():
    with replica_reads():
        assert router.db_for_read(Member) == "replica1"


@override_settings(GNLC_DATABASE_REPLICAS=[])
def test_router_reads_from_the_primary_without_replicas():
    with replica_reads():
        assert router.db_for_read(Member) == "default"


@REPLICA
@BOTH
def test_router_reads_from_the_primary_after_a_write():
    with replica_reads():
        assert router.db_for_write(Member) == "default"

        assert router.db_for_read(Member) == "default"


@REPLICA
@BOTH
def test_router_reads_from_the_primary_inside_a_transaction():
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Member) == "default"


@REPLICA
def test_router_never_migrates_a_replica():
    assert router.allow_migrate("replica1", "cities") is False
    assert router.allow_migrate("default", "cities") is True


@REPLICA
@BOTH
def test_anonymous_get_reads_public_data_from_the_replica(client, reference_data, member):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica1"]) as replica,
    ):
        response = client.get("/api/v1/members")

    assert response.status_code == 200
    assert b"Nakuru" in response.content
    assert len(replica) > 0
    assert [q["sql"] for q in primary] == []


@REPLICA
@BOTH
def test_signed_in_get_reads_from_the_primary(client, reference_data, member, secretariat):
    client.force_login(secretariat)
    with CaptureQueriesContext(connections["replica1"]) as replica:
        response = client.get("/members/")

    assert response.status_code == 200
    assert [q["sql"] for q in replica] == []


@REPLICA
@BOTH
def test_post_reads_from_the_primary(client, reference_data, member):
    with CaptureQueriesContext(connections["replica1"]) as replica:
        client.post("/accounts/login/", {"username": "nobody@example.org", "password": "x"})

    assert [q["sql"] for q in replica] == []
