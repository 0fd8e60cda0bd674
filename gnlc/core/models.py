"""Abstract models shared by the apps (no tables of their own)."""

from django.conf import settings
from django.db import models


class Transition(models.Model):
    """One change of a record's state: by whom and when. Each subclass adds the record
    (a foreign key named after it, `related_name="history"`), `from_state` and `to_state`
    with its states' choices, and its note (a reason, a comment)."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]
