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


class Revision(models.Model):
    """A counter of changes to one body of public data, bumped in the same transaction
    as the change. Cached values key on it (gnlc.core.cache), so every app server sees a
    change at once, whatever cache each one has. One row (id 1) per concrete model: the
    directory's `cities.DataRevision`, the library's `library.LibraryRevision`."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return str(self.number)

    @classmethod
    def current(cls) -> int:
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})
