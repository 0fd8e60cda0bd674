"""A call for good practices, from a blank installation to a practice in the public
library, in headless Chromium, through the pages alone (issue 12's proof).

The installation is as a real one starts: the migrations' data and the shipped members
(`make data`), nothing else, and its first secretariat from `gnlc create-secretariat`'s
printed one-time link (password and authenticator). Then, each person in their own
browser window: the secretariat opens a call for practices and invites Amman's city
coordinator from the People page; the coordinator follows the mailed link, finds the call
from their library page and answers it with a new practice (theme, goal, Key Features
area, a PDF); until the secretariat publishes it from the moderation queue no public page,
export, feed or API names it; then the library's search, the practice's page, the
member's pages, the open-data export, the feed and the API all do.

In English and in Arabic (right to left), with a screenshot of every page visited at 1280
and 390 px in test-results/journeys/."""

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from gnlc.admissions.models import Call
from gnlc.core.tests.blank_install import (
    Journey,
    create_secretariat,
    install,
    invitation_link,
    submit,
)
from gnlc.library.models import Practice, Theme

pytestmark = pytest.mark.browser
LANGUAGES = ["en", "ar"]
TITLE = "Reading circles in neighbourhood libraries"
WORD = "circles"  # a word of the title a visitor searches for
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def public_has_it(visitor, journey, slug: str) -> dict:
    """Where the public sees the practice: its page, the search, the member's pages,
    the open-data export, the feed and the API (each fetched as an anonymous visitor)."""
    request = visitor.request
    csv = request.get(journey.url("/library/practices.csv")).text()
    api = json.loads(request.get(f"/api/v1/practices?q={WORD}").text())
    return {
        "page": request.get(journey.url(f"/library/practices/{slug}/")).status == 200,
        "search": slug in request.get(journey.url(f"/library/?q={WORD}")).text(),
        "member": slug in request.get(journey.url("/members/amman/")).text(),
        "member_library": slug in request.get(journey.url("/library/cities/amman/")).text(),
        "csv": TITLE in csv,
        "feed": TITLE in request.get(journey.url("/library/feed.atom")).text(),
        "api": [row["slug"] for row in api["results"]] == [slug],
        "api_detail": request.get(f"/api/v1/practices/{slug}").status == 200,
    }


