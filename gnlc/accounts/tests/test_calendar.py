"""A user's private calendar feed: each role's own deadlines, at their exact instants
(parsed with the icalendar library), behind a secret link that can be reset."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import CalendarFeed
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import ApplicationState
from gnlc.admissions.models import Review
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory
from gnlc.cities.tests.factories import MemberFactory
from gnlc.reporting.tests.factories import PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def feed_url(user) -> str:
    return reverse("accounts:calendar", args=[CalendarFeed.of(user).token])


def events(response) -> dict:
    calendar = icalendar.Calendar.from_ical(response.content)
    return {
        str(event["UID"]): (
            str(event["SUMMARY"]),
            event.decoded("DTSTART"),
            event.decoded("DTEND"),
        )
        for event in calendar.walk("VEVENT")
    }


@time_machine.travel(at(2027, 3, 1, 9), tick=False)
def test_the_private_feed_has_each_of_the_users_roles_own_deadlines(client, member):
    person = UserFactory(email="many.hats@example.org")
    RoleFactory(user=person, kind=RoleKind.NATCOM, country=member.country)  # Kenya
    RoleFactory(user=person, kind=RoleKind.JUROR)
    RoleFactory(user=person, kind=RoleKind.COORDINATOR, member=member)
    # Applicant: their own application's call (UTC).
    mine = CallFactory(title="Applied", closes_on=dt.date(2027, 3, 31))
    ApplicationFactory(call=mine, created_by=person, city_name="Eldoret")
    # National Commission: a call with a Kenyan application submitted (Paris time)...
    nominating = CallFactory(
        title="Nominating",
        time_zone="Europe/Paris",
        opens_on=dt.date(2027, 1, 10),
        closes_on=dt.date(2027, 2, 28),
        nomination_deadline=dt.date(2027, 4, 15),
    )
    ApplicationFactory(call=nominating, city_name="Kisumu", state=ApplicationState.SUBMITTED)
    # ...not one with a draft only, nor one another country's, nor one without nominations.
    ApplicationFactory(call=CallFactory(title="Draft only"), city_name="Thika")
    other = CallFactory(title="Elsewhere")
    ApplicationFactory(
        call=other, country_id="FR", city_name="Lyon", state=ApplicationState.SUBMITTED
    )
    no_nominations = CallFactory(title="Award", kind="award", needs_national_nomination=False)
    ApplicationFactory(call=no_nominations, city_name="Mombasa", state=ApplicationState.SUBMITTED)
    # Juror: a call where they are assigned an application (Lima time).
    reviewing = CallFactory(
        title="Reviewing",
        time_zone="America/Lima",
        review_opens_on=dt.date(2027, 5, 1),
        review_closes_on=dt.date(2027, 5, 31),
        announcement_date=dt.date(2027, 6, 30),
    )
    assigned = ApplicationFactory(call=reviewing, country_id="GH", state=ApplicationState.NOMINATED)
    Review.objects.create(application=assigned, juror=person)
    # Coordinator: their member's report (platform time, UTC), not another member's.
    period = PeriodFactory(
        name="2026–2027", due=dt.date(2027, 6, 30), grace_end=dt.date(2027, 8, 29)
    )
    report = ReportFactory(period=period, member=member)
    ReportFactory(period=period, member=MemberFactory(name="Not theirs"))

    response = client.get(feed_url(person))

    assert response.status_code == 200
    assert events(response) == {
        f"call-{mine.pk}-closes_on@testserver": (
            "Submission deadline: Applied",
            at(2027, 3, 31, 23),
            at(2027, 4, 1),
        ),
        f"call-{nominating.pk}-nomination_deadline@testserver": (
            "National nomination deadline: Nominating",
            at(2027, 4, 15, 21),
            at(2027, 4, 15, 22),
        ),
        f"call-{reviewing.pk}-review@testserver": (
            "Jury review: Reviewing",
            at(2027, 5, 1, 5),
            at(2027, 6, 1, 5),
        ),
        f"report-{report.pk}-due@testserver": (
            f"Report due: {member.name}, 2026–2027",
            at(2027, 6, 30, 23),
            at(2027, 7, 1),
        ),
    }


def test_the_private_feed_of_someone_with_nothing_due_is_empty_but_valid(client):
    calendar = icalendar.Calendar.from_ical(client.get(feed_url(UserFactory())).content)

    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "GNLC: my deadlines"


def test_the_private_feed_is_in_the_users_language(client):
    person = UserFactory(language="fr")
    ApplicationFactory(call=CallFactory(title="Appel 2027"), created_by=person)

    response = client.get(feed_url(person))  # a calendar app asks without a language

    assert [summary for summary, _s, _e in events(response).values()] == [
        "Date limite de dépôt : Appel 2027"
    ]


def test_the_account_page_shows_the_link_and_resetting_it_stops_the_old_one(client):
    person = UserFactory()
    client.force_login(person)
    old = feed_url(person)

    page = client.get(reverse("accounts:dashboard")).content.decode()
    reset = client.post(reverse("accounts:calendar-reset"))
    new = feed_url(person)
    client.logout()

    assert f'value="http://testserver{old}"' in page
    assert f'href="webcal://testserver{old}"' in page
    assert reset["Location"] == reverse("accounts:dashboard") + "#calendar"
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_private_feed_of_an_inactive_account_or_an_unknown_token_is_404(client):
    person = UserFactory()
    url = feed_url(person)
    person.is_active = False
    person.save()

    assert client.get(url).status_code == 404
    assert client.get(reverse("accounts:calendar", args=["no-such-token"])).status_code == 404
