import gzip
import io
import json
import re
import stat
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import User
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.audit.models import AuditEntry
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member, MembershipEvent
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core import backup
from gnlc.core.backup import FORMAT_VERSION, flush_tables, tables_with_data
from gnlc.library.models import PracticeFacet


def _drop_generated_at(value):
    if isinstance(value, dict):
        return {k: _drop_generated_at(v) for k, v in value.items() if k != "generated_at"}
    if isinstance(value, list):
        return [_drop_generated_at(v) for v in value]
    return value


def snapshot() -> dict:
    """The data as the full export shows it, with the audit log, users and roles."""
    out = io.StringIO()
    call_command("export", "members", format="json", stdout=out)
    return {
        "export": _drop_generated_at(json.loads(out.getvalue())),
        "audit": list(
            AuditEntry.objects.order_by("pk").values(
                "pk",
                "created_at",
                "actor",
                "actor_label",
                "action",
                "content_type__model",
                "object_id",
                "object_repr",
                "changes",
            )
        ),
        "users": list(User.objects.order_by("pk").values()),
        "roles": list(User.objects.order_by("pk").values("pk", "roles__kind", "roles__member")),
        "events": list(MembershipEvent.objects.order_by("pk").values()),
        "members": list(Member.objects.order_by("pk").values()),
    }


def _models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed]


@pytest.fixture
def migrated(db):
    """The models holding rows in a new, migrated database (reference data)."""
    return {m for m in _models() if m._base_manager.exists()}


def empty_the_database(migrated):
    """Back to what a new, migrated database holds."""
    flush_tables([m._meta.db_table for m in _models() if m not in migrated])


@pytest.fixture
def data(migrated):
    """Two members with history, a coordinator and the audit log their making wrote."""
    nakuru = MemberFactory(name="Nakuru", subdivision="Nakuru County", mayor="A. Mayor")
    MemberFactory(name="Mombasa", cohort=CohortFactory(year=2019))
    nakuru.record_event(EventKind.SUSPENDED, year=2024)
    user = UserFactory(email="coordinator@example.org")
    RoleFactory(user=user, kind=RoleKind.COORDINATOR, member=nakuru)
    return nakuru


def test_restore_into_an_empty_database_gives_the_same_data(data, migrated, tmp_path):
    before = snapshot()
    call_command("backup", str(tmp_path / "gnlc.backup.json.gz"), verbosity=0)
    empty_the_database(migrated)
    assert Member.objects.count() == 0

    call_command("restore", str(tmp_path / "gnlc.backup.json.gz"), verbosity=0)

    assert snapshot() == before
    assert len(before["members"]) == 2
    assert len(before["audit"]) > 0


def test_backup_writes_a_gzip_json_document_with_its_header(data, tmp_path):
    path = tmp_path / "b.json.gz"

    call_command("backup", str(path), verbosity=0)

    with gzip.open(path, "rt") as f:
        document = json.load(f)
    assert document["format"] == "gnlc-backup"
    assert document["format_version"] == FORMAT_VERSION
    assert document["vendor"] == connection.vendor
    assert "cities" in document["migrations"]
    assert {o["model"] for o in document["objects"]} >= {
        "cities.member",
        "cities.membershipevent",
        "accounts.user",
        "accounts.role",
        "audit.auditentry",
        "contenttypes.contenttype",
    }
    assert "sessions.session" not in {o["model"] for o in document["objects"]}


def test_restore_refuses_a_database_that_holds_data(data, tmp_path):
    path = tmp_path / "b.json.gz"
    call_command("backup", str(path), verbosity=0)

    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(path), verbosity=0)


def test_restore_with_force_replaces_the_data(data, tmp_path):
    before = snapshot()
    path = tmp_path / "b.json.gz"
    call_command("backup", str(path), verbosity=0)
    MemberFactory(name="Added after the backup")
    data.delete()

    call_command("restore", str(path), force=True, verbosity=0)

    assert snapshot() == before


def test_restore_with_force_leaves_the_library_search_matching_the_data(data, tmp_path):
    from gnlc.library.models import Practice
    from gnlc.library.tests.factories import PracticeFactory

    PracticeFactory(title="Seed libraries", members=[data])
    path = tmp_path / "b.json.gz"
    call_command("backup", str(path), verbosity=0)
    Practice.objects.all().delete()
    PracticeFactory(title="Kite festivals", members=[data])

    call_command("restore", str(path), force=True, verbosity=0)

    # The search index (SQLite's FTS5 table, PostgreSQL's search table) was emptied
    # with the tables and refilled by the load, so it finds what the data holds.
    assert list(Practice.objects.search("seed").values_list("title", flat=True)) == [
        "Seed libraries"
    ]
    assert not Practice.objects.search("kite").exists()
    # The facet rows, derived data, are re-made rather than restored.
    assert set(PracticeFacet.objects.filter(facet="country").values_list("value", flat=True)) == {
        data.country_id
    }


