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
