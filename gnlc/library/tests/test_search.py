"""Search ranking, matching, highlights and facets. The suite runs on SQLite locally and
on PostgreSQL in CI, so every test here checks whichever backend the database is."""

import pytest
from django.db import connection
from django.http import QueryDict

from gnlc.cities.models import Country
from gnlc.cities.tests.factories import MemberFactory
from gnlc.library.enums import PracticeState
from gnlc.library.forms import DocumentFilter, LibraryFilter
from gnlc.library.models import Practice
from gnlc.library.querysets import PracticeSearch, SearchResults
from gnlc.library.search import (
    ID_BUCKET,
    LISTED_TERM,
    backend_for,
    facet_of_term,
    facet_term,
    marked,
    rebuild_facets,
    rebuild_index,
    words,
)
from gnlc.library.tests.factories import DocumentFactory, PracticeFactory

pytestmark = pytest.mark.django_db


def titles(rows):
    return [row.title for row in rows]


def search(text, **filters):
    return LibraryFilter({"q": text, **filters}).results()


def test_backend_follows_the_database_vendor():
    expected = {"sqlite": "SQLiteBackend", "postgresql": "PostgresBackend"}[connection.vendor]

    assert type(backend_for(Practice.objects.all())).__name__ == expected


def test_search_ranks_a_title_match_above_a_body_match(member):
    PracticeFactory(
        title="Community gardens", body="Gardens teach about literacy too.", members=[member]
    )
    PracticeFactory(title="Literacy circles", body="Weekly circles.", members=[member])

    assert titles(search("literacy")[0:10]) == ["Literacy circles", "Community gardens"]


def test_search_ranks_more_occurrences_higher(member):
    PracticeFactory(title="A", body="Libraries open late. Reading circles meet.", members=[member])
    PracticeFactory(
        title="B",
        body="Reading circles, reading clubs and reading festivals: reading everywhere.",
        members=[member],
    )

    assert titles(search("reading")[0:10]) == ["B", "A"]


def test_search_requires_every_word(member):
    PracticeFactory(title="Adult literacy", members=[member])
    PracticeFactory(title="Adult numeracy", members=[member])

    assert titles(search("adult literacy")[0:10]) == ["Adult literacy"]
    assert search("adult literacy").count() == 1


def test_search_stems_english_words(member):
    PracticeFactory(title="Circles for adult learners", members=[member])

    assert titles(search("learner")[0:10]) == ["Circles for adult learners"]


def test_search_finds_words_of_the_markdown_body_not_its_markup(member):
    PracticeFactory(
        title="T", body="## Heading\n\n**Volunteers** run [it](https://e.org).", members=[member]
    )

    assert search("volunteers").count() == 1
    assert search("https").count() == 0


def test_search_ignores_query_syntax_and_punctuation(member):
    PracticeFactory(title="Adult literacy", members=[member])

    for text in ['"adult', "adult*", "-literacy adult", "adult:literacy", "(adult)"]:
        assert search(text).count() == 1, text


def test_search_leaves_out_unpublished_practices(member):
    PracticeFactory(title="Literacy draft", state=PracticeState.DRAFT, members=[member])
    PracticeFactory(title="Literacy archived", state=PracticeState.ARCHIVED, members=[member])
    PracticeFactory(title="Literacy published", members=[member])

    assert titles(search("literacy")[0:10]) == ["Literacy published"]


def test_search_follows_edits_and_deletions(member):
    practice = PracticeFactory(title="Gardens", body="Old words.", members=[member])

    practice.body = "New approach with seed libraries."
    practice.save()

    assert search("seed").count() == 1
    assert search("old").count() == 0
    practice.delete()
    assert search("seed").count() == 0


