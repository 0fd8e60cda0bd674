from gnlc.core.commands import DailyCommand
from gnlc.events import reminders


class Command(DailyCommand):
    help = (
        "E-mail the confirmed participants of events starting within "
        "GNLC_EVENT_REMINDER_DAYS days. Meant for a daily cron job; idempotent: each "
        "participant is reminded once."
    )

    dry_run_help = "say what, send nothing"

    def run(self, day, *, dry_run, **options):
        sent = reminders.send(day, dry_run=dry_run)
        verb = "would send" if dry_run else "sent"
        for registration in sent:
            self.stdout.write(f"{verb} reminder: {registration.event} -> {registration.pk}")
        self.stdout.write(f"{len(sent)} event reminder(s) {verb} on {day.isoformat()}.")
