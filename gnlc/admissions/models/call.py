"""A call (for membership, for the Learning City Award, for good practices), its weighted
score criteria and the history of its moved deadlines. An award call differs in who may
apply (an existing member, `award_refusal`), its default quota (2 per country), the rule
of one winner per country (`apply_decisions`) and what publishing makes (`materialise`).

Decisions stay confidential until the announcement's instant (`announcement_instant`):
the secretariat's Publish only schedules them before it (`request_publication`), and
`materialise`, run at the click or by `gnlc publish-announcements`, whichever is later,
makes the members, award wins and the announcement's news post public at once."""

import calendar
import dataclasses
import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gnlc.accounts.models import Role
from gnlc.admissions import kinds
from gnlc.admissions.enums import (
    AWARD_MEMBERSHIP_MONTHS,
    DECISION_STATE,
    QUOTA_STATES,
    ApplicationState,
    CallKind,
    CallStatus,
    DecisionKind,
    PeerVisibility,
    PublicationState,
)
from gnlc.admissions.kinds import DATE_FIELDS
from gnlc.admissions.models.application import Application, TransitionError
from gnlc.admissions.models.award import AwardWin
from gnlc.admissions.models.review import Review
from gnlc.admissions.querysets import CallQuerySet
from gnlc.audit.context import acting_as
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Cohort, Country, DataRevision, Member
from gnlc.core import cache
from gnlc.core.models import user_or_null
from gnlc.news.models import Announcement

# The dates of a call, in the order they fall (DATE_FIELDS, from kinds). Each is a
# calendar day in the call's time zone; a deadline holds until the end of that day there
# (what "by 31 March" means).
# The dates that START a period (the rest end one): an opening day begins at 00:00 in
# the call's zone, a deadline lasts until 23:59 there. The announcement is a day.
START_FIELDS = ("opens_on", "review_opens_on")
END_FIELDS = ("closes_on", "nomination_deadline", "review_closes_on")


# The hour an announcement goes out, in the call's time zone, unless the call says another.
DEFAULT_ANNOUNCEMENT_TIME = dt.time(9, 0)
# Who the audit log names when the periodic command publishes a cohort.
PUBLISHER_LABEL = "gnlc publish-announcements"


@dataclasses.dataclass
class Publication:
    """What one run of `Call.materialise` made public: the cohort and new members
    (membership), the award wins (award) and the announcements' news posts."""

    cohort: object = None
    members: list = dataclasses.field(default_factory=list)
    wins: list = dataclasses.field(default_factory=list)
    posts: list = dataclasses.field(default_factory=list)


class _Rehearsal(Exception):
    """Raised to roll back a rehearsed publication, carrying what was collected."""

    def __init__(self, seen):
        super().__init__("rehearsal")
        self.seen = seen


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier (the month's last day where that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            gettext_lazy("%(value)s is not a time zone (try Europe/Paris or UTC)."),
            params={"value": value},
        ) from None


