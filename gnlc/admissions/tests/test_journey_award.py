"""The Learning City Award from a blank installation, through the pages alone, in
headless Chromium: the migrations' data and the network's shipped members (as
`make data`), then every step a person takes is a page.

The first secretariat (from the link `gnlc create-secretariat` prints) opens an award
call and invites, on the People page, the coordinators of two Kenyan members (Kilifi
County and Laikipia Consortium, members since 2022), Kenya's National Commission and two
jurors, one of them Kenyan. Each coordinator enters their city; the National Commission
nominates both (its quota of two is then used); the secretariat assigns the jury (the
Kenyan juror cannot open the applications), the other juror reviews both, and the
secretariat chooses Kilifi County as the winner and Laikipia in reserve, then publishes
with the announcement still ahead. Before that moment no public page names the winner;
at it (a frozen clock) `gnlc publish-announcements` publishes, and the member page and
the statistics show the win, the city in reserve none.

Every page visited is saved at 1280 and 390 px wide, in English and in Arabic, in
test-results/journeys/award/."""

import datetime as dt
import io
import re
import time
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from gnlc.admissions.tests.journey import (
    Journey,
    accept_invitation,
    first_secretariat,
    invite,
    open_call,
    public_text,
)
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
WINNER, RESERVE = "Kilifi County", "Laikipia Consortium"
COORDINATORS = {WINNER: "learning@kilifi.example", RESERVE: "learning@laikipia.example"}
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAYS = {
    "opens_on": 0,
    "closes_on": 30,
    "nomination_deadline": 45,
    "review_opens_on": 50,
    "review_closes_on": 70,
    "announcement_date": 90,
}
PUBLIC_PATHS = [
    "/members/kilifi-county/",
    "/members/laikipia-consortium/",
    "/statistics/",
    "/countries/KE/",
    "/news/",
    "/news/feed/",
    "/api/v1/members/kilifi-county",
    "/api/v1/stats",
]


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def journey(page, live_server, settings, mailoutbox):
    settings.GNLC_TWO_FACTOR_REQUIRED = True
    install()
    return Journey(page.context.browser, live_server.url, "journeys/award")


