from django.db import models
from django.utils.translation import gettext_lazy as _


class MailStatus(models.TextChoices):
    """Where a message stands: waiting (new, or to be tried again), being sent, sent, or
    given up after too many failures (the secretariat can send it again)."""

    QUEUED = "queued", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
