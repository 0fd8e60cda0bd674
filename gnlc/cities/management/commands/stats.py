import datetime as dt
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from gnlc.cities.stats import announced_totals, network_stats


class Command(BaseCommand):
    help = (
        "The network's figures on a date (today by default): members and countries, "
        "per region and per cohort; the same figures as the statistics page and the API."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date (default: today)")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, as_of=None, format="text", **opts):
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError:
                raise CommandError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD).") from None
        stats = {**network_stats(day), "announced": announced_totals(day)}
        if format == "json":
            self.stdout.write(json.dumps(stats, cls=DjangoJSONEncoder, indent=2))
        else:
            self.stdout.write(as_table(stats))


def as_table(stats: dict) -> str:
    """The figures as a plain-text report, columns aligned."""
    lines = [
        f"{settings.GNLC_NETWORK_NAME}, as of {stats['as_of'].isoformat()}",
        "",
        f"{'Members':<34}{stats['members']:>8}",
        f"{'Countries':<34}{stats['countries']:>8}",
        f"{'Suspended (not counted above)':<34}{stats['suspended']:>8}",
        f"{'Withdrawn (not counted above)':<34}{stats['withdrawn']:>8}",
        "",
        f"{'Region':<34}{'Members':>8}{'Countries':>11}",
    ]
    lines += [
        f"{region['name']:<34}{region['members']:>8}{region['countries']:>11}"
        for region in stats["regions"]
    ]
    lines += ["", f"{'Cohort':<34}{'Members':>8}"]
    lines += [f"{cohort['year']:<34}{cohort['members']:>8}" for cohort in stats["cohorts"]]
    if stats.get("cohort_not_known"):
        lines.append(f"{'Not known (members on record)':<34}{stats['cohort_not_known']:>8}")
    announced = stats.get("announced")
    if announced:
        # What the network said, kept apart from the counts above (our rows).
        lines += [
            "",
            f"On {announced['on'].isoformat()} the network announced {announced['members']} "
            f"members in {announced['countries']} countries; these data hold "
            f"{announced['held']['members']} in {announced['held']['countries']}.",
            f"Source: {announced['source_url']}",
        ]
    return "\n".join(lines)