@pytest.mark.parametrize("lang", LANGUAGES)
@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_a_call_for_practices_from_a_blank_installation_to_the_public_library(
    page, live_server, mailoutbox, lang
):
    install()
    journey = Journey("practices", lang, page.context.browser, live_server.url)
    url = journey.url
    today = timezone.localdate()
    secretariat = journey.window()
    link = create_secretariat("secretariat@unesco.example", language=lang, site_url=live_server.url)

    # The first secretariat comes in, and makes a call for good practices.
    journey.welcome(secretariat, link, "secretariat")
    journey.follow(secretariat, "/admissions/", "admissions", within=".site-nav")
    journey.follow(secretariat, "/admissions/calls/new/", "new-call")
    journey.follow(secretariat, "/admissions/calls/new/practices/", "new-call-for-practices")
    secretariat.fill("#id_title", "Literacy in the city, 2027")
    secretariat.fill("#id_description", "Members share how their city helps **every** adult read.")
    secretariat.select_option("#id_theme", str(Theme.objects.get(slug="literacy").pk))
    for name, days in {"opens_on": 0, "closes_on": 45, "announcement_date": 75}.items():
        secretariat.fill(f"#id_{name}", (today + dt.timedelta(days=days)).isoformat())
    submit(secretariat)
    secretariat.locator(".message--success").wait_for()
    call = Call.objects.get()
    assert (call.kind, call.opened_at) == ("practices", None)
    journey.shoot(secretariat, "call-draft")
    secretariat.click(f'main a[href="{url(f"/admissions/calls/{call.pk}/open/")}"]')
    journey.shoot(secretariat, "open-the-call")
    secretariat.click('button[data-action="open"]')
    secretariat.locator(".message--success").wait_for()
    journey.shoot(secretariat, "call-open")

    # It invites Amman's city coordinator from the People page.
    journey.invite_coordinator(
        secretariat, "coordinator@amman.example", "Rania Haddad", "Amman", "invite-coordinator"
    )
    journey.shoot(secretariat, "coordinator-invited")
    assert [m.to for m in mailoutbox] == [["coordinator@amman.example"]]

    # The coordinator comes in from the mailed link and answers the call.
    coordinator = journey.window()
    journey.welcome(coordinator, invitation_link(mailoutbox[0]), "coordinator")
    journey.follow(coordinator, "/library/mine/", "coordinator-library")
    coordinator.click(f'main a[href="{url(f"/library/calls/{call.pk}/")}"]')
    coordinator.wait_for_url(f"**{url(f'/library/calls/{call.pk}/')}")
    journey.shoot(coordinator, "call")
    coordinator.click(f'main a[href="{url(f"/library/calls/{call.pk}/submit/")}"]')
    coordinator.wait_for_url(f"**{url(f'/library/calls/{call.pk}/submit/')}")
    journey.shoot(coordinator, "submit-no-draft")
    coordinator.click(f'main a[href="{url("/library/practices/new/")}?call={call.pk}"]')
    coordinator.wait_for_url(f"**{url('/library/practices/new/')}?call={call.pk}")
    journey.shoot(coordinator, "new-practice")
    coordinator.fill("#id_title", TITLE)
    coordinator.fill(
        "#id_summary", "Volunteers run weekly reading circles for adults in every district."
    )
    coordinator.fill("#id_body", "## What was done\n\nTwelve libraries host a circle each week.\n")
    coordinator.check("input[name=members]")  # the one city they coordinate
    coordinator.check(f"input[name=themes][value='{Theme.objects.get(slug='literacy').pk}']")
    coordinator.check("input[name=sdgs][value='4']")
    coordinator.select_option("#id_key_feature", "families")
    coordinator.fill("#id_year_started", "2021")
    coordinator.select_option("#id_language", "en")  # what it is written in
    coordinator.set_input_files(
        "#id_attachment",
        files=[{"name": "circles.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    coordinator.fill("#id_attachment_title", "The programme")
    journey.shoot(coordinator, "new-practice-filled")
    submit(coordinator)
    coordinator.wait_for_url(f"**{url(f'/library/calls/{call.pk}/submit/')}?practice=*")
    practice = Practice.objects.get()
    assert coordinator.input_value("#id_practice") == str(practice.pk)
    journey.shoot(coordinator, "submit-the-draft")
    submit(coordinator)
    coordinator.wait_for_url(f"**{url(f'/library/practices/{practice.slug}/')}")
    coordinator.locator(".message--success").wait_for()
    journey.shoot(coordinator, "practice-submitted")
    practice.refresh_from_db()
    assert (practice.state, practice.call_id) == ("submitted", call.pk)
    assert [m.name for m in practice.members.all()] == ["Amman"]
    assert practice.attachments.count() == 1

    # Before it is published, no public page, export or API names it.
    visitor = journey.window()
    assert not any(public_has_it(visitor, journey, practice.slug).values())
    journey.visit(visitor, f"/library/?q={WORD}", "visitor-search-before")
    journey.visit(visitor, "/members/amman/", "visitor-member-before")

    # The secretariat publishes it from the moderation queue.
    secretariat.click(".account-menu summary")
    secretariat.click(f'.account-menu a[href="{url("/library/moderation/")}"]')
    secretariat.wait_for_url(f"**{url('/library/moderation/')}")
    journey.shoot(secretariat, "moderation-queue")
    publish = url(f"/library/practices/{practice.slug}/move/published/")
    secretariat.click(f'main a[href^="{publish}"]')
    journey.shoot(secretariat, "publish")
    secretariat.click("main form button[name=confirm]")
    secretariat.wait_for_url(f"**{url('/library/moderation/')}")
    secretariat.locator(".message--success").wait_for()
    journey.shoot(secretariat, "moderation-queue-empty")

    # Now the public finds it everywhere.
    assert public_has_it(visitor, journey, practice.slug) == dict.fromkeys(
        ["page", "search", "member", "member_library", "csv", "feed", "api", "api_detail"], True
    )
    journey.visit(visitor, "/library/", "visitor-library")
    visitor.fill("main input[name=q]", WORD)
    visitor.press("main input[name=q]", "Enter")
    visitor.locator(f'main a[href="{url(f"/library/practices/{practice.slug}/")}"]').wait_for()
    journey.shoot(visitor, "visitor-search")
    visitor.click(f'main a[href="{url(f"/library/practices/{practice.slug}/")}"]')
    visitor.wait_for_url(f"**{url(f'/library/practices/{practice.slug}/')}")
    assert visitor.locator("header.site-header").count() == 1
    journey.shoot(visitor, "visitor-practice")
    journey.visit(visitor, "/members/amman/", "visitor-member")
    journey.visit(visitor, "/library/cities/amman/", "visitor-member-library")
    journey.visit(visitor, f"/library/calls/{call.pk}/", "visitor-call")
    assert journey.errors == []
