"""The members' bitmaps (gnlc.cities.bitmaps) give what the plain queries give: the
count, every facet's counts, each sort's pages and the API's whole answer, on SQLite
and on PostgreSQL (DATABASE_URL), before and after a change to the data; built in the
background (production's mode), no request waits for them and every answer is exact."""

import datetime as dt
import logging
import random
import time

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from gnlc.cities import bitmaps
from gnlc.cities.enums import EventKind
from gnlc.cities.forms import DirectoryFilter
from gnlc.cities.models import Country, Member
from gnlc.cities.querysets import SORTS
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.cities.tests.test_search import network, reference  # noqa: F401 (a fixture)
from gnlc.clusters.tests.factories import make_cluster, stay
from gnlc.core.cache import TIMEOUT, bypassed, forget_memoised

pytestmark = pytest.mark.django_db

# Only the facets: a search or a date is answered by the queries.
FILTERS = [
    {},
    {"region": ["africa"]},
    {"region": ["africa", "arab-states"], "cohort": ["2019"]},
    {"country": ["VN", "FR"], "cohort": ["2021", "2023"]},
    {"country": ["VN"], "cohort": ["2019"]},
    {"status": ["suspended", "withdrawn"]},
    {"status": ["active"], "region": ["europe-and-north-america"], "country": ["KE"]},
    {"cohort": ["unknown"]},
    {"cohort": ["unknown", "2019"], "region": ["asia-and-the-pacific"]},
    {"cohort": ["unknown"], "country": ["FR", "VN"], "status": ["active"]},
    {"cluster": ["literacy"]},
    {"cluster": ["literacy", "health-and-well-being"], "country": ["FR"]},
    {"cluster": ["health-and-well-being"], "status": ["active", "suspended"]},
    {"country": ["ZZ"]},
    {"cluster": ["no-such-cluster"]},
    # A name search is one more mask (its matches read from the trigram index).
    {"q": ["lanh"]},
    {"q": ["an"], "country": ["VN"]},
    {"q": ["sa"], "status": ["active"], "cohort": ["2019"]},
    {"q": ["lanh"], "cohort": ["2021", "unknown"], "cluster": ["literacy"]},
    {"q": ["nowhere"]},
    {"q": ["é"]},
]


@pytest.fixture
def same_names(network):  # noqa: F811 (the fixture imported above)
    """Members whose names only the id tells apart, in several countries and cohorts,
    and names that differ by case and accents (which each database sorts its way)."""
    cohort = CohortFactory(year=2021)
    added = [
        MemberFactory(name=name, country=Country.objects.get(iso2=code), cohort=cohort)
        for name, code in [
            ("Lanhville", "VN"),
            ("Lanhville", "FR"),
            ("Lanhville", "KE"),
            ("lanhville", "VN"),
            ("Ébène", "FR"),
            ("Ebene", "BR"),
        ]
    ]
    added[1].record_event(EventKind.SUSPENDED, on=dt.date(2024, 5, 1))
    return [*network, *added]


def form(query: dict) -> DirectoryFilter:
    found = DirectoryFilter(MultiValueDict(query))
    assert found.is_valid(), found.errors
    return found


@pytest.mark.parametrize("query", FILTERS)
def test_bitmaps_count_and_facets_equal_the_queries(same_names, query):
    directory = form(query).directory

    assert directory.bitmaps() is not None
    assert directory.summary() == reference(MultiValueDict(query))


@pytest.mark.parametrize("query", FILTERS)
@pytest.mark.parametrize("sort", list(SORTS))
def test_bitmaps_pages_equal_the_sorted_queries(same_names, query, sort):
    directory = Member.objects.directory(form(query).filters, sort)
    ordered = list(directory.queryset().values_list("pk", flat=True))

    assert directory.bitmaps() is not None
    for start, stop in [(0, 3), (2, 7), (5, 6), (0, 100), (len(ordered), len(ordered) + 3)]:
        assert directory.page_ids(start, stop) == ordered[start:stop]


def test_bitmaps_count_and_page_without_a_query_once_built(same_names):
    directory = Member.objects.directory({"country": ["VN"], "cohort": [2021]}, "country")
    directory.bitmaps()

    with CaptureQueriesContext(connection) as queries:
        summary = directory.summary()
        ids = directory.page_ids(0, 50)

    assert len(queries) == 0
    assert summary["count"] == 2
    assert set(ids) == {
        m.pk for m in same_names if m.name.lower() == "lanhville" and m.country_id == "VN"
    }


@pytest.mark.parametrize(
    "filters",
    [{"as_of": dt.date(2024, 2, 5)}, {"as_of": dt.date(2024, 2, 5), "q": "an"}],
)
def test_a_date_is_answered_by_the_queries(same_names, filters):
    assert Member.objects.directory(filters).bitmaps() is None


