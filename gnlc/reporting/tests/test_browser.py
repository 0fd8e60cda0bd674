import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from conftest import make_persona
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors
from gnlc.reporting.models import Report
from gnlc.reporting.tests.factories import PeriodFactory

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password"


@pytest.fixture
def people(reference_data):
    member = MemberFactory(
        name="Nakuru",
        country_id="KE",
        cohort=CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2)),
    )
    period = PeriodFactory(
        name="2024-2025",
        opens=dt.date(2024, 1, 1),
        due=dt.date(2099, 6, 30),
        grace_end=dt.date(2099, 8, 29),
    )
    period.assign_reports()
    return {
        "report": Report.objects.get(member=member),
        "coordinator": make_persona("coordinator", member),
        "secretariat": make_persona("secretariat", member),
    }


def log_in(page, user, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.locator('input[name="username"]').fill(user.email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('form button[type="submit"]').last.click()
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def log_out(page):
    # In the header's Account menu.
    page.get_by_role("group").filter(has_text="Account").locator("summary").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_report_filed_returned_resubmitted_accepted(page, people):
    errors = console_errors(page)
    report = people["report"]
    edit = f"/reporting/reports/{report.pk}/edit/"
    detail = f"/reporting/reports/{report.pk}/"

    # The coordinator writes, sees the word counter, saves a draft, then submits.
    log_in(page, people["coordinator"], edit)
    page.locator("#id_narrative_1").fill("We opened twelve learning centres.")
    assert page.locator('[data-counter-for="id_narrative_1"]').inner_text() == "5 of 50 words"
    page.get_by_role("button", name="Save the draft").click()
    page.locator(".message--success").wait_for()
    assert page.locator("#id_narrative_1").input_value() == "We opened twelve learning centres."
    page.locator("#id_rating_1").select_option("4")
    page.locator("#id_narrative_2").fill("Local firms train their staff.")
    page.locator("#id_rating_2").select_option("3")
    page.locator('[id="id_measure_1.1"]').fill("42.5")
    page.get_by_role("button", name="Save and submit").click()
    page.wait_for_url(re.compile(re.escape(detail) + "$"))
    expect(page.locator(".reporting-state")).to_have_text("Submitted")
    log_out(page)

    # The secretariat returns it with a comment.
    log_in(page, people["secretariat"], detail)
    page.locator("#comment-returned").fill("Please add last year's figures.")
    page.locator('button[data-move="returned"]').click()
    page.locator(".message--success").wait_for()
    expect(page.locator(".reporting-state")).to_have_text("Returned for changes")
    log_out(page)

    # The coordinator sees the comment and resubmits.
    log_in(page, people["coordinator"], edit)
    assert "Please add last year's figures." in page.locator(".reporting-returned").inner_text()
    page.locator("#id_narrative_2").fill("Local firms train their staff: 40 in 2023.")
    page.get_by_role("button", name="Save and submit").click()
    page.wait_for_url(re.compile(re.escape(detail) + "$"))
    expect(page.locator(".reporting-state")).to_have_text("Submitted")
    log_out(page)

    # The secretariat accepts it.
    log_in(page, people["secretariat"], detail)
    page.locator('button[data-move="accepted"]').click()
    page.locator(".message--success").wait_for()
    expect(page.locator(".reporting-state")).to_have_text("Accepted")
    history = page.locator(".reporting-history li strong").all_inner_texts()
    assert history == ["Submitted", "Returned for changes", "Submitted", "Accepted"]
    assert errors == []


def test_dashboard_draws_its_charts_under_the_csp(page, people):
    errors = console_errors(page)

    log_in(page, people["secretariat"], "/reporting/dashboard/")

    page.locator('#compliance-chart[data-drawn="1"]').wait_for()
    page.locator('#assessment-chart[data-drawn="1"]').wait_for()
    assert page.locator("table").count() == 3  # regions, self-assessment, countries
    assert errors == []
