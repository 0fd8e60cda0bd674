"""The good-practice library: practices that member cities write and the secretariat
publishes, their themes, attachments and history, the network's own publications
(documents), and the related practices and peer cities computed offline.

Search: the database keeps a full-text index of practices and documents in step with
every write (gnlc/library/search/ explains both backends). Our code only keeps the two
indexed helper columns of a practice current: `plain_text` (the body without Markdown)
and `search_tags` (its themes, goals, cities and target groups, in words)."""

import html

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.models import User
from gnlc.admissions.enums import CallKind
from gnlc.audit.context import acting_as
from gnlc.core import workflow
from gnlc.core.markdown import render_markdown
from gnlc.core.models import Revision, TransitionHistory, user_or_null
from gnlc.core.storage import get_private_storage
from gnlc.core.workflow import TransitionError, Workflow
from gnlc.library.enums import (
    SDG_NAMES,
    WORKFLOW,
    DocumentKind,
    KeyFeature,
    Language,
    PracticeState,
    TargetGroup,
)
from gnlc.library.querysets import DocumentQuerySet, PracticeQuerySet
from gnlc.library.search import LISTED_TERM, MARK_CLOSE, MARK_OPEN, facet_term
from gnlc.library.search.facets import practice_values
from gnlc.mail.outbox import queue_mail

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_KINDS = {"pdf", "png", "jpeg", "webp"}


def _indexable(text: str) -> str:
    """Text as indexed: without the characters search uses to mark highlights."""
    return (text or "").replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def markdown_to_text(text: str) -> str:
    """The words of a Markdown text, without its markup: what search indexes and shows
    in excerpts."""
    return " ".join(html.unescape(strip_tags(render_markdown(text))).split())


