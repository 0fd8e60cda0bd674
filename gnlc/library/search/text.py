# The SQL below is built from our own table and column names (the Index constants); the
# user's text only ever travels as a query parameter.
# ruff: noqa: S608, S611
"""The text index of the library and its two backends (see the package's docstring):
the words of a search, the terms of facet values, and the queries of each database."""

import re
from collections import Counter
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Protocol

from django.db import connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gnlc.library.search.facets import facet_of_term

# Private-use characters: what the database wraps matches in before we escape the text
# and turn them into <mark> tags. Saved text is stripped of them (models._indexable).
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
MAX_WORDS = 12
WORD = re.compile(r"\w+", re.UNICODE)


# PostgreSQL: every vector also holds the term of its id's bucket (id // ID_BUCKET), so
# a search can ask GIN for the matches among the newest ids only (newest_ids).
ID_BUCKET = 4096
ID_BUCKET_PREFIX = "xidbucket"


def id_bucket_term(bucket: int) -> str:
    return f"{ID_BUCKET_PREFIX}{bucket}"


def words(text: str) -> list[str]:
    """The words of a search, as both backends read it (at most MAX_WORDS)."""
    return WORD.findall(text or "")[:MAX_WORDS]


def term_groups(terms) -> list[tuple[str, ...]]:
    """`terms` as groups of alternatives: a bare term is a group of one."""
    return [(term,) if isinstance(term, str) else tuple(term) for term in terms]


def marked(fragment: str | None) -> SafeString:
    """Escape a fragment from the database, then turn its match markers into <mark>."""
    safe = escape(fragment or "")
    return mark_safe(  # noqa: S308 (escaped above; only our own tags are added)
        safe.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")
    )


@dataclass(frozen=True)
class Index:
    """What is searched in one model: its table, the indexed columns with their weight
    (highest first) and which column holds the long text excerpts come from."""

    table: str
    columns: tuple[str, ...]
    weights: tuple[float, ...]  # SQLite bm25() weights, one per column
    pg_weights: tuple[str, ...]  # PostgreSQL setweight() letters, one per column
    title: str
    excerpt: tuple[str, ...]  # columns to take an excerpt from, in order of preference
    # The column of facet terms (see facet_term), copied into PostgreSQL's search table
    # so the facets of a search are counted from the rows it has just read.
    facets: str | None = None

    @property
    def fts(self) -> str:
        """The search table: SQLite's FTS5 table, PostgreSQL's (id, search_vector)."""
        return f"{self.table}_fts"


PRACTICES = Index(
    table="library_practice",
    columns=("title", "summary", "plain_text", "search_tags", "facet_terms"),
    # facet_terms weighs nothing: a filter narrows the results, it does not rank them.
    weights=(10.0, 5.0, 1.0, 3.0, 0.0),
    pg_weights=("A", "B", "C", "B", "D"),
    title="title",
    excerpt=("plain_text", "summary"),
    facets="facet_terms",
)
DOCUMENTS = Index(
    table="library_document",
    columns=("title", "summary"),
    weights=(10.0, 3.0),
    pg_weights=("A", "B"),
    title="title",
    excerpt=("summary",),
)
INDEXES = (PRACTICES, DOCUMENTS)


@dataclass
class Highlight:
    title: SafeString
    excerpt: SafeString


class Backend(Protocol):
    """Full-text search over one model's rows, whatever the database."""

    # `terms`: facet terms (facet_term) the rows must also have, each a term or a tuple of
    # alternatives (term_groups); only the practices' index has them. `text` may be empty
    # when `terms` are given.

    def matching(self, queryset: QuerySet, text: str, terms=()) -> QuerySet:
        """`queryset` narrowed to the rows matching `text` and `terms`."""

    def ranked_ids(self, queryset: QuerySet, text: str, start: int, stop: int) -> list[int]:
        """The ids of `queryset`'s rows matching `text`, best first, from start to stop."""

    def ranked_among(self, queryset: QuerySet, text: str, ids: list[int], terms=()) -> list[int]:
        """`ids` (rows of `queryset` known to match `text` and `terms`), best first,
        ranked on `text` alone."""

    def newest_ids(self, queryset: QuerySet, text: str, limit: int, terms=()) -> list[int]:
        """The ids of `queryset`'s rows matching `text` and `terms`, highest first, at
        most `limit`: read in the index's own order, without ranking."""

    def highlights(self, queryset: QuerySet, ids: list[int], text: str) -> dict[int, Highlight]:
        """Title and excerpt with the matches marked, for the rows `ids`."""

    def facet_counts(self, queryset: QuerySet, ids: list[int], facets) -> dict[str, dict]:
        """{facet: {stored value: how many of the practices `ids` have it}}, for the
        facets named in `facets` (only published practices have facet values)."""


