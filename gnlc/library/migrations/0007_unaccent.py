"""PostgreSQL searches without regard to accents, as SQLite's FTS5 does ("education"
finds "Éducation", "medellin" finds "Medellín").

The `unaccent` extension (shipped with PostgreSQL; a trusted extension since version 13,
so the database's owner may create it) and a text search configuration `gnlc_english`:
English, with accents removed before stemming. The trigger functions are re-made with
it and every row's search_vector recomputed. SQLite needs nothing.

The SQL is frozen here; gnlc.library.search re-creates the same functions after every
migrate."""

from django.db import migrations

CONFIG = "gnlc_english"
CREATE_CONFIG = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "DO $$ BEGIN "
    f"IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN "
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english); "
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, english_stem; "
    "END IF; END $$",
]
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


def _functions(config):
    statements = []
    for table, weighted in TABLES.items():
        vector = " || ".join(
            f"setweight(to_tsvector('{config}', coalesce(NEW.{column}, '')), '{weight}')"
            for column, weight in weighted
        )
        statements += [
            f"CREATE OR REPLACE FUNCTION {table}_search_update() RETURNS trigger AS $$ "
            f"BEGIN NEW.search_vector := {vector}; RETURN NEW; END $$ LANGUAGE plpgsql",
            f"UPDATE {table} SET title = title",  # the trigger recomputes each vector
        ]
    return statements


def _run(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, [*CREATE_CONFIG, *_functions(CONFIG)])


def backwards(apps, schema_editor):
    _run(schema_editor, [*_functions("english"), f"DROP TEXT SEARCH CONFIGURATION {CONFIG}"])


class Migration(migrations.Migration):
    dependencies = [("library", "0006_facet_terms")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
