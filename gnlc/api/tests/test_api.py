import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory

from gnlc.api.api import api
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Country
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

API_MD = Path(settings.BASE_DIR).parent / "docs" / "api.md"
BASE = "http://testserver/api/v1"


def country(iso2):
    return Country.objects.get(iso2=iso2)


@pytest.fixture
def network(db):
    """Five members in four countries and three cohorts (2019 known only to the year):
    Bristol suspended in 2021, Aswan withdrawn in 2023."""
    c2019 = CohortFactory(year=2019, announced_on=None)
    c2020 = CohortFactory(year=2020, source_url="https://example.org/2020")
    c2022 = CohortFactory(year=2022, announced_members=77, announced_countries=44)
    members = {
        "cao": MemberFactory(name="Cao Lãnh", country=country("VN"), cohort=c2019),
        "nakuru": MemberFactory(name="Nakuru", cohort=c2020),
        "bristol": MemberFactory(name="Bristol", country=country("GB"), cohort=c2020),
        "mombasa": MemberFactory(name="Mombasa", cohort=c2022),
        "aswan": MemberFactory(name="Aswan", country=country("EG"), cohort=c2022),
    }
    members["bristol"].record_event(EventKind.SUSPENDED, on=dt.date(2021, 3, 1))
    members["aswan"].record_event(EventKind.WITHDRAWN, on=dt.date(2023, 5, 1))
    return members


def names(response):
    return [m["name"] for m in response.json()["results"]]


REGIONS = (
    "Input should be 'africa', 'arab-states', 'asia-and-the-pacific', "
    "'europe-and-north-america' or 'latin-america-and-the-caribbean'"
)


def error(status, code, message, details=()):
    return {"error": {"status": status, "code": code, "message": message, "details": list(details)}}