def test_award_journey(journey):
    started = time.monotonic()
    today = timezone.localdate()
    day = {name: today + dt.timedelta(days=n) for name, n in DAYS.items()}

    sec = first_secretariat(journey, SECRETARIAT)
    p = sec.page
    call_url = open_call(
        sec,
        "Learning City Award",
        {
            "title": "Learning City Award 2027",
            "time_zone": "Europe/Paris",
            **day,
            "announcement_time": "10:00",
            "reviews_required": "1",
        },
        [("Lifelong learning for all", 3), ("Impact on the city", 2)],
    )

    # The People page: two coordinators, the National Commission, two jurors.
    people = [
        (COORDINATORS[WINNER], "Coordinator of Kilifi", "coordinator", {"#id_member": WINNER}),
        (COORDINATORS[RESERVE], "Coordinator of Laikipia", "coordinator", {"#id_member": RESERVE}),
        (NATCOM, "Kenya National Commission", "natcom", {"#id_country": "KE"}),
        (JUROR, "Juror from France", "juror", {"#id_juror-country": "FR"}),
        (KENYAN_JUROR, "Juror from Kenya", "juror", {"#id_juror-country": "KE"}),
    ]
    for n, (email, name, kind, scope) in enumerate(people):
        invite(sec, email, name, kind, scope, shots=n == 0)
    for n, (email, _name, kind, _scope) in enumerate(people):
        # The pages of a role's invitation are pictured once.
        accept_invitation(journey, email, f"{kind}-invitation" if n in (0, 2, 3) else None)

    # Each coordinator enters their city.
    applications = {}
    for n, (city, email) in enumerate(COORDINATORS.items()):
        person = journey.person(email)
        shots = n == 0
        person.page.click('header a[href$="/admissions/"]')
        person.page.wait_for_url("**/admissions/")
        if shots:
            person.snap("coordinator-calls")
        person.page.click(f'main a[href$="{call_url}"]')
        person.page.wait_for_url(f"**{call_url}")
        if shots:
            person.snap("coordinator-call")
        person.page.click("text=Enter a member city")
        person.page.wait_for_url("**/apply-award/")
        if shots:
            person.snap("coordinator-award-form")
        assert person.page.locator("#id_member option").all_inner_texts() == [city]
        fill_award_application(person.page, city)
        person.page.click("button[value=submit]")
        person.page.locator(".admissions-state", has_text="Submitted").wait_for()
        applications[city] = re.search(r"/admissions/applications/\d+/", person.page.url).group(0)
        if shots:
            person.snap("coordinator-application-submitted")

    # Kenya's National Commission nominates both: its quota of two is then used.
    natcom = journey.person(NATCOM)
    natcom.goto("/admissions/national-commission/", "natcom-to-nominate")
    quota = natcom.page.locator(".admissions-quota")
    assert quota.inner_text() == "Kenya: 0 of 2 nominations used"
    for city in (WINNER, RESERVE):
        row = natcom.page.locator(".member-list__item", has_text=city)
        row.locator('button[data-move="nominated"]').click()
        natcom.page.locator(".message--success", has_text="nominated").wait_for()
    assert quota.inner_text() == "Kenya: 2 of 2 nominations used"
    natcom.snap("natcom-nominated")

    # The jury: the Kenyan juror has none of them and cannot open them.
    sec.goto(f"{call_url}assignments/", "sec-assignments")
    p.click("button[value=auto]")
    p.locator(".message--success", has_text="2 reviews assigned").wait_for()
    table = p.locator("table").inner_text()
    assert "Juror from France" in table
    assert "Juror from Kenya" not in table
    sec.snap("sec-assigned")
    kenyan = journey.person(KENYAN_JUROR)
    for path in applications.values():
        assert kenyan.page.goto(path).status == 404
        assert kenyan.page.goto(f"{path}review/").status == 404

    # The review window: the juror reviews both (a new day, a new log-in).
    with time_machine.travel(at(day["review_opens_on"], 9), tick=True):
        juror = journey.person(JUROR)
        juror.log_in("/admissions/jury/")
        juror.snap("juror-jury")
        for n, (city, score) in enumerate(((WINNER, "5"), (RESERVE, "4"))):
            juror.page.goto("/admissions/jury/")
            juror.page.click(f"main a:text('{city}')")
            juror.page.wait_for_url("**/review/")
            if n == 0:
                juror.snap("juror-review")
            for select in juror.page.locator("select[id^=id_score_]").all():
                select.select_option(score)
            juror.page.select_option("#id_recommendation", "admit")
            juror.page.fill("#id_comment", "Strong, measured results.")
            juror.page.click("text=Save the review")
            juror.page.locator(".message--success", has_text="Your review was saved").wait_for()

    # The secretariat chooses the winner and the reserve, and publishes a date ahead.
    visitor = journey.anonymous()
    with time_machine.travel(at(day["review_closes_on"] + dt.timedelta(days=1), 9), tick=True):
        before = public_text(visitor, PUBLIC_PATHS)
        sec.log_in(f"{call_url}decisions/")
        sec.snap("sec-decisions")
        decisions = {WINNER: "admit", RESERVE: "waitlist"}
        for city, decision in decisions.items():
            row = p.locator("tbody tr", has_text=city)
            row.locator("select[id^=id_decision_]").select_option(decision)
        p.click("button[value=save]")
        p.locator(".message--success", has_text="pending decisions were saved").wait_for()
        assert "Winners: 1; in reserve: 1" in p.locator("main").inner_text()
        p.click('a[data-action="apply"]')
        p.wait_for_url("**/decisions/apply/")
        sec.snap("sec-apply-decisions")
        p.click('button[data-action="confirm-apply"]')
        p.locator(".message--success", has_text="2 decision(s) applied").wait_for()
        p.click('button[data-action="publish"]')
        p.locator(".message--success", has_text="The publication is scheduled").wait_for()
        sec.snap("sec-publication-scheduled")
        p.click("text=What the public will see on that date")
        p.wait_for_url("**/preview/")
        assert WINNER in p.locator("main").inner_text()
        sec.snap("sec-preview")

        # Before the announcement, nothing public changed: no winner anywhere.
        during = public_text(visitor, PUBLIC_PATHS)
        for path in PUBLIC_PATHS:
            if path.startswith("/api/"):
                assert during[path] == before[path], path
            assert "award-years" not in during[path], path
        visitor.goto("/members/kilifi-county/", "public-winner-before")
        assert visitor.page.locator("#award-years").count() == 0
        visitor.goto("/statistics/", "public-statistics-before")
        assert WINNER not in visitor.page.locator("main").inner_text()

    # At the announcement (10:00 in Paris), the daily command publishes.
    with time_machine.travel(at(day["announcement_date"], 10, 1), tick=True):
        out = io.StringIO()
        call_command("publish_announcements", stdout=out)
        assert "1 award win(s)" in out.getvalue()
        visitor.goto("/members/kilifi-county/", "public-winner")
        year = str(day["announcement_date"].year)
        assert visitor.page.locator("#award-years li").all_inner_texts() == [year]
        visitor.goto("/members/laikipia-consortium/", "public-reserve")
        assert visitor.page.locator("#award-years").count() == 0
        visitor.goto("/statistics/", "public-statistics")
        assert WINNER in visitor.page.locator("#award-table").inner_text()
        assert RESERVE not in visitor.page.locator("#award-table").inner_text()
        coordinator = journey.person(COORDINATORS[WINNER])
        coordinator.goto(applications[WINNER], "coordinator-application-won")

    assert journey.console_errors() == []
    print(
        f"award journey: {time.monotonic() - started:.1f} s, {len(journey.shots)} pages, "
        f"{journey.shooting:.1f} s of screenshots"
    )


def fill_award_application(page, city: str) -> None:
    """The award dossier: achievements, impact and next steps, evidence."""
    for name, value in {
        "contact_name": f"Coordinator of {city}",
        "contact_email": f"learning@{city.split()[0].lower()}.example",
        "motivation": "Learning centres in every ward, used by every generation. " * 3,
        "implementation_plan": "Twice as many adults in learning since the city joined.",
        "good_practices": "A learning festival each year; a county policy of lifelong learning.",
    }.items():
        page.fill(f"#id_{name}", value)
