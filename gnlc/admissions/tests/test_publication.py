"""Announcement and embargo as one rule: decisions stay confidential until the
announcement's instant, then the members, award wins and the announcement's news post
come out together (`Call.request_publication`, `Call.materialise`, `gnlc
publish-announcements`); moving the date moves all of it; the preview rehearses the very
publication and leaves nothing behind."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.enums import PublicationState
from gnlc.admissions.models import Application, AwardWin, DeadlineChange
from gnlc.admissions.preview import preview_of
from gnlc.admissions.tests.factories import ApplicationFactory, AwardCallFactory, CallFactory
from gnlc.audit.models import AuditEntry
from gnlc.cities.enums import Status
from gnlc.cities.models import Cohort, DataRevision, Member
from gnlc.cities.stats import award_winners, network_stats
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.news.enums import AnnouncementStatus
from gnlc.news.models import Announcement, Post

pytestmark = pytest.mark.django_db

UTC = dt.UTC
DAY = dt.date(2027, 1, 13)
# 10:00 in Paris on 13 January 2027 is 09:00 UTC.
INSTANT = dt.datetime(2027, 1, 13, 9, 0, tzinfo=UTC)
BEFORE = dt.datetime(2027, 1, 10, 12, 0, tzinfo=UTC)
AFTER = INSTANT + dt.timedelta(minutes=5)


def at(moment):
    return time_machine.travel(moment, tick=False)


def run_command() -> str:
    out = io.StringIO()
    call_command("publish_announcements", stdout=out)
    return out.getvalue()


@pytest.fixture
def secretariat_user():
    user = UserFactory(email="sec@example.org")
    RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    return user


@pytest.fixture
def network():
    """The network before the call: Nakuru (Kenya, 2022)."""
    return MemberFactory(name="Nakuru", cohort=CohortFactory(year=2022))


def membership_call(**fields):
    return CallFactory(
        title="Call 2026",
        opens_on=dt.date(2026, 9, 1),
        announcement_date=DAY,
        announcement_time=dt.time(10, 0),
        time_zone="Europe/Paris",
        **fields,
    )


@pytest.fixture
def call(network):
    call = membership_call()
    ApplicationFactory(call=call, city_name="Eldoret", state=S.ADMITTED)
    ApplicationFactory(call=call, city_name="Lyon", country_id="FR", state=S.ADMITTED)
    return call


def eldoret_is_public() -> bool:
    return Member.objects.filter(name="Eldoret").exists()


# The instant -------------------------------------------------------------------------


def test_announcement_instant_is_the_date_and_time_in_the_call_zone(call):
    assert call.announcement_instant() == INSTANT


def test_announcement_instant_never_before_the_platform_day_has_begun(network):
    # 09:00 on 13 January in Auckland is 20:00 on the 12th in UTC, the platform's zone:
    # the platform's today would still be the 12th, so it waits for midnight UTC.
    call = membership_call()
    call.time_zone, call.announcement_time = "Pacific/Auckland", dt.time(9, 0)

    assert call.announcement_instant() == dt.datetime(2027, 1, 13, 0, 0, tzinfo=UTC)


# Publishing --------------------------------------------------------------------------


def test_publish_before_the_instant_only_schedules(call, secretariat_user):
    with at(BEFORE):
        published = call.request_publication(by=secretariat_user)
        state = call.publication_state()

    call.refresh_from_db()
    assert published is None
    assert state == PublicationState.SCHEDULED
    assert (call.publication_requested_at, call.publication_requested_by) == (
        BEFORE,
        secretariat_user,
    )
    assert call.published_at is None
    assert not eldoret_is_public()
    assert not Cohort.objects.filter(year=2027).exists()
    assert not Application.objects.filter(call=call, member__isnull=False).exists()
    assert call.phase() == "Publication scheduled"


def test_command_publishes_nothing_before_the_instant_then_everything_at_once(
    call, secretariat_user
):
    with at(BEFORE):
        call.request_publication(by=secretariat_user)
    with at(INSTANT - dt.timedelta(seconds=1)):
        early = run_command()
        assert not eldoret_is_public()

    with at(AFTER):
        revision = DataRevision.current()
        output = run_command()
        stats = network_stats()

    call.refresh_from_db()
    assert early == "0 call(s) published.\n"
    assert output.splitlines()[-1] == "1 call(s) published."
    assert "Call 2026: 2 member(s), 0 award win(s), 0 news post(s) published" in output
    assert call.published_at == AFTER
    cohort = Cohort.objects.get(year=2027)
    assert cohort.announced_on == DAY
    members = Member.objects.filter(name__in=["Eldoret", "Lyon"]).order_by("name")
    assert [(m.name, m.status, m.cohort_id) for m in members] == [
        ("Eldoret", Status.ACTIVE, 2027),
        ("Lyon", Status.ACTIVE, 2027),
    ]
    assert [e.date for m in members for e in m.events.all()] == [DAY, DAY]
    assert (stats["members"], stats["countries"]) == (3, 2)
    assert DataRevision.current() > revision
    entry = AuditEntry.objects.for_object(members[0]).first()
    assert entry.actor_label == "gnlc publish-announcements"

    with at(AFTER + dt.timedelta(minutes=5)):
        again = run_command()

    assert again == "0 call(s) published.\n"
    assert Member.objects.filter(name="Eldoret").count() == 1
    assert members[0].events.count() == 1


def test_publish_after_the_instant_is_immediate(call, secretariat_user):
    with at(AFTER):
        published = call.request_publication(by=secretariat_user)
        state = call.publication_state()

    assert sorted(m.name for m in published.members) == ["Eldoret", "Lyon"]
    assert state == PublicationState.PUBLISHED
    assert Member.objects.get(name="Eldoret").events.get().date == DAY


def test_publish_with_nothing_admitted_is_refused(network, secretariat_user):
    call = membership_call()

    with at(BEFORE), pytest.raises(ValidationError, match="apply the decisions first"):
        call.request_publication(by=secretariat_user)

    call.refresh_from_db()
    assert call.publication_requested_at is None


def test_materialise_before_the_instant_is_refused(call):
    with at(BEFORE), pytest.raises(ValidationError, match="not due before"):
        call.materialise()

    assert not eldoret_is_public()


# Moving the date ---------------------------------------------------------------------


def test_moving_the_date_before_publication_moves_the_schedule(call, secretariat_user):
    later = dt.date(2027, 1, 20)
    with at(BEFORE):
        call.request_publication(by=secretariat_user)
        change = call.move_deadline(
            "announcement_date",
            later,
            time=dt.time(11, 30),
            by=secretariat_user,
            reason="The board meets later.",
        )
    with at(AFTER):  # the old instant: nothing
        assert run_command() == "0 call(s) published.\n"
    assert not eldoret_is_public()

    with at(dt.datetime(2027, 1, 20, 10, 30, tzinfo=UTC)):  # 11:30 in Paris
        run_command()

    assert (change.old_day, change.new_day, change.old_time, change.new_time) == (
        DAY,
        later,
        dt.time(10, 0),
        dt.time(11, 30),
    )
    assert Member.objects.get(name="Eldoret").events.get().date == later
    assert Cohort.objects.get(year=2027).announced_on == later


def test_moving_the_date_into_the_past_publishes_a_requested_call_at_once(call, secretariat_user):
    with at(BEFORE):
        call.request_publication(by=secretariat_user)
        call.move_deadline(
            "announcement_date", dt.date(2027, 1, 9), by=secretariat_user, reason="Earlier."
        )

    assert Member.objects.get(name="Eldoret").events.get().date == dt.date(2027, 1, 9)


def test_moving_the_date_after_publication_is_refused(call, secretariat_user):
    with at(AFTER):
        call.request_publication(by=secretariat_user)
        with pytest.raises(ValidationError, match="cannot move any more"):
            call.move_deadline(
                "announcement_date", dt.date(2027, 2, 1), by=secretariat_user, reason="Later."
            )

    call.refresh_from_db()
    assert call.announcement_date == DAY
    assert not DeadlineChange.objects.filter(call=call).exists()


def test_a_time_is_refused_for_another_date(call, secretariat_user):
    with pytest.raises(ValidationError, match="Only the announcement has a time"):
        call.move_deadline(
            "closes_on", call.closes_on, time=dt.time(8, 0), by=secretariat_user, reason="x"
        )


# The award ---------------------------------------------------------------------------


def test_award_wins_count_from_their_announcement(client, network, secretariat_user):
    nakuru = network
    call = AwardCallFactory(
        opens_on=dt.date(2026, 3, 1),
        announcement_date=DAY,
        announcement_time=dt.time(10, 0),
        time_zone="Europe/Paris",
    )
    ApplicationFactory(call=call, member=nakuru, city_name="Nakuru", state=S.ADMITTED)
    with at(BEFORE):
        assert call.request_publication(by=secretariat_user) is None
        before = client.get(reverse("cities:member", args=[nakuru.slug]))
    assert not AwardWin.objects.exists()
    assert before.context["award_years"] == []

    with at(AFTER):
        run_command()
        page = client.get(reverse("cities:member", args=[nakuru.slug]))
        today = award_winners()
        old = client.get(reverse("cities:statistics"), {"as_of": "2022-09-02"})

    win = AwardWin.objects.get()
    assert (win.year, win.announced_on) == (2027, DAY)
    assert page.context["award_years"] == [2027]
    assert [(row["year"], row["member"].name) for row in today] == [(2027, "Nakuru")]
    assert award_winners(DAY - dt.timedelta(days=1)) == []
    assert 'id="award-table"' not in old.content.decode()


# The rehearsal -----------------------------------------------------------------------


def test_rehearsal_shows_the_publication_and_leaves_nothing_behind(
    call, secretariat_user, django_capture_on_commit_callbacks
):
    with at(BEFORE):
        announcement, _ = Announcement.draft_for_call(call, "en", by=secretariat_user)
        announcement.publish(by=secretariat_user)
        members, events = Member.objects.count(), AuditEntry.objects.count()
        revision = DataRevision.current()
        with django_capture_on_commit_callbacks() as callbacks:
            seen = call.rehearse_publication(preview_of(call))

    assert seen["summary"]["new_members"] == 2
    assert (seen["summary"]["total_members"], seen["summary"]["total_countries"]) == (3, 2)
    assert seen["summary"]["first_time_countries"] == ["France"]
    assert [(g["region"], [m["name"] for m in g["members"]]) for g in seen["groups"]] == [
        ("Africa", ["Eldoret"]),
        ("Europe and North America", ["Lyon"]),
    ]
    assert [row["goes_out"] for row in seen["announcements"]["prepared"]] == [True]
    assert "UNESCO welcomed 2 new members" in seen["announcements"]["prepared"][0]["html"]
    # Nothing escaped: no row, no audit entry, no revision, no mail, no cache.
    assert (Member.objects.count(), AuditEntry.objects.count()) == (members, events)
    assert DataRevision.current() == revision
    assert callbacks == []
    assert not Post.objects.exists()
    assert not Cohort.objects.filter(year=2027).exists()
    assert Announcement.objects.get().status == AnnouncementStatus.SCHEDULED
    assert not eldoret_is_public()


def test_rehearsal_bypasses_the_public_cache(call, monkeypatch):
    from gnlc.core import cache as public_cache

    stored = []
    monkeypatch.setattr(public_cache.cache, "set", lambda *args, **kwargs: stored.append(args))

    with at(BEFORE):
        value = call.rehearse_publication(
            lambda publication: public_cache.cached(["x"], lambda: len(publication.members))
        )

    assert value == 2
    assert stored == []


# The pages ---------------------------------------------------------------------------


def test_decisions_page_says_where_publication_stands(client, call, secretariat_user):
    def state():
        return client.get(reverse("admissions:decisions", args=[call.pk])).context["publication"]

    with at(BEFORE):
        client.force_login(secretariat_user)
        ready = state()
        response = client.post(
            reverse("admissions:decisions", args=[call.pk]), {"action": "publish"}, follow=True
        )
        scheduled = response.context["publication"]
        page = response.content.decode()
    with at(AFTER):
        client.force_login(secretariat_user)
        due = state()
        run_command()
        published = state()

    assert (ready, scheduled, due, published) == (
        PublicationState.READY,
        PublicationState.SCHEDULED,
        PublicationState.DUE,
        PublicationState.PUBLISHED,
    )
    assert "The publication is scheduled: nothing is public before" in page
    assert "It will be published on 13 January 2027, 10:00 (Europe/Paris)." in page
    assert 'datetime="2027-01-13T09:00:00+00:00"' in page
    assert 'data-action="publish"' not in page


def test_preview_page_shows_the_cohort_on_the_announcement_date(client, call, secretariat_user):
    with at(BEFORE):
        client.force_login(secretariat_user)
        response = client.get(reverse("admissions:publication-preview", args=[call.pk]))

    content = response.content.decode()
    assert response.context["preview"]["summary"]["new_members"] == 2
    assert '<dd data-figure="total_members">3</dd>' in content
    assert 'Eldoret <span class="muted">(Kenya)</span>' in content
    assert "On 13 January 2027, UNESCO welcomed 2 new members from 2 countries" in content
    assert not eldoret_is_public()


def test_preview_page_of_an_award_lists_the_winners_to_be(client, network, secretariat_user):
    call = AwardCallFactory(opens_on=dt.date(2026, 3, 1), announcement_date=DAY)
    ApplicationFactory(call=call, member=network, city_name="Nakuru", state=S.ADMITTED)

    with at(BEFORE):
        client.force_login(secretariat_user)
        response = client.get(reverse("admissions:publication-preview", args=[call.pk]))

    assert response.context["preview"]["winners"]["new"] == [
        {"year": 2027, "name": "Nakuru", "country": "Kenya", "region": "Africa", "new": True}
    ]
    assert not AwardWin.objects.exists()


def test_overview_page_moves_the_announcement_date_and_time(client, call, secretariat_user):
    with at(BEFORE):
        client.force_login(secretariat_user)
        response = client.post(
            reverse("admissions:manage", args=[call.pk]),
            {
                "field": "announcement_date",
                "day": "2027-01-14",
                "time": "15:30",
                "reason": "Press conference in the afternoon.",
            },
            follow=True,
        )

    call.refresh_from_db()
    assert (call.announcement_date, call.announcement_time) == (
        dt.date(2027, 1, 14),
        dt.time(15, 30),
    )
    assert "14 January 2027, 15:30 (Europe/Paris)" in response.content.decode()


def test_overview_page_refuses_a_time_for_another_date(client, call, secretariat_user):
    client.force_login(secretariat_user)

    response = client.post(
        reverse("admissions:manage", args=[call.pk]),
        {"field": "closes_on", "day": "2026-09-01", "time": "15:30", "reason": "x"},
    )

    assert response.context["form"].errors == {"time": ["Only the announcement has a time of day."]}
