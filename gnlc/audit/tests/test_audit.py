import datetime as dt

import pytest
from django.urls import reverse

from gnlc.audit.context import acting_as
from gnlc.audit.models import Action, AuditEntry
from gnlc.cities.enums import EventKind
from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.django_db


def test_update_records_before_and_after_and_who(secretariat):
    member = MemberFactory(name="Kisumu", cohort=False)
    with acting_as(secretariat):
        member.mayor = "Jane Doe"
        member.save()

    entry = AuditEntry.objects.for_object(member).filter(action=Action.UPDATE).get()
    assert entry.changes == {"mayor": ["", "Jane Doe"]}
    assert entry.actor == secretariat
    assert entry.actor_label == secretariat.email


def test_membership_event_is_logged_with_the_member_status_change():
    member = MemberFactory(cohort=CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17)))
    with acting_as(None, "gnlc test"):
        event = member.record_event(EventKind.WITHDRAWN, on=dt.date(2020, 1, 1))

    created = AuditEntry.objects.for_object(event).get()
    assert created.action == Action.CREATE
    assert created.changes["kind"] == [None, "withdrawn"]
    assert created.actor_label == "gnlc test"
    status_change = AuditEntry.objects.for_object(member).filter(action=Action.UPDATE).first()
    assert status_change.changes == {"status": ["active", "withdrawn"]}


def test_saving_without_changes_writes_nothing():
    member = MemberFactory(cohort=False)
    before = AuditEntry.objects.count()

    member.save()

    assert AuditEntry.objects.count() == before


def test_delete_keeps_the_last_state():
    member = MemberFactory(name="Gone", cohort=False)
    pk = member.pk
    member.delete()

    entry = AuditEntry.objects.get(action=Action.DELETE, object_id=str(pk))
    assert entry.changes["name"] == ["Gone", None]


def test_audit_log_page_lists_entries_for_the_secretariat(client, secretariat):
    member = MemberFactory(name="Nakuru Audit", cohort=False)
    client.force_login(secretariat)

    response = client.get(reverse("audit:log"), {"model": "cities.member", "object_id": member.pk})

    assert response.status_code == 200
    assert list(response.context["page"]) == list(AuditEntry.objects.for_object(member))
    assert "Nakuru Audit" in response.content.decode()


def test_audit_log_page_is_closed_to_other_roles(client, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("audit:log")).status_code == 403
    client.logout()
    response = client.get(reverse("audit:log"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
