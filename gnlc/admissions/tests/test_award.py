"""The Learning City Award on the admission machinery: eligibility, the quota of two
nominations per country, one winner per country, publishing the winners, and where they
are shown (member pages: gnlc/cities/tests/test_views.py; the statistics: here)."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Application, AwardWin, Call, Message, TransitionError
from gnlc.admissions.tests.factories import (
    AwardCallFactory,
    CallFactory,
    award_application,
    make_natcom,
    reviewed,
)
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member, MembershipEvent
from gnlc.cities.stats import award_winners
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db

OPENS = dt.date(2025, 3, 1)


def member_since(day, name="Nakuru", country="KE"):
    return MemberFactory(
        name=name, country_id=country, cohort=CohortFactory(year=day.year, announced_on=day)
    )


def award_call_opening(day=OPENS, **fields):
    return AwardCallFactory(opens_on=day, **fields)


def win(member, year):
    past = AwardCallFactory(opens_on=dt.date(year, 1, 10))
    return AwardWin.objects.create(
        member=member,
        call=past,
        country=member.country,
        year=year,
        announced_on=past.announcement_date,
    )


@pytest.fixture
def secretariat_user():
    user = UserFactory(email="sec@example.org")
    RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    return user


# The call -------------------------------------------------------------------------------


def test_award_call_quota_defaults_to_two_nominations_per_country():
    award = Call.objects.create(
        kind="award",
        title="Award",
        opens_on=OPENS,
        closes_on=OPENS,
        nomination_deadline=OPENS,
        review_opens_on=OPENS,
        review_closes_on=OPENS,
        announcement_date=OPENS,
    )

    assert Call.objects.get(pk=award.pk).quota_per_country == 2
    assert CallFactory().quota_per_country == 3
    assert AwardCallFactory(quota_per_country=4).quota_per_country == 4


# Eligibility ----------------------------------------------------------------------------


def test_award_eligibility_member_for_13_months_at_opening_is_eligible():
    member = member_since(dt.date(2024, 2, 1))  # 13 months before 1 March 2025

    assert award_call_opening().award_refusal(member) is None


def test_award_eligibility_member_for_11_months_at_opening_is_refused():
    member = member_since(dt.date(2024, 4, 1))  # 11 months before 1 March 2025

    refusal = award_call_opening().award_refusal(member)

    assert refusal == (
        "Nakuru has been a member since 2024-04-01: the award needs more than 12 months "
        "of membership when the call opens (2025-03-01)."
    )


def test_award_eligibility_member_not_active_at_opening_is_refused():
    member = member_since(dt.date(2020, 9, 2))
    member.record_event(EventKind.WITHDRAWN, on=dt.date(2024, 6, 1))

    refusal = award_call_opening().award_refusal(member)

    assert refusal == "Nakuru is not an active member on 2025-03-01, when the call opens."


def test_award_eligibility_winner_5_years_ago_is_refused():
    member = member_since(dt.date(2015, 9, 2))
    win(member, 2020)

    refusal = award_call_opening().award_refusal(member)

    assert refusal == "Nakuru won the award in 2020: a winner may compete again six years later."


def test_award_eligibility_winner_7_years_ago_is_eligible():
    member = member_since(dt.date(2015, 9, 2))
    win(member, 2018)

    assert award_call_opening().award_refusal(member) is None


def test_award_submission_of_an_ineligible_member_is_refused_and_changes_nothing():
    member = member_since(dt.date(2024, 4, 1))
    call = award_call_opening(
        closes_on=dt.date(2099, 1, 1),
        nomination_deadline=dt.date(2099, 1, 1),
        review_opens_on=dt.date(2099, 1, 1),
        review_closes_on=dt.date(2099, 1, 1),
        announcement_date=dt.date(2099, 1, 1),
    )
    application = award_application(member, call)

    with pytest.raises(TransitionError, match="has been a member since 2024-04-01"):
        application.transition(S.SUBMITTED, by=application.created_by)

    assert Application.objects.get(pk=application.pk).state == S.DRAFT


# Nomination quota -----------------------------------------------------------------------


def test_award_natcom_nominates_at_most_two_cities():
    call = AwardCallFactory()
    cities = [member_since(dt.date(2019, 9, 2), name=name) for name in ("A", "B", "C")]
    first, second, third = (award_application(m, call, state=S.SUBMITTED) for m in cities)
    natcom = make_natcom("KE")
    first.transition(S.NOMINATED, by=natcom)
    second.transition(S.NOMINATED, by=natcom)

    with pytest.raises(
        TransitionError,
        match="quota is full: Kenya has already nominated 2 application\\(s\\) out of 2",
    ):
        third.transition(S.NOMINATED, by=natcom)

    assert Application.objects.get(pk=third.pk).state == S.SUBMITTED


# One winner per country -----------------------------------------------------------------


def nominated_pair(call, decision="admit"):
    """Two Kenyan members nominated in `call`, each with the reviews the call requires."""
    cities = [member_since(dt.date(2019, 9, 2), name=name) for name in ("Nakuru", "Kisumu")]
    return [
        reviewed(award_application(m, call, state=S.NOMINATED, decision=decision)) for m in cities
    ]


def test_award_apply_decisions_refuses_two_winners_in_a_country(secretariat_user):
    call = AwardCallFactory()
    nominated_pair(call)
    ghana = reviewed(
        award_application(
            member_since(dt.date(2019, 9, 2), name="Tema", country="GH"),
            call,
            state=S.NOMINATED,
            decision="admit",
        )
    )

    with pytest.raises(TransitionError) as refused:
        call.apply_decisions(by=secretariat_user)

    assert refused.value.message == (
        "At most one city per country wins the award: Kenya would have more than one "
        "winner. Change the pending decisions."
    )
    assert set(Application.objects.values_list("state", flat=True)) == {S.NOMINATED}
    assert Application.objects.get(pk=ghana.pk).state == S.NOMINATED


def test_award_second_winner_of_a_country_is_refused_one_by_one(secretariat_user):
    call = AwardCallFactory()
    nakuru, kisumu = nominated_pair(call, decision="")
    nakuru.transition(S.ADMITTED, by=secretariat_user)

    with pytest.raises(TransitionError) as refused:
        kisumu.transition(S.ADMITTED, by=secretariat_user)

    assert refused.value.message == (
        "Kenya already has a winner in this call: at most one city per country wins the award."
    )
    assert Application.objects.get(pk=kisumu.pk).state == S.NOMINATED


def test_award_decisions_page_shows_the_country_error(client, secretariat_user):
    call = AwardCallFactory()
    nominated_pair(call)
    client.force_login(secretariat_user)

    response = client.post(reverse("admissions:decisions-apply", args=[call.pk]))

    assert response.status_code == 403
    assert "Kenya would have more than one winner" in response.content.decode()
    assert Application.objects.filter(state=S.ADMITTED).count() == 0


def test_membership_call_admits_several_cities_of_a_country(secretariat_user):
    call = CallFactory()
    nominated_pair(call)

    assert call.apply_decisions(by=secretariat_user) == 2


# Publishing -----------------------------------------------------------------------------


def test_award_publish_records_winners_without_membership_events(
    secretariat_user, django_capture_on_commit_callbacks
):
    call = AwardCallFactory(announcement_date=dt.date.today())
    nakuru, kisumu = nominated_pair(call, decision="")
    nakuru.decision, kisumu.decision = "admit", "decline"
    nakuru.save()
    kisumu.save()
    events, members = MembershipEvent.objects.count(), Member.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        call.apply_decisions(by=secretariat_user)
    wins = call.request_publication(by=secretariat_user).wins

    assert [(w.member.name, w.year, w.country_id) for w in wins] == [
        ("Nakuru", dt.date.today().year, "KE")
    ]
    assert (MembershipEvent.objects.count(), Member.objects.count()) == (events, members)
    assert call.materialise(by=secretariat_user).wins == []  # idempotent
    assert Message.objects.get(event="admitted").subject == (
        f"Learning City Award: Nakuru wins — {call.title}"
    )


# Applying -------------------------------------------------------------------------------


def dossier(member, **overrides):
    return {
        "member": str(member.pk),
        "contact_name": "C. Person",
        "contact_email": "c@nakuru.example",
        "language": "en",
        "motivation": "Learning festivals in every ward.",
        "implementation_plan": "More of them.",
        "good_practices": "Evening classes.",
        "action": "submit",
        **overrides,
    }


@pytest.fixture
def coordinator_of():
    def make(member):
        user = UserFactory()
        RoleFactory(user=user, kind=RoleKind.COORDINATOR, member=member)
        return user

    return make


def test_award_apply_by_the_members_coordinator_submits_with_the_members_facts(
    client, coordinator_of
):
    member = member_since(dt.date(2019, 9, 2))
    member.website, member.mayor = "https://nakuru.example", "S. Mayor"
    member.save()
    call = AwardCallFactory()
    client.force_login(coordinator_of(member))

    response = client.post(reverse("admissions:apply-award", args=[call.pk]), dossier(member))

    application = Application.objects.get()
    assert response.status_code == 302
    assert (application.state, application.member, application.city_name) == (
        S.SUBMITTED,
        member,
        "Nakuru",
    )
    assert (application.country_id, application.website, application.mayor_name) == (
        "KE",
        "https://nakuru.example",
        "S. Mayor",
    )


def test_award_apply_for_an_ineligible_member_is_refused_and_keeps_the_dossier(
    client, coordinator_of
):
    member = member_since(dt.date.today() - dt.timedelta(days=300))
    call = AwardCallFactory()
    client.force_login(coordinator_of(member))

    response = client.post(reverse("admissions:apply-award", args=[call.pk]), dossier(member))

    content = response.content.decode()
    assert response.status_code == 400
    assert "the award needs more than 12 months of membership" in content
    assert "Learning festivals in every ward." in content
    assert Application.objects.count() == 0


def test_award_apply_for_a_member_one_does_not_coordinate_is_refused(client, coordinator_of):
    mine = member_since(dt.date(2019, 9, 2))
    other = member_since(dt.date(2019, 9, 2), name="Kisumu")
    call = AwardCallFactory()
    client.force_login(coordinator_of(mine))

    response = client.post(reverse("admissions:apply-award", args=[call.pk]), dossier(other))

    assert response.status_code == 400
    assert Application.objects.count() == 0


def test_apply_to_an_award_call_leads_to_the_award_form(client, coordinator_of):
    call = AwardCallFactory()
    client.force_login(coordinator_of(member_since(dt.date(2019, 9, 2))))

    response = client.get(reverse("admissions:apply", args=[call.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("admissions:apply-award", args=[call.pk])


def test_award_application_is_shared_by_the_members_coordinators(client, coordinator_of):
    member = member_since(dt.date(2019, 9, 2))
    application = award_application(member, AwardCallFactory(), created_by=coordinator_of(member))
    colleague = coordinator_of(member)
    client.force_login(colleague)

    shown = client.get(reverse("admissions:application", args=[application.pk]))
    edit = client.get(reverse("admissions:application-edit", args=[application.pk]))

    assert (shown.status_code, edit.status_code) == (200, 200)
    assert "Achievements as a learning city" in shown.content.decode()


# Statistics -----------------------------------------------------------------------------


def test_award_winners_in_the_statistics(client):
    nakuru = member_since(dt.date(2015, 9, 2))
    tema = member_since(dt.date(2015, 9, 2), name="Tema", country="GH")
    win(nakuru, 2019)
    win(tema, 2021)

    rows = award_winners()
    response = client.get(reverse("cities:statistics"))

    assert [(r["year"], r["member"].name, r["country"].iso2, r["region"].slug) for r in rows] == [
        (2021, "Tema", "GH", "africa"),
        (2019, "Nakuru", "KE", "africa"),
    ]
    content = response.content.decode()
    assert 'id="award-table"' in content
    assert f'<th scope="row">2021</th><td><a href="{tema.get_absolute_url()}">Tema</a>' in content


# Refusals before the form, and the award's words ---------------------------------------


def test_award_form_after_the_deadline_is_refused_with_a_message(client, coordinator_of):
    member = member_since(dt.date(2019, 9, 2))
    day = dt.date(2025, 3, 1)
    call = AwardCallFactory(
        opens_on=day,
        closes_on=day,
        nomination_deadline=day,
        review_opens_on=day,
        review_closes_on=day,
        announcement_date=day,
    )
    client.force_login(coordinator_of(member))
    url = reverse("admissions:apply-award", args=[call.pk])

    page = client.get(url)
    posted = client.post(url, dossier(member))

    closed = "The call closed at the end of 1 March 2025 (23:59, UTC)"
    assert (page.status_code, posted.status_code) == (200, 403)
    assert closed in page.content.decode()
    assert 'name="motivation"' not in page.content.decode()
    assert Application.objects.count() == 0


def test_award_form_for_a_city_that_already_applied_links_to_its_application(
    client, coordinator_of
):
    member = member_since(dt.date(2019, 9, 2))
    call = AwardCallFactory()
    existing = award_application(member, call, state=S.SUBMITTED)
    client.force_login(coordinator_of(member))

    page = client.get(reverse("admissions:apply-award", args=[call.pk])).content.decode()

    assert "Each city you coordinate already has an application in this call" in page
    assert f'<a href="/admissions/applications/{existing.pk}/">Nakuru</a> — Submitted' in page
    assert 'name="motivation"' not in page


def test_award_decisions_and_states_speak_of_winners(client, secretariat_user):
    call = AwardCallFactory()
    _nakuru, kisumu = nominated_pair(call, decision="")
    kisumu.transition(S.WAITLISTED, by=secretariat_user)
    client.force_login(secretariat_user)

    decisions = client.get(reverse("admissions:decisions", args=[call.pk])).content.decode()
    detail = client.get(reverse("admissions:application", args=[kisumu.pk])).content.decode()

    assert '<option value="admit">Winner</option>' in decisions
    assert '<option value="decline">Not chosen</option>' in decisions
    assert '<option value="waitlist">Reserve</option>' in decisions
    assert "Admit" not in decisions
    assert 'admissions-state--waitlisted">Reserve</span>' in detail
    assert 'Nominated <span class="arrow">→</span> Reserve' in detail


def test_award_reviews_csv_says_winner_or_not_chosen(client, secretariat_user):
    call = AwardCallFactory()
    nakuru, _kisumu = nominated_pair(call, decision="")
    nakuru.reviews.update(recommendation="do_not_admit")
    client.force_login(secretariat_user)

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("admissions:reviews-csv", args=[call.pk])).content.decode()
            )
        )
    )

    recommendations = {row[1]: row[-3] for row in rows[1:]}
    assert set(recommendations.items()) == {("Kisumu", "winner"), ("Nakuru", "not_chosen")}


def test_award_reserve_mail_says_reserve(secretariat_user, django_capture_on_commit_callbacks):
    call = AwardCallFactory()
    nakuru, _kisumu = nominated_pair(call, decision="")

    with django_capture_on_commit_callbacks(execute=True):
        nakuru.transition(S.WAITLISTED, by=secretariat_user)

    assert Message.objects.get().subject == (
        f"Learning City Award: Nakuru in reserve — {call.title}"
    )
