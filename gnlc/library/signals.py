"""Keeping the search index current where Django gives no save() to hook: changes to a
practice's themes, goals and cities (many-to-many), and the full-text schema after each
`migrate` (SQLite drops a table's triggers when Django rebuilds the table)."""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from gnlc.library.models import LibraryRevision, Practice, Theme
from gnlc.library.search import ensure_index


def reindex_practices(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        instance._library_cleared = list(instance.practices.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return

    if not reverse:
        instance.reindex()
        return
    # From the other side (member.practices.add(...)): the practices named, or on clear
    # those it had (Django gives no pk_set then, so pre_clear remembers them).
    ids = pk_set if action != "post_clear" else getattr(instance, "_library_cleared", [])
    for practice in Practice.objects.filter(pk__in=ids or []):
        practice.reindex()


def bump_revision(sender, **kwargs):
    """A practice deleted or a theme changed: cached searches are recomputed."""

    LibraryRevision.bump()


def ensure_search_index(sender, using, **kwargs):
    ensure_index(connections[using])


def connect(config):
    for field in ("members", "themes", "sdgs"):
        through = getattr(Practice, field).through
        m2m_changed.connect(reindex_practices, sender=through, dispatch_uid=f"library-{field}")
    post_delete.connect(bump_revision, sender=Practice, dispatch_uid="library-revision-practice")
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(bump_revision, sender=Theme, dispatch_uid=f"library-revision-{name}")
    post_migrate.connect(ensure_search_index, sender=config, dispatch_uid="library-search")
