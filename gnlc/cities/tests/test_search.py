"""The name search index (gnlc.cities.search) and the facet counts added up from one
grouped query (Directory.summary) give what the plain queries give, on SQLite and
on PostgreSQL (DATABASE_URL)."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.datastructures import MultiValueDict

from gnlc.cities import search
from gnlc.cities.enums import EventKind
from gnlc.cities.forms import DirectoryFilter
from gnlc.cities.models import Country, Member
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.text import fold

pytestmark = pytest.mark.django_db

NAMES = [
    "Cao Lãnh",
    "Lanhville",
    "Santa Lana",
    "São Paulo",
    "Sanaa",
    "Yaoundé",
    'Quote "City"',
    "Saint-Étienne",
    "Nakuru",
    "Ōsaka",
]


@pytest.fixture
def network():
    """Members over five countries, three cohorts (and none known) and every status."""
    cohorts = [CohortFactory(year=year) for year in (2019, 2021, 2023)]
    codes = ["VN", "BR", "YE", "FR", "KE"]
    members = []
    for n, (name, code) in enumerate(zip(NAMES, itertools.cycle(codes), strict=False)):
        member = MemberFactory(
            name=name, country=Country.objects.get(iso2=code), cohort=cohorts[n % 3]
        )
        if n % 4 == 1:
            member.record_event(EventKind.SUSPENDED, on=dt.date(2024, 2, n + 1))
        if n % 5 == 2:
            member.record_event(EventKind.WITHDRAWN, on=dt.date(2024, 3, n + 1))
        members.append(member)
    MemberFactory(name="Lanh Applicant", cohort=False)  # never admitted: not on record
    # Members on record: no cohort (the cohort facet's "not known").
    for name, code, day in [
        ("Pécs", "FR", dt.date(2016, 10, 25)),
        ("Lanh Bay", "VN", dt.date(2023, 5, 1)),
    ]:
        member = MemberFactory(name=name, country=Country.objects.get(iso2=code), cohort=False)
        member.record_event(EventKind.ON_RECORD, on=day)
        members.append(member)
    # Thematic clusters (the directory's cluster facet): stays that end, some running.
    from gnlc.clusters.tests.factories import make_cluster, stay

    literacy, health = make_cluster("literacy"), make_cluster("health-and-well-being")
    for n, member in enumerate(members):
        if n % 2 == 0:
            stay(
                literacy,
                member,
                joined=dt.date(2023, 1, 1),
                left=dt.date(2024, 1, 1 + n % 28 + 1) if n % 3 == 0 else None,
            )
        if n % 3 == 1:
            stay(health, member, joined=dt.date(2024, 1, 1))
    return members


def plain(text):
    """What the search gave before the index: a substring of the folded text."""
    return set(
        Member.objects.filter(search_text__contains=fold(text)).values_list("name", flat=True)
    )


def found(text):
    return set(Member.objects.search(text).values_list("name", flat=True))


@pytest.mark.parametrize(
    "text", ["Lanh", "LÃNH", "lan", "an", "a", "sao p", "étienne", "osaka", 'ity"', "zzz"]
)
def test_search_gives_the_members_of_a_plain_match(network, text):
    assert found(text) == plain(text)


@pytest.mark.parametrize(
    "text",
    ["Lanh", "lan", "an", "a", "", "sao p", "étienne", 'ity"', "zzz", "%", "_a", "\\", "'; --"],
)
def test_matching_ids_are_the_search_s_members(network, text):
    """The bitmaps' plain statement (`search.matching_ids`) finds the members the
    queryset finds, LIKE's wildcards and escapes taken as letters."""
    MemberFactory(name="100% Lan_ding \\ City")
    expected = set(Member.objects.search(text).values_list("pk", flat=True))

    assert set(search.matching_ids("default", fold(text))) == expected


def test_search_ignores_accents_and_case():
    MemberFactory(name="Cao Lãnh")

    assert found("Lanh") == {"Cao Lãnh"}
    assert found("CAO LANH") == {"Cao Lãnh"}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_search_of_three_letters_or_more_reads_the_index(network):
    with CaptureQueriesContext(connection) as queries:
        found("lanh")

    assert search.FTS in queries[0]["sql"]
    assert "LIKE" not in queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's pg_trgm index")
def test_trigram_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{search.TABLE}_search_trgm"]
        )
        (definition,) = cursor.fetchone()

    assert "gin_trgm_ops" in definition


@pytest.mark.parametrize("text", ['"', '""', 'a" OR "b', "NEAR(x y)", "*", "an*", "'; --"])
def test_search_text_is_never_read_as_an_operator(network, text):
    assert found(text) == plain(text)


