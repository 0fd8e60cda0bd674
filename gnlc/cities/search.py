# The SQL below is built from our own table and column names; the user's text only ever
# travels as a query parameter.
# ruff: noqa: S608, S611
"""Name search of members from an index, one interface over two databases.

A member's `search_text` holds its names and subdivision folded (lower case, accents
removed, `gnlc.core.text.fold`), and a search folds the user's text the same way, so
"Lanh" finds "Cao Lãnh" on both databases. A search is a substring match ("anla" finds
"Santalanh"), answered from an index of the text's trigrams instead of a read of every
row:

- **SQLite**: an FTS5 table `cities_member_fts` with the trigram tokenizer, with the
  members' table as its external content, kept in step by triggers on insert, update
  and delete (so `bulk_create`, the admin and raw SQL are covered as well as `save()`).
- **PostgreSQL**: a GIN index of `search_text`'s trigrams (`pg_trgm`), which the
  planner uses for `LIKE '%...%'`.

Trigrams need three characters: a shorter search reads the rows, as before.

The index is made by the app's migration and made again, idempotently, after every
`migrate` (`ensure_index`, from signals.py): SQLite drops a table's triggers when Django
rebuilds the table to alter it, and the index is then rebuilt from the rows.
"""

from django.db import connections
from django.db.models.expressions import RawSQL

TABLE = "cities_member"
FTS = f"{TABLE}_fts"
MIN_LENGTH = 3  # a trigram

SQLITE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(search_text, "
    f"content='{TABLE}', content_rowid='id', tokenize='trigram')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    " END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS}_au AFTER UPDATE OF search_text ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
    f" INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
]
SQLITE_TRIGGERS = {f"{FTS}_ai", f"{FTS}_ad", f"{FTS}_au"}
SQLITE_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in sorted(SQLITE_TRIGGERS)),
    f"DROP TABLE IF EXISTS {FTS}",
]
POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX IF NOT EXISTS {TABLE}_search_trgm ON {TABLE} "
    "USING gin (search_text gin_trgm_ops)",
]
POSTGRES_REVERSE = [f"DROP INDEX IF EXISTS {TABLE}_search_trgm"]


def install(connection) -> None:
    """Create the index where missing (idempotent). On SQLite, when the triggers were
    missing (a rebuilt table, a new database), the index is filled from the rows."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            if TABLE not in connection.introspection.table_names(cursor):
                return
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            complete = {row[0] for row in cursor.fetchall()} >= SQLITE_TRIGGERS
            for statement in SQLITE:
                cursor.execute(statement)
            if not complete:
                cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for statement in POSTGRES:
                cursor.execute(statement)


def uninstall(connection) -> None:
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}
    with connection.cursor() as cursor:
        for statement in statements.get(connection.vendor, []):
            cursor.execute(statement)


def ensure_index(sender, using, **kwargs) -> None:
    """post_migrate: the index as the migration made it, whatever migrate did since."""
    install(connections[using])


def _phrase(needle: str) -> str:
    """`needle` as a quoted FTS5 string: with the trigram tokenizer, a substring match.
    Quotes in the text are doubled, so no FTS5 operator of the user's is read as one."""
    return '"' + needle.replace('"', '""') + '"'


def _indexed(vendor: str, needle: str) -> bool:
    """Whether SQLite's FTS5 table answers `needle` (long enough for a trigram)."""
    return vendor == "sqlite" and len(needle) >= MIN_LENGTH


def _from_index(needle: str) -> tuple[str, list]:
    """SQLite's statement of the trigram index for `needle` (already folded): the ids of
    the members whose `search_text` contains it."""
    return f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s", [_phrase(needle)]


def matching(queryset, needle: str):
    """`queryset` narrowed to the members whose `search_text` contains `needle` (already
    folded), from the trigram index where the database has one and `needle` is long
    enough for it."""
    if _indexed(connections[queryset.db].vendor, needle):
        return queryset.filter(pk__in=RawSQL(*_from_index(needle)))
    # PostgreSQL's planner answers this LIKE from the trigram index.
    return queryset.filter(search_text__contains=needle)


def matching_ids(alias: str, needle: str) -> list[int]:
    """The ids of the members `matching` selects for `needle` (already folded), in one
    plain statement of the index: the members' bitmaps make each a bit (as a queryset,
    joined to the members' table and read through the ORM, they cost four times the
    index's answer: `bench/README.md`). On SQLite the FTS5 table alone; elsewhere, or
    for fewer letters than a trigram, the `LIKE` Django writes for `contains`."""
    connection = connections[alias]
    if _indexed(connection.vendor, needle):
        sql, params = _from_index(needle)
    else:
        operator = connection.operators["contains"]  # with its ESCAPE clause, if any
        sql = f"SELECT id FROM {TABLE} WHERE search_text {operator}"
        params = ["%" + connection.ops.prep_for_like_query(needle) + "%"]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