def unique_slug(model, title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "item"
    taken = model.objects.exclude(pk=exclude_pk)
    slug, n = base, 2
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def shared_reasons(shared: dict) -> list[str]:
    """What two practices (or cities) share, as the words shown for "shares: ...":
    themes, goals, target groups, then distinctive terms in quotes."""
    labels = dict(TargetGroup.choices)
    return [
        # Stored as the themes' names when computed: shown in the active language.
        *(_(name) for name in shared.get("themes", [])),
        *(f"SDG {number}" for number in shared.get("sdgs", [])),
        *(str(labels.get(group, group)).lower() for group in shared.get("target_groups", [])),
        *(f"“{term}”" for term in shared.get("terms", [])),
    ]


class Theme(models.Model):
    """One of the network's thematic clusters (literacy, health and well-being...). The
    secretariat edits the list; a data migration seeds the network's clusters."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(gettext_lazy("name"), max_length=120, unique=True)
    description = models.TextField(gettext_lazy("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The theme's name in the active language: the catalogues translate the seeded
        themes (enums.THEME_NAMES); any other name is shown as the secretariat typed it."""
        return _(self.name) if self.name else ""


class Sdg(models.Model):
    """A Sustainable Development Goal, 1 to 17 (rows made by a migration)."""

    number = models.PositiveSmallIntegerField(primary_key=True)

    class Meta:
        ordering = ["number"]
        verbose_name = "SDG"

    def __str__(self):
        return f"SDG {self.number}"

    @property
    def label(self) -> str:
        return f"{self.number}. {SDG_NAMES.get(self.number, '')}"


# What describes a practice besides its text, its cities and their tags: written in the
# editor (forms.PracticeForm) and published as open data (exports), in this order.
DESCRIPTION_FIELDS = (
    "target_groups",
    "key_feature",
    "year_started",
    "year_ended",
    "language",
    "links",
)


class Practice(Workflow, models.Model):
    """A good practice or case study of one member city or several.

    Its state changes only through `transition`; a city coordinator edits only their
    own city's drafts (rules.py). Every save through the edit form and every move leaves
    a `PracticeRevision`, shown as the practice's history; the audit log holds the rest."""

    title = models.CharField(gettext_lazy("title"), max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    summary = models.TextField(
        gettext_lazy("summary"),
        max_length=600,
        help_text=gettext_lazy("Two or three sentences: shown in lists and search results."),
    )
    body = models.TextField(
        gettext_lazy("description"),
        blank=True,
        help_text=gettext_lazy("Markdown: context, what was done, results, lessons learnt."),
    )
    members = models.ManyToManyField(
        "cities.Member", related_name="practices", verbose_name=gettext_lazy("member cities")
    )
    themes = models.ManyToManyField(
        Theme, related_name="practices", blank=True, verbose_name=gettext_lazy("themes")
    )
    sdgs = models.ManyToManyField(
        Sdg, related_name="practices", blank=True, verbose_name=gettext_lazy("SDGs")
    )
    target_groups = models.JSONField(gettext_lazy("target groups"), default=list, blank=True)
    key_feature = models.CharField(
        gettext_lazy("Key Features area"), max_length=30, choices=KeyFeature.choices, blank=True
    )
    year_started = models.PositiveSmallIntegerField(gettext_lazy("active since"))
    year_ended = models.PositiveSmallIntegerField(
        gettext_lazy("active until"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Empty while it runs."),
    )
    language = models.CharField(
        gettext_lazy("language"), max_length=8, choices=Language.choices, default=Language.EN
    )
    links = models.JSONField(gettext_lazy("links"), default=list, blank=True)
    contact_name = models.CharField(gettext_lazy("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(gettext_lazy("contact e-mail"), blank=True)

    state = models.CharField(
        max_length=20,
        choices=PracticeState.choices,
        default=PracticeState.DRAFT,
        editable=False,
    )
    # Why the secretariat last returned it to the draft (empty once it moves on).
    return_reason = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_demo = models.BooleanField(
        default=False, help_text="Synthetic content made by `gnlc demo`: shown with a badge."
    )
    created_by = user_or_null(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Indexed by the database's full-text search, kept current by save() and reindex().
    plain_text = models.TextField(blank=True, editable=False)
    search_tags = models.TextField(blank=True, editable=False)
    # Its facet values as index terms (search.facet_term), for the filters: empty unless
    # published, like its rows of the facet table.
    facet_terms = models.TextField(blank=True, editable=False)
    # The themed call for practices (gnlc.admissions, kind "practices") it answers, if
    # any: set by `submit_to_call`; submitting again is held to the call's deadline.
    call = models.ForeignKey(
        "admissions.Call",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="practices",
        limit_choices_to={"kind": "practices"},
        verbose_name=gettext_lazy("call for practices"),
    )

    objects = PracticeQuerySet.as_manager()

    TABLE = WORKFLOW

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [
            # With the id: the listing's order (newest first, then id) read from the index.
            models.Index(
                fields=["state", "published_at", "id"], name="practice_state_published_id"
            ),
            models.Index(fields=["state", "language"], name="practice_state_language"),
            models.Index(fields=["state", "year_started"], name="practice_state_year"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_ended__isnull=True)
                | models.Q(year_ended__gte=models.F("year_started")),
                name="practice_years_in_order",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:practice", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.state == PracticeState.PUBLISHED

    @property
    def is_listed(self) -> bool:
        """Whether the public library lists it (archived practices keep their page)."""
        return self.state == PracticeState.PUBLISHED

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(value, value)) for value in self.target_groups]

    def years_label(self) -> str:
        if self.year_ended == self.year_started:
            return str(self.year_started)
        return f"{self.year_started}–{self.year_ended or ''}"

    def compute_search_tags(self) -> str:
        """Themes, goals, cities, countries, target groups and Key Features area in
        words, so "literacy", "SDG 4" or a city's name find the practice."""
        if self.pk is None:
            return ""
        with_language = [
            *(theme.name for theme in self.themes.all()),
            *(f"SDG {sdg.number} {SDG_NAMES[sdg.number]}" for sdg in self.sdgs.all()),
            *(f"{m.name} {m.country.name}" for m in self.members.select_related("country")),
            *self.target_group_labels(),
        ]
        if self.key_feature:
            with_language.append(str(KeyFeature(self.key_feature).label))
        return _indexable(" · ".join(str(text) for text in with_language))

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Practice, self.title, exclude_pk=self.pk)
        self.plain_text = _indexable(markdown_to_text(self.body))
        self.search_tags = self.compute_search_tags()
        facets = self.facet_values()
        self.facet_terms = self.compute_facet_terms(facets)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "plain_text", "search_tags", "facet_terms"}
        new = self.pk is None
        super().save(*args, **kwargs)
        if new:  # its facet values need its id (its cities, themes and goals)
            facets = self.facet_values()
            terms = self.compute_facet_terms(facets)
            if terms != self.facet_terms:
                self.facet_terms = terms
                Practice.objects.filter(pk=self.pk).update(facet_terms=terms)
        self.refresh_facets(facets)

    def reindex(self) -> None:
        """Refresh the indexed tags after its themes, goals or cities changed (many-to-
        many changes do not call save); the database updates its index from the row."""
        self.search_tags = self.compute_search_tags()
        facets = self.facet_values()
        self.facet_terms = self.compute_facet_terms(facets)
        Practice.objects.filter(pk=self.pk).update(
            search_tags=self.search_tags, facet_terms=self.facet_terms
        )
        self.refresh_facets(facets)

    def facet_values(self) -> set[tuple[str, str]]:
        """Its (facet, value) pairs as the search filters and counts them: none unless
        published (the public search lists nothing else)."""
        if self.pk is None or self.state != PracticeState.PUBLISHED:
            return set()
        return practice_values(self)

    def compute_facet_terms(self, facets=None) -> str:
        """Its facet values as the index's terms, sorted (see search.facet_term)."""
        if facets is None:
            facets = self.facet_values()
        terms = {facet_term(facet, value) for facet, value in facets}
        return " ".join(sorted(terms | {LISTED_TERM} if terms else terms))

    def refresh_facets(self, wanted=None) -> None:
        """Rewrite its rows of the facet table (`wanted`: its facet_values(), if known)
        and bump the library's data revision (so cached searches are recomputed).
        Called by save() and reindex()."""
        if wanted is None:
            wanted = self.facet_values()
        rows = PracticeFacet.objects.filter(practice_id=self.pk)
        have = set(rows.values_list("facet", "value"))
        if wanted != have:
            rows.filter(
                pk__in=[
                    pk
                    for pk, *pair in rows.values_list("pk", "facet", "value")
                    if tuple(pair) not in wanted
                ]
            ).delete()
            PracticeFacet.objects.bulk_create(
                PracticeFacet(practice_id=self.pk, facet=facet, value=value)
                for facet, value in wanted - have
            )
        LibraryRevision.bump()

    # Workflow -----------------------------------------------------------------------

    @transaction.atomic
    def transition(self, to, *, by, reason: str = "") -> "PracticeRevision":
        """The one way a practice's state changes (gnlc.core.workflow): submit, publish,
        return (with a reason), archive or publish again. Refuses a move the workflow
        does not have (TransitionError, a ValidationError) or the user may not make
        (PermissionDenied); saves, leaves a revision and an audit entry, and mails the
        city's coordinators on commit when the practice is published or returned."""
        return workflow.transition(self, to, by=by, note=reason)

    # The workflow's own rules (hooks of gnlc.core.workflow.transition).

    def check_move(self, to, move, *, note, now) -> None:
        if to == PracticeState.SUBMITTED and not self.members.exists():
            raise TransitionError(_("Name at least one member city before submitting."))
        if to == PracticeState.SUBMITTED and self.call_id:
            refusal = call_refusal(self.call)
            if refusal:
                raise TransitionError(refusal)

    def apply_move(self, start, to, *, note, now) -> list[str]:
        self.return_reason = note if to == PracticeState.DRAFT else ""
        if to == PracticeState.PUBLISHED and self.published_at is None:
            self.published_at = now
        return ["return_reason", "published_at"]

    def after_move(self, record) -> None:
        if record.to_state in (PracticeState.PUBLISHED, PracticeState.DRAFT):
            self.notify_city(record)

    @transaction.atomic
    def submit_to_call(self, call, *, by) -> "PracticeRevision":
        """Answer a themed call for practices: link the draft to `call` and submit it
        through `transition` (which asks the permission and checks the call's deadline
        in its time zone). Refuses (ValidationError, saying why) a call of another kind,
        a call not open now, or a practice that is not a draft."""
        refusal = call_refusal(call)
        if refusal:
            raise ValidationError(refusal)
        if self.state != PracticeState.DRAFT:
            raise ValidationError(_("Only a draft can be submitted to a call."))
        if self.call_id not in (None, call.pk):
            raise ValidationError(
                _("“%(title)s” already answers the call “%(call)s”.")
                % {"title": self.title, "call": self.call.title}
            )
        previous, self.call = self.call, call
        try:
            with acting_as(by):
                self.save(update_fields=["call", "updated_at"])
            return self.transition(PracticeState.SUBMITTED, by=by)
        except Exception:
            self.call = previous  # the database rolls back; keep the object in step
            raise

    def coordinator_languages(self) -> dict[str, str]:
        """{e-mail: language} of its cities' coordinators and of its author."""

        users = User.objects.filter(is_active=True).filter(
            models.Q(roles__kind=RoleKind.COORDINATOR, roles__member__practices=self)
            | models.Q(pk=self.created_by_id or 0)
        )
        return dict(users.values_list("email", "language"))

    def notify_city(self, revision: "PracticeRevision") -> None:
        """Tell its cities' coordinators, each in their own language, that it was
        published or returned."""
        published = revision.to_state == PracticeState.PUBLISHED
        template = "library/mail/published" if published else "library/mail/returned"
        context = {"practice": self, "reason": revision.note}
        for email, language in sorted(self.coordinator_languages().items()):
            queue_mail(email, template, context, language=language or "en")

    def record_edit(self, by, fields) -> "PracticeRevision | None":
        """A history entry for an edit of `fields` (names), if any changed."""
        fields = [name for name in fields if name]
        if not fields:
            return None
        return PracticeRevision.objects.create(
            practice=self,
            by=by if getattr(by, "pk", None) else None,
            fields=fields,
            from_state=self.state,
            to_state=self.state,
        )


def call_refusal(call, now=None) -> str | None:
    """Why practices cannot be submitted to `call` now, or None: it must be a call for
    practices, open at this moment in its own time zone (`Call.is_open`, the admission
    cycle's deadline rule: the closing day lasts until midnight there)."""

    context = {"call": call.title, "zone": call.time_zone}
    if call.kind != CallKind.PRACTICES:
        return _("“%(call)s” is not a call for good practices.") % context
    if call.is_open(now):
        return None
    if not call.is_public or call.archived_at:
        return call.submission_refusal(now)  # a draft or an archived call: it says why
    if (now or timezone.now()) < call.start_of(call.opens_on):
        return _("The call “%(call)s” opens on %(day)s (%(zone)s).") % {
            **context,
            "day": call.opens_on.isoformat(),
        }
    if call.closed_at and call.closed_at < call.end_of(call.closes_on):
        return call.submission_refusal(now)  # closed early by the secretariat
    return _(
        "The call “%(call)s” closed at midnight at the end of %(day)s (%(zone)s): it "
        "no longer takes practices."
    ) % {**context, "day": call.closes_on.isoformat()}


class PracticeAttachment(models.Model):
    """A PDF or image attached to a practice, checked by content and size when uploaded
    (gnlc.core.uploads). Kept in private storage: served after a permission check, so a
    draft's files are no more public than the draft."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(gettext_lazy("title"), max_length=200, blank=True)
    file = models.FileField(storage=get_private_storage, upload_to="library/practices/")
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.title or self.file.name.rsplit("/", 1)[-1]

    def get_absolute_url(self):
        return reverse("library:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.kind in {"png", "jpeg", "webp"}


class PracticeRevision(TransitionHistory):
    """One step of a practice's history: an edit (which fields changed) or a move
    between states (with the reason, when returned). Its columns keep their first
    names (`actor`, `created_at`, `state_from`, `state_to`, `reason`)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(auto_now_add=True, db_column="created_at")
    by = user_or_null(db_column="actor_id")
    fields = models.JSONField(default=list, blank=True)
    from_state = models.CharField(
        max_length=20, choices=PracticeState.choices, db_column="state_from"
    )
    to_state = models.CharField(max_length=20, choices=PracticeState.choices, db_column="state_to")
    note = models.TextField(blank=True, db_column="reason")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.practice}: {self.from_state} -> {self.to_state}"

    @property
    def is_creation(self) -> bool:
        return self.fields == ["created"]

    @property
    def field_labels(self) -> list[str]:
        """The changed fields' names as the editor labels them, each once."""
        labels = {
            field.name: str(field.verbose_name)
            for field in Practice._meta.get_fields()
            if hasattr(field, "verbose_name")
        }
        labels["attachment"] = labels["remove_attachments"] = _("attachments")
        return list(dict.fromkeys(str(labels.get(name, name)) for name in self.fields))


class Document(models.Model):
    """A publication of the network (report, guidelines, collection of case studies),
    a PDF in the same library and the same search as practices."""

    title = models.CharField(gettext_lazy("title"), max_length=300)
    slug = models.SlugField(max_length=220, unique=True)
    kind = models.CharField(gettext_lazy("type"), max_length=20, choices=DocumentKind.choices)
    language = models.CharField(
        gettext_lazy("language"), max_length=8, choices=Language.choices, default=Language.EN
    )
    year = models.PositiveSmallIntegerField(gettext_lazy("year"))
    summary = models.TextField(gettext_lazy("summary"), blank=True)
    file = models.FileField(storage=get_private_storage, upload_to="library/documents/")
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:document-file", args=[self.slug])

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Document, self.title, exclude_pk=self.pk)
        self.title, self.summary = _indexable(self.title), _indexable(self.summary)
        super().save(*args, **kwargs)


class RelatedPractice(models.Model):
    """A published practice alike another, by text and tags (`gnlc compute-related`),
    with what they share, shown as the reason."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="related")
    other = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    shared = models.JSONField(default=dict)

    class Meta:
        ordering = ["-score", "other_id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "other"], name="related_practice_unique")
        ]

    def __str__(self):
        return f"{self.practice} ~ {self.other}"

    @property
    def reasons(self) -> list[str]:
        return shared_reasons(self.shared)


class PeerCity(models.Model):
    """A member city alike another, by its profile and published practices (`gnlc
    compute-related`), with what they share."""

    member = models.ForeignKey("cities.Member", on_delete=models.CASCADE, related_name="peers")
    peer = models.ForeignKey("cities.Member", on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    shared = models.JSONField(default=dict)

    class Meta:
        ordering = ["-score", "peer_id"]
        verbose_name_plural = "peer cities"
        constraints = [models.UniqueConstraint(fields=["member", "peer"], name="peer_city_unique")]

    def __str__(self):
        return f"{self.member} ~ {self.peer}"

    @property
    def reasons(self) -> list[str]:
        return shared_reasons(self.shared)


class PracticeFacet(models.Model):
    """One (facet, value) of a published practice: its language, starting year, Key
    Features area, each theme (id), SDG (number), country (ISO code) and region (slug).

    Denormalised from the practice and its many-to-many tables (kept by
    `Practice.refresh_facets`, re-made in bulk by `gnlc rebuild-search`), so that a
    filter is one index lookup and every facet is counted in one grouped query over the
    matching practices. A practice of two cities in one country has one country row."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="facets", db_index=False
    )
    facet = models.CharField(max_length=12)
    value = models.CharField(max_length=80)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "facet", "value"], name="practice_facet_unique"
            )
        ]
        indexes = [
            models.Index(fields=["facet", "value", "practice"], name="practice_facet_lookup")
        ]

    def __str__(self):
        return f"{self.practice_id} {self.facet}={self.value}"


class LibraryRevision(Revision):
    """The revision of the library's practices (and themes): cached searches key on it,
    so no server serves a stale page after an edit."""
