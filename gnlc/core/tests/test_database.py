"""SQLite as a server: concurrent writers wait for each other instead of failing with
"database is locked" (issue 14: three nominations at once, one 302 and two 500s).

The threads below do what a nomination does (count the country's nominations against
the quota, then write one), each on its own connection to one SQLite file, configured
by `gnlc.core.database` exactly as the settings configure the site's database."""

import threading

import pytest
from django.db import OperationalError, connections, transaction

from gnlc.core.database import database

QUOTA, ROUNDS, THREADS = 2, 25, 3


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """A connection alias to a new SQLite file (the test database is not used)."""
    alias = "sqlite_file"
    connections.settings[alias] = connections.configure_settings(
        {"default": {}, alias: database(f"sqlite:///{tmp_path / 'gnlc.sqlite3'}")}
    )[alias]
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE nomination (round INTEGER, by INTEGER)")
        yield alias
        connections[alias].close()
        del connections[alias]
    del connections.settings[alias]


def test_sqlite_runs_in_wal_mode_and_waits_when_busy(sqlite_file):
    with connections[sqlite_file].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout")
        timeout = cursor.fetchone()[0]

    assert (mode, timeout) == ("wal", 20_000)


def test_simultaneous_nominations_all_succeed_or_are_refused_never_locked(sqlite_file):
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def nominate(me):
        try:
            for round_ in range(ROUNDS):
                barrier.wait()
                try:
                    with transaction.atomic(using=sqlite_file):
                        cursor = connections[sqlite_file].cursor()
                        cursor.execute("SELECT COUNT(*) FROM nomination WHERE round = %s", [round_])
                        if cursor.fetchone()[0] >= QUOTA:
                            outcomes.append("refused")
                            continue
                        cursor.execute("INSERT INTO nomination VALUES (%s, %s)", [round_, me])
                    outcomes.append("nominated")
                except OperationalError as error:
                    outcomes.append(f"error: {error}")
        finally:
            connections[sqlite_file].close()

    threads = [threading.Thread(target=nominate, args=[n]) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == ["nominated", "refused"]
    assert outcomes.count("nominated") == QUOTA * ROUNDS
    with connections[sqlite_file].cursor() as cursor:
        cursor.execute("SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM nomination GROUP BY round)")
        assert cursor.fetchone()[0] == QUOTA
