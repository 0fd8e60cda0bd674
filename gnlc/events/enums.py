from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    CLUSTER_MEETING = "cluster-meeting", _("Cluster meeting")
    WEBINAR = "webinar", _("Webinar")
    TRAINING = "training", _("Training")


class Audience(models.TextChoices):
    """Who may register (anyone may read an event's page)."""

    PUBLIC = "public", _("Anyone (with an account or a confirmed e-mail address)")
    MEMBERS = "members", _("Coordinators of member cities")
    CLUSTER = "cluster", _("Coordinators of the cluster's cities")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
