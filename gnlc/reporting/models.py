"""Members' reporting: the Key Features framework (versioned, translatable), reporting
periods, the reports members file against the framework, their history, attachments
and reminders, and the lifecycle policy that turns an unfiled report into membership
events.

`Report.transition` is the one way a report's state changes (STYLE.md rule 5): it checks
the move against `enums.WORKFLOW` through the workflow kernel (gnlc.core.workflow), which
calls this model's rule (completeness), saves, leaves an audit entry and a
`ReportTransition` row, and sends the e-mail on commit."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from gnlc.cities.models import Member
from gnlc.core import workflow
from gnlc.core.models import TransitionHistory
from gnlc.core.storage import private_storage
from gnlc.core.text import count_words
from gnlc.core.workflow import TransitionError
from gnlc.reporting import mail
from gnlc.reporting.enums import (
    EDITABLE_STATES,
    FRAMEWORK_LANGUAGES,
    SEEDED_NAMES,
    WORKFLOW,
    FrameworkStatus,
    Rating,
    ReminderKind,
    ReportState,
    Stage,
)
from gnlc.reporting.querysets import FrameworkVersionQuerySet, PeriodQuerySet, ReportQuerySet

# The framework ---------------------------------------------------------------------------


class Translated(models.Model):
    """A name kept in each of FRAMEWORK_LANGUAGES; `label` is the active language's,
    falling back to English where a translation is missing."""

    name_en = models.CharField(gettext_lazy("name (English)"), max_length=300)
    name_fr = models.CharField(gettext_lazy("name (French)"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def translated(self, prefix: str) -> str:
        language = (get_language() or "en").split("-")[0]
        if language in FRAMEWORK_LANGUAGES:
            value = getattr(self, f"{prefix}_{language}", "")
            if value:
                return value
        english = getattr(self, f"{prefix}_en", "")
        # The seeded names are in the catalogues, for the languages without a field.
        return _(english) if english in SEEDED_NAMES else english

    @property
    def label(self) -> str:
        return self.translated("name")

    def __str__(self):
        return f"{self.code} {self.name_en}"


class FrameworkVersion(models.Model):
    """One version of the Key Features of Learning Cities. A draft is edited by the
    secretariat and then published; a published version is fixed (reporting periods
    point at it): changing it means `new_draft()`, a copy to edit and publish."""

    number = models.PositiveSmallIntegerField(unique=True)
    status = models.CharField(
        max_length=10, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    note = models.TextField(gettext_lazy("what changed"), blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]

    def __str__(self):
        return _("Version %(number)d (%(status)s)") % {
            "number": self.number,
            "status": self.get_status_display().lower(),
        }

    def get_absolute_url(self):
        return reverse("reporting:framework-version", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == FrameworkStatus.DRAFT

    def tree(self):
        """The groups, each with its areas, each with its features: three queries."""
        return self.groups.prefetch_related("areas__features")

    def areas(self):
        return (
            Area.objects.filter(version=self)
            .select_related("group")
            .order_by("group__order", "order")
        )

    def features(self):
        return (
            Feature.objects.filter(version=self)
            .select_related("area")
            .order_by("area__group__order", "area__order", "order")
        )

    @transaction.atomic
    def publish(self) -> None:
        """Fix this draft: from now on periods may use it and it is no longer edited."""
        if not self.is_editable:
            raise ValidationError(_("This version is already published."))
        if not self.groups.exists():
            raise ValidationError(_("An empty framework cannot be published."))
        self.status = FrameworkStatus.PUBLISHED
        self.published_at = timezone.now()
        self.save(update_fields=["status", "published_at"])

    @transaction.atomic
    def new_draft(self) -> "FrameworkVersion":
        """A draft copy of this version (groups, areas, features with their codes, so
        reports on either version can be compared), numbered after the latest."""
        latest = FrameworkVersion.objects.aggregate(n=models.Max("number"))["n"] or 0
        draft = FrameworkVersion.objects.create(number=latest + 1, based_on=self)
        for group in self.tree():
            areas = list(group.areas.all())
            group.pk, group.version = None, draft
            group._state.adding = True
            group.save()
            for area in areas:
                features = list(area.features.all())
                area.pk, area.version, area.group = None, draft, group
                area._state.adding = True
                area.save()
                for feature in features:
                    feature.pk, feature.version, feature.area = None, draft, area
                    feature._state.adding = True
                    feature.save()
        return draft


class Group(Translated):
    """One of the framework's three groups: wider benefits, major building blocks,
    fundamental conditions."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(max_length=40)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="group_unique_code")
        ]


