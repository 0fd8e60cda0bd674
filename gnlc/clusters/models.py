"""Thematic clusters: the network's key issues (the library's themes), each with its
coordinating cities, named by the secretariat, and its member cities, whose every stay
is kept (`ClusterMembership`), so the cluster's members on any past day have one answer
(`ClusterMembership.objects.as_of`)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.cities.models import Member
from gnlc.clusters.enums import MAX_COORDINATING_CITIES, MembershipStatus
from gnlc.clusters.querysets import ClusterMembershipQuerySet, ClusterQuerySet
from gnlc.core.storage import get_private_storage
from gnlc.core.uploads import EXTENSIONS
from gnlc.library.models import Theme


class Cluster(models.Model):
    """One of the library's themes as a group of cities working on it. The theme is its
    name (one list, kept by the secretariat, shared with the library)."""

    theme = models.OneToOneField(
        Theme, on_delete=models.PROTECT, related_name="cluster", verbose_name=gettext_lazy("theme")
    )
    purpose = models.TextField(
        gettext_lazy("purpose"), blank=True, help_text=gettext_lazy("Markdown.")
    )
    coordinating_cities = models.ManyToManyField(
        Member,
        related_name="coordinated_clusters",
        blank=True,
        verbose_name=gettext_lazy("coordinating cities"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        ordering = ["theme__order", "theme__name"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.theme.label

    @property
    def slug(self) -> str:
        return self.theme.slug

    def get_absolute_url(self):
        return reverse("clusters:detail", args=[self.slug])

    def members_on(self, day: dt.date | None = None):
        """The member cities in the cluster on `day` (today without one)."""
        stays = self.memberships.as_of(day).values("member")
        return Member.objects.filter(pk__in=stays).select_related("country").order_by("name")

    @transaction.atomic
    def name_coordinating_cities(self, members, *, by) -> None:
        """The secretariat names the one or two coordinating cities; each is made a member
        of the cluster from today if it is not one already."""
        members = list(members)
        if not 1 <= len(members) <= MAX_COORDINATING_CITIES:
            raise ValidationError(_("Name one or two coordinating cities."))
        self.coordinating_cities.set(members)
        for member in members:
            if not self.memberships.open().filter(member=member).exists():
                ClusterMembership.objects.create(
                    cluster=self,
                    member=member,
                    status=MembershipStatus.APPROVED,
                    requested_by=by,
                    decided_by=by,
                    decided_at=timezone.now(),
                    joined_on=timezone.localdate(),
                )


class ClusterMembership(models.Model):
    """One stay of a member city in a cluster: asked for by one of its coordinators,
    approved (from `joined_on`) or refused by the cluster's coordinating city or the
    secretariat, and ended when the city leaves (`left_on`). Rows are never deleted."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="cluster_memberships")
    status = models.CharField(
        max_length=20, choices=MembershipStatus.choices, default=MembershipStatus.REQUESTED
    )
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)

    objects = ClusterMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "member__name", "requested_at"]
        constraints = [
            # At most one stay asked for or running per city and cluster.
            models.UniqueConstraint(
                fields=["cluster", "member"],
                condition=models.Q(status__in=["requested", "approved"]),
                name="one_open_stay_per_cluster",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(joined_on__isnull=False, left_on__gt=models.F("joined_on")),
                name="cluster_stay_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.member} in {self.cluster}: {self.status}"

    @classmethod
    @transaction.atomic
    def request(cls, cluster: Cluster, member: Member, *, by) -> "ClusterMembership":
        """A coordinator asks for their city to join."""
        if cluster.memberships.open().filter(member=member).exists():
            raise ValidationError(_("This city is already in the cluster or has asked to join."))
        return cls.objects.create(cluster=cluster, member=member, requested_by=by)

    @transaction.atomic
    def decide(self, to: MembershipStatus, *, by) -> None:
        """The one way a stay changes: a request approved (the city is in from today)
        or refused, or a running stay ended (the city is out from tomorrow: it was in
        on the day it left)."""
        allowed = {
            MembershipStatus.REQUESTED: {MembershipStatus.APPROVED, MembershipStatus.REFUSED},
            MembershipStatus.APPROVED: {MembershipStatus.LEFT},
        }
        if to not in allowed.get(self.status, ()):
            raise ValidationError(_("This change is no longer possible."))
        today = timezone.localdate()
        if to == MembershipStatus.APPROVED:
            self.joined_on = today
        elif to == MembershipStatus.LEFT:
            if self.member_id in {m.pk for m in self.cluster.coordinating_cities.all()}:
                raise ValidationError(
                    _("A coordinating city cannot leave; the secretariat names another first.")
                )
            self.left_on = today + dt.timedelta(days=1)
        self.status = to
        self.decided_by = by
        self.decided_at = timezone.now()
        self.save()


class ClusterItem(models.Model):
    """What a cluster's cities post on their members' page (announcements, shared
    documents): a title in one cluster, who posted it and when, newest first. Abstract:
    each kind keeps its own table."""

    # "%(class)ss" keeps the reverse name each kind had before the base existed
    # (`cluster.announcements`); `SharedDocument` names its own (`cluster.documents`).
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="%(class)ss")
    title = models.CharField(gettext_lazy("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class Announcement(ClusterItem):
    """A message to the cluster's cities on their members' page, by one of its
    coordinating cities' coordinators or the secretariat. Never public."""

    body = models.TextField(gettext_lazy("text"), help_text=gettext_lazy("Markdown."))


class SharedDocument(ClusterItem):
    """A file the cluster's cities share on their members' page: a PDF or an image,
    checked as the library's attachments are (`gnlc.core.uploads`, the library's kinds
    and size). Kept in private storage and served only to the cluster's cities and the
    secretariat (`clusters.view_document`); never public. Its `author` shared it."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(storage=get_private_storage, upload_to="clusters/documents/")
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField(default=0)

    def get_absolute_url(self):
        return reverse("clusters:document", args=[self.cluster.slug, self.pk])

    @property
    def download_name(self) -> str:
        """The file's name when downloaded: the title's words, the checked kind's
        extension (never the name it was uploaded with)."""
        return f"{slugify(self.title)[:60] or 'document'}.{EXTENSIONS.get(self.kind, 'bin')}"

    @transaction.atomic
    def remove(self) -> None:
        """Delete the row, and its file once the deletion is committed (a rolled-back
        deletion keeps both)."""
        name, storage = self.file.name, self.file.storage
        self.delete()
        transaction.on_commit(lambda: storage.delete(name))
