"""The events' e-mails, through the one outbox (gnlc.mail), in each person's language:
the news of a place freed for someone on the waiting list, a guest's link to confirm
their address, what a guest's confirmed registration is (with their link to cancel),
and the reminder before the event."""

from gnlc.mail.outbox import queue_mail, site_url


def _guest_links(registration) -> dict:
    return {"cancel_token": registration.cancel_token()} if not registration.user_id else {}


def send_promoted(registration) -> None:
    """Queue the news of a place (a guest's mail holds their link to cancel)."""
    queue_mail(
        registration.recipient,
        "events/mail/promoted",
        {"registration": registration, "event": registration.event, **_guest_links(registration)},
    )


def send_guest_confirmation(event, name: str, email: str, language: str, base_url: str) -> None:
    """Queue the link that confirms a guest's address, and only then takes the place."""
    queue_mail(
        email,
        "events/mail/confirm_guest",
        {
            "event": event,
            "name": name,
            "token": event.guest_token(name, email, language),
            "site_url": site_url(base_url),
        },
        language=language,
    )


def send_guest_registered(registration, base_url: str = "") -> None:
    """Queue a guest's confirmation of their registration, with their link to cancel."""
    queue_mail(
        registration,
        "events/mail/guest_registered",
        {
            "registration": registration,
            "event": registration.event,
            "site_url": site_url(base_url),
            **_guest_links(registration),
        },
    )


def send_reminder(registration) -> None:
    queue_mail(
        registration.recipient,
        "events/mail/reminder",
        {"registration": registration, "event": registration.event, **_guest_links(registration)},
    )
