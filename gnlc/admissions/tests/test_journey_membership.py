"""The membership cycle from a blank installation, through the pages alone, in headless
Chromium: the migrations' data and the network's shipped members (as `make data`), then
every step a person takes is a page.

The first secretariat sets a password and pairs an authenticator from the link
`gnlc create-secretariat` prints, opens a membership call with two criteria and a quota
of one nomination per country, and invites, on the People page, Kenya's National
Commission and two jurors, one of them Kenyan. Two Kenyan cities register, confirm
their e-mail address and apply with their mayor's signed letter; the National
Commission nominates one, and the quota refuses the second. The secretariat assigns the
jury (the Kenyan juror is refused and cannot open the application), the other juror
reviews, the secretariat admits the city and publishes with an announcement still
ahead. Before that moment no public page, download, feed or API response names the
city; at it (a frozen clock), `gnlc publish-announcements` publishes, and the member
page, the directory, the statistics, the API and the news post agree, and the applicant
is the city's coordinator.

Every page visited is saved at 1280 and 390 px wide, in English and in Arabic, in
test-results/journeys/membership/."""

import datetime as dt
import io
import json
import re
import time
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gnlc.admissions.tests.journey import (
    PASSWORD,
    Journey,
    accept_invitation,
    choose,
    first_secretariat,
    invite,
    last_link,
    open_call,
    public_text,
)
from gnlc.admissions.tests.storage import PDF
from gnlc.cities.models import Member
from gnlc.core.tests.blank_install import install

# The live server's database is flushed after each test: `install` writes the
# migrations' data again, then the shipped data (not `serialized_rollback`, whose
# restored content types collide with the ones other live-server tests leave behind).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SECRETARIAT = "first@secretariat.example"
NATCOM = "natcom@unesco.example.ke"
JUROR = "juror@jury.example.fr"
KENYAN_JUROR = "juror@jury.example.ke"
CITIES = [
    # (city, the person who applies for it)
    ("Eldoret", "amina@eldoret.example"),
    ("Kisumu", "otieno@kisumu.example"),
]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAYS = {
    "opens_on": 0,
    "closes_on": 30,
    "nomination_deadline": 45,
    "review_opens_on": 50,
    "review_closes_on": 70,
    "announcement_date": 90,
}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def journey(page, live_server, settings, mailoutbox):
    settings.GNLC_TWO_FACTOR_REQUIRED = True
    install()
    return Journey(page.context.browser, live_server.url, "journeys/membership")


