"""The announcement of a cohort that is not public yet: prepared from a rehearsal of its
call's publication, scheduled with the call, sent out as a news post dated the
announcement's instant, in the same transaction as the cohort (`Call.materialise`); the
pages that do it."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory
from gnlc.cities.tests.factories import CohortFactory
from gnlc.news.enums import AnnouncementStatus
from gnlc.news.models import Announcement, Post

pytestmark = pytest.mark.django_db

DAY = dt.date(2027, 1, 13)
INSTANT = dt.datetime(2027, 1, 13, 9, 0, tzinfo=dt.UTC)  # 10:00 in Paris
BEFORE = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)
AFTER = INSTANT + dt.timedelta(minutes=5)


def at(moment):
    return time_machine.travel(moment, tick=False)


def run_command():
    call_command("publish_announcements", stdout=io.StringIO())


@pytest.fixture
def secretariat_user(secretariat):
    return secretariat


@pytest.fixture
def call(member):
    """Eldoret (Kenya) and Lyon (France) admitted, announced on 13 January 2027 at 10:00
    in Paris; the network holds the personas' member, Nakuru (Kenya, 2022)."""
    call = CallFactory(
        title="Call 2026",
        opens_on=dt.date(2026, 9, 1),
        announcement_date=DAY,
        announcement_time=dt.time(10, 0),
        time_zone="Europe/Paris",
    )
    ApplicationFactory(call=call, city_name="Eldoret", state=S.ADMITTED)
    ApplicationFactory(call=call, city_name="Lyon", country_id="FR", state=S.ADMITTED)
    return call


def test_scheduled_announcement_goes_out_with_the_cohort_dated_the_instant(call, secretariat_user):
    with at(BEFORE):
        announcement, created = Announcement.draft_for_call(call, "en", by=secretariat_user)
        assert announcement.publish(by=secretariat_user) is None
        call.request_publication(by=secretariat_user)

    assert created
    assert announcement.status == AnnouncementStatus.SCHEDULED
    assert announcement.cohort is None
    assert announcement.date == DAY
    assert announcement.lead.startswith("On 13 January 2027, UNESCO welcomed 2 new members")
    assert not Post.objects.exists()

    with at(AFTER):
        run_command()
        published = list(Post.objects.published())

    announcement.refresh_from_db()
    assert [post.published_at for post in published] == [INSTANT]
    assert announcement.post == published[0]
    assert (announcement.status, announcement.cohort_id) == (AnnouncementStatus.PUBLISHED, 2027)
    assert "to 3 in 2 countries" in published[0].body
    assert announcement.rewritten_on_publication is False


def test_scheduled_announcement_follows_a_moved_date(call, secretariat_user):
    with at(BEFORE):
        announcement, _ = Announcement.draft_for_call(call, "fr", by=secretariat_user)
        announcement.publish(by=secretariat_user)
        call.move_deadline(
            "announcement_date", dt.date(2027, 1, 20), by=secretariat_user, reason="Later."
        )

    announcement.refresh_from_db()
    assert announcement.date == dt.date(2027, 1, 20)
    assert announcement.lead.startswith("Le 20 janvier 2027")


def test_announcement_whose_figures_changed_is_written_again_when_it_goes_out(
    call, secretariat_user
):
    with at(BEFORE):
        announcement, _ = Announcement.draft_for_call(call, "en", by=secretariat_user)
        announcement.publish(by=secretariat_user)
        call.request_publication(by=secretariat_user)
        # A third city is admitted after the text was prepared.
        ApplicationFactory(call=call, city_name="Kisumu", state=S.ADMITTED)

    with at(AFTER):
        run_command()

    announcement.refresh_from_db()
    assert announcement.rewritten_on_publication is True
    assert announcement.post.title.endswith("3 new members from 2 countries")
    assert "- Kisumu (Kenya)" in announcement.post.body


def test_announcement_of_a_cohort_dated_in_the_future_is_refused(member, secretariat_user):
    cohort = CohortFactory(year=2027, announced_on=DAY)
    announcement, _ = Announcement.draft_for(cohort, "en")

    with at(BEFORE), pytest.raises(ValidationError, match="can be published from that day"):
        announcement.publish(by=secretariat_user)

    assert not Post.objects.exists()


# The pages ---------------------------------------------------------------------------


def test_secretariat_prepares_and_schedules_the_announcement_of_a_call(client, secretariat, call):
    with at(BEFORE):
        client.force_login(secretariat)
        prepared = client.post(
            reverse("news:announcement-generate"), {"call": call.pk, "language": "en"}
        )
        announcement = Announcement.objects.get()
        editor = client.get(announcement.get_absolute_url())
        scheduled = client.post(
            reverse("news:announcement-publish", args=[announcement.pk]), follow=True
        )
        listing = client.get(reverse("news:list"))
        api = client.get("/api/v1/news")

    assert prepared["Location"] == announcement.get_absolute_url()
    assert (announcement.call, announcement.cohort, announcement.date) == (call, None, DAY)
    assert editor.context["announcement"].year == 2027
    assert "Schedule with the cohort" in editor.content.decode()
    assert "They become public on 13 January 2027, 10:00 (Europe/Paris)." in (
        editor.content.decode()
    )
    assert "The announcement is scheduled" in scheduled.content.decode()
    assert "Do not send it with the cohort" in scheduled.content.decode()
    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.SCHEDULED
    assert not Post.objects.exists()
    assert "Eldoret" not in listing.content.decode()
    assert api.json() == []


def test_secretariat_takes_a_scheduled_announcement_back_to_a_draft(client, secretariat, call):
    with at(BEFORE):
        announcement, _ = Announcement.draft_for_call(call, "en")
        announcement.publish()
        client.force_login(secretariat)
        client.post(
            reverse("news:announcement-publish", args=[announcement.pk]),
            {"action": "unschedule"},
        )
        call.request_publication(by=secretariat)
    with at(AFTER):
        run_command()

    announcement.refresh_from_db()
    assert announcement.status == AnnouncementStatus.DRAFT
    assert not Post.objects.exists()


def test_announcements_page_lists_the_cohorts_not_announced_yet(client, secretariat, call):
    with at(BEFORE):
        client.force_login(secretariat)
        response = client.get(reverse("news:announcements"))

    assert list(response.context["coming"]) == [call]
    assert reverse("admissions:publication-preview", args=[call.pk]) in response.content.decode()


def test_generate_without_cohort_or_call_is_refused(client, secretariat):
    client.force_login(secretariat)

    response = client.post(reverse("news:announcement-generate"), {"language": "en"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"cohort": ["Choose the cohort to announce."]}
    assert not Announcement.objects.exists()


def test_a_draft_of_the_call_stays_a_draft_and_can_be_published_later(call, secretariat):
    with at(BEFORE):
        draft, _ = Announcement.draft_for_call(call, "es", by=secretariat)
        call.request_publication(by=secretariat)
    with at(AFTER):
        run_command()
        draft.refresh_from_db()
        assert (draft.status, draft.cohort_id, draft.post) == (
            AnnouncementStatus.DRAFT,
            2027,
            None,
        )
        post = draft.publish(by=secretariat)

    assert post.published_at == AFTER
    assert sorted(post.regions.values_list("slug", flat=True)) == [
        "africa",
        "europe-and-north-america",
    ]
