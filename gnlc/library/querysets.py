"""Domain queries of the library: who sees which practices, the filters and facets of
the search page, the API and the exports (one code path for all three), and ranked
search results that a Paginator can page through."""

from django.db import models
from django.db.models import BooleanField, Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils.safestring import mark_safe

from gnlc.core.text import sort_key
from gnlc.library.enums import SDG_NAMES, DocumentKind, Language, PracticeState
from gnlc.library.search import (
    LISTED_TERM,
    Highlight,
    backend_for,
    facet_table_counts,
    facet_term,
    words,
)


def _coordinated_member_ids(user) -> set[int]:
    return user.coordinated_member_ids() if user.is_authenticated else set()


class PracticeQuerySet(models.QuerySet):
    def published(self):
        """Practices the public library lists."""
        return self.filter(state=PracticeState.PUBLISHED)

    def waiting_for_moderation(self):
        """Practices submitted for publication, the longest waiting first: by their last
        change, which is the submission unless the secretariat has edited them since."""
        return self.filter(state=PracticeState.SUBMITTED).order_by("updated_at", "pk")

    def visible_to(self, user):
        """Practices `user` may open: published and archived ones for anyone; every
        practice for the secretariat; their own cities' drafts and submissions for a
        city coordinator."""
        from gnlc.accounts.rules import is_secretariat

        if is_secretariat(user):
            return self
        public = Q(state__in=[PracticeState.PUBLISHED, PracticeState.ARCHIVED])
        members = _coordinated_member_ids(user)
        if not members:
            return self.filter(public)
        own = self.filter(members__in=members).values("pk")
        return self.filter(public | Q(pk__in=own))

    def managed_by(self, user):
        """Practices `user` works on: the secretariat's are all; a coordinator's are
        their cities' ones, whatever their state."""
        from gnlc.accounts.rules import is_secretariat

        if is_secretariat(user):
            return self
        members = _coordinated_member_ids(user)
        return self.filter(pk__in=self.filter(members__in=members).values("pk"))

    def for_listing(self):
        """What lists show of each practice (cities with their country, themes), in a
        fixed number of queries whatever the number of rows."""
        from gnlc.cities.models import Member

        return self.prefetch_related(
            Prefetch("members", queryset=Member.objects.select_related("country").order_by("name")),
            "themes",
            "sdgs",
        )

    def searched(self, text: str, filters: dict) -> "PracticeSearch":
        """These practices (the listed ones) matching the words of `text` and the facet
        `filters` (cleaned: see `filter_by`), ranked, highlighted and counted per facet,
        each row ready for listing: what the search page, its downloads and the API
        show."""
        return PracticeSearch(
            self, text, filters=filters, prepare=lambda practices: practices.for_listing()
        )

    def search(self, text: str):
        """The practices matching the words of `text` (all of them), unranked."""
        if not words(text):
            return self
        return backend_for(self).matching(self, text)

    def filter_by(self, filters: dict):
        """Apply the search page's facet filters (theme, sdg, region, country, year,
        language, key_feature; each a value or a list of alternatives; other keys are
        ignored): one lookup of their terms in the full-text index, which has them for
        published practices only."""
        terms = facet_terms_for(filters)
        if terms is None:
            return self.none()
        return backend_for(self).matching(self, "", terms) if terms else self

    def facet_counts(self) -> dict[str, list[dict]]:
        """Counts per theme, SDG, region, country, starting year and language over these
        practices (published ones only: the others have no facet rows), in one grouped
        query over the facet table. A practice of two cities in one country counts once
        for that country."""
        from gnlc.library.models import PracticeFacet

        rows = (
            PracticeFacet.objects.using(self.db)
            .filter(practice_id__in=self.order_by().values("pk"), facet__in=COUNTED)
            .values_list("facet", "value")
            # COUNT(*): the (practice, facet, value) index alone answers, no row is read.
            .annotate(count=Count("*"))
            .order_by()
        )
        counts: dict[str, dict[str, int]] = {}
        for facet, value, count in rows:
            counts.setdefault(facet, {})[value] = count
        return labelled_facets(counts)


