"""An Atom feed of the practices newly published in the library."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from gnlc.library.models import Practice


class NewPractices(Feed):
    feed_type = Atom1Feed
    link = "/library/"
    subtitle = _("Good practices of member cities, newest first.")

    def title(self):
        return _("New practices in the %(network)s library") % {
            "network": settings.GNLC_NETWORK_SHORT_NAME
        }

    def items(self):
        return (
            Practice.objects.published()
            .prefetch_related("members")
            .order_by("-published_at", "-pk")[:30]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return ", ".join(member.name for member in item.members.all())

    def item_link(self, item):
        return reverse("library:practice", args=[item.slug])