def test_index_follows_every_change_of_a_member():
    member = MemberFactory(name="Oldtown")
    bulk = Member.objects.bulk_create(
        [Member(name="Bulkburg", slug="bulkburg", country_id="KE", search_text="bulkburg")]
    )

    assert found("oldt") == {"Oldtown"}
    assert found("lkbu") == {"Bulkburg"}
    member.name = "Newtown"
    member.save()
    Member.objects.filter(pk=bulk[0].pk).update(search_text="elsewhere")
    assert (found("oldt"), found("newt"), found("lkbu"), found("sewh")) == (
        set(),
        {"Newtown"},
        set(),
        {"Bulkburg"},
    )
    member.delete()
    assert found("newt") == set()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite drops triggers")
def test_index_is_made_again_after_a_table_rebuild_lost_its_triggers():
    MemberFactory(name="Before Rebuild")
    with connection.cursor() as cursor:
        for statement in search.SQLITE_REVERSE:
            cursor.execute(statement)
    MemberFactory(name="During Rebuild")  # no trigger: not in any index

    search.install(connection)
    MemberFactory(name="After Rebuild")

    assert found("rebuild") == {"Before Rebuild", "During Rebuild", "After Rebuild"}


def reference_clusters(members, filters) -> list[dict]:
    """The cluster facet as one count per cluster of its members on the date."""
    from gnlc.clusters.models import Cluster

    rows = []
    for cluster in Cluster.objects.select_related("theme"):
        inside = cluster.members_on(filters.get("as_of")).values("pk")
        count = members.filter(pk__in=inside).count()
        if count:
            theme = cluster.theme
            rows.append(
                {"value": theme.slug, "label": theme.label, "name": theme.name, "count": count}
            )
    return rows


def reference(data):
    """Count and facets as the directory counted them before: one query each."""
    form = DirectoryFilter(data)
    assert form.is_valid(), form.errors
    filters = form.filters
    directory = form.directory
    base = directory.base_queryset()
    narrowed = directory._narrowed(base)
    grouped = [f for f in form.FACETS if f != "cluster"]
    counts = narrowed.order_by().facet_counts([f for f in grouped if f not in filters])
    for name in grouped:
        if name in filters:
            counts[name] = directory._narrowed(base, but=name).order_by().facet_counts([name])[name]
    counts["cluster"] = reference_clusters(directory._narrowed(base, but="cluster"), filters)
    return {"count": narrowed.count(), "facets": {f: counts[f] for f in form.FACETS}}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"region": ["africa"]},
        {"region": ["africa", "arab-states"], "cohort": ["2019"]},
        {"country": ["VN", "FR"], "cohort": ["2021", "2023"]},
        {"status": ["suspended", "withdrawn"]},
        {"status": ["active"], "region": ["europe-and-north-america"], "country": ["KE"]},
        {"q": ["lan"]},
        {"q": ["an"], "country": ["VN"]},
        {"q": ["sa"], "status": ["active"], "cohort": ["2019"]},
        {"as_of": ["2024-02-05"]},
        {"as_of": ["2022-01-01"], "q": ["lanh"], "region": ["asia-and-the-pacific"]},
        {"q": ["nowhere"]},
        {"cohort": ["unknown"]},
        {"cluster": ["literacy"]},
        {"cluster": ["literacy", "health-and-well-being"], "country": ["FR"]},
        {"cluster": ["literacy"], "as_of": ["2024-02-05"], "status": ["active"]},
        {"cohort": ["unknown", "2019"], "region": ["asia-and-the-pacific"]},
        {"cohort": ["unknown"], "country": ["FR", "VN"], "status": ["active"]},
        {"q": ["lanh"], "cohort": ["2021", "unknown"]},
        {"as_of": ["2020-01-01"], "cohort": ["unknown"]},
    ],
)
def test_count_and_facets_equal_the_grouped_queries(network, query):
    data = MultiValueDict(query)

    assert DirectoryFilter(data).summary() == reference(data)


def test_api_cohort_years_count_as_the_form_s_text(network):
    """The API gives cohort years as ints, the form as text: the same counts."""
    api = Member.objects.directory({"cohort": [2019, "unknown"], "country": ["FR", "VN"]})
    form = DirectoryFilter(MultiValueDict({"cohort": ["2019", "unknown"], "country": ["FR", "VN"]}))

    assert api.summary() == form.summary()
    assert api.summary()["count"] == api.queryset().count()
    assert {row["value"] for row in api.summary()["facets"]["cohort"]} >= {"unknown", 2019}
