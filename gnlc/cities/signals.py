"""Keep a member's stored status right when one of its events is deleted (admin)."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from gnlc.cities.models import Member, MembershipEvent


@receiver(post_delete, sender=MembershipEvent, dispatch_uid="cities-event-deleted")
def refresh_member_status(sender, instance, **kwargs):
    member = Member.objects.filter(pk=instance.member_id).first()
    if member is not None:  # None when the member itself is being deleted
        member.refresh_from_events()
