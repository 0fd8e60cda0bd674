"""The reminders and the lifecycle policy, by date (time-machine, no sleeps)."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from gnlc.cities.enums import EventKind, Status
from gnlc.cities.models import Member
from gnlc.reporting import lifecycle, reminders
from gnlc.reporting.enums import ReminderKind, ReportState
from gnlc.reporting.models import LifecyclePolicy, Reminder, Report
from gnlc.reporting.tests.factories import PeriodFactory, complete

pytestmark = pytest.mark.django_db

# The factory period: opens 2024-01-01, due 2024-06-30, grace until 2024-08-29, so a
# member with an unfiled report is suspended on 2024-08-30 and, after the default 180
# days of suspension, withdrawn on 2025-02-26.
SUSPENDED_ON = dt.date(2024, 8, 30)
WITHDRAWN_ON = dt.date(2025, 2, 26)


@pytest.fixture
def report(member, coordinator):
    period = PeriodFactory()
    period.assign_reports()
    return Report.objects.get(period=period, member=member)


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


# Reminders --------------------------------------------------------------------------------


def test_reminders_none_before_the_first_reminder_day(report, mailoutbox):
    sent, _skipped = reminders.send(dt.date(2024, 6, 15))

    assert sent == []
    assert mailoutbox == []


def test_reminders_due_soon_sent_once_then_none_the_same_day(report, coordinator, mailoutbox):
    with time_machine.travel(dt.datetime(2024, 6, 16, 8, tzinfo=dt.UTC), tick=False):
        first = run("send_reminders")
        second = run("send_reminders")

    assert first.splitlines()[-1] == "1 reminder(s) sent on 2024-06-16."
    assert second.splitlines()[-1] == "0 reminder(s) sent on 2024-06-16."
    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert list(Reminder.objects.values_list("kind", "sent_on")) == [
        (ReminderKind.DUE_SOON, dt.date(2024, 6, 16))
    ]


def test_reminders_due_soon_not_repeated_on_later_days(report, mailoutbox):
    reminders.send(dt.date(2024, 6, 16))

    sent, _skipped = reminders.send(dt.date(2024, 6, 20))

    assert sent == []
    assert len(mailoutbox) == 1


def test_reminders_overdue_repeat_every_policy_days(report, mailoutbox):
    days = [dt.date(2024, 7, 1) + dt.timedelta(days=n) for n in range(15)]

    sent_on = [day for day in days if reminders.send(day)[0]]

    assert sent_on == [dt.date(2024, 7, 1), dt.date(2024, 7, 8), dt.date(2024, 7, 15)]


def test_reminders_dry_run_sends_and_records_nothing(report, mailoutbox):
    with time_machine.travel(dt.datetime(2024, 7, 1, 8, tzinfo=dt.UTC), tick=False):
        out = run("send_reminders", "--dry-run")

    assert out.splitlines()[-1] == "1 reminder(s) would send on 2024-07-01."
    assert mailoutbox == []
    assert Reminder.objects.count() == 0


def test_reminders_none_for_a_filed_report(report, coordinator, mailoutbox):
    complete(report)
    report.transition(ReportState.SUBMITTED, by=coordinator)

    assert reminders.send(dt.date(2024, 7, 1))[0] == []


def test_reminders_in_the_coordinators_language(report, coordinator, mailoutbox):
    coordinator.language = "fr"
    coordinator.save()

    reminders.send(dt.date(2024, 7, 1))

    # The dates are in the recipient's language (the strings too, once translated).
    assert "30 juin 2024" in mailoutbox[0].body


def test_reminders_report_without_coordinator_skipped(member, mailoutbox):
    period = PeriodFactory()
    period.assign_reports()

    sent, skipped = reminders.send(dt.date(2024, 7, 1))

    assert (len(sent), [item.report.member for item in skipped]) == (0, [member])


def test_reminders_command_counts_the_reports_without_coordinator(member, mailoutbox):
    PeriodFactory().assign_reports()

    with time_machine.travel(dt.datetime(2024, 7, 1, 8, tzinfo=dt.UTC), tick=False):
        out = run("send_reminders", "--dry-run")

    assert out.splitlines()[-1] == (
        "0 reminder(s) would send on 2024-07-01; "
        "1 unfiled report(s) have no coordinator to write to."
    )


# The lifecycle ----------------------------------------------------------------------------


def test_lifecycle_nothing_during_grace(report):
    with time_machine.travel(dt.datetime(2024, 8, 29, 8, tzinfo=dt.UTC), tick=False):
        out = run("apply_lifecycle")

    assert (
        out.splitlines()[-1] == "0 report(s) created, 0 membership event(s) recorded on 2024-08-29."
    )
    assert Member.objects.get(pk=report.member_id).status == Status.ACTIVE


def test_lifecycle_suspends_the_day_after_grace_and_counts_as_of(report, member):
    before = Member.objects.active_on(dt.date(2024, 8, 29)).totals()

    with time_machine.travel(dt.datetime(2024, 9, 10, 8, tzinfo=dt.UTC), tick=False):
        out = run("apply_lifecycle")
        again = run("apply_lifecycle")

    member.refresh_from_db()
    assert f"{member.name}: suspended on 2024-08-30 (" in out
    assert again.splitlines()[-1].endswith("0 membership event(s) recorded on 2024-09-10.")
    assert member.status_on(SUSPENDED_ON) == Status.SUSPENDED
    assert member.status_on(SUSPENDED_ON - dt.timedelta(days=1)) == Status.ACTIVE
    assert before == {"members": 1, "countries": 1}
    assert Member.objects.active_on(SUSPENDED_ON).totals() == {"members": 0, "countries": 0}
    assert Member.objects.active_on(dt.date(2024, 8, 29)).totals() == before


def test_lifecycle_suspension_is_audited_as_the_command(report, member):
    from gnlc.audit.models import AuditEntry

    lifecycle.apply(dt.date(2024, 9, 1))

    event = member.events.get(kind=EventKind.SUSPENDED)
    entry = AuditEntry.objects.for_object(event).get()
    assert (entry.actor, entry.actor_label) == (None, "gnlc apply-lifecycle")


def test_lifecycle_withdraws_after_the_days_of_suspension(report, member):
    lifecycle.apply(dt.date(2024, 9, 1))

    _created, early = lifecycle.apply(WITHDRAWN_ON - dt.timedelta(days=1))
    _created, due = lifecycle.apply(WITHDRAWN_ON)

    assert early == []
    assert [(a.kind, a.on, a.done) for a in due] == [(EventKind.WITHDRAWN, WITHDRAWN_ON, True)]
    assert member.status_on(WITHDRAWN_ON) == Status.WITHDRAWN
    assert Member.objects.on_record(WITHDRAWN_ON).totals() == {"members": 1, "countries": 1}
    assert Member.objects.active_on(WITHDRAWN_ON).totals() == {"members": 0, "countries": 0}


def test_lifecycle_reinstated_member_is_not_suspended_or_withdrawn_again(report, member):
    lifecycle.apply(dt.date(2024, 9, 1))
    member.record_event(EventKind.REINSTATED, on=dt.date(2024, 9, 5), note="Report promised")

    _created, actions = lifecycle.apply(dt.date(2025, 6, 1))

    assert actions == []
    assert member.status_on(dt.date(2025, 6, 1)) == Status.ACTIVE


def test_lifecycle_filed_report_is_never_suspended(report, member, coordinator):
    complete(report)
    report.transition(ReportState.SUBMITTED, by=coordinator)

    _created, actions = lifecycle.apply(dt.date(2025, 6, 1))

    assert actions == []


def test_lifecycle_paused_policy_records_nothing(report, member):
    policy = LifecyclePolicy.current()
    policy.active = False
    policy.save()

    _created, actions = lifecycle.apply(dt.date(2025, 6, 1))

    assert actions == []
    assert member.status_on(dt.date(2025, 6, 1)) == Status.ACTIVE


def test_lifecycle_dry_run_changes_nothing(report, member):
    with time_machine.travel(dt.datetime(2024, 9, 10, 8, tzinfo=dt.UTC), tick=False):
        out = run("apply_lifecycle", "--dry-run")

    assert f"{member.name}: would be suspended on 2024-08-30" in out
    assert member.events.filter(kind=EventKind.SUSPENDED).count() == 0


def test_lifecycle_creates_the_reports_of_a_period_that_has_opened(member):
    PeriodFactory(opens=dt.date(2024, 1, 1))

    with time_machine.travel(dt.datetime(2024, 1, 2, 8, tzinfo=dt.UTC), tick=False):
        out = run("apply_lifecycle")

    assert out.splitlines()[0].endswith(": 1 report(s) created")
    assert Report.objects.filter(member=member).count() == 1
