import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext  # noqa: F401

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import (
    Application,
    ApplicationTransition,
    Call,
    Conflict,
    Message,
    Review,
    ReviewError,
    TransitionError,
)
from gnlc.admissions.tests.factories import (
    ApplicationFactory,
    CallFactory,
    ReviewFactory,
    make_juror,
    make_natcom,
    reviewed,
)
from gnlc.audit.models import AuditEntry
from gnlc.cities.enums import Status
from gnlc.cities.models import Cohort, Member
from gnlc.cities.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_user():
    user = UserFactory(email="sec@example.org")
    RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    return user


def test_transition_submit_records_history_audit_and_queues_mail(
    django_capture_on_commit_callbacks,
):
    natcom = make_natcom("KE", email="natcom-ke@example.org")
    application = ApplicationFactory(city_name="Eldoret", contact_email="city@eldoret.example")

    with django_capture_on_commit_callbacks(execute=True):
        record = application.transition(S.SUBMITTED, by=application.created_by)

    application.refresh_from_db()
    assert application.state == S.SUBMITTED
    assert application.submitted_at is not None
    assert (record.from_state, record.to_state, record.by) == (
        S.DRAFT,
        S.SUBMITTED,
        application.created_by,
    )
    entry = AuditEntry.objects.for_object(application).first()
    assert entry.changes["state"] == ["draft", "submitted"]
    assert entry.actor == application.created_by
    message = Message.objects.get()
    assert message.subject == f"Application received: Eldoret — {application.call.title}"
    assert message.recipients == [
        "city@eldoret.example",
        application.created_by.email,
        natcom.email,
    ]
    assert message.status == "queued"


