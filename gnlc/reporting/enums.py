"""The reporting cycle's vocabulary: framework versions, report states and their moves,
reminder kinds and the self-assessment scale. Models, rules and forms read these."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gnlc.core.workflow import Move, Table

# The languages the framework's names are kept in (one `name_<code>` field each); other
# languages fall back to English.
FRAMEWORK_LANGUAGES = ("en", "fr")
# The English names of version 1 of the Key Features, as the migration that seeds it
# (0002_key_features) writes them: marked so that the catalogues translate them. A
# language without a name field (Spanish, Arabic) shows these translations
# (`Translated.translated`); a name the secretariat types shows as typed.
SEEDED_NAMES = frozenset(
    {
        gettext_noop("Wider benefits of building a learning city"),
        gettext_noop("Major building blocks of a learning city"),
        gettext_noop("Fundamental conditions for building a learning city"),
        gettext_noop("Individual empowerment and social cohesion"),
        gettext_noop("Economic development and cultural prosperity"),
        gettext_noop("Sustainable development"),
        gettext_noop("Inclusive learning in the education system"),
        gettext_noop("Re-vitalised learning in families and communities"),
        gettext_noop("Effective learning for and in the workplace"),
        gettext_noop("Extended use of modern learning technologies"),
        gettext_noop("Enhanced quality in learning"),
        gettext_noop("A vibrant culture of learning throughout life"),
        gettext_noop("Strong political will and commitment"),
        gettext_noop("Governance and participation of all stakeholders"),
        gettext_noop("Mobilisation and utilisation of resources"),
    }
)
ATTACHMENT_KINDS = {"pdf", "png", "jpeg"}
ATTACHMENT_MAX_MB = 10


class FrameworkStatus(models.TextChoices):
    """A framework version is edited as a draft, then published; a published version is
    never edited again (reporting periods point at it), a new draft is made instead."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ReportState(models.TextChoices):
    """Where a report stands. `Report.transition` is the only writer; the allowed moves
    are `WORKFLOW` below."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


S = ReportState
EDITABLE_STATES = (S.DRAFT, S.RETURNED)
# (from, to) -> the move: the permission asked of the acting user (rules.py), and
# whether a comment must say what needs changing.
MOVES = {
    (S.DRAFT, S.SUBMITTED): Move("reporting.submit_report"),
    (S.RETURNED, S.SUBMITTED): Move("reporting.submit_report"),
    (S.SUBMITTED, S.RETURNED): Move("reporting.review_report", needs_note=True),
    (S.SUBMITTED, S.ACCEPTED): Move("reporting.review_report"),
}
WORKFLOW = Table(
    states=ReportState,
    moves=MOVES,
    not_allowed=_("A report that is %(state)s cannot become %(to)s."),
    stale=_("Someone changed this report meanwhile: it is now %(state)s."),
    note_missing=_("Say what needs changing."),
)


class Rating(models.IntegerChoices):
    """The member's self-assessment of its progress in one area of focus."""

    NOT_STARTED = 1, _("1 — Not started")
    PLANNING = 2, _("2 — Planning")
    STARTED = 3, _("3 — Started")
    ADVANCED = 4, _("4 — Advanced")
    ESTABLISHED = 5, _("5 — Established")


class ReminderKind(models.TextChoices):
    """Why a reminder was sent: the due date is near, or it has passed."""

    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class Stage(models.TextChoices):
    """Where an unfiled report stands on the lifecycle policy's calendar."""

    OPEN = "open", _("Open")
    OVERDUE = "overdue", _("Overdue, in grace")
    SUSPENSION = "suspension", _("Past grace: suspension")
    WITHDRAWAL = "withdrawal", _("Suspended too long: withdrawal")
