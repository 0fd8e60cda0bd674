from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberKind(models.TextChoices):
    """What sort of local authority a member is."""

    CITY = "city", _("City")
    MUNICIPALITY = "municipality", _("Municipality")
    COUNTY = "county", _("County")
    DISTRICT = "district", _("District")
    CONSORTIUM = "consortium", _("Consortium")


class EventKind(models.TextChoices):
    """A change in a member's membership. The latest event on or before a date decides
    the member's status on that date."""

    ADMITTED = "admitted", _("Admitted")
    SUSPENDED = "suspended", _("Suspended")
    REINSTATED = "reinstated", _("Reinstated")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # A dated source proves the city was a member by `date` (an award only members may
    # win, a meeting of members), but no source gives its cohort: the member counts from
    # that date. A later admission with a cohort joins it; both facts stay in history.
    ON_RECORD = "on_record", _("Known to be a member")


class Status(models.TextChoices):
    """A member's standing on a given date, derived from its events."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# What each event kind leaves the member as.
STATUS_AFTER = {
    EventKind.ADMITTED: Status.ACTIVE,
    EventKind.REINSTATED: Status.ACTIVE,
    EventKind.SUSPENDED: Status.SUSPENDED,
    EventKind.WITHDRAWN: Status.WITHDRAWN,
    EventKind.ON_RECORD: Status.ACTIVE,
}

# Which events may follow the member's current status (None: not yet a member).
ALLOWED_EVENTS = {
    None: {EventKind.ADMITTED, EventKind.ON_RECORD},
    Status.ACTIVE: {EventKind.SUSPENDED, EventKind.WITHDRAWN},
    Status.SUSPENDED: {EventKind.REINSTATED, EventKind.WITHDRAWN},
    Status.WITHDRAWN: {EventKind.ADMITTED, EventKind.REINSTATED},
}


class DatePrecision(models.TextChoices):
    """How much of an event's date is known. The shipped data knows some admissions only
    to the year: we store the year and never invent a day."""

    DAY = "day", _("Day")
    YEAR = "year", _("Year")


class SuggestionKind(models.TextChoices):
    """What a suggestion from the public is about."""

    CORRECTION = "correction", _("A correction")
    MISSING = "missing", _("A missing member")


class SuggestionStatus(models.TextChoices):
    """Where a suggestion stands in the secretariat's review. Nothing of it is public
    until accepted, and then only as the change it made."""

    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
