from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages announcements are written in, and news subscribers read."""

    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")


class AnnouncementStatus(models.TextChoices):
    """A draft is the secretariat's to edit; once published it is also a news post. The
    announcement of a call not published yet is scheduled instead: it goes out with the
    cohort, at the announcement's instant (`Call.materialise`)."""

    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled with the cohort")
    PUBLISHED = "published", _("Published")


class SubscriberStatus(models.TextChoices):
    """Double opt-in: an address receives news only once its owner has confirmed it."""

    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class ExportFormat(models.TextChoices):
    """The formats an announcement is printed in."""

    MARKDOWN = "md", _("Markdown")
    TEXT = "txt", _("Plain text")
    HTML = "html", _("Web page (HTML)")
