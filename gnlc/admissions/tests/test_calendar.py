"""The public side of the calls: /admissions/ for visitors, and the calendar feed of calls
(parsed with the icalendar library; every instant checked exactly)."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse

from gnlc.accounts.tests.factories import UserFactory
from gnlc.admissions.models import Call
from gnlc.admissions.tests.factories import CallFactory
from gnlc.library.models import Theme

pytestmark = pytest.mark.django_db
UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def events(response) -> dict:
    """{UID: (summary, start, end)} of a feed."""
    calendar = icalendar.Calendar.from_ical(response.content)
    return {
        str(event["UID"]): (
            str(event["SUMMARY"]),
            event.decoded("DTSTART"),
            event.decoded("DTEND"),
        )
        for event in calendar.walk("VEVENT")
    }


def membership_call(**overrides) -> Call:
    """A membership call in Paris time, spanning the change to summer time."""
    return CallFactory(
        **{
            "title": "Call 2027",
            "time_zone": "Europe/Paris",
            "opens_on": dt.date(2027, 1, 15),
            "closes_on": dt.date(2027, 3, 31),
            "nomination_deadline": dt.date(2027, 4, 30),
            "review_opens_on": dt.date(2027, 5, 10),
            "review_closes_on": dt.date(2027, 6, 10),
            "announcement_date": dt.date(2027, 9, 2),
            **overrides,
        }
    )


# The feed --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_calls_feed_has_each_calls_dates_at_their_exact_instants(client):
    call = membership_call()
    practices = CallFactory(
        kind="practices",
        title="Practices on literacy",
        theme=Theme.objects.order_by("order").first(),
        needs_national_nomination=False,
        quota_per_country=None,
        time_zone="America/Lima",
        opens_on=dt.date(2027, 2, 1),
        closes_on=dt.date(2027, 2, 28),
        nomination_deadline=dt.date(2027, 3, 5),
        review_opens_on=dt.date(2027, 3, 6),
        review_closes_on=dt.date(2027, 3, 20),
        announcement_date=dt.date(2027, 4, 1),
    )
    CallFactory(  # announced more than a year ago: out of the feed
        title="Old call",
        opens_on=dt.date(2025, 1, 1),
        announcement_date=dt.date(2026, 2, 27),
    )

    response = client.get(reverse("admissions:calendar"))

    c, p = call.pk, practices.pk
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert events(response) == {
        # Paris: UTC+1 in winter, UTC+2 from 28 March 2027.
        f"call-{c}-opens_on@testserver": (
            "Call opens: Call 2027",
            at(2027, 1, 14, 23),
            at(2027, 1, 15),
        ),
        f"call-{c}-closes_on@testserver": (
            "Submission deadline: Call 2027",
            at(2027, 3, 31, 21),
            at(2027, 3, 31, 22),
        ),
        f"call-{c}-nomination_deadline@testserver": (
            "National nomination deadline: Call 2027",
            at(2027, 4, 30, 21),
            at(2027, 4, 30, 22),
        ),
        f"call-{c}-announcement_date@testserver": (
            "Results announced: Call 2027",
            at(2027, 9, 1, 22),
            at(2027, 9, 1, 23),
        ),
        # Lima: UTC-5. No national nomination in a call for practices.
        f"call-{p}-opens_on@testserver": (
            "Call opens: Practices on literacy",
            at(2027, 2, 1, 5),
            at(2027, 2, 1, 6),
        ),
        f"call-{p}-closes_on@testserver": (
            "Submission deadline: Practices on literacy",
            at(2027, 3, 1, 4),
            at(2027, 3, 1, 5),
        ),
        f"call-{p}-announcement_date@testserver": (
            "Results announced: Practices on literacy",
            at(2027, 4, 1, 5),
            at(2027, 4, 1, 6),
        ),
    }


@time_machine.travel(NOW, tick=False)
def test_calls_feed_names_itself_and_says_where_the_deadline_is_set(client):
    call = membership_call()

    calendar = icalendar.Calendar.from_ical(client.get(reverse("admissions:calendar")).content)
    deadline = next(e for e in calendar.walk("VEVENT") if "closes_on" in str(e["UID"]))

    assert (str(calendar["VERSION"]), str(calendar["X-WR-CALNAME"])) == ("2.0", "GNLC: calls")
    assert str(deadline["DESCRIPTION"]) == (
        "Until midnight at the end of 31 March 2027, Europe/Paris time."
    )
    assert str(deadline["URL"]) == f"http://testserver/admissions/calls/{call.pk}/"
    assert deadline.decoded("DTSTAMP") == NOW


@time_machine.travel(NOW, tick=False)
def test_calls_feed_in_french(client):
    membership_call()

    summaries = {
        summary for summary, _s, _e in events(client.get("/fr/admissions/calls.ics")).values()
    }

    assert "Date limite de dépôt : Call 2027" in summaries


# The calls page --------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_visitors_see_open_and_upcoming_calls_with_who_may_apply_and_how(client):
    open_call = membership_call()
    upcoming = CallFactory(
        kind="award",
        title="Award 2027",
        opens_on=dt.date(2027, 6, 1),
        closes_on=dt.date(2027, 7, 1),
    )
    CallFactory(title="Closed", opens_on=dt.date(2027, 1, 1), closes_on=dt.date(2027, 2, 27))

    response = client.get(reverse("admissions:home"))
    page = response.content.decode()

    assert response.status_code == 200
    assert [call.title for call in response.context["calls"]] == ["Call 2027", "Award 2027"]
    assert "A city or local authority of a UNESCO Member State" in page
    assert "Members of the network, entered by their city coordinator" in page
    assert "nominates at most 3 cities by the nomination deadline" in page
    apply = open_call.apply_url()
    assert f'href="/accounts/register/?next={apply}"' in page
    assert f'href="/accounts/login/?next={apply}"' in page
    assert f'href="/accounts/login/?next=/admissions/calls/{upcoming.pk}/apply-award/"' in page
    assert 'value="http://testserver/admissions/calls.ics"' in page
    assert 'href="webcal://testserver/admissions/calls.ics"' in page


def test_a_call_closes_for_the_calls_page_at_midnight_in_its_own_time_zone():
    kiritimati = CallFactory(  # UTC+14: at 09:00 UTC on 1 March it is 23:00 there
        time_zone="Pacific/Kiritimati", opens_on=dt.date(2027, 2, 1), closes_on=dt.date(2027, 3, 1)
    )
    CallFactory(  # UTC-5: 28 February ended there at 05:00 UTC on 1 March
        time_zone="America/Lima", opens_on=dt.date(2027, 2, 1), closes_on=dt.date(2027, 2, 28)
    )

    assert Call.objects.open_or_upcoming(NOW) == [kiritimati]
    assert Call.objects.open_or_upcoming(at(2027, 3, 1, 10)) == []


@time_machine.travel(NOW, tick=False)
def test_calls_page_and_feed_leave_out_drafts_and_archived_calls(client):
    listed = membership_call()
    membership_call(title="Draft 2027", opened_at=None)
    membership_call(title="Archived 2027", archived_at=at(2027, 2, 1, 12))

    page = client.get(reverse("admissions:home"))
    feed = events(client.get(reverse("admissions:calendar")))

    assert Call.objects.open_or_upcoming(NOW) == [listed]
    assert list(Call.objects.in_calendar(NOW.date())) == [listed]
    assert [call.title for call in page.context["calls"]] == ["Call 2027"]
    assert "Draft 2027" not in page.content.decode()
    assert "Archived 2027" not in page.content.decode()
    assert {uid.split("-")[1] for uid in feed} == {str(listed.pk)}
    assert len(feed) == 4


@time_machine.travel(NOW, tick=False)
def test_visitors_without_a_call_are_told_so_and_offered_the_calendar(client):
    page = client.get(reverse("admissions:home")).content.decode()

    assert "No call is open or announced at the moment." in page
    assert "/admissions/calls.ics" in page


def test_signed_in_people_keep_their_admissions_page(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admissions:home"))

    assert response.templates[0].name == "admissions/home.html"
    assert "You have no application yet." in response.content.decode()
