"""What the periodic commands share: a day given on the command line, checked once."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone


def parse_day(value: str | None, option: str) -> dt.date | None:
    """`value` (YYYY-MM-DD) as a date, None where not given; a CommandError naming
    `option` where it is not a date."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{option}: {error}") from None


class DailyCommand(BaseCommand):
    """A daily cron job, idempotent, that can say what it would do (--dry-run) and act as
    on another day (--date; a day to come only with --dry-run). Subclasses write
    `run(day, *, dry_run, **options)`."""

    dry_run_help = "say what, change nothing"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="act as on this day")

    def handle(self, *args, dry_run=False, date=None, **options):
        day = parse_day(date, "--date") or timezone.localdate()
        if day > timezone.localdate() and not dry_run:
            raise CommandError("--date in the future: only with --dry-run.")
        self.run(day, dry_run=dry_run, **options)

    def run(self, day: dt.date, *, dry_run: bool, **options) -> None:
        raise NotImplementedError

    @staticmethod
    def send_verb(dry_run: bool) -> str:
        """What a sending command says it did with each item: "sent", or "would send"."""
        return "would send" if dry_run else "sent"

    def write_sent_count(
        self, count: int, what: str, day: dt.date, *, dry_run: bool, note: str = ""
    ) -> None:
        """The last line of a sending command, one shape for all (cron mail and tests
        read it): "3 event reminder(s) sent on 2024-06-16." -- `note` goes before the
        full stop."""
        self.stdout.write(f"{count} {what} {self.send_verb(dry_run)} on {day.isoformat()}{note}.")
