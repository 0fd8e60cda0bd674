"""No public page, export, feed or API response names an admitted city or an award winner
before the announcement's instant; at the instant, all of them do.

The URLs are not listed by hand. Every route the permission matrix lets an anonymous
visitor read (status 200) is fetched, with the matrix's own objects, and every GET path
of the API's OpenAPI document; the matrix test already fails for a route missing from
the matrix, and this test fails for an API path whose parameters it cannot fill, so a
new public URL cannot be forgotten here. Routes showing a member, a country, a call or a
region are fetched for the cities of this test too, and listed ones with the queries
that could reveal them: the cohort, a search, and `as_of` dates in the future."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.tests.factories import ApplicationFactory, AwardCallFactory, CallFactory
from gnlc.api.api import api
from gnlc.cities.exports import FORMATS
from gnlc.cities.models import Region
from gnlc.cities.stats import network_stats
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.test_permission_matrix import MATRIX, MODULES
from gnlc.news.models import Announcement

pytestmark = pytest.mark.django_db

SECRET_CITY = "Zyrrhavik"  # admitted (Iceland, a country new to the network)
SECRET_SLUG = "zyrrhavik"
WINNER = "Mbarara"  # a member since 2015, wins the award
DAY = dt.date(2027, 1, 13)
BEFORE = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)
AFTER = dt.datetime(2027, 1, 13, 9, 5, tzinfo=dt.UTC)  # 10:05 in Paris
FUTURE = ("2027-01-13", "2027-12-31", "2040-01-01")

# Query strings that could reveal a cohort, per route that lists members or figures.
QUERIES = {
    "cities:directory": [
        "cohort=2027",
        "country=IS",
        "q=zyrr",
        "sort=-cohort",
        *(f"as_of={day}" for day in FUTURE),
        "region=europe-and-north-america&as_of=2040-01-01",
    ],
    "cities:statistics": ["as_of=2027-01-10", "as_of=2022-09-02", *(f"as_of={d}" for d in FUTURE)],
    "cities:statistics-csv": [f"as_of={day}" for day in FUTURE],
    "cities:statistics-series-csv": [f"as_of={day}" for day in FUTURE],
    "cities:download": ["cohort=2027", "country=IS", *(f"as_of={day}" for day in FUTURE)],
}


def variants(name: str, kwargs: dict, o: dict) -> list[dict]:
    """The matrix's kwargs for `name`, and the same route for this test's objects."""
    more = {
        "cities:member": [{"slug": slug} for slug in (SECRET_SLUG, o["winner"].slug)],
        "library:member": [{"slug": slug} for slug in (SECRET_SLUG, o["winner"].slug)],
        "cities:country": [{"code": "is"}, {"code": "ug"}],
        "cities:region": [{"slug": region.slug} for region in Region.objects.all()],
        "news:region-feed": [{"region": region.slug} for region in Region.objects.all()],
        "admissions:call": [{"pk": o["call"].pk}, {"pk": o["award_call"].pk}],
        "cities:download": [{"fmt": fmt} for fmt in FORMATS],
        "cities:statistics-series-csv": [
            {"series": series} for series in ("network", "regions", "cohorts", "departures")
        ],
    }
    return [kwargs, *more.get(name, [])]


def api_paths(o: dict) -> list[str]:
    """Every GET path of the API, its parameters filled, with the future `as_of` where
    the operation takes one. Fails for a path this test does not know how to fill."""
    fill = {
        "/api/v1/members/{slug}": [SECRET_SLUG, o["winner"].slug, o["member"].slug],
        "/api/v1/countries/{iso2}": ["IS", "UG", "KE"],
        "/api/v1/cohorts/{year}": ["2027", "2015"],
        "/api/v1/practices/{slug}": [o["practice_published"].slug],
    }
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    urls = []
    for template, operations in document["paths"].items():
        if "get" not in operations:
            continue
        parameters = {p["name"] for p in operations["get"].get("parameters", [])}
        if "{" in template:
            assert template in fill, f"say how to fill {template} in test_embargo.api_paths"
            paths = [re.sub(r"\{\w+\}", value, template) for value in fill[template]]
        else:
            paths = [template]
        for path in paths:
            urls.append(path)
            if "as_of" in parameters:
                urls += [f"{path}?as_of={day}" for day in FUTURE]
        if "cohort" in parameters:
            urls += [f"{template}?cohort=2027", f"{template}?q=zyrr"]
    return urls


def public_urls(o: dict) -> list[str]:
    urls = []
    for name, (_module, (kwargs, expected)) in sorted(MATRIX.items()):
        if expected["anonymous"] != 200:
            continue
        for found in variants(name, kwargs(o), o):
            url = reverse(name, kwargs=found)
            urls += [url, *(f"{url}?{query}" for query in QUERIES.get(name, []))]
    return urls + api_paths(o)


# What changes from one identical request to the next: the CSRF token and a CSP nonce.
_VOLATILE = re.compile(rb'(csrfmiddlewaretoken" value="|nonce=")[^"]*"')


def fetch_all(client, urls) -> dict[str, tuple[int, bytes]]:
    seen = {}
    for url in urls:
        response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else bytes(response.content)
        )
        seen[url] = (response.status_code, _VOLATILE.sub(rb"\1", body))
    return seen


@pytest.fixture
def objects(member, personas):
    """The matrix's objects (as test_permission_matrix builds them), the winner-to-be,
    and the two calls whose decisions are taken, not announced."""
    built = {"member": member}
    for module in MODULES:
        if hasattr(module, "build"):
            built.update(module.build(member, personas) or {})
    winner = MemberFactory(
        name=WINNER,
        country_id="UG",
        cohort=CohortFactory(year=2015, announced_on=dt.date(2015, 9, 2)),
    )
    call = CallFactory(
        title="Membership call 2026",
        opens_on=dt.date(2026, 9, 1),
        announcement_date=DAY,
        announcement_time=dt.time(10, 0),
        time_zone="Europe/Paris",
    )
    ApplicationFactory(call=call, city_name=SECRET_CITY, country_id="IS", state=S.ADMITTED)
    award_call = AwardCallFactory(
        title="Learning City Award 2026",
        opens_on=dt.date(2026, 3, 1),
        announcement_date=DAY,
        announcement_time=dt.time(10, 0),
        time_zone="Europe/Paris",
    )
    ApplicationFactory(
        call=award_call, member=winner, city_name=WINNER, country_id="UG", state=S.ADMITTED
    )
    return {**built, "winner": winner, "call": call, "award_call": award_call}


def test_nothing_public_names_the_admitted_or_the_winner_before_the_announcement(
    client, objects, personas
):
    call, award_call = objects["call"], objects["award_call"]
    secretariat = personas["secretariat"]
    with time_machine.travel(BEFORE, tick=False):
        urls = public_urls(objects)
        baseline = fetch_all(client, urls)
        members_before = network_stats()["members"]
        # The secretariat prepares and schedules the announcement, and publishes both
        # calls: everything is scheduled.
        announcement, _created = Announcement.draft_for_call(call, "en", by=secretariat)
        assert announcement.publish(by=secretariat) is None
        assert call.request_publication(by=secretariat) is None
        assert award_call.request_publication(by=secretariat) is None
        call_command("publish_announcements", stdout=io.StringIO())
        scheduled = fetch_all(client, urls)

    assert len(urls) > 150
    leaks = [url for url, (_status, body) in scheduled.items() if SECRET_CITY.encode() in body]
    assert leaks == []
    # The winner is a member, named on public pages already: nothing about it (or
    # anything else) changed when the decisions were scheduled, but the two calls' own
    # pages, whose phase now reads "Publication scheduled".
    calls = [reverse("admissions:call", args=[c.pk]) for c in (call, award_call)]
    changed = [url for url in urls if scheduled[url] != baseline[url]]
    assert changed == calls
    assert all(b"Publication scheduled" in scheduled[url][1] for url in calls)
    assert not any(WINNER.encode() in scheduled[url][1] for url in calls)

    with time_machine.travel(AFTER, tick=False):
        call_command("publish_announcements", stdout=io.StringIO())
        member = client.get(reverse("cities:member", args=[SECRET_SLUG]))
        cohort = client.get("/api/v1/cohorts/2027").json()
        statistics = client.get(reverse("cities:statistics"))
        news = client.get(reverse("news:list"))
        post = client.get(Announcement.objects.get(call=call).post.get_absolute_url())
        download = client.get(reverse("cities:download", args=["csv"]))
        after = fetch_all(client, urls)

    assert member.status_code == 200
    assert SECRET_CITY in member.content.decode()
    assert [m["name"] for m in cohort["members"]] == [SECRET_CITY]
    assert statistics.context["stats"]["members"] == members_before + 1
    assert f">{WINNER}</a>" in statistics.content.decode()
    assert "1 new member from 1 country" in news.content.decode()
    assert f"{SECRET_CITY} (Iceland)" in post.content.decode()
    assert SECRET_CITY in download.getvalue().decode()
    assert sum(SECRET_CITY.encode() in body for _status, body in after.values()) > 20
