"""The whole admission cycle in headless Chromium: a coordinator applies, the National
Commission nominates, two jurors review, the secretariat admits and publishes, and the
city appears in the public directory and in /api/v1/cohorts/{year}."""

import json

import pytest

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import CHALLENGES
from gnlc.admissions.tests.factories import CallFactory, make_juror, make_natcom
from gnlc.admissions.tests.storage import PDF

pytestmark = pytest.mark.browser
PASSWORD = "a-long-test-password"


def console_errors(page):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def log_in(page, email):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/")


@pytest.fixture
def cycle(reference_data):
    call = CallFactory(title="Call 2026", reviews_required=2)
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

    # The city is in the public directory and the cohort's API.
    page.context.clear_cookies()
    page.goto("/members/?q=eldoret")
    assert page.locator(".member-list__name").all_inner_texts() == ["Eldoret"]
    year = call.announcement_date.year
    response = page.request.get(f"/api/v1/cohorts/{year}")
    names = [member["name"] for member in json.loads(response.text())["members"]]
    assert names == ["Eldoret"]
    assert errors == []
