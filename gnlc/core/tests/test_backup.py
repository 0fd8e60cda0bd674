import gzip
import io
import json

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
