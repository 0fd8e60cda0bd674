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

The file is written with mode 0600 (it holds password hashes and second-factor
secrets), whole or not at all (a temporary file renamed). With `GNLC_BACKUP_KEY` set
(`gnlc backup --new-key` makes one) the gzip stream is encrypted with AES-256-GCM, in
records, so that neither side holds the whole file in memory twice:

    header:  b"gnlc-backup-aesgcm-1\n" + an 8-byte random nonce prefix
    records: flag (1 byte: 1 on the last record, else 0) + length (4 bytes, big-endian)
             + ciphertext of at most 1 MiB of gzip data with its 16-byte tag

Record i uses the nonce prefix + i (4 bytes, big-endian) and authenticates the header,
its flag and i as associated data: records cannot be dropped, reordered or spliced
from another backup, and a file cut short (no last record) is refused. `gnlc restore`
recognises an encrypted file by its header and reads it with the same variable; a
wrong key or a damaged file is said in a sentence.

A restore checks the format and that the target database is migrated to the same
migrations, refuses a database that holds data (unless forced), then in ONE transaction
empties every table and loads the objects (`loaddata`, which also resets PostgreSQL's
sequences): it either all happens or nothing does.
"""

import base64
import binascii
import datetime as dt
import gzip
import io
import json
import logging
import os
import secrets
import struct
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import django
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
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


# Encryption (see the module's docstring) ----------------------------------------------

MAGIC = b"gnlc-backup-aesgcm-1\n"
NONCE_PREFIX = 8
RECORD = 1024 * 1024
_RECORD_HEAD = struct.Struct(">BI")  # last-record flag, ciphertext length


def new_key() -> str:
    """A new key for GNLC_BACKUP_KEY: 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _cipher(key: str) -> AESGCM:
    try:
        raw = base64.urlsafe_b64decode(key.strip().encode())
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise BackupError(
            "GNLC_BACKUP_KEY is not a backup key (32 bytes in URL-safe base64): make one "
            "with `gnlc backup --new-key`."
        )
    return AESGCM(raw)


def _associated(header: bytes, last: int, index: int) -> bytes:
    return header + _RECORD_HEAD.pack(last, index)


class _EncryptingWriter(io.RawIOBase):
    """Encrypts what is written to it into `out`, record by record; `finish` writes the
    last record."""

    def __init__(self, out, key: str):
        self.out, self.cipher = out, _cipher(key)
        self.header = MAGIC + secrets.token_bytes(NONCE_PREFIX)
        self.pending, self.index = bytearray(), 0
        out.write(self.header)

    def writable(self):
        return True

    def write(self, data):
        self.pending += data
        while len(self.pending) > RECORD:
            self._record(bytes(self.pending[:RECORD]), last=0)
            del self.pending[:RECORD]
        return len(data)

    def _record(self, plain: bytes, *, last: int) -> None:
        nonce = self.header[-NONCE_PREFIX:] + struct.pack(">I", self.index)
        sealed = self.cipher.encrypt(nonce, plain, _associated(self.header, last, self.index))
        self.out.write(_RECORD_HEAD.pack(last, len(sealed)) + sealed)
        self.index += 1

    def finish(self) -> None:
        self._record(bytes(self.pending), last=1)
        self.pending.clear()


class _DecryptingReader(io.RawIOBase):
    """The plain gzip stream of an encrypted backup open in `source` (its header read)."""

    def __init__(self, source, header: bytes, key: str, name):
        self.source, self.header, self.name = source, header, name
        self.cipher = _cipher(key)
        self.buffer, self.index, self.done = b"", 0, False

    def readable(self):
        return True

    def _next_record(self) -> None:
        head = self.source.read(_RECORD_HEAD.size)
        if len(head) < _RECORD_HEAD.size:
            raise BackupError(f"{self.name} is cut short: its last part is missing.")
        last, length = _RECORD_HEAD.unpack(head)
        sealed = self.source.read(length)
        if len(sealed) < length:
            raise BackupError(f"{self.name} is cut short: its last part is missing.")
        nonce = self.header[-NONCE_PREFIX:] + struct.pack(">I", self.index)
        try:
            self.buffer = self.cipher.decrypt(
                nonce, sealed, _associated(self.header, last, self.index)
            )
        except InvalidTag:
            raise BackupError(
                f"{self.name} cannot be decrypted with this GNLC_BACKUP_KEY: the key is not "
                "the one it was made with, or the file is damaged."
            ) from None
        self.index += 1
        if last:
            self.done = True
            if self.source.read(1):
                raise BackupError(f"{self.name} has data after its end: it is damaged.")

    def readinto(self, target):
        while not self.buffer and not self.done:
            self._next_record()
        size = min(len(target), len(self.buffer))
        target[:size], self.buffer = self.buffer[:size], self.buffer[size:]
        return size


def _write_private(path: Path, write) -> None:
    """Call `write(binary file)` on a new file readable by its owner only (0600), put
    in place at `path` once complete."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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


def backup(path: Path, using: str = DEFAULT_DB_ALIAS, *, key: str | None = None) -> int:
    """Write the whole database to `path` (gzip JSON, mode 0600, encrypted with `key`,
    by default GNLC_BACKUP_KEY, when there is one); the number of objects."""
    key = settings.GNLC_BACKUP_KEY if key is None else key
    if key:
        _cipher(key)  # a bad key is said before the database is read
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

    def write(out):
        sink = _EncryptingWriter(out, key) if key else out
        with (
            gzip.GzipFile(fileobj=sink, mode="wb") as compressed,
            io.TextIOWrapper(compressed, encoding="utf-8") as text,
        ):
            json.dump(document, text, ensure_ascii=False, default=_plain)
        if key:
            sink.finish()

    _write_private(path, write)
    return len(objects)


def read(path: Path, *, key: str | None = None) -> dict:
    """The backup document in `path` (decrypted with `key`, by default GNLC_BACKUP_KEY,
    if it is encrypted), its format checked."""
    key = settings.GNLC_BACKUP_KEY if key is None else key
    try:
        with open(path, "rb") as raw:
            header = raw.read(len(MAGIC) + NONCE_PREFIX)
            if header.startswith(MAGIC):
                if not key:
                    raise BackupError(
                        f"{path} is encrypted: set GNLC_BACKUP_KEY to the key it was made with."
                    )
                source = io.BufferedReader(_DecryptingReader(raw, header, key, path))
            else:
                raw.seek(0)
                source = raw
            with gzip.GzipFile(fileobj=source, mode="rb") as compressed:
                document = json.load(io.TextIOWrapper(compressed, encoding="utf-8"))
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