class Call(models.Model):
    """One round of selection: who may apply, until when, how the jury scores.

    Deadlines are calendar days in `time_zone`; the server decides whether one has passed
    by converting now into that zone (`before`), so a city in Fiji and one in Peru both
    have until midnight of the stated day *where the call says*. Pages show the moment
    in the viewer's own time too (admissions.js)."""

    kind = models.CharField(max_length=20, choices=CallKind.choices, default=CallKind.MEMBERSHIP)
    title = models.CharField(gettext_lazy("title"), max_length=200)
    description = models.TextField(gettext_lazy("description"), blank=True)
    time_zone = models.CharField(
        gettext_lazy("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    opens_on = models.DateField(gettext_lazy("opening day"))
    closes_on = models.DateField(gettext_lazy("submission deadline"))
    nomination_deadline = models.DateField(gettext_lazy("nomination deadline"))
    review_opens_on = models.DateField(gettext_lazy("start of the review"))
    review_closes_on = models.DateField(gettext_lazy("end of the review"))
    announcement_date = models.DateField(gettext_lazy("announcement date"))
    announcement_time = models.TimeField(
        gettext_lazy("announcement time"),
        default=DEFAULT_ANNOUNCEMENT_TIME,
        help_text=gettext_lazy("In the call's time zone."),
    )
    needs_national_nomination = models.BooleanField(
        gettext_lazy("needs a National Commission's nomination"), default=True
    )
    # None: no quota. Counted per country among nominated applications (and those
    # decided since), under a lock on this row (Application.transition).
    quota_per_country = models.PositiveSmallIntegerField(
        gettext_lazy("nominations per country"), null=True, blank=True, default=3
    )
    reviews_required = models.PositiveSmallIntegerField(
        gettext_lazy("reviews per application"), default=3
    )
    peer_visibility = models.CharField(
        gettext_lazy("jurors see other reviews"),
        max_length=20,
        choices=PeerVisibility.choices,
        default=PeerVisibility.AFTER_OWN,
    )
    hide_applicant_identity = models.BooleanField(
        gettext_lazy("hide the applicant's identity from jurors"), default=False
    )
    # A call for good practices asks about one theme of the library; the practices that
    # answer it link here (gnlc.library: Practice.call).
    theme = models.ForeignKey(
        "library.Theme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=gettext_lazy("theme (calls for good practices)"),
    )
    # The secretariat's Publish: who asked, when. Before the announcement's instant it
    # only schedules; `published_at` is when the decisions were made public.
    publication_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    publication_requested_by = user_or_null(editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The call's own life, on top of its dates (CallStatus): a draft until `opened_at`
    # (public from then on); `closed_at` when the secretariat ended submissions before
    # the deadline's end (`close_now`); `archived_at` once out of the lists.
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]

    def __init__(self, *args, **kwargs):
        # A new call takes its kind's defaults (an award call's quota: 2 nominations per
        # country; a call for good practices: no nomination, no quota), unless given.
        # Rows read from the database come positionally: untouched.
        if "kind" in kwargs:
            for name, value in kinds.of(kwargs["kind"]).defaults.items():
                kwargs.setdefault(name, value)
        super().__init__(*args, **kwargs)

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.kind_spec.page(self)

    @property
    def kind_spec(self) -> kinds.Kind:
        """What this kind of call does differently (gnlc/admissions/kinds.py)."""
        return kinds.of(self.kind)

    def apply_url(self) -> str:
        return self.kind_spec.entry(self)

    # The award's eligibility ------------------------------------------------------------

    def award_refusal(self, member) -> str | None:
        """Why `member` may not compete in this award call, or None. A candidate must be
        an active member on the day the call opens, admitted (its first admission) more
        than 12 months before that day, and not have won in the last six years
        (`AwardWin.objects.recent_for`)."""
        context = {"city": member.name, "day": self.opens_on.isoformat()}
        if not Member.objects.active_on(self.opens_on).filter(pk=member.pk).exists():
            return _("%(city)s is not an active member on %(day)s, when the call opens.") % context
        first_admission = (
            member.events.filter(kind=EventKind.ADMITTED)
            .order_by("effective_on", "id")
            .values_list("effective_on", flat=True)
            .first()
        )
        if first_admission >= months_before(self.opens_on, AWARD_MEMBERSHIP_MONTHS):
            return _(
                "%(city)s has been a member since %(since)s: the award needs more than 12 "
                "months of membership when the call opens (%(day)s)."
            ) % {**context, "since": first_admission.isoformat()}
        won = (
            AwardWin.objects.recent_for(member, self.opens_on.year)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
        )
        if won is not None:
            return _(
                "%(city)s won the award in %(year)d: a winner may compete again six years later."
            ) % {**context, "year": won}
        return None

    def clean(self):
        """A call for good practices needs a theme, and takes no nomination and no
        quota; its nomination and review dates follow its submission deadline and its
        announcement. Each date must fall on or after the one before it: the error is
        put on the later date, naming the earlier one."""
        errors = {}
        self.kind_spec.clean(self, errors)
        previous = None
        for name in self.date_fields():
            day = getattr(self, name)
            if day is None:
                continue
            if previous is not None and day < getattr(self, previous):
                errors[name] = _(
                    "The %(date)s must fall on or after the %(previous)s (%(day)s)."
                ) % {
                    "date": self._meta.get_field(name).verbose_name,
                    "previous": self._meta.get_field(previous).verbose_name,
                    "day": formats.date_format(getattr(self, previous), "j F Y"),
                }
            else:
                previous = name
        if errors:
            raise ValidationError(errors)

    # Time ---------------------------------------------------------------------------

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def start_of(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=self.zone)

    def end_of(self, day: dt.date) -> dt.datetime:
        """The first instant after `day` in the call's time zone: a deadline on `day`
        holds while now is before this."""
        return self.start_of(day + dt.timedelta(days=1))

    def ends_at(self, field: str) -> dt.datetime:
        """The instant the deadline named `field` ends: the end of its day in the call's
        zone, or for the submissions, the moment the secretariat closed them early."""
        end = self.end_of(getattr(self, field))
        if field == "closes_on" and self.closed_at and self.closed_at < end:
            return self.closed_at
        return end

    def before(self, field: str, now: dt.datetime | None = None) -> bool:
        """Whether the deadline named `field` (a date field) has not passed yet."""
        return (now or timezone.now()) < self.ends_at(field)

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Whether the call takes applications now: public, not archived, between the
        start of its opening day and the end of its submission deadline."""
        if self.status != CallStatus.PUBLIC:
            return False
        now = now or timezone.now()
        return self.start_of(self.opens_on) <= now < self.ends_at("closes_on")

    def submission_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the call takes no application now, for the person who wants to apply, or
        None while it is open."""
        now = now or timezone.now()
        if self.is_open(now):
            return None
        if self.status == CallStatus.DRAFT:
            return _("This call is a draft: it takes applications once the secretariat opens it.")
        if self.status == CallStatus.ARCHIVED:
            return _("This call is archived: it no longer takes applications.")
        context = {"zone": self.time_zone}
        if now < self.start_of(self.opens_on):
            return _("The call opens on %(day)s at 00:00 (%(zone)s).") % {
                **context,
                "day": formats.date_format(self.opens_on, "j F Y"),
            }
        if self.closed_at and self.closed_at < self.end_of(self.closes_on):
            return _(
                "The secretariat closed the call on %(day)s: it no longer takes applications."
            ) % {
                **context,
                "day": formats.date_format(self.closes_on, "j F Y"),
            }
        return _(
            "The call closed at the end of %(day)s (23:59, %(zone)s): it no longer takes "
            "applications."
        ) % {**context, "day": formats.date_format(self.closes_on, "j F Y")}

    def review_is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.start_of(self.review_opens_on) <= now < self.end_of(self.review_closes_on)

    def phase(self, now: dt.datetime | None = None) -> str:
        """A label for where the call stands, for pages."""
        now = now or timezone.now()
        if self.status == CallStatus.DRAFT:
            return _("Draft, not public")
        if self.status == CallStatus.ARCHIVED:
            return _("Archived")
        if self.published_at:
            return _("Decisions published")
        if self.publication_requested_at:
            return _("Publication scheduled")
        if now < self.start_of(self.opens_on):
            return _("Not open yet")
        if self.is_open(now):
            return str(self.kind_spec.open_phase)
        if self.before("nomination_deadline", now):
            return _("National nominations")
        if now < self.start_of(self.review_opens_on):
            return _("Waiting for the review")
        if self.review_is_open(now):
            return _("In review")
        return _("Decisions")

    def date_fields(self) -> tuple[str, ...]:
        """The dates this call asks the secretariat for, in the order they fall."""
        return self.kind_spec.date_fields

    def deadlines(self) -> list[dict]:
        """The call's dates for pages: label, day, whether it starts or ends a period,
        and the instant shown (00:00 of an opening day, 23:59 of a deadline, in the
        call's zone; admissions.js shows it in the viewer's time too). An announcement
        is a day, with no time."""
        rows = []
        for name in self.date_fields():
            day = getattr(self, name)
            if name in START_FIELDS:
                kind, at = "start", self.start_of(day)
            elif name in END_FIELDS:
                # The last minute of the day: the text says 23:59 and the viewer's own
                # clock shows that same minute (the deadline's end is one minute later).
                kind, at = "end", self.end_of(day) - dt.timedelta(minutes=1)
            else:
                kind, at = "day", None
            rows.append(
                {
                    "name": name,
                    "label": self._meta.get_field(name).verbose_name,
                    "day": day,
                    "kind": kind,
                    "at": at,
                }
            )
        return rows

    # The call's life: draft, public, archived ------------------------------------------

    @property
    def status(self) -> CallStatus:
        if self.archived_at:
            return CallStatus.ARCHIVED
        if self.opened_at:
            return CallStatus.PUBLIC
        return CallStatus.DRAFT

    @property
    def is_public(self) -> bool:
        """Readable by anyone at its address (archived calls too, once opened)."""
        return self.opened_at is not None

    def has_entries(self) -> bool:
        """Whether anyone answered the call: applications, or for a call for good
        practices, practices submitted to it."""
        if self.kind_spec.uses_jury:
            return self.applications.exists()
        return self.practices.exists()

    def scoring_started(self) -> bool:
        """Whether a juror has saved a review: the criteria's set and weights then stay
        as they are (their names may still be corrected)."""
        return Review.objects.filter(application__call=self, submitted_at__isnull=False).exists()

    def opening_problems(self, now: dt.datetime | None = None) -> list[str]:
        """What keeps this draft from being opened, for the secretariat; empty when it
        may open."""
        now = now or timezone.now()
        problems = []
        if self.status != CallStatus.DRAFT:
            problems.append(_("This call is not a draft: it was opened already."))
            return problems
        try:
            self.clean()
        except ValidationError as error:
            problems.extend(error.messages)
        if self.kind_spec.uses_jury and not self.criteria.exists():
            problems.append(_("Add at least one score criterion: the jury scores on them."))
        if self.kind_spec.uses_jury and self.reviews_required < 1:
            problems.append(_("Ask for at least one review per application."))
        if now >= self.ends_at("closes_on"):
            problems.append(
                _(
                    "The submission deadline (%(day)s) has passed: move it later before "
                    "opening the call."
                )
                % {"day": formats.date_format(self.closes_on, "j F Y")}
            )
        return problems

    @transaction.atomic
    def open(self, *, by, now: dt.datetime | None = None) -> None:
        """Make a draft public. Raises ValidationError (the problems, for the user) when
        it is not ready (`opening_problems`)."""
        problems = self.opening_problems(now)
        if problems:
            raise ValidationError(problems)
        self.opened_at = now or timezone.now()
        with acting_as(by):
            self.save(update_fields=["opened_at"])

    def close_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why submissions cannot be closed now, or None: only a call taking
        applications can be closed."""
        now = now or timezone.now()
        if self.status != CallStatus.PUBLIC:
            return _("Only a public call takes submissions.")
        if now < self.start_of(self.opens_on):
            return _(
                "The call does not take submissions yet: move its opening date instead, or "
                "its submission deadline."
            )
        if not self.is_open(now):
            return _("Submissions are closed already.")
        return None

    @transaction.atomic
    def close_now(self, *, by, reason: str, now: dt.datetime | None = None):
        """End submissions at this moment: the submission deadline moves to today (in
        the call's zone) through `move_deadline`, with the reason, and `closed_at` keeps
        the exact moment. Raises ValidationError when the call does not take
        submissions or the reason is missing. Moving the deadline later afterwards
        reopens the submissions (`move_deadline`)."""
        now = now or timezone.now()
        refusal = self.close_refusal(now)
        if refusal:
            raise ValidationError(refusal)
        today = now.astimezone(self.zone).date()
        change = self.move_deadline("closes_on", today, by=by, reason=reason)
        self.closed_at = now
        with acting_as(by):
            self.save(update_fields=["closed_at"])
        return change

    def archive_refusal(self, now: dt.datetime | None = None) -> str | None:
        """Why the call cannot be archived now, or None. A draft can be archived at any
        time; a public call once it is over (its decisions published or its
        announcement day passed), or while nobody has answered it."""
        now = now or timezone.now()
        if self.status == CallStatus.ARCHIVED:
            return _("This call is archived already.")
        if self.status == CallStatus.DRAFT:
            return None
        over = self.published_at or now >= self.end_of(self.announcement_date)
        if not over and self.has_entries():
            return _(
                "Cities have answered this call: it can be archived once its decisions are "
                "published or after its announcement date (%(day)s)."
            ) % {"day": formats.date_format(self.announcement_date, "j F Y")}
        return None

    def archive(self, *, by, now: dt.datetime | None = None) -> None:
        """Take the call out of the lists (it stays readable at its address). Raises
        ValidationError when it may not be archived (`archive_refusal`)."""
        refusal = self.archive_refusal(now)
        if refusal:
            raise ValidationError(refusal)
        self.archived_at = now or timezone.now()
        with acting_as(by):
            self.save(update_fields=["archived_at"])

    def restore(self, *, by) -> None:
        """Bring an archived call back to the lists, as the draft or public call it was."""
        if self.status != CallStatus.ARCHIVED:
            raise ValidationError(_("This call is not archived."))
        self.archived_at = None
        with acting_as(by):
            self.save(update_fields=["archived_at"])

    def quota_used(self, country_id) -> int:
        """How many of the country's applications take a place in the quota."""
        return self.applications.filter(country_id=country_id, state__in=QUOTA_STATES).count()

    @transaction.atomic
    def move_deadline(
        self, field: str, day: dt.date, *, by, reason: str, time: dt.time | None = None
    ) -> "DeadlineChange":
        """Extend (or bring forward) one of the call's dates, with a reason; `time` moves
        the announcement's time of day too. The change is kept as a DeadlineChange row
        and in the audit log (Call is audited). Moving the submission deadline undoes an
        early close (`close_now`): the new day holds. Raises ValidationError (nothing
        changed) when the dates would be out of order.

        Moving the announcement before its publication moves the schedule: nothing is
        public yet, so the members, wins and news post simply come out at the new
        instant (at once, if it has passed and the publication was requested), and the
        announcement texts prepared for the call take the new date. Once published, the
        announcement's date and time are public history and cannot move."""
        if field not in self.date_fields():
            raise ValidationError(_("%(field)s is not a date of the call.") % {"field": field})
        if time is not None and field != "announcement_date":
            raise ValidationError(_("Only the announcement has a time of day."))
        if field == "announcement_date" and self.published_at is not None:
            raise ValidationError(
                _(
                    "The decisions were published on %(day)s: the announcement date cannot "
                    "move any more, because the new members, their admission date and the "
                    "announcement are public."
                )
                % {"day": formats.date_format(self.announcement_date, "j F Y")}
            )
        if not reason.strip():
            raise ValidationError(_("Say why the date moves."))
        before = {name: getattr(self, name) for name in DATE_FIELDS}
        old_time, closed_at = self.announcement_time, self.closed_at
        setattr(self, field, day)
        if time is not None:
            self.announcement_time = time
        if field == "closes_on":
            self.closed_at = None
        try:
            self.clean()
        except ValidationError:
            for name, value in before.items():
                setattr(self, name, value)
            self.announcement_time, self.closed_at = old_time, closed_at
            raise
        with acting_as(by):
            # A call for good practices derives dates from the one moved (`clean`).
            self.save(update_fields=[*DATE_FIELDS, "announcement_time", "closed_at"])
        announcement = field == "announcement_date"
        change = DeadlineChange.objects.create(
            call=self,
            field=field,
            old_day=before[field],
            new_day=day,
            old_time=old_time if announcement else None,
            new_time=self.announcement_time if announcement else None,
            reason=reason.strip(),
            by=by,
        )
        if announcement:
            Announcement.follow_call_date(self, before[field])
            if self.publication_state() == PublicationState.DUE:
                self.materialise(by=by)
        return change

    # Decisions ----------------------------------------------------------------------

    def consequences(self) -> dict:
        """What the pending decisions would make of the call: counts per decision, and
        admitted-to-be per region and per country."""
        pending = Application.objects.filter(call=self).awaiting_decision()
        by_decision = dict(
            pending.order_by()
            .values_list("decision")
            .annotate(n=models.Count("id"))
            .values_list("decision", "n")
        )
        admits = pending.filter(decision="admit").order_by()
        regions = list(
            admits.values("country__region__name", "country__region__slug")
            .annotate(n=models.Count("id"), countries=models.Count("country", distinct=True))
            .order_by("country__region__slug")
        )
        countries = list(
            admits.values("country__name", "country__iso2")
            .annotate(n=models.Count("id"))
            .order_by("country__name")
        )
        return {
            "by_decision": by_decision,
            "undecided": by_decision.get("", 0),
            "regions": regions,
            "countries": countries,
        }

    def decisions_refusal(self) -> str | None:
        """Why the pending decisions cannot be applied as they stand, or None: an
        application to admit (or to win) lacks the reviews the call requires, or in an
        award call a country would have more than one winner. Names the cities or the
        countries, so the secretariat knows what to change."""
        admits = (
            Application.objects.filter(call=self, decision=DecisionKind.ADMIT)
            .awaiting_decision()
            .with_review_counts()
            .filter(submitted_review_count__lt=self.reviews_required)
            .order_by("city_name", "id")
        )
        short = [
            _("%(city)s (%(done)d of %(required)d)")
            % {
                "city": a.city_name,
                "done": a.submitted_review_count,
                "required": self.reviews_required,
            }
            for a in admits
        ]
        if short:
            return self.kind_spec.unreviewed % {
                "required": self.reviews_required,
                "cities": ", ".join(short),
            }
        try:
            self.kind_spec.check_decisions(self)  # an award: one winner per country
        except TransitionError as error:
            return error.message
        return None

    @transaction.atomic
    def apply_decisions(self, *, by) -> int:
        """Move every application with a pending decision to its outcome, all or none.
        Refuses (TransitionError, nothing moved) what `decisions_refusal` names:
        admissions without the required reviews, or in an award call more than one
        winner per country."""
        refusal = self.decisions_refusal()
        if refusal:
            raise TransitionError(refusal)
        moved = 0
        pending = Application.objects.filter(call=self).awaiting_decision().exclude(decision="")
        for application in pending.select_related("call", "country", "created_by"):
            target = DECISION_STATE[application.decision]
            if application.state != target:
                application.transition(target, by=by)
                moved += 1
        return moved

    def check_one_winner_per_country(self) -> None:
        """Raise TransitionError, naming each country, where the winners already decided
        and the pending "admit" decisions would give a country more than one winner."""
        winners = Application.objects.filter(call=self).filter(
            models.Q(state=ApplicationState.ADMITTED)
            | models.Q(
                state__in=[ApplicationState.NOMINATED, ApplicationState.WAITLISTED],
                decision=DecisionKind.ADMIT,
            )
        )
        crowded = (
            winners.order_by()
            .values("country")
            .annotate(n=models.Count("id"))
            .filter(n__gt=1)
            .values_list("country", flat=True)
        )
        if not crowded:
            return
        countries = sorted(str(c.label) for c in Country.objects.filter(pk__in=list(crowded)))
        raise TransitionError(
            _(
                "At most one city per country wins the award: %(countries)s would have "
                "more than one winner. Change the pending decisions."
            )
            % {"countries": ", ".join(countries)}
        )

    # Publication ----------------------------------------------------------------------

    def announcement_instant(self) -> dt.datetime:
        """The moment the call's decisions become public: the announcement date at its
        time of day in the call's time zone, but never before that date has begun where
        the platform counts its days (settings.TIME_ZONE). Pages and figures "as of
        today" count an admission from its date in the platform's calendar, so a member
        admitted on 13 January must not be public while the platform's today is still the
        12th: an announcement set for 09:00 on 13 January in Auckland (20:00 on the 12th
        in UTC) goes out at midnight UTC, 13:00 in Auckland. Pages show this instant."""
        announced = dt.datetime.combine(
            self.announcement_date, self.announcement_time, tzinfo=self.zone
        )
        platform_day = dt.datetime.combine(
            self.announcement_date, dt.time.min, tzinfo=timezone.get_default_timezone()
        )
        return max(announced, platform_day)

    def unpublished(self):
        """Admitted applications not published yet: members to make (membership), or
        winners to record (award)."""
        return self.kind_spec.unpublished(self, self.applications.filter(state="admitted"))

    def publication_state(self, now: dt.datetime | None = None) -> PublicationState:
        """Where the publication stands: requested and waiting for the instant
        (scheduled), requested with the instant passed (due: the next run of the
        command publishes it), admitted applications waiting for a request (ready),
        everything out (published), or nothing to publish."""
        now = now or timezone.now()
        if self.publication_requested_at and self.published_at is None:
            if now < self.announcement_instant():
                return PublicationState.SCHEDULED
            return PublicationState.DUE
        if self.unpublished().exists():
            return PublicationState.READY
        if self.published_at is not None:
            return PublicationState.PUBLISHED
        return PublicationState.NOTHING

    @transaction.atomic
    def request_publication(self, *, by, now: dt.datetime | None = None) -> Publication | None:
        """The secretariat's Publish. Records who asked and when (once); if the
        announcement's instant has passed, publishes at once (`materialise`) and returns
        what it made public; before it, only schedules, and returns None: nothing is
        public until then, when `gnlc publish-announcements` publishes it. Refuses when
        no admitted application waits for publication."""
        now = now or timezone.now()
        self._lock()
        if not self.unpublished().exists():
            raise ValidationError(
                _("No admitted application waits for publication: apply the decisions first.")
            )
        if self.publication_requested_at is None:
            self.publication_requested_at, self.publication_requested_by = now, by
            with acting_as(by):
                self.save(update_fields=["publication_requested_at", "publication_requested_by"])
        if now < self.announcement_instant():
            return None
        return self.materialise(by=by, now=now)

    def _lock(self) -> None:
        """Lock this call's row for the transaction and read its publication fields
        again: a click and the periodic command never publish the same call twice."""
        locked = Call.objects.select_for_update().get(pk=self.pk)
        for name in ("publication_requested_at", "publication_requested_by_id", "published_at"):
            setattr(self, name, getattr(locked, name))

    @transaction.atomic
    def materialise(self, *, by=None, now: dt.datetime | None = None) -> Publication:
        """Make the call's decisions public, all at once, in one transaction: the only
        writer of what an announcement publishes. Refuses before the announcement's
        instant.

        Membership: each admitted application becomes a member (a city already on record,
        same name and country, is reused) with an "admitted" event on the announcement
        date in that year's cohort (created if missing, its `announced_on` set), and the
        person who applied becomes its city coordinator (`Role.make_applicant_coordinator`,
        which mails them). Award:
        each winner gets an `AwardWin` dated the announcement. Then the announcements
        scheduled with the call go out as news posts dated the instant
        (`Announcement.go_out_with`), and the data revision is bumped so cached pages
        follow. Idempotent: what is published already is skipped."""
        now = now or timezone.now()
        if now < self.announcement_instant():
            raise ValidationError(
                _("The announcement is not due before %(when)s: nothing is published.")
                % {"when": self.announcement_instant().isoformat()}
            )
        self._lock()
        with acting_as(by, "" if by else PUBLISHER_LABEL):
            publication = self.kind_spec.publish(self, by)
            if self.published_at is None:
                self.published_at = now
                self.save(update_fields=["published_at"])
        DataRevision.bump()  # cached public figures follow at once
        return publication

    def admit_members(self, by) -> Publication:
        """Publish a membership call: new members, then the announcements' posts."""
        cohort, _created = Cohort.objects.get_or_create(
            year=self.announcement_date.year,
            defaults={"announced_on": self.announcement_date},
        )
        if cohort.announced_on is None:
            cohort.announced_on = self.announcement_date
            cohort.save(update_fields=["announced_on"])
        publication = Publication(cohort=cohort)
        admitted = Application.objects.filter(
            call=self, state="admitted", member__isnull=True
        ).select_related("country", "created_by")
        for application in admitted:
            member = Member.objects.filter(
                name=application.city_name, country=application.country
            ).first()
            if member is None:
                member = Member.objects.create(
                    name=application.city_name,
                    country=application.country,
                    website=application.website,
                    population=application.population,
                    mayor=application.mayor_name,
                    latitude=None,
                    longitude=None,
                )
            member.record_event(
                EventKind.ADMITTED,
                on=self.announcement_date,
                cohort=cohort,
                note=_("Admitted through the call “%(call)s”.") % {"call": self.title},
                by=by,
            )
            application.member = member
            application.save(update_fields=["member", "updated_at"])
            Role.make_applicant_coordinator(application, member)
            publication.members.append(member)
        publication.posts = Announcement.go_out_with(self, cohort, at=self.announcement_instant())
        return publication

    def record_wins(self) -> Publication:
        """Publish an award call: an `AwardWin` per winner."""
        self.check_one_winner_per_country()
        winners = self.unpublished().select_related("member").order_by("city_name", "id")
        wins = [
            AwardWin.objects.create(
                member=application.member,
                call=self,
                country_id=application.member.country_id,
                year=self.announcement_date.year,
                announced_on=self.announcement_date,
            )
            for application in winners
        ]
        return Publication(wins=wins)

    def rehearse_publication(self, collect):
        """`collect(publication)` called on what `materialise` would make public at the
        announcement's instant, with everything it wrote undone.

        It runs the very code of the real publication, in a transaction that is then
        rolled back, so a preview can never disagree with what goes out. Nothing may
        escape the rollback: `collect` must return plain values (no model instances:
        their rows are gone afterwards); a copy of the call publishes, so this instance
        keeps its state; e-mails are only ever sent on commit, and Django
        drops the callbacks of a rolled-back transaction or savepoint; audit entries, the
        data revision and every row are in the same database and rolled back; the public
        cache is bypassed while it runs (`cache.bypassed`), since a value computed from
        the rehearsal's rows and stored under its data revision would be served once the
        real revision reached that number again."""
        at = max(timezone.now(), self.announcement_instant())
        try:
            with cache.bypassed(), transaction.atomic():
                # A copy of the row publishes, so this instance keeps its real state too.
                rehearsed = Call.objects.get(pk=self.pk)
                raise _Rehearsal(collect(rehearsed.materialise(by=None, now=at)))
        except _Rehearsal as rehearsal:
            return rehearsal.seen


class Criterion(models.Model):
    """A score criterion of a call: named in English and French, weighted; jurors score
    it from 1 to 5."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name_en = models.CharField(gettext_lazy("name (English)"), max_length=200)
    name_fr = models.CharField(gettext_lazy("name (French)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(gettext_lazy("weight"), default=1)
    order = models.PositiveSmallIntegerField(default=0)

    SCALE = (1, 5)

    class Meta:
        ordering = ["call", "order", "id"]
        verbose_name_plural = "criteria"

    def __str__(self):
        return str(self.label)

    @property
    def label(self) -> str:
        """The name in the active language (English where no French is given)."""
        if (get_language() or "en").startswith("fr") and self.name_fr:
            return self.name_fr
        return self.name_en


class DeadlineChange(models.Model):
    """A moved date of a call: which, from when to when, who and why."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="deadline_changes")
    field = models.CharField(max_length=40)
    old_day = models.DateField()
    new_day = models.DateField()
    # The announcement's time of day before and after (announcement moves only).
    old_time = models.TimeField(null=True, blank=True)
    new_time = models.TimeField(null=True, blank=True)
    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.call}: {self.field} {self.old_day} → {self.new_day}"

    @property
    def label(self) -> str:
        """The moved date's name, as pages show it ("submission deadline")."""
        return Call._meta.get_field(self.field).verbose_name
