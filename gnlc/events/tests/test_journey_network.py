"""Clusters and events from a blank installation, in headless Chromium, through the
pages alone (issue 18's proof).

The secretariat sets up the literacy cluster and names Amman its coordinating city; it
invites Amman's and Espoo's city coordinators; Espoo's asks to join and Amman's approves,
and the cluster's public page shows Espoo. Amman's coordinator publishes a webinar with
two places, set in Amman's time zone; Espoo's coordinator, the secretariat and Amman's
coordinator register (Amman's waits); Espoo's cancels, Amman's is promoted and told by
e-mail; the event's iCalendar file parses with `icalendar` and gives the event at the
right instant.

In English and in Arabic (right to left), with a screenshot of every page visited at 1280
and 390 px in test-results/journeys/."""

import datetime as dt
import zoneinfo

import icalendar
import pytest
from django.test import override_settings
from django.utils import timezone

from gnlc.cities.models import Member
from gnlc.core.tests.blank_install import (
    Journey,
    create_secretariat,
    install,
    invitation_link,
    submit,
)
from gnlc.events.models import Event
from gnlc.library.models import Theme

pytestmark = pytest.mark.browser
LANGUAGES = ["en", "ar"]
TITLE = "Reading circles: what works"


def nav_fits_one_line(page) -> bool:
    tops = page.eval_on_selector_all(
        ".site-header .site-nav__list > li, .site-header .site-tools",
        "items => items.map(i => Math.round(i.getBoundingClientRect().top))",
    )
    return max(tops) - min(tops) <= 8