def test_restore_skips_the_facet_rows_an_older_backup_holds(data, tmp_path):
    from gnlc.library.tests.factories import PracticeFactory

    practice = PracticeFactory(title="Seed libraries", members=[data])
    path = tmp_path / "b.json.gz"
    call_command("backup", str(path), verbosity=0)
    with gzip.open(path, "rt") as f:
        document = json.load(f)
    assert not [o for o in document["objects"] if o["model"] == "library.practicefacet"]
    document["objects"] += [  # as backups made before facet rows were left out
        {"model": "library.practicefacet", "pk": n, "fields": {**row, "practice": practice.pk}}
        for n, row in enumerate(
            PracticeFacet.objects.filter(practice=practice).values("facet", "value"), start=1
        )
    ]
    with gzip.open(path, "wt") as f:
        json.dump(document, f)

    call_command("restore", str(path), force=True, verbosity=0)

    assert PracticeFacet.objects.filter(practice=practice, facet="country").exists()


def test_restore_is_atomic_when_an_object_fails(data, tmp_path):
    path = tmp_path / "b.json.gz"
    call_command("backup", str(path), verbosity=0)
    with gzip.open(path, "rt") as f:
        document = json.load(f)
    # The last event points at a member that does not exist: loading fails at the end.
    events = [o for o in document["objects"] if o["model"] == "cities.membershipevent"]
    events[-1]["fields"]["member"] = 999_999
    with gzip.open(path, "wt") as f:
        json.dump(document, f)
    before = snapshot()

    with pytest.raises(Exception):  # noqa: B017, PT011 - the database's or loaddata's own
        call_command("restore", str(path), force=True, verbosity=0)

    assert snapshot() == before


def test_restore_refuses_a_backup_of_other_migrations(data, migrated, tmp_path):
    path = tmp_path / "b.json.gz"
    call_command("backup", str(path), verbosity=0)
    with gzip.open(path, "rt") as f:
        document = json.load(f)
    document["migrations"]["cities"] = "9999_from_the_future"
    with gzip.open(path, "wt") as f:
        json.dump(document, f)
    empty_the_database(migrated)

    with pytest.raises(CommandError, match=r"apps that differ: cities\)"):
        call_command("restore", str(path), verbosity=0)


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")

    with pytest.raises(CommandError, match="is not a gnlc backup"):
        call_command("restore", str(path), verbosity=0)


def test_tables_with_data_is_empty_on_a_migrated_database(db):
    assert tables_with_data() == []


# Private and, with a key, encrypted (issue 14: a plain 0644 gzip of password hashes) ----


def test_a_backup_is_readable_by_its_owner_only(data, tmp_path):
    path = tmp_path / "b.json.gz"
    path.write_text("an older file, readable by all")
    path.chmod(0o644)

    call_command("backup", str(path), verbosity=0)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["b.json.gz"]


def test_an_encrypted_backup_restores_with_its_key(data, migrated, tmp_path, settings):
    settings.GNLC_BACKUP_KEY = backup.new_key()
    path = tmp_path / "b.gnlc"
    before = snapshot()

    call_command("backup", str(path), verbosity=0)
    empty_the_database(migrated)
    call_command("restore", str(path), verbosity=0)

    raw = path.read_bytes()
    assert raw.startswith(b"gnlc-backup-aesgcm-1\n")
    assert b"coordinator@example.org" not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert snapshot() == before


def test_an_encrypted_backup_of_many_records_restores(data, migrated, tmp_path, settings):
    settings.GNLC_BACKUP_KEY = backup.new_key()
    path = tmp_path / "b.gnlc"
    before = snapshot()
    with mock.patch.object(backup, "RECORD", 64):
        call_command("backup", str(path), verbosity=0)
    empty_the_database(migrated)

    call_command("restore", str(path), verbosity=0)

    assert snapshot() == before


@pytest.fixture
def encrypted(data, tmp_path, settings):
    settings.GNLC_BACKUP_KEY = backup.new_key()
    path = tmp_path / "b.gnlc"
    with mock.patch.object(backup, "RECORD", 64):
        call_command("backup", str(path), verbosity=0)
    return path


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "is encrypted: set GNLC_BACKUP_KEY to the key it was made with."),
        (
            "another",
            "cannot be decrypted with this GNLC_BACKUP_KEY: the key is not the one it was made "
            "with, or the file is damaged.",
        ),
        ("not-a-key", "GNLC_BACKUP_KEY is not a backup key (32 bytes in URL-safe base64)"),
    ],
)
def test_restore_without_the_right_key_says_so_and_changes_nothing(
    encrypted, settings, key, message
):
    settings.GNLC_BACKUP_KEY = backup.new_key() if key == "another" else key
    before = snapshot()

    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("restore", str(encrypted), force=True, verbosity=0)

    assert snapshot() == before


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda raw: raw[:-40], "is cut short: its last part is missing."),
        # A byte of the first record's ciphertext (after the header and the record's head).
        (lambda raw: raw[:44] + bytes([raw[44] ^ 1]) + raw[45:], "cannot be decrypted"),
        (lambda raw: raw + b"more", "has data after its end"),
    ],
    ids=["truncated", "altered", "appended"],
)
def test_a_damaged_encrypted_backup_is_refused(encrypted, damage, message):
    encrypted.write_bytes(damage(encrypted.read_bytes()))

    with pytest.raises(CommandError, match=message):
        call_command("restore", str(encrypted), force=True, verbosity=0)


def test_new_key_prints_a_key_that_encrypts(tmp_path, data, settings):
    out = io.StringIO()
    call_command("backup", new_key=True, stdout=out)
    settings.GNLC_BACKUP_KEY = out.getvalue().strip()

    call_command("backup", str(tmp_path / "b.gnlc"), verbosity=0)

    assert (tmp_path / "b.gnlc").read_bytes().startswith(backup.MAGIC)
