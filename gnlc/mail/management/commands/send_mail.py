"""`gnlc send-mail`: deliver the queued mail that is due (from cron, every minute)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from gnlc.mail.models import QueuedMail, send_due


class Command(BaseCommand):
    help = (
        "Send the queued mail that is due; what fails stays queued with its error and is "
        "tried again later, waiting longer each time (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many")
        parser.add_argument("--dry-run", action="store_true", help="say what is due, send nothing")

    def handle(self, *args, limit, dry_run, **options):
        if dry_run:
            due = QueuedMail.objects.due(timezone.now()).count()
            self.stdout.write(f"{due} messages due; nothing sent (--dry-run).")
            return
        outcome = send_due(limit=limit)
        waiting = QueuedMail.objects.waiting().count()
        failed = QueuedMail.objects.failed().count()
        self.stdout.write(
            f"{outcome.sent} sent, {outcome.failed} failed this time; "
            f"{waiting} waiting, {failed} given up."
        )
        if outcome.interrupted:
            self.stderr.write("The mail server failed; the rest wait for the next run.")
