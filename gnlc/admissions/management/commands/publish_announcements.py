from django.core.management.base import BaseCommand
from django.utils import timezone

from gnlc.admissions.models import Call


class Command(BaseCommand):
    help = (
        "Publish the calls whose publication the secretariat requested and whose "
        "announcement's date and time have come: members, award winners and the scheduled "
        "announcement go out together. Idempotent. Run it from cron: daily, or every few "
        "minutes for announcements at a set hour."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        due = Call.objects.publication_due(now)
        for call in due:
            publication = call.materialise(now=now)
            self.stdout.write(
                f"{call.title}: {len(publication.members)} member(s), "
                f"{len(publication.wins)} award win(s), {len(publication.posts)} news post(s) "
                f"published (announcement {call.announcement_instant().isoformat()})."
            )
        self.stdout.write(f"{len(due)} call(s) published.")