class Area(Translated):
    """An area of focus (twelve in UNESCO's framework). Members write a narrative and
    rate their progress (1 to 5) on each. `code` is kept across versions, so reports on
    different versions compare."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="area_unique_code")]


class Feature(Translated):
    """A key feature within an area of focus, with an optional measure (a number the
    member reports, in `measure_unit`). `code` is kept across versions."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="features")
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField(default=0)
    measure_name_en = models.CharField(
        gettext_lazy("measure (English)"), max_length=300, blank=True
    )
    measure_name_fr = models.CharField(gettext_lazy("measure (French)"), max_length=300, blank=True)
    measure_unit = models.CharField(gettext_lazy("unit"), max_length=40, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="feature_unique_code")
        ]

    @property
    def has_measure(self) -> bool:
        return bool(self.measure_name_en)

    @property
    def measure_label(self) -> str:
        return self.translated("measure_name")


# Periods and reports ---------------------------------------------------------------------


class LifecyclePolicy(models.Model):
    """What happens to a member that does not report, set by the secretariat (one row).

    Reminders start `remind_before_days` before the due date and repeat every
    `overdue_every_days` once it has passed. A new period's grace ends `grace_days`
    after its due date (each period keeps its own grace end). A member whose report is
    still unfiled when the grace ends is suspended the day after; one still suspended
    `suspension_days` later is withdrawn. `active` off pauses both steps."""

    remind_before_days = models.PositiveSmallIntegerField(
        gettext_lazy("first reminder, days before the due date"), default=14
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        gettext_lazy("overdue reminders, every so many days"), default=7
    )
    grace_days = models.PositiveSmallIntegerField(
        gettext_lazy("grace, days after the due date (for new periods)"), default=60
    )
    suspension_days = models.PositiveSmallIntegerField(
        gettext_lazy("days of suspension before withdrawal"), default=180
    )
    active = models.BooleanField(
        gettext_lazy("apply suspensions and withdrawals automatically"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "lifecycle policy"

    def __str__(self):
        return str(_("Lifecycle policy"))

    def clean(self):
        if self.overdue_every_days == 0:
            raise ValidationError({"overdue_every_days": _("At least one day.")})

    @classmethod
    def current(cls) -> "LifecyclePolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class ReportingPeriod(models.Model):
    """A reporting round: every member active on `opens` files one report, by `due`;
    unfiled reports are overdue until `grace_end`, then the lifecycle policy applies.
    Members admitted after `opens` report in the next period."""

    name = models.CharField(gettext_lazy("name"), max_length=100, unique=True)
    framework = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="periods",
        limit_choices_to={"status": FrameworkStatus.PUBLISHED},
        verbose_name=gettext_lazy("framework version"),
    )
    opens = models.DateField(gettext_lazy("opens"))
    due = models.DateField(gettext_lazy("due"))
    grace_end = models.DateField(gettext_lazy("end of grace"))
    word_limit = models.PositiveSmallIntegerField(
        gettext_lazy("words per narrative, at most"), default=500
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-opens", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("due"))
                & models.Q(due__lte=models.F("grace_end")),
                name="period_dates_in_order",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        dates = (self.opens, self.due, self.grace_end)
        if all(dates) and not self.opens < self.due <= self.grace_end:
            raise ValidationError(
                _("The dates must be in order: opens, then due, then the end of grace.")
            )
        if self.framework_id and self.framework.status != FrameworkStatus.PUBLISHED:
            raise ValidationError({"framework": _("Choose a published framework version.")})

    @property
    def isolated_name(self) -> str:
        """The name as a Unicode isolate, for a sentence: two years and a dash keep
        their order in a right-to-left one (unisolated, the years swap places)."""
        return f"\u2068{self.name}\u2069"

    @property
    def heading_name(self) -> str:
        """The name for a heading: isolated, and kept on one line (on a phone, a
        wrapped period name would end a right-to-left line with its dash)."""
        return format_html('<bdi class="reporting-period-name">{}</bdi>', self.name)

    def suspension_on(self) -> dt.date:
        """The day a member with an unfiled report is suspended."""
        return self.grace_end + dt.timedelta(days=1)

    def assign_reports(self) -> int:
        """Create the report of every member active on the day the period opens (and not
        yet given one); return how many were created. Safe to call again."""

        have = set(self.reports.values_list("member_id", flat=True))
        members = Member.objects.active_on(self.opens).exclude(pk__in=have).order_by("pk")
        new = [Report(period=self, member_id=pk) for pk in members.values_list("pk", flat=True)]
        # One insert; reports are audited from their first change, not their creation.
        Report.objects.bulk_create(new, ignore_conflicts=True)
        return len(new)


ATTACHMENTS = "reporting/attachments/"


def framework_layout(tree, previous, area_cells, feature_cells) -> list[dict]:
    """A report's page laid out on its framework (`tree`: the groups): groups, then
    areas, then the areas' measured features, each with the previous report's rating or
    value beside it. `area_cells(area)` and `feature_cells(feature)` give what the page
    shows in each place: a report's answers, or the form's fields."""
    sections = []
    for group in tree:
        areas = []
        for area in group.areas.all():
            old = previous.ratings.get(area.code) if previous else None
            features = [
                {
                    "feature": feature,
                    **feature_cells(feature),
                    "previous": previous.measure_value(feature.code) if previous else None,
                }
                for feature in area.features.all()
                if feature.has_measure
            ]
            areas.append(
                {
                    "area": area,
                    **area_cells(area),
                    "previous_rating": Rating(old).label if old else "",
                    "features": features,
                }
            )
        sections.append({"group": group, "areas": areas})
    return sections


class Report(workflow.Workflow, models.Model):
    """A member's report for a period, written by its coordinators against the period's
    framework version: per area of focus a narrative and a self-assessment (1 to 5), per
    feature with a measure a number. Answers are keyed by the framework's codes, so a
    report compares with the member's previous one across versions."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    member = models.ForeignKey("cities.Member", on_delete=models.PROTECT, related_name="reports")
    state = models.CharField(max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    narratives = models.JSONField(default=dict, blank=True)  # {area code: text}
    ratings = models.JSONField(default=dict, blank=True)  # {area code: 1..5}
    measures = models.JSONField(default=dict, blank=True)  # {feature code: "decimal"}
    # The first submission: a report submitted once counts as filed for the lifecycle,
    # even if it was returned for changes since.
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    # The membership events the lifecycle recorded for this report (so it never records
    # them twice, and a reinstatement is not undone by the next run).
    suspension = models.ForeignKey(
        "cities.MembershipEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal = models.ForeignKey(
        "cities.MembershipEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    TABLE = WORKFLOW

    class Meta:
        ordering = ["-period__opens", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "member"], name="report_one_per_period")
        ]
        indexes = [models.Index(fields=["period", "state"])]

    def __str__(self):
        return f"{self.member} — {self.period}"

    def get_absolute_url(self):
        return reverse("reporting:report", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_filed(self) -> bool:
        return self.submitted_at is not None

    def previous(self):
        """The member's report in the period before this one, or None."""
        return (
            Report.objects.filter(member_id=self.member_id, period__opens__lt=self.period.opens)
            .select_related("period")
            .order_by("-period__opens")
            .first()
        )

    def measure_value(self, code: str) -> Decimal | None:
        raw = self.measures.get(code)
        if raw in (None, ""):
            return None
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            return None

    def sections(self, previous: "Report | None" = None) -> list[dict]:
        """The report laid out on its framework: groups, then areas (narrative, words,
        rating, the previous report's rating), then features (value, previous value)."""
        return framework_layout(
            self.period.framework.tree(),
            previous,
            lambda area: {
                "narrative": self.narratives.get(area.code, ""),
                "words": count_words(self.narratives.get(area.code, "")),
                "rating": Rating(self.ratings[area.code]).label
                if self.ratings.get(area.code)
                else "",
            },
            lambda feature: {"value": self.measure_value(feature.code)},
        )

    def incomplete_areas(self) -> list[dict]:
        """The areas of focus that keep this report from being submitted, in the
        framework's order: every area needs a narrative (within the period's word
        limit) and a rating. Each is {"area", "missing": [{"field": the report form's
        field name, "what": what is missing, in words, "message": the field's error}]}."""
        incomplete = []
        limit = self.period.word_limit
        for area in self.period.framework.areas():
            missing = []
            words = count_words(self.narratives.get(area.code, ""))
            if not words:
                missing.append(
                    {
                        "field": f"narrative_{area.code}",
                        "what": _("the narrative"),
                        "message": _("Write this narrative to submit."),
                    }
                )
            elif words > limit:
                missing.append(
                    {
                        "field": f"narrative_{area.code}",
                        "what": _("a narrative within the word limit"),
                        "message": _("%(words)d words: at most %(max)d.")
                        % {"words": words, "max": limit},
                    }
                )
            if not self.ratings.get(area.code):
                missing.append(
                    {
                        "field": f"rating_{area.code}",
                        "what": _("the self-assessment"),
                        "message": _("Rate your progress to submit."),
                    }
                )
            if missing:
                incomplete.append({"area": area, "missing": missing})
        return incomplete

    def problems_for_submission(self, incomplete: list[dict] | None = None) -> dict[str, str]:
        """{field name: message} of what keeps this report from being submitted (see
        `incomplete_areas`, which may be given when already computed)."""
        if incomplete is None:
            incomplete = self.incomplete_areas()
        return {item["field"]: item["message"] for row in incomplete for item in row["missing"]}

    @staticmethod
    def incomplete_message(incomplete: list[dict]) -> str:
        """The sentence that says which areas keep a report from being submitted, and
        what each lacks. Each area's name is a Unicode isolate: a name in another script
        than the message's (an English area in an Arabic sentence) keeps its own order."""
        between_items = pgettext("between the items of a list", ", ")
        between_areas = pgettext("between the items of a list that hold commas", "; ")
        areas = between_areas.join(
            _("%(area)s: %(missing)s")
            % {
                "area": f"\u2068{row['area'].code}. {row['area'].label}\u2069",
                "missing": between_items.join(str(item["what"]) for item in row["missing"]),
            }
            for row in incomplete
        )
        return _("The report is not complete. Still missing: %(areas)s.") % {"areas": areas}

    # The transition -------------------------------------------------------------------

    def transition(self, to, *, by, comment: str = "", now=None) -> "ReportTransition":
        """Move to state `to` on behalf of `by`, or raise (gnlc.core.workflow).

        PermissionDenied: `by` may not make this move (rules.py); TransitionError: the
        move is not allowed from this state, a comment is missing, the report is not
        complete, or someone changed it meanwhile. Nothing is changed when it raises."""
        return workflow.transition(self, to, by=by, note=comment, now=now)

    # The workflow's own rules (hooks of gnlc.core.workflow.transition).

    def check_move(self, to, move, *, note, now) -> None:
        if to == ReportState.SUBMITTED:
            incomplete = self.incomplete_areas()
            if incomplete:
                raise TransitionError(self.incomplete_message(incomplete))

    def apply_move(self, start, to, *, note, now) -> list[str]:
        if to == ReportState.SUBMITTED and self.submitted_at is None:
            self.submitted_at = now
            return ["submitted_at"]
        if to == ReportState.ACCEPTED:
            self.accepted_at = now
            return ["accepted_at"]
        return []

    def after_move(self, record) -> None:
        mail.send_transition(self, record)

    def stage_on(self, day: dt.date, policy: LifecyclePolicy) -> Stage | None:
        """Where this report stands on the policy's calendar on `day` (None once filed)."""
        if self.is_filed:
            return None
        period = self.period
        if day <= period.due:
            return Stage.OPEN
        if day <= period.grace_end:
            return Stage.OVERDUE
        if self.suspension_id and day >= self.withdrawal_on(policy):
            return Stage.WITHDRAWAL
        return Stage.SUSPENSION

    def withdrawal_on(self, policy: LifecyclePolicy) -> dt.date:
        """The day a member suspended for this report is withdrawn, if still suspended."""
        start = self.suspension.effective_on if self.suspension else self.period.suspension_on()
        return start + dt.timedelta(days=policy.suspension_days)


class ReportTransition(TransitionHistory):
    """One change of a report's state: from, to, by whom, with what comment (`note`),
    when."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(max_length=20, choices=ReportState.choices)
    to_state = models.CharField(max_length=20, choices=ReportState.choices)
    note = models.TextField(blank=True, db_column="comment")

    class Meta(TransitionHistory.Meta):
        pass

    def __str__(self):
        return f"{self.report}: {self.from_state} → {self.to_state}"


class Attachment(models.Model):
    """A file attached to a report (PDF, PNG or JPEG, checked by content), kept in
    private storage and served only through a permission-checked view. `file` is the
    stored name (a plain name rather than a FileField, so the audit log records which
    file was attached, as text)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.CharField(max_length=200, editable=False)
    kind = models.CharField(max_length=10)
    title = models.CharField(gettext_lazy("title"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reporting:attachment", args=[self.pk])

    @classmethod
    def store(cls, report, upload, *, kind: str, title: str, by=None) -> "Attachment":
        """Keep a checked upload (gnlc.core.uploads named it) in private storage."""
        name = private_storage.save(ATTACHMENTS + upload.name, upload)
        return cls.objects.create(report=report, file=name, kind=kind, title=title, uploaded_by=by)

    def open(self):
        return private_storage.open(self.file, "rb")

    def delete(self, *args, **kwargs):
        name = self.file
        result = super().delete(*args, **kwargs)
        if name:
            transaction.on_commit(lambda: private_storage.delete(name))
        return result


class Reminder(models.Model):
    """A reminder e-mailed about a report: its kind, the day and to whom. At most one of
    a kind per report and day, so running `gnlc send-reminders` twice sends once."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)

    class Meta:
        ordering = ["sent_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.report}: {self.kind} {self.sent_on}"
