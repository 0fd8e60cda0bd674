import datetime as dt

from django.db import models
from django.db.models import Q

from gnlc.mail.enums import MailStatus

# A message claimed by a run that died before saying how it went is taken again after
# this long (the run may have crashed between the server's acceptance and our update:
# the one case where a message can go twice, see gnlc/mail/models.py).
STALE_CLAIM = dt.timedelta(minutes=10)


class QueuedMailQuerySet(models.QuerySet):
    def due(self, now):
        """Messages to send now: waiting whose time has come, and stale claims."""
        return self.filter(
            Q(status=MailStatus.QUEUED, next_attempt_at__lte=now)
            | Q(status=MailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM)
        )

    def waiting(self):
        """Not sent yet, and not given up."""
        return self.filter(status__in=[MailStatus.QUEUED, MailStatus.SENDING])

    def failed(self):
        return self.filter(status=MailStatus.FAILED)

    def with_errors(self):
        """Waiting after at least one failed attempt, or given up."""
        return self.exclude(last_error="").exclude(status=MailStatus.SENT)
