"""The lifecycle policy applied by date, for `gnlc apply-lifecycle` (run daily from cron).

Each run: (1) gives every period that has opened its reports (members active on its
opening day); (2) suspends, on the day after the grace ends, each member whose report
is still unfiled; (3) withdraws, `suspension_days` after that suspension, each member
still suspended. Steps 2 and 3 are membership events (`Member.record_event`, dated by the
policy, audited, attributed to "gnlc apply-lifecycle"), and the report keeps the event
it caused, so a run never records one twice and a reinstatement by the secretariat is
not undone by the next run. Nothing is dated in the future."""

import dataclasses
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gnlc.audit.context import acting_as
from gnlc.cities.enums import EventKind, Status
from gnlc.cities.models import Member
from gnlc.reporting.models import LifecyclePolicy, Report, ReportingPeriod

ACTOR_LABEL = "gnlc apply-lifecycle"


@dataclasses.dataclass
class Action:
    report: Report
    kind: EventKind
    on: dt.date
    done: bool = False
    problem: str = ""


def planned(day: dt.date, policy: LifecyclePolicy) -> list[Action]:
    """The membership events the policy calls for on `day` (none while paused)."""
    if not policy.active:
        return []
    actions = []
    reports = (
        Report.objects.unfiled()
        .filter(period__grace_end__lt=day)
        .select_related("period", "member", "suspension")
        .order_by("period__opens", "member__name")
    )
    for report in reports:
        if report.suspension_id is None:
            on = report.period.suspension_on()
            if report.member.status_on(on) == Status.ACTIVE:
                actions.append(Action(report, EventKind.SUSPENDED, on))
        elif report.withdrawal_id is None:
            on = report.withdrawal_on(policy)
            last = report.member.events.order_by("-effective_on", "-id").first()
            # Still suspended by this very event (not reinstated, nothing since).
            if on <= day and last and last.pk == report.suspension_id:
                actions.append(Action(report, EventKind.WITHDRAWN, on))
    return actions


def note_for(action: Action) -> str:
    period = action.report.period
    if action.kind == EventKind.SUSPENDED:
        return _(
            "Suspended under the reporting policy: the report for %(period)s (due "
            "%(due)s, grace until %(grace)s) was not submitted."
        ) % {"period": period.name, "due": period.due, "grace": period.grace_end}
    return _(
        "Withdrawn under the reporting policy: still suspended for not submitting the "
        "report for %(period)s."
    ) % {"period": period.name}


def apply(day: dt.date, *, dry_run: bool = False) -> tuple[dict[str, int], list[Action]]:
    """Apply the policy on `day`: ({period name: reports created}, actions)."""
    policy = LifecyclePolicy.current()
    created = {}
    for period in ReportingPeriod.objects.opened_by(day).order_by("opens"):
        if dry_run:
            have = period.reports.values_list("member_id", flat=True)
            count = Member.objects.active_on(period.opens).exclude(pk__in=have).count()
        else:
            count = period.assign_reports()
        if count:
            created[period.name] = count
    actions = planned(day, policy)
    if dry_run:
        return created, actions
    for action in actions:
        report = action.report
        try:
            with transaction.atomic(), acting_as(None, ACTOR_LABEL):
                event = report.member.record_event(action.kind, on=action.on, note=note_for(action))
                field = "suspension" if action.kind == EventKind.SUSPENDED else "withdrawal"
                setattr(report, field, event)
                report.save(update_fields=[field, "updated_at"])
        except ValidationError as error:
            action.problem = " ".join(error.messages)
            continue
        action.done = True
    return created, actions
