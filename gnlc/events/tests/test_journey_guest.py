"""Registering for an event without an account, in headless Chromium, from a blank
installation (issue 18): the secretariat publishes a public webinar; a visitor registers
with a name and an e-mail address, opens the link from the mail and confirms; the
secretariat finds them among the participants.

In English and in Arabic (right to left), with a screenshot of every page visited at 1280
and 390 px in test-results/journeys/."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from gnlc.core.tests.blank_install import Journey, create_secretariat, install, submit
from gnlc.events.models import Event

pytestmark = pytest.mark.browser
TITLE = "Learning cities for all ages"


@pytest.mark.parametrize("lang", ["en", "ar"])
@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_a_visitor_registers_by_e_mail_and_appears_among_the_participants(
    page, live_server, mailoutbox, lang
):
    install()
    journey = Journey("event-guest", lang, page.context.browser, live_server.url)
    url = journey.url
    secretariat = journey.window()
    link = create_secretariat("secretariat@unesco.example", language=lang, site_url=live_server.url)
    journey.welcome(secretariat, link, "secretariat")

    # The secretariat publishes a public webinar with one place.
    day = timezone.localdate() + dt.timedelta(days=20)
    secretariat.goto(url("/events/new/"))
    secretariat.fill("#id_title", TITLE)
    secretariat.select_option("#id_kind", "webinar")
    secretariat.fill("#id_start", f"{day.isoformat()}T10:00")
    secretariat.fill("#id_end", f"{day.isoformat()}T11:00")
    secretariat.select_option("#id_time_zone", "Europe/Paris")
    secretariat.check("#id_online")
    secretariat.check("input[name=languages][value=fr]")
    secretariat.select_option("#id_audience", "public")
    secretariat.fill("#id_capacity", "1")
    submit(secretariat)
    secretariat.locator(".message--success").wait_for()
    event = Event.objects.get()

    # A visitor without an account registers with their address.
    mailoutbox.clear()
    visitor = journey.window()
    journey.visit(visitor, f"/events/{event.slug}/", "event")
    visitor.click("#register-by-email")
    visitor.wait_for_url(f"**{url(f'/events/{event.slug}/register-by-email/')}")
    visitor.fill("#id_name", "Nadia Benali")
    visitor.fill("#id_email", "nadia@example.org")
    journey.shoot(visitor, "guest-form")
    submit(visitor)
    visitor.locator("#guest-sent").wait_for()
    journey.shoot(visitor, "guest-sent")
    assert not event.registrations.exists()

    # The link from the mail, in the visitor's language; confirming takes the place.
    (message,) = mailoutbox
    assert message.to == ["nadia@example.org"]
    confirm = re.search(r"https?://\S+/confirm/\S+/", message.body).group(0)
    assert confirm.startswith(live_server.url + url(f"/events/{event.slug}/confirm/"))
    visitor.goto(confirm)
    journey.shoot(visitor, "guest-confirm")
    submit(visitor)
    visitor.locator("#guest-registered").wait_for()
    journey.shoot(visitor, "guest-registered")
    assert [(r.email, r.status) for r in event.registrations.all()] == [
        ("nadia@example.org", "confirmed")
    ]
    assert "/cancel/" in mailoutbox[-1].body

    # The organiser sees them among the participants.
    journey.visit(secretariat, f"/events/{event.slug}/participants/", "participants")
    participants = secretariat.inner_text("#participants")
    assert "Nadia Benali" in participants
    assert "nadia@example.org" in participants
    assert journey.errors == []
