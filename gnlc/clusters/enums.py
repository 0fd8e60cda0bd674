from django.db import models
from django.utils.translation import gettext_lazy as _


class MembershipStatus(models.TextChoices):
    """Where a city's membership of a cluster stands. A row is one stay: asked for,
    then approved (joined) or refused; an approved stay ends when the city leaves."""

    REQUESTED = "requested", _("Asked to join")
    APPROVED = "approved", _("Member")
    REFUSED = "refused", _("Refused")
    LEFT = "left", _("Left")


# Most coordinating cities a cluster has (the secretariat names one or two).
MAX_COORDINATING_CITIES = 2
