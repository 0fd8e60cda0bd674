"""The members' name search index (gnlc.cities.search): an FTS5 trigram table with its
triggers on SQLite, a pg_trgm GIN index on PostgreSQL. The statements are frozen here;
gnlc.cities.search makes the same objects again, idempotently, after every migrate."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS cities_member_fts USING fts5(search_text, "
    "content='cities_member', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS cities_member_fts_ai AFTER INSERT ON cities_member BEGIN "
    "INSERT INTO cities_member_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cities_member_fts_ad AFTER DELETE ON cities_member BEGIN "
    "INSERT INTO cities_member_fts(cities_member_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cities_member_fts_au AFTER UPDATE OF search_text "
    "ON cities_member BEGIN INSERT INTO cities_member_fts(cities_member_fts, rowid, "
    "search_text) VALUES ('delete', old.id, old.search_text); INSERT INTO "
    "cities_member_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO cities_member_fts(cities_member_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS cities_member_fts_ad",
    "DROP TRIGGER IF EXISTS cities_member_fts_ai",
    "DROP TRIGGER IF EXISTS cities_member_fts_au",
    "DROP TABLE IF EXISTS cities_member_fts",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS cities_member_search_trgm ON cities_member "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS cities_member_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("cities", "0009_suggestion")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
