"""The e-mail telling a suggester what became of their suggestion."""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from gnlc.core.network import network_name
from gnlc.core.ratelimit import may_mail


def send_suggestion_outcome(suggestion) -> bool:
    """Mail the outcome to the address the suggester left, in their language; False
    where the address is over its mail limit (quietly not sent)."""
    if not suggestion.email or not may_mail(suggestion.email):
        return False
    with translation.override(suggestion.language or None):
        context = {"suggestion": suggestion, "network": network_name()}
        subject = render_to_string("cities/mail/suggestion_outcome_subject.txt", context).strip()
        body = render_to_string("cities/mail/suggestion_outcome.txt", context)
    EmailMessage(subject, body, to=[suggestion.email]).send()
    return True
