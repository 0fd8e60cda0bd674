"""Domain queries on clusters and their membership history."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from gnlc.clusters.enums import MembershipStatus


class ClusterQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("theme").prefetch_related("coordinating_cities__country")


class ClusterMembershipQuerySet(models.QuerySet):
    def as_of(self, day: dt.date | None = None):
        """The stays that were running on `day` (today without one): joined by then
        and not yet left. An approved stay has `joined_on`; one that ended has `left_on`
        (the first day the city was no longer in), so a city that left on 1 March 2024
        was in on 29 February and out on 1 March. Like the member database's as-of, one
        answer for any past date."""
        day = day or timezone.localdate()
        return self.filter(joined_on__isnull=False, joined_on__lte=day).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day)
        )

    def current(self):
        return self.filter(status=MembershipStatus.APPROVED)

    def pending(self):
        return self.filter(status=MembershipStatus.REQUESTED)

    def open(self):
        """Stays that are asked for or running: a city has at most one per cluster."""
        return self.filter(status__in=[MembershipStatus.REQUESTED, MembershipStatus.APPROVED])
