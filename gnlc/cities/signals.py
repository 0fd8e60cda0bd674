"""Keep derived state right: a member's stored status when one of its events is deleted
(admin), the data revision that cached figures key on, after any change, and the name
search index after each `migrate` (SQLite drops triggers when Django rebuilds a table)."""

from django.apps import apps
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from gnlc.cities import search
from gnlc.cities.models import (
    Cohort,
    Country,
    DataRevision,
    Member,
    MembershipEvent,
    NetworkTotal,
)


@receiver(post_delete, sender=MembershipEvent, dispatch_uid="cities-event-deleted")
def refresh_member_status(sender, instance, **kwargs):
    member = Member.objects.filter(pk=instance.member_id).first()
    if member is not None:  # None when the member itself is being deleted
        member.refresh_from_events()


def bump_revision(sender, raw=False, **kwargs):
    if not raw:
        DataRevision.bump()


for model in (Member, MembershipEvent, Cohort, Country, NetworkTotal):
    post_save.connect(bump_revision, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
    post_delete.connect(
        bump_revision, sender=model, dispatch_uid=f"revision-delete-{model.__name__}"
    )

post_migrate.connect(
    search.ensure_index, sender=apps.get_app_config("cities"), dispatch_uid="cities-search"
)
