"""News: posts (published announcements among them), the announcement drafts written
from the data, press contacts and logos, and the e-mail subscribers with what they were
sent."""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from gnlc.cities.models import Cohort, Member, Region
from gnlc.core.ratelimit import may_mail
from gnlc.news import announcements, mail
from gnlc.news.enums import AnnouncementStatus, Language, SubscriberStatus
from gnlc.news.querysets import PostQuerySet, SubscriberQuerySet

# The news app's own paths: a post may not take them as its slug.
RESERVED_SLUGS = {"feed", "write", "press", "subscribe", "unsubscribe", "announcements"}


def unique_post_slug(title: str, exclude_pk=None) -> str:
    """A readable slug from the title, numbered when taken."""
    base = (slugify(title) or "news")[:200].strip("-")
    if base in RESERVED_SLUGS:
        base = f"{base}-news"
    taken = Post.objects.exclude(pk=exclude_pk)
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Post(models.Model):
    """A news item: Markdown (rendered sanitised), in one language, tagged with the
    regions and the thematic clusters it concerns (a cluster's page lists its published
    posts). A post without `published_at` is a draft only the secretariat
    sees; `publish` is the one way it goes out."""

    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=220, unique=True)
    body = models.TextField(help_text="Markdown.")
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.EN)
    regions = models.ManyToManyField(Region, blank=True, related_name="posts")
    # Named, not imported: the clusters app reads news (a cluster's page lists its
    # published posts), and news needs nothing of clusters but the table.
    clusters = models.ManyToManyField("clusters.Cluster", blank=True, related_name="posts")
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:post", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.published_at <= timezone.now()

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_post_slug(self.title, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @transaction.atomic
    def publish(self, *, by=None, base_url: str = "", at=None) -> None:
        """Publish this draft now (or dated `at`, an announcement's instant that has
        come) and, once the transaction commits, e-mail it to the confirmed subscribers
        who read its language. Refuses a post already published."""
        if self.published_at is not None:
            raise ValidationError(_("This post is already published."))
        self.published_at = at or timezone.now()
        self.save(update_fields=["published_at", "updated_at"])
        transaction.on_commit(lambda: self.deliver(base_url=base_url))

    def deliver(self, *, base_url: str = "") -> int:
        """E-mail this published post to every confirmed subscriber of its language who
        has not had it yet; returns how many were sent. Idempotent: a delivery is
        recorded with each message, and a subscriber never gets the same post twice."""

        if not self.is_published:
            return 0
        sent = 0
        pending = (
            Subscriber.objects.confirmed()
            .filter(language=self.language)
            .exclude(deliveries__post=self)
            .order_by("pk")
        )
        for subscriber in pending:
            # The row and the message stand or fall together: a failed send leaves no
            # row, so the next run tries again; the unique constraint stops a second one.
            with transaction.atomic():
                _delivery, created = Delivery.objects.get_or_create(
                    post=self, subscriber=subscriber
                )
                if created:
                    mail.send_post(self, subscriber, base_url=base_url)
                    sent += 1
        return sent


class Announcement(models.Model):
    """The announcement of a cohort in one language, written from the data
    (`gnlc.news.announcements`) and edited by the secretariat before it is published as
    a news post. `figures` are the data's figures when last computed ("refresh figures");
    `warnings` compares the text with them.

    The announcement of a call not published yet (`call` set, `cohort` empty: the cohort
    is not public) is written from a rehearsal of the call's publication
    (`Call.rehearse_publication`), and publishing it only schedules it: no news post
    exists until the call's instant, when `Call.materialise` sends it out with the cohort
    (`go_out_with`), dated that instant."""

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
    )
    call = models.ForeignKey(
        "admissions.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
    )
    language = models.CharField(max_length=5, choices=Language.choices)
    status = models.CharField(
        max_length=20, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT
    )
    title = models.CharField(max_length=300)
    date = models.DateField()
    lead = models.TextField()
    body = models.TextField(help_text="Markdown: a heading per region and a list of members.")
    closing = models.TextField()
    figures = models.JSONField(default=dict, editable=False)
    figures_computed_at = models.DateTimeField(null=True, editable=False)
    # Written again from the data when it went out, its text no longer stating the
    # figures of that instant (`go_out_with`): the page says so.
    rewritten_on_publication = models.BooleanField(default=False, editable=False)
    post = models.OneToOneField(
        Post, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcement"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-cohort", "language"]
        constraints = [
            # One per cohort and language; one per call and language (a call's
            # announcement keeps its call once the cohort is public, and a second call
            # of the same year announces its own members).
            models.UniqueConstraint(
                fields=["cohort", "language"],
                condition=models.Q(call__isnull=True),
                name="announcement_one_per_cohort_language",
            ),
            models.UniqueConstraint(
                fields=["call", "language"], name="announcement_one_per_call_language"
            ),
            models.CheckConstraint(
                condition=models.Q(cohort__isnull=False) | models.Q(call__isnull=False),
                name="announcement_of_a_cohort_or_call",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.language})"

    def get_absolute_url(self):
        return reverse("news:announcement", args=[self.pk])

    @property
    def year(self) -> int:
        """The cohort's year (the call's announcement year until the cohort is public)."""
        return self.cohort_id or self.call.announcement_date.year

    @property
    def waits_for_call(self) -> bool:
        """Whether this is the announcement of a call whose decisions are not public yet:
        publishing it schedules it with the call."""
        return self.call_id is not None and self.call.published_at is None

    @classmethod
    def draft_for(cls, cohort: Cohort, language: str, *, by=None) -> tuple["Announcement", bool]:
        """The cohort's announcement in `language`: the existing one, or a new draft
        written from the data. Returns (announcement, created)."""
        existing = cls.objects.filter(cohort=cohort, language=language).first()
        if existing:
            return existing, False
        announcement = cls(cohort=cohort, language=language, created_by=by)
        announcement.regenerate(save=False)
        announcement.save()
        return announcement, True

    @classmethod
    def draft_for_call(cls, call, language: str, *, by=None) -> tuple["Announcement", bool]:
        """The announcement in `language` of the cohort `call` publishes: the existing
        one, or a new draft written from a rehearsal of the call's publication (the
        cohort as it will be at the announcement). Returns (announcement, created).
        Refuses an award call or a call for practices (they make no cohort)."""
        if call.kind != "membership":
            raise ValidationError(_("Only a membership call makes a cohort to announce."))
        existing = cls.objects.filter(call=call, language=language).first()
        if existing:
            return existing, False
        announcement = cls(call=call, cohort=None, language=language, created_by=by)
        if call.published_at is not None:
            announcement.cohort = Cohort.objects.filter(year=call.announcement_date.year).first()
        announcement.regenerate(save=False)
        announcement.save()
        return announcement, True

    def _from_data(self, write):
        """`write(cohort)` on the cohort this announcement is about: the public one, or,
        while the call is not published, the one a rehearsal of its publication makes."""
        if self.cohort_id is not None:
            return write(self.cohort)
        return self.call.rehearse_publication(lambda publication: write(publication.cohort))

    @classmethod
    def follow_call_date(cls, call, old_day) -> None:
        """The call's announcement date moved from `old_day`: its announcements not out
        yet take the new date, in their date field and wherever their text states the
        old one (written as the language writes dates)."""
        for announcement in cls.objects.filter(call=call, post__isnull=True):
            with translation.override(announcement.language):
                old, new = (
                    announcements.long_date(old_day),
                    announcements.long_date(call.announcement_date),
                )
            announcement.date = call.announcement_date
            for part in ("title", "lead", "body", "closing"):
                setattr(announcement, part, getattr(announcement, part).replace(old, new))
            announcement.save()

    @classmethod
    def go_out_with(cls, call, cohort: Cohort, *, at) -> list[Post]:
        """Publish, as news posts dated `at` (the call's instant), the announcements
        scheduled with `call`, now that `cohort` is public: called by
        `Call.materialise`, in its transaction. Every announcement of the call not out yet
        takes the cohort and the figures of that moment (a draft stays a draft). A
        scheduled text that no longer states them (the data changed since it was
        prepared) is written again from the data, so a public post never states other
        figures than the directory, and `rewritten_on_publication` says so. E-mailed to
        subscribers on commit."""
        posts = []
        for announcement in cls.objects.filter(call=call, post__isnull=True):
            announcement.cohort, announcement.date = cohort, call.announcement_date
            announcement.figures = announcements.figures_for(cohort)
            announcement.figures_computed_at = timezone.now()
            scheduled = announcement.status == AnnouncementStatus.SCHEDULED
            if scheduled and announcement.warnings():
                announcement.regenerate(save=False)
                announcement.rewritten_on_publication = True
            announcement.save()
            if scheduled:
                posts.append(announcement.publish(published_at=at))
        return posts

    @property
    def parts(self) -> dict:
        return {
            "title": self.title,
            "lead": self.lead,
            "body": self.body,
            "closing": self.closing,
        }

    def regenerate(self, *, save: bool = True) -> None:
        """Write the whole text again from the data, discarding edits."""
        composed = self._from_data(lambda cohort: announcements.compose(cohort, self.language))
        self.title, self.date = composed.title, composed.date
        self.lead, self.body, self.closing = composed.lead, composed.body, composed.closing
        self.figures, self.figures_computed_at = composed.figures, timezone.now()
        if save:
            self.save()

    def refresh_figures(self) -> None:
        """Compute the figures again from the data, keeping the text as edited."""
        self.figures = self._from_data(announcements.figures_for)
        self.figures_computed_at = timezone.now()
        self.save(update_fields=["figures", "figures_computed_at", "updated_at"])

    def warnings(self) -> list[str]:
        """Where the text no longer states the figures last computed from the data."""
        return announcements.figure_warnings(self.parts, self.figures, self.language)

    def _format_args(self):
        return (self.title, self.date, self.lead, self.body, self.closing, self.language)

    def as_markdown(self) -> str:
        return announcements.as_markdown(*self._format_args())

    def as_text(self) -> str:
        return announcements.as_text(*self._format_args())

    def as_html(self) -> str:
        return announcements.as_html(*self._format_args())

    def post_body(self) -> str:
        """The news post's Markdown: the announcement without its title."""
        return f"{self.lead}\n\n{self.body}\n\n{self.closing}\n"

    def region_slugs(self) -> list[str]:
        return sorted(
            set(Member.objects.admitted_in(self.cohort).values_list("country__region", flat=True))
        )

    @transaction.atomic
    def publish(self, *, by=None, base_url: str = "", published_at=None) -> Post | None:
        """Publish the announcement as a news post (created the first time, brought up
        to date after later edits) and mark it published. A post already out is updated
        in place and not e-mailed again.

        The announcement of a call not published yet is only scheduled (returns None):
        it goes out with the cohort (`go_out_with`, which passes `published_at`, the
        call's instant). An announcement dated after today is refused: a post dated
        today must not announce what the data do not show yet."""
        if published_at is None and self.waits_for_call:
            self.status = AnnouncementStatus.SCHEDULED
            self.save(update_fields=["status", "updated_at"])
            return None
        if published_at is None and self.date > timezone.localdate():
            raise ValidationError(
                _("This announcement is dated %(day)s: it can be published from that day.")
                % {"day": self.date.isoformat()}
            )
        post = self.post or Post(created_by=by if getattr(by, "pk", None) else None)
        post.title, post.body, post.language = self.title, self.post_body(), self.language
        post.save()
        post.regions.set(self.region_slugs())
        self.post, self.status = post, AnnouncementStatus.PUBLISHED
        self.save(update_fields=["post", "status", "updated_at"])
        if post.published_at is None:
            post.publish(by=by, base_url=base_url, at=published_at)
        return post

    def unschedule(self) -> None:
        """Take a scheduled announcement back to a draft: it will not go out with the
        cohort."""
        if self.status == AnnouncementStatus.SCHEDULED:
            self.status = AnnouncementStatus.DRAFT
            self.save(update_fields=["status", "updated_at"])


