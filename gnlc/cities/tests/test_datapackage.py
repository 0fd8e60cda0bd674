"""The open data as a Frictionless Data Package, validated with `frictionless` on the
resources fetched through the test client; and the schema.org JSON-LD of the pages."""

import csv
import datetime as dt
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from frictionless import Package, validate

from gnlc.cities.enums import EventKind
from gnlc.cities.models import NetworkTotal
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    cohort = CohortFactory(
        year=2022, announced_on=dt.date(2022, 9, 2), source_url="https://example.org/2022"
    )
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    MemberFactory(name="Windhoek", country_id="NA", cohort=cohort, latitude=None, longitude=None)
    pecs = MemberFactory(name="Pécs", country_id="HU", cohort=False)
    pecs.record_event(EventKind.ON_RECORD, on=dt.date(2017, 1, 19), source_url="https://e.org/p")
    NetworkTotal.objects.create(
        on=dt.date(2022, 9, 2), members=294, countries=76, source_url="https://example.org/t"
    )


def fetch(client, url: str) -> bytes:
    parts = urlsplit(url)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, url
    return response.getvalue()


def test_datapackage_validates_with_frictionless(client, network, tmp_path):
    descriptor = client.get(reverse("cities:datapackage")).json()
    # The resources' paths are the platform's download URLs: fetched through the test
    # client into files beside the descriptor, which frictionless then reads.
    for resource in descriptor["resources"]:
        assert resource["path"].startswith("http://testserver/")
        local = tmp_path / f"{resource['name']}.csv"
        local.write_bytes(fetch(client, resource["path"]))
        resource["path"] = local.name
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")

    report = validate(str(tmp_path / "datapackage.json"))

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    members = package.get_resource("members").read_rows()
    assert sorted(row["name"] for row in members) == ["Nakuru", "Pécs", "Windhoek"]
    pecs = next(row for row in members if row["name"] == "Pécs")
    assert (pecs["cohort_year"], pecs["member_by"]) == (None, dt.date(2017, 1, 19))
    on_record = package.get_resource("members-on-record").read_rows()
    assert [row["name"] for row in on_record] == ["Pécs"]
    totals = package.get_resource("network-totals").read_rows()
    assert [(row["members"], row["countries"]) for row in totals] == [(294, 76)]
    assert descriptor["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {"title": "Announcement of the 2022 cohort", "path": "https://example.org/2022"} in (
        descriptor["sources"]
    )


def test_datapackage_tables_are_csv_downloads(client, network):
    cohorts = client.get(reverse("cities:open-data-table", args=["cohorts"]))
    countries = client.get(reverse("cities:open-data-table", args=["countries"]))

    assert cohorts["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(cohorts.content.decode())))
    assert [(r["year"], r["held_members"]) for r in rows] == [("2022", "2")]
    codes = [r["iso2"] for r in csv.DictReader(io.StringIO(countries.content.decode()))]
    assert "NA" in codes  # Namibia's code, never read as a missing value
    assert client.get(reverse("cities:open-data-table", args=["secrets"])).status_code == 404


def json_ld(response) -> dict:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_open_data_page_describes_a_schema_org_dataset(client, network):
    data = json_ld(client.get(reverse("cities:open-data")))

    assert (data["@context"], data["@type"]) == ("https://schema.org", "Dataset")
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    urls = [d["contentUrl"] for d in data["distribution"]]
    assert urls == [
        "http://testserver/members.csv",
        "http://testserver/members.json",
        "http://testserver/members.geojson",
        "http://testserver/data/datapackage.json",
    ]


def test_member_page_describes_a_schema_org_city(client, network):
    data = json_ld(client.get(reverse("cities:member", args=["nakuru"])))

    assert data["@type"] == "City"
    assert data["name"] == "Nakuru"
    assert data["containedInPlace"] == {"@type": "Country", "name": "Kenya"}
    assert data["geo"]["@type"] == "GeoCoordinates"
    assert json_ld(client.get(reverse("cities:member", args=["windhoek"]))).get("geo") is None


def test_json_ld_cannot_close_its_script_early(client):
    MemberFactory(name="</script><script>alert(1)</script>", country_id="KE")

    response = client.get(reverse("cities:member", args=["scriptscriptalert1script"]))

    assert "</script><script>alert(1)" not in response.content.decode()
    assert json_ld(response)["name"] == "</script><script>alert(1)</script>"
