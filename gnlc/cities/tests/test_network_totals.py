"""The network's published totals, shown beside (never mixed into) the computed ones."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from gnlc.cities import importer
from gnlc.cities.models import NetworkTotal
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db

SOURCE = "https://example.org/77-new-members"


@pytest.fixture
def network():
    cohort = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    MemberFactory(name="Larissa", country_id="GR", cohort=cohort)
    NetworkTotal.objects.create(
        on=dt.date(2022, 9, 2), members=294, countries=76, source_url=SOURCE, note="after"
    )


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def test_shipped_totals_load_and_reload_idempotently():
    with importer.SHIPPED_TOTALS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    assert importer.load_network_totals() == len(rows)
    assert importer.load_network_totals() == 0
    assert [(t.on.isoformat(), t.members, t.countries) for t in NetworkTotal.objects.all()] == [
        (r["on"], int(r["members"]), int(r["countries"])) for r in rows
    ]


def test_statistics_page_sets_the_announced_total_beside_the_held(client, network):
    response = client.get(reverse("cities:statistics") + "?as_of=2023-01-01")

    text = page_text(response)
    assert (
        "On 2 September 2022 the network announced 294 members in 76 countries; "
        "these data hold 2 in 2." in text
    )
    assert 'id="network-totals"' in text


def test_statistics_page_before_any_total_says_none(client, network):
    response = client.get(reverse("cities:statistics") + "?as_of=2022-09-01")

    assert 'id="announced-total"' not in response.content.decode()


def test_open_data_page_shows_the_totals_table(client, network):
    response = client.get(reverse("cities:open-data"))

    text = page_text(response)
    assert 'id="network-totals"' in text
    assert "294" in text


def test_api_stats_keeps_announced_apart_from_computed(client, network):
    body = client.get("/api/v1/stats?as_of=2023-01-01").json()

    assert (body["members"], body["countries"]) == (2, 2)
    assert body["announced"] == {
        "on": "2022-09-02",
        "members": 294,
        "countries": 76,
        "source_url": SOURCE,
        "note": "after",
    }
    assert client.get("/api/v1/stats?as_of=2022-01-01").json()["announced"] is None


def test_stats_command_prints_announced_beside_held(network):
    out = io.StringIO()

    call_command("stats", as_of="2023-01-01", stdout=out)

    assert (
        "On 2022-09-02 the network announced 294 members in 76 countries; "
        "these data hold 2 in 2." in out.getvalue()
    )


def test_stats_command_json_has_announced_object(network):
    out = io.StringIO()

    call_command("stats", as_of="2023-01-01", format="json", stdout=out)

    document = json.loads(out.getvalue())
    assert document["members"] == 2
    assert document["announced"]["members"] == 294
