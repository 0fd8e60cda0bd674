import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gnlc.cities.enums import EventKind
from gnlc.cities.models import Cohort, Member
from gnlc.cities.stats import (
    active_by_country,
    admissions_by_cohort,
    departures,
    history,
    network_stats,
    region_counts,
)
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """2019 (year only): Nakuru. 2020: Aswan, Bristol. 2022: Mombasa, Cao Lãnh.
    Bristol withdraws in 2021, Aswan in 2023, Nakuru is suspended in 2022."""
    c2019 = CohortFactory(year=2019, announced_on=None)
    c2020 = CohortFactory(year=2020, announced_on=dt.date(2020, 9, 23))
    c2022 = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    nakuru = MemberFactory(name="Nakuru", country_id="KE", cohort=c2019)
    aswan = MemberFactory(name="Aswan", country_id="EG", cohort=c2020)
    bristol = MemberFactory(name="Bristol", country_id="GB", cohort=c2020)
    MemberFactory(name="Mombasa", country_id="KE", cohort=c2022)
    MemberFactory(name="Cao Lãnh", country_id="VN", cohort=c2022)
    bristol.record_event(EventKind.WITHDRAWN, on=dt.date(2021, 5, 1))
    nakuru.record_event(EventKind.SUSPENDED, on=dt.date(2022, 1, 10))
    aswan.record_event(EventKind.WITHDRAWN, on=dt.date(2023, 1, 1))


def test_history_rows_as_of_each_announcement(network):
    rows = history()

    assert [
        (
            r["year"],
            r["as_of"],
            r["members"],
            r["countries"],
            r["new_members"],
            r["new_countries"],
            r["first_time_countries"],
            r["departures"],
        )
        for r in rows
    ] == [
        (2019, dt.date(2019, 12, 31), 1, 1, 1, 1, ["KE"], 0),
        (2020, dt.date(2020, 9, 23), 3, 3, 2, 2, ["EG", "GB"], 0),
        (2022, dt.date(2022, 9, 2), 3, 3, 2, 2, ["VN"], 1),
    ]


def test_history_figures_equal_the_as_of_queries(network):
    for row in history():
        active = Member.objects.active_on(row["as_of"])
        assert row["members"] == active.count()
        assert row["countries"] == active.values("country").distinct().count()
        for region in row["regions"]:
            in_region = active.filter(country__region=region["slug"])
            assert region["members"] == in_region.count()
            assert region["countries"] == in_region.values("country").distinct().count()


def test_history_stops_at_as_of(network):
    assert [row["year"] for row in history(dt.date(2021, 1, 1))] == [2019, 2020]


def test_history_is_kept_until_the_data_change(network, django_assert_num_queries):
    first = history()
    with django_assert_num_queries(1):  # the data revision, which keys the rows
        assert history() == first

    MemberFactory(name="Jena", country_id="DE", cohort=Cohort.objects.get(year=2022))

    latest = history()[-1]
    assert (latest["members"], latest["new_members"]) == (
        first[-1]["members"] + 1,
        first[-1]["new_members"] + 1,
    )


def test_history_names_the_regions_in_the_active_language(network):
    def africa(rows):
        return next(r["name"] for r in rows[0]["regions"] if r["slug"] == "africa")

    assert africa(history()) == "Africa"
    with translation.override("fr"):
        assert africa(history()) == "Afrique"
    assert africa(history(dt.date(2021, 1, 1))) == "Africa"


def test_network_figures_are_kept_until_the_data_change(network, django_assert_num_queries):
    first, regions = network_stats(), region_counts()
    with django_assert_num_queries(2):  # the data revision, which keys each
        assert (network_stats(), region_counts()) == (first, regions)
    assert first["members"] == Member.objects.active_on(None).count() == 2

    MemberFactory(name="Jena", country_id="DE", cohort=Cohort.objects.get(year=2022))

    latest = network_stats()
    assert (latest["members"], latest["countries"]) == (3, 3)
    assert latest["cohorts"][-1] == {"year": 2022, "members": 3}
    europe = next(r for r in region_counts() if r["slug"] == "europe-and-north-america")
    assert (europe["members"], europe["countries"]) == (1, 1)
    # Each date is kept apart: on 2021-01-01, Bristol had not yet withdrawn.
    assert network_stats(dt.date(2021, 1, 1))["members"] == 3
    assert network_stats(dt.date(2023, 6, 1))["withdrawn"] == 2


