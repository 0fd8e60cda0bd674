"""A practice from draft to search result in headless Chromium: a city coordinator writes
and submits it, the secretariat publishes it, and a visitor finds it by a word of its
body, highlighted, with the facets updated by htmx."""

import re

import pytest

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors
from gnlc.library.models import Sdg, Theme

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password"


def log_in(page, email):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/")


@pytest.fixture
def people(reference_data):
    # The live server's database is flushed: the seeded themes and goals are made again.
    Theme.objects.get_or_create(slug="literacy", defaults={"name": "Literacy"})
    Sdg.objects.get_or_create(number=4)
    member = MemberFactory(name="Nakuru", country_id="KE", cohort=CohortFactory(year=2022))
    coordinator = UserFactory(email="coordinator@nakuru.example")
    RoleFactory(user=coordinator, kind=RoleKind.COORDINATOR, member=member)
    secretariat = UserFactory(email="sec@example.org", is_staff=True)
    RoleFactory(user=secretariat, kind=RoleKind.SECRETARIAT)
    return {"member": member, "coordinator": coordinator, "secretariat": secretariat}


def test_practice_from_draft_to_search_result(page, people):
    errors = console_errors(page)

    # The coordinator writes a draft and submits it.
    log_in(page, people["coordinator"].email)
    page.goto("/library/practices/new/")
    page.fill("#id_title", "Reading circles on the lake shore")
    page.fill("#id_summary", "Weekly reading circles for adult learners.")
    page.fill("#id_body", "Fishermen meet in **floating classrooms** every Thursday.")
    page.check(f"input[name=members][value='{people['member'].pk}']")
    page.get_by_label("Literacy", exact=True).check()
    page.fill("#id_year_started", "2021")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/library/practices/reading-circles-on-the-lake-shore/")
    page.click("a[data-move=submitted]")
    page.click("main form button[type=submit]")
    page.locator(".badge", has_text="Submitted").wait_for()

    # Not public yet.
    page.context.clear_cookies()
    page.goto("/library/?q=floating")
    page.locator(".results__count", has_text="0 practices").wait_for()

    # The secretariat publishes it.
    log_in(page, people["secretariat"].email)
    page.goto("/library/practices/reading-circles-on-the-lake-shore/")
    page.click("a[data-move=published]")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/library/practices/reading-circles-on-the-lake-shore/")

    # A visitor finds it by a word of its body, highlighted; htmx keeps the page.
    page.context.clear_cookies()
    page.goto("/library/")
    page.evaluate("window.stillTheSamePage = true")
    page.fill("input[name=q]", "classrooms")
    page.wait_for_url(re.compile(r"/library/\?q=classrooms"))
    page.locator(".results__count", has_text="1 practice").wait_for()
    assert page.locator(".library-item__title").all_inner_texts() == [
        "Reading circles on the lake shore"
    ]
    assert page.locator(".library-item__excerpt mark").all_inner_texts() == ["classrooms"]
    assert page.evaluate("window.stillTheSamePage") is True

    page.locator('a[data-facet="theme"][data-value="literacy"]').click()
    page.wait_for_url(re.compile(r"theme=literacy"))
    page.locator('a[data-facet="theme"][aria-current="true"]').wait_for()
    assert errors == []


@pytest.mark.parametrize(
    ("start", "narrow"),
    [
        ("/library/", None),
        ("/library/", lambda page: page.fill("input[name=q]", "lake")),
        ("/library/", lambda page: page.locator('a[data-facet="theme"]').first.click()),
        ("/library/?q=lake", None),
    ],
    ids=["plain-list", "after-a-search", "after-a-facet", "search-loaded-whole"],
)
def test_library_result_opens_the_practice_page_whole(page, people, start, narrow):
    from gnlc.library.tests.factories import PracticeFactory

    PracticeFactory(
        title="Lake shore reading circles", members=[people["member"]], themes=["literacy"]
    )
    errors = console_errors(page)
    page.goto(start)
    if narrow:
        page.evaluate("window.stillTheSamePage = true")
        narrow(page)
        page.wait_for_url(re.compile(r"/library/\?(q=lake|theme=literacy)$"))
        assert page.evaluate("window.stillTheSamePage") is True
    page.locator(".results__count", has_text="1 practice").wait_for()

    page.locator(".library-item__title", has_text="Lake shore reading circles").click()

    page.wait_for_url(re.compile(r"/library/practices/lake-shore-reading-circles/$"))
    page.locator("h1", has_text="Lake shore reading circles").wait_for()
    assert page.locator("header.site-header").count() == 1
    assert page.locator("footer.site-footer").count() == 1
    assert page.locator("#library-results").count() == 0
    assert errors == []


def test_library_facets_take_several_values_in_place(page, people):
    from gnlc.library.tests.factories import PracticeFactory

    Theme.objects.get_or_create(slug="health", defaults={"name": "Health"})
    PracticeFactory(title="Reading circles", members=[people["member"]], themes=["literacy"])
    PracticeFactory(title="Walking clubs", members=[people["member"]], themes=["health"])
    PracticeFactory(title="Green skills", members=[people["member"]])
    errors = console_errors(page)
    page.goto("/library/")
    page.evaluate("window.stillTheSamePage = true")
    theme = 'a[data-facet="theme"][data-value="{}"]'

    page.locator(theme.format("literacy")).click()
    page.wait_for_url(re.compile(r"/library/\?theme=literacy$"))
    page.locator(".results__count", has_text="1 practice").wait_for()
    page.locator(theme.format("health")).click()

    page.wait_for_url(re.compile(r"/library/\?theme=literacy&theme=health$"))
    page.locator(".results__count", has_text="2 practices").wait_for()
    assert sorted(page.locator(".library-item__title").all_inner_texts()) == [
        "Reading circles",
        "Walking clubs",
    ]
    assert page.locator('a[data-facet="theme"][aria-current="true"]').count() == 2

    page.locator(".chip", has_text="Literacy").click()
    page.wait_for_url(re.compile(r"/library/\?theme=health$"))
    page.locator(".results__count", has_text="1 practice").wait_for()
    assert page.evaluate("window.stillTheSamePage") is True
    assert errors == []