# The filters the facet terms answer, and the facets the search page counts.
FACET_FILTERS = ("theme", "sdg", "region", "country", "year", "language", "key_feature")
# Their rules, taken by both parsers of a search: the web forms (`LibraryFilter`,
# `DocumentFilter`) and the API's schemas (gnlc/library/api.py), which are its document.
YEARS = (1950, 2100)  # a practice's starting year, a document's year
SEARCH_MAX_LENGTH = 200
THEME_SLUG = r"^[-a-zA-Z0-9_]+$"
THEME_SLUG_MAX_LENGTH = 80
COUNTED = ("theme", "sdg", "region", "country", "year", "language")


def facet_groups_for(filters: dict) -> list[tuple[str, tuple[str, ...]]] | None:
    """The facet filters among `filters` as (facet, values) groups, values as the facet
    table stores them (a theme by its id, a country in capitals), sorted; a filter is a
    value or a list of alternatives. None if a filter can match nothing (it names only
    themes that do not exist); a theme that does not exist among others is left out."""
    from gnlc.library.models import Theme

    groups = []
    for name in FACET_FILTERS:
        values = filters.get(name)
        if values in (None, "", []):
            continue
        values = list(values) if isinstance(values, list | tuple) else [values]
        if name == "theme":
            values = list(Theme.objects.filter(slug__in=values).values_list("pk", flat=True))
            if not values:
                return None
        elif name == "country":
            values = [str(value).upper() for value in values]
        groups.append((name, tuple(sorted({str(value) for value in values}))))
    return groups


def facet_terms_for(filters: dict) -> list[tuple[str, ...]] | None:
    """The index terms (search.facet_term) of the facet filters among `filters`, a
    tuple of alternatives per filter; None if nothing can match (see facet_groups_for)."""
    groups = facet_groups_for(filters)
    return None if groups is None else _terms_of(groups)


def _terms_of(groups) -> list[tuple[str, ...]]:
    return [tuple(facet_term(name, value) for value in values) for name, values in groups]


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
    sql = f"SELECT {distinct}f0.practice_id FROM library_practicefacet f0 {joins} "  # noqa: S608
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
                "EXISTS (SELECT 1 FROM library_practicefacet f WHERE f.practice_id = "  # noqa: S608
                f"{table}.id AND f.facet = %s AND f.value IN ({', '.join(['%s'] * len(values))}))"
            )
            queryset = queryset.filter(
                RawSQL(  # noqa: S611 (our SQL; values are parameters)
                    exists,
                    [facet, *values],
                    output_field=BooleanField(),
                )
            )
        return queryset
    sql, params = _facet_join(groups)
    condition = RawSQL(  # noqa: S611 (our SQL; values are parameters)
        f"+{table}.id IN ({sql})", params, output_field=BooleanField()
    )
    return queryset.filter(condition)


def newest_with_facets(groups, limit: int, using: str) -> list[int]:
    """The ids of the newest published practices with one of the values of each (facet,
    values) of `groups`, highest first, read from the facet table alone (PostgreSQL
    merges the index ranges without reading a practice; SQLite walks one and looks the
    others up)."""
    from django.db import connections

    sql, params = _facet_join(groups)
    with connections[using].cursor() as cursor:
        cursor.execute(f"{sql} ORDER BY f0.practice_id DESC LIMIT %s", [*params, limit])
        return [row[0] for row in cursor.fetchall()]


