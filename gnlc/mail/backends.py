"""Django's EMAIL_BACKEND for the whole platform: messages go into the queue
(gnlc/mail/models.py), never straight to a server. Sent inside a transaction, a message
is queued with it, and dropped if it rolls back."""

import logging
import threading

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)
_request = threading.local()


class QueueBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from gnlc.mail.models import QueuedMail  # noqa: PLC0415 -- this module loads before the apps

        queued = [QueuedMail.queue(email) for email in email_messages if email.recipients()]
        pending = getattr(_request, "pending", None)
        if pending is None:
            pending = _request.pending = []
        pending.extend(mail.pk for mail in queued)
        return len(queued)


def send_after_request(sender, **kwargs):
    """At the end of a request (GNLC_SEND_MAIL_AFTER_REQUEST), send what it queued; what
    fails stays queued for `gnlc send-mail`."""
    pending, _request.pending = getattr(_request, "pending", None), []
    if not pending or not settings.GNLC_SEND_MAIL_AFTER_REQUEST:
        return
    from gnlc.mail.models import send_due  # noqa: PLC0415 -- this module loads before the apps

    try:
        send_due(only=pending)
    except Exception:
        logger.exception("sending mail after the request failed; gnlc send-mail will")