def test_membership_journey(journey):
    started = time.monotonic()
    today = timezone.localdate()
    day = {name: today + dt.timedelta(days=n) for name, n in DAYS.items()}
    members_before = Member.objects.count()

    sec = first_secretariat(journey, SECRETARIAT)
    p = sec.page
    # A membership call with two criteria, one nomination per country, one review each.
    call_url = open_call(
        sec,
        "Call for membership",
        {
            "title": "Call for membership 2027",
            "description": "Cities committed to **lifelong learning** may apply.",
            "time_zone": "Europe/Paris",
            **day,
            "announcement_time": "10:00",
            "quota_per_country": "1",
            "reviews_required": "1",
        },
        [("Political commitment", 3), ("Quality of the plan", 2)],
    )

    # The People page: Kenya's National Commission and two jurors, by invitation.
    invitations = [
        (NATCOM, "Kenya National Commission", "natcom", {"#id_country": "KE"}),
        (JUROR, "Juror from France", "juror", {"#id_juror-country": "FR"}),
        (KENYAN_JUROR, "Juror from Kenya", "juror", {"#id_juror-country": "KE"}),
    ]
    for n, (email, name, kind, scope) in enumerate(invitations):
        invite(sec, email, name, kind, scope, shots=n < 2)
    for n, (email, _name, kind, _scope) in enumerate(invitations):
        # The pages of a role's invitation are pictured once.
        accept_invitation(journey, email, f"{kind}-invitation" if n < 2 else None)
    journey.person(NATCOM).snap("natcom-account")

    # Two Kenyan cities register, confirm their address and apply.
    applications = {}
    for n, (city, email) in enumerate(CITIES):
        person = journey.person(email)
        shots = n == 0
        person.goto("/", "visitor-home" if shots else None)
        person.page.click('header a[href$="/admissions/"]')
        person.page.wait_for_url("**/admissions/")
        if shots:
            person.snap("visitor-calls")
        person.page.click(f'main a[href$="{call_url}"]')
        person.page.wait_for_url(f"**{call_url}")
        if shots:
            person.snap("visitor-call")
        person.page.click("text=Register to apply")
        person.page.wait_for_url("**/accounts/register/**")
        if shots:
            person.snap("visitor-register")
        person.page.fill("#id_full_name", f"Coordinator of {city}")
        person.page.fill("#id_email", email)
        person.page.fill("#id_password1", PASSWORD)
        person.page.fill("#id_password2", PASSWORD)
        person.submit("main form.card button[type=submit]")
        person.page.locator("main", has_text=email).wait_for()
        if shots:
            person.snap("visitor-check-mail", arabic=False)
        person.page.goto(last_link(email, "/accounts/verify/"))
        if shots:
            person.snap("visitor-confirm")
        person.submit("main form.card button[type=submit]")
        person.page.wait_for_url("**/accounts/login/?next=*")
        if shots:
            person.snap("visitor-log-in")
        person.page.fill("#id_username", email)
        person.page.fill("#id_password", PASSWORD)
        person.submit("main form button[type=submit]")
        person.page.wait_for_url("**/apply/")
        if shots:
            person.snap("city-apply-form")
        fill_application(person.page, city)
        person.page.click("button[value=submit]")
        person.page.locator(".admissions-state", has_text="Submitted").wait_for()
        applications[city] = re.search(r"/admissions/applications/\d+/", person.page.url).group(0)
        if shots:
            person.snap("city-application-submitted")

    # The National Commission nominates one; the quota of one refuses the second.
    natcom = journey.person(NATCOM)
    natcom.goto("/admissions/national-commission/", "natcom-to-nominate")
    quota = natcom.page.locator(".admissions-quota")
    assert quota.inner_text() == "Kenya: 0 of 1 nominations used"
    row = natcom.page.locator(".member-list__item", has_text="Eldoret")
    row.locator('button[data-move="nominated"]').click()
    natcom.page.locator(".message--success", has_text="nominated").wait_for()
    assert quota.inner_text() == "Kenya: 1 of 1 nominations used"
    second = natcom.page.locator(".member-list__item", has_text="Kisumu")
    assert second.locator('button[data-move="nominated"]').is_disabled()
    assert "The quota is full" in second.locator(".admissions-refusal").inner_text()
    natcom.snap("natcom-quota-full")

    # The jury: the Kenyan juror is refused, and cannot open the application.
    sec.goto(f"{call_url}assignments/", "sec-assignments")
    choose(p, "#id_application", "Eldoret")
    choose(p, "#id_juror", "Juror from Kenya")
    p.click("button[value=assign]")
    error = p.locator(".field--error", has=p.locator("#id_juror"))
    assert "has a conflict" in error.inner_text()
    sec.snap("sec-assignment-refused", arabic=False)
    p.click("button[value=auto]")
    p.locator(".message--success", has_text="1 review assigned").wait_for()
    assert "Juror from France" in p.locator("table").inner_text()
    assert "Juror from Kenya" not in p.locator("table").inner_text()
    sec.snap("sec-assigned")
    kenyan = journey.person(KENYAN_JUROR)
    response = kenyan.goto(applications["Eldoret"])
    assert response.status == 404
    kenyan.goto("/admissions/jury/", "kenyan-juror-jury")
    assert "Eldoret" not in kenyan.page.locator("main").inner_text()

    # The review window: the juror reviews (a new day, a new log-in).
    with time_machine.travel(at(day["review_opens_on"], 9), tick=True):
        juror = journey.person(JUROR)
        juror.log_in("/admissions/jury/")
        juror.snap("juror-jury")
        juror.page.click("main a:text('Eldoret')")
        juror.page.wait_for_url("**/review/")
        juror.snap("juror-review")
        for select in juror.page.locator("select[id^=id_score_]").all():
            select.select_option("4")
        juror.page.select_option("#id_recommendation", "admit")
        juror.page.fill("#id_comment", "A committed city with a clear plan.")
        juror.page.click("text=Save the review")
        juror.page.locator(".message--success", has_text="Your review was saved").wait_for()
        juror.snap("juror-review-saved")

    # After the reviews, the secretariat admits Eldoret and publishes, a date ahead.
    with time_machine.travel(at(day["review_closes_on"] + dt.timedelta(days=1), 9), tick=True):
        sec.log_in(f"{call_url}decisions/")
        sec.snap("sec-decisions")
        p.locator("select[id^=id_decision_]").select_option("admit")
        p.click("button[value=save]")
        p.locator(".message--success", has_text="pending decisions were saved").wait_for()
        p.click('a[data-action="apply"]')
        p.wait_for_url("**/decisions/apply/")
        sec.snap("sec-apply-decisions")
        p.click('button[data-action="confirm-apply"]')
        p.locator(".message--success", has_text="1 decision(s) applied").wait_for()
        p.click('button[data-action="publish"]')
        p.locator(".message--success", has_text="The publication is scheduled").wait_for()
        sec.snap("sec-publication-scheduled")
        p.click("text=What the public will see on that date")
        p.wait_for_url("**/preview/")
        figures = p.locator("#preview-figures")
        assert figures.locator('[data-figure="new_members"]').inner_text() == "1"
        total = figures.locator('[data-figure="total_members"]').inner_text()
        assert int(total) == members_before + 1
        sec.snap("sec-preview")
        p.select_option("#id_language", "en")
        p.click("text=Prepare the announcement")
        p.wait_for_url(re.compile(r"/news/announcements/\d+/$"))
        sec.snap("sec-announcement")
        p.click("text=Schedule with the cohort")
        p.locator(".message--success", has_text="The announcement is scheduled").wait_for()

        # Before the announcement nothing public names the city.
        visitor = journey.anonymous()
        announced = day["announcement_date"]
        as_of = [f"{path}?as_of={announced}" for path in ("/members.csv", "/statistics/")]
        before = public_text(visitor, PUBLIC_PATHS + as_of)
        for path in ("/members/eldoret/", f"/api/v1/cohorts/{announced.year}"):
            response = visitor.page.request.get(path)
            assert response.status == 404 or "Eldoret" not in response.text(), path
        for path, text in before.items():
            assert "Eldoret" not in text, path
        visitor.goto("/members/?q=eldoret", "public-directory-before")
        assert visitor.page.locator(".member-list__name").count() == 0

    # At the announcement (10:00 in Paris), the daily command publishes.
    with time_machine.travel(at(day["announcement_date"], 10, 1), tick=True):
        out = io.StringIO()
        call_command("publish_announcements", stdout=out)
        assert "1 call(s) published." in out.getvalue()
        member = Member.objects.get(name="Eldoret")
        assert Member.objects.count() == members_before + 1

        visitor.goto(f"/members/{member.slug}/", "public-member")
        assert visitor.page.locator("h1").inner_text() == "Eldoret"
        visitor.goto("/members/?q=eldoret", "public-directory")
        assert visitor.page.locator(".member-list__name").all_inner_texts() == ["Eldoret"]
        visitor.goto("/statistics/", "public-statistics")
        assert str(members_before + 1) in visitor.page.locator("main").inner_text()
        api = json.loads(visitor.page.request.get(f"/api/v1/members/{member.slug}").text())
        assert api["name"] == "Eldoret"
        year = day["announcement_date"].year
        cohort = json.loads(visitor.page.request.get(f"/api/v1/cohorts/{year}").text())
        assert [m["name"] for m in cohort["members"]] == ["Eldoret"]
        visitor.goto("/news/", "public-news")
        visitor.page.click("main a:text('1 new member from 1 country')")
        visitor.page.wait_for_url(re.compile(r"/news/[\w-]+/$"))
        visitor.snap("public-news-post")
        assert "Eldoret" in visitor.page.locator("main").inner_text()
        after = public_text(visitor, PUBLIC_PATHS)
        for path in ("/members.csv", "/news/feed/", "/api/v1/members?q=eldoret"):
            assert "Eldoret" in after[path], path

        # The applicant is the coordinator of the new member.
        applicant = journey.person(CITIES[0][1])
        applicant.log_in("/accounts/")
        assert "Eldoret" in applicant.page.locator("main").inner_text()
        applicant.snap("coordinator-account")
        applicant.goto(f"/members/{member.slug}/edit/", "coordinator-member-edit")
        # ... who puts the city on the map.
        applicant.page.fill("#id_latitude", "0.5143")
        applicant.page.fill("#id_longitude", "35.2698")
        applicant.page.click("main form button[type=submit]")
        applicant.page.wait_for_url(f"**/members/{member.slug}/")
        applicant.page.locator(".map [data-map], [data-map]").first.wait_for()
        applicant.snap("coordinator-member-on-the-map")

    assert journey.console_errors() == []
    print(
        f"membership journey: {time.monotonic() - started:.1f} s, {len(journey.shots)} pages, "
        f"{journey.shooting:.1f} s of screenshots"
    )


