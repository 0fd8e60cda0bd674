"""The whole admission cycle in headless Chromium: a coordinator applies, the National
Commission nominates, two jurors review, the secretariat admits and publishes, and the
city appears in the public directory and in /api/v1/cohorts/{year}; and the
secretariat's publication of an announcement still ahead: scheduled, previewed, its
announcement prepared, nothing public."""

import datetime as dt
import json
import pathlib
import re

import pytest
from django.utils import timezone

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import CHALLENGES
from gnlc.admissions.tests.factories import (
    ApplicationFactory,
    CallFactory,
    make_juror,
    make_natcom,
)
from gnlc.admissions.tests.storage import PDF
from gnlc.core.tests.browser import console_errors

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
def cycle(reference_data):
    # The announcement is today at midnight, a moment already past: publishing is
    # immediate (the embargo before an announcement still ahead is the next test's).
    call = CallFactory(title="Call 2026", reviews_required=2, announcement_time=dt.time(0, 0))
    secretariat = UserFactory(email="sec@example.org", is_staff=True)
    RoleFactory(user=secretariat, kind=RoleKind.SECRETARIAT)
    return {
        "call": call,
        "coordinator": UserFactory(email="coordinator@eldoret.example"),
        "natcom": make_natcom("KE", email="natcom@example.org"),
        "jurors": [
            make_juror("juror1@example.org", country="FR"),
            make_juror("juror2@example.org", country="BR"),
        ],
        "secretariat": secretariat,
    }


