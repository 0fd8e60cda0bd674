"""Members of the network, the countries and regions they belong to, the cohorts they
were admitted in, and the membership events their status is derived from."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.cities.enums import (
    ALLOWED_EVENTS,
    STATUS_AFTER,
    DatePrecision,
    EventKind,
    MemberKind,
    Status,
    SuggestionKind,
    SuggestionStatus,
)
from gnlc.cities.mail import send_suggestion_outcome
from gnlc.cities.names import country_name
from gnlc.cities.querysets import MemberQuerySet, MembershipEventQuerySet
from gnlc.core.cache import memoised
from gnlc.core.models import Revision, user_or_null
from gnlc.core.text import fold

# A BCP 47 language tag, loosely: a language subtag and optional script/region/variant
# subtags ("ar", "zh-Hant", "sr-Latn-RS"); enough to catch a name typed in its place.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")

# The five UNESCO regions' names in the active language (the rows come from reference.py).
REGION_LABELS = {
    "africa": gettext_lazy("Africa"),
    "arab-states": gettext_lazy("Arab States"),
    "asia-and-the-pacific": gettext_lazy("Asia and the Pacific"),
    "europe-and-north-america": gettext_lazy("Europe and North America"),
    "latin-america-and-the-caribbean": gettext_lazy("Latin America and the Caribbean"),
}


class Region(models.Model):
    """A UNESCO region. Five rows, fixed by a migration, in UNESCO's order."""

    slug = models.SlugField(primary_key=True, max_length=40)
    name = models.CharField(max_length=60, unique=True)
    order = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return str(self.label)

    @property
    def label(self):
        """The region's name in the active language."""
        return REGION_LABELS.get(self.slug, self.name)

    def get_absolute_url(self):
        return reverse("cities:region", args=[self.slug])


class Country(models.Model):
    """A country the network can draw members from, named as the UN writes it in English
    ("Republic of Korea"), with its UNESCO region."""

    iso2 = models.CharField(primary_key=True, max_length=2)
    iso3 = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=100, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The country's UN short name in the active language (gnlc/cities/names.py)."""
        return country_name(self.iso2, self.name)

    def name_in(self, language: str) -> str:
        """The country's UN short name in `language` (a press release's)."""
        return country_name(self.iso2, self.name, language)

    def get_absolute_url(self):
        return reverse("cities:country", args=[self.iso2.lower()])


