import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gnlc.reporting import reminders


class Command(BaseCommand):
    help = (
        "E-mail the city coordinators of reports not yet submitted: once when the due "
        "date nears, then regularly once it has passed (days set by the lifecycle policy). "
        "Meant for a daily cron job; idempotent: run again the same day, it sends none."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what, send nothing")
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="act as on this day")

    def handle(self, *args, dry_run=False, date=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from None
        if day > timezone.localdate() and not dry_run:
            raise CommandError("--date in the future: only with --dry-run.")
        sent, skipped = reminders.send(day, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for item in sent:
            self.stdout.write(
                f"{verb} {item.kind} reminder: {item.report} -> {', '.join(item.recipients)}"
            )
        if options["verbosity"] >= 2:
            for item in skipped:
                self.stdout.write(f"no coordinator to remind: {item.report}")
        self.stdout.write(
            f"{len(sent)} reminder(s) {verb} on {day.isoformat()}"
            + (
                f"; {len(skipped)} unfiled report(s) have no coordinator to write to"
                if skipped
                else ""
            )
            + "."
        )
