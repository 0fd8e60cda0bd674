"""The public pages fit a phone: nothing wider than the screen (wide tables scroll in
their own box), in a left-to-right and a right-to-left language."""

import pytest

from conftest import make_persona
from gnlc.cities.enums import SuggestionKind
from gnlc.cities.models import Suggestion
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.clusters.tests.factories import make_cluster
from gnlc.core.tests.browser import log_in, shoot
from gnlc.mail.models import QueuedMail
from gnlc.news.models import Announcement
from gnlc.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/members/",
    "/members/nakuru/",
    "/countries/",
    "/countries/ke/",
    "/regions/africa/",
    "/map/",
    "/statistics/",
    "/data/",
    "/library/",
    "/news/",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_pages_fit_a_phone(page, reference_data, language):
    cohort = CohortFactory(year=2022, announced_members=77, announced_countries=44)
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort, population=198444)
    MemberFactory(name="Cao Lãnh", country_id="VN", cohort=cohort)
    page.set_viewport_size({"width": 390, "height": 844})
    prefix = "" if language == "en" else f"/{language}"

    wider = {}
    for path in PAGES:
        page.goto(prefix + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            wider[path] = overflow

    assert wider == {}


# The secretariat's lists of records: on a phone each row is a card, each cell under its
# column's name, instead of a table to scroll sideways.
RECORD_LISTS = {
    "/mail/": "table.mail-queue",
    "/audit/": "main table",
    "/suggestions/": "#pending-suggestions",
    "/reporting/periods/": "main table",
    "/news/announcements/": "main table",
    "/clusters/literacy/members/": "#cluster-contacts",
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_record_lists_are_cards_on_a_phone(page, reference_data, language):
    cohort = CohortFactory(year=2022, announced_members=77, announced_countries=44)
    member = MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    secretariat = make_persona("secretariat", member)
    make_persona("coordinator", member)
    make_cluster("literacy", coordinating=[member])
    PeriodFactory(name="2026–2027")
    Announcement.draft_for(cohort, "fr")
    QueuedMail.objects.create(
        subject="Your invitation to the UNESCO Global Network of Learning Cities",
        from_email="gnlc@example.org",
        recipients=["a.long.address.of.a.coordinator@learning-city.example.org"],
        message=b"",
        last_error="SMTP 451: the receiving server asked us to try again later",
    )
    Suggestion.objects.create(
        kind=SuggestionKind.CORRECTION,
        member=member,
        text="Nakuru joined in 2022, not 2021: see the announcement.",
        source_url="https://www.uil.unesco.org/en/learning-cities",
    )
    log_in(page, secretariat.email)
    prefix = "" if language == "en" else f"/{language}"
    for width, cards in ((390, True), (1280, False)):
        page.set_viewport_size({"width": width, "height": 900})
        for path, table in RECORD_LISTS.items():
            page.goto(prefix + path)
            first = page.locator(f"{table} tbody td[data-label]").first
            column, label = first.evaluate(
                "td => [td.cellIndex, getComputedStyle(td, '::before').content]"
            )
            shown = page.locator(f"{table} thead th").nth(column).inner_text()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            box = page.locator(table).evaluate(
                "t => t.parentElement.scrollWidth - t.parentElement.clientWidth"
            )
            if cards:
                # The column's name stands before the cell; nothing is wider than the screen.
                assert label.strip('"').casefold() == shown.casefold(), (path, label, shown)
                assert (overflow, box) == (0, 0), path
            else:
                assert label == "none", path  # a plain table on a desktop
            if cards:
                shoot(page, "layout", f"record-list-{language}{path.replace('/', '-')}")
                page.set_viewport_size({"width": width, "height": 900})
