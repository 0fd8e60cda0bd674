"""Members on record: a dated source proves the city a member by a day, no cohort."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member
from gnlc.cities.stats import network_stats
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db

BY = dt.date(2017, 1, 19)
SOURCE = "https://example.org/award-2017"


@pytest.fixture
def pecs():
    member = MemberFactory(name="Pécs", country_id="HU", cohort=False)
    member.record_event(EventKind.ON_RECORD, on=BY, source_url=SOURCE)
    return member


@pytest.fixture
def nakuru():
    return MemberFactory(name="Nakuru", country_id="KE", cohort=CohortFactory(year=2016))


def test_on_record_member_counts_from_its_day(pecs, nakuru):
    before = network_stats(BY - dt.timedelta(days=1))
    on = network_stats(BY)
    after = network_stats(dt.date(2020, 1, 1))

    assert (before["members"], before["countries"]) == (1, 1)
    assert (on["members"], on["countries"]) == (2, 2)
    assert (after["members"], after["countries"]) == (2, 2)
    pecs.refresh_from_db()
    assert (pecs.status, pecs.cohort_id) == ("active", None)


def test_later_admission_with_cohort_keeps_the_on_record_fact(pecs):
    cohort = CohortFactory(year=2016, announced_on=dt.date(2016, 8, 23))

    pecs.record_event(EventKind.ADMITTED, cohort=cohort, source_url="https://example.org/2016")

    pecs.refresh_from_db()
    assert (pecs.status, pecs.cohort_id) == ("active", 2016)
    assert [e.kind for e in pecs.events.all()] == ["admitted", "on_record"]
    assert Member.objects.active_on(dt.date(2016, 8, 23)).count() == 1


def test_on_record_fact_needs_no_second_one_nor_a_withdrawn_member(pecs):
    with pytest.raises(ValidationError):
        pecs.record_event(EventKind.ON_RECORD, on=dt.date(2018, 1, 1))
    pecs.record_event(EventKind.WITHDRAWN, on=dt.date(2019, 1, 1))
    other = MemberFactory(name="Győr", country_id="HU", cohort=False)
    other.record_event(EventKind.ADMITTED, cohort=CohortFactory(year=2016))
    other.record_event(EventKind.WITHDRAWN, on=dt.date(2017, 1, 1))

    with pytest.raises(ValidationError):
        other.record_event(EventKind.ON_RECORD, on=dt.date(2018, 1, 1))


def test_member_page_says_a_member_by_the_day_with_its_source(client, pecs):
    response = client.get(pecs.get_absolute_url())

    page = " ".join(response.content.decode().split())
    assert "a member by 19 January 2017 (" in page
    assert f'<a href="{SOURCE}" rel="noopener nofollow">source</a>' in page
    assert '<dd id="member-cohort">not known</dd>' in page


def test_directory_cohort_facet_has_not_known(client, pecs, nakuru):
    response = client.get(reverse("cities:directory"))

    cohorts = {
        row["value"]: (row["label"], row["count"]) for row in response.context["facets"]["cohort"]
    }
    assert cohorts == {2016: ("2016", 1), "unknown": ("not known", 1)}

    chosen = client.get(reverse("cities:directory") + "?cohort=unknown")

    assert [row["name"] for row in chosen.context["page"].object_list] == ["Pécs"]
    both = client.get(reverse("cities:directory") + "?cohort=unknown&cohort=2016")
    assert len(both.context["page"].object_list) == 2


def test_directory_cohort_rejects_other_words(client):
    response = client.get(reverse("cities:directory") + "?cohort=someday")

    assert response.status_code == 400


def test_api_carries_on_record_member_with_null_cohort_and_member_by(client, pecs, nakuru):
    listing = client.get("/api/v1/members").json()
    detail = client.get(f"/api/v1/members/{pecs.slug}").json()
    unknown = client.get("/api/v1/members?cohort=unknown").json()

    assert listing["count"] == 2
    row = next(r for r in listing["results"] if r["slug"] == pecs.slug)
    assert (row["cohort"], row["member_by"]) == (None, "2017-01-19")
    assert (detail["cohort"], detail["member_by"]) == (None, "2017-01-19")
    assert detail["events"][0]["kind"] == "on_record"
    assert [r["slug"] for r in unknown["results"]] == [pecs.slug]
    assert {"value": "unknown", "label": "not known", "count": 1} in listing["facets"]["cohort"]


@pytest.mark.parametrize("fmt", ["csv", "json", "geojson"])
def test_exports_carry_member_by_and_null_cohort(client, pecs, nakuru, fmt):
    response = client.get(reverse("cities:download", args=[fmt]))

    body = response.getvalue().decode()
    if fmt == "csv":
        rows = {r["name"]: r for r in csv.DictReader(io.StringIO(body))}
        assert (rows["Pécs"]["cohort_year"], rows["Pécs"]["member_by"]) == ("", "2017-01-19")
        assert rows["Nakuru"]["member_by"] == ""
        return
    document = json.loads(body)
    records = (
        document["members"] if fmt == "json" else [f["properties"] for f in document["features"]]
    )
    record = next(r for r in records if r["name"] == "Pécs")
    assert (record["cohort_year"], record["member_by"]) == (None, "2017-01-19")
