from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """The languages announcements are written in, and news subscribers read."""

    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")


class AnnouncementStatus(models.TextChoices):
    """A draft is the secretariat's to edit; once published it is also a news post."""

    DRAFT = "draft", _("Draft")
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
