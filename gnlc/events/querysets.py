from django.db import models
from django.utils import timezone

from gnlc.events.enums import RegistrationStatus


class EventQuerySet(models.QuerySet):
    def upcoming(self):
        """Events not yet over, soonest first."""
        return self.filter(ends_at__gte=timezone.now()).order_by("starts_at", "pk")

    def past(self):
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-pk")

    def for_listing(self):
        return self.select_related("cluster__theme")


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")

    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)
