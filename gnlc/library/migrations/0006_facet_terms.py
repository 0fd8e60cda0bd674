"""Facet filters answered by the full-text index: each practice's facet values as terms
in a new column, `facet_terms`, indexed with the rest (weighing nothing in the rank),
with one more term, `xfacetlisted`, for every published practice.

The column is filled from the facet table; then the index is re-made with the column:
- SQLite: the FTS5 table and its triggers are dropped and made again with five columns,
  then re-read from the rows;
- PostgreSQL: the trigger function and trigger are replaced, then the column is filled,
  which has the trigger recompute each search_vector.

The listing's index gains the id (newest first, then id, read from the index). The SQL
is frozen here; gnlc.library.search re-creates the same objects after every migrate."""

from importlib import import_module

from django.db import migrations, models

PREFIX = "xfacet"
TERMS = (
    f"SELECT f.practice_id, '{PREFIX}' || replace(f.facet, '_', '') || "
    "lower(replace(f.value, '-', '')) AS term FROM library_practicefacet f "
    f"UNION ALL SELECT f.practice_id, '{PREFIX}listed' FROM library_practicefacet f "
    "WHERE f.facet = 'language'"
)
FILL = {
    "sqlite": "UPDATE library_practice SET facet_terms = wanted.terms FROM ("
    "SELECT t.practice_id AS id, group_concat(t.term, ' ') AS terms "
    f"FROM ({TERMS} ORDER BY 1, 2) AS t GROUP BY t.practice_id) AS wanted "
    "WHERE wanted.id = library_practice.id",
    "postgresql": "UPDATE library_practice SET facet_terms = wanted.terms FROM ("
    "SELECT t.practice_id AS id, string_agg(t.term, ' ' ORDER BY t.term) AS terms "
    f"FROM ({TERMS}) AS t GROUP BY t.practice_id) AS wanted "
    "WHERE wanted.id = library_practice.id",
}
COLUMNS = "title, summary, plain_text, search_tags, facet_terms"
NEW = ", ".join(f"new.{c}" for c in COLUMNS.split(", "))
OLD = ", ".join(f"old.{c}" for c in COLUMNS.split(", "))
FTS = "library_practice_fts"
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='library_practice', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON library_practice BEGIN "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON library_practice BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF {COLUMNS} ON library_practice BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) VALUES ('delete', old.id, {OLD}); "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) VALUES (new.id, {NEW}); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    # The table was re-made (SQLite adds a column so): its planner statistics went with
    # it, and without them SQLite would read a million rows' index to list the newest.
    "ANALYZE library_practice",
]
VECTOR = " || ".join(
    f"setweight(to_tsvector('english', coalesce(NEW.{column}, '')), '{weight}')"
    for column, weight in zip(COLUMNS.split(", "), "ABCBD", strict=True)
)
POSTGRES_INDEX = [
    "CREATE OR REPLACE FUNCTION library_practice_search_update() RETURNS trigger AS $$ "
    f"BEGIN NEW.search_vector := {VECTOR}; RETURN NEW; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS library_practice_search ON library_practice",
    f"CREATE TRIGGER library_practice_search BEFORE INSERT OR UPDATE OF {COLUMNS} "
    "ON library_practice FOR EACH ROW EXECUTE FUNCTION library_practice_search_update()",
]


def index_facet_terms(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        statements = [*SQLITE_DROP, FILL[vendor], *SQLITE_CREATE]
    elif vendor == "postgresql":
        # The trigger first: filling the column then recomputes each search_vector.
        statements = [*POSTGRES_INDEX, FILL[vendor]]
    else:
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def unindex_facet_terms(apps, schema_editor):
    """Back to the index of 0003 (four columns), before the column is removed."""
    fts = import_module("gnlc.library.migrations.0003_full_text_search")
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        practice_only = [sql for sql in fts.SQLITE if "library_practice" in sql]
        statements = [*SQLITE_DROP, *practice_only, f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')"]
    elif vendor == "postgresql":
        practice = [sql for sql in fts.POSTGRES if "library_practice" in sql]
        statements = [*practice, "UPDATE library_practice SET title = title"]
    else:
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("library", "0005_facet_index")]

    operations = [
        migrations.RemoveIndex(model_name="practice", name="practice_state_published"),
        migrations.AddField(
            model_name="practice",
            name="facet_terms",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddIndex(
            model_name="practice",
            index=models.Index(
                fields=["state", "published_at", "id"], name="practice_state_published_id"
            ),
        ),
        migrations.RunPython(index_facet_terms, unindex_facet_terms, elidable=False),
    ]