class Cohort(models.Model):
    """The members admitted in one year's admission round. Where the announcement's date
    is unknown only the year is, and admissions count from the end of that year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    announced_on = models.DateField(null=True, blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    # What the announcement itself said ("77 new members from 44 countries"), where it
    # said it: pages compare it with the rows we hold, to show how complete the data are.
    announced_members = models.PositiveSmallIntegerField(null=True, blank=True)
    announced_countries = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["year"]

    def __str__(self):
        return str(self.year)

    @property
    def effective_on(self) -> dt.date:
        return self.announced_on or dt.date(self.year, 12, 31)

    @classmethod
    def by_year(cls) -> dict[int, "Cohort"]:
        """{year: cohort} of every cohort, kept in the process for the data revision (a
        change to a cohort bumps it: `cache.memoised`), so that a page naming one (the
        directory's announcement line) reads it without a query. To read, not to change:
        every request of the process shares them."""
        return memoised(["cohorts"], lambda: {cohort.year: cohort for cohort in cls.objects.all()})

    def get_absolute_url(self):
        return reverse("cities:directory") + f"?cohort={self.year}"


def unique_member_slug(name: str, country_code: str, exclude_pk=None) -> str:
    """A readable slug: the name, then name-country, then a number, whichever is free."""
    base = slugify(name) or "member"
    candidates = [base, f"{base}-{country_code.lower()}"]
    taken = Member.objects.exclude(pk=exclude_pk)
    for candidate in candidates:
        if not taken.filter(slug=candidate).exists():
            return candidate
    n = 2
    while taken.filter(slug=f"{candidates[1]}-{n}").exists():
        n += 1
    return f"{candidates[1]}-{n}"


class Member(models.Model):
    """A city or other local authority that is, was or is becoming a member.

    `status` and `cohort` are derived from the member's events and stored only so that
    lists and facets stay one query at any size; `refresh_from_events` is the only
    writer, and `MembershipEvent` calls it on every change."""

    name = models.CharField(max_length=200)
    # The name in the city's own script ("東京", "القاهرة"), shown beside `name`, with the
    # BCP 47 tag of its language so that browsers and screen readers pronounce it right.
    local_name = models.CharField(
        gettext_lazy("name in the local script"), max_length=200, blank=True
    )
    local_name_lang = models.CharField(
        gettext_lazy("language of the local name"),
        max_length=35,
        blank=True,
        validators=[
            RegexValidator(
                LANGUAGE_TAG,
                gettext_lazy('A BCP 47 language tag, such as "ar", "zh-Hant" or "ko".'),
            )
        ],
        help_text=gettext_lazy('BCP 47 language tag, such as "ar", "zh-Hant" or "ko".'),
    )
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(max_length=20, choices=MemberKind.choices, default=MemberKind.CITY)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="members")
    subdivision = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Where the coordinates come from: "geonames:<id>", "places.csv" (gnlc's own mapping,
    # gnlc/cities/data/places.csv), "import" (an import file's columns), "profile" (set
    # by a person on the member's profile), or "" where unknown.
    coordinates_source = models.CharField(max_length=40, blank=True, editable=False)
    population = models.PositiveBigIntegerField(null=True, blank=True)
    website = models.URLField(max_length=500, blank=True)
    mayor = models.CharField(max_length=200, blank=True)
    profile = models.TextField(blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    # Folded (lower-case, no accents) names and subdivision, for accent-insensitive search.
    search_text = models.CharField(max_length=620, editable=False, db_index=True)

    # None: never admitted (an applicant), which is not the same as an empty status.
    status = models.CharField(  # noqa: DJ001
        max_length=20,
        choices=Status.choices,
        null=True,
        blank=True,
        editable=False,
        db_index=True,
    )
    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="members",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="member_unique_name_country")
        ]
        # Covers the directory's facets (country, status, cohort) without reading rows.
        indexes = [
            models.Index(
                fields=["country", "status", "cohort"], name="member_country_status_cohort"
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("cities:member", args=[self.slug])

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def coordinates_origin(self) -> dict | None:
        """{"kind": "geonames" | "places" | "import" | "profile", "url"}: where the
        coordinates come from, for the page's sources; None where unknown."""
        source = self.coordinates_source
        if not source or not self.has_coordinates:
            return None
        if source.startswith("geonames:"):
            return {
                "kind": "geonames",
                "url": f"https://www.geonames.org/{source.removeprefix('geonames:')}",
            }
        return {"kind": {"places.csv": "places"}.get(source, source), "url": ""}

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.name} {self.local_name} {self.subdivision}")
        if not self.slug:
            self.slug = unique_member_slug(self.name, self.country_id or "", exclude_pk=self.pk)
        super().save(*args, **kwargs)

    def status_on(self, as_of: dt.date | None = None) -> Status | None:
        """This member's status on `as_of` (today by default), from its events."""
        as_of = as_of or timezone.localdate()
        last = self.events.effective_by(as_of).order_by("-effective_on", "-id").first()
        return STATUS_AFTER[EventKind(last.kind)] if last else None

    def refresh_from_events(self) -> None:
        """Recompute the stored status (as of today) and cohort (of the first admission)."""
        first_admission = (
            self.events.filter(kind=EventKind.ADMITTED).order_by("effective_on", "id").first()
        )
        status = self.status_on()
        cohort_id = first_admission.cohort_id if first_admission else None
        if (status, cohort_id) != (self.status, self.cohort_id):
            self.status, self.cohort_id = status, cohort_id
            self.save(update_fields=["status", "cohort", "updated_at"])

    @transaction.atomic
    def record_event(
        self,
        kind: EventKind,
        *,
        on: dt.date | None = None,
        year: int | None = None,
        cohort: Cohort | None = None,
        note: str = "",
        source_url: str = "",
        by=None,
    ) -> "MembershipEvent":
        """The one way a membership changes: admit, suspend, reinstate or withdraw, or
        record that a source proves it a member by a day (`ON_RECORD`, no cohort).

        `on` is the event's date; where only the year is known give `year` (the event then
        takes effect on 31 December of it). An admission into a cohort defaults to the
        cohort's announcement date. Refuses a move the member's status at that date does
        not allow (suspending a withdrawn member, admitting an active one)."""
        kind = EventKind(kind)
        if kind == EventKind.ADMITTED and cohort is not None and on is None and year is None:
            on = cohort.announced_on
            year = cohort.year
        if on is None and year is None:
            raise ValidationError(_("An event needs a date or at least a year."))
        event = MembershipEvent(
            member=self,
            kind=kind,
            date=on,
            year=on.year if on else year,
            cohort=cohort,
            note=note,
            source_url=source_url,
            created_by=by if getattr(by, "pk", None) else None,
        )
        event.compute_effective_on()
        # A member known only to have been a member by some day may still be given the
        # admission (with its cohort) a later source names: the on-record fact does not
        # stand in the way, and stays in the history beside it.
        facts = self.events.all()
        if kind == EventKind.ADMITTED:
            facts = facts.exclude(kind=EventKind.ON_RECORD)
        last = facts.effective_by(event.effective_on).order_by("-effective_on", "-id").first()
        current = STATUS_AFTER[EventKind(last.kind)] if last else None
        later = facts.filter(effective_on__gt=event.effective_on).exists()
        if kind == EventKind.ON_RECORD:
            # Evidence, not a move: a source proving membership by a day agrees with an
            # active member, and whatever followed stays (one such fact per member).
            allowed = current in (None, Status.ACTIVE) and not self.events.filter(
                kind=EventKind.ON_RECORD
            )
        else:
            allowed = kind in ALLOWED_EVENTS[current] and not later
        if not allowed:
            raise ValidationError(
                _("%(member)s cannot be %(kind)s on %(date)s: its status then is %(status)s.")
                % {
                    "member": self.name,
                    "kind": kind.label.lower(),
                    "date": event.display_date,
                    "status": Status(current).label.lower() if current else _("not a member"),
                }
            )
        event.full_clean()
        event.save()
        self.refresh_from_events()
        return event


