"""The outbox: every e-mail the admission cycle writes waits here until the
secretariat reads and sends it, and is kept afterwards."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from gnlc.admissions.enums import MessageStatus
from gnlc.mail.outbox import send_rendered


class Message(models.Model):
    """One templated e-mail, rendered in the application's language when queued."""

    call = models.ForeignKey("admissions.Call", on_delete=models.CASCADE, related_name="messages")
    application = models.ForeignKey(
        "admissions.Application",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="messages",
    )
    event = models.CharField(max_length=20)
    language = models.CharField(max_length=8)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(
        max_length=20, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject

    def send(self, *, by) -> None:
        """Send a queued message (once) and keep it, marked sent."""
        if self.status != MessageStatus.QUEUED:
            return
        send_rendered(self.recipients, self.subject, self.body)
        self.status, self.handled_at, self.handled_by = MessageStatus.SENT, timezone.now(), by
        self.save(update_fields=["status", "handled_at", "handled_by"])

    def discard(self, *, by) -> None:
        if self.status == MessageStatus.QUEUED:
            self.status, self.handled_at, self.handled_by = (
                MessageStatus.DISCARDED,
                timezone.now(),
                by,
            )
            self.save(update_fields=["status", "handled_at", "handled_by"])