def test_transition_mail_is_rendered_in_the_applications_language(
    django_capture_on_commit_callbacks,
):
    application = ApplicationFactory(city_name="Dakar", country_id="SN", language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        application.transition(S.SUBMITTED, by=application.created_by)

    message = Message.objects.get()
    assert message.language == "fr"
    assert message.subject.startswith("Candidature reçue : Dakar")
    assert "(Sénégal)" in message.body


def test_transition_from_a_wrong_state_is_refused_and_changes_nothing():
    application = ApplicationFactory(state=S.DRAFT)

    with pytest.raises(TransitionError, match="draft cannot become admitted"):
        application.transition(S.ADMITTED, by=application.created_by)

    assert Application.objects.get().state == S.DRAFT
    assert ApplicationTransition.objects.count() == 0


def test_transition_by_the_wrong_role_is_denied():
    application = ApplicationFactory(state=S.SUBMITTED)
    other_natcom = make_natcom("FR")

    with pytest.raises(PermissionDenied):
        application.transition(S.NOMINATED, by=other_natcom)
    with pytest.raises(PermissionDenied):
        application.transition(S.WITHDRAWN, by=other_natcom)

    assert Application.objects.get().state == S.SUBMITTED


def test_transition_late_submission_is_refused_in_the_calls_time_zone():
    call = CallFactory(
        time_zone="Pacific/Auckland",
        opens_on=dt.date(2025, 3, 1),
        closes_on=dt.date(2025, 3, 31),
        nomination_deadline=dt.date(2025, 4, 30),
        review_opens_on=dt.date(2025, 5, 1),
        review_closes_on=dt.date(2025, 5, 31),
        announcement_date=dt.date(2025, 6, 30),
    )
    application = ApplicationFactory(call=call)

    # 31 March 11:30 UTC is already 1 April 00:30 in Auckland: too late there.
    with (
        time_machine.travel(dt.datetime(2025, 3, 31, 11, 30, tzinfo=dt.UTC)),
        pytest.raises(
            TransitionError,
            match=r"submission deadline \(31 March 2025, Pacific/Auckland\) has passed",
        ),
    ):
        application.transition(S.SUBMITTED, by=application.created_by)

    assert Application.objects.get().state == S.DRAFT
    with time_machine.travel(dt.datetime(2025, 3, 31, 10, 30, tzinfo=dt.UTC)):
        application.transition(S.SUBMITTED, by=application.created_by)
    assert Application.objects.get().state == S.SUBMITTED


def test_transition_submit_incomplete_is_refused():
    application = ApplicationFactory(motivation="", commitment_letter="")

    with pytest.raises(TransitionError, match="not complete"):
        application.transition(S.SUBMITTED, by=application.created_by)

    assert application.problems_for_submission() == {
        "motivation": "This field is required to submit.",
        "commitment_letter": "This field is required to submit.",
    }


def test_transition_decline_needs_a_reason():
    application = ApplicationFactory(state=S.SUBMITTED)
    natcom = make_natcom("KE")

    with pytest.raises(TransitionError, match="Give a reason"):
        application.transition(S.DECLINED, by=natcom)
    application.transition(S.DECLINED, by=natcom, reason="Not ready yet.")

    assert ApplicationTransition.objects.get().note == "Not ready yet."


def test_nomination_over_quota_is_refused_and_changes_nothing():
    call = CallFactory(quota_per_country=2)
    ApplicationFactory.create_batch(2, call=call, state=S.NOMINATED)
    third = ApplicationFactory(call=call, state=S.SUBMITTED)
    elsewhere = ApplicationFactory(call=call, state=S.SUBMITTED, country_id="FR")
    natcom = make_natcom("KE")

    with pytest.raises(
        TransitionError,
        match="quota is full: Kenya has already nominated 2 application\\(s\\) out of 2",
    ):
        third.transition(S.NOMINATED, by=natcom)

    assert Application.objects.get(pk=third.pk).state == S.SUBMITTED
    elsewhere.transition(S.NOMINATED, by=make_natcom("FR"))  # another country's quota
    assert Application.objects.filter(state=S.NOMINATED).count() == 3


def test_transition_refuses_a_stale_state():
    application = ApplicationFactory(state=S.SUBMITTED)
    Application.objects.filter(pk=application.pk).update(state=S.WITHDRAWN)

    with pytest.raises(TransitionError, match="changed this application meanwhile"):
        application.transition(S.NOMINATED, by=make_natcom("KE"))


def test_city_refusal_for_an_active_member_and_an_open_application():
    MemberFactory(name="Nakuru")
    call = CallFactory()
    ApplicationFactory(call=call, city_name="Kisumu")

    member = Application(call=call, city_name="NAKURU", country_id="KE")
    twice = Application(call=call, city_name="kisumu ", country_id="KE")
    fine = Application(call=call, city_name="Kisumu", country_id="UG")

    assert member.city_refusal() == "NAKURU is already a member of the network."
    assert twice.city_refusal() == "kisumu  already has an open application in this call."
    assert fine.city_refusal() is None


def test_visible_to_by_role():
    application = ApplicationFactory(state=S.NOMINATED)
    draft = ApplicationFactory(call=application.call)
    natcom, other_natcom = make_natcom("KE"), make_natcom("FR")
    juror, conflicted, same_country = make_juror(), make_juror(), make_juror(country="KE")
    for user in (juror, conflicted, same_country):
        Review.objects.create(application=application, juror=user)
    Conflict.objects.create(application=application, juror=conflicted, kind="personal")

    def seen(user):
        return set(Application.objects.visible_to(user))

    assert seen(application.created_by) == {application}
    assert seen(natcom) == {application}
    assert seen(other_natcom) == set()
    assert seen(juror) == {application}
    assert seen(conflicted) == set()
    assert seen(same_country) == set()
    assert draft not in seen(natcom)


def test_visible_to_after_overriding_conflicts(secretariat_user):
    application = ApplicationFactory(state=S.NOMINATED)
    declared, same_country = make_juror(), make_juror(country="KE")
    for user in (declared, same_country):
        Review.objects.create(application=application, juror=user)
    conflict = Conflict.objects.create(application=application, juror=declared, kind="other")

    conflict.decide("overridden", by=secretariat_user, reason="Ended years ago.")
    Conflict.override_same_country(
        application=application, juror=same_country, by=secretariat_user, reason="Only expert."
    )

    assert list(Application.objects.visible_to(declared)) == [application]
    assert list(Application.objects.visible_to(same_country)) == [application]


@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_querysets_ask_the_rules_role_check_second_factor_included(secretariat_user):
    """One predicate: without a session verified with a second factor, the secretariat,
    a superuser and a juror see through the querysets no more than the rules allow."""
    application = ApplicationFactory(state=S.NOMINATED)
    draft_call = CallFactory(opened_at=None)
    juror = make_juror()
    review = Review.objects.create(application=application, juror=juror)
    superuser = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)

    for user in (secretariat_user, superuser, juror):
        assert list(Application.objects.visible_to(user)) == []
        assert list(Review.objects.visible_to(user)) == []
        assert draft_call not in Call.objects.visible_to(user)

    # Verified (as django_otp's middleware marks a session), each sees what it should.
    for user in (secretariat_user, superuser, juror):
        user.is_verified = lambda: True
    assert list(Application.objects.visible_to(juror)) == [application]
    assert list(Review.objects.visible_to(juror)) == [review]
    for user in (secretariat_user, superuser):
        assert list(Application.objects.visible_to(user)) == [application]
        assert draft_call in Call.objects.visible_to(user)


