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
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.cities.models import Region
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
    # The UNESCO region it is held in or meant for; empty for the whole network.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=gettext_lazy("region"),
        help_text=gettext_lazy("Leave empty for an event of the whole network."),
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
    # After the event, its materials: the slides and report, uploaded by its organisers as
    # documents of the library (public, searched with the rest), and a recording's link.
    materials = models.ManyToManyField(
        "library.Document",
        blank=True,
        related_name="events",
        verbose_name=gettext_lazy("materials"),
    )
    recording_url = models.URLField(gettext_lazy("recording"), max_length=500, blank=True)

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
        return self._take_place(
            lambda theirs: theirs.filter(user=user),
            _("You are already registered for this event."),
            user=user,
        )

    def register_guest(self, name: str, email: str, language: str = "") -> "Registration":
        """Register someone without an account, once they confirmed their address (the
        link `guest_token` makes): the place is taken now, with the same lock as
        `register`. An address already registered (as a guest or by an account) is
        refused."""
        email = email.strip().lower()
        return self._take_place(
            lambda theirs: theirs.filter(
                models.Q(email__iexact=email) | models.Q(user__email__iexact=email)
            ),
            _("This address is already registered for this event."),
            name=name.strip(),
            email=email,
            language=language,
        )

    def _take_place(self, already, refusal: str, **person) -> "Registration":
        db = self._state.db  # see `Registration.cancel` on the explicit database
        with transaction.atomic(using=db):
            event = Event.objects.using(db).select_for_update().get(pk=self.pk)
            if not event.registration_open():
                raise ValidationError(_("Registration for this event is closed."))
            theirs = Registration.objects.using(db).filter(event=event)
            if already(theirs.active()).exists():
                raise ValidationError(refusal)
            full = event.capacity is not None and theirs.confirmed().count() >= event.capacity
            return Registration.objects.using(db).create(
                event=event,
                status=RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED,
                **person,
            )

    # Registration by e-mail: the confirmation link carries what the form was sent, so
    # nothing is kept (and no place taken) before the address is confirmed.
    GUEST_SALT = "gnlc.events.guest-registration"
    GUEST_MAX_AGE = 7 * 24 * 3600

    def guest_token(self, name: str, email: str, language: str) -> str:
        return signing.dumps(
            {"event": self.pk, "name": name, "email": email.strip().lower(), "lang": language},
            salt=self.GUEST_SALT,
        )

    def read_guest_token(self, token: str) -> dict | None:
        """What `guest_token` signed for this event, None where the link is forged, for
        another event or older than a week."""
        try:
            data = signing.loads(token, salt=self.GUEST_SALT, max_age=self.GUEST_MAX_AGE)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict) or data.get("event") != self.pk:
            return None
        return data


class Registration(models.Model):
    """A person's place at an event, or their place on its waiting list: a user's, or
    (for a public event) a guest's without an account, known by name and e-mail address."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="event_registrations",
    )
    # A guest's (no account): the name and confirmed address, and the language they wrote in.
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=20, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the reminder before the event was queued (`gnlc send-event-reminders`): once.
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~models.Q(status="cancelled"),
                name="one_active_registration_per_person",
            ),
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=models.Q(user__isnull=True) & ~models.Q(status="cancelled"),
                name="one_active_guest_registration_per_address",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(email=""),
                name="registration_has_a_user_or_an_address",
            ),
        ]

    def __str__(self):
        return f"{self.person_name} at {self.event}: {self.status}"

    @property
    def person_name(self) -> str:
        return self.user.full_name if self.user_id else self.name

    @property
    def person_email(self) -> str:
        return self.user.email if self.user_id else self.email

    @property
    def recipient(self):
        """Whom mail about this registration goes to: the user, or the guest (this row,
        with its `email` and `language`)."""
        return self.user if self.user_id else self

    CANCEL_SALT = "gnlc.events.guest-cancel"

    def cancel_token(self) -> str:
        """The guest's link to cancel (no account to log in with)."""
        return signing.Signer(salt=self.CANCEL_SALT).sign_object([self.pk, self.email])

    @classmethod
    def from_cancel_token(cls, token: str, event) -> "Registration | None":
        try:
            pk, email = signing.Signer(salt=cls.CANCEL_SALT).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls.objects.filter(event=event, pk=pk, email=email, user=None).first()

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
