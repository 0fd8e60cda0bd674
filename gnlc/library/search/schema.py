# The SQL below is built from our own table and column names (the Index constants and
# the facet registry's selects); no user's text is in it.
# ruff: noqa: S608
"""The search's schema: the text index, its triggers (and PostgreSQL's search table),
made by the app's migrations and re-made (idempotent) after every `migrate`
(`ensure_index`), since SQLite drops triggers when Django rebuilds a table; and the
rebuilds after a bulk load (`rebuild_index`, `rebuild_facets`: `gnlc rebuild-search`)."""

from gnlc.library.search.facets import FACET_TERM_PREFIX, FACETS, LISTED_TERM
from gnlc.library.search.text import (
    ID_BUCKET,
    ID_BUCKET_PREFIX,
    INDEXES,
    Index,
    PostgresBackend,
)


def _sqlite_sql(index: Index) -> list[str]:
    cols = ", ".join(index.columns)
    new = ", ".join(f"new.{c}" for c in index.columns)
    old = ", ".join(f"old.{c}" for c in index.columns)
    fts, table = index.fts, index.table
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
    ]


def _postgres_vector(index: Index, row: str) -> str:
    """SQL of the weighted tsvector of the row `row` ("NEW" in a trigger, or a table),
    with its id's bucket term (weight D, never searched for by words)."""
    columns = [
        f"setweight(to_tsvector('{PostgresBackend.CONFIG}', coalesce({row}.{c}, '')), '{w}')"
        for c, w in zip(index.columns, index.pg_weights, strict=True)
    ]
    bucket = (
        f"setweight(to_tsvector('simple', '{ID_BUCKET_PREFIX}' || ({row}.id / {ID_BUCKET})), 'D')"
    )
    return " || ".join([*columns, bucket])


def _postgres_facets(index: Index, row: str) -> str:
    """SQL of the facet terms the search table copies from the row `row`."""
    return f"coalesce({row}.{index.facets}, '')" if index.facets else "''"


def _postgres_sql(index: Index) -> list[str]:
    table, fts = index.table, index.fts
    vector, facets = _postgres_vector(index, "NEW"), _postgres_facets(index, "NEW")
    return [
        # Storage MAIN: the vector (about 1.3 kB) and the facet terms stay in the row,
        # so a walk through the newest rows reads each one's vector from its page rather
        # than through TOAST (an index lookup and another page a row: twice as slow).
        f"CREATE TABLE IF NOT EXISTS {fts} (id bigint PRIMARY KEY, "
        "search_vector tsvector NOT NULL, facet_terms text NOT NULL DEFAULT '')",
        f"ALTER TABLE {fts} ALTER COLUMN search_vector SET STORAGE MAIN, "
        "ALTER COLUMN facet_terms SET STORAGE MAIN",
        f"CREATE INDEX IF NOT EXISTS {fts}_search ON {fts} USING gin (search_vector)",
        f"CREATE OR REPLACE FUNCTION {table}_search_update() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN DELETE FROM {fts} WHERE id = OLD.id; RETURN OLD; END IF; "
        f"INSERT INTO {fts} (id, search_vector, facet_terms) VALUES (NEW.id, {vector}, "
        f"{facets}) ON CONFLICT (id) DO UPDATE SET search_vector = EXCLUDED.search_vector, "
        "facet_terms = EXCLUDED.facet_terms; RETURN NEW; END $$ LANGUAGE plpgsql",
        f"CREATE OR REPLACE FUNCTION {table}_search_truncate() RETURNS trigger AS $$ "
        f"BEGIN TRUNCATE {fts}; RETURN NULL; END $$ LANGUAGE plpgsql",
        f"DROP TRIGGER IF EXISTS {table}_search ON {table}",
        f"CREATE TRIGGER {table}_search AFTER INSERT OR DELETE OR UPDATE OF "
        f"{', '.join(index.columns)} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_search_update()",
        f"DROP TRIGGER IF EXISTS {table}_search_truncate ON {table}",
        f"CREATE TRIGGER {table}_search_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_search_truncate()",
    ]