class PressContact(models.Model):
    """Someone journalists may call or write to, listed on the press page."""

    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=50, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class MediaLogo(models.Model):
    """A logo in the media kit, uploaded by the secretariat. Logos are few and small
    (checked PNG, JPEG or WebP of at most 2 MB), so the image is kept in the database:
    it travels with its backups and needs no media server."""

    title = models.CharField(max_length=200)
    image = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=50, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:logo", args=[self.pk])


class Subscriber(models.Model):
    """An e-mail address that asked for the news in one language. It receives news only
    once confirmed (double opt-in) and until it unsubscribes; links carry signed tokens,
    so neither needs an account.

    One pending confirmation per address: the link names the moment it was sent
    (`confirmation_sent_at`), so only the latest one works, and another sign-up within
    `CONFIRM_RESEND_AFTER` of it sends nothing new (the page says the same as ever), so
    the form cannot be used to flood someone's inbox."""

    email = models.EmailField(unique=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.EN)
    status = models.CharField(
        max_length=20, choices=SubscriberStatus.choices, default=SubscriberStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    CONFIRM_SALT = "gnlc.news.confirm"
    UNSUBSCRIBE_SALT = "gnlc.news.unsubscribe"
    CONFIRM_MAX_AGE = 7 * 24 * 3600
    CONFIRM_RESEND_AFTER = dt.timedelta(hours=1)

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    def _sent_stamp(self) -> int | None:
        sent = self.confirmation_sent_at
        return int(sent.timestamp() * 1_000_000) if sent else None

    def confirm_token(self) -> str:
        """A signed token for the confirmation link, valid CONFIRM_MAX_AGE seconds and
        until another confirmation is sent."""
        return signing.TimestampSigner(salt=self.CONFIRM_SALT).sign_object(
            [self.pk, self.email, self._sent_stamp()]
        )

    def unsubscribe_token(self) -> str:
        """A signed token for the unsubscribe link. It never expires (a link in an old
        message must still work) and is the same for every message."""
        return signing.Signer(salt=self.UNSUBSCRIBE_SALT).sign_object([self.pk, self.email])

    @classmethod
    def _from_signed(cls, load, token: str) -> "Subscriber | None":
        try:
            pk, email = load(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls.objects.filter(pk=pk, email=email).first()

    @classmethod
    def from_confirm_token(cls, token: str) -> "Subscriber | None":
        """The subscriber a confirmation token names, or None for a bad or expired
        token (or an address that changed since)."""
        signer = signing.TimestampSigner(salt=cls.CONFIRM_SALT)
        try:
            pk, email, sent = signer.unsign_object(token, max_age=cls.CONFIRM_MAX_AGE)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        subscriber = cls.objects.filter(pk=pk, email=email).first()
        if subscriber is None or subscriber._sent_stamp() != sent:
            return None  # an older link: a newer one was sent since
        return subscriber

    @classmethod
    def from_unsubscribe_token(cls, token: str) -> "Subscriber | None":
        """The subscriber an unsubscribe token names, or None for a bad token."""
        return cls._from_signed(signing.Signer(salt=cls.UNSUBSCRIBE_SALT).unsign_object, token)

    @classmethod
    @transaction.atomic
    def subscribe(cls, email: str, language: str, *, base_url: str = "") -> "Subscriber":
        """Record the request and, on commit, e-mail a confirmation link, unless the
        address is confirmed already, or a link was sent to it less than
        `CONFIRM_RESEND_AFTER` ago (that one still works), or it had its share of mail
        (`may_mail`). Then nothing changes and nothing is sent; the person asking is
        told the same either way, so nothing says whether the address was known."""

        subscriber, _created = cls.objects.get_or_create(
            email=email.strip().lower(), defaults={"language": language}
        )
        # Locked (on PostgreSQL) so that two sign-ups at once send one message.
        subscriber = cls.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == SubscriberStatus.CONFIRMED:
            return subscriber
        now, sent = timezone.now(), subscriber.confirmation_sent_at
        if (
            subscriber.status == SubscriberStatus.PENDING
            and sent is not None
            and now - sent < cls.CONFIRM_RESEND_AFTER
        ):
            return subscriber
        if not may_mail(subscriber.email):
            return subscriber
        subscriber.language, subscriber.status = language, SubscriberStatus.PENDING
        subscriber.confirmation_sent_at = now
        subscriber.save(update_fields=["language", "status", "confirmation_sent_at"])
        transaction.on_commit(lambda: mail.send_confirmation(subscriber, base_url=base_url))
        return subscriber

    def confirm(self) -> None:
        """The owner followed the confirmation link: news will be sent from now on."""
        if self.status != SubscriberStatus.CONFIRMED:
            self.status, self.confirmed_at = SubscriberStatus.CONFIRMED, timezone.now()
            self.save(update_fields=["status", "confirmed_at"])

    def unsubscribe(self) -> None:
        """Stop sending news to this address (idempotent)."""
        if self.status != SubscriberStatus.UNSUBSCRIBED:
            self.status, self.unsubscribed_at = SubscriberStatus.UNSUBSCRIBED, timezone.now()
            self.save(update_fields=["status", "unsubscribed_at"])


class Delivery(models.Model):
    """One post e-mailed to one subscriber: the record that keeps sending idempotent."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["post", "subscriber"], name="delivery_once_per_post")
        ]

    def __str__(self):
        return f"{self.post} -> {self.subscriber}"
