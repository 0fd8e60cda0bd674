"""An application to a call, and the history of its states.

`Application.transition` is the one way a state changes (STYLE.md rule 5): it checks the
move against `enums.WORKFLOW` (from which state, by which permission, before which
deadline) through the workflow kernel (gnlc.core.workflow), which calls this model's
rules (deadline, quota under a lock, one winner per country, completeness), saves,
leaves an audit entry and an `ApplicationTransition` row, and queues the e-mails on
commit."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.admissions import mail
from gnlc.admissions.enums import (
    CHALLENGES,
    MOTIVATION_MAX_WORDS,
    OPEN_STATES,
    WORKFLOW,
    ApplicationState,
    Deadline,
    DecisionKind,
    Language,
    state_label,
)
from gnlc.admissions.querysets import ApplicationQuerySet
from gnlc.audit.context import acting_as
from gnlc.cities.enums import Status
from gnlc.cities.models import Member
from gnlc.core import workflow
from gnlc.core.models import TransitionHistory
from gnlc.core.storage import private_storage
from gnlc.core.text import count_words, fold
from gnlc.core.workflow import TransitionError, Workflow

LETTERS = "admissions/letters/"


# A membership application's dossier, in the order its form asks it.
DOSSIER = (
    "city_name",
    "country",
    "website",
    "mayor_name",
    "mayor_title",
    "contact_name",
    "contact_email",
    "contact_phone",
    "language",
    "population",
    "area_km2",
    "data_year",
    "motivation",
    "implementation_plan",
    "good_practices",
    "interests",
)
# The fields a submitted application must have (a draft may lack any of them): the
# dossier but its website and phone, and the mayor's signed letter.
REQUIRED_ON_SUBMIT = (
    *(name for name in DOSSIER if name not in {"website", "contact_phone"}),
    "commitment_letter",
)
# An award application is made for a member already on record: the city's facts come
# from the member; the dossier is the motivation and plan (the achievements and what
# comes next) and the good practices (the evidence). No letter, no challenges.
AWARD_REQUIRED_ON_SUBMIT = (
    "member",
    "contact_name",
    "contact_email",
    "language",
    "motivation",
    "implementation_plan",
    "good_practices",
)


class Application(Workflow, models.Model):
    """A city's application to a call, written by its coordinator (`created_by`), who
    alone may edit, submit or withdraw it. Drafts may be incomplete; submitting checks
    everything (`problems_for_submission`)."""

    call = models.ForeignKey(
        "admissions.Call", on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(
        max_length=20, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="admission_applications"
    )
    city_name = models.CharField(gettext_lazy("city"), max_length=200)
    # The folded city name: one open application per city and call, however it is typed.
    city_key = models.CharField(max_length=200, editable=False)
    country = models.ForeignKey(
        "cities.Country", on_delete=models.PROTECT, related_name="admission_applications"
    )
    website = models.URLField(gettext_lazy("website"), max_length=500, blank=True)
    mayor_name = models.CharField(gettext_lazy("mayor's name"), max_length=200, blank=True)
    mayor_title = models.CharField(gettext_lazy("mayor's title"), max_length=200, blank=True)
    contact_name = models.CharField(gettext_lazy("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(gettext_lazy("contact e-mail"), blank=True)
    contact_phone = models.CharField(gettext_lazy("contact telephone"), max_length=50, blank=True)
    language = models.CharField(
        gettext_lazy("language of communication"),
        max_length=2,
        choices=Language.choices,
        default=Language.EN,
    )
    population = models.PositiveBigIntegerField(gettext_lazy("population"), null=True, blank=True)
    area_km2 = models.DecimalField(
        gettext_lazy("area (km²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    data_year = models.PositiveSmallIntegerField(
        gettext_lazy("year of the figures"), null=True, blank=True
    )
    motivation = models.TextField(gettext_lazy("motivation"), blank=True)
    implementation_plan = models.TextField(gettext_lazy("implementation plan"), blank=True)
    good_practices = models.TextField(
        gettext_lazy("good practices and policy initiatives"), blank=True
    )
    challenges = models.JSONField(gettext_lazy("challenges"), default=dict, blank=True)
    interests = models.TextField(gettext_lazy("interests and expertise"), blank=True)
    # The stored name of the letter in private storage (a plain name rather than a
    # FileField, so the audit log records which file was attached, as text).
    commitment_letter = models.CharField(
        gettext_lazy("mayor's signed commitment letter"), max_length=200, blank=True
    )
    # The secretariat's pending decision, applied in bulk by Call.apply_decisions.
    decision = models.CharField(max_length=10, choices=DecisionKind.choices, blank=True)
    member = models.ForeignKey(
        "cities.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="admission_applications",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    TABLE = WORKFLOW

    class Meta:
        ordering = ["city_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "country", "city_key"],
                condition=models.Q(state__in=[str(s) for s in OPEN_STATES]),
                name="application_one_open_per_city",
            )
        ]
        indexes = [models.Index(fields=["call", "state", "country"])]

    def __str__(self):
        return f"{self.city_name} ({self.country_id})"

    def get_absolute_url(self):
        return reverse("admissions:application", args=[self.pk])

    def save(self, *args, **kwargs):
        self.city_key = fold(self.city_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "city_key"}
        super().save(*args, **kwargs)

    @property
    def is_award(self) -> bool:
        """Named in the award's words, entered for a member (`gnlc.admissions.kinds`)."""
        return self.call.kind_spec.award_words

    @property
    def state_label(self) -> str:
        """The state's name, in the award's words for an award application."""
        return state_label(self.state, award=self.is_award)

    def required_on_submit(self) -> tuple[str, ...]:
        return AWARD_REQUIRED_ON_SUBMIT if self.is_award else REQUIRED_ON_SUBMIT

    @property
    def is_editable(self) -> bool:
        return self.state in (ApplicationState.DRAFT, ApplicationState.SUBMITTED)

    def attach_letter(self, file) -> None:
        """Store a checked upload (gnlc.core.uploads names it) outside the public media
        and keep its name; the previous letter, if any, is deleted. Saved by the caller."""
        old = self.commitment_letter
        self.commitment_letter = private_storage.save(LETTERS + file.name, file)
        if old and old != self.commitment_letter:
            private_storage.delete(old)

    def open_letter(self):
        return private_storage.open(self.commitment_letter, "rb")

    def challenge_rows(self) -> list[tuple[str, int | None]]:
        return [(label, self.challenges.get(key)) for key, label in CHALLENGES.items()]

    # Checks -------------------------------------------------------------------------

    def problems_for_submission(self) -> dict[str, str]:
        """{field: message} of what keeps this application from being submitted."""
        problems = {}
        for name in self.required_on_submit():
            if getattr(self, "member_id" if name == "member" else name) in (None, ""):
                problems[name] = _("This field is required to submit.")
        for name in ("motivation", "implementation_plan"):
            words = count_words(getattr(self, name))
            if words > MOTIVATION_MAX_WORDS:
                problems[name] = _("%(words)d words: at most %(max)d.") % {
                    "words": words,
                    "max": MOTIVATION_MAX_WORDS,
                }
        missing = [str(label) for key, label in CHALLENGES.items() if not self.challenges.get(key)]
        if missing and not self.is_award:
            problems["challenges"] = _("Rate every challenge from 1 to 5.")
        return problems

    def city_refusal(self) -> str | None:
        """Why this city may not apply to this call, or None: for membership, it is
        already an active member; for the award, the member is not eligible
        (`Call.award_refusal`); either way, another open application in the call."""

        key = fold(self.city_name)
        if self.is_award:
            refusal = self.call.award_refusal(self.member)
            if refusal:
                return refusal
        else:
            members = Member.objects.filter(country_id=self.country_id, status=Status.ACTIVE)
            if any(fold(name) == key for name in members.values_list("name", flat=True)):
                return _("%(city)s is already a member of the network.") % {"city": self.city_name}
        others = Application.objects.filter(
            call_id=self.call_id,
            country_id=self.country_id,
            city_key=key,
            state__in=OPEN_STATES,
        ).exclude(pk=self.pk)
        if others.exists():
            return _("%(city)s already has an open application in this call.") % {
                "city": self.city_name
            }
        return None

    # The transition -------------------------------------------------------------------

    def move_refusal(self, to, now=None) -> str | None:
        """Why the move to `to` (one the table allows from this state) cannot be made
        now, whoever asks, or None: its deadline has passed (in the call's time zone),
        the country's nomination quota is full, or, to admit, the call's required
        reviews are missing. Pages show it beside a disabled button; `transition` asks
        it again (the quota once more under the call's lock)."""
        to = ApplicationState(to)
        if to == ApplicationState.NOMINATED:
            return self.nomination_refusal(now)
        refusal = self.deadline_refusal(to, now)
        if refusal is None and to == ApplicationState.ADMITTED:
            return self.reviews_refusal()
        return refusal

    def deadline_refusal(self, to, now=None) -> str | None:
        """Why the move to `to` is too late, or None (also for moves without deadline)."""
        move = self.TABLE.moves.get((ApplicationState(self.state), ApplicationState(to)))
        deadline = move.deadline if move else None
        call = self.call
        if deadline is None or call.before(deadline, now):
            return None
        return _("The %(deadline)s (%(day)s, %(zone)s) has passed.") % {
            "deadline": Deadline(deadline).label,
            "day": formats.date_format(getattr(call, deadline), "j F Y"),
            "zone": call.time_zone,
        }

    def nomination_refusal(self, now=None, *, taken: int | None = None) -> str | None:
        """Why this application cannot be nominated now (deadline or quota), or None;
        `taken` is the country's places already taken, where a list counted them."""
        return self.deadline_refusal(ApplicationState.NOMINATED, now) or self.quota_refusal(
            self.call, taken=taken
        )

    def quota_refusal(self, call, *, taken: int | None = None) -> str | None:
        """Why the country may not nominate one more application in `call`, or None."""
        if not call.needs_national_nomination or call.quota_per_country is None:
            return None
        if taken is None:
            taken = call.quota_used(self.country_id)
        if taken >= call.quota_per_country:
            return _(
                "The quota is full: %(country)s has already nominated %(taken)d "
                "application(s) out of %(quota)d."
            ) % {"country": self.country.label, "taken": taken, "quota": call.quota_per_country}
        return None

    def reviews_refusal(self) -> str | None:
        """Why this application cannot be admitted (or win) yet: fewer submitted reviews
        than the call requires. None when it has them."""
        required = self.call.reviews_required
        done = self.reviews.filter(submitted_at__isnull=False).count() if required else 0
        if done >= required:
            return None
        context = {"city": self.city_name, "done": done, "required": required}
        if self.is_award:
            return (
                _(
                    "%(city)s has %(done)d of the %(required)d reviews the call requires: it "
                    "cannot win before the jury has reviewed it."
                )
                % context
            )
        return (
            _(
                "%(city)s has %(done)d of the %(required)d reviews the call requires: it "
                "cannot be admitted before the jury has reviewed it."
            )
            % context
        )

    def transition(self, to, *, by, reason: str = "", now=None) -> "ApplicationTransition":
        """Move to state `to` on behalf of `by`, or raise (gnlc.core.workflow).

        PermissionDenied: `by` may not make this move (rules.py); TransitionError: the
        move is not allowed from this state, its deadline has passed (in the call's time
        zone), a reason is missing, the nomination quota is full, the call's required
        reviews are missing (to admit), the application is incomplete, or someone changed
        it meanwhile. Nothing is changed when it raises."""
        return workflow.transition(self, to, by=by, note=reason, now=now)

    # The workflow's own rules (hooks of gnlc.core.workflow.transition).

    def state_name(self, state) -> str:
        return state_label(state, award=self.is_award).lower()

    def check_move(self, to, move, *, note, now) -> None:
        refusal = self.move_refusal(to, now)  # the quota is counted again under the lock
        if refusal:
            raise TransitionError(refusal)
        if to == ApplicationState.SUBMITTED:
            if self.problems_for_submission():
                raise TransitionError(_("The application is not complete."))
            refusal = self.city_refusal()
            if refusal:
                raise TransitionError(refusal)

    def check_locked(self, to, *, now) -> None:
        # At call time: call.py imports this module (a call publishes its applications).
        from gnlc.admissions.models.call import Call  # noqa: PLC0415

        if to == ApplicationState.NOMINATED:
            # One National Commission member at a time per call: the lock on the call
            # row makes the count and the save one step, so two clicks at the same
            # moment cannot both take the last place.
            self._check_quota(Call.objects.select_for_update().get(pk=self.call_id))
        elif to == ApplicationState.ADMITTED and self.is_award:
            # The same lock holds the award's one winner per country.
            self._check_one_winner(Call.objects.select_for_update().get(pk=self.call_id))

    def apply_move(self, start, to, *, note, now) -> list[str]:
        if to == ApplicationState.SUBMITTED:
            self.submitted_at = now
            return ["submitted_at"]
        return []

    def after_move(self, record) -> None:
        mail.queue_for(self, record)

    def _check_quota(self, call) -> None:
        refusal = self.quota_refusal(call)
        if refusal:
            raise TransitionError(refusal)

    def _check_one_winner(self, call) -> None:
        others = Application.objects.filter(
            call=call, country_id=self.country_id, state=ApplicationState.ADMITTED
        ).exclude(pk=self.pk)
        if others.exists():
            raise TransitionError(
                _(
                    "%(country)s already has a winner in this call: at most one city per "
                    "country wins the award."
                )
                % {"country": self.country.label}
            )

    def set_decision(self, decision: str, *, by) -> None:
        """Record the secretariat's pending decision (applied later in bulk)."""

        if not by.has_perm("admissions.decide_application", self):
            raise PermissionDenied
        if self.state not in (ApplicationState.NOMINATED, ApplicationState.WAITLISTED):
            raise TransitionError(_("Only nominated or waitlisted applications await a decision."))
        self.decision = decision
        with acting_as(by):
            self.save(update_fields=["decision", "updated_at"])


class ApplicationTransition(TransitionHistory):
    """One change of an application's state: from, to, by whom, why (`note`), when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=20, choices=ApplicationState.choices)
    to_state = models.CharField(max_length=20, choices=ApplicationState.choices)
    note = models.TextField(blank=True, db_column="reason")

    class Meta(TransitionHistory.Meta):
        pass

    def __str__(self):
        return f"{self.application}: {self.from_state} → {self.to_state}"
