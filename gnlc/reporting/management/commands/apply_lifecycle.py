import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gnlc.reporting import lifecycle
from gnlc.reporting.models import LifecyclePolicy


class Command(BaseCommand):
    help = (
        "Apply the reporting lifecycle policy by date: give opened periods their reports, "
        "suspend members whose report is unfiled after the grace, withdraw members still "
        "suspended after the policy's days. Meant for a daily cron job; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what, change nothing")
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="act as on this day")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from None
        if day > timezone.localdate() and not dry_run:
            raise CommandError("--date in the future: only with --dry-run.")
        if not LifecyclePolicy.current().active:
            self.stdout.write("The lifecycle policy is paused: no suspension or withdrawal.")
        created, actions = lifecycle.apply(day, dry_run=dry_run)
        would = "would be " if dry_run else ""
        for name, count in created.items():
            self.stdout.write(f"{name}: {count} report(s) {would}created")
        done = 0
        for action in actions:
            member = action.report.member.name
            if action.problem:
                self.stdout.write(f"skipped {action.kind} of {member}: {action.problem}")
                continue
            done += 1
            self.stdout.write(
                f"{member}: {would}{action.kind} on {action.on.isoformat()} "
                f"({action.report.period.name})"
            )
        self.stdout.write(
            f"{sum(created.values())} report(s) {would}created, "
            f"{done} membership event(s) {'would be ' if dry_run else ''}recorded "
            f"on {day.isoformat()}."
        )
