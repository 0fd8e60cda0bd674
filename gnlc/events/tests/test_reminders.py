import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from gnlc.accounts.tests.factories import UserFactory
from gnlc.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate().isoformat()


def remind(*args):
    out = io.StringIO()
    call_command("send_event_reminders", *args, stdout=out)
    return out.getvalue()


@override_settings(GNLC_EVENT_REMINDER_DAYS=2)
def test_confirmed_participants_are_reminded_once_days_before():
    soon, later = make_event(capacity=1, days=1), make_event(days=10)
    confirmed, waiting, too_early = UserFactory.create_batch(3)
    soon.register(confirmed)
    soon.register(waiting)
    later.register(too_early)
    guest = soon.register_guest("Guest", "guest@example.org")
    guest.cancel()  # a cancelled guest is not reminded either

    output = remind()

    assert [m.to for m in mail.outbox] == [[confirmed.email]]
    assert "Literacy webinar" in mail.outbox[0].subject
    assert soon.get_absolute_url() in mail.outbox[0].body
    assert output.splitlines()[-1] == f"1 event reminder(s) sent on {today()}."

    mail.outbox.clear()
    assert remind().splitlines()[-1] == f"0 event reminder(s) sent on {today()}."
    assert not mail.outbox


def test_a_guest_reminder_holds_their_link_to_cancel():
    event = make_event(days=1)
    event.register_guest("Guest", "guest@example.org", "fr")

    remind()

    (message,) = mail.outbox
    assert message.to == ["guest@example.org"]
    assert f"/fr/events/{event.slug}/cancel/" in message.body


def test_dry_run_sends_nothing_and_marks_nothing():
    event = make_event(days=1)
    event.register(UserFactory())

    assert remind("--dry-run").splitlines()[-1] == f"1 event reminder(s) would send on {today()}."
    assert not mail.outbox
    assert event.registrations.get().reminded_at is None
