import datetime as dt

import pytest

from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.clusters.tests.factories import make_cluster
from gnlc.news.tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def test_stats_history(client):
    cohort = CohortFactory(year=2020, announced_on=dt.date(2020, 9, 23))
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)

    response = client.get("/api/v1/stats/history")

    assert response.status_code == 200
    row = response.json()[0]
    assert {k: row[k] for k in row if k != "regions"} == {
        "year": 2020,
        "as_of": "2020-09-23",
        "members": 1,
        "countries": 1,
        "new_members": 1,
        "new_countries": 1,
        "first_time_countries": ["KE"],
        "departures": 0,
    }
    assert row["regions"][0] == {"slug": "africa", "name": "Africa", "members": 1, "countries": 1}


def test_stats_history_as_of_before_every_cohort_is_empty(client):
    CohortFactory(year=2020, announced_on=dt.date(2020, 9, 23))

    assert client.get("/api/v1/stats/history?as_of=2019-01-01").json() == []


def test_news_lists_published_posts_filtered(client):
    PostFactory(title="Nouvelles", language="fr", regions=["africa"])
    PostFactory(title="News", language="en")
    PostFactory(title="Draft", published_at=None)

    body = client.get("/api/v1/news?language=fr&region=africa").json()

    assert [(post["title"], post["regions"]) for post in body] == [("Nouvelles", ["africa"])]
    assert body[0]["web_url"] == "http://testserver/news/nouvelles/"


def test_news_unknown_region_is_422_in_the_error_shape(client, db):
    response = client.get("/api/v1/news?region=atlantis")

    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {
            "field": "region",
            "message": "Input should be 'africa', 'arab-states', 'asia-and-the-pacific', "
            "'europe-and-north-america' or 'latin-america-and-the-caribbean'",
        }
    ]


def test_news_carry_their_clusters_and_filter_by_one(client):
    literacy = make_cluster("literacy")
    reading = PostFactory(title="Reading week")
    reading.clusters.set([literacy, make_cluster("health-and-well-being")])
    PostFactory(title="Network news")

    everything = client.get("/api/v1/news").json()
    body = client.get("/api/v1/news?cluster=literacy").json()

    assert {post["title"]: post["clusters"] for post in everything} == {
        "Reading week": ["health-and-well-being", "literacy"],
        "Network news": [],
    }
    assert [post["title"] for post in body] == ["Reading week"]
    assert client.get("/api/v1/news?cluster=atlantis").json() == []
