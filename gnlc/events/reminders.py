"""The reminder before an event: its confirmed participants are mailed once, from
`GNLC_EVENT_REMINDER_DAYS` days before it starts (`gnlc send-event-reminders`, daily).
Each registration's `reminded_at` says it was done, so a second run sends nothing, and a
participant who registers after the reminders went out gets theirs the next day."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gnlc.events.mail import send_reminder
from gnlc.events.models import Registration


def due(day: dt.date):
    """Confirmed registrations not yet reminded, for events starting from now until the
    end of `day` + the reminder days."""
    days = getattr(settings, "GNLC_EVENT_REMINDER_DAYS", 2)
    horizon = dt.datetime.combine(
        day + dt.timedelta(days=days + 1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    return (
        Registration.objects.confirmed()
        .filter(
            reminded_at=None,
            event__starts_at__gt=timezone.now(),
            event__starts_at__lt=horizon,
        )
        .select_related("event", "user")
        .order_by("event__starts_at", "pk")
    )


def send(day: dt.date, *, dry_run: bool = False) -> list[Registration]:
    sent = []
    for registration in due(day):
        if not dry_run:
            with transaction.atomic():
                send_reminder(registration)
                registration.reminded_at = timezone.now()
                registration.save(update_fields=["reminded_at"])
        sent.append(registration)
    return sent