def _empty_the_index():
    """Lose every row of the practices' search index (as a bulk load with the triggers
    off leaves it), without touching the practices."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO library_practice_fts(library_practice_fts) VALUES ('delete-all')"
            )
        else:
            cursor.execute("TRUNCATE library_practice_fts")


def test_rebuild_index_reads_every_practice_again(member):
    PracticeFactory(title="Gardens", body="Seed libraries.", members=[member])
    PracticeFactory(title="Orchards", body="Seed swaps.", members=[member])
    _empty_the_index()
    assert Practice.objects.search("seed").count() == 0

    rebuild_index(connection)

    assert Practice.objects.search("seed").count() == 2
    assert titles(Practice.objects.search("orchards")) == ["Orchards"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search table")
def test_postgres_search_table_follows_inserts_deletes_and_truncation(member):
    def indexed():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM library_practice_fts ORDER BY id")
            return [row[0] for row in cursor.fetchall()]

    one = PracticeFactory(title="One", members=[member])
    two = PracticeFactory(title="Two", members=[member])
    assert indexed() == [one.pk, two.pk]
    one.delete()
    assert indexed() == [two.pk]
    with connection.cursor() as cursor:  # as `flush` empties the tables between tests
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred checks first
        cursor.execute("TRUNCATE library_practice CASCADE")
    assert indexed() == []


def test_newest_ids_are_the_highest_matching_ids_across_id_buckets(member):
    # Ids at both ends of PostgreSQL's windows of id buckets (ID_BUCKET ids each) read
    # down from the newest, 400: [400], [396-399], [380-395], ..., and in the rest it
    # reads at once when few matches are left; SQLite reads its index backwards.
    ids = [ID_BUCKET * n + 7 for n in (3, 59, 60, 315, 316, 379, 380, 395, 396, 399)]
    for pk in reversed(ids):
        PracticeFactory(id=pk, title=f"Kites {pk}", members=[member])
    PracticeFactory(id=ID_BUCKET * 400, title="Boats", members=[member])
    backend, practices = backend_for(Practice.objects.all()), Practice.objects.all()
    newest = sorted(ids, reverse=True)

    assert backend.newest_ids(practices, "kites", 1) == newest[:1]
    assert backend.newest_ids(practices, "kites", 2) == newest[:2]
    assert backend.newest_ids(practices, "kites", 4) == newest[:4]
    assert backend.newest_ids(practices, "kites", 20) == newest
    assert backend.newest_ids(practices, "kites", 20, [LISTED_TERM]) == newest
    assert backend.newest_ids(practices.filter(pk__lt=ids[8]), "kites", 10) == newest[2:]
    assert backend.newest_ids(practices, "ships", 10) == []


def test_search_finds_themes_and_cities_added_after_saving(member):
    practice = PracticeFactory(title="Something", members=[member])

    practice.themes.set([])
    practice.themes.add(*practice.themes.model.objects.filter(slug="entrepreneurship"))

    assert titles(search("entrepreneurship")[0:10]) == ["Something"]
    assert titles(search("nakuru")[0:10]) == ["Something"]
    assert titles(search("kenya")[0:10]) == ["Something"]


def test_search_finds_a_practice_when_a_city_adds_it_from_the_other_side(member):
    practice = PracticeFactory(title="Shared")
    other = MemberFactory(name="Kisumu")

    other.practices.add(practice)

    assert titles(search("kisumu")[0:10]) == ["Shared"]


def test_search_ignores_accents_both_ways(member):
    # FTS5: remove_diacritics; PostgreSQL: the unaccent extension in gnlc_english.
    PracticeFactory(title="Éducation des adultes", members=[member])
    PracticeFactory(title="Learning in Medellin", members=[member])

    assert titles(search("education")[0:10]) == ["Éducation des adultes"]
    assert titles(search("ÉDUCATION")[0:10]) == ["Éducation des adultes"]
    assert titles(search("medellín")[0:10]) == ["Learning in Medellin"]
    assert str(search("education")[0:1][0].highlight.title) == (
        "<mark>Éducation</mark> des adultes"
    )


def test_highlight_marks_matches_and_escapes_everything_else(member):
    PracticeFactory(
        title="<script>alert(1)</script> literacy",
        body='Literacy <img src=x onerror="alert(2)"> for all',
        members=[member],
    )

    [row] = search("literacy")[0:10]

    assert str(row.highlight.title) == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>literacy</mark>"
    assert "<img" not in str(row.highlight.excerpt)
    assert "<mark>Literacy</mark>" in str(row.highlight.excerpt)


def test_marked_escapes_then_adds_only_mark_tags():
    assert str(marked('<b onclick="x">\ue000a&b\ue001</b>')) == (
        "&lt;b onclick=&quot;x&quot;&gt;<mark>a&amp;b</mark>&lt;/b&gt;"
    )


def test_search_text_markers_are_stripped_from_saved_text(member):
    practice = PracticeFactory(title="A \ue000trick\ue001", members=[member])

    practice.refresh_from_db()
    assert practice.plain_text == "What the city did."
    assert "\ue000" not in Practice.objects.get(pk=practice.pk).search_tags


def test_words_keeps_at_most_twelve():
    assert words("a, b; c " * 10) == ["a", "b", "c"] * 4


def test_results_without_words_are_newest_first(member):
    PracticeFactory(title="Old", members=[member])
    PracticeFactory(title="New", members=[member])

    results = SearchResults(Practice.objects.published(), "")

    assert titles(results[0:10]) == ["New", "Old"]
    assert results[0:10][0].highlight is None


def test_results_pages_are_slices_of_the_ranking(member):
    for n in range(5):
        PracticeFactory(title=f"Literacy {n}", body="literacy " * (n + 1), members=[member])

    results = search("literacy")

    assert results.count() == 5
    assert titles(results[0:2]) + titles(results[2:4]) + titles(results[4:6]) == titles(
        results[0:5]
    )
    assert titles(results[0:5])[0] == "Literacy 4"


def test_facets_count_each_value_over_the_search(member):
    ghana = MemberFactory(name="Accra", country=Country.objects.get(iso2="GH"))
    egypt = MemberFactory(name="Aswan", country=Country.objects.get(iso2="EG"))
    PracticeFactory(title="Literacy one", themes=["literacy"], sdgs=[4], members=[member])
    PracticeFactory(
        title="Literacy two",
        themes=["literacy", "equity-and-inclusion"],
        sdgs=[4, 10],
        members=[member, ghana],
        year_started=2018,
        language="fr",
    )
    PracticeFactory(title="Literacy three", themes=["literacy"], members=[egypt])
    PracticeFactory(title="Gardens", themes=["health-and-well-being"], members=[member])

    facets = LibraryFilter({"q": "literacy"}).facets()

    assert [(r["value"], r["count"]) for r in facets["theme"]] == [
        ("equity-and-inclusion", 1),
        ("literacy", 3),
    ]
    assert [(r["value"], r["count"]) for r in facets["sdg"]] == [(4, 2), (10, 1)]
    assert [(r["value"], r["count"]) for r in facets["region"]] == [
        ("africa", 2),
        ("arab-states", 1),
    ]
    assert [(r["value"], r["count"]) for r in facets["country"]] == [
        ("EG", 1),
        ("GH", 1),
        ("KE", 2),
    ]
    assert [(r["value"], r["count"]) for r in facets["year"]] == [(2020, 2), (2018, 1)]
    assert [(r["value"], r["count"]) for r in facets["language"]] == [("en", 2), ("fr", 1)]


def test_facets_follow_the_filters_and_mark_the_selected_value(member):
    ghana = MemberFactory(name="Accra", country=Country.objects.get(iso2="GH"))
    PracticeFactory(title="One", themes=["literacy"], sdgs=[4], members=[member])
    PracticeFactory(title="Two", themes=["literacy"], sdgs=[10], members=[ghana])
    PracticeFactory(title="Three", themes=["entrepreneurship"], sdgs=[4], members=[ghana])

    form = LibraryFilter({"sdg": "4"})
    facets = form.facets()

    assert form.queryset().count() == 2
    # The chosen facet counts over the other filters: the goals one could add.
    assert [(r["value"], r["count"], r["selected"]) for r in facets["sdg"]] == [
        (4, 2, True),
        (10, 1, False),
    ]
    assert [(r["value"], r["count"]) for r in facets["theme"]] == [
        ("entrepreneurship", 1),
        ("literacy", 1),
    ]


@pytest.mark.parametrize("words", ["", "practice"])
def test_facets_take_several_values_each(member, words):
    ghana = MemberFactory(name="Accra", country=Country.objects.get(iso2="GH"))
    viet_nam = MemberFactory(name="Cao Lãnh", country=Country.objects.get(iso2="VN"))
    PracticeFactory(title="One", themes=["literacy"], sdgs=[4], members=[member])
    PracticeFactory(title="Two", themes=["literacy"], sdgs=[10], members=[ghana])
    PracticeFactory(title="Three", themes=["entrepreneurship"], sdgs=[4], members=[ghana])
    PracticeFactory(title="Four", themes=["literacy"], sdgs=[4], members=[viet_nam, ghana])
    data = QueryDict(mutable=True)
    data.setlist("country", ["ke", "GH"])
    data.setlist("theme", ["literacy", "no-such-theme"])
    data["q"] = words

    form = LibraryFilter(data)
    facets = form.facets()

    assert form.filters["country"] == ["GH", "KE"]
    # Kenya or Ghana, and literacy: "Four" has a Ghanaian city among others.
    assert sorted(form.queryset().values_list("title", flat=True)) == ["Four", "One", "Two"]
    assert sorted(p.title for p in form.results()[0:10]) == ["Four", "One", "Two"]
    # Countries over the theme filter alone (the one Viet Nam brings, too).
    assert [(r["value"], r["count"], r["selected"]) for r in facets["country"]] == [
        ("GH", 2, True),
        ("KE", 1, True),
        ("VN", 1, False),
    ]
    # Themes over the countries alone.
    assert [(r["value"], r["count"], r["selected"]) for r in facets["theme"]] == [
        ("entrepreneurship", 1, False),
        ("literacy", 3, True),
    ]
    assert [(r["value"], r["count"]) for r in facets["sdg"]] == [(4, 2), (10, 1)]


def test_a_city_with_two_members_in_one_country_counts_once(member):
    other = MemberFactory(name="Kisumu")
    PracticeFactory(title="Joint", members=[member, other])

    facets = LibraryFilter({}).facets()

    assert [(r["value"], r["count"]) for r in facets["country"]] == [("KE", 1)]
    assert [(r["value"], r["count"]) for r in facets["region"]] == [("africa", 1)]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "literacy"}, ["One"]),
        ({"sdg": "10"}, ["Two"]),
        ({"country": "gh"}, ["Two"]),
        ({"region": "africa"}, ["One", "Two"]),
        ({"year": "2018"}, ["Two"]),
        ({"language": "fr"}, ["Two"]),
        ({"key_feature": "families"}, ["One"]),
        ({"q": "gardens", "region": "africa"}, ["Two"]),
        ({"region": "africa", "language": "fr", "year": "2018"}, ["Two"]),
        ({"region": "africa", "theme": "literacy", "key_feature": "families"}, ["One"]),
        ({"theme": "literacy", "sdg": "10"}, []),
    ],
)
def test_filters(member, params, expected):
    ghana = MemberFactory(name="Accra", country=Country.objects.get(iso2="GH"))
    PracticeFactory(title="One", themes=["literacy"], members=[member], key_feature="families")
    PracticeFactory(
        title="Two", body="Gardens.", sdgs=[10], members=[ghana], year_started=2018, language="fr"
    )

    assert sorted(titles(LibraryFilter(params).queryset())) == expected
    assert sorted(titles(LibraryFilter(params).results()[0:10])) == expected
    assert LibraryFilter(params).results().total == len(expected)


def test_a_theme_that_does_not_exist_matches_nothing(member):
    PracticeFactory(title="One", themes=["literacy"], members=[member])

    form = LibraryFilter({"theme": "no-such-theme", "q": "one"})

    assert list(form.queryset()) == []
    assert form.results()[0:10] == []
    assert form.results().total == 0


def test_facet_term_is_one_token_per_value():
    assert facet_term("region", "arab-states") == "xfacetregionarabstates"
    assert facet_term("key_feature", "education-system") == "xfacetkeyfeatureeducationsystem"
    assert facet_term("country", "GH") == "xfacetcountrygh"
    assert facet_term("sdg", 17) != facet_term("sdg", 1)
    assert words(facet_term("region", "latin-america-and-the-caribbean")) == [
        "xfacetregionlatinamericaandthecaribbean"
    ]


def test_facet_terms_follow_publication_and_tags(member):
    practice = PracticeFactory(state=PracticeState.DRAFT, members=[member], language="fr")
    practice.refresh_from_db()
    assert practice.facet_terms == ""

    practice.state = PracticeState.PUBLISHED
    practice.save()
    practice.themes.add(*practice.themes.model.objects.filter(slug="literacy"))
    practice.refresh_from_db()

    terms = practice.facet_terms.split()
    theme = practice.themes.get()
    assert facet_term("region", "africa") in terms
    assert facet_term("country", "KE") in terms
    assert facet_term("language", "fr") in terms
    assert facet_term("theme", theme.pk) in terms
    assert search("", theme="literacy", region="africa").total == 1

    practice.state = PracticeState.ARCHIVED
    practice.save()
    practice.refresh_from_db()
    assert practice.facet_terms == ""
    assert search("", region="africa").total == 0


@pytest.mark.parametrize(
    "pair",
    [
        ("region", "arab-states"),
        ("country", "GH"),
        ("theme", "6"),
        ("sdg", "17"),
        ("year", "2019"),
        ("language", "en"),
    ],
)
def test_facet_terms_read_back_into_their_facet_and_value(pair):
    regions = {facet_term("region", "arab-states"): "arab-states"}

    assert facet_of_term(facet_term(*pair), regions) == pair


def test_terms_of_no_counted_facet_read_back_as_nothing():
    assert facet_of_term(LISTED_TERM, {}) is None
    assert facet_of_term(facet_term("key_feature", "education-system"), {}) is None


def test_rebuild_facets_writes_the_terms_the_models_compute(member):
    ghana = MemberFactory(name="Accra", country=Country.objects.get(iso2="GH"))
    one = PracticeFactory(title="One", themes=["literacy"], sdgs=[4, 10], members=[member])
    two = PracticeFactory(title="Two", members=[member, ghana], key_feature="education-system")
    PracticeFactory(title="Draft", state=PracticeState.DRAFT, members=[ghana])
    expected = {p.pk: p.compute_facet_terms() for p in Practice.objects.all()}
    Practice.objects.update(facet_terms="")  # as after a bulk load
    # Words and a filter: read from the terms (a filter alone reads the facet table).
    assert LibraryFilter({"q": "two", "country": "GH"}).queryset().count() == 0

    rebuild_facets(connection)

    assert dict(Practice.objects.values_list("pk", "facet_terms")) == expected
    assert expected[one.pk]
    assert expected[two.pk]
    assert titles(LibraryFilter({"q": "two", "country": "GH"}).queryset()) == ["Two"]
    assert titles(LibraryFilter({"country": "GH"}).queryset()) == ["Two"]
    assert titles(search("two", key_feature="education-system")[0:10]) == ["Two"]


def test_a_filter_narrows_the_ranking_without_changing_it(member):
    egypt = MemberFactory(name="Aswan", country=Country.objects.get(iso2="EG"))
    for n, city in enumerate([member, egypt, member, egypt, member]):
        PracticeFactory(
            title=f"Practice {n}",
            body="literacy " * (n + 1) + "and more words " * (5 - n),
            members=[city],
        )

    everywhere = titles(search("literacy")[0:10])
    in_africa = titles(search("literacy", region="africa")[0:10])

    assert in_africa == [t for t in everywhere if t in {"Practice 0", "Practice 2", "Practice 4"}]
    assert in_africa[0] == "Practice 4"


def test_a_broad_search_estimates_its_count_and_ranks_the_newest_candidates(member, monkeypatch):
    monkeypatch.setattr(PracticeSearch, "EXACT", 3)
    monkeypatch.setattr(PracticeSearch, "CANDIDATES", 2)
    practices = [
        PracticeFactory(title=f"Literacy {n}", body="literacy " * (6 - n), members=[member])
        for n in range(6)
    ]
    # Newest of all, and the best match, but a draft: never listed, counted or ranked.
    PracticeFactory(
        title="Literacy draft", body="literacy " * 9, members=[member], state=PracticeState.DRAFT
    )

    results = search("literacy")

    # Three newest matches over half the range of ids: about twice as many in all.
    assert (results.approximate, results.total) == (True, 6)
    assert {r["value"]: r["count"] for r in results.facets()["region"]} == {"africa": 6}
    # Only the two newest are ranked (the fewer occurrences, the lower).
    assert results.count() == 2
    assert titles(results[0:10]) == ["Literacy 4", "Literacy 5"]
    assert practices[0].title not in titles(results[0:10])
    exact = search("literacy", theme="literacy")
    assert (exact.approximate, exact.total) == (False, 0)


def test_documents_are_searchable_with_highlights():
    DocumentFactory(title="Guidelines for learning cities", summary="Political will.")
    DocumentFactory(title="Handbook", summary="Monitoring learning cities.")

    results = DocumentFilter({"q": "guidelines"}).results()

    assert [str(d.highlight.title) for d in results[0:5]] == [
        "<mark>Guidelines</mark> for learning cities"
    ]
    assert DocumentFilter({"q": "learning"}).results().count() == 2


def test_a_broad_filter_lists_its_practices_newest_first(member, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    monkeypatch.setattr(PracticeSearch, "EXACT", 1)  # "broad": walk the dates, probe
    now = timezone.now()
    for days, title, sdgs in [
        (3, "Old", [4]),
        (1, "New", [4]),
        (2, "Other", [10]),
        (0, "Mid", [4]),
    ]:
        PracticeFactory(
            title=title, sdgs=sdgs, members=[member], published_at=now - dt.timedelta(days=days)
        )

    results = search("", sdg="4", region="africa")

    assert results.approximate
    assert titles(results[0:10]) == ["Mid", "New", "Old"]
