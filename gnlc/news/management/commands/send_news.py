from django.core.management.base import BaseCommand

from gnlc.news.models import Post


class Command(BaseCommand):
    help = (
        "E-mail every published post to the confirmed subscribers of its language who have "
        "not had it yet. Idempotent: run it as often as you like (after a mail outage, say)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="", help="the site's root for links")

    def handle(self, *args, base_url="", **options):
        total = 0
        for post in Post.objects.published():
            sent = post.deliver(base_url=base_url)
            if sent:
                self.stdout.write(f"{post.title}: sent to {sent} subscriber(s)")
            total += sent
        self.stdout.write(f"{total} message(s) sent.")