def test_narrower_members_are_answered_by_the_queries(same_names):
    members = Member.objects.filter(country="VN")

    assert members.directory({}).bitmaps() is None


def test_bypassed_cache_is_answered_by_the_queries(same_names):
    with bypassed():
        assert Member.objects.directory({}).bitmaps() is None


API_URLS = [
    "/api/v1/members",
    "/api/v1/members?page_size=3",
    "/api/v1/members?page_size=2&page=3&sort=-name",
    "/api/v1/members?country=VN&country=FR&cohort=2021&sort=country",
    "/api/v1/members?cohort=unknown&cohort=2019&sort=cohort",
    "/api/v1/members?region=asia-and-the-pacific&sort=-cohort&page_size=4",
    "/api/v1/members?cluster=literacy&status=active",
    "/api/v1/members?cluster=health-and-well-being&country=FR&page_size=1&page=2",
    "/api/v1/members?status=withdrawn&status=suspended&sort=cohort",
    "/api/v1/members?q=lanh&sort=country",
    "/api/v1/members?q=an&cohort=2021&page_size=2&page=2",
    "/api/v1/members?q=sa&cluster=literacy",
]


def answers(client, urls) -> list:
    return [client.get(url).json() for url in urls]


def test_api_answers_equal_the_queries_before_and_after_a_change(client, same_names):
    before = answers(client, API_URLS)
    with bypassed():  # the queries alone: no bitmaps, no cache
        assert answers(client, API_URLS) == before
    built = bitmaps.current()

    # A change of every kind the bitmaps hold: a new member, a status, a cluster stay.
    MemberFactory(name="Aardvark City", country=Country.objects.get(iso2="VN"), cohort=None)
    same_names[0].record_event(EventKind.WITHDRAWN, on=dt.date(2024, 6, 1))
    stay(make_cluster("culture"), same_names[3], joined=dt.date(2024, 1, 1))
    after = answers(client, API_URLS)

    assert bitmaps.current() is not built
    assert after != before
    assert after[0]["count"] == before[0]["count"] + 1
    with bypassed():
        assert answers(client, API_URLS) == after


def test_directory_page_equals_the_queries(client, same_names):
    url = "/members/?country=VN&country=FR&sort=country&cluster=literacy"
    page = client.get(url)
    with bypassed():
        plain = client.get(url)

    assert list(page.context["page"]) == list(plain.context["page"])
    assert page.context["facets"] == plain.context["facets"]
    assert page.context["page"].paginator.count == plain.context["page"].paginator.count


def naive(bits: int) -> list[int]:
    return [i for i in range(bits.bit_length()) if bits >> i & 1]