def test_conflict_declare_removes_the_assignment():
    review = ReviewFactory()

    Conflict.declare(
        application=review.application, juror=review.juror, kind="personal", by=review.juror
    )

    assert Review.objects.count() == 0
    assert Conflict.objects.get().decision == "pending"


def test_review_save_with_a_stale_version_is_refused():
    review = ReviewFactory()
    criteria = list(review.application.call.criteria.all())
    scores = {c.pk: 4 for c in criteria}
    review.save_review(
        scores=scores, recommendation="admit", comment="First", version=0, by=review.juror
    )
    other_tab = Review.objects.get(pk=review.pk)
    other_tab.version = 0

    with pytest.raises(ReviewError, match="saved elsewhere"):
        other_tab.save_review(
            scores=scores,
            recommendation="do_not_admit",
            comment="Second",
            version=0,
            by=review.juror,
        )

    stored = Review.objects.get()
    assert (stored.comment, stored.version, stored.recommendation) == ("First", 1, "admit")


def test_review_outside_its_phase_is_refused():
    review = ReviewFactory()
    later = review.application.call.end_of(review.application.call.review_closes_on)

    with pytest.raises(ReviewError, match="Reviews can be written from"):
        review.save_review(
            scores={}, recommendation="admit", comment="Late", version=0, by=review.juror, now=later
        )

    assert Review.objects.get().submitted_at is None


def test_weighted_total_is_the_weighted_mean():
    review = ReviewFactory()
    commitment, plan = review.application.call.criteria.all()
    review.scores = {str(commitment.pk): 5, str(plan.pk): 2}

    assert review.weighted_total([commitment, plan]) == 4.0


def test_apply_decisions_and_publish_make_members_in_the_cohort(
    secretariat_user, django_capture_on_commit_callbacks
):
    call = CallFactory(announcement_date=dt.date.today())
    admit = reviewed(
        ApplicationFactory(call=call, city_name="Eldoret", state=S.NOMINATED, decision="admit")
    )
    waitlist = ApplicationFactory(call=call, state=S.NOMINATED, decision="waitlist")
    undecided = ApplicationFactory(call=call, state=S.NOMINATED)

    with django_capture_on_commit_callbacks(execute=True):
        moved = call.apply_decisions(by=secretariat_user)
    members = call.request_publication(by=secretariat_user).members

    assert moved == 2
    assert [
        a.state
        for a in Application.objects.filter(pk__in=[admit.pk, waitlist.pk, undecided.pk]).order_by(
            "pk"
        )
    ] == [S.ADMITTED, S.WAITLISTED, S.NOMINATED]
    member = Member.objects.get(name="Eldoret")
    assert members == [member]
    assert member.status == Status.ACTIVE
    cohort = Cohort.objects.get(year=call.announcement_date.year)
    assert member.cohort == cohort
    assert member.events.get().date == call.announcement_date
    assert Application.objects.get(pk=admit.pk).member == member
    assert sorted(Message.objects.values_list("event", flat=True)) == ["admitted", "waitlisted"]
    assert call.materialise(by=secretariat_user).members == []  # idempotent


