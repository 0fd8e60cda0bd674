"""`{% load publication %}{% announcement_moment call as moment %}`: when a call's
decisions become public (`Call.announcement_instant`), written for pages in the call's
time zone: `moment.when` ("13 January 2027, 09:00"), `moment.zone` and `moment.iso` (for a
`<time data-local-time>` that admissions.js shows in the viewer's own time)."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.simple_tag
def announcement_moment(call) -> dict:
    at = call.announcement_instant()
    return {
        "when": date_format(timezone.localtime(at, call.zone), "j F Y, H:i"),
        "zone": call.time_zone,
        "iso": at.astimezone(dt.UTC).isoformat(),
    }
