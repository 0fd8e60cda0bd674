from django.core.management.base import BaseCommand

from gnlc.library.related import compute_related


class Command(BaseCommand):
    help = (
        "Compute related practices and peer cities from the published practices' text and "
        "tags (TF-IDF cosine and tag overlap), replacing the stored ones. Safe to run again; "
        "run it after publishing (daily from cron is plenty)."
    )

    def handle(self, *args, **options):
        counts = compute_related()
        self.stdout.write(
            f"{counts['practices']} published practices: {counts['related']} related pairs, "
            f"{counts['peers']} peer-city pairs."
        )
