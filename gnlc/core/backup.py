"""Whole-database backups that restore on SQLite and PostgreSQL alike.

A backup is one gzip-compressed JSON document:

    {"format": "gnlc-backup", "format_version": 1, "created_at": "...",
     "gnlc": "0.1.0", "django": "5.2.x", "vendor": "postgresql",
     "migrations": {"cities": "0007_...", ...},   # the last migration applied, per app
     "objects": [...]}                              # Django's JSON serialisation

`objects` is what `dumpdata --all` writes (Django's serialisation, plain primary keys, no
natural keys), but with datetimes to the microsecond, for every model but sessions (a
restore logs everybody out) and rows derived from others (`DERIVED`: the library's facet
table, re-made after the load). Content types and permissions are in it with their ids, so
every foreign key to them (the audit log's) keeps its meaning whatever ids the target's
own `migrate` gave them.

A restore checks the format and that the target database is migrated to the same
migrations, refuses a database that holds data (unless forced), then in ONE transaction
empties every table and loads the objects (`loaddata`, which also resets PostgreSQL's
sequences): it either all happens or nothing does.
"""

import datetime as dt
import gzip
import json
import logging
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import django
from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

FORMAT = "gnlc-backup"
FORMAT_VERSION = 1
# Not backed up: sessions are transient.
EXCLUDED = ["sessions"]
# Not backed up either: rows derived from others, re-made after a restore by the named
# function (called with the connection). Loading them would collide with the rows the
# load itself derives (a practice's facet rows are written when its cities are set).
DERIVED = {"library.practicefacet": "gnlc.library.search.rebuild_facets"}
# A database holding a row of any of these is not empty: `migrate` never writes them (it
# does write reference data: regions, countries, themes; those do not count).
DATA_MODELS = ["accounts.user", "cities.member", "audit.auditentry"]


class BackupError(Exception):
    """A backup that cannot be restored here, said in a sentence for the operator."""


def _gnlc_version() -> str:
    try:
        return version("gnlc")
    except PackageNotFoundError:  # a source tree that was never installed
        return "unknown"


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """{app label: name of its last applied migration} in database `using`."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _plain(value):
    """JSON for what Django's python serialiser leaves as objects. Datetimes keep their
    microseconds: DjangoJSONEncoder (dumpdata's) cuts them to milliseconds, so a
    restored row would not equal the original."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)  # Decimal, UUID, durations: their fields parse the string back


def dump_objects(using: str = DEFAULT_DB_ALIAS) -> list[dict]:
    """Every row of every concrete model but the `EXCLUDED` apps, in primary key order,
    as Django's serialised objects (many-to-many relations inside their objects)."""
    objects = []
    for model in apps.get_models():
        if model._meta.proxy or model._meta.app_label in EXCLUDED:
            continue
        if model._meta.label_lower in DERIVED:
            continue
        rows = model._base_manager.using(using).order_by(model._meta.pk.name)
        objects.extend(serializers.serialize("python", rows.iterator()))
    return objects


def backup(path: Path, using: str = DEFAULT_DB_ALIAS) -> int:
    """Write the whole database to `path` (gzip JSON); the number of objects."""
    objects = dump_objects(using)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "gnlc": _gnlc_version(),
        "django": django.get_version(),
        "vendor": connections[using].vendor,
        "migrations": applied_migrations(using),
        "objects": objects,
    }
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, default=_plain)
    return len(objects)


def read(path: Path) -> dict:
    """The backup document in `path`, its format checked."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            document = json.load(f)
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} is not a gnlc backup (gzip-compressed JSON): {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} is not a gnlc backup.")
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup of format {document.get('format_version')!r}; this version "
            f"of gnlc reads format {FORMAT_VERSION}."
        )
    return document


def tables_with_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Those of `DATA_MODELS` that hold rows in database `using`."""
    return [
        label for label in DATA_MODELS if apps.get_model(label)._base_manager.using(using).exists()
    ]


def flush_tables(tables: list[str], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Empty `tables` inside the current transaction. PostgreSQL will not TRUNCATE a
    table with foreign key checks still deferred from earlier writes in the same
    transaction: they are run first, then deferred again for the load."""
    connection = connections[using]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(statements)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    else:
        connection.ops.execute_sql_flush(statements)


def restore(path: Path, *, force: bool = False, using: str = DEFAULT_DB_ALIAS) -> int:
    """Replace the whole database with the backup in `path`; the number of objects."""
    document = read(path)
    here = applied_migrations(using)
    if document["migrations"] != here:
        differ = sorted(
            app
            for app in set(here) | set(document["migrations"])
            if here.get(app) != document["migrations"].get(app)
        )
        raise BackupError(
            "The database is not at the backup's migrations (apps that differ: "
            f"{', '.join(differ)}). Restore with the gnlc version that made the backup "
            f"({document['gnlc']}), on a database migrated with it, then upgrade."
        )
    if not force and (filled := tables_with_data(using)):
        raise BackupError(
            f"The database is not empty ({', '.join(filled[:5])}"
            f"{', ...' if len(filled) > 5 else ''} hold rows): restore into a new, migrated "
            "database, or pass --force to replace everything in this one."
        )
    connection = connections[using]
    with tempfile.TemporaryDirectory() as folder:
        fixture = Path(folder) / "backup.json"
        # Derived rows are skipped, also from backups made before they were left out.
        objects = [o for o in document["objects"] if o["model"] not in DERIVED]
        fixture.write_text(json.dumps(objects), encoding="utf-8")
        with transaction.atomic(using=using):
            flush_tables(
                connection.introspection.django_table_names(
                    only_existing=True, include_views=False
                ),
                using=using,
            )
            call_command("loaddata", str(fixture), database=using, verbosity=0)
            for rebuild in DERIVED.values():
                import_string(rebuild)(connection)
    try:
        # Cached public figures are keyed on the data revision, which the restore may
        # have set back to a number that meant other data.
        cache.clear()
    except Exception:
        logger.exception("cache not cleared after restore")
    return len(document["objects"])
