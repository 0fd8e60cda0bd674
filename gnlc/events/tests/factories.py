import datetime as dt

from django.utils import timezone

from gnlc.events.enums import Audience, EventKind
from gnlc.events.models import Event


def make_event(
    *, capacity=None, cluster=None, audience=Audience.PUBLIC, days=30, using="default", **fields
):
    """An online webinar `days` from now, an hour and a half long, set in Nairobi."""
    starts = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    values = {
        "slug": f"webinar-{Event.objects.using(using).count() + 1}",
        "title": "Literacy webinar",
        "kind": EventKind.WEBINAR,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(minutes=90),
        "time_zone": "Africa/Nairobi",
        "online": True,
        "languages": ["en", "fr"],
        "capacity": capacity,
        "cluster": cluster,
        "audience": audience,
        **fields,
    }
    return Event.objects.using(using).create(**values)