def _index_of(queryset: QuerySet) -> Index:
    table = queryset.model._meta.db_table
    return next(index for index in INDEXES if index.table == table)


def _joined(queryset, index: Index, key: str) -> tuple[str, list]:
    """The JOIN that applies `queryset`'s conditions to the matches of the search table
    (whose id column is `key`), if it has any: each match is then looked up in the
    model's table. Without conditions the search table alone answers (its rows are the
    model's, kept in step by the triggers)."""
    if not queryset.query.where:
        return "", []
    rows_sql, params = queryset.order_by().values("id").query.sql_with_params()
    return f"JOIN ({rows_sql}) AS filtered ON filtered.id = {index.fts}.{key} ", list(params)


class SQLiteBackend:
    """FTS5: MATCH a query of quoted words, bm25() rank, highlight() and snippet()."""

    @staticmethod
    def query(text: str, terms=()) -> str:
        # Each word quoted, so FTS5 operators and punctuation in the text mean nothing;
        # a group of alternative terms in parentheses, joined by OR. AND is written out:
        # FTS5 reads two quoted words side by side as AND, not a word and a parenthesis.
        parts = [f'"{word}"' for word in words(text)]
        for group in term_groups(terms):
            quoted = [f'"{term}"' for term in group]
            parts.append(quoted[0] if len(quoted) == 1 else f"({' OR '.join(quoted)})")
        return " AND ".join(parts)

    def matching(self, queryset, text, terms=()):
        index = _index_of(queryset)
        match = RawSQL(
            f"SELECT rowid FROM {index.fts} WHERE {index.fts} MATCH %s",
            [self.query(text, terms)],
        )
        return queryset.filter(pk__in=match)

    def ranked_ids(self, queryset, text, start, stop):
        return self._ranked(queryset, text, start, stop)

    def _ranked(self, queryset, text, start, stop, min_id=None, terms=()):
        """Ranked on `text` alone among the matches of `text` and `terms` (from the row
        `min_id` on, if given), from start to stop (None: to the end)."""
        index = _index_of(queryset)
        join, params = _joined(queryset, index, "rowid")
        weights = ", ".join(str(w) for w in index.weights)
        # The filtered rows joined to the matches, so SQLite walks the matches and looks
        # each row up by its key (rather than materialising the filtered rows); a lower
        # bound on rowid lets FTS5 seek past the rest of the matches.
        bound = f"AND {index.fts}.rowid >= %s " if min_id is not None else ""
        sql = (
            f"SELECT {index.fts}.rowid FROM {index.fts} {join}"
            f"WHERE {index.fts} MATCH %s {bound}ORDER BY bm25({index.fts}, {weights}), "
            f"{index.fts}.rowid DESC LIMIT %s OFFSET %s"
        )
        bounds = [min_id] if min_id is not None else []
        with connections[queryset.db].cursor() as cursor:
            limit = -1 if stop is None else stop - start  # SQLite: -1 is no limit
            cursor.execute(sql, [*params, self.query(text, terms), *bounds, limit, start])
            return [row[0] for row in cursor.fetchall()]

    def ranked_among(self, queryset, text, ids, terms=()):
        # The matches from the lowest of `ids` up, then only `ids`: a `rowid IN (...)`
        # makes FTS5 match every row first (5 s at a million practices).
        if not ids:
            return []
        among = set(ids)
        ranked = self._ranked(queryset, text, 0, None, min(ids), terms)
        return [pk for pk in ranked if pk in among]

    def newest_ids(self, queryset, text, limit, terms=()):
        index = _index_of(queryset)
        join, params = _joined(queryset, index, "rowid")
        sql = (
            f"SELECT {index.fts}.rowid FROM {index.fts} {join}"
            f"WHERE {index.fts} MATCH %s ORDER BY {index.fts}.rowid DESC LIMIT %s"
        )
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, [*params, self.query(text, terms), limit])
            return [row[0] for row in cursor.fetchall()]

    def highlights(self, queryset, ids, text):
        if not ids:
            return {}
        index = _index_of(queryset)
        title = index.columns.index(index.title)
        excerpts = ", ".join(
            f"snippet({index.fts}, {index.columns.index(c)}, %s, %s, '…', 32)"
            for c in index.excerpt
        )
        marks = [MARK_OPEN, MARK_CLOSE]
        sql = (
            f"SELECT rowid, highlight({index.fts}, {title}, %s, %s), {excerpts} "
            f"FROM {index.fts} WHERE {index.fts} MATCH %s "
            f"AND rowid IN ({', '.join(['%s'] * len(ids))})"
        )
        params = [*marks, *marks * len(index.excerpt), self.query(text), *ids]
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return {row[0]: Highlight(marked(row[1]), marked(_best(row[2:]))) for row in rows}

    def facet_counts(self, queryset, ids, facets):
        return facet_table_counts(queryset.db, ids, facets)


