"""The pages issue 12's content fixes changed, in headless Chromium, in English and in
Arabic (right-to-left), with screenshots at 1280 and 390 px in test-results/content/:
a member's practices, translated themes, the moderation queue, an Arabic announcement
and the report that says what it lacks."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from conftest import make_persona
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors, log_in, shoot
from gnlc.library.enums import PracticeState
from gnlc.library.models import Sdg, Theme
from gnlc.library.tests.factories import PracticeFactory
from gnlc.reporting.models import Report
from gnlc.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.browser
NETWORK_AR = "شبكة اليونسكو العالمية لمدن التعلّم"


@pytest.fixture
def network(reference_data):
    """Nakuru with two published practices and one waiting for moderation, another
    member of its cohort, and the personas around Nakuru."""
    # The live server's database is flushed: the seeded themes and goals are made again.
    for order, (slug, name) in enumerate(
        [("literacy", "Literacy"), ("health-and-well-being", "Health and well-being")], 1
    ):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    Sdg.objects.get_or_create(number=4)
    cohort = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    nakuru = MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    MemberFactory(name="Cao Lãnh", country_id="VN", cohort=cohort)
    PracticeFactory(
        title="Reading circles on the lake shore",
        members=[nakuru],
        themes=["literacy"],
        sdgs=[4],
        published_at=dt.datetime(2024, 5, 2, tzinfo=dt.UTC),
    )
    PracticeFactory(
        title="Walking for health",
        members=[nakuru],
        themes=["health-and-well-being"],
        published_at=dt.datetime(2025, 1, 20, tzinfo=dt.UTC),
    )
    PracticeFactory(
        title="Learning festival",
        members=[nakuru],
        themes=["literacy"],
        state=PracticeState.SUBMITTED,
        published_at=None,
    )
    return {
        "nakuru": nakuru,
        "coordinator": make_persona("coordinator", nakuru),
        "secretariat": make_persona("secretariat", nakuru),
    }


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ar", "/ar")])
def test_member_page_lists_its_practices(page, network, language, prefix):
    errors = console_errors(page)

    page.goto(f"{prefix}/members/{network['nakuru'].slug}/")

    practices = page.locator(".member-practices .library-item__title")
    assert practices.all_inner_texts() == [
        "Walking for health",
        "Reading circles on the lake shore",
    ]
    page.locator(f'a[href="{prefix}/library/cities/{network["nakuru"].slug}/"]').click()
    page.wait_for_url(f"**{prefix}/library/cities/{network['nakuru'].slug}/")
    page.go_back()
    shoot(page, "content", f"member-practices-{language}")
    assert errors == []


@pytest.mark.parametrize(
    ("language", "theme"),
    [("es", "Alfabetización"), ("ar", "محو الأمية"), ("fr", "Alphabétisation")],
)
def test_library_shows_themes_in_the_language(page, network, language, theme):
    errors = console_errors(page)

    page.goto(f"/{language}/library/")

    facet = page.locator('a[data-facet="theme"][data-value="literacy"] .facet__label')
    assert facet.inner_text() == theme
    page.goto(f"/{language}/library/practices/reading-circles-on-the-lake-shore/")
    expect(page.locator("main").get_by_role("link", name=theme)).to_be_visible()
    if language != "fr":
        shoot(page, "content", f"practice-{language}")
    assert errors == []


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ar", "/ar")])
def test_secretariat_moderates_from_its_own_queue(page, network, language, prefix):
    errors = console_errors(page)
    log_in(page, network["secretariat"].email, f"{prefix}/accounts/")

    page.locator(f'main a[href="{prefix}/library/moderation/"]').click()
    page.wait_for_url(f"**{prefix}/library/moderation/")
    assert page.locator(".library-moderation .library-item__title").all_inner_texts() == [
        "Learning festival"
    ]
    shoot(page, "content", f"moderation-{language}")
    page.locator(".library-moderation .button").first.click()
    page.wait_for_url(re.compile(r"/move/published/\?next="))
    page.locator("main form button[type=submit]").click()

    page.wait_for_url(f"**{prefix}/library/moderation/")
    expect(page.locator(".library-moderation")).to_have_count(0)
    shoot(page, "content", f"moderation-empty-{language}")
    page.goto(f"{prefix}/library/mine/")
    shoot(page, "content", f"library-mine-{language}")
    assert errors == []


def test_arabic_announcement_from_the_editor_to_the_news_and_press(page, network):
    errors = console_errors(page)
    log_in(page, network["secretariat"].email, "/ar/news/announcements/")

    page.locator("#id_cohort").select_option("2022")
    page.locator("#id_language").select_option("ar")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/ar/news/announcements/\d+/$"))

    title = page.locator("#id_title")
    assert title.input_value() == f"{NETWORK_AR}: عضوان جديدان من بلدين"
    assert title.get_attribute("dir") == "rtl"
    assert page.locator(".news-preview article").get_attribute("dir") == "rtl"
    shoot(page, "content", "announcement-editor-ar")
    page.locator('form[action$="/publish/"] button').click()
    page.wait_for_url(re.compile(r"/ar/news/[^/]+/$"))
    body = page.locator(".news-post__body")
    assert body.get_attribute("dir") == "rtl"
    assert "في 2 سبتمبر 2022، رحّبت اليونسكو بانضمام عضوين جديدين من بلدين" in body.inner_text()
    shoot(page, "content", "announcement-post-ar")
    # The same post in the English interface keeps its own language and direction.
    page.goto(page.url.replace("/ar/", "/", 1))
    assert page.locator("article.news-post h1").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("dir") == "ltr"
    shoot(page, "content", "announcement-post-en")
    page.goto("/ar/news/press/")
    shoot(page, "content", "press-ar")
    page.goto("/ar/news/")
    assert page.locator(".news-list__title").first.get_attribute("dir") == "rtl"
    assert errors == []


@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ar", "/ar")])
def test_incomplete_report_names_what_is_missing_with_links(page, network, language, prefix):
    errors = console_errors(page)
    period = PeriodFactory(
        name="2024-2025",
        opens=dt.date(2024, 1, 1),
        due=dt.date(2099, 6, 30),
        grace_end=dt.date(2099, 8, 29),
    )
    period.assign_reports()
    report = Report.objects.get(member=network["nakuru"])
    log_in(page, network["coordinator"].email, f"{prefix}/reporting/reports/{report.pk}/")

    missing = page.locator(".reporting-incomplete li")
    expect(missing).to_have_count(2)
    shoot(page, "content", f"report-incomplete-{language}")
    page.locator(".reporting-incomplete li").nth(1).locator("a").nth(1).click()
    page.wait_for_url(re.compile(r"/edit/#id_narrative_2$"))
    page.fill("#id_narrative_1", "We opened twelve learning centres.")
    page.locator("#id_rating_1").select_option("4")
    page.locator('button[value="submit"]').click()

    summary = page.locator("#incomplete")
    expect(summary).to_be_visible()
    expect(summary.locator("li")).to_have_count(1)
    assert summary.locator("a").first.get_attribute("href") == "#area-2"
    shoot(page, "content", f"report-edit-incomplete-{language}")
    # The refused submission answers 400 (the form, with its errors), which the browser
    # logs; nothing else may go wrong.
    assert [error for error in errors if "status of 400" not in error] == []
