"""Abstract models shared by the apps (no tables of their own)."""

from django.conf import settings
from django.db import models


class TransitionHistory(models.Model):
    """One change of a record's state (gnlc.core.workflow writes them): from, to, by
    whom, with what note (a reason, a comment), when. Each subclass adds the record (a
    foreign key whose related name is its workflow's `HISTORY`) and gives `from_state`
    and `to_state` its states' choices; a table older than this model keeps its column
    names through `db_column`."""

    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def is_move(self) -> bool:
        return self.from_state != self.to_state
