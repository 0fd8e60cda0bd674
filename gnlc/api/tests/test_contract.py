"""The OpenAPI document as its users take it: valid OpenAPI 3.1 by the specification's
validator, the source of a typed client that works against a running server, and the
same rules as the web pages' filters (the document is each operation's only parser;
the forms take the same constants). test_fuzz.py checks that the API does what it says.
"""

import datetime as dt
import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.http import QueryDict
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from gnlc.api.api import api
from gnlc.cities.enums import EventKind
from gnlc.cities.forms import DirectoryFilter
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.library.forms import DocumentFilter, LibraryFilter


@pytest.fixture(scope="module")
def document():
    """The document as served (JSON: status codes are strings)."""
    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), default=str))


def test_openapi_document_is_valid_openapi_3_1(client, db):
    served = client.get("/api/v1/openapi.json").json()

    assert served["openapi"] == "3.1.0"
    validate(served)  # raises on the first error


def test_openapi_validator_refuses_examples_as_a_list(document):
    """What ninja writes by itself (and the validator must see): a parameter's
    `examples` as a JSON Schema list rather than a map of Example Objects."""
    broken = json.loads(json.dumps(document))
    broken["paths"]["/api/v1/members"]["get"]["parameters"][0]["examples"] = [["africa"]]

    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_parameter_examples_are_example_objects_and_stay_in_the_schema(document):
    [region] = [
        p
        for p in document["paths"]["/api/v1/members"]["get"]["parameters"]
        if p["name"] == "region"
    ]

    assert region["examples"] == {"africa": {"value": ["africa"]}}
    assert region["schema"]["examples"] == [["africa"]]


def parameter(document, path, name):
    [found] = [p for p in document["paths"][path]["get"]["parameters"] if p["name"] == name]
    return found["schema"]


def test_openapi_document_says_every_bound_the_api_enforces(document):
    regions = [
        "africa",
        "arab-states",
        "asia-and-the-pacific",
        "europe-and-north-america",
        "latin-america-and-the-caribbean",
    ]
    cohort = {"type": "integer", "minimum": 2000, "maximum": 2100}
    country = {"type": "string", "minLength": 2, "maxLength": 2, "pattern": "^[A-Za-z]{2}$"}

    members = "/api/v1/members"
    assert parameter(document, members, "region")["items"] == {"type": "string", "enum": regions}
    # A cohort filter: a year, or "unknown" (the members whose cohort no source gives).
    assert parameter(document, members, "cohort")["items"] == {
        "anyOf": [cohort, {"type": "string", "const": "unknown"}]
    }
    assert parameter(document, members, "country")["items"] == country
    assert parameter(document, members, "q")["anyOf"][0] == {"type": "string", "maxLength": 100}
    page_size = parameter(document, members, "page_size")
    assert (page_size["minimum"], page_size["maximum"], page_size["default"]) == (1, 500, 50)
    assert parameter(document, "/api/v1/news", "region")["anyOf"][0]["enum"] == regions
    practices = "/api/v1/practices"
    year = {"type": "integer", "minimum": 1950, "maximum": 2100}
    assert parameter(document, practices, "year")["items"] == year
    assert parameter(document, practices, "sdg")["items"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 17,
    }
    assert parameter(document, practices, "page_size")["maximum"] == 100
    assert parameter(document, "/api/v1/documents", "year")["anyOf"][0] == year
    assert {
        k: v
        for k, v in parameter(document, "/api/v1/cohorts/{year}", "year").items()
        if k in cohort
    } == cohort


