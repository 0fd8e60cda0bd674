from django.core.management.base import BaseCommand
from django.utils import timezone

from gnlc.admissions.models import Call


class Command(BaseCommand):
    help = (
        "Publish the calls whose publication the secretariat requested and whose "
        "announcement's date and time have come: members, award winners and the scheduled "
        "announcement go out together (Call.materialise). Idempotent. Run it from cron: "
        "daily, or every few minutes for announcements at a set hour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what, change nothing")

    def handle(self, *args, dry_run=False, **options):
        now = timezone.now()
        due = Call.objects.publication_due(now)
        for call in due:
            when = call.announcement_instant().isoformat()
            if dry_run:
                self.stdout.write(f"{call.title}: would be published (announcement {when}).")
                continue
            publication = call.materialise(now=now)
            self.stdout.write(
                f"{call.title}: {len(publication.members)} member(s), "
                f"{len(publication.wins)} award win(s), {len(publication.posts)} news post(s) "
                f"published (announcement {when})."
            )
        self.stdout.write(f"{len(due)} call(s) {'would be ' if dry_run else ''}published.")
