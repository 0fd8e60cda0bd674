"""The Atom feed (RFC 4287) of the network's upcoming events."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from gnlc.core.markdown import render_markdown
from gnlc.core.network import network_name
from gnlc.events.models import Event

FEED_SIZE = 50


class UpcomingEvents(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Events of the %(network)s") % {"network": network_name()}

    def subtitle(self):
        return _("Conferences, cluster meetings, webinars and trainings of the network.")

    def link(self):
        return reverse("events:list")

    def feed_url(self):
        return reverse("events:feed")

    def author_name(self):
        return network_name()

    def items(self):
        return Event.objects.upcoming().for_listing()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        start = item.local_start.strftime("%Y-%m-%d %H:%M")
        return f"<p>{item.get_kind_display()} · {start} ({item.time_zone})</p>" + str(
            render_markdown(item.description)
        )

    def item_pubdate(self, item):
        return item.created_at

    def item_categories(self, item):
        return [str(item.get_kind_display())] + ([item.cluster.name] if item.cluster_id else [])