def test_consequences_count_pending_admissions_per_region_and_country():
    call = CallFactory()
    ApplicationFactory(call=call, state=S.NOMINATED, decision="admit")
    ApplicationFactory(call=call, state=S.NOMINATED, decision="admit", country_id="FR")
    ApplicationFactory(call=call, state=S.NOMINATED, decision="decline")
    ApplicationFactory(call=call, state=S.NOMINATED)

    result = call.consequences()

    assert result["by_decision"] == {"admit": 2, "decline": 1, "": 1}
    assert [(r["country__region__slug"], r["n"]) for r in result["regions"]] == [
        ("africa", 1),
        ("europe-and-north-america", 1),
    ]
    assert [(c["country__iso2"], c["n"]) for c in result["countries"]] == [("FR", 1), ("KE", 1)]


def test_move_deadline_keeps_the_change_and_audits_it(secretariat_user):
    call = CallFactory()
    new_day = call.closes_on  # same day is allowed; move announcement later
    change = call.move_deadline(
        "announcement_date",
        new_day + dt.timedelta(days=7),
        by=secretariat_user,
        reason="Board meeting",
    )

    assert (change.old_day, change.new_day, change.reason) == (
        new_day,
        new_day + dt.timedelta(days=7),
        "Board meeting",
    )
    assert (
        AuditEntry.objects.for_object(call).first().changes["announcement_date"][1]
        == (new_day + dt.timedelta(days=7)).isoformat()
    )


def test_withdraw_from_nominated_by_applicant():
    application = ApplicationFactory(state=S.NOMINATED)
    with transaction.atomic():
        application.transition(S.WITHDRAWN, by=application.created_by)
    assert Application.objects.get().state == S.WITHDRAWN


def test_apply_decisions_failing_midway_leaves_every_application_as_it_was(
    secretariat_user, monkeypatch
):
    call = CallFactory(announcement_date=dt.date.today())
    apps = [
        reviewed(
            ApplicationFactory(
                call=call, state=S.NOMINATED, decision="admit", city_name=f"City {i}"
            )
        )
        for i in range(3)
    ]
    real_save = Application.save

    def save_failing_on_the_third(self, *args, **kwargs):
        if self.pk == apps[2].pk and self.state == S.ADMITTED:
            raise RuntimeError("simulated failure in the middle")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Application, "save", save_failing_on_the_third)

    with pytest.raises(RuntimeError, match="simulated"):
        call.apply_decisions(by=secretariat_user)

    states = list(
        Application.objects.filter(pk__in=[a.pk for a in apps]).values_list("state", flat=True)
    )
    assert states == [S.NOMINATED] * 3
    assert Message.objects.count() == 0


def test_publish_failing_midway_creates_no_member(secretariat_user, monkeypatch):
    call = CallFactory(announcement_date=dt.date.today())
    for name in ["Eldoret", "Kisii", "Machakos"]:
        ApplicationFactory(call=call, city_name=name, state=S.ADMITTED)
    members_before = Member.objects.count()
    real_record = Member.record_event

    def record_failing_on_machakos(self, *args, **kwargs):
        if self.name == "Machakos":
            raise RuntimeError("simulated failure in the middle")
        return real_record(self, *args, **kwargs)

    monkeypatch.setattr(Member, "record_event", record_failing_on_machakos)

    with pytest.raises(RuntimeError, match="simulated"):
        call.request_publication(by=secretariat_user)

    assert Member.objects.count() == members_before
    assert not Application.objects.filter(call=call, member__isnull=False).exists()
