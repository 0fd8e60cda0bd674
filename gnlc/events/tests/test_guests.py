"""Registration without an account: a mailed, signed link; the place taken only on
confirmation, under the event's lock; a link to cancel."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from gnlc.accounts.tests.factories import UserFactory
from gnlc.events.enums import Audience
from gnlc.events.enums import RegistrationStatus as R
from gnlc.events.models import Registration
from gnlc.events.tests.factories import make_event

pytestmark = pytest.mark.django_db


def link_in(message, name) -> str:
    return re.search(rf"https?://\S+/events/\S+/{name}/\S+/", message.body).group(0)


def ask(client, event, name="Amina Diallo", email="amina@example.org", **extra):
    mail.outbox.clear()
    return client.post(
        reverse("events:register-by-email", args=[event.slug]),
        {"name": name, "email": email, **extra},
    )


def confirm(client, event, **who):
    ask(client, event, **who)
    (message,) = mail.outbox
    return client.post(link_in(message, "confirm"))


def test_the_place_is_taken_only_once_the_mailed_link_is_confirmed(client):
    event = make_event(capacity=2)

    response = ask(client, event, email="Amina@Example.org")

    assert response.status_code == 200
    (message,) = mail.outbox
    assert message.to == ["amina@example.org"]
    assert "Literacy webinar" in message.subject
    assert not event.registrations.exists()
    link = link_in(message, "confirm")
    assert client.get(link).status_code == 200
    assert not event.registrations.exists()  # opening the link (a mail scanner) takes nothing

    mail.outbox.clear()
    client.post(link)

    (registration,) = event.registrations.all()
    assert (registration.user, registration.name, registration.email, registration.status) == (
        None,
        "Amina Diallo",
        "amina@example.org",
        R.CONFIRMED,
    )
    (registered,) = mail.outbox
    assert registered.to == ["amina@example.org"]
    assert f"/events/{event.slug}/cancel/" in registered.body


def test_confirming_twice_takes_one_place(client):
    event = make_event(capacity=5)
    ask(client, event)
    link = link_in(mail.outbox[0], "confirm")
    client.post(link)
    response = client.post(link)

    assert event.registrations.count() == 1
    assert "already registered" in response.content.decode()


def test_guests_never_go_over_capacity_and_wait_in_order(client):
    event = make_event(capacity=2)
    event.register(UserFactory())
    for n in range(3):
        confirm(client, event, name=f"Guest {n}", email=f"guest{n}@example.org")

    assert [(r.person_email, r.status) for r in event.registrations.select_related("user")][1:] == [
        ("guest0@example.org", R.CONFIRMED),
        ("guest1@example.org", R.WAITING),
        ("guest2@example.org", R.WAITING),
    ]
    assert event.registrations.confirmed().count() == 2


def test_a_guest_cancels_by_the_mailed_link_and_the_first_waiting_is_promoted_and_told(
    client, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    confirm(client, event, name="First", email="first@example.org")
    cancel_link = link_in(mail.outbox[-1], "cancel")
    confirm(client, event, name="Second", email="second@example.org")
    mail.outbox.clear()

    assert client.get(cancel_link).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_link)

    first, second = event.registrations.all()
    assert (first.status, second.status) == (R.CANCELLED, R.CONFIRMED)
    (told,) = mail.outbox
    assert told.to == ["second@example.org"]
    assert f"/events/{event.slug}/cancel/" in told.body  # their own link to cancel


def test_a_forged_or_foreign_link_registers_nobody(client):
    event, other = make_event(capacity=2), make_event(capacity=2)
    ask(client, other)
    link = link_in(mail.outbox[0], "confirm").replace(other.slug, event.slug)

    assert client.post(link).status_code == 400
    assert client.post(link.rstrip("/") + "x/").status_code == 400
    assert not Registration.objects.exists()


def test_only_public_events_take_guests(client):
    event = make_event(audience=Audience.MEMBERS)

    assert ask(client, event).status_code == 404
    assert not mail.outbox


def test_a_bot_filling_the_honeypot_is_told_the_same_and_nothing_is_sent(client):
    event = make_event()

    response = ask(client, event, website="http://spam.example")

    assert response.status_code == 200
    assert not mail.outbox


@override_settings(GNLC_RATE_LIMIT_MAIL=(2, 3600))
def test_the_form_is_rate_limited_per_client(client):
    event = make_event()
    codes = [ask(client, event, email=f"p{n}@example.org").status_code for n in range(3)]

    assert codes == [200, 200, 429]


def test_the_organiser_sees_guests_among_the_participants(client, secretariat):
    event = make_event(capacity=3)
    confirm(client, event)
    client.force_login(secretariat)

    page = client.get(reverse("events:participants", args=[event.slug])).content.decode()
    csv = client.get(reverse("events:participants-csv", args=[event.slug])).content.decode()

    assert "Amina Diallo" in page
    assert "amina@example.org" in page
    assert "Amina Diallo,amina@example.org,confirmed" in csv
