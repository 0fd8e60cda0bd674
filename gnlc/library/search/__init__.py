"""Search of the library: a small package.

- `facets.py`: the registry of the practices' facets (`FACETS`), read by the search
  form, the models, the SQL rebuild, the API's counts and the page's panels;
- `text.py`: the text index and its two backends (below);
- `schema.py`: the index's tables and triggers, and the rebuilds after a bulk load;
- `plan.py`: how one search is answered, a plan chosen once per search (browse,
  filters only, words with or without filters), read by the page, its downloads and
  the API alike (`PracticeSearch`).

Full-text search, one interface over two databases:

- **SQLite** (development, small installations): an FTS5 virtual table per model, with
  the model's table as its external content, kept in step by triggers on insert, update
  and delete; ranked by bm25() with per-column weights; highlights by highlight() and
  snippet().
- **PostgreSQL** (production): a search table per model (`<table>_fts`, like SQLite's:
  the row's id, its `search_vector`, weights A title, B summary and tags, C text, D
  facet terms, and a copy of its facet terms), GIN-indexed, kept in step by triggers on
  insert, update, delete and truncate; ranked by ts_rank(); highlights by ts_headline()
  over the model's own columns; English stemming after removing accents (the
  `gnlc_english` configuration, with the `unaccent` extension). A search reads only
  that table: each row holds its vector in the row itself (storage MAIN), where on the
  practice's own wide row it was kept out of line (TOAST) and every row a search
  walked cost two more lookups. Each vector also holds the term of its id's bucket,
  so the newest matches are read a window of ids at a time (`newest_ids`; migration
  0008_search_table; docs/library.md, "Scale").

The index, triggers and search table are made by the app's migrations and re-made
(idempotent) after every `migrate` (`schema.ensure_index`), since SQLite drops triggers
when Django rebuilds a table. The backend is chosen by the connection's vendor; callers only
see `Backend`.

Both backends read the user's text the same way: its words, all required (AND), with
English stemming ("learners" finds "learner"). Highlighted fragments come back as HTML
in which everything from the user is escaped and only <mark> tags are added.

Facet filters (theme, SDG, region, ...) are answered by the same index, as a search
engine does: each practice's facet values are indexed as terms ("xfacetregionafrica",
see `facet_term`) in a column of their own that counts nothing in the rank, and a
filtered search adds them to the words it requires. The database then intersects the
lists of matching rows inside its text index (FTS5 doclists, GIN posting lists), which
stays fast at a million practices where joining a facet table per filter did not.
Several values of one facet are alternatives: the terms given to a backend are groups,
each a term or a tuple of terms any of which will do (`("xfacetregionafrica",
"xfacetregionarabstates")`); the groups are all required.
"""

from gnlc.library.search.facets import (
    COUNTED,
    FACET_TERM_PREFIX,
    FACETS,
    LISTED_TERM,
    facet_of_term,
    facet_term,
)
from gnlc.library.search.schema import ensure_index, rebuild_facets, rebuild_index
from gnlc.library.search.text import (
    DOCUMENTS,
    ID_BUCKET,
    INDEXES,
    MARK_CLOSE,
    MARK_OPEN,
    PRACTICES,
    Backend,
    Highlight,
    Index,
    backend_for,
    marked,
    words,
)

__all__ = [
    "COUNTED",
    "DOCUMENTS",
    "FACETS",
    "FACET_TERM_PREFIX",
    "ID_BUCKET",
    "INDEXES",
    "LISTED_TERM",
    "MARK_CLOSE",
    "MARK_OPEN",
    "PRACTICES",
    "Backend",
    "Highlight",
    "Index",
    "backend_for",
    "ensure_index",
    "facet_of_term",
    "facet_term",
    "marked",
    "rebuild_facets",
    "rebuild_index",
    "words",
]
