# The SQL below is built from our own table and column names; every value is a parameter.
# ruff: noqa: S608, S611
"""How one search of the practices is answered: a plan chosen once per search, by what
it was given (`plan_for`):

- `Browse`: no words, no facet filter (the listed practices, or a call's): the newest
  rows of the practices' table, counted from the text index's copy of their terms.
- `FiltersOnly`: facet filters without words: the facet table alone (one index range
  per value, joined on the practice), counted from its index.
- `Words`: words, with or without facet filters: the text index, the filters being more
  terms every match must have (search/text.py); ranked on the words alone.
- `NoMatch`: a filter nothing can match (only themes that do not exist).

The page (`PracticeSearch`: its count, facets and pages), its downloads and the API read
the rows through the same plan, so one URL gives the same rows everywhere: the page the
newest EXACT matches (counts estimated beyond), a download every match (`Plan.rows`).
"""

from django.apps import apps
from django.db import connections
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

from gnlc.core.cache import cached
from gnlc.library.search.facets import COUNTED, LISTED_TERM, groups_for, labelled, terms_of
from gnlc.library.search.text import Highlight, backend_for, facet_table_counts, words


def _facet_join(groups: list[tuple[str, tuple[str, ...]]]) -> tuple[str, list]:
    """SQL of the ids of the published practices with one of the values of each (facet,
    values) of `groups`, from the facet table alone (one index range per value, joined
    on the practice's id), and its parameters. Our own text only; every value is a
    parameter. Each id once: a practice can have two of a group's values (two of its
    cities' countries)."""

    def condition(n, values):
        return f"f{n}.facet = %s AND f{n}.value IN ({', '.join(['%s'] * len(values))})"

    joins = " ".join(
        f"JOIN library_practicefacet f{n} ON f{n}.practice_id = f0.practice_id "
        f"AND {condition(n, values)}"
        for n, (_facet, values) in enumerate(groups[1:], start=1)
    )
    # One value a group: no practice can repeat (a facet row is unique), no DISTINCT.
    distinct = "DISTINCT " if any(len(values) > 1 for _facet, values in groups) else ""
    sql = f"SELECT {distinct}f0.practice_id FROM library_practicefacet f0 {joins} "
    sql += f"WHERE {condition(0, groups[0][1])}"
    params = [item for facet, values in [*groups[1:], groups[0]] for item in (facet, *values)]
    return sql, params


def with_facets(queryset, groups: list[tuple[str, tuple[str, ...]]], *, many: bool = False):
    """`queryset` narrowed to the practices with one of the values of each (facet,
    values) of `groups`.

    `many`: the filters match many practices (more than PracticeSearch.EXACT), so the
    query's own order (an index) soon meets enough of them: each row it walks is looked
    up in the facet table (one index probe per value). Otherwise the matching ids are
    read once from the facet join, and the unary + keeps SQLite from driving the query
    from that list (reading each practice it names) rather than from its order."""
    table = queryset.model._meta.db_table
    if many:
        for facet, values in groups:
            exists = (
                "EXISTS (SELECT 1 FROM library_practicefacet f WHERE f.practice_id = "
                f"{table}.id AND f.facet = %s AND f.value IN ({', '.join(['%s'] * len(values))}))"
            )
            queryset = queryset.filter(
                RawSQL(exists, [facet, *values], output_field=BooleanField())
            )
        return queryset
    sql, params = _facet_join(groups)
    condition = RawSQL(f"+{table}.id IN ({sql})", params, output_field=BooleanField())
    return queryset.filter(condition)


def newest_with_facets(groups, limit: int, using: str) -> list[int]:
    """The ids of the newest published practices with one of the values of each (facet,
    values) of `groups`, highest first, read from the facet table alone (PostgreSQL
    merges the index ranges without reading a practice; SQLite walks one and looks the
    others up)."""
    sql, params = _facet_join(groups)
    with connections[using].cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY f0.practice_id DESC LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


class Plan:
    """How a search reads its practices. `base`: the listed practices (or a call's);
    `text`: its words (normalised); `groups`: its facet filters as (facet, stored
    values), `terms` the same as index terms."""

    def __init__(self, base, text: str, groups, *, call: bool):
        self.base, self.text, self.groups, self.call = base, text, groups, call
        self.terms = terms_of(groups or [])

    def newest_ids(self, limit: int) -> list[int]:
        """The ids of the newest matches, highest first, at most `limit`."""
        raise NotImplementedError

    def counts(self, ids: list[int]) -> dict[str, dict[str, int]]:
        """{facet: {stored value: count}} over the matches `ids`, for COUNTED."""
        return backend_for(self.base).facet_counts(self.base, ids, COUNTED)

    def page(self, start: int, stop: int, summary: dict) -> dict:
        """{ids, highlights} of the page from start to stop; `summary`: the search's."""
        rows = self.rows(many=summary["approximate"])
        ids = rows.order_by("-published_at", "-pk").values_list("pk", flat=True)
        return {"ids": list(ids[start:stop]), "highlights": {}}

    def rows(self, *, many: bool = False):
        """Every match, as a queryset of the practices (unordered): what a download of
        the search holds."""
        raise NotImplementedError


