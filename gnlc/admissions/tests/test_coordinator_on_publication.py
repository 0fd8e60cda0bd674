"""When a membership call's decisions are published (`Call.materialise`), the person who
applied for an admitted city becomes the city coordinator of its new member: a role, in
the audit log in the publisher's name, and a mail in the applicant's language."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Role
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.tests.factories import (
    ApplicationFactory,
    AwardCallFactory,
    CallFactory,
    award_application,
)
from gnlc.audit.models import Action, AuditEntry
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 1, 13)
AFTER = dt.datetime(2027, 1, 13, 9, 5, tzinfo=dt.UTC)


@pytest.fixture
def secretariat_user():
    user = UserFactory(email="sec@example.org")
    RoleFactory(user=user, kind=RoleKind.SECRETARIAT)
    return user


@pytest.fixture
def amina():
    return UserFactory(email="amina@eldoret.example", full_name="Amina Otieno", language="fr")


@pytest.fixture
def call(amina):
    call = CallFactory(title="Call 2026", opens_on=dt.date(2026, 9, 1), announcement_date=DAY)
    ApplicationFactory(call=call, city_name="Eldoret", created_by=amina, state=S.ADMITTED)
    ApplicationFactory(call=call, city_name="Kisumu", state=S.WAITLISTED)
    return call


def test_publishing_makes_the_applicant_the_coordinator_of_the_new_member(
    call, amina, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False), django_capture_on_commit_callbacks(execute=True):
        call.materialise(by=secretariat_user)

    eldoret = Member.objects.get(name="Eldoret")
    assert [(r.kind, r.member) for r in amina.roles.all()] == [("coordinator", eldoret)]
    assert not Role.objects.filter(member__name="Kisumu").exists()
    entry = AuditEntry.objects.naming([Role], "user_id", amina.pk).get()
    assert (entry.action, entry.actor) == (Action.CREATE, secretariat_user)
    assert [m.to for m in mailoutbox] == [["amina@eldoret.example"]]
    message = mailoutbox[0]
    assert message.subject == "Eldoret est membre : vous en assurez la coordination"
    assert "/fr/accounts/" in message.body


def test_the_periodic_command_publishes_in_its_own_name_and_mails_the_applicant(
    call, amina, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    call.request_publication(by=secretariat_user, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))

    with time_machine.travel(AFTER, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("publish_announcements", stdout=io.StringIO())

    assert amina.roles.get().kind == RoleKind.COORDINATOR
    entry = AuditEntry.objects.naming([Role], "user_id", amina.pk).get()
    assert (entry.actor, entry.actor_label) == (None, "gnlc publish-announcements")
    assert len(mailoutbox) == 1
    assert "http://localhost:8000/fr/accounts/" in mailoutbox[0].body


def test_publishing_again_gives_no_second_role_nor_mail(
    call, amina, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTER, tick=False), django_capture_on_commit_callbacks(execute=True):
        call.materialise(by=secretariat_user)
        call.materialise(by=secretariat_user)

    assert amina.roles.count() == 1
    assert len(mailoutbox) == 1


def test_an_applicant_who_coordinates_the_member_already_is_left_as_they_are(
    amina, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    # A former member admitted again: the member on record is reused.
    eldoret = MemberFactory(name="Eldoret", cohort=CohortFactory(year=2015))
    eldoret.record_event(EventKind.WITHDRAWN, on=dt.date(2020, 1, 1))
    RoleFactory(user=amina, kind=RoleKind.COORDINATOR, member=eldoret)
    call = CallFactory(announcement_date=DAY)
    ApplicationFactory(call=call, city_name="Eldoret", created_by=amina, state=S.ADMITTED)

    with time_machine.travel(AFTER, tick=False), django_capture_on_commit_callbacks(execute=True):
        call.materialise(by=secretariat_user)

    assert amina.roles.count() == 1
    assert mailoutbox == []


def test_an_award_gives_no_role(amina, secretariat_user, mailoutbox):
    member = MemberFactory(name="Eldoret", cohort=CohortFactory(year=2015))
    call = AwardCallFactory(announcement_date=DAY)
    award_application(member, call, created_by=amina, state=S.ADMITTED)

    with time_machine.travel(AFTER, tick=False):
        call.materialise(by=secretariat_user)

    assert not amina.roles.exists()
    assert mailoutbox == []