@pytest.mark.parametrize("lang", LANGUAGES)
@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_a_cluster_and_its_webinar_from_a_blank_installation(page, live_server, mailoutbox, lang):
    install()
    journey = Journey("network", lang, page.context.browser, live_server.url)
    url = journey.url
    amman, espoo = Member.objects.get(slug="amman"), Member.objects.get(name="Espoo")
    secretariat = journey.window()
    link = create_secretariat("secretariat@unesco.example", language=lang, site_url=live_server.url)

    # The secretariat sets up the literacy cluster, coordinated by Amman.
    journey.welcome(secretariat, link, "secretariat")
    secretariat.click(".site-nav .menu summary")
    journey.follow(secretariat, "/clusters/", within=".site-nav")
    assert nav_fits_one_line(secretariat)
    journey.shoot(secretariat, "clusters-empty")
    journey.follow(secretariat, "/clusters/manage/", "themes")
    journey.follow(secretariat, "/clusters/new/")
    secretariat.select_option("#id_theme", str(Theme.objects.get(slug="literacy").pk))
    secretariat.fill("#id_purpose", "Cities help **every** adult read, and share what works.")
    secretariat.select_option("#id_coordinating_cities", [str(amman.pk)])
    journey.shoot(secretariat, "new-cluster")
    submit(secretariat)
    secretariat.wait_for_url(f"**{url('/clusters/literacy/')}")
    secretariat.locator(".message--success").wait_for()
    journey.shoot(secretariat, "cluster")

    journey.invite_coordinator(secretariat, "coordinator@amman.example", "Rania Haddad", "Amman")
    journey.invite_coordinator(secretariat, "coordinator@espoo.example", "Aino Virtanen", "Espoo")
    assert [m.to for m in mailoutbox] == [
        ["coordinator@amman.example"],
        ["coordinator@espoo.example"],
    ]

    # Espoo's coordinator asks to join.
    espoo_coordinator = journey.window()
    journey.welcome(espoo_coordinator, invitation_link(mailoutbox[1]), "espoo")
    journey.visit(espoo_coordinator, "/clusters/literacy/", "espoo-cluster")
    journey.follow(espoo_coordinator, "/clusters/literacy/join/")
    espoo_coordinator.select_option("#id_member", str(espoo.pk))
    journey.shoot(espoo_coordinator, "espoo-join")
    submit(espoo_coordinator)
    espoo_coordinator.wait_for_url(f"**{url('/clusters/literacy/')}")
    espoo_coordinator.locator(".message--success").wait_for()
    journey.shoot(espoo_coordinator, "espoo-asked")

    # Amman's coordinator approves: the public page shows Espoo, its map both cities.
    amman_coordinator = journey.window()
    journey.welcome(amman_coordinator, invitation_link(mailoutbox[0]), "amman")
    journey.visit(amman_coordinator, "/clusters/literacy/", "amman-requests")
    amman_coordinator.click("main button[name=decision][value=approve]")
    amman_coordinator.locator(".message--success").wait_for()
    journey.shoot(amman_coordinator, "amman-approved")
    visitor = journey.window()
    journey.visit(visitor, "/clusters/literacy/", "visitor-cluster")
    visitor.locator(".map[data-loaded]").wait_for()
    assert visitor.locator(".map").get_attribute("data-markers") == "2"
    cities = visitor.inner_text("#cluster-cities")
    assert "Espoo" in cities
    assert "Amman" in cities
    journey.visit(visitor, "/members/amman/", "visitor-member")
    assert visitor.locator("#member-clusters a").count() == 1

    # Amman's coordinator publishes a webinar with two places, in Amman's time zone.
    day = timezone.localdate() + dt.timedelta(days=30)
    amman_coordinator.click(".site-nav .menu summary")
    journey.follow(amman_coordinator, "/events/", within=".site-nav")
    journey.follow(amman_coordinator, "/events/new/")
    amman_coordinator.fill("#id_title", TITLE)
    amman_coordinator.select_option("#id_kind", "webinar")
    amman_coordinator.select_option("#id_cluster", index=1)
    amman_coordinator.fill("#id_start", f"{day.isoformat()}T14:00")
    amman_coordinator.fill("#id_end", f"{day.isoformat()}T15:30")
    amman_coordinator.select_option("#id_time_zone", "Asia/Amman")
    amman_coordinator.check("#id_online")
    amman_coordinator.check("input[name=languages][value=en]")
    amman_coordinator.check("input[name=languages][value=ar]")
    amman_coordinator.select_option("#id_audience", "public")
    amman_coordinator.fill("#id_capacity", "2")
    journey.shoot(amman_coordinator, "new-webinar")
    submit(amman_coordinator)
    amman_coordinator.locator(".message--success").wait_for()
    event = Event.objects.get()
    journey.shoot(amman_coordinator, "webinar")

    # Three people register; the third waits.
    for person, what in (
        (espoo_coordinator, "espoo"),
        (secretariat, "secretariat"),
        (amman_coordinator, "amman"),
    ):
        person.goto(url(f"/events/{event.slug}/"))
        person.click("#registration button[type=submit]")
        person.locator("#my-registration").wait_for()
        journey.shoot(person, f"{what}-registered")
    assert amman_coordinator.inner_text("#my-registration") != espoo_coordinator.inner_text(
        "#my-registration"
    )
    assert [r.status for r in event.registrations.order_by("created_at")] == [
        "confirmed",
        "confirmed",
        "waiting",
    ]

    # Espoo cancels: Amman's coordinator gets the place, and an e-mail saying so.
    mailoutbox.clear()
    espoo_coordinator.click("#registration button[type=submit]")
    espoo_coordinator.locator(".message--success").wait_for()
    journey.shoot(espoo_coordinator, "espoo-cancelled")
    assert [r.user.email for r in event.registrations.confirmed()] == [
        "secretariat@unesco.example",
        "coordinator@amman.example",
    ]
    assert [m.to for m in mailoutbox] == [["coordinator@amman.example"]]
    assert f"/events/{event.slug}/" in mailoutbox[0].body
    amman_coordinator.reload()
    journey.shoot(amman_coordinator, "amman-promoted")

    # The participants, for the organiser only.
    amman_coordinator.click(f'main a[href="{url(f"/events/{event.slug}/participants/")}"]')
    amman_coordinator.wait_for_url(f"**/events/{event.slug}/participants/")
    journey.shoot(amman_coordinator, "participants")

    # The calendar file gives the event at its instant: 14:00 in Amman.
    ics = visitor.request.get(url(f"/events/{event.slug}/event.ics"))
    [item] = icalendar.Calendar.from_ical(ics.body()).walk("VEVENT")
    amman_time = dt.datetime.combine(day, dt.time(14), tzinfo=zoneinfo.ZoneInfo("Asia/Amman"))
    assert item.decoded("dtstart") == amman_time
    assert item.decoded("dtend") - item.decoded("dtstart") == dt.timedelta(minutes=90)
    journey.visit(visitor, f"/events/{event.slug}/", "visitor-event")
    journey.visit(visitor, "/events/", "visitor-events")
    journey.visit(visitor, "/clusters/", "visitor-clusters")
    assert nav_fits_one_line(visitor)
    assert journey.errors == []