class NoMatch(Plan):
    def newest_ids(self, limit):
        return []

    def counts(self, ids):
        return {}

    def rows(self, *, many=False):
        return self.base.none()


class Browse(Plan):
    def newest_ids(self, limit):
        return list(self.base.order_by("-pk").values_list("pk", flat=True)[:limit])

    def rows(self, *, many=False):
        return self.base


class FiltersOnly(Plan):
    """Read from the facet table, whose index answers the filters and the counts; a
    call's practices (not in that table as such) are the text index's, with terms."""

    def newest_ids(self, limit):
        if self.call:
            return backend_for(self.base).newest_ids(self.base, "", limit, self.terms)
        return newest_with_facets(self.groups, limit, self.base.db)

    def counts(self, ids):
        if self.call:
            return super().counts(ids)
        return facet_table_counts(self.base.db, ids, COUNTED)

    def rows(self, *, many=False):
        return with_facets(self.base, self.groups, many=many)


class Words(Plan):
    """The text index: the words and the filters' terms all required. The listed
    practices are found by LISTED_TERM, so the index answers without reading any
    practice; a call's are those of `base`, looked up."""

    def __init__(self, base, text, groups, *, call):
        super().__init__(base, text, groups, call=call)
        self.searched, self.search_terms = base, self.terms
        if not call:
            self.searched = base.model.objects.using(base.db).all()
            self.search_terms = [LISTED_TERM, *self.terms]

    def newest_ids(self, limit):
        backend = backend_for(self.base)
        return backend.newest_ids(self.searched, self.text, limit, self.search_terms)

    def page(self, start, stop, summary):
        # Rank the candidates the summary has read (ranked on the words; the filters
        # only narrow, see search/text.py), then take the page.
        backend = backend_for(self.base)
        ranked = backend.ranked_among(self.searched, self.text, summary["candidates"], self.terms)
        ids = ranked[start:stop]
        highlights = backend.highlights(self.base, ids, self.text)
        return {
            "ids": ids,
            "highlights": {pk: (str(h.title), str(h.excerpt)) for pk, h in highlights.items()},
        }

    def rows(self, *, many=False):
        return backend_for(self.base).matching(self.base, self.text, self.terms)


def plan_for(base, text: str, filters: dict) -> Plan:
    """The plan of a search of `base` (the listed practices, or a call's if `filters`
    names one) for the words `text` and the facet `filters` (cleaned, see `groups_for`)."""
    text = " ".join(words(text))
    groups = groups_for(filters)
    call = "call" in filters
    if groups is None:
        return NoMatch(base, text, groups, call=call)
    if text:
        return Words(base, text, groups, call=call)
    if groups:
        return FiltersOnly(base, text, groups, call=call)
    return Browse(base, text, groups, call=call)


class SearchResults:
    """A ranked, highlighted search over a filtered queryset, sliceable like a queryset
    so that Django's Paginator pages through it. Without words it is the queryset in
    its own order (newest first). Each row carries `highlight` (title and excerpt with
    the matches marked, or None without a search)."""

    def __init__(self, queryset, text: str, *, prepare=None):
        self.text = " ".join(words(text))
        self.base = queryset
        self.matches = queryset.search(self.text) if self.text else queryset
        # What each page's rows are read with (prefetches), applied after ranking.
        self.prepare = prepare or (lambda qs: qs)
        self._count = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.matches.order_by().count()
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("SearchResults are read a page (a slice) at a time.")
        start, stop = item.start or 0, item.stop
        if not self.text:
            rows = list(self.prepare(self.matches)[start:stop])
            for row in rows:
                row.highlight = None
            return rows
        backend = backend_for(self.base)
        ids = backend.ranked_ids(self.base, self.text, start, stop)
        if not ids:
            return []
        by_id = self.prepare(self.base.model.objects.using(self.base.db)).in_bulk(ids)
        highlights = backend.highlights(self.base, ids, self.text)
        rows = [by_id[pk] for pk in ids if pk in by_id]
        for row in rows:
            row.highlight = highlights.get(row.pk)
        return rows