class MembershipEvent(models.Model):
    """One dated change of a member's membership: admitted (with its cohort), suspended,
    reinstated or withdrawn. Status on any date is the latest event taken effect by then."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    date = models.DateField(null=True, blank=True, help_text="Empty where only the year is known.")
    year = models.PositiveSmallIntegerField()
    effective_on = models.DateField(editable=False)
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    note = models.TextField(blank=True)
    source_url = models.URLField(max_length=500, blank=True)
    created_by = user_or_null()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipEventQuerySet.as_manager()

    class Meta:
        ordering = ["effective_on", "id"]
        indexes = [models.Index(fields=["member", "effective_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="admitted", cohort__isnull=False)
                | ~models.Q(kind="admitted"),
                name="event_admission_has_cohort",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="on_record", cohort__isnull=True, date__isnull=False)
                | ~models.Q(kind="on_record"),
                name="event_on_record_has_day_not_cohort",
            ),
        ]

    def __str__(self):
        return f"{self.member}: {self.get_kind_display()} {self.display_date}"

    @property
    def precision(self) -> DatePrecision:
        return DatePrecision.DAY if self.date else DatePrecision.YEAR

    @property
    def display_date(self) -> str:
        return self.date.isoformat() if self.date else str(self.year)

    def compute_effective_on(self) -> None:
        self.effective_on = self.date or dt.date(self.year, 12, 31)

    def clean(self):
        if self.date and self.date.year != self.year:
            raise ValidationError({"year": _("The year must be the date's year.")})
        if self.kind == EventKind.ADMITTED and self.cohort_id is None:
            raise ValidationError({"cohort": _("An admission belongs to a cohort.")})
        if self.kind == EventKind.ON_RECORD and (self.cohort_id or not self.date):
            raise ValidationError(
                _("A member known by a date has that date (a day) and no cohort.")
            )

    def save(self, *args, **kwargs):
        self.compute_effective_on()
        super().save(*args, **kwargs)


class NetworkTotalQuerySet(models.QuerySet):
    def latest_by(self, as_of: dt.date | None = None):
        """The last total the network announced on or before `as_of` (today), or None."""
        return self.filter(on__lte=as_of or timezone.localdate()).order_by("-on").first()


class NetworkTotal(models.Model):
    """What the network itself said its size was on a day (`network_totals.csv`: its
    press releases). Not a count of our rows: pages, `gnlc stats` and the API show it
    beside the figures computed from the data, never mixed into them."""

    on = models.DateField(primary_key=True)
    members = models.PositiveIntegerField()
    countries = models.PositiveSmallIntegerField()
    source_url = models.URLField(max_length=500)
    note = models.CharField(max_length=300, blank=True)

    objects = NetworkTotalQuerySet.as_manager()

    class Meta:
        ordering = ["on"]

    def __str__(self):
        return f"{self.on}: {self.members} members in {self.countries} countries"


# The most a suggestion's text may hold: enough for a paragraph and a few links.
SUGGESTION_MAX_LENGTH = 2000


class SuggestionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """All for the secretariat; for a city coordinator or a National Commission, the
        suggestions about their city or their country's members; none otherwise."""
        if user.has_perm("cities.review_suggestion"):
            return self
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            models.Q(member_id__in=user.coordinated_member_ids())
            | models.Q(member__country_id__in=user.natcom_country_ids())
        )


