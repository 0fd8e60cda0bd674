"""The full-text index of practices and documents, on the database in use:

- SQLite: FTS5 tables `library_practice_fts` and `library_document_fts` with the model
  tables as external content, and triggers keeping them in step;
- PostgreSQL: a `search_vector` tsvector column on each table, filled by a trigger and
  GIN-indexed.

The statements are written here, frozen, rather than imported: gnlc.library.search
re-creates the same objects (idempotently) after every migrate."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS library_practice_fts USING fts5(title, summary, "
    "plain_text, search_tags, content='library_practice', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS library_practice_fts_ai AFTER INSERT ON library_practice "
    "BEGIN INSERT INTO library_practice_fts(rowid, title, summary, plain_text, search_tags) "
    "VALUES (new.id, new.title, new.summary, new.plain_text, new.search_tags); END",
    "CREATE TRIGGER IF NOT EXISTS library_practice_fts_ad AFTER DELETE ON library_practice "
    "BEGIN INSERT INTO library_practice_fts(library_practice_fts, rowid, title, summary, "
    "plain_text, search_tags) VALUES ('delete', old.id, old.title, old.summary, "
    "old.plain_text, old.search_tags); END",
    "CREATE TRIGGER IF NOT EXISTS library_practice_fts_au AFTER UPDATE OF title, summary, "
    "plain_text, search_tags ON library_practice BEGIN INSERT INTO "
    "library_practice_fts(library_practice_fts, rowid, title, summary, plain_text, "
    "search_tags) VALUES ('delete', old.id, old.title, old.summary, old.plain_text, "
    "old.search_tags); INSERT INTO library_practice_fts(rowid, title, summary, plain_text, "
    "search_tags) VALUES (new.id, new.title, new.summary, new.plain_text, "
    "new.search_tags); END",
    "CREATE VIRTUAL TABLE IF NOT EXISTS library_document_fts USING fts5(title, summary, "
    "content='library_document', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS library_document_fts_ai AFTER INSERT ON library_document "
    "BEGIN INSERT INTO library_document_fts(rowid, title, summary) "
    "VALUES (new.id, new.title, new.summary); END",
    "CREATE TRIGGER IF NOT EXISTS library_document_fts_ad AFTER DELETE ON library_document "
    "BEGIN INSERT INTO library_document_fts(library_document_fts, rowid, title, summary) "
    "VALUES ('delete', old.id, old.title, old.summary); END",
    "CREATE TRIGGER IF NOT EXISTS library_document_fts_au AFTER UPDATE OF title, summary "
    "ON library_document BEGIN INSERT INTO library_document_fts(library_document_fts, "
    "rowid, title, summary) VALUES ('delete', old.id, old.title, old.summary); "
    "INSERT INTO library_document_fts(rowid, title, summary) "
    "VALUES (new.id, new.title, new.summary); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS library_practice_fts_ai",
    "DROP TRIGGER IF EXISTS library_practice_fts_ad",
    "DROP TRIGGER IF EXISTS library_practice_fts_au",
    "DROP TABLE IF EXISTS library_practice_fts",
    "DROP TRIGGER IF EXISTS library_document_fts_ai",
    "DROP TRIGGER IF EXISTS library_document_fts_ad",
    "DROP TRIGGER IF EXISTS library_document_fts_au",
    "DROP TABLE IF EXISTS library_document_fts",
]


def _postgres(table, weighted):
    vector = " || ".join(
        f"setweight(to_tsvector('english', coalesce(NEW.{column}, '')), '{weight}')"
        for column, weight in weighted
    )
    columns = ", ".join(column for column, _weight in weighted)
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
        f"CREATE INDEX IF NOT EXISTS {table}_search ON {table} USING gin (search_vector)",
        f"CREATE OR REPLACE FUNCTION {table}_search_update() RETURNS trigger AS $$ "
        f"BEGIN NEW.search_vector := {vector}; RETURN NEW; END $$ LANGUAGE plpgsql",
        f"DROP TRIGGER IF EXISTS {table}_search ON {table}",
        f"CREATE TRIGGER {table}_search BEFORE INSERT OR UPDATE OF {columns} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_search_update()",
    ]


POSTGRES = [
    *_postgres(
        "library_practice",
        [("title", "A"), ("summary", "B"), ("plain_text", "C"), ("search_tags", "B")],
    ),
    *_postgres("library_document", [("title", "A"), ("summary", "B")]),
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER IF EXISTS {t}_search ON {t}; DROP FUNCTION IF EXISTS {t}_search_update(); "
    f"ALTER TABLE {t} DROP COLUMN IF EXISTS search_vector"
    for t in ("library_practice", "library_document")
]


class VendorSQL(migrations.RunSQL):
    """RunSQL that runs only on one database vendor (the other's statements differ)."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("library", "0002_themes_and_sdgs")]

    operations = [
        VendorSQL("sqlite", SQLITE, SQLITE_REVERSE),
        VendorSQL("postgresql", POSTGRES, POSTGRES_REVERSE),
    ]