@pytest.fixture(scope="module")
def openapi():
    """The OpenAPI document as clients read it (JSON: status codes are strings)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), default=str))


# members ---------------------------------------------------------------------------


def test_members_lists_every_member_on_record_by_name(client, network):
    response = client.get("/api/v1/members")

    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, 1, 50, 1)
    assert (body["next"], body["previous"]) == (None, None)
    assert names(response) == ["Aswan", "Bristol", "Cao Lãnh", "Mombasa", "Nakuru"]
    assert [m["status"] for m in body["results"]] == [
        "withdrawn",
        "suspended",
        "active",
        "active",
        "active",
    ]
    assert response["Cache-Control"] == "public, max-age=60"


def test_members_item_has_every_field(client, network):
    response = client.get("/api/v1/members", {"q": "Nakuru"})

    assert response.json()["results"] == [
        {
            "slug": "nakuru",
            "name": "Nakuru",
            "kind": "city",
            "country": {"iso2": "KE", "name": "Kenya"},
            "region": {"slug": "africa", "name": "Africa"},
            "subdivision": "",
            "cohort": 2020,
            "admitted_on": "2020-09-02",
            "member_by": None,
            "status": "active",
            "clusters": [],
            "latitude": -1.28,
            "longitude": 36.82,
            "url": f"{BASE}/members/nakuru",
            "web_url": "http://testserver/members/nakuru/",
        }
    ]


def test_members_year_only_admission_has_no_date(client, network):
    response = client.get("/api/v1/members", {"q": "cao"})

    assert [(m["cohort"], m["admitted_on"]) for m in response.json()["results"]] == [(2019, None)]


def test_members_facets_count_each_value(client, network):
    response = client.get("/api/v1/members")

    assert response.json()["facets"] == {
        "region": [
            {"value": "africa", "label": "Africa", "count": 2},
            {"value": "arab-states", "label": "Arab States", "count": 1},
            {"value": "asia-and-the-pacific", "label": "Asia and the Pacific", "count": 1},
            {"value": "europe-and-north-america", "label": "Europe and North America", "count": 1},
        ],
        "country": [
            {"value": "EG", "label": "Egypt", "count": 1},
            {"value": "KE", "label": "Kenya", "count": 2},
            {
                "value": "GB",
                "label": "United Kingdom of Great Britain and Northern Ireland",
                "count": 1,
            },
            {"value": "VN", "label": "Viet Nam", "count": 1},
        ],
        "cohort": [
            {"value": 2019, "label": "2019", "count": 1},
            {"value": 2020, "label": "2020", "count": 2},
            {"value": 2022, "label": "2022", "count": 2},
        ],
        "status": [
            {"value": "active", "label": "Active", "count": 3},
            {"value": "suspended", "label": "Suspended", "count": 1},
            {"value": "withdrawn", "label": "Withdrawn", "count": 1},
        ],
        "cluster": [],
    }


def test_members_facets_follow_the_filters(client, network):
    response = client.get("/api/v1/members", {"region": "africa"})

    facets = response.json()["facets"]
    assert facets["cohort"] == [
        {"value": 2020, "label": "2020", "count": 1},
        {"value": 2022, "label": "2022", "count": 1},
    ]
    assert facets["country"] == [{"value": "KE", "label": "Kenya", "count": 2}]


def test_members_facet_with_a_chosen_value_counts_its_alternatives(client, network):
    response = client.get("/api/v1/members", {"country": ["KE"], "cohort": "2022"})

    facets = response.json()["facets"]
    assert names(response) == ["Mombasa"]
    # Countries over the cohort filter alone: what adding each would bring.
    assert facets["country"] == [
        {"value": "EG", "label": "Egypt", "count": 1},
        {"value": "KE", "label": "Kenya", "count": 1},
    ]
    assert facets["cohort"] == [
        {"value": 2020, "label": "2020", "count": 1},
        {"value": 2022, "label": "2022", "count": 1},
    ]


def test_members_labels_are_english_whatever_the_language(client, network):
    response = client.get("/api/v1/members", {"q": "aswan"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.json()["facets"]["status"] == [
        {"value": "withdrawn", "label": "Withdrawn", "count": 1}
    ]
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "africa"}, ["Mombasa", "Nakuru"]),
        ({"country": "KE"}, ["Mombasa", "Nakuru"]),
        ({"country": "ke"}, ["Mombasa", "Nakuru"]),
        ({"cohort": "2020"}, ["Bristol", "Nakuru"]),
        ({"status": "suspended"}, ["Bristol"]),
        ({"q": "LANH"}, ["Cao Lãnh"]),
        ({"q": "lãnh"}, ["Cao Lãnh"]),
        ({"region": "africa", "cohort": "2022"}, ["Mombasa"]),
        # A facet's values are alternatives: any of them matches.
        ({"country": ["ke", "VN"]}, ["Cao Lãnh", "Mombasa", "Nakuru"]),
        ({"cohort": ["2020", "2022"], "region": "africa"}, ["Mombasa", "Nakuru"]),
        ({"status": ["suspended", "withdrawn"]}, ["Aswan", "Bristol"]),
        ({"sort": "-name"}, ["Nakuru", "Mombasa", "Cao Lãnh", "Bristol", "Aswan"]),
        ({"sort": "cohort"}, ["Cao Lãnh", "Bristol", "Nakuru", "Aswan", "Mombasa"]),
    ],
)
def test_members_filters(client, network, params, expected):
    response = client.get("/api/v1/members", params)

    assert response.status_code == 200
    assert names(response) == expected
    assert response.json()["count"] == len(expected)


def test_members_as_of_shows_status_on_that_date(client, network):
    response = client.get("/api/v1/members", {"as_of": "2023-06-01", "q": "aswan"})

    assert [(m["name"], m["status"]) for m in response.json()["results"]] == [
        ("Aswan", "withdrawn")
    ]


def test_members_as_of_active_leaves_out_members_withdrawn_before(client, network):
    before = client.get("/api/v1/members", {"as_of": "2023-04-30", "status": "active"})
    after = client.get("/api/v1/members", {"as_of": "2023-06-01", "status": "active"})

    assert names(before) == ["Aswan", "Cao Lãnh", "Mombasa", "Nakuru"]
    assert names(after) == ["Cao Lãnh", "Mombasa", "Nakuru"]


def test_members_as_of_before_admission_leaves_member_out(client, network):
    response = client.get("/api/v1/members", {"as_of": "2022-01-01"})

    assert names(response) == ["Bristol", "Cao Lãnh", "Nakuru"]
    assert response.json()["facets"]["status"] == [
        {"value": "active", "label": "Active", "count": 2},
        {"value": "suspended", "label": "Suspended", "count": 1},
    ]


def test_members_year_only_admission_counts_from_31_december(client, network):
    on_30 = client.get("/api/v1/members", {"as_of": "2019-12-30"})
    on_31 = client.get("/api/v1/members", {"as_of": "2019-12-31"})

    assert names(on_30) == []
    assert names(on_31) == ["Cao Lãnh"]


def test_members_pagination_links(client, network):
    response = client.get("/api/v1/members", {"page_size": 2, "page": 2, "sort": "name"})

    body = response.json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, 2, 2, 3)
    assert names(response) == ["Cao Lãnh", "Mombasa"]
    assert body["next"] == f"{BASE}/members?page_size=2&page=3&sort=name"
    assert body["previous"] == f"{BASE}/members?page_size=2&page=1&sort=name"


def test_members_last_page_has_no_next(client, network):
    response = client.get("/api/v1/members", {"page_size": 2, "page": 3})

    assert names(response) == ["Nakuru"]
    assert response.json()["next"] is None


def test_members_empty_result_is_one_empty_page(client, network):
    response = client.get("/api/v1/members", {"q": "atlantis"})

    body = response.json()
    assert (body["count"], body["pages"], body["results"]) == (0, 1, [])


def test_members_page_out_of_range_is_404(client, network):
    response = client.get("/api/v1/members", {"page_size": 2, "page": 4})

    assert response.status_code == 404
    assert response.json() == error(
        404,
        "not_found",
        "Page 4 does not exist: there are 3 page(s) of 2.",
        [{"field": "page", "message": "Choose a page from 1 to 3."}],
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"page_size": "501"}, "page_size", "Input should be less than or equal to 500"),
        ({"page": "0"}, "page", "Input should be greater than or equal to 1"),
        ({"status": "gone"}, "status", "Input should be 'active', 'suspended' or 'withdrawn'"),
        (
            {"status": ["active", "gone"]},
            "status",
            "Input should be 'active', 'suspended' or 'withdrawn'",
        ),
        (
            {"cohort": "soon"},
            "cohort",
            "Input should be a cohort's year or 'unknown'",
        ),
        (
            {"as_of": "2023-02-30"},
            "as_of",
            "Input should be a valid date or datetime, day value is outside expected range",
        ),
        ({"region": "atlantis"}, "region", REGIONS),
        ({"cohort": "1999"}, "cohort", "Input should be greater than or equal to 2000"),
        ({"cohort": "2101"}, "cohort", "Input should be less than or equal to 2100"),
        (
            {"cohort": "2022.0"},
            "cohort",
            "Input should be a cohort's year or 'unknown'",
        ),
        ({"country": "KEN"}, "country", "String should have at most 2 characters"),
        ({"country": "K1"}, "country", "String should match pattern '^[A-Za-z]{2}$'"),
        ({"region": ["africa", "atlantis"]}, "region", REGIONS),
        ({"q": "x" * 101}, "q", "String should have at most 100 characters"),
    ],
)
def test_members_invalid_parameter_is_422(client, network, params, field, message):
    response = client.get("/api/v1/members", params)

    assert response.status_code == 422
    assert response.json() == error(
        422,
        "validation_error",
        "The request's parameters are not valid.",
        [{"field": field, "message": message}],
    )


def test_member_detail(client, network):
    response = client.get("/api/v1/members/bristol")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("slug", "name", "status", "cohort", "admitted_on")} == {
        "slug": "bristol",
        "name": "Bristol",
        "status": "suspended",
        "cohort": 2020,
        "admitted_on": "2020-09-02",
    }
    assert {k: body[k] for k in ("population", "website", "mayor", "profile", "source_url")} == {
        "population": None,
        "website": "",
        "mayor": "",
        "profile": "",
        "source_url": "",
    }
    assert body["country"] == {
        "iso2": "GB",
        "name": "United Kingdom of Great Britain and Northern Ireland",
    }
    assert body["events"] == [
        {
            "kind": "admitted",
            "date": "2020-09-02",
            "year": 2020,
            "precision": "day",
            "effective_on": "2020-09-02",
            "cohort": 2020,
            "note": "",
            "source_url": "",
        },
        {
            "kind": "suspended",
            "date": "2021-03-01",
            "year": 2021,
            "precision": "day",
            "effective_on": "2021-03-01",
            "cohort": None,
            "note": "",
            "source_url": "",
        },
    ]


def test_member_detail_year_only_event(client, network):
    response = client.get("/api/v1/members/cao-lanh")

    assert response.json()["events"] == [
        {
            "kind": "admitted",
            "date": None,
            "year": 2019,
            "precision": "year",
            "effective_on": "2019-12-31",
            "cohort": 2019,
            "note": "",
            "source_url": "",
        },
    ]


def test_member_detail_unknown_slug_is_404(client, network):
    response = client.get("/api/v1/members/atlantis")

    assert response.status_code == 404
    assert response.json() == error(404, "not_found", "No member has the slug 'atlantis'.")


def test_member_detail_never_admitted_is_404(client, db):
    MemberFactory(name="Applicant City", cohort=False)

    response = client.get("/api/v1/members/applicant-city")

    assert response.status_code == 404


# countries, regions, cohorts, stats --------------------------------------------------


def test_countries_lists_all_with_active_members(client, network):
    response = client.get("/api/v1/countries")

    assert response.status_code == 200
    body = response.json()
    assert len(body) == 196
    by_code = {c["iso2"]: c for c in body}
    assert by_code["KE"] == {
        "iso2": "KE",
        "iso3": "KEN",
        "name": "Kenya",
        "region": {"slug": "africa", "name": "Africa"},
        "members": 2,
        "url": f"{BASE}/countries/KE",
        "members_url": f"{BASE}/members?country=KE",
        "web_url": "http://testserver/countries/ke/",
    }
    assert {code: by_code[code]["members"] for code in ("VN", "GB", "EG", "BR")} == {
        "VN": 1,
        "GB": 0,
        "EG": 0,
        "BR": 0,
    }
    assert body[0]["name"] == "Afghanistan"
    assert response["Cache-Control"] == "public, max-age=60"


def test_countries_as_of(client, network):
    response = client.get("/api/v1/countries", {"as_of": "2023-01-01"})

    by_code = {c["iso2"]: c for c in response.json()}
    assert {code: by_code[code]["members"] for code in ("KE", "VN", "GB", "EG")} == {
        "KE": 2,
        "VN": 1,
        "GB": 0,
        "EG": 1,
    }
    assert by_code["EG"]["members_url"] == f"{BASE}/members?country=EG&as_of=2023-01-01"


@pytest.mark.parametrize("code", ["KE", "ke"])
def test_country_detail(client, network, code):
    response = client.get(f"/api/v1/countries/{code}")

    assert response.status_code == 200
    assert response.json()["iso3"] == "KEN"
    assert response.json()["members"] == 2


def test_country_detail_as_of(client, network):
    response = client.get("/api/v1/countries/KE", {"as_of": "2021-01-01"})

    assert response.json()["members"] == 1


def test_country_detail_unknown_is_404(client, network):
    response = client.get("/api/v1/countries/ZZ")

    assert response.status_code == 404
    assert response.json() == error(404, "not_found", "No country has the ISO code 'ZZ'.")


def test_regions_in_unesco_order_with_counts(client, network):
    response = client.get("/api/v1/regions")

    assert response.status_code == 200
    assert [(r["slug"], r["name"], r["members"], r["countries"]) for r in response.json()] == [
        ("africa", "Africa", 2, 1),
        ("arab-states", "Arab States", 0, 0),
        ("asia-and-the-pacific", "Asia and the Pacific", 1, 1),
        ("europe-and-north-america", "Europe and North America", 0, 0),
        ("latin-america-and-the-caribbean", "Latin America and the Caribbean", 0, 0),
    ]
    assert response.json()[0]["members_url"] == f"{BASE}/members?region=africa"
    assert response.json()[0]["web_url"] == "http://testserver/regions/africa/"


def test_regions_as_of(client, network):
    response = client.get("/api/v1/regions", {"as_of": "2023-01-01"})

    assert [(r["slug"], r["members"]) for r in response.json()] == [
        ("africa", 2),
        ("arab-states", 1),
        ("asia-and-the-pacific", 1),
        ("europe-and-north-america", 0),
        ("latin-america-and-the-caribbean", 0),
    ]


def test_cohorts_list(client, network):
    response = client.get("/api/v1/cohorts")

    assert response.status_code == 200
    assert response.json() == [
        {
            "year": 2019,
            "announced_on": None,
            "source_url": "",
            "announced_members": None,
            "announced_countries": None,
            "new_members": 1,
            "new_countries": 1,
            "url": f"{BASE}/cohorts/2019",
        },
        {
            "year": 2020,
            "announced_on": "2020-09-02",
            "source_url": "https://example.org/2020",
            "announced_members": None,
            "announced_countries": None,
            "new_members": 2,
            "new_countries": 2,
            "url": f"{BASE}/cohorts/2020",
        },
        {
            "year": 2022,
            "announced_on": "2022-09-02",
            "source_url": "",
            "announced_members": 77,
            "announced_countries": 44,
            "new_members": 2,
            "new_countries": 2,
            "url": f"{BASE}/cohorts/2022",
        },
    ]


def test_cohort_detail(client, network):
    response = client.get("/api/v1/cohorts/2022")

    assert response.status_code == 200
    body = response.json()
    members = body.pop("members")
    assert body == {
        "year": 2022,
        "announced_on": "2022-09-02",
        "source_url": "",
        "announced_members": 77,
        "announced_countries": 44,
        "new_members": 2,
        "new_countries": 2,
        "url": f"{BASE}/cohorts/2022",
        "effective_on": "2022-09-02",
        "first_time_countries": [{"iso2": "EG", "name": "Egypt"}],
        "total_members": 4,
        "total_countries": 3,
    }
    assert [(m["name"], m["status"]) for m in members] == [
        ("Aswan", "withdrawn"),
        ("Mombasa", "active"),
    ]


def test_cohort_detail_year_only_totals_as_of_31_december(client, network):
    response = client.get("/api/v1/cohorts/2019")

    body = response.json()
    assert (body["effective_on"], body["total_members"], body["total_countries"]) == (
        "2019-12-31",
        1,
        1,
    )
    assert body["first_time_countries"] == [{"iso2": "VN", "name": "Viet Nam"}]


def test_cohort_detail_unknown_is_404(client, network):
    response = client.get("/api/v1/cohorts/2030")

    assert response.status_code == 404
    assert response.json() == error(404, "not_found", "There is no cohort of 2030.")


def test_cohort_detail_year_outside_the_cohorts_years_is_422(client, network):
    response = client.get("/api/v1/cohorts/1990")

    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {"field": "year", "message": "Input should be greater than or equal to 2000"}
    ]


def test_cohort_detail_year_not_a_number_is_422(client, network):
    response = client.get("/api/v1/cohorts/next")

    assert response.status_code == 422
    assert response.json()["error"]["details"] == [
        {
            "field": "year",
            "message": "Input should be a valid integer, unable to parse string as an integer",
        }
    ]


def test_stats_as_of(client, network):
    response = client.get("/api/v1/stats", {"as_of": "2023-06-01"})

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("as_of", "members", "countries", "suspended", "withdrawn")} == {
        "as_of": "2023-06-01",
        "members": 3,
        "countries": 2,
        "suspended": 1,
        "withdrawn": 1,
    }
    assert [(r["slug"], r["members"], r["countries"]) for r in body["regions"]] == [
        ("africa", 2, 1),
        ("arab-states", 0, 0),
        ("asia-and-the-pacific", 1, 1),
        ("europe-and-north-america", 0, 0),
        ("latin-america-and-the-caribbean", 0, 0),
    ]
    assert body["cohorts"] == [
        {"year": 2019, "members": 1},
        {"year": 2020, "members": 1},
        {"year": 2022, "members": 1},
    ]


def test_stats_before_a_cohort_leaves_it_out(client, network):
    response = client.get("/api/v1/stats", {"as_of": "2021-06-01"})

    body = response.json()
    assert (body["members"], body["countries"], body["suspended"]) == (2, 2, 1)
    assert body["cohorts"] == [{"year": 2019, "members": 1}, {"year": 2020, "members": 1}]


def test_stats_invalid_date_is_422(client, db):
    response = client.get("/api/v1/stats", {"as_of": "yesterday"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert [d["field"] for d in response.json()["error"]["details"]] == ["as_of"]


# errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nope", "/api/v1/members/nakuru/events", "/api/v2/members", "/api/", "/api/v1/"],
)
def test_unknown_route_is_404_in_error_shape(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == error(404, "not_found", f"There is no API endpoint at {path}.")


def test_unknown_route_post_is_404_not_csrf_failure(client, db):
    response = client.post("/api/v1/nope", enforce_csrf_checks=True)

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_are_405_in_error_shape(client, db, method):
    response = getattr(client, method)("/api/v1/members")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == error(
        405, "method_not_allowed", f"Method {method.upper()} is not allowed here; use GET."
    )


def test_unexpected_error_is_500_without_internals(db, caplog):
    request = RequestFactory().get("/api/v1/stats")

    response = api.on_exception(request, RuntimeError("password=hunter2 at db.internal"))

    assert response.status_code == 500
    assert response.content.decode() == (
        '{"error": {"status": 500, "code": "server_error", '
        '"message": "Internal server error.", "details": []}}'
    )
    assert "hunter2" in caplog.text  # logged for us, not sent to the client


# the contract: OpenAPI, docs/api.md, schemas ---------------------------------------


def test_openapi_document_is_served(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    body = response.json()
    assert (body["info"]["title"], body["info"]["version"]) == ("GNLC API", "1")
    assert sorted(body["paths"]) == [
        "/api/v1/clusters",
        "/api/v1/cohorts",
        "/api/v1/cohorts/{year}",
        "/api/v1/countries",
        "/api/v1/countries/{iso2}",
        "/api/v1/documents",
        "/api/v1/members",
        "/api/v1/members/{slug}",
        "/api/v1/news",
        "/api/v1/practices",
        "/api/v1/practices/{slug}",
        "/api/v1/regions",
        "/api/v1/stats",
        "/api/v1/stats/history",
    ]


def test_openapi_documents_error_shape_on_every_operation(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for status in ("404", "422", "429"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def test_every_route_is_documented_in_api_md(openapi):
    documented = API_MD.read_text(encoding="utf-8")

    missing = [
        f"{method.upper()} {path}"
        for path, operations in openapi["paths"].items()
        for method in operations
        if f"{method.upper()} {path}" not in documented
    ]
    assert missing == []


def test_every_query_parameter_is_documented_in_api_md(openapi):
    documented = API_MD.read_text(encoding="utf-8")

    missing = sorted(
        {
            param["name"]
            for operations in openapi["paths"].values()
            for operation in operations.values()
            for param in operation.get("parameters", [])
            if param["in"] == "query" and f"`{param['name']}`" not in documented
        }
    )
    assert missing == []


def validate(openapi, path, status, body):
    schema = openapi["paths"][path]["get"]["responses"][str(status)]["content"]["application/json"][
        "schema"
    ]
    jsonschema.validate(
        body,
        {**schema, "components": openapi["components"]},
        cls=jsonschema.Draft202012Validator,
    )


@pytest.mark.parametrize(
    ("template", "url"),
    [
        ("/api/v1/members", "/api/v1/members?as_of=2023-06-01"),
        ("/api/v1/members/{slug}", "/api/v1/members/cao-lanh"),
        ("/api/v1/countries", "/api/v1/countries"),
        ("/api/v1/countries/{iso2}", "/api/v1/countries/KE"),
        ("/api/v1/regions", "/api/v1/regions"),
        ("/api/v1/cohorts", "/api/v1/cohorts"),
        ("/api/v1/cohorts/{year}", "/api/v1/cohorts/2022"),
        ("/api/v1/stats", "/api/v1/stats"),
        ("/api/v1/stats/history", "/api/v1/stats/history"),
        ("/api/v1/news", "/api/v1/news"),
        ("/api/v1/clusters", "/api/v1/clusters?as_of=2024-01-01"),
    ],
)
def test_every_endpoint_matches_its_openapi_schema(client, network, openapi, template, url):
    response = client.get(url)

    assert response.status_code == 200
    validate(openapi, template, 200, response.json())


def test_every_openapi_path_has_a_schema_test(openapi):
    tested = {
        "/api/v1/members",
        "/api/v1/members/{slug}",
        "/api/v1/countries",
        "/api/v1/countries/{iso2}",
        "/api/v1/regions",
        "/api/v1/cohorts",
        "/api/v1/cohorts/{year}",
        "/api/v1/stats",
        "/api/v1/stats/history",
        "/api/v1/news",
        "/api/v1/clusters",
        # The library's: test_library_endpoints_match_their_openapi_schema below.
        "/api/v1/practices",
        "/api/v1/practices/{slug}",
        "/api/v1/documents",
    }

    assert set(openapi["paths"]) == tested


@pytest.mark.parametrize(
    ("template", "url", "status"),
    [
        ("/api/v1/members", "/api/v1/members?region=atlantis", 422),
        ("/api/v1/members", "/api/v1/members?page=9", 404),
        ("/api/v1/members/{slug}", "/api/v1/members/atlantis", 404),
        ("/api/v1/cohorts/{year}", "/api/v1/cohorts/2030", 404),
        ("/api/v1/cohorts/{year}", "/api/v1/cohorts/1990", 422),
    ],
)
def test_errors_match_the_documented_error_schema(client, network, openapi, template, url, status):
    response = client.get(url)

    assert response.status_code == status
    validate(openapi, template, status, response.json())


# N+1 guards -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The data revision (cache key); the members' bitmaps (gnlc.cities.bitmaps: the
        # revision of their key, the countries' and regions' names with a revision of
        # their own, the members, the clusters and their stays: 7, then kept in the
        # process), which give the count, the facets, the page's ids and its members'
        # clusters; then the page's rows.
        ("/api/v1/members", 9),
        # Each list's counts are kept per data revision (gnlc.cities.stats): +1, the
        # revision, then the counts and the list itself.
        ("/api/v1/countries", 3),
        ("/api/v1/regions", 3),
        ("/api/v1/cohorts", 3),
        # +1: the members' clusters, one query for all; its totals are the regions'
        # (`stats.cohort_summary`: the regions and their counts, two queries).
        ("/api/v1/cohorts/2022", 9),
        # +1: its clusters.
        ("/api/v1/members/only-one", 3),
    ],
)
@pytest.mark.parametrize("how_many", [1, 3])
def test_lists_query_count_does_not_grow(
    client, db, django_assert_num_queries, url, queries, how_many
):
    cohorts = [CohortFactory(year=2022 - i) for i in range(how_many)]
    for i in range(how_many):
        member = MemberFactory(
            name="Only One" if i == 0 else f"City {i}",
            country=country(["KE", "VN", "EG"][i]),
            cohort=cohorts[0],
        )
        if i:
            member.record_event(EventKind.SUSPENDED, on=dt.date(2023, 1, i))

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200


def test_members_list_is_served_from_cache_until_the_data_change(
    client, db, django_assert_num_queries
):
    member = MemberFactory(name="Cached City", cohort=CohortFactory(year=2022))
    assert client.get("/api/v1/members").json()["count"] == 1

    with django_assert_num_queries(1):  # the data revision only
        assert client.get("/api/v1/members").json()["count"] == 1
    member.record_event(EventKind.WITHDRAWN, on=dt.date(2023, 1, 1))
    results = client.get("/api/v1/members").json()["results"]

    assert [r["status"] for r in results] == ["withdrawn"]


# interactive docs -----------------------------------------------------------------


def test_docs_page_loads_everything_from_our_own_static_files(client, db):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r"https?://[^\s\"'<>]+", html) == []
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link[^>]+href="([^"]+\.css)"', html)
    assert scripts[-2:] == [
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
    ]
    assert "/static/ninja/swagger-ui.css" in styles
    for url in scripts + styles:
        assert finders.find(url.removeprefix(settings.STATIC_URL)) is not None


def test_docs_page_is_a_page_of_the_site_with_links_to_the_contract(client, db):
    response = client.get("/api/docs")

    html = response.content.decode()
    # The site's header and footer, the API docs marked as the current page.
    assert html.count('<header class="site-header"') == 1
    assert html.count('<footer class="site-footer"') == 1
    assert '<a href="/api/docs" aria-current="page">API docs</a>' in html
    assert "<h1>API documentation</h1>" in html
    assert '<a href="/api/v1/openapi.json">' in html
    assert '<a href="/data/">' in html
    # The description Swagger UI shows points to no file of the repository.
    description = api.get_openapi_schema(path_prefix="/api/v1/")["info"]["description"]
    assert "docs/" not in description
    assert "/api/v1/openapi.json" in description


def test_docs_page_is_under_the_strict_csp(client, db):
    response = client.get("/api/docs")

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert '"validatorUrl": null' in response.content.decode()


@pytest.mark.browser
def test_docs_page_renders_offline_without_csp_violations(page, live_server):
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    external = []
    page.route(
        re.compile(r"^https?://(?!localhost|127\.0\.0\.1)"),
        lambda route: (external.append(route.request.url), route.abort()),
    )

    page.goto("/api/docs")
    page.locator(".opblock-summary-path", has_text="/api/v1/members/{slug}").wait_for()

    assert violations == []
    assert external == []


def test_library_endpoints_match_their_openapi_schema(client, network, openapi):
    from gnlc.cities.models import Member
    from gnlc.library.tests.factories import DocumentFactory, PracticeFactory

    practice = PracticeFactory(
        title="Reading circles",
        members=[Member.objects.get(slug="cao-lanh")],
        themes=["literacy"],
        sdgs=[4],
    )
    DocumentFactory()

    for template, url in [
        ("/api/v1/practices", "/api/v1/practices?q=reading"),
        ("/api/v1/practices/{slug}", f"/api/v1/practices/{practice.slug}"),
        ("/api/v1/documents", "/api/v1/documents"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        validate(openapi, template, 200, response.json())
    assert client.get("/api/v1/practices?q=reading").json()["count"] == 1


@pytest.mark.parametrize(
    "query", ["", "?q=a", "?status=suspended", "?as_of=2019-01-01", "?sort=-cohort&page_size=2"]
)
def test_members_page_is_what_the_schema_gives_of_the_rows(client, network, query):
    """The list builds its page as plain values (cities.api._members_page); the schema,
    given the model rows, gives the same JSON."""
    from gnlc.cities import api as schemas
    from gnlc.cities.forms import DirectoryFilter

    request = RequestFactory().get(f"/api/v1/members{query}")
    directory = DirectoryFilter(request.GET)
    assert directory.is_valid()
    params = schemas.MemberQuery(**{k: v for k, v in request.GET.items() if k != "status"})
    size = params.page_size
    rows = list(directory.queryset().with_admission()[:size])

    page = client.get(f"/api/v1/members{query}").json()
    expected = [
        schemas.MemberSummary.model_validate(row, context={"request": request}).model_dump()
        for row in rows
    ]

    assert page["results"] == json.loads(json.dumps(expected, default=str))
