"""A juror cannot lift their own conflict (issue 14: juror2, of Kenya, changed their
profile country to India; the assignment to a Kenyan application, refused for the
same-country conflict, then succeeded, and juror2 opened and reviewed it). The country
changes only with the secretariat's approval, which re-checks the juror's assignments."""

import pytest
from django.urls import reverse

from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.enums import ProfileChangeState
from gnlc.admissions.models import JurorProfile, JurorProfileChange, Review
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory, make_juror
from gnlc.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PROFILE = reverse("admissions:juror-profile")
CHANGES = reverse("admissions:juror-changes")


@pytest.fixture
def call():
    return CallFactory()


@pytest.fixture
def juror2():
    return make_juror(email="juror2@example.org", country="KE")


def assign(client, secretariat, application, juror):
    client.force_login(secretariat)
    return client.post(
        reverse("admissions:assignments", args=[application.call_id]),
        {"application": application.pk, "juror": juror.pk},
    )


def ask_for_country(client, juror, country):
    client.force_login(juror)
    return client.post(PROFILE, {"country": country, "expertise": "Adult learning"})


def decide(client, secretariat, juror, decision):
    client.force_login(secretariat)
    change = JurorProfileChange.objects.get(profile__user=juror, state="pending")
    return client.post(CHANGES, {"change": change.pk, "decision": decision}, follow=True)


def test_the_attack_a_juror_changing_country_does_not_lift_the_conflict(
    client, secretariat, call, juror2
):
    kenyan = ApplicationFactory(call=call, state=S.NOMINATED, city_name="Eldoret")
    assert "has a conflict" in assign(client, secretariat, kenyan, juror2).content.decode()

    saved = ask_for_country(client, juror2, "IN")
    retried = assign(client, secretariat, kenyan, juror2)

    assert saved.status_code == 302
    assert JurorProfile.objects.get(user=juror2).country_id == "KE"
    assert "has a conflict" in retried.content.decode()
    assert not Review.objects.filter(juror=juror2).exists()
    client.force_login(juror2)
    assert client.get(reverse("admissions:application", args=[kenyan.pk])).status_code == 404
    assert client.get(reverse("admissions:review", args=[kenyan.pk])).status_code == 404
    page = client.get(PROFILE).content.decode()
    assert "Your change to <strong>India</strong> is waiting" in page
    assert "as the secretariat approved it: <strong>Kenya</strong>" in page


def test_the_secretariat_sees_the_change_and_rejecting_it_changes_nothing(
    client, secretariat, call, juror2
):
    ask_for_country(client, juror2, "IN")
    client.force_login(secretariat)
    listed = client.get(CHANGES).content.decode()

    response = decide(client, secretariat, juror2, "reject")

    assert "juror2@example.org" in listed
    assert "India" in listed
    assert "Rejected: " in response.content.decode()
    assert JurorProfile.objects.get(user=juror2).country_id == "KE"
    assert JurorProfileChange.objects.get().state == ProfileChangeState.REJECTED


def test_on_approval_a_new_conflict_withdraws_the_assignment_and_hides_it_at_once(
    client, secretariat, call, juror2
):
    indian = ApplicationFactory(call=call, state=S.NOMINATED, city_name="Kochi", country_id="IN")
    assert assign(client, secretariat, indian, juror2).status_code == 302
    ask_for_country(client, juror2, "IN")
    # Pending: nothing changed yet.
    assert client.get(reverse("admissions:review", args=[indian.pk])).status_code == 200

    approved = decide(client, secretariat, juror2, "approve")

    assert (
        f"Approved: {juror2}'s country is now India. 1 assignment in conflict was withdrawn."
    ) in approved.content.decode().replace("&#x27;", "'")
    assert JurorProfile.objects.get(user=juror2).country_id == "IN"
    assert not Review.objects.filter(juror=juror2).exists()
    client.force_login(juror2)
    assert client.get(reverse("admissions:application", args=[indian.pk])).status_code == 404
    assert client.get(reverse("admissions:review", args=[indian.pk])).status_code == 404
    assert AuditEntry.objects.filter(
        content_type__model="review", action="delete", actor=secretariat
    ).exists()


def test_an_approved_change_lifts_the_old_country_as_the_secretariat_decided(
    client, secretariat, call, juror2
):
    kenyan = ApplicationFactory(call=call, state=S.NOMINATED, city_name="Eldoret")
    ask_for_country(client, juror2, "IN")
    decide(client, secretariat, juror2, "approve")

    assert assign(client, secretariat, kenyan, juror2).status_code == 302


def test_decided_applications_keep_their_reviews(client, secretariat, call, juror2):
    decided = ApplicationFactory(call=call, state=S.ADMITTED, country_id="IN")
    Review.objects.create(application=decided, juror=juror2)
    ask_for_country(client, juror2, "IN")

    decide(client, secretariat, juror2, "approve")

    assert Review.objects.filter(application=decided, juror=juror2).exists()


def test_one_pending_change_per_juror_and_asking_for_the_current_country_withdraws_it(
    client, juror2
):
    ask_for_country(client, juror2, "IN")
    ask_for_country(client, juror2, "FR")

    assert list(JurorProfileChange.objects.values_list("country_id", "state")) == [
        ("FR", "pending")
    ]
    ask_for_country(client, juror2, "KE")
    assert not JurorProfileChange.objects.exists()


def test_regions_and_expertise_are_saved_at_once(client, juror2):
    client.force_login(juror2)

    client.post(PROFILE, {"country": "KE", "regions": ["africa"], "expertise": "Literacy"})

    profile = JurorProfile.objects.get(user=juror2)
    assert (profile.expertise, [r.slug for r in profile.regions.all()]) == (
        "Literacy",
        ["africa"],
    )
    assert not JurorProfileChange.objects.exists()


def test_a_change_already_decided_cannot_be_decided_again(client, secretariat, juror2):
    ask_for_country(client, juror2, "IN")
    change = JurorProfileChange.objects.get()
    decide(client, secretariat, juror2, "reject")

    response = client.post(CHANGES, {"change": change.pk, "decision": "approve"})

    assert response.status_code == 404
    assert JurorProfile.objects.get(user=juror2).country_id == "KE"
