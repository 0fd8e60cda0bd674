"""Suggestions of corrections and missing members: anonymous submit, its guards, the
secretariat's review, the audited change and the mail to the suggester."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from gnlc.audit.models import AuditEntry
from gnlc.cities.models import Member, Suggestion
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db

SOURCE = "https://example.org/nakuru-2022"


def send(client, url, **fields):
    data = {"text": "The name is wrong.", "source_url": SOURCE, "email": "", "website": ""}
    return client.post(url, {**data, **fields})


def test_anonymous_suggestion_is_kept_unpublished_until_reviewed(client, member):
    response = send(client, reverse("cities:member-suggest", args=[member.slug]), email="a@b.org")

    assert response.status_code == 302
    assert response["Location"] == reverse("cities:suggest-sent")
    suggestion = Suggestion.objects.get()
    assert (suggestion.member, suggestion.kind, suggestion.status) == (
        member,
        "correction",
        "pending",
    )
    assert (suggestion.email, suggestion.submitted_by, suggestion.submitted_as) == (
        "a@b.org",
        None,
        "",
    )
    assert "The name is wrong." not in client.get(member.get_absolute_url()).content.decode()


def test_suggestion_without_source_is_refused(client):
    response = send(client, reverse("cities:suggest"), source_url="")

    assert response.status_code == 400
    assert Suggestion.objects.count() == 0


def test_suggestion_over_the_size_limit_is_refused(client):
    response = send(client, reverse("cities:suggest"), text="x" * 2001)

    assert response.status_code == 400
    assert (
        "Ensure this value has at most 2000 characters (it has 2001)." in response.content.decode()
    )
    assert Suggestion.objects.count() == 0


def test_honeypot_filled_is_thanked_and_nothing_kept(client):
    response = send(client, reverse("cities:suggest"), website="http://spam.example/")

    assert response.status_code == 302
    assert Suggestion.objects.count() == 0


def test_suggestions_per_client_are_rate_limited(client, settings):
    settings.GNLC_RATE_LIMIT_SUGGEST = (2, 3600)
    cache.clear()
    url = reverse("cities:suggest")

    statuses = [send(client, url).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Suggestion.objects.count() == 2
    assert client.get(url).status_code == 200  # reading the form is not counted


def test_coordinator_suggestion_shows_their_role_to_the_reviewer(
    client, member, coordinator, secretariat
):
    client.force_login(coordinator)
    send(client, reverse("cities:member-suggest", args=[member.slug]))
    suggestion = Suggestion.objects.get()
    client.force_login(secretariat)

    page = client.get(suggestion.get_absolute_url()).content.decode()

    assert suggestion.submitted_as == f"City coordinator of {member.name}"
    assert f"City coordinator of {member.name}" in page


def review(client, suggestion, **fields):
    return client.post(suggestion.get_absolute_url(), fields)


def test_accepting_a_correction_is_an_audited_edit_and_mails_the_outcome(
    client, member, secretariat, django_capture_on_commit_callbacks
):
    suggestion = Suggestion.objects.create(
        kind="correction", member=member, text="Misspelt", source_url=SOURCE, email="a@b.org"
    )
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = review(
            client,
            suggestion,
            decision="accepted",
            name="Nakuru City",
            country=member.country_id,
            subdivision="",
            latitude="",
            longitude="",
            source_url=SOURCE,
        )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.source_url) == ("Nakuru City", SOURCE)
    entry = AuditEntry.objects.filter(object_id=str(member.pk), action="update").latest("id")
    assert entry.actor == secretariat
    assert entry.changes["name"][1] == "Nakuru City"
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reviewed_by) == ("accepted", secretariat)
    assert [m.to for m in mail.outbox] == [["a@b.org"]]
    assert "accepted" in mail.outbox[0].body


def test_accepting_a_missing_member_creates_it_with_its_source(client, secretariat):
    CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    suggestion = Suggestion.objects.create(
        kind="missing", text="Kisumu joined in 2022", source_url=SOURCE
    )
    client.force_login(secretariat)

    response = review(
        client,
        suggestion,
        decision="accepted",
        city="Kisumu",
        country="KE",
        year_joined="2022",
        member_by="",
        source_url=SOURCE,
    )

    assert response.status_code == 302
    kisumu = Member.objects.get(name="Kisumu")
    assert (kisumu.cohort_id, kisumu.source_url, kisumu.status) == (2022, SOURCE, "active")
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.created_member) == ("accepted", kisumu)
    created = AuditEntry.objects.get(
        object_id=str(kisumu.pk), action="create", content_type__model="member"
    )
    assert created.actor == secretariat


def test_accepting_a_missing_member_the_importer_refuses_shows_why(client, secretariat):
    suggestion = Suggestion.objects.create(kind="missing", text="x", source_url=SOURCE)
    client.force_login(secretariat)

    response = review(
        client,
        suggestion,
        decision="accepted",
        city="=cmd",
        country="KE",
        year_joined="2022",
        member_by="",
        source_url=SOURCE,
    )

    assert response.status_code == 400
    assert "which a spreadsheet runs as a formula" in response.content.decode()
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"
    assert Member.objects.filter(name="=cmd").count() == 0


def test_rejecting_needs_a_reason_which_is_mailed(
    client, member, secretariat, django_capture_on_commit_callbacks
):
    suggestion = Suggestion.objects.create(
        kind="correction", member=member, text="x", source_url=SOURCE, email="a@b.org"
    )
    client.force_login(secretariat)

    assert review(client, suggestion, decision="rejected", reason="").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = review(
            client, suggestion, decision="rejected", reason="The source says otherwise."
        )

    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.reason) == ("rejected", "The source says otherwise.")
    assert "The source says otherwise." in mail.outbox[0].body


def test_duplicate_without_address_sends_no_mail(
    client, member, secretariat, django_capture_on_commit_callbacks
):
    suggestion = Suggestion.objects.create(
        kind="correction", member=member, text="x", source_url=SOURCE
    )
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        review(client, suggestion, decision="duplicate", reason="")

    suggestion.refresh_from_db()
    assert suggestion.status == "duplicate"
    assert mail.outbox == []


def test_a_decided_suggestion_cannot_be_decided_again(client, member, secretariat):
    suggestion = Suggestion.objects.create(
        kind="correction",
        member=member,
        text="x",
        source_url=SOURCE,
        status="rejected",
        reason="no",
    )
    client.force_login(secretariat)

    response = review(client, suggestion, decision="accepted", name="Other", country="KE")

    assert response.status_code == 200
    member.refresh_from_db()
    assert member.name != "Other"


def test_queue_lists_pending_oldest_first(client, secretariat, member, django_assert_num_queries):
    for n in range(3):
        Suggestion.objects.create(kind="correction", member=member, text=f"n{n}", source_url=SOURCE)
    client.force_login(secretariat)

    response = client.get(reverse("cities:suggestions"))

    assert [s.text for s in response.context["pending"]] == ["n0", "n1", "n2"]


# The session, the user, their roles, the pending, the decided.
QUEUE_QUERIES = 5


@pytest.mark.parametrize("count", [1, 3])
def test_queue_query_count_does_not_grow(
    client, secretariat, member, django_assert_num_queries, count
):
    for n in range(count):
        Suggestion.objects.create(kind="correction", member=member, text=f"n{n}", source_url=SOURCE)
        Suggestion.objects.create(
            kind="missing", text=f"m{n}", source_url=SOURCE, status="duplicate"
        )
    client.force_login(secretariat)
    client.get(reverse("cities:suggestions"))  # warm the session and the user's roles

    with django_assert_num_queries(QUEUE_QUERIES):
        client.get(reverse("cities:suggestions"))


def test_coordinator_and_natcom_see_suggestions_about_their_city_not_others(
    client, member, personas
):
    mine = Suggestion.objects.create(
        kind="correction", member=member, text="mine", source_url=SOURCE
    )
    other = MemberFactory(name="Larissa", country_id="GR")
    theirs = Suggestion.objects.create(
        kind="correction", member=other, text="theirs", source_url=SOURCE
    )
    Suggestion.objects.create(kind="missing", text="missing", source_url=SOURCE)

    for persona in ("coordinator", "natcom"):
        client.force_login(personas[persona])
        queue = client.get(reverse("cities:suggestions"))

        assert [s.text for s in queue.context["pending"]] == ["mine"], persona
        assert client.get(mine.get_absolute_url()).status_code == 200
        assert 'id="review-form"' not in client.get(mine.get_absolute_url()).content.decode()
        assert client.get(theirs.get_absolute_url()).status_code == 404
        assert review(client, mine, decision="duplicate").status_code == 403
    mine.refresh_from_db()
    assert mine.status == "pending"