class PracticeSearch(SearchResults):
    """The search page's practices: ranked, highlighted, paged like SearchResults, with
    the facet counts, in a bounded amount of work whatever the size of the library.

    `queryset` is the listed (published) practices, or those of one call for practices
    (`filters["call"]`), without the facet filters; its plan (`plan_for`) says how the
    words and `filters` are read.

    Once per request (and cached, see `summary`) it reads the ids of the newest
    matching practices, up to EXACT + 1 (`Plan.newest_ids`), and counts their facets
    (`Plan.counts`):

    - at most EXACT matches: the count and the facet counts are exact and every match
      is ranked;
    - more (a broad search): the count and the facet counts are estimates ("about N"):
      counts over the EXACT newest matches, scaled by their density in the range of
      ids; relevance ranks only the CANDIDATES newest matches, the only ones paged.

    A page ranks the summary's candidates (`Backend.ranked_among`) on the words alone:
    the filters narrow the matches, they do not change their order.

    The summary (count, facets) and each page's ids and highlights are cached per
    search, filters and page, keyed on the library's and the directory's data revisions
    (gnlc.core.cache), so they are never stale.

    EXACT bounds the work of a broad search: at a million practices, 2,000 ids are read
    in 20 to 40 ms on SQLite and estimate counts within a few per cent (bench/library.py;
    docs/library.md, "Scale")."""

    EXACT = 2_000
    # bm25/ts_rank costs about 50 µs a row cold: 500 rows keep a broad search's first
    # page near 25 ms, and 25 pages of the best of the newest are more than people read.
    CANDIDATES = 500

    def __init__(self, queryset, text: str, *, filters: dict, prepare=None):
        super().__init__(queryset, text, prepare=prepare)
        self.filters = filters
        self.key = [self.text, sorted((name, str(value)) for name, value in filters.items())]
        self.plan = plan_for(queryset, self.text, filters)
        self._summary = None
        self._revision = None

    def _cached(self, kind, parts, compute):
        if self._revision is None:
            # By name: the models import this module (through their querysets).
            self._revision = apps.get_model("library", "LibraryRevision").current()
        return cached(["library", kind, self._revision, *self.key, *parts], compute)

    def summary(self) -> dict:
        """{total, approximate, counts {facet: {value: count}}, candidates (with words:
        the ids of the matches to rank, newest first; the CANDIDATES newest of a broad
        search)}."""
        if self._summary is None:
            self._summary = self._cached("summary", [], self._compute_summary)
        return self._summary

    def _compute_summary(self) -> dict:
        ids = self.plan.newest_ids(self.EXACT + 1)
        approximate = len(ids) > self.EXACT
        sample = ids[: self.EXACT]
        sampled = self.plan.counts(sample)
        scale, total = 1.0, len(sample)
        if approximate:
            # The sample is every match from its lowest id up: assume the same density
            # over the whole range of published practices' ids. (Two queries: SQLite
            # reads a lone MIN or MAX from the index, both at once from every row.)
            facets = apps.get_model("library", "PracticeFacet").objects.using(self.base.db)
            ids_of = facets.values_list("practice_id", flat=True)
            low = ids_of.order_by("practice_id").first()
            high = ids_of.order_by("-practice_id").first()
            scale = (high - low + 1) / (sample[0] - sample[-1] + 1)
            total = round(len(sample) * scale)
        counts = {
            facet: {value: max(1, round(count * scale)) for value, count in values.items()}
            for facet, values in sampled.items()
        }
        return {
            "total": total,
            "approximate": approximate,
            "counts": counts,
            "candidates": (ids[: self.CANDIDATES] if approximate else ids) if self.text else None,
        }

    @property
    def total(self) -> int:
        """How many practices match: exact, or an estimate if `approximate`."""
        return self.summary()["total"]

    @property
    def approximate(self) -> bool:
        return self.summary()["approximate"]

    def facets(self) -> dict:
        """The facets' counts, as multi-choice faceted search counts them: a facet
        without a chosen value counts over the results; one with some counts over the
        search with every other filter (its own left out), so its other values stay
        listed with what choosing them too would bring. One more (cached) summary per
        facet with a chosen value."""
        counts = dict(self.summary()["counts"])
        for name in COUNTED:
            if self.filters.get(name) in (None, "", []):
                continue
            others = {key: value for key, value in self.filters.items() if key != name}
            alone = PracticeSearch(self.base, self.text, filters=others, prepare=self.prepare)
            counts[name] = alone.summary()["counts"].get(name, {})
        return labelled(counts)

    def count(self) -> int:
        """How many rows can be paged through: all matches, or for a broad search, the
        estimate without words (newest first), the CANDIDATES ranked ones with."""
        summary = self.summary()
        if summary["approximate"] and summary["candidates"] is not None:
            return len(summary["candidates"])
        return summary["total"]

    def rows(self):
        """Every match, unordered (a download's rows): through the same plan."""
        return self.plan.rows()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("SearchResults are read a page (a slice) at a time.")
        start, stop = item.start or 0, item.stop
        found = self._cached(
            "page", [start, stop], lambda: self.plan.page(start, stop, self.summary())
        )
        by_id = self.prepare(self.base.model.objects.using(self.base.db)).in_bulk(found["ids"])
        rows = [by_id[pk] for pk in found["ids"] if pk in by_id]
        for row in rows:
            marks = found["highlights"].get(row.pk)
            # Escaped by search.marked() before it was cached.
            row.highlight = Highlight(*map(mark_safe, marks)) if marks else None
        return rows