def test_every_operation_documents_429_with_retry_after(document):
    for path, operations in document["paths"].items():
        for operation in operations.values():
            too_many = operation["responses"]["429"]
            assert too_many["headers"]["Retry-After"]["schema"] == {
                "type": "integer",
                "minimum": 1,
            }, path
            assert too_many["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }, path


def test_every_component_schema_is_used(document):
    text = json.dumps(document["paths"]) + json.dumps(document["components"])

    unused = [
        name
        for name in document["components"]["schemas"]
        if f'"#/components/schemas/{name}"' not in text
    ]
    assert unused == []
    assert "MemberQuery" not in document["components"]["schemas"]


# The web forms and the API's schemas: two parsers, one set of rules. A query the one
# takes, the other takes (values are not blank: a web form sends empty fields, which it
# ignores, while the API takes no empty value that its document does not allow).
@pytest.mark.parametrize(
    ("form", "path", "query"),
    [
        (DirectoryFilter, "/api/v1/members", query)
        for query in [
            "region=africa&region=arab-states",
            "region=atlantis",
            "country=ke",
            "country=KEN",
            "country=K1",
            "cohort=2000",
            "cohort=1999",
            "cohort=2100",
            "cohort=2101",
            "cohort=soon",
            "status=suspended",
            "status=gone",
            "as_of=2023-02-28",
            "as_of=2023-02-30",
            "sort=-cohort",
            "sort=size",
            f"q={'x' * 100}",
            f"q={'x' * 101}",
        ]
    ]
    + [
        (LibraryFilter, "/api/v1/practices", query)
        for query in [
            "theme=literacy",
            "theme=not%20a%20slug",
            f"theme={'t' * 81}",
            "sdg=17",
            "sdg=18",
            "region=atlantis",
            "country=gh",
            "country=GHA",
            "year=1950",
            "year=1949",
            "year=2101",
            "language=fr",
            "language=xx",
            f"q={'x' * 201}",
        ]
    ]
    + [
        (DocumentFilter, "/api/v1/documents", query)
        for query in ["year=1949", "year=2100", "kind=report", "kind=poster", "language=es"]
    ],
)
def test_web_form_and_api_schema_accept_the_same_queries(client, db, form, path, query):
    by_the_form = form(QueryDict(query)).is_valid()

    by_the_api = client.get(f"{path}?{query}").status_code != 422

    assert by_the_form == by_the_api


# A client generated from the document, against a live server -------------------------


@pytest.fixture
def generated_client(tmp_path, live_server, _no_stray_connections):
    """openapi-python-client's client for the document the live server serves,
    generated into a temporary folder and imported; it refuses to generate from an
    invalid document, and `--fail-on-warning` fails on any part it cannot use."""
    spec = tmp_path / "openapi.json"
    spec.write_bytes(httpx.get(f"{live_server.url}/api/v1/openapi.json").content)
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))  # no formatting of the code
    package = tmp_path / "gnlc_client"
    generator = Path(sys.executable).parent / "openapi-python-client"
    command = [str(generator), "generate", "--path", str(spec), "--meta", "none"]
    command += ["--config", str(config), "--output-path", str(package), "--fail-on-warning"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("gnlc_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == "gnlc_client"]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True)  # the live server's thread sees the rows
def test_generated_client_works_against_a_live_server(
    generated_client, live_server, reference_data
):
    nakuru = MemberFactory(name="Nakuru", cohort=CohortFactory(year=2020))
    MemberFactory(name="Mombasa", cohort=CohortFactory(year=2022))
    nakuru.record_event(EventKind.SUSPENDED, on=dt.date(2023, 3, 1))
    members = importlib.import_module("gnlc_client.api.members.list_members")
    member = importlib.import_module("gnlc_client.api.members.get_member")
    cohort = importlib.import_module("gnlc_client.api.cohorts.get_cohort")
    regions = importlib.import_module("gnlc_client.api.regions.list_regions")
    models = importlib.import_module("gnlc_client.models")
    with generated_client.Client(live_server.url, raise_on_unexpected_status=True) as api_client:
        page = members.sync(
            client=api_client,
            country=["ke"],
            page_size=1,
            sort=models.ListMembersSort("-name"),
        )
        detail = member.sync(client=api_client, slug="nakuru")
        outside = cohort.sync_detailed(client=api_client, year=1990)
        africa = regions.sync(client=api_client, as_of=dt.date(2023, 1, 1))[0]

    assert (page.count, page.pages, [m.name for m in page.results]) == (2, 2, ["Nakuru"])
    next_url, next_query = page.next_.split("?")
    assert next_url == f"{live_server.url}/api/v1/members"
    assert QueryDict(next_query) == QueryDict("country=ke&page_size=1&sort=-name&page=2")
    assert [(f.value, f.count) for f in page.facets.status] == [("active", 1), ("suspended", 1)]
    assert [(e.kind.value, e.date) for e in detail.events] == [
        ("admitted", dt.date(2020, 9, 2)),
        ("suspended", dt.date(2023, 3, 1)),
    ]
    assert outside.status_code == 422
    assert isinstance(outside.parsed, models.Error)
    assert outside.parsed.error.details[0].field == "year"
    assert (africa.slug, africa.members, africa.countries) == ("africa", 2, 1)