PUBLIC_PATHS = [
    "/members/?q=eldoret",
    "/members/?country=KE",
    "/members.csv",
    "/members.json",
    "/members.geojson",
    "/statistics/",
    "/news/",
    "/news/feed/",
    "/api/v1/members?q=eldoret",
    "/api/v1/members?country=KE",
    "/api/v1/countries/KE",
    "/api/v1/stats",
    "/countries/KE/",
]


def fill_application(page, city: str) -> None:
    """The membership application: the city, its mayor's commitment, its vision (the
    motivation and the plan), practices and policies, and the signed letter."""
    from gnlc.admissions.enums import CHALLENGES

    page.fill("#id_city_name", city)
    page.select_option("#id_country", "KE")
    for name, value in {
        "mayor_name": "A. Mayor",
        "mayor_title": "Mayor",
        "contact_name": f"Coordinator of {city}",
        "contact_email": f"learning@{city.lower()}.example",
        "population": "475716",
        "area_km2": "147.9",
        "data_year": "2024",
        "motivation": "Learning for every resident, in every ward, at every age. " * 3,
        "implementation_plan": "Learning festivals in every ward and libraries open late.",
        "good_practices": "Community learning centres run with the county's schools.",
        "interests": "Adult literacy and digital skills.",
    }.items():
        page.fill(f"#id_{name}", value)
    for key in CHALLENGES:
        page.select_option(f"#id_challenge_{key}", "3")
    page.set_input_files(
        "#id_letter",
        files=[{"name": "mayor-commitment.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