def test_counts_by_cohort_and_country_are_kept_until_the_data_change(network):
    admissions, countries = admissions_by_cohort(), active_by_country()
    assert admissions[2022] == {"members": 2, "countries": 2}
    assert countries == {"KE": 1, "VN": 1}  # Nakuru suspended, Aswan and Bristol gone
    assert active_by_country(dt.date(2021, 1, 1)) == {"EG": 1, "GB": 1, "KE": 1}
    with CaptureQueriesContext(connection) as read:
        assert (admissions_by_cohort(), active_by_country()) == (admissions, countries)
    # The data revision, which keys each (uncached, each is one grouped query: two too).
    assert [query["sql"].count("cities_datarevision") for query in read] == [1, 1]

    MemberFactory(name="Jena", country_id="DE", cohort=Cohort.objects.get(year=2022))

    assert admissions_by_cohort()[2022] == {"members": 3, "countries": 3}
    assert active_by_country() == {"DE": 1, "KE": 1, "VN": 1}


def test_network_figures_name_the_regions_in_the_active_language(network):
    def africa(regions):
        return next(r["name"] for r in regions if r["slug"] == "africa")

    with translation.override("fr"):  # computed, and kept, in French
        assert africa(network_stats()["regions"]) == africa(region_counts()) == "Afrique"
    assert africa(network_stats()["regions"]) == africa(region_counts()) == "Africa"


def test_departures_lists_withdrawals_by_date(network):
    rows = departures(dt.date(2022, 12, 31))

    assert [(r["member"].name, r["date"]) for r in rows] == [("Bristol", "2021-05-01")]


def test_statistics_page_has_every_chart_with_its_table(client, network):
    response = client.get(reverse("cities:statistics"))

    content = response.content.decode()
    for chart in ("growth", "network", "cohorts", "departures"):
        assert f'data-chart="{chart}-data"' in content
        assert f'id="{chart}-data" type="application/json"' in content
    series = {s["name"]: s for s in response.context["history_series"]}
    assert series["network"]["chart"]["datasets"][0]["data"] == [1, 3, 3]
    assert series["departures"]["chart"]["datasets"][0]["data"] == [0, 0, 1]


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (
            "network",
            "year,as_of,members,countries\n2019,2019-12-31,1,1\n2020,2020-09-23,3,3\n",
        ),
        (
            "cohorts",
            "year,as_of,new_members,new_countries,first_time_countries,first_time_country_codes\n"
            "2019,2019-12-31,1,1,1,KE\n2020,2020-09-23,2,2,2,EG GB\n",
        ),
        (
            "departures",
            "year,as_of,departures_since_previous\n2019,2019-12-31,0\n2020,2020-09-23,0\n",
        ),
    ],
)
def test_statistics_series_csv(client, network, series, expected):
    response = client.get(
        reverse("cities:statistics-series-csv", args=[series]), {"as_of": "2021-06-01"}
    )

    assert response.status_code == 200
    assert response.content.decode() == expected


def test_statistics_regions_csv_has_a_row_per_region_and_announcement(client, network):
    response = client.get(reverse("cities:statistics-series-csv", args=["regions"]))

    lines = response.content.decode().splitlines()
    assert lines[0] == "year,as_of,region,members,countries"
    assert len(lines) == 1 + 3 * 5
    assert "2022,2022-09-02,africa,1,1" in lines  # Mombasa; Nakuru is suspended


def test_statistics_series_unknown_is_404(client, db):
    assert client.get(reverse("cities:statistics-series-csv", args=["nope"])).status_code == 404
