"""Writes an audit entry for every create, update and delete of the audited models.

Registered in AppConfig.ready for the models listed in AUDITED; the before-state is read
in pre_save (one query per save), so a bulk `update()` bypasses the log by design and no
code path of ours uses it on audited models. Rows made with `bulk_create` (which sends no
signals) are logged by calling `log_created` with them."""

import datetime as dt
import decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from gnlc.audit.context import current_actor
from gnlc.audit.models import Action, AuditEntry

AUDITED = [
    "cities.Member",
    "cities.MembershipEvent",
    "cities.Cohort",
    *("accounts.User", "accounts.Role", "accounts.Invitation"),
    "admissions.Call",
    "admissions.Application",
    "admissions.Conflict",
    "admissions.Review",
    "admissions.JurorProfile",
    "admissions.JurorProfileChange",
    "admissions.AwardWin",
    "news.Post",
    "news.Announcement",
    "news.PressContact",
    *("library.Practice", "library.Theme", "library.Document", "library.PracticeAttachment"),
    *(
        "reporting.FrameworkVersion",
        "reporting.Group",
        "reporting.Area",
        "reporting.Feature",
        "reporting.ReportingPeriod",
        "reporting.Report",
        "reporting.Attachment",
        "reporting.LifecyclePolicy",
    ),
]
# Timestamps, and derived copies (search text) that would make every entry large; a
# user's password hash (a secret, never copied into the log) and last log-in (a log-in
# is not a change to the account).
_IGNORED_FIELDS = {
    *("updated_at", "created_at"),
    *("password", "last_login"),
    *("search_text", "plain_text", "search_tags", "facet_terms"),
}


def _plain(value):
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    return value


def snapshot(instance) -> dict:
    return {
        field.attname: _plain(getattr(instance, field.attname))
        for field in instance._meta.concrete_fields
        if field.attname not in _IGNORED_FIELDS
    }


def _entry(instance, action, changes, *, content_type=None) -> AuditEntry:
    """An unsaved entry for `instance`, by whoever acts in this request or command."""
    actor, label = current_actor()
    return AuditEntry(
        actor=actor,
        actor_label=label or (actor.email if actor else ""),
        action=action,
        content_type=content_type or ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
    )


def _write(instance, action, changes):
    _entry(instance, action, changes).save()


def log_created(instances) -> None:
    """CREATE entries for rows made by `bulk_create` (with their ids), in one insert."""
    instances = list(instances)
    if not instances:
        return
    content_type = ContentType.objects.get_for_model(instances[0])
    AuditEntry.objects.bulk_create(
        [
            _entry(
                instance,
                Action.CREATE,
                {k: [None, v] for k, v in snapshot(instance).items()},
                content_type=content_type,
            )
            for instance in instances
        ],
        batch_size=500,
    )


def remember_before(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None or instance._state.adding:
        instance._audit_before = None
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old else None


def log_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        _write(instance, Action.CREATE, {k: [None, v] for k, v in after.items()})
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:
        _write(instance, Action.UPDATE, changes)


def log_delete(sender, instance, **kwargs):
    _write(instance, Action.DELETE, {k: [v, None] for k, v in snapshot(instance).items()})


def connect(apps):
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"audit-{label}"
        pre_save.connect(remember_before, sender=model, dispatch_uid=uid)
        post_save.connect(log_save, sender=model, dispatch_uid=uid)
        post_delete.connect(log_delete, sender=model, dispatch_uid=uid)
