import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from gnlc.cities.tests.factories import MemberFactory
from gnlc.clusters.enums import MembershipStatus
from gnlc.clusters.models import ClusterMembership
from gnlc.clusters.tests.factories import make_cluster, stay

pytestmark = pytest.mark.django_db


def names(members):
    return [m.name for m in members]


def test_members_on_a_day_are_those_joined_and_not_yet_left():
    cluster = make_cluster()
    stayed = MemberFactory(name="Aswan")
    left = MemberFactory(name="Bristol")
    later = MemberFactory(name="Cork")
    stay(cluster, stayed, joined=dt.date(2023, 5, 1))
    stay(cluster, left, joined=dt.date(2023, 6, 1), left=dt.date(2024, 3, 1))
    stay(cluster, later, joined=dt.date(2024, 3, 2))

    assert names(cluster.members_on(dt.date(2024, 2, 29))) == ["Aswan", "Bristol"]
    assert names(cluster.members_on(dt.date(2024, 3, 1))) == ["Aswan"]
    assert names(cluster.members_on(dt.date(2024, 3, 2))) == ["Aswan", "Cork"]
    assert names(cluster.members_on(dt.date(2023, 4, 30))) == []


def test_a_city_that_left_and_came_back_counts_once_in_each_stay():
    cluster = make_cluster()
    city = MemberFactory(name="Aswan")
    stay(cluster, city, joined=dt.date(2022, 1, 1), left=dt.date(2023, 1, 1))
    stay(cluster, city, joined=dt.date(2024, 1, 1))

    assert names(cluster.members_on(dt.date(2022, 6, 1))) == ["Aswan"]
    assert names(cluster.members_on(dt.date(2023, 6, 1))) == []
    assert names(cluster.members_on(dt.date(2024, 6, 1))) == ["Aswan"]


def test_requests_and_refusals_are_never_members():
    cluster = make_cluster()
    asking = MemberFactory(name="Aswan")
    ClusterMembership.request(cluster, asking, by=None)
    refused = ClusterMembership.request(cluster, MemberFactory(name="Bristol"), by=None)
    refused.decide(MembershipStatus.REFUSED, by=None)

    assert names(cluster.members_on()) == []


@time_machine.travel(dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC))
def test_approval_counts_from_that_day_and_leaving_from_the_next():
    cluster = make_cluster()
    city = MemberFactory(name="Aswan")
    membership = ClusterMembership.request(cluster, city, by=None)
    membership.decide(MembershipStatus.APPROVED, by=None)
    assert membership.joined_on == dt.date(2024, 3, 1)

    membership.decide(MembershipStatus.LEFT, by=None)

    assert membership.left_on == dt.date(2024, 3, 2)
    assert names(cluster.members_on(dt.date(2024, 3, 1))) == ["Aswan"]
    assert names(cluster.members_on(dt.date(2024, 3, 2))) == []


def test_a_city_asks_only_once_while_its_request_is_open():
    cluster = make_cluster()
    city = MemberFactory()
    ClusterMembership.request(cluster, city, by=None)

    with pytest.raises(ValidationError):
        ClusterMembership.request(cluster, city, by=None)


def test_the_database_refuses_two_open_stays_of_one_city():
    cluster = make_cluster()
    city = MemberFactory()
    stay(cluster, city, joined=dt.date(2023, 1, 1))

    with pytest.raises(IntegrityError):
        stay(cluster, city, joined=dt.date(2024, 1, 1))


def test_a_decided_request_cannot_be_decided_again():
    membership = ClusterMembership.request(make_cluster(), MemberFactory(), by=None)
    membership.decide(MembershipStatus.REFUSED, by=None)

    with pytest.raises(ValidationError):
        membership.decide(MembershipStatus.APPROVED, by=None)


def test_a_coordinating_city_cannot_leave_its_cluster():
    lead = MemberFactory()
    cluster = make_cluster(coordinating=[lead])

    with pytest.raises(ValidationError):
        cluster.memberships.get(member=lead).decide(MembershipStatus.LEFT, by=None)


def test_naming_coordinating_cities_makes_them_members_once():
    lead = MemberFactory(name="Aswan")
    cluster = make_cluster()
    cluster.name_coordinating_cities([lead], by=None)
    cluster.name_coordinating_cities([lead], by=None)

    assert names(cluster.coordinating_cities.all()) == ["Aswan"]
    assert cluster.memberships.filter(member=lead).count() == 1


def test_a_cluster_has_one_or_two_coordinating_cities():
    cluster = make_cluster()
    three = MemberFactory.create_batch(3)

    with pytest.raises(ValidationError):
        cluster.name_coordinating_cities(three, by=None)
    with pytest.raises(ValidationError):
        cluster.name_coordinating_cities([], by=None)