def ensure_index(connection, indexes=INDEXES) -> None:
    """Create the full-text index, its triggers (and search table) where missing.
    Idempotent. A table that lacks some of the indexed columns, or still has its own
    search_vector (migrated back to an older state), is left as its migrations made it."""
    builders = {"sqlite": _sqlite_sql, "postgresql": _postgres_sql}
    build = builders.get(connection.vendor)
    if build is None:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            config = PostgresBackend.CONFIG
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [config])
            if cursor.fetchone() is None:  # migrated back before 0007: as migrations made it
                return
        tables = set(connection.introspection.table_names(cursor))
        for index in indexes:
            if index.table not in tables:
                continue
            have = {
                c.name for c in connection.introspection.get_table_description(cursor, index.table)
            }
            if not set(index.columns) <= have:
                continue
            if "search_vector" in have:  # PostgreSQL migrated back before 0008_search_table
                continue
            for statement in build(index):
                cursor.execute(statement)


def rebuild_index(connection, indexes=INDEXES) -> None:
    """Re-read every row into the index (after a bulk load that bypassed triggers)."""
    with connection.cursor() as cursor:
        for index in indexes:
            if connection.vendor == "sqlite":
                cursor.execute(f"INSERT INTO {index.fts}({index.fts}) VALUES ('rebuild')")
            elif connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {index.fts}")
                cursor.execute(
                    f"INSERT INTO {index.fts} (id, search_vector, facet_terms) "
                    f"SELECT id, {_postgres_vector(index, index.table)}, "
                    f"{_postgres_facets(index, index.table)} FROM {index.table}"
                )


# Facets: one narrow row per (published practice, facet, value), made by each facet's
# `select` (search/facets.py), the same rows `Practice.refresh_facets` writes one by one.

# Each practice's facet terms from its facet rows, as facet_term() writes them, sorted.
_TERMS = (
    f"SELECT f.practice_id, '{FACET_TERM_PREFIX}' || replace(f.facet, '_', '') || "
    "lower(replace(f.value, '-', '')) AS term FROM library_practicefacet f "
    # LISTED_TERM, once per practice with rows (each has one language row)
    f"UNION ALL SELECT f.practice_id, '{LISTED_TERM}' FROM library_practicefacet f "
    "WHERE f.facet = 'language'"
)
FACET_TERMS_SQL = {
    "sqlite": "SELECT p.id, coalesce(group_concat(t.term, ' '), '') AS terms "
    f"FROM library_practice p LEFT JOIN ({_TERMS} ORDER BY 1, 2) AS t "
    "ON t.practice_id = p.id GROUP BY p.id",
    "postgresql": "SELECT p.id, coalesce(string_agg(t.term, ' ' ORDER BY t.term), '') AS terms "
    f"FROM library_practice p LEFT JOIN ({_TERMS}) AS t ON t.practice_id = p.id GROUP BY p.id",
}


def rebuild_facets(connection, terms: bool = True) -> None:
    """Re-make every facet row from the practices (after a bulk load, or if in doubt),
    then each practice's facet terms from its rows (only rows that change are written,
    so the text index re-reads only those). Only published practices have rows and
    terms: the public search lists nothing else. (`terms=False`: the rows only, for the
    migration that made the facet table before the terms had a column.)"""
    listed = "p.state = 'published'"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_practicefacet")
        for facet in FACETS:
            cursor.execute(
                "INSERT INTO library_practicefacet (practice_id, value, facet) "
                f"SELECT rows.*, '{facet.name}' FROM ({facet.select.format(listed=listed)}) AS rows"
            )
        if not terms:
            return
        cursor.execute(
            "UPDATE library_practice SET facet_terms = wanted.terms "
            f"FROM ({FACET_TERMS_SQL[connection.vendor]}) AS wanted "
            "WHERE wanted.id = library_practice.id AND library_practice.facet_terms <> wanted.terms"
        )
