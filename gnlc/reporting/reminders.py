"""Reminders about unfiled reports, for `gnlc send-reminders` (run daily from cron).

A report not yet submitted gets a "due soon" reminder once, from `remind_before_days`
before its due date until the due date; once the due date has passed it gets an
"overdue" reminder every `overdue_every_days` while it is still unfiled and the member
not withdrawn. Each reminder sent is a `Reminder` row, unique per report, kind and day:
running the command again the same day sends nothing more."""

import dataclasses
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max

from gnlc.cities.enums import Status
from gnlc.reporting import mail
from gnlc.reporting.enums import ReminderKind
from gnlc.reporting.models import LifecyclePolicy, Reminder, Report


@dataclasses.dataclass
class Due:
    report: Report
    kind: ReminderKind
    recipients: list[str]


def kind_due(report: Report, day: dt.date, policy: LifecyclePolicy, last: dict) -> str | None:
    """The reminder `report` should get on `day`, or None. `last` maps each kind to the
    day such a reminder was last sent for this report."""
    due = report.period.due
    if day <= due:
        start = due - dt.timedelta(days=policy.remind_before_days)
        sent = last.get(ReminderKind.DUE_SOON)
        if day >= start and (sent is None or sent < start):
            return ReminderKind.DUE_SOON
        return None
    sent = last.get(ReminderKind.OVERDUE)
    if sent is None or (day - sent).days >= policy.overdue_every_days:
        return ReminderKind.OVERDUE
    return None


def due_on(day: dt.date) -> list[Due]:
    """The reminders to send on `day`, to whom: fixed number of queries plus one per
    reminder (its recipients)."""
    policy = LifecyclePolicy.current()
    reports = (
        Report.objects.unfiled()
        .filter(period__opens__lte=day)
        .exclude(member__status=Status.WITHDRAWN)
        .select_related("period", "member")
        .order_by("period__opens", "member__name")
    )
    last: dict[int, dict] = {}
    for row in (
        Reminder.objects.filter(report__in=reports)
        .values("report", "kind")
        .annotate(last=Max("sent_on"))
    ):
        last.setdefault(row["report"], {})[row["kind"]] = row["last"]
    found = []
    for report in reports:
        kind = kind_due(report, day, policy, last.get(report.pk, {}))
        if kind:
            people = [u.email for u in mail.coordinators(report.member_id)]
            found.append(Due(report, ReminderKind(kind), people))
    return found


def send(day: dt.date, *, dry_run: bool = False) -> tuple[list[Due], list[Due]]:
    """Send the reminders due on `day`: (sent, skipped for want of a coordinator)."""
    sent, skipped = [], []
    for item in due_on(day):
        if not item.recipients:
            skipped.append(item)
            continue
        if dry_run:
            sent.append(item)
            continue
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    report=item.report, kind=item.kind, sent_on=day, recipients=item.recipients
                )
                mail.send(
                    item.kind, mail.coordinators(item.report.member_id), {"report": item.report}
                )
        except IntegrityError:
            # Another run sent it a moment ago (the unique constraint): nothing to do.
            continue
        sent.append(item)
    return sent, skipped
