"""Events of the network: the International Conference on Learning Cities, cluster
meetings, webinars and trainings, published by the secretariat or a cluster's
coordinating city, with a capacity, a waiting list and a registration deadline.

Times are instants (stored in UTC) with the time zone the event is set in (`time_zone`,
an IANA name): pages show them in that zone and, by a small script, in the visitor's.

Registering and cancelling lock the event's row (`select_for_update`) for their
transaction, so the places counted are the places taken: never more confirmed
registrations than the capacity, and a freed place goes to the first on the waiting
list in the same transaction."""

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.clusters.models import Cluster
from gnlc.events.enums import Audience, EventKind, RegistrationStatus
from gnlc.events.mail import send_promoted
from gnlc.events.querysets import EventQuerySet, RegistrationQuerySet


class Event(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(gettext_lazy("title"), max_length=200)
    kind = models.CharField(gettext_lazy("type"), max_length=20, choices=EventKind.choices)
    description = models.TextField(
        gettext_lazy("description"), blank=True, help_text=gettext_lazy("Markdown.")
    )
    # The cluster that organises it (its coordinating cities manage it), if any.
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=gettext_lazy("cluster"),
    )
    starts_at = models.DateTimeField(gettext_lazy("starts"))
    ends_at = models.DateTimeField(gettext_lazy("ends"))
    time_zone = models.CharField(gettext_lazy("time zone"), max_length=64, default="UTC")
    online = models.BooleanField(gettext_lazy("online"), default=False)
    place = models.CharField(gettext_lazy("place"), max_length=300, blank=True)
    languages = models.JSONField(gettext_lazy("languages"), default=list, blank=True)
    audience = models.CharField(
        gettext_lazy("who may register"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.PUBLIC,
    )
    capacity = models.PositiveIntegerField(
        gettext_lazy("places"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Leave empty for no limit."),
    )
    registration_deadline = models.DateTimeField(
        gettext_lazy("registration deadline"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["ends_at", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:detail", args=[self.slug])

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> dt.datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.ends_at.astimezone(self.zone)

    @property
    def local_deadline(self) -> dt.datetime | None:
        if self.registration_deadline is None:
            return None
        return self.registration_deadline.astimezone(self.zone)

    @property
    def language_names(self) -> list[str]:
        names = dict(settings.LANGUAGES)
        return [str(names.get(code, code)) for code in self.languages]

    def registration_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        deadline = self.registration_deadline or self.starts_at
        return now < deadline and now < self.ends_at

    def register(self, user) -> "Registration":
        """Register `user`: confirmed while places remain, else on the waiting list. The
        event's row is locked first, so two registrations at once count each other."""
        db = self._state.db  # see `Registration.cancel` on the explicit database
        with transaction.atomic(using=db):
            event = Event.objects.using(db).select_for_update().get(pk=self.pk)
            if not event.registration_open():
                raise ValidationError(_("Registration for this event is closed."))
            theirs = Registration.objects.using(db).filter(event=event)
            if theirs.active().filter(user=user).exists():
                raise ValidationError(_("You are already registered for this event."))
            full = event.capacity is not None and theirs.confirmed().count() >= event.capacity
            return Registration.objects.using(db).create(
                event=event,
                user=user,
                status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
            )


class Registration(models.Model):
    """A person's place at an event, or their place on its waiting list."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~models.Q(status="cancelled"),
                name="one_active_registration_per_person",
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.event}: {self.status}"

    def cancel(self) -> "Registration | None":
        """Cancel this registration. A freed place goes to the first on the waiting list,
        in the same transaction (the event's row locked), and they are told by e-mail
        once it is committed. Returns the promoted registration, if any.

        Every query names the object's database: the router sends unqualified writes to
        the primary, and the concurrency test runs on a SQLite file of its own."""
        db = self._state.db
        with transaction.atomic(using=db):
            event = Event.objects.using(db).select_for_update().get(pk=self.event_id)
            theirs = Registration.objects.using(db).filter(event=event)
            current = theirs.get(pk=self.pk)
            if current.status == RegistrationStatus.CANCELLED:
                raise ValidationError(_("This registration was already cancelled."))
            self.status, self.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
            self.save(using=db, update_fields=["status", "cancelled_at"])
            if current.status != RegistrationStatus.CONFIRMED:
                return None
            if event.capacity is not None and theirs.confirmed().count() >= event.capacity:
                return None  # the capacity was lowered meanwhile: no place for the next one
            promoted = theirs.waiting().select_related("user", "event").first()
            if promoted is None:
                return None
            promoted.status, promoted.promoted_at = RegistrationStatus.CONFIRMED, timezone.now()
            promoted.save(using=db, update_fields=["status", "promoted_at"])
            transaction.on_commit(lambda: send_promoted(promoted), using=db)
            return promoted
