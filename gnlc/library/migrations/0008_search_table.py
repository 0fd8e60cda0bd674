"""PostgreSQL: each searched table's tsvector moves to a search table of its own,
`<table>_fts` (id, search_vector, facet_terms), as SQLite's FTS5 table is.

Why: a search walks the newest rows its words match, or reads the rows its index
matches. With the vector on the practice's own wide row, the vector was kept out of
line (TOAST), so every row walked cost two more lookups, and every match a read of the
wide row. The search table holds the vector in the row (storage MAIN) with the
practice's facet terms, so the facets of a search are counted from the rows it read
(docs/library.md, "Scale").

Forwards: the table is made and filled from the existing vectors (recomputed where one
is missing), GIN-indexed; the trigger now writes the search table on insert, update and
delete, and a statement trigger empties it when the model's table is truncated; the
model's column, its index and the old trigger go. Backwards: the reverse, the vectors
copied back. SQLite needs nothing.

The SQL is frozen here; gnlc.library.search re-creates the same objects after every
migrate."""

from django.db import migrations

CONFIG = "gnlc_english"
TABLES = {
    "library_practice": [
        ("title", "A"),
        ("summary", "B"),
        ("plain_text", "C"),
        ("search_tags", "B"),
        ("facet_terms", "D"),
    ],
    "library_document": [("title", "A"), ("summary", "B")],
}


def _vector(weighted, row):
    return " || ".join(
        f"setweight(to_tsvector('{CONFIG}', coalesce({row}.{column}, '')), '{weight}')"
        for column, weight in weighted
    )


def _bucket(row):
    """The term of the row's id bucket (4,096 ids), for reading the newest matches."""
    return f"setweight(to_tsvector('simple', 'xidbucket' || ({row}.id / 4096)), 'D')"


def _facets(table, row):
    return f"coalesce({row}.facet_terms, '')" if table == "library_practice" else "''"


def _forwards(table, weighted):
    fts, columns = f"{table}_fts", ", ".join(column for column, _weight in weighted)
    return [
        f"CREATE TABLE {fts} (id bigint PRIMARY KEY, search_vector tsvector NOT NULL, "
        "facet_terms text NOT NULL DEFAULT '')",
        f"ALTER TABLE {fts} ALTER COLUMN search_vector SET STORAGE MAIN, "
        "ALTER COLUMN facet_terms SET STORAGE MAIN",
        f"INSERT INTO {fts} (id, search_vector, facet_terms) "
        f"SELECT id, coalesce(search_vector, {_vector(weighted, table)}) || {_bucket(table)}, "
        f"{_facets(table, table)} FROM {table}",
        f"CREATE INDEX {fts}_search ON {fts} USING gin (search_vector)",
        f"DROP TRIGGER IF EXISTS {table}_search ON {table}",
        f"DROP INDEX IF EXISTS {table}_search",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
        f"CREATE OR REPLACE FUNCTION {table}_search_update() RETURNS trigger AS $$ BEGIN "
        f"IF TG_OP = 'DELETE' THEN DELETE FROM {fts} WHERE id = OLD.id; RETURN OLD; END IF; "
        f"INSERT INTO {fts} (id, search_vector, facet_terms) VALUES (NEW.id, "
        f"{_vector(weighted, 'NEW')} || {_bucket('NEW')}, {_facets(table, 'NEW')}) "
        "ON CONFLICT (id) DO UPDATE "
        "SET search_vector = EXCLUDED.search_vector, facet_terms = EXCLUDED.facet_terms; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        f"CREATE OR REPLACE FUNCTION {table}_search_truncate() RETURNS trigger AS $$ "
        f"BEGIN TRUNCATE {fts}; RETURN NULL; END $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {table}_search AFTER INSERT OR DELETE OR UPDATE OF {columns} "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_update()",
        f"CREATE TRIGGER {table}_search_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_search_truncate()",
        f"ANALYZE {fts}",
    ]


def _backwards(table, weighted):
    fts, columns = f"{table}_fts", ", ".join(column for column, _weight in weighted)
    return [
        f"DROP TRIGGER IF EXISTS {table}_search_truncate ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_search_truncate()",
        f"DROP TRIGGER IF EXISTS {table}_search ON {table}",
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector",
        f"UPDATE {table} SET search_vector = {fts}.search_vector FROM {fts} "
        f"WHERE {fts}.id = {table}.id",
        f"CREATE INDEX {table}_search ON {table} USING gin (search_vector)",
        f"CREATE OR REPLACE FUNCTION {table}_search_update() RETURNS trigger AS $$ "
        f"BEGIN NEW.search_vector := {_vector(weighted, 'NEW')}; RETURN NEW; END $$ "
        "LANGUAGE plpgsql",
        f"CREATE TRIGGER {table}_search BEFORE INSERT OR UPDATE OF {columns} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_search_update()",
        f"DROP TABLE {fts}",
    ]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, [s for t, w in TABLES.items() for s in _forwards(t, w)])


def backwards(apps, schema_editor):
    _run(schema_editor, [s for t, w in TABLES.items() for s in _backwards(t, w)])


class Migration(migrations.Migration):
    dependencies = [("library", "0007_unaccent")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
