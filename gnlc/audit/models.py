"""The audit log: who created, changed or deleted what, when, with before and after."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from gnlc.core.models import user_or_null


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")


class AuditEntryQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )

    def naming(self, models_, field: str, value):
        """Entries about rows of `models_` whose `field` (an attname, such as "user_id")
        was `value` when they were made or deleted: a role's entries name its user then,
        and stay after the role is gone."""
        return self.filter(
            content_type__in=ContentType.objects.get_for_models(*models_).values()
        ).filter(
            models.Q(**{f"changes__{field}__0": value})
            | models.Q(**{f"changes__{field}__1": value})
        )


class AuditEntry(models.Model):
    """One change to an audited object. `changes` maps each changed field to
    `[before, after]` (before is null on create, after is null on delete)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = user_or_null()
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"