class Suggestion(models.Model):
    """A correction of a member, or a missing member, suggested by anyone (anonymous, or
    a signed-in city coordinator or National Commission, whose role the reviewer sees),
    with the source that proves it. Nothing of it is public: the secretariat reviews it
    (`decide`), and only an accepted suggestion changes the data, as an audited edit."""

    kind = models.CharField(max_length=20, choices=SuggestionKind.choices)
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="suggestions"
    )
    text = models.TextField(max_length=SUGGESTION_MAX_LENGTH)
    source_url = models.URLField(max_length=500)
    email = models.EmailField(blank=True)
    # The page's language when it was sent: the outcome is written in it.
    language = models.CharField(max_length=10, blank=True)
    submitted_by = user_or_null()
    # The suggester's role as it was when they wrote ("City coordinator of Nakuru").
    submitted_as = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    reason = models.TextField(blank=True)
    reviewed_by = user_or_null()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The member an accepted "missing member" suggestion created.
    created_member = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        about = self.member.name if self.member_id else self.get_kind_display()
        return f"#{self.pk} {about}"

    def get_absolute_url(self):
        return reverse("cities:suggestion", args=[self.pk])

    @transaction.atomic
    def decide(self, to: SuggestionStatus, *, by, reason: str = "", member=None) -> None:
        """The one way a suggestion leaves the queue: accepted (its change already
        applied by the caller, or `member` created from it), rejected with a reason, or
        marked a duplicate. The suggester is told by e-mail, if they left an address,
        once the decision is committed."""
        to = SuggestionStatus(to)
        if self.status != SuggestionStatus.PENDING or to == SuggestionStatus.PENDING:
            raise ValidationError(_("This suggestion has already been decided."))
        if to == SuggestionStatus.REJECTED and not reason.strip():
            raise ValidationError({"reason": _("Say why the suggestion is rejected.")})
        self.status, self.reason = to, reason.strip()
        self.reviewed_by = by if getattr(by, "pk", None) else None
        self.reviewed_at = timezone.now()
        if member is not None:
            self.created_member = member
        self.save()
        if self.email:
            transaction.on_commit(lambda: send_suggestion_outcome(self))


class DataRevision(Revision):
    """The revision of the public data (members, events, cohorts, countries): bumped by
    every change to them (signals.py), it keys every cached public figure."""
