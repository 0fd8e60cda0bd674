from gnlc.core.commands import DailyCommand
from gnlc.reporting import reminders


class Command(DailyCommand):
    help = (
        "E-mail the city coordinators of reports not yet submitted: once when the due "
        "date nears, then regularly once it has passed (days set by the lifecycle policy). "
        "Meant for a daily cron job; idempotent: run again the same day, it sends none."
    )

    dry_run_help = "say what, send nothing"

    def run(self, day, *, dry_run, **options):
        sent, skipped = reminders.send(day, dry_run=dry_run)
        verb = self.send_verb(dry_run)
        for item in sent:
            self.stdout.write(
                f"{verb} {item.kind} reminder: {item.report} -> {', '.join(item.recipients)}"
            )
        if options["verbosity"] >= 2:
            for item in skipped:
                self.stdout.write(f"no coordinator to remind: {item.report}")
        self.write_sent_count(
            len(sent),
            "reminder(s)",
            day,
            dry_run=dry_run,
            note=(
                f"; {len(skipped)} unfiled report(s) have no coordinator to write to"
                if skipped
                else ""
            ),
        )