def test_admission_cycle_from_application_to_the_directory(page, cycle):
    errors = console_errors(page)
    call = cycle["call"]

    # The coordinator applies.
    log_in(page, cycle["coordinator"].email)
    page.goto(f"/admissions/calls/{call.pk}/apply/")
    page.fill("#id_city_name", "Eldoret")
    page.select_option("#id_country", "KE")
    for field, value in {
        "mayor_name": "A. Mayor",
        "mayor_title": "Mayor",
        "contact_name": "C. Person",
        "contact_email": "c@eldoret.example",
        "population": "475716",
        "area_km2": "147.9",
        "data_year": "2024",
        "implementation_plan": "Learning festivals in every ward.",
        "good_practices": "Libraries open late.",
        "interests": "Adult literacy.",
    }.items():
        page.fill(f"#id_{field}", value)
    page.fill("#id_motivation", "word " * 12)
    counter = page.locator('[data-counter-for="id_motivation"]')
    assert counter.inner_text() == "12 / 200 words"
    for key in CHALLENGES:
        page.select_option(f"#id_challenge_{key}", "3")
    page.set_input_files(
        "#id_letter", files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.click("button[value=submit]")
    page.locator(".admissions-state", has_text="Submitted").wait_for()

    # The National Commission nominates.
    log_in(page, cycle["natcom"].email)
    page.goto("/admissions/national-commission/")
    page.click('button[data-move="nominated"]')
    page.locator(".message--success", has_text="nominated").wait_for()

    # The secretariat assigns the jury.
    log_in(page, cycle["secretariat"].email)
    page.goto(f"/admissions/calls/{call.pk}/assignments/")
    page.click("button[value=auto]")
    page.locator(".message--success", has_text="2 reviews assigned").wait_for()

    # Two jurors review.
    for juror, recommendation in zip(cycle["jurors"], ["admit", "admit"], strict=True):
        log_in(page, juror.email)
        page.goto("/admissions/jury/")
        page.click("text=Eldoret")
        # Wait for the review form: `.all()` does not wait, and on a busy machine it
        # would otherwise read the jury list the click is still leaving.
        page.wait_for_url("**/review/")
        scores = page.locator("select[id^=id_score_]")
        scores.first.wait_for()
        assert scores.count() == call.criteria.count()
        for select in scores.all():
            select.select_option("4")
        page.select_option("#id_recommendation", recommendation)
        page.fill("#id_comment", "A committed city.")
        page.click("text=Save the review")
        page.locator(".message--success", has_text="Your review was saved").wait_for()

    # The secretariat admits and publishes.
    log_in(page, cycle["secretariat"].email)
    page.goto(f"/admissions/calls/{call.pk}/decisions/")
    page.locator("select[id^=id_decision_]").select_option("admit")
    page.click("button[value=save]")
    page.locator(".message--success", has_text="pending decisions were saved").wait_for()
    page.click('a[data-action="apply"]')
    page.wait_for_url("**/decisions/apply/")
    assert "Eldoret" in page.locator("main").inner_text()
    page.click('button[data-action="confirm-apply"]')
    page.locator(".message--success", has_text="1 decision(s) applied").wait_for()
    page.click('button[data-action="publish"]')
    page.locator(".message--success", has_text="1 new member(s) published").wait_for()
    assert page.locator(".admissions-publication").inner_text() == "Published"

    # The city is in the public directory and the cohort's API.
    page.context.clear_cookies()
    page.goto("/members/?q=eldoret")
    assert page.locator(".member-list__name").all_inner_texts() == ["Eldoret"]
    year = call.announcement_date.year
    response = page.request.get(f"/api/v1/cohorts/{year}")
    names = [member["name"] for member in json.loads(response.text())["members"]]
    assert names == ["Eldoret"]
    assert errors == []


SHOTS = pathlib.Path("test-results/admissions")


def shoot(page, name):
    """Screenshots of the page at 1280 and 390 px wide, for a person to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def scheduled_call(reference_data):
    """A membership call whose decisions are taken (three cities admitted) and whose
    announcement is 40 days ahead, at 10:00 in Paris; a network of two members."""
    from gnlc.cities.tests.factories import CohortFactory, MemberFactory

    cohort = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort)
    MemberFactory(name="Espoo", country_id="FI", cohort=cohort)
    day = timezone.localdate() + dt.timedelta(days=40)
    call = CallFactory(
        title="Membership call",
        announcement_date=day,
        announcement_time=dt.time(10, 0),
        time_zone="Europe/Paris",
    )
    for city, country in (("Eldoret", "KE"), ("Évora", "PT"), ("Zarqa", "JO")):
        ApplicationFactory(call=call, city_name=city, country_id=country, state="admitted")
    secretariat = UserFactory(email="sec@example.org", is_staff=True)
    RoleFactory(user=secretariat, kind=RoleKind.SECRETARIAT)
    return call, secretariat


def test_secretariat_schedules_previews_and_prepares_the_announcement(page, scheduled_call):
    errors = console_errors(page)
    call, secretariat = scheduled_call
    log_in(page, secretariat.email)

    # Publishing before the announcement only schedules it.
    page.goto(f"/admissions/calls/{call.pk}/decisions/")
    assert page.locator(".admissions-publication").inner_text() == "Ready to publish"
    shoot(page, "decisions-ready-en")
    page.click('button[data-action="publish"]')
    page.locator(".message--success", has_text="The publication is scheduled").wait_for()
    assert page.locator(".admissions-publication").inner_text() == "Scheduled"
    moment = page.locator("#publication").inner_text()
    assert f"{call.announcement_date:%-d %B %Y}, 10:00 (Europe/Paris)" in moment
    assert "Your time:" in moment
    assert page.locator('button[data-action="publish"]').count() == 0
    shoot(page, "decisions-scheduled-en")

    # Moving the announcement (an hour and a half later) moves the schedule.
    page.click("text=move the announcement date")
    page.wait_for_url(re.compile(r"/manage/$"))
    page.select_option("#id_field", "announcement_date")
    page.fill("#id_day", call.announcement_date.isoformat())
    page.fill("#id_time", "11:30")
    page.fill("#id_reason", "The press conference starts later.")
    page.click("form.form button[type=submit]")
    page.locator(".message--success", has_text="The date was moved").wait_for()
    assert "11:30 (Europe/Paris)" in page.locator("#announcement-moment").inner_text()
    shoot(page, "overview-moved-en")
    page.goto(f"/admissions/calls/{call.pk}/decisions/")
    assert f"{call.announcement_date:%-d %B %Y}, 11:30 (Europe/Paris)" in (
        page.locator("#publication").inner_text()
    )

    # The preview: what the public will see on that date.
    page.click("text=What the public will see on that date")
    page.wait_for_url(re.compile(r"/preview/$"))
    figures = page.locator("#preview-figures")
    assert figures.locator('[data-figure="new_members"]').inner_text() == "3"
    assert figures.locator('[data-figure="total_members"]').inner_text() == "5"
    assert figures.locator('[data-figure="first_time_countries"]').inner_text() == (
        "2: Jordan, Portugal"
    )
    assert page.locator(".admissions-preview-members li").all_inner_texts() == [
        "Eldoret (Kenya)",
        "Zarqa (Jordan)",
        "Évora (Portugal)",
    ]
    shoot(page, "preview-en")

    # The announcement, prepared from the preview and scheduled with the cohort.
    page.select_option("#id_language", "en")
    page.click("text=Prepare the announcement")
    page.wait_for_url(re.compile(r"/news/announcements/\d+/$"))
    page.click("text=Schedule with the cohort")
    page.locator(".message--success", has_text="The announcement is scheduled").wait_for()
    shoot(page, "announcement-scheduled-en")
    page.goto(f"/admissions/calls/{call.pk}/preview/")
    assert "Goes out with the cohort as a news post." in page.locator("main").inner_text()

    # In Arabic, right to left.
    page.goto(f"/ar/admissions/calls/{call.pk}/decisions/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    shoot(page, "decisions-scheduled-ar")
    page.goto(f"/ar/admissions/calls/{call.pk}/preview/")
    shoot(page, "preview-ar")

    # Nothing is public.
    page.context.clear_cookies()
    page.goto("/members/?q=eldoret")
    assert page.locator(".member-list__name").count() == 0
    page.goto("/news/")
    assert "Eldoret" not in page.locator("main").inner_text()
    assert errors == []
