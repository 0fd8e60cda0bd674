"""The e-mail telling a suggester what became of their suggestion."""

from gnlc.core.ratelimit import may_mail
from gnlc.mail.outbox import queue_mail


def send_suggestion_outcome(suggestion) -> bool:
    """Mail the outcome to the address the suggester left, in their language; False
    where the address is over its mail limit (quietly not sent)."""
    if not suggestion.email or not may_mail(suggestion.email):
        return False
    queue_mail(suggestion, "cities/mail/suggestion_outcome", {"suggestion": suggestion})
    return True
