"""Clusters in the API and the downloads: `/api/v1/clusters` (members on a date), a
member's `clusters`, the members' `cluster` filter and facet, and the exports."""

import csv
import io
import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def by_slug(body):
    return {row["slug"]: row for row in body}


def test_clusters_endpoint_lists_members_on_a_date(client, cities, django_assert_num_queries):
    with django_assert_num_queries(3):  # the clusters, their coordinating cities, stays
        today = client.get("/api/v1/clusters").json()
    then = client.get("/api/v1/clusters", {"as_of": "2024-02-29"}).json()

    assert {row["slug"] for row in today} == {"literacy", "health-and-well-being"}
    assert by_slug(today)["literacy"]["members"] == ["nakuru"]
    assert by_slug(then)["literacy"]["members"] == ["lyon", "nakuru"]
    assert by_slug(then)["literacy"]["coordinating_cities"] == ["nakuru"]
    assert by_slug(today)["literacy"]["web_url"].endswith("/clusters/literacy/")


def test_clusters_endpoint_rejects_a_bad_date(client, cities):
    assert client.get("/api/v1/clusters", {"as_of": "2024-02-30"}).status_code == 422


def test_members_carry_their_clusters_and_filter_by_one(client, cities):
    today = client.get("/api/v1/members", {"cluster": "literacy"}).json()
    then = client.get("/api/v1/members", {"cluster": "literacy", "as_of": "2024-02-29"}).json()
    detail = client.get("/api/v1/members/lyon").json()

    assert [(m["slug"], m["clusters"]) for m in today["results"]] == [("nakuru", ["literacy"])]
    assert {m["slug"]: sorted(m["clusters"]) for m in then["results"]} == {
        "lyon": ["health-and-well-being", "literacy"],
        "nakuru": ["literacy"],
    }
    facet = {row["value"]: row["count"] for row in today["facets"]["cluster"]}
    assert facet == {"literacy": 1, "health-and-well-being": 2}
    assert detail["clusters"] == ["health-and-well-being"]


def test_members_cluster_filter_must_be_a_slug(client, cities):
    assert client.get("/api/v1/members", {"cluster": "no slug"}).status_code == 422


@pytest.mark.parametrize("chunk", [1, 2000])
def test_downloads_carry_the_clusters_on_their_date(client, cities, monkeypatch, chunk):
    # Read a chunk of members at a time, each chunk's clusters in a query of their own:
    # one member a chunk, every member's clusters still come with it.
    monkeypatch.setattr("gnlc.cities.exports.CHUNK", chunk)
    url = reverse("cities:download", args=["csv"])
    rows = list(csv.DictReader(io.StringIO(client.get(url).getvalue().decode())))
    then = json.loads(
        client.get(reverse("cities:download", args=["json"]), {"as_of": "2024-02-29"}).getvalue()
    )
    geo = json.loads(client.get(reverse("cities:download", args=["geojson"])).getvalue())

    assert {row["slug"]: row["clusters"] for row in rows} == {
        "kisumu": "health-and-well-being",
        "lyon": "health-and-well-being",
        "nakuru": "literacy",
    }
    assert {m["slug"]: sorted(m["clusters"]) for m in then["members"]}["lyon"] == [
        "health-and-well-being",
        "literacy",
    ]
    assert {f["id"]: f["properties"]["clusters"] for f in geo["features"]}["nakuru"] == ["literacy"]
