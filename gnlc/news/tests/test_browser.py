import datetime as dt
import re

import feedparser
import pytest
from playwright.sync_api import expect

from conftest import make_persona
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors, requested_urls

pytestmark = pytest.mark.browser


@pytest.fixture
def secretariat_user(reference_data):
    cohort = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    member = MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    MemberFactory(name="Cao Lãnh", country_id="VN", cohort=cohort)
    return make_persona("secretariat", member)


def test_secretariat_generates_edits_publishes_an_announcement(page, secretariat_user):
    errors = console_errors(page)
    page.goto("/accounts/login/?next=/news/announcements/")
    page.locator('input[name="username"]').fill(secretariat_user.email)
    page.locator('input[name="password"]').fill("a-long-test-password")
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_url(re.compile(r"/news/announcements/$"))

    page.locator("#id_cohort").select_option("2022")
    page.locator("#id_language").select_option("en")
    page.get_by_role("button", name="Write the announcement").click()
    page.wait_for_url(re.compile(r"/news/announcements/\d+/$"))
    title = page.locator("#id_title")
    assert title.input_value().endswith(": 2 new members from 2 countries")

    generated = title.input_value()

    # An edit that misstates a figure is saved, and the editor says so.
    title.fill(generated.replace("2 new members", "3 new members"))
    page.get_by_role("button", name="Save the draft").click()
    page.locator(".news-warnings").wait_for()
    assert (
        "The text says 3 new members; the data now give 2."
        in page.locator(".news-warnings").inner_text()
    )
    page.locator("#id_title").fill(generated)
    page.locator("#id_lead").fill("Two cities from two regions join: 2 new members.")
    page.get_by_role("button", name="Save the draft").click()
    # The page before this save had warnings (and a success message): wait for them to go.
    expect(page.locator(".news-warnings")).to_have_count(0)
    page.locator(".message--success").wait_for()

    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(
        re.compile(r"/news/unesco-global-network-of-learning-cities-2-new-[a-z0-9-]+/$")
    )
    assert page.locator("h1").inner_text() == generated
    assert page.locator(".news-post__body p").first.inner_text() == (
        "Two cities from two regions join: 2 new members."
    )

    page.goto("/news/")
    assert page.locator(".news-list__title").all_inner_texts() == [generated]
    feed = feedparser.parse(page.request.get("/news/feed/").body())
    assert [entry.title for entry in feed.entries] == [generated]
    regional = feedparser.parse(page.request.get("/news/feed/asia-and-the-pacific/").body())
    assert len(regional.entries) == 1
    assert errors == []


def test_statistics_page_draws_every_chart_offline(page, secretariat_user, live_server):
    errors = console_errors(page)
    requests = requested_urls(page)

    page.goto("/statistics/")

    for chart in ("growth", "network", "cohorts", "departures"):
        page.locator(f'#{chart}-chart[data-drawn="1"]').wait_for()
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert errors == []
