"""Demo content for `gnlc demo` (DEBUG only): announcement drafts for the real cohorts
(the latest one published as news), and a press contact. All of it is marked as demo."""

from gnlc.accounts.models import User
from gnlc.audit.context import acting_as
from gnlc.cities.models import Cohort
from gnlc.news.models import Announcement, PressContact

DEMO_NOTE = "\n\n*Demo content: written by `gnlc demo` from the data, not an official text.*"


def create(stdout, password):
    secretariat = User.objects.filter(email="secretariat@demo.gnlc.org").first()
    made = []
    with acting_as(secretariat, "gnlc demo"):
        contact, created = PressContact.objects.get_or_create(
            email="press@demo.gnlc.org",
            defaults={
                "name": "Press Officer (demo)",
                "role": "Media relations, network secretariat (demo contact)",
                "phone": "+00 000 000 000",
            },
        )
        if created:
            made.append(f"press contact {contact.email}")
        cohorts = list(Cohort.objects.filter(members__isnull=False).distinct().order_by("year"))
        for cohort in cohorts:
            announcement, created = Announcement.draft_for(cohort, "en", by=secretariat)
            if created:
                announcement.closing += DEMO_NOTE
                announcement.save()
                made.append(f"announcement draft {cohort.year}")
        latest = next((c for c in reversed(cohorts) if c.year == 2025), None)
        if latest:
            announcement = Announcement.objects.get(cohort=latest, language="en")
            if announcement.post is None:
                post = announcement.publish(by=secretariat)
                made.append(f"news post {post.get_absolute_url()}")
    stdout.write("News demo: " + (", ".join(made) if made else "already there") + ".")
