import datetime as dt
import shutil
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections

from gnlc.accounts.models import User
from gnlc.accounts.tests.factories import UserFactory
from gnlc.core.database import database
from gnlc.events.enums import RegistrationStatus as R
from gnlc.events.models import Event, Registration
from gnlc.events.tests.factories import make_event


def statuses(event):
    return [(r.user.email, r.status) for r in event.registrations.select_related("user")]


@pytest.mark.django_db
def test_registrations_beyond_capacity_wait_in_order():
    event = make_event(capacity=2)
    people = UserFactory.create_batch(3)

    outcomes = [event.register(person).status for person in people]

    assert outcomes == [R.CONFIRMED, R.CONFIRMED, R.WAITING]


@pytest.mark.django_db
def test_no_capacity_means_no_waiting_list():
    event = make_event(capacity=None)

    assert {event.register(p).status for p in UserFactory.create_batch(5)} == {R.CONFIRMED}


@pytest.mark.django_db(transaction=True)
def test_cancelling_promotes_the_first_waiting_and_tells_them(reference_data):
    event = make_event(capacity=2)
    first, second, third, fourth = UserFactory.create_batch(4)
    mine = event.register(first)
    event.register(second)
    event.register(third)
    event.register(fourth)
    mail.outbox.clear()

    promoted = mine.cancel()

    assert promoted.user == third
    assert event.registrations.confirmed().count() == 2
    assert [r.user for r in event.registrations.waiting()] == [fourth]
    assert [m.to for m in mail.outbox] == [[third.email]]
    assert "Literacy webinar" in mail.outbox[0].subject
    assert event.get_absolute_url() in mail.outbox[0].body


@pytest.mark.django_db
def test_cancelling_a_waiting_place_promotes_nobody():
    event = make_event(capacity=1)
    event.register(UserFactory())
    waiting = event.register(UserFactory())

    assert waiting.cancel() is None
    assert event.registrations.confirmed().count() == 1


@pytest.mark.django_db
def test_a_person_registers_once_and_may_register_again_after_cancelling():
    event = make_event(capacity=3)
    person = UserFactory()
    registration = event.register(person)
    with pytest.raises(ValidationError):
        event.register(person)

    registration.cancel()

    assert event.register(person).status == R.CONFIRMED


@pytest.mark.django_db
def test_registration_closes_at_its_deadline():
    event = make_event(capacity=3)
    event.registration_deadline = event.starts_at - dt.timedelta(days=40)
    event.save()

    with pytest.raises(ValidationError):
        event.register(UserFactory())


def _configure(alias, path):
    connections.settings[alias] = connections.configure_settings(
        {"default": {}, alias: database(f"sqlite:///{path}")}
    )[alias]


def _forget(alias):
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


@pytest.fixture(scope="module")
def migrated_sqlite_file(tmp_path_factory, django_db_blocker):
    """A SQLite file with the schema, migrated once for the module's races."""
    path = tmp_path_factory.mktemp("race") / "migrated.sqlite3"
    _configure("events_race_template", path)
    with django_db_blocker.unblock():
        call_command("migrate", database="events_race_template", verbosity=0)
        _forget("events_race_template")
    return path


@pytest.fixture
def race_db(request, tmp_path, django_db_blocker):
    """The database the race runs on, each thread with its own connection: PostgreSQL's
    test database when DATABASE_URL names one; else a SQLite file configured as the
    site's (`gnlc.core.database`: WAL, busy timeout, BEGIN IMMEDIATE). Not SQLite's
    in-memory test database: threads share it through a cache whose table locks fail
    at once instead of waiting."""
    if connection.vendor == "postgresql":
        yield DEFAULT_DB_ALIAS
        return
    path = tmp_path / "race.sqlite3"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
    _configure("events_race", path)
    with django_db_blocker.unblock():
        yield "events_race"
        _forget("events_race")


def people(n, using):
    return [
        User.objects.db_manager(using).create_user(f"racer{i}@example.org", "a-long-password")
        for i in range(n)
    ]


def race(work, items):
    """Run `work(item)` for every item in its own thread, all starting together; the
    errors raised, if any."""
    barrier = threading.Barrier(len(items))
    errors = []

    def run(item):
        try:
            barrier.wait()
            work(item)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=[item]) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_never_go_over_capacity(race_db):
    """Eight people register at the same instant: the event's row lock (one writer at a
    time on SQLite) makes each count the others."""
    event = make_event(capacity=3, using=race_db)

    errors = race(
        lambda person: Event.objects.using(race_db).get(pk=event.pk).register(person),
        people(8, race_db),
    )

    registrations = Registration.objects.using(race_db)
    assert errors == []
    assert registrations.filter(status=R.CONFIRMED).count() == 3
    assert registrations.filter(status=R.WAITING).count() == 5


@pytest.mark.django_db(transaction=True)
def test_simultaneous_cancellations_promote_each_waiting_person_once(race_db):
    event = make_event(capacity=2, using=race_db)
    persons = people(5, race_db)
    registrations = [event.register(p) for p in persons]

    errors = race(
        lambda r: Registration.objects.using(race_db).get(pk=r.pk).cancel(), registrations[:2]
    )

    theirs = Registration.objects.using(race_db).filter(event=event).select_related("user")
    assert errors == []
    assert sorted(r.user.email for r in theirs.confirmed()) == [
        "racer2@example.org",
        "racer3@example.org",
    ]
    assert [r.user.email for r in theirs.waiting()] == ["racer4@example.org"]
