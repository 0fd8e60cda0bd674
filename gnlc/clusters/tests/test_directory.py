"""The member directory's cluster facet: the cities in a cluster on the directory's
date, counted among those every other facet selects."""

import datetime as dt

import pytest
from django.urls import reverse

from gnlc.cities.models import Member
from gnlc.clusters.tests.factories import stay

pytestmark = pytest.mark.django_db


def counts(summary, name="cluster"):
    return {row["value"]: row["count"] for row in summary["facets"][name]}


def test_cluster_filter_selects_the_cities_in_it_today(cities):
    directory = Member.objects.directory({"cluster": ["literacy"]})

    assert [m.name for m in directory.queryset()] == ["Nakuru"]
    summary = directory.summary()
    assert summary["count"] == 1
    # The other clusters count what choosing them too would give.
    assert counts(summary) == {"literacy": 1, "health-and-well-being": 2}
    assert counts(summary, "country") == {"KE": 1}


def test_cluster_facet_is_as_of_the_directory_date(cities):
    # Lyon was in the literacy cluster from 1 June 2023 to 29 February 2024.
    on = Member.objects.directory({"cluster": ["literacy"], "as_of": dt.date(2024, 2, 29)})
    after = Member.objects.directory({"cluster": ["literacy"], "as_of": dt.date(2024, 3, 1)})

    assert [m.name for m in on.queryset()] == ["Lyon", "Nakuru"]
    assert [m.name for m in after.queryset()] == ["Nakuru"]
    assert counts(on.summary())["literacy"] == 2


def test_cluster_counts_follow_the_other_facets(cities):
    summary = Member.objects.directory({"country": ["FR"]}).summary()

    assert counts(summary) == {"health-and-well-being": 1}


def test_directory_page_shows_the_cluster_facet_and_follows_a_new_stay(client, cities):
    url = reverse("cities:directory") + "?cluster=health-and-well-being"
    first = client.get(url)
    literacy = cities["nakuru"].coordinated_clusters.get()
    stay(literacy, cities["kisumu"], joined=dt.date(2024, 1, 1))
    second = client.get(reverse("cities:directory") + "?cluster=literacy")

    assert first.status_code == 200
    assert [row["name"] for row in first.context["page"]] == ["Kisumu", "Lyon"]
    assert 'name="cluster"' in first.content.decode() or "cluster=literacy" in (
        first.content.decode()
    )
    # The cached page follows the cluster's change (the data revision is bumped).
    assert [row["name"] for row in second.context["page"]] == ["Kisumu", "Nakuru"]


def test_invalid_cluster_value_is_an_error(client, cities):
    response = client.get(reverse("cities:directory") + "?cluster=not%20a%20slug")

    assert response.status_code == 400
