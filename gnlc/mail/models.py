"""The mail queue: every message the platform sends is stored here first
(`gnlc.mail.backends.QueueBackend` is Django's EMAIL_BACKEND) and delivered by
`send_due()`, which `gnlc send-mail` runs from cron (and, where configured, the end of
each request that queued mail).

Nothing is lost: a message stays in the database until the mail server has accepted it;
a failure keeps it waiting with its error, and it is tried again later, each time
waiting twice as long (one minute, two, four... at most six hours), until it has failed
`MAX_ATTEMPTS` times; then it is marked failed and the secretariat sees it
(`/mail/`) and can send it again.

Nothing is sent twice: a run claims each message with one conditional UPDATE before
sending it, so two runs at once never take the same message; the outcome is saved right
after the server answers. Only a run that dies between the server's acceptance and that
save leaves a claim behind, taken again after ten minutes (`STALE_CLAIM`): the one
window where a message may go twice, never one where it is lost. A message keeps its
Message-ID across attempts, so a receiving server can tell a repeat.

Messages hold one-time links (password resets, invitations): once sent, the message's
content is erased and only its subject, recipients and dates are kept.
"""

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gnlc.mail.enums import MailStatus
from gnlc.mail.querysets import QueuedMailQuerySet

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=6)
# Errors about one message: the server is there and the next message may pass.
MESSAGE_ERRORS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
    smtplib.SMTPNotSupportedError,
    UnicodeError,
    ValueError,
)


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4... minutes, at most 6 h."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


class StoredEmail(EmailMessage):
    """A queued message as Django's mail backends send it: its MIME bytes as stored."""

    def __init__(self, mail: "QueuedMail"):
        super().__init__(subject=mail.subject, from_email=mail.from_email, to=mail.recipients)
        self.raw = bytes(mail.message)

    def message(self):
        return _RawMessage(self.raw)

    def recipients(self):
        return list(self.to)


class _RawMessage:
    """The part of a MIME message object that Django's SMTP backend uses."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom=False, linesep="\n"):
        return self.raw.replace(b"\r\n", linesep.encode())

    def as_string(self, unixfrom=False, linesep="\n"):
        return self.as_bytes(linesep=linesep).decode("utf-8", "replace")

    def __str__(self):
        return self.as_string()


class QueuedMail(models.Model):
    """One message the platform sends, from the moment it is written until the mail
    server accepts it (or it is given up)."""

    created_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)
    subject = models.CharField(_("subject"), max_length=998)
    from_email = models.CharField(_("from"), max_length=320)
    # The envelope: To, Cc and Bcc together.
    recipients = models.JSONField(_("recipients"), default=list)
    # The whole MIME message, as the server will receive it; erased once sent.
    message = models.BinaryField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=MailStatus.choices, default=MailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = QueuedMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="mail_due")]
        verbose_name = _("queued message")
        verbose_name_plural = _("queued messages")

    def __str__(self):
        return f"{self.subject} → {', '.join(self.recipients)}"

    @classmethod
    def queue(cls, email: EmailMessage) -> "QueuedMail":
        """Store a message to be sent (what QueueBackend does with each)."""
        return cls.objects.create(
            subject=str(email.subject)[:998],
            from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
            recipients=list(email.recipients()),
            message=email.message().as_bytes(linesep="\r\n"),
        )

    @classmethod
    def claim(cls, pk: int, now) -> "QueuedMail | None":
        """Take a due message for this run, or None if another run took it first."""
        taken = cls.objects.due(now).filter(pk=pk).update(status=MailStatus.SENDING, claimed_at=now)
        return cls.objects.get(pk=pk) if taken else None

    def mark_sent(self) -> None:
        self.status, self.sent_at, self.claimed_at = MailStatus.SENT, timezone.now(), None
        self.attempts += 1
        self.message = b""  # it may hold a one-time link: see the module
        self.save(update_fields=["status", "sent_at", "claimed_at", "attempts", "message"])

    def mark_failed_attempt(self, error: Exception) -> None:
        """Keep the message with its error: to be tried again later, or given up."""
        self.attempts += 1
        self.last_error = f"{type(error).__name__}: {error}"[:2000]
        self.claimed_at = None
        if self.attempts >= MAX_ATTEMPTS:
            self.status = MailStatus.FAILED
        else:
            self.status = MailStatus.QUEUED
            self.next_attempt_at = timezone.now() + retry_delay(self.attempts)
        self.save(
            update_fields=["attempts", "last_error", "claimed_at", "status", "next_attempt_at"]
        )

    def send_again(self) -> None:
        """A failed message goes back in the queue, due now, with a new count."""
        self.status, self.attempts, self.next_attempt_at = MailStatus.QUEUED, 0, timezone.now()
        self.save(update_fields=["status", "attempts", "next_attempt_at"])


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    # The server could not be reached or went away: the run stopped early.
    interrupted: bool = False


def send_due(*, limit: int | None = None, only=None) -> Outcome:
    """Send the messages that are due (at most `limit`; only the ids `only` when given)
    through the transport (`GNLC_EMAIL_TRANSPORT`), over one connection. A message's
    error keeps it queued and the run goes on; a connection's error (the server is
    unreachable or goes away) keeps it queued and ends the run: the rest wait untouched
    for the next one."""
    now = timezone.now()
    due = QueuedMail.objects.due(now).order_by("next_attempt_at", "pk")
    if only is not None:
        due = due.filter(pk__in=list(only))
    pks = list(due.values_list("pk", flat=True)[:limit])
    outcome = Outcome()
    if not pks:
        return outcome
    transport = get_connection(settings.GNLC_EMAIL_TRANSPORT, fail_silently=False)
    opened = False
    try:
        for pk in pks:
            mail = QueuedMail.claim(pk, now)
            if mail is None:
                continue
            try:
                if not opened:
                    transport.open()
                    opened = True
                if transport.send_messages([StoredEmail(mail)]) != 1:
                    raise ValueError("the transport sent nothing (no recipient?)")
            except MESSAGE_ERRORS as error:
                logger.warning("mail %s not sent: %s", pk, error)
                mail.mark_failed_attempt(error)
                outcome.failed += 1
            except Exception as error:
                logger.error("mail %s not sent, the mail server failed: %s", pk, error)
                mail.mark_failed_attempt(error)
                outcome.failed += 1
                outcome.interrupted = True
                break
            else:
                mail.mark_sent()
                outcome.sent += 1
    finally:
        try:
            transport.close()
        except Exception:  # a server already gone cannot be said goodbye to
            logger.debug("closing the mail connection failed", exc_info=True)
    return outcome
