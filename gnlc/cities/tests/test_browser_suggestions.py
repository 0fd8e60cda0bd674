"""A visitor suggests a correction through the pages, and the secretariat accepts it."""

import pytest

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.cities.models import Member, Suggestion
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors, log_in, shoot

pytestmark = pytest.mark.browser

FOLDER = "suggestions"
SOURCE = "https://example.org/nakuru-county"


@pytest.fixture
def nakuru(reference_data):
    return MemberFactory(
        name="Nakuru",
        country_id="KE",
        cohort=CohortFactory(year=2022),
        latitude=-0.3,
        longitude=36.07,
    )


@pytest.fixture
def secretary(reference_data):
    user = UserFactory(email="secretariat@example.org")
    RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    return user


def test_visitor_suggests_and_the_secretariat_accepts_the_correction(page, nakuru, secretary):
    errors = console_errors(page)
    page.goto(nakuru.get_absolute_url())
    page.click("#suggest-link")
    page.wait_for_url("**/members/nakuru/suggest/")
    # Sent empty: the page says what is missing.
    page.click("#suggest-form button[type=submit]")
    assert page.locator("#suggest-form .errorlist, #suggest-form [aria-invalid=true]").count() > 0
    shoot(page, FOLDER, "form-errors")
    # The refused form answered 400, which the browser logs; nothing else may have.
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    errors.clear()

    page.fill("#id_text", "The member is the county: Nakuru County.")
    page.fill("#id_source_url", SOURCE)
    page.fill("#id_email", "resident@example.org")
    shoot(page, FOLDER, "form")
    page.click("#suggest-form button[type=submit]")
    page.wait_for_url("**/suggest/sent/")
    assert page.locator("#suggest-sent").is_visible()
    shoot(page, FOLDER, "sent")
    # Nothing is public before review.
    page.goto(nakuru.get_absolute_url())
    assert "Nakuru County" not in page.content()

    log_in(page, secretary.email)
    page.click("a[href='/suggestions/']")
    page.locator("#pending-suggestions").wait_for()
    shoot(page, FOLDER, "queue")
    page.click("#pending-suggestions a")
    assert page.locator("#suggestion-text").inner_text().startswith("The member is the county")
    shoot(page, FOLDER, "review")
    page.check("input[name=decision][value=accepted]")
    page.fill("#id_name", "Nakuru County")
    page.click("#review-form button[type=submit]")
    page.wait_for_url("**/suggestions/")
    assert page.locator("#pending-suggestions").count() == 0

    member = Member.objects.get(pk=nakuru.pk)
    assert (member.name, member.source_url) == ("Nakuru County", SOURCE)
    assert Suggestion.objects.get().status == "accepted"
    assert errors == []


@pytest.mark.parametrize("language", ["en", "ar"])
def test_suggestion_pages_in_each_direction(page, nakuru, secretary, language):
    errors = console_errors(page)
    prefix = "" if language == "en" else f"/{language}"
    page.goto(f"{prefix}/members/")
    shoot(page, FOLDER, f"directory-{language}")
    page.click("#suggest-link")
    page.wait_for_url(f"**{prefix}/suggest/")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert not page.locator("#id_website").is_visible()  # the honeypot
    shoot(page, FOLDER, f"suggest-{language}")
    page.goto(f"{prefix}{nakuru.get_absolute_url()}")
    shoot(page, FOLDER, f"member-{language}")
    Suggestion.objects.create(kind="missing", text="Kisumu joined in 2022.", source_url=SOURCE)
    log_in(page, secretary.email, next_url=f"{prefix}/suggestions/")
    page.click("#pending-suggestions a")
    shoot(page, FOLDER, f"review-{language}")
    assert errors == []
