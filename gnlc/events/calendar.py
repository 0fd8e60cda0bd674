"""Events in iCalendar (gnlc/core/ical.py): one event's file, and each person's
registrations in their private calendar feed (the registry `ical.user_events`)."""

from django.utils.translation import gettext as _

from gnlc.core.ical import Event as CalendarEvent
from gnlc.events.enums import RegistrationStatus


def as_calendar_event(event, request, *, waiting: bool = False) -> CalendarEvent:
    where = _("Online") if event.online else event.place
    summary = f"{event.title} ({_('waiting list')})" if waiting else event.title
    return CalendarEvent(
        key=f"event-{event.pk}",
        summary=summary,
        start=event.starts_at,
        end=event.ends_at,
        description=f"{event.get_kind_display()} · {where} · {event.time_zone}",
        url=request.build_absolute_uri(event.get_absolute_url()),
    )


def user_events(user, request) -> list[CalendarEvent]:
    """The events `user` is registered for or waiting for."""
    registrations = user.event_registrations.active().select_related("event")
    return [
        as_calendar_event(r.event, request, waiting=r.status == RegistrationStatus.WAITING)
        for r in registrations
    ]
