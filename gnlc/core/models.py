"""Abstract models shared by the apps (no tables of their own)."""

from django.conf import settings
from django.db import connections, models, router


def user_or_null(**options) -> models.ForeignKey:
    """Who did something (wrote, sent, reviewed): a user whose deletion empties the link
    and keeps the row, with no way back from the user (`related_name="+"`). `options`
    add to these (`editable=False`, `db_column`)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


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
        """The revision's number (0 before the first change): one plain statement, not
        a queryset, since every cached answer reads it (Django building the query cost
        more than running it)."""
        connection = connections[router.db_for_read(cls)]
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT number FROM {table} WHERE id = %s", [1])  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls) -> None:
        if not cls.objects.filter(pk=1).update(number=models.F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})