def labelled_facets(counts: dict[str, dict[str, int]]) -> dict:
    """Raw counts {facet: {stored value: count}} as the page shows them: each facet's
    rows {value, label, count} in the facet's order, labels in the active language."""
    from gnlc.cities.models import REGION_LABELS, Country, Region
    from gnlc.library.models import Theme

    def get(facet):
        return counts.get(facet, {})

    themes = get("theme")
    regions = get("region")
    countries = get("country")
    language_labels = dict(Language.choices)
    theme_rows = Theme.objects.filter(pk__in=[int(v) for v in themes]) if themes else []
    region_rows = Region.objects.filter(pk__in=list(regions)) if regions else []
    # Countries in the active language, in its collation (as the directory lists them).
    country_rows = sorted(
        Country.objects.filter(pk__in=list(countries)) if countries else [],
        key=lambda country: sort_key(country.label),
    )
    return {
        "theme": [
            {"value": t.slug, "label": t.label, "count": themes[str(t.pk)]} for t in theme_rows
        ],
        "sdg": [
            {"value": number, "label": f"{number}. {SDG_NAMES[number]}", "count": count}
            for number, count in sorted((int(v), c) for v, c in get("sdg").items())
        ],
        "region": [
            {
                "value": r.slug,
                "label": str(REGION_LABELS.get(r.slug, r.slug)),
                "count": regions[r.slug],
            }
            for r in region_rows
        ],
        "country": [
            {"value": c.iso2, "label": c.label, "count": countries[c.iso2]} for c in country_rows
        ],
        "year": [
            {"value": year, "label": str(year), "count": count}
            for year, count in sorted(((int(v), c) for v, c in get("year").items()), reverse=True)
        ],
        "language": [
            {"value": code, "label": str(language_labels.get(code, code)), "count": count}
            for code, count in sorted(get("language").items(), key=lambda vc: (-vc[1], vc[0]))
        ],
    }


