"""The e-mail telling someone on a waiting list that they have a place."""

from gnlc.mail.outbox import queue_mail


def send_promoted(registration) -> None:
    """Queue (gnlc.mail) the news of a place, in the person's language."""
    queue_mail(
        registration.user,
        "events/mail/promoted",
        {"registration": registration, "event": registration.event},
    )
