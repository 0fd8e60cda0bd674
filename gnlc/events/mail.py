"""The e-mail telling someone on a waiting list that they have a place."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from gnlc.core.network import network_name


def send_promoted(registration) -> None:
    """Queue (gnlc.mail) the news of a place, in the person's language."""
    user = registration.user
    with translation.override(user.language or None):
        context = {
            "registration": registration,
            "event": registration.event,
            "network": network_name(),
            "url": _site_url() + registration.event.get_absolute_url(),
        }
        subject = render_to_string("events/mail/promoted_subject.txt", context).strip()
        body = render_to_string("events/mail/promoted.txt", context)
    EmailMessage(subject, body, to=[user.email]).send()


def _site_url() -> str:
    return (settings.GNLC_SITE_URL or "http://localhost:8000").rstrip("/")