class DocumentQuerySet(models.QuerySet):
    def search(self, text: str):
        if not words(text):
            return self
        return backend_for(self).matching(self, text)

    def searched(self, text: str) -> "SearchResults":
        """These documents matching the words of `text`, ranked and highlighted: what
        the documents page and the API show."""
        return SearchResults(self, text)

    def filter_by(self, filters: dict):
        """The documents of the filters given (`kind`, `language`, `year`)."""
        documents = self
        for name in ("kind", "language", "year"):
            if name in filters:
                documents = documents.filter(**{name: filters[name]})
        return documents

    def facet_counts(self) -> dict[str, list[dict]]:
        documents = self.order_by()
        kinds, languages = dict(DocumentKind.choices), dict(Language.choices)
        return {
            "kind": [
                {
                    "value": r["kind"],
                    "label": str(kinds.get(r["kind"], r["kind"])),
                    "count": r["count"],
                }
                for r in documents.values("kind").annotate(count=Count("pk")).order_by("kind")
            ],
            "language": [
                {
                    "value": r["language"],
                    "label": str(languages.get(r["language"], r["language"])),
                    "count": r["count"],
                }
                for r in documents.values("language").annotate(count=Count("pk")).order_by("-count")
            ],
            "year": [
                {"value": r["year"], "label": str(r["year"]), "count": r["count"]}
                for r in documents.values("year").annotate(count=Count("pk")).order_by("-year")
            ],
        }


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
    (`filters["call"]`), without the facet filters; `filters` are applied as terms of
    the full-text index (see search.py) with the words, or from the facet table alone
    when there are no words.

    Once per request (and cached, see `summary`) it reads the ids of the newest
    matching practices, up to EXACT + 1 (`Backend.newest_ids`; without words, from the
    facet table), and counts their facets (`Backend.facet_counts`, or the facet table):

    - at most EXACT matches: the count and the facet counts are exact and every match
      is ranked;
    - more (a broad search): the count and the facet counts are estimates ("about N"):
      counts over the EXACT newest matches, scaled by their density in the range of
      ids; relevance ranks only the CANDIDATES newest matches, the only ones paged.

    A page ranks the summary's candidates (`Backend.ranked_among`) on the words alone:
    the filters narrow the matches, they do not change their order.

    The summary (count, facets) and each page's ids and highlights are cached per
    search, filters and page, keyed on the library's and the directory's data revisions
    (gnlc.cities.cache), so they are never stale.

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
        # None: a filter no practice can match (only themes that do not exist).
        self.groups = facet_groups_for(filters)
        self.terms = None if self.groups is None else _terms_of(self.groups)
        # Only facet filters (no words, no call): the facet table alone answers.
        self.facets_only = not self.text and bool(self.groups) and "call" not in filters
        # What the text index is asked: all listed practices (`queryset` is them) are
        # found by LISTED_TERM, so the index answers without reading any practice; a
        # call's practices are those of `queryset`, looked up.
        self.searched, self.search_terms = queryset, self.terms
        if self.terms is not None and "call" not in filters:
            self.searched = queryset.model.objects.using(queryset.db).all()
            self.search_terms = [LISTED_TERM, *self.terms]
        self._summary = None
        self._revision = None

    def _cached(self, kind, parts, compute):
        from gnlc.cities.cache import cached
        from gnlc.library.models import LibraryRevision

        if self._revision is None:
            self._revision = LibraryRevision.current()
        return cached(["library", kind, self._revision, *self.key, *parts], compute)

    def summary(self) -> dict:
        """{total, approximate, counts {facet: {value: count}}, candidates (with words:
        the ids of the matches to rank, newest first; the CANDIDATES newest of a broad
        search)}."""
        if self._summary is None:
            self._summary = self._cached("summary", [], self._compute_summary)
        return self._summary

    def _newest_ids(self, limit) -> list[int]:
        if self.terms is None:
            return []
        if self.facets_only:
            return newest_with_facets(self.groups, limit, self.base.db)
        if self.text or self.terms:
            backend = backend_for(self.base)
            return backend.newest_ids(self.searched, self.text, limit, self.search_terms)
        return list(self.base.order_by("-pk").values_list("pk", flat=True)[:limit])

    def _compute_summary(self) -> dict:
        from gnlc.library.models import PracticeFacet

        ids = self._newest_ids(self.EXACT + 1)
        approximate = len(ids) > self.EXACT
        sample = ids[: self.EXACT]
        facets = PracticeFacet.objects.using(self.base.db)
        if self.facets_only:  # ids read from the facet table: counted from its index
            sampled = facet_table_counts(self.base.db, sample, COUNTED)
        else:  # counted from the rows the search has just read
            sampled = backend_for(self.base).facet_counts(self.base, sample, COUNTED)
        scale, total = 1.0, len(sample)
        if approximate:
            # The sample is every match from its lowest id up: assume the same density
            # over the whole range of published practices' ids. (Two queries: SQLite
            # reads a lone MIN or MAX from the index, both at once from every row.)
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
        return labelled_facets(counts)

    def count(self) -> int:
        """How many rows can be paged through: all matches, or for a broad search, the
        estimate without words (newest first), the CANDIDATES ranked ones with."""
        summary = self.summary()
        if summary["approximate"] and summary["candidates"] is not None:
            return len(summary["candidates"])
        return summary["total"]

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("SearchResults are read a page (a slice) at a time.")
        start, stop = item.start or 0, item.stop
        found = self._cached("page", [start, stop], lambda: self._compute_page(start, stop))
        by_id = self.prepare(self.base.model.objects.using(self.base.db)).in_bulk(found["ids"])
        rows = [by_id[pk] for pk in found["ids"] if pk in by_id]
        for row in rows:
            marks = found["highlights"].get(row.pk)
            # Escaped by search.marked() before it was cached.
            row.highlight = Highlight(*map(mark_safe, marks)) if marks else None
        return rows

    def _compute_page(self, start, stop) -> dict:
        if self.terms is None:
            return {"ids": [], "highlights": {}}
        backend = backend_for(self.base)
        if not self.text:
            rows = self.base
            if self.groups:
                rows = with_facets(rows, self.groups, many=self.summary()["approximate"])
            ids = rows.order_by("-published_at", "-pk").values_list("pk", flat=True)
            return {"ids": list(ids[start:stop]), "highlights": {}}
        # Rank the candidates the summary has read (ranked on the words; the filters
        # only narrow, see search.py), then take the page.
        candidates = self.summary()["candidates"]
        ranked = backend.ranked_among(self.searched, self.text, candidates, self.terms)
        ids = ranked[start:stop]
        highlights = backend.highlights(self.base, ids, self.text)
        return {
            "ids": ids,
            "highlights": {pk: (str(h.title), str(h.excerpt)) for pk, h in highlights.items()},
        }
