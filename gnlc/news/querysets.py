"""Domain queries on news posts and subscribers."""

from django.db import models
from django.utils import timezone

from gnlc.news.enums import SubscriberStatus


class PostQuerySet(models.QuerySet):
    def published(self):
        """Posts published by now, newest first: what the news list and feeds show."""
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now()).order_by(
            "-published_at", "-pk"
        )

    def in_region(self, region):
        """Posts tagged with `region` (a Region or its slug)."""
        return self.filter(regions=region)

    def in_cluster(self, slug: str):
        """Posts tagged with the thematic cluster `slug` (its theme's slug)."""
        return self.filter(clusters__theme__slug=slug)

    def for_listing(self):
        """What lists and feeds show of each post, in a fixed number of queries."""
        return self.prefetch_related("regions")


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Addresses whose owner confirmed the subscription and has not left since."""
        return self.filter(status=SubscriberStatus.CONFIRMED)
