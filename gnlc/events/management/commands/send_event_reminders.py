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
        verb = self.send_verb(dry_run)
        for registration in sent:
            self.stdout.write(f"{verb} reminder: {registration.event} -> {registration.pk}")
        self.write_sent_count(len(sent), "event reminder(s)", day, dry_run=dry_run)