def facet_table_counts(using: str, ids: list[int], facets) -> dict[str, dict[str, int]]:
    """{facet: {stored value: count}} over the practices `ids`, from the facet table:
    COUNT(*), so its (practice, facet, value) index alone answers, no row is read."""
    counts: dict[str, dict[str, int]] = {}
    if not ids or not facets:
        return counts
    sql = (
        "SELECT facet, value, COUNT(*) FROM library_practicefacet "
        f"WHERE practice_id IN ({', '.join(['%s'] * len(ids))}) "
        f"AND facet IN ({', '.join(['%s'] * len(facets))}) GROUP BY facet, value"
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*ids, *facets])
        for facet, value, count in cursor.fetchall():
            counts.setdefault(facet, {})[value] = count
    return counts


def _best(excerpts) -> str:
    """The first excerpt with a match in it, else the first non-empty one."""
    for excerpt in excerpts:
        if excerpt and MARK_OPEN in excerpt:
            return excerpt
    return next((excerpt for excerpt in excerpts if excerpt), "")


class PostgresBackend:
    """The search table's GIN-indexed tsvector: plainto_tsquery (all words), ts_rank(),
    ts_headline(). Queries read the search table, joined to the model's table
    only when the queryset has conditions of its own (as SQLite's FTS5 does)."""

    # English with accents removed first (migration 0007_unaccent), as FTS5 does.
    CONFIG = "gnlc_english"

    def tsquery(self, text: str, terms=()) -> tuple[str, list]:
        """SQL of the tsquery of the words and terms, with its parameters: the words and
        single terms for plainto_tsquery (which requires them all), the groups of
        alternatives for to_tsquery, as `(a | b) & (c | d)` (facet terms are letters and
        digits only, see facet_term, so they need no quoting)."""
        groups = term_groups(terms)
        every = " ".join([*words(text), *(group[0] for group in groups if len(group) == 1)])
        alternatives = " & ".join(f"({' | '.join(group)})" for group in groups if len(group) > 1)
        plain, alternative = (
            f"plainto_tsquery('{self.CONFIG}', %s)",
            f"to_tsquery('{self.CONFIG}', %s)",
        )
        if not alternatives:
            return plain, [every]
        if not every:
            return alternative, [alternatives]
        return f"({plain} && {alternative})", [every, alternatives]

    def matching(self, queryset, text, terms=()):
        # A self-contained subquery: `queryset` may itself end up inside another query
        # (facets), where its table is aliased and a bare column reference would break.
        fts = _index_of(queryset).fts
        sql, params = self.tsquery(text, terms)
        match = RawSQL(f"SELECT id FROM {fts} WHERE search_vector @@ {sql}", params)
        return queryset.filter(pk__in=match)

    # Windows of id buckets, newest first: 1, 4, then 16 at a time (a query's time grows
    # with the square of its OR-ed terms: 16 buckets 10 ms, 64 buckets 90 ms, cold).
    WINDOWS = (1, 4)
    WINDOW = 16

    def newest_ids(self, queryset, text, limit, terms=()):
        """Read in windows of ids, newest first. GIN returns its matches in no order, so
        `ORDER BY id DESC LIMIT n` either walks the table backwards testing each row's
        vector (two words at a million practices: p95 108-119 ms cold) or reads every
        match (a page each). Instead each window adds its id buckets (ID_BUCKET ids;
        every vector holds its bucket's term, `id_bucket_term`) to the query, so GIN
        hands over only the window's matches: 1 bucket, 4, then 16 at a time, each read
        only while the windows before held fewer than `limit`. Once the rest of the ids
        holds few matches for what is still wanted (at the density seen so far, at most
        4 times as many: a rare word), the rest is read at once instead, in whichever
        way the planner prefers."""
        index = _index_of(queryset)
        join, params = _joined(queryset, index, "id")
        fts = index.fts
        query, query_params = self.tsquery(text, terms)
        matches = f"SELECT {fts}.id FROM {fts} {join}WHERE {fts}.search_vector @@ "
        with connections[queryset.db].cursor() as cursor:

            def read(sql, *extra):
                # `sql` is what follows the match: "{query}" stands for the tsquery.
                cursor.execute(matches + sql.format(query=query), [*params, *query_params, *extra])
                return [row[0] for row in cursor.fetchall()]

            cursor.execute(f"SELECT max(id) FROM {fts}")
            top = cursor.fetchone()[0]
            found: list[int] = []
            below = 0 if top is None else top // ID_BUCKET + 1  # buckets >= below: read
            for n, span in enumerate(chain(self.WINDOWS, repeat(self.WINDOW))):
                if below <= 0 or len(found) >= limit:
                    break
                if n >= len(self.WINDOWS):
                    # The matches the rest holds, at the density seen so far: if few, it
                    # is read at once.
                    rest = len(found) / (top + 1 - below * ID_BUCKET) * below * ID_BUCKET
                    if rest <= 4 * (limit - len(found)):
                        found += read(
                            f"{{query}} AND {fts}.id < %s ORDER BY {fts}.id DESC LIMIT %s",
                            below * ID_BUCKET,
                            limit - len(found),
                        )
                        break
                buckets = " | ".join(id_bucket_term(b) for b in range(max(0, below - span), below))
                window = read("({query} && to_tsquery('simple', %s))", buckets)
                found += sorted(window, reverse=True)
                below -= span
        return found[:limit]

    def ranked_ids(self, queryset, text, start, stop):
        index = _index_of(queryset)
        join, params = _joined(queryset, index, "id")
        fts, query = index.fts, f"plainto_tsquery('{self.CONFIG}', %s)"
        sql = (
            f"SELECT {fts}.id FROM {fts} {join}WHERE {fts}.search_vector @@ {query} "
            f"ORDER BY ts_rank({fts}.search_vector, {query}) DESC, {fts}.id DESC "
            "LIMIT %s OFFSET %s"
        )
        plain = " ".join(words(text))
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, [*params, plain, plain, stop - start, start])
            return [row[0] for row in cursor.fetchall()]

    def highlights(self, queryset, ids, text):
        if not ids:
            return {}
        index = _index_of(queryset)
        options = (
            f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, MaxFragments=1, "
            "MaxWords=40, MinWords=20, FragmentDelimiter=…"
        )
        query = f"plainto_tsquery('{self.CONFIG}', %s)"
        columns = [index.title, *index.excerpt]
        headlines = ", ".join(
            f"ts_headline('{self.CONFIG}', coalesce({c}, ''), {query}, %s)" for c in columns
        )
        sql = (
            f"SELECT id, {headlines} FROM {index.table} "
            f"WHERE id IN ({', '.join(['%s'] * len(ids))})"
        )
        title_options = f"StartSel={MARK_OPEN}, StopSel={MARK_CLOSE}, HighlightAll=true"
        plain = " ".join(words(text))
        params = [plain, title_options]
        for _column in index.excerpt:
            params += [plain, options]
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, [*params, *ids])
            rows = cursor.fetchall()
        return {row[0]: Highlight(marked(row[1]), marked(_best(row[2:]))) for row in rows}

    def ranked_among(self, queryset, text, ids, terms=()):
        # Each id looked up by the search table's key: the rows are known to match.
        if not ids:
            return []
        fts = _index_of(queryset).fts
        sql = (
            f"SELECT id FROM {fts} WHERE id = ANY(%s) ORDER BY "
            f"ts_rank(search_vector, plainto_tsquery('{self.CONFIG}', %s)) DESC, id DESC"
        )
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, [list(ids), " ".join(words(text))])
            return [row[0] for row in cursor.fetchall()]

    def facet_counts(self, queryset, ids, facets):
        # From the search table's copy of each practice's facet terms: the rows of the
        # newest matches the summary has just read, so no other table is visited (the
        # facet table's index, read at 2,000 scattered practices, cost 15 to 45 ms cold).
        index = _index_of(queryset)
        if not ids or not facets or index.facets is None:
            return {}
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT {index.facets} FROM {index.fts} WHERE id = ANY(%s)", [ids])
            terms = Counter(term for (row,) in cursor.fetchall() for term in row.split())
        counts: dict[str, dict[str, int]] = {}
        for term, count in terms.items():
            pair = facet_of_term(term)
            if pair is not None and pair[0] in facets:
                counts.setdefault(pair[0], {})[pair[1]] = count
        return counts


BACKENDS = {"sqlite": SQLiteBackend, "postgresql": PostgresBackend}


def backend_for(queryset: QuerySet) -> Backend:
    """The search backend of the database `queryset` reads from."""
    vendor = connections[queryset.db].vendor
    try:
        return BACKENDS[vendor]()
    except KeyError:
        raise NotImplementedError(f"Library search does not support {vendor}.") from None
