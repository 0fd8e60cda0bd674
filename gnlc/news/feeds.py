"""Atom feeds (RFC 4287) of the published news: all of it, one per UNESCO region and one
per thematic cluster."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from gnlc.cities.models import Region
from gnlc.core.markdown import render_markdown
from gnlc.core.network import network_name
from gnlc.news.models import Post
from gnlc.news.views import cluster_or_404

FEED_SIZE = 30


class NewsFeed(Feed):
    feed_type = Atom1Feed

    def title(self, obj=None):
        return _("News of the %(network)s") % {"network": network_name()}

    def subtitle(self, obj=None):
        return _("Announcements and news of the network.")

    def link(self, obj=None):
        return reverse("news:list")

    def feed_url(self, obj=None):
        return reverse("news:feed")

    def author_name(self):
        return network_name()

    def posts(self):
        return Post.objects.published().for_listing()

    def items(self, obj=None):
        return self.posts()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return render_markdown(item.body)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_categories(self, item):
        return [str(region.label) for region in item.regions.all()]


class FilteredNewsFeed(NewsFeed):
    """The published posts of one thing with a slug (a region, a thematic cluster): what
    the news list shows filtered by it. A subclass names `param`, the URL's keyword and
    the list's query parameter (its feed's URL is named "news:<param>-feed"), and gives
    `find` (the thing of a slug, or a 404), `filtered` (the posts of the thing) and
    `title`."""

    param = ""

    def get_object(self, request, **kwargs):
        return self.find(kwargs[self.param])

    def find(self, slug):
        raise NotImplementedError

    def filtered(self, posts, obj):
        raise NotImplementedError

    def link(self, obj=None):
        return reverse("news:list") + f"?{self.param}={obj.slug}"

    def feed_url(self, obj=None):
        return reverse(f"news:{self.param}-feed", args=[obj.slug])

    def items(self, obj=None):
        return self.filtered(self.posts(), obj)[:FEED_SIZE]


class RegionNewsFeed(FilteredNewsFeed):
    param = "region"

    def find(self, slug):
        return get_object_or_404(Region, slug=slug)

    def filtered(self, posts, region):
        return posts.in_region(region)

    def title(self, obj=None):
        return _("News of the %(network)s: %(region)s") % {
            "network": network_name(),
            "region": obj.label,
        }


class ClusterNewsFeed(FilteredNewsFeed):
    """The published posts tagged with one thematic cluster (what its public page lists)."""

    param = "cluster"

    def find(self, slug):
        return cluster_or_404(slug)

    def filtered(self, posts, cluster):
        return posts.in_cluster(cluster.slug)

    def title(self, obj=None):
        return _("News of the %(network)s: the %(cluster)s cluster") % {
            "network": network_name(),
            "cluster": obj.name,
        }
