"""Demo content for `gnlc demo` (DEBUG only): two reporting periods on the published
framework. The previous one is wholly filed and accepted (so the lifecycle never
suspends anyone for it); the current one, due in three weeks, has reports in every
state, the demo coordinator's member's a draft begun. States are written directly,
with a history row saying so: synthetic data, not a workflow anyone went through."""

import datetime as dt
import random

from django.utils import timezone

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import Role
from gnlc.reporting.enums import ReportState
from gnlc.reporting.models import FrameworkVersion, Report, ReportingPeriod, ReportTransition

NOTE = "(demo)"
SAMPLE = (
    "Our learning festival reached every district this year; libraries and community "
    "centres now offer evening courses for adults, and the city council adopted a "
    "lifelong learning strategy with a yearly budget."
)


def _fill(report, rng, areas, *, full=True) -> None:
    codes = [area.code for area in areas] if full else [areas[0].code]
    report.narratives = dict.fromkeys(codes, SAMPLE)
    report.ratings = {code: rng.randint(1, 5) for code in codes}


def _set_state(report, state, when, comment="") -> None:
    report.state = state
    report.submitted_at = report.submitted_at or when
    if state == ReportState.ACCEPTED:
        report.accepted_at = when
    report.save()
    ReportTransition.objects.create(
        report=report, from_state=ReportState.DRAFT, to_state=state, note=comment or NOTE
    )


def create(stdout, password) -> None:
    framework = FrameworkVersion.objects.published().order_by("-number").first()
    if framework is None:
        stdout.write("Reporting: no published framework; nothing made.")
        return
    today = timezone.localdate()
    areas = list(framework.areas())
    rng = random.Random(2024)  # the same demo on every run  # noqa: S311
    previous, made_previous = ReportingPeriod.objects.get_or_create(
        name=f"{today.year - 3}–{today.year - 2} (demo)",
        defaults={
            "framework": framework,
            "opens": today - dt.timedelta(days=2 * 365 + 90),
            "due": today - dt.timedelta(days=2 * 365 - 90),
            "grace_end": today - dt.timedelta(days=2 * 365 - 150),
        },
    )
    if made_previous:
        previous.assign_reports()
        when = timezone.now() - dt.timedelta(days=2 * 365 - 80)
        for report in previous.reports.all():
            _fill(report, rng, areas)
            _set_state(report, ReportState.ACCEPTED, when)
    current, made_current = ReportingPeriod.objects.get_or_create(
        name=f"{today.year - 1}–{today.year} (demo)",
        defaults={
            "framework": framework,
            "opens": today - dt.timedelta(days=90),
            "due": today + dt.timedelta(days=21),
            "grace_end": today + dt.timedelta(days=81),
        },
    )
    if made_current:
        current.assign_reports()
        demo_member = (
            Role.objects.filter(user__email="coordinator@demo.gnlc.org", kind=RoleKind.COORDINATOR)
            .values_list("member_id", flat=True)
            .first()
        )
        reports = list(current.reports.exclude(member_id=demo_member).order_by("member__name"))
        rng.shuffle(reports)
        when = timezone.now() - dt.timedelta(days=5)
        for i, report in enumerate(reports[:60]):
            _fill(report, rng, areas)
            if i < 25:
                _set_state(report, ReportState.ACCEPTED, when)
            elif i < 45:
                _set_state(report, ReportState.SUBMITTED, when)
            elif i < 52:
                _set_state(
                    report,
                    ReportState.RETURNED,
                    when,
                    "Please describe the measures taken in area 4 in more detail. (demo)",
                )
            else:
                report.save()
        mine = Report.objects.filter(period=current, member_id=demo_member).first()
        if mine:
            _fill(mine, rng, areas, full=False)
            mine.save()
    counts = {state: current.reports.filter(state=state).count() for state in ReportState.values}
    stdout.write(
        f"Reporting: periods “{previous.name}” (all accepted) and “{current.name}” "
        f"(due {current.due}): "
        + ", ".join(f"{n} {state}" for state, n in counts.items())
        + ("" if made_current else " (already there)")
        + "."
    )
