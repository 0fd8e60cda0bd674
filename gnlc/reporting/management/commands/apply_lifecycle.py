from gnlc.core.commands import DailyCommand
from gnlc.reporting import lifecycle
from gnlc.reporting.models import LifecyclePolicy


class Command(DailyCommand):
    help = (
        "Apply the reporting lifecycle policy by date: give opened periods their reports, "
        "suspend members whose report is unfiled after the grace, withdraw members still "
        "suspended after the policy's days. Meant for a daily cron job; idempotent."
    )

    def run(self, day, *, dry_run, **options):
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