@pytest.mark.parametrize("seed", range(5))
def test_set_bits_ranks_equal_a_plain_enumeration(seed):
    rng = random.Random(seed)
    size = rng.choice([1, 9, 64, 1000, 5000])
    density = rng.choice([0.001, 0.05, 0.5, 1.0])
    bits = sum(1 << i for i in range(size) if rng.random() < density)
    every = naive(bits)

    for skip, count in [(0, 50), (1, 3), (len(every) // 2, 10), (len(every) - 1, 5), (0, 0)]:
        assert bitmaps.set_bits(bits, skip, count) == every[skip : skip + count]
        reverse = every[::-1]
        assert bitmaps.set_bits_descending(bits, skip, count) == reverse[skip : skip + count]


@pytest.mark.parametrize("seed", range(3))
def test_positions_and_a_search_s_bits_equal_a_plain_enumeration(same_names, seed):
    built = bitmaps.MemberBitmaps()
    rng = random.Random(seed)
    bits = sum(1 << i for i in range(built.size) if rng.random() < 0.4)
    chosen = rng.sample(list(built.ids), len(built.ids) // 2)
    # No member has id 0, nor one past the largest: no bit, as for a member not on record.
    not_on_record = [0, max(built.ids) + 1, max(built.ids) + 1000]

    assert built.positions(bits).tolist() == naive(bits)
    assert built.positions(0).tolist() == []
    assert built.matching(chosen + not_on_record) == sum(
        1 << list(built.ids).index(pk) for pk in chosen
    )
    assert built.matching([]) == 0


@pytest.mark.parametrize("how_many", [1, 3])
def test_api_filter_costs_three_queries_once_the_bitmaps_are_built(
    client, django_assert_num_queries, how_many
):
    cohort = CohortFactory(year=2022)
    for n in range(how_many):
        MemberFactory(name=f"City {n}", country=Country.objects.get(iso2="KE"), cohort=cohort)
    client.get("/api/v1/members?region=africa")  # builds them

    # The data revision of the cache key, and of the bitmaps' key; the page's rows.
    with django_assert_num_queries(3):
        response = client.get("/api/v1/members?country=KE&cohort=2022")

    assert response.json()["count"] == how_many


def test_bitmaps_are_built_again_after_the_cache_s_lifetime(same_names, monkeypatch):
    built = bitmaps.current()
    assert bitmaps.current() is built
    later = time.monotonic() + TIMEOUT + 1

    monkeypatch.setattr(bitmaps.time, "monotonic", lambda: later)

    assert bitmaps.current() is not built


def test_off_mode_answers_by_the_queries(client, same_names, settings):
    with bypassed():
        plain = answers(client, API_URLS)
    settings.GNLC_MEMBER_BITMAPS = "off"

    assert bitmaps.current() is None
    assert answers(client, API_URLS) == plain


# Background builds: the build thread's connection sees committed rows only.
BACKGROUND = pytest.mark.django_db(transaction=True)
URL = "/api/v1/members?country=VN&country=FR&sort=country"


@pytest.fixture
def background(reference_data, settings):
    """The production mode; the build thread over before the database is flushed."""
    settings.GNLC_MEMBER_BITMAPS = "background"
    yield
    bitmaps.forget()


def asked(client, url) -> tuple[dict, list[str]]:
    """The API's answer to `url` (its cache emptied first) and the SQL it ran in this
    thread (a build thread's queries are on its own connection)."""
    cache.clear()
    forget_memoised()
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url).json()
    return answer, [q["sql"] for q in queries.captured_queries]


def counted(statements) -> bool:
    """Whether the members were counted by a query: the queries' path, never the
    bitmaps'."""
    return any("COUNT(" in sql for sql in statements)


@BACKGROUND
def test_background_first_request_answers_by_the_queries_then_by_the_bitmaps(
    client, background, same_names
):
    with bypassed():
        plain = client.get(URL).json()

    first, first_queries = asked(client, URL)
    bitmaps.wait()
    later, later_queries = asked(client, URL)

    assert first == plain
    assert counted(first_queries)
    assert later == plain
    # The revision (the answer's cache key, the bitmaps' key) and the page's rows.
    assert len(later_queries) == 3
    assert not counted(later_queries)
    assert bitmaps.current() is not None


@BACKGROUND
def test_background_change_is_answered_by_the_queries_until_rebuilt(client, background, same_names):
    before = client.get(URL).json()
    bitmaps.wait()
    built = bitmaps.current()

    MemberFactory(name="Aardvark City", country=Country.objects.get(iso2="VN"), cohort=None)
    with bypassed():
        plain = client.get(URL).json()  # bypassed: starts no build
    # The first request after the change starts the build and is answered by the
    # queries (no other call first: a build of these few members could end before it).
    after, after_queries = asked(client, URL)
    bitmaps.wait()
    rebuilt, rebuilt_queries = asked(client, URL)

    assert after == plain
    assert counted(after_queries)
    assert after["count"] == before["count"] + 1
    assert rebuilt == plain
    assert len(rebuilt_queries) == 3
    assert bitmaps.current() not in {None, built}


@BACKGROUND
def test_background_expired_bitmaps_answer_while_rebuilt_within_the_grace(
    background, same_names, monkeypatch
):
    bitmaps.current()
    bitmaps.wait()
    built = bitmaps.current()
    clock = time.monotonic
    monkeypatch.setattr(bitmaps.time, "monotonic", lambda: clock() + TIMEOUT + 1)

    during = bitmaps.current()  # expired, same revision: kept, and rebuilt meanwhile
    bitmaps.wait()
    rebuilt = bitmaps.current()
    monkeypatch.setattr(
        bitmaps.time, "monotonic", lambda: clock() + 2 * TIMEOUT + bitmaps.GRACE + 2
    )
    past_grace = bitmaps.current()

    assert during is built
    assert rebuilt not in {None, built}
    assert past_grace is None


@BACKGROUND
def test_background_failed_build_is_logged_and_retried_later(
    client, background, same_names, monkeypatch, caplog
):
    with bypassed():
        plain = client.get(URL).json()

    def broken():
        raise DatabaseError("server closed the connection unexpectedly")

    # A fault injected where the build reads the database: what a lost connection does.
    with monkeypatch.context() as patched, caplog.at_level(logging.ERROR):
        patched.setattr(bitmaps, "MemberBitmaps", broken)
        answer, _ = asked(client, URL)
        bitmaps.wait()
    settling = bitmaps.current()  # within RETRY_AFTER: no build started
    bitmaps.wait()
    still = bitmaps.current()
    clock = time.monotonic
    monkeypatch.setattr(bitmaps.time, "monotonic", lambda: clock() + bitmaps.RETRY_AFTER + 1)
    bitmaps.current()  # starts the retry
    bitmaps.wait()

    assert answer == plain
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [(r.name, r.getMessage(), r.exc_info[0]) for r in errors] == [
        (
            "gnlc.cities.bitmaps",
            "building the members' bitmaps failed; the queries answer, retried in 60 s",
            DatabaseError,
        )
    ]
    assert settling is None
    assert still is None
    assert bitmaps.current() is not None
