"""The secretariat runs its calls from the pages, in headless Chromium, from an empty
database with only the migrations' and the reference data: it makes a membership call
with two criteria (after a date out of order is refused and explained), opens it, and
the call is then public; it makes a Learning City Award call and a call for good
practices (refused until it has a theme). The secretariat's account and role are
arranged (its first log-in is another page's job); every other step is a page.

Each page is saved at 1280 and 390 px wide, in English and Arabic (right to left), in
test-results/calls/ for a person to look at."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.models import Call
from gnlc.core.tests import browser

pytestmark = pytest.mark.browser


@pytest.fixture
def secretariat(reference_data):
    # The live server's database is flushed between tests: the library's themes, which a
    # migration ships, are made again the way that migration makes them.
    importlib.import_module("gnlc.library.migrations.0002_themes_and_sdgs").seed(apps, None)
    user = UserFactory(email="secretariat@example.org")
    RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    return user


def shoot(page, name: str) -> None:
    """The page at a desktop's and a phone's width, in test-results/calls/."""
    browser.shoot(page, "calls", name)


def shoot_arabic(page, path, name):
    """The same page in Arabic (/ar/...), right to left."""
    page.goto(f"/ar{path}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    shoot(page, f"{name}-ar")


def fill_dates(page, start: dt.date, fields):
    """Fill the date inputs `fields` (name: days after `start`)."""
    for name, days in fields.items():
        page.fill(f"#id_{name}", (start + dt.timedelta(days=days)).isoformat())


MEMBERSHIP_DATES = {
    "opens_on": 0,
    "closes_on": 30,
    "nomination_deadline": 45,
    "review_opens_on": 50,
    "review_closes_on": 70,
    "announcement_date": 90,
}


def test_secretariat_makes_a_membership_call_and_opens_it(page, secretariat):
    today = timezone.localdate()
    browser.log_in(page, secretariat.email)

    page.goto("/admissions/")
    shoot(page, "01-admissions-home-empty")
    page.click("text=New call")
    page.wait_for_url("**/admissions/calls/new/")
    shoot(page, "02-new-call-kinds")
    page.click("text=Call for membership")
    page.wait_for_url("**/calls/new/membership/")
    shoot(page, "03-new-membership-form")

    # A first try with the submission deadline before the opening day: refused, said
    # next to that date, and what was typed is kept.
    page.fill("#id_title", "Call for membership 2027")
    page.fill("#id_description", "Cities committed to **lifelong learning** may apply.")
    page.select_option("#id_time_zone", "Europe/Paris")
    fill_dates(page, today, {**MEMBERSHIP_DATES, "closes_on": -1})
    page.fill("#id_criteria-0-name_en", "Political commitment")
    page.fill("#id_criteria-0-name_fr", "Engagement politique")
    page.fill("#id_criteria-0-weight", "3")
    page.fill("#id_criteria-1-name_en", "Quality of the plan")
    page.fill("#id_criteria-1-name_fr", "Qualité du plan")
    page.fill("#id_criteria-1-weight", "2")
    page.click("form.admissions-form button[type=submit]")
    error = page.locator(".field--error", has=page.locator("#id_closes_on"))
    assert "must fall on or after the opening day" in error.inner_text()
    assert page.locator(".errorlist li").count() == 1
    assert page.input_value("#id_criteria-1-name_fr") == "Qualité du plan"
    assert Call.objects.count() == 0
    shoot(page, "04-new-membership-form-error")

    fill_dates(page, today, {"closes_on": MEMBERSHIP_DATES["closes_on"]})
    page.click("form.admissions-form button[type=submit]")
    page.locator(".message--success", has_text="saved as a draft").wait_for()
    call = Call.objects.get()
    assert (call.kind, call.time_zone, call.quota_per_country, call.opened_at) == (
        "membership",
        "Europe/Paris",
        3,
        None,
    )
    assert [(c.name_en, c.name_fr, c.weight, c.order) for c in call.criteria.all()] == [
        ("Political commitment", "Engagement politique", 3, 1),
        ("Quality of the plan", "Qualité du plan", 2, 2),
    ]
    shoot(page, "05-manage-draft")
    public_url = f"/admissions/calls/{call.pk}/"
    assert Client().get(public_url).status_code == 404  # a draft is nobody else's

    page.click("text=Open…")
    page.wait_for_url("**/open/")
    shoot(page, "06-open-confirm")
    page.click('button[data-action="open"]')
    page.locator(".message--success", has_text="it is public now").wait_for()
    shoot(page, "07-manage-public")

    page.goto("/admissions/")
    assert "Call for membership 2027" in page.locator(".admissions-calls--public").inner_text()
    shoot(page, "08-admissions-home-public")
    for path, name in [
        ("/admissions/", "08-admissions-home-public"),
        ("/admissions/calls/new/", "02-new-call-kinds"),
        ("/admissions/calls/new/membership/", "03-new-membership-form"),
        (f"/admissions/calls/{call.pk}/manage/", "07-manage-public"),
        (f"/admissions/calls/{call.pk}/edit/", "09-edit"),
        (f"/admissions/calls/{call.pk}/close/", "10-close-confirm"),
    ]:
        shoot_arabic(page, path, name)

    # The public sees it: the opening day starts at 00:00, the deadline ends at 23:59.
    page.context.clear_cookies()
    page.goto(public_url)
    assert page.locator("h1").inner_text() == "Call for membership 2027"
    dates = page.locator("dl.facts").inner_text()
    opening = today.strftime("%-d %B %Y")
    assert f"{opening}, 00:00 (Europe/Paris)" in dates
    closing = (today + dt.timedelta(days=30)).strftime("%-d %B %Y")
    assert f"{closing}, 23:59 (Europe/Paris)" in dates
    assert page.locator("text=Register to apply").count() == 1
    shoot(page, "11-public-call")
    shoot_arabic(page, public_url, "11-public-call")


def test_secretariat_makes_an_award_call_and_a_call_for_practices(page, secretariat):
    today = timezone.localdate()
    browser.log_in(page, secretariat.email)

    # The Learning City Award: its quota starts at two per country.
    page.goto("/admissions/calls/new/")
    page.click("text=Learning City Award")
    page.wait_for_url("**/calls/new/award/")
    assert page.input_value("#id_quota_per_country") == "2"
    page.fill("#id_title", "Learning City Award 2027")
    fill_dates(page, today, MEMBERSHIP_DATES)
    page.fill("#id_criteria-0-name_en", "Lifelong learning for all")
    page.fill("#id_criteria-0-weight", "2")
    page.check("#id_hide_applicant_identity")
    shoot(page, "20-new-award-form")
    page.click("form.admissions-form button[type=submit]")
    page.locator(".message--success", has_text="saved as a draft").wait_for()
    award = Call.objects.get(kind="award")
    assert (award.quota_per_country, award.hide_applicant_identity) == (2, True)
    page.click("text=Open…")
    page.click('button[data-action="open"]')
    page.locator(".message--success", has_text="it is public now").wait_for()
    shoot(page, "21-manage-award")

    # A call for good practices asks for a theme and three dates, no jury.
    page.goto("/admissions/calls/new/")
    page.click("text=Call for good practices")
    page.wait_for_url("**/calls/new/practices/")
    assert page.locator("#id_nomination_deadline").count() == 0
    assert page.locator("#id_criteria-0-name_en").count() == 0
    page.fill("#id_title", "Practices: literacy in the city")
    fill_dates(page, today, {"opens_on": 0, "closes_on": 45, "announcement_date": 75})
    page.click("form.admissions-form button[type=submit]")
    theme_error = page.locator(".field--error", has=page.locator("#id_theme"))
    assert theme_error.locator(".errorlist li").all_inner_texts() == [
        "A call for good practices needs a theme."
    ]
    assert page.input_value("#id_title") == "Practices: literacy in the city"
    shoot(page, "22-new-practices-form-error")
    page.select_option("#id_theme", label="Literacy")
    page.click("form.admissions-form button[type=submit]")
    page.locator(".message--success", has_text="saved as a draft").wait_for()
    practices = Call.objects.get(kind="practices")
    assert (practices.theme.slug, practices.nomination_deadline, practices.review_closes_on) == (
        "literacy",
        today + dt.timedelta(days=45),
        today + dt.timedelta(days=75),
    )
    page.click("text=Open…")
    page.click('button[data-action="open"]')
    page.locator(".message--success", has_text="it is public now").wait_for()
    shoot(page, "23-manage-practices")

    page.goto("/admissions/")
    listed = page.locator(".admissions-calls--public").inner_text()
    assert "Learning City Award 2027" in listed
    assert "Practices: literacy in the city" in listed
    shoot(page, "24-admissions-home-three-kinds")
    shoot_arabic(page, "/admissions/calls/new/practices/", "22-new-practices-form")
    shoot_arabic(page, f"/admissions/calls/{award.pk}/manage/", "21-manage-award")

    # Both are public now: the award's page, and the library's page of the themed call.
    page.context.clear_cookies()
    page.goto(f"/admissions/calls/{award.pk}/")
    assert page.locator("h1").inner_text() == "Learning City Award 2027"
    page.goto(f"/library/calls/{practices.pk}/")
    assert "Practices: literacy in the city" in page.locator("h1").inner_text()
    shoot(page, "25-public-practices-call")


def test_cycle_pages_for_each_role_after_the_fixes(page, secretariat):
    """The pages the admissions minors changed, seen by their people: the applicant's
    next steps, the National Commission's quota counter and disabled Nominate, the
    juror's review beside the application, the confirmation before applying decisions
    (refused while reviews are missing, then applied) and before sending mail. The cycle
    is arranged with factories: these steps are not what is tested here."""
    from gnlc.accounts.tests.factories import UserFactory as Users
    from gnlc.admissions.enums import ApplicationState as S
    from gnlc.admissions.models import Review
    from gnlc.admissions.tests.factories import (
        ApplicationFactory,
        CallFactory,
        make_juror,
        make_natcom,
        reviewed,
    )

    today = timezone.localdate()
    call = CallFactory(
        title="Call 2027",
        quota_per_country=2,
        reviews_required=1,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1),
        nomination_deadline=today + dt.timedelta(days=10),
        review_opens_on=today,
        review_closes_on=today + dt.timedelta(days=20),
        announcement_date=today + dt.timedelta(days=40),
    )
    applicant = Users(email="applicant@example.org")
    eldoret = ApplicationFactory(
        call=call, created_by=applicant, city_name="Eldoret", state=S.NOMINATED, decision="admit"
    )
    ApplicationFactory(call=call, city_name="Kisii", state=S.NOMINATED)
    ApplicationFactory(call=call, city_name="Thika", state=S.SUBMITTED)
    natcom = make_natcom("KE", email="natcom@example.org")
    juror = make_juror("juror@example.org", country="FR")
    Review.objects.create(application=eldoret, juror=juror)

    browser.log_in(page, applicant.email)
    page.goto(f"/admissions/applications/{eldoret.pk}/")
    assert "The international jury reviews it from" in page.locator(".admissions-next").inner_text()
    shoot(page, "30-applicant-next-steps")
    shoot_arabic(page, f"/admissions/applications/{eldoret.pk}/", "30-applicant-next-steps")

    page.context.clear_cookies()
    browser.log_in(page, natcom.email)
    page.goto("/admissions/national-commission/")
    assert page.locator(".admissions-quota").inner_text() == "Kenya: 2 of 2 nominations used"
    assert page.locator('button[data-move="nominated"]').is_disabled()
    shoot(page, "31-natcom-quota-full")
    shoot_arabic(page, "/admissions/national-commission/", "31-natcom-quota-full")

    page.context.clear_cookies()
    browser.log_in(page, juror.email)
    page.goto(f"/admissions/applications/{eldoret.pk}/review/")
    assert page.input_value("#id_recommendation") == ""
    assert "Eldoret" in page.locator("h1").inner_text()
    assert "Adult literacy." in page.locator(".admissions-review__application").inner_text()
    shoot(page, "32-review-beside-the-application")
    shoot_arabic(page, f"/admissions/applications/{eldoret.pk}/review/", "32-review")

    page.context.clear_cookies()
    browser.log_in(page, secretariat.email)
    page.goto(f"/admissions/calls/{call.pk}/decisions/")
    page.click('a[data-action="apply"]')
    page.wait_for_url("**/decisions/apply/")
    refusal = page.locator(".alert--error").inner_text()
    assert "Eldoret (0 of 1)" in refusal
    assert page.locator('button[data-action="confirm-apply"]').count() == 0
    shoot(page, "33-apply-refused-without-reviews")
    reviewed(eldoret, n=1)
    page.reload()
    shoot(page, "34-apply-confirm")
    shoot_arabic(page, f"/admissions/calls/{call.pk}/decisions/apply/", "34-apply-confirm")
    page.goto(f"/admissions/calls/{call.pk}/decisions/apply/")
    page.click('button[data-action="confirm-apply"]')
    page.locator(".message--success", has_text="1 decision(s) applied").wait_for()

    page.goto("/admissions/outbox/")
    shoot(page, "35-outbox")
    page.click("button[value=send]")
    page.locator(".message--error", has_text="none was chosen").wait_for()
    page.locator("input[name=message]").first.check()
    page.click("button[value=send]")
    page.locator("h1", has_text="Send 1 message?").wait_for()
    shoot(page, "36-outbox-confirm")
    page.click('button[data-action="confirm-send"]')
    page.locator(".message--success", has_text="1 message(s) sent.").wait_for()
