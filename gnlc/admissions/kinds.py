"""What each kind of call does differently, in one place.

A call (`Call`) selects members (membership), Learning City Award winners (award) or good
practices for the library (practices). The machinery is the call's: dates, status,
applications, nomination, jury, decisions, publication. A `Kind` here says which of it
the call uses and how its pages name the steps; `Call.kind_spec` looks it up from
`call.kind`. Code asks the kind (`call.kind_spec.uses_jury`) and templates read its
labels (`{{ call.kind_spec.publish_label }}`) instead of branching on the kind.

Imports flow enums -> kinds -> models: this module imports no model, so what a kind
does with rows it asks of the call (`Call.admit_members`, `Call.record_wins`)."""

import dataclasses

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from gnlc.admissions import enums
from gnlc.admissions.enums import AWARD_QUOTA_PER_COUNTRY, CallKind

# The dates of a call, in the order they fall (see Call): all six for a selection with a
# jury; a call for good practices asks for three, and the others follow from these.
DATE_FIELDS = (
    "opens_on",
    "closes_on",
    "nomination_deadline",
    "review_opens_on",
    "review_closes_on",
    "announcement_date",
)
PRACTICES_DATE_FIELDS = ("opens_on", "closes_on", "announcement_date")

S = enums.ApplicationState
# The buttons of an application's page that move it to a state, and the award's words.
MOVE_LABELS = {
    S.SUBMITTED: _("Submit"),
    S.WITHDRAWN: _("Withdraw"),
    S.NOMINATED: _("Nominate"),
    S.DECLINED: _("Decline to nominate"),
    S.ADMITTED: _("Admit"),
    S.REJECTED: _("Do not admit"),
    S.WAITLISTED: _("Waitlist"),
}
AWARD_MOVE_LABELS = {
    S.ADMITTED: _("Choose as a winner"),
    S.REJECTED: _("Not chosen"),
    S.WAITLISTED: _("Keep in reserve"),
}


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of call: its defaults, its pages and forms, its words and what publishing
    makes. The base is a call for membership; the other kinds change what differs."""

    value: CallKind
    # Field values a new call of this kind starts with, unless given (`Call.__init__`).
    defaults: dict = dataclasses.field(default_factory=dict)
    date_fields: tuple = DATE_FIELDS
    # URL names of the call's public page and of its entry form (an application, an
    # award entry, or a practice submitted to the call).
    page_url: str = "admissions:call"
    apply_url: str = "admissions:apply"
    # Answered by applications scored by a jury on criteria (not practices).
    uses_jury: bool = True
    # Entries name an existing member, chosen among those the coordinator coordinates.
    enters_members: bool = False
    # The entry form's template (None: entries are made elsewhere, in the library).
    entry_template: str | None = "admissions/application_form.html"
    # How an entry reads (for the jury and the applicant), and what its applicant is told
    # comes next once it is decided.
    body_template: str = "admissions/kinds/membership_body.html"
    outcome_template: str = "admissions/kinds/membership_outcome.html"
    # Whether the call's page invites a visitor to register and apply (not the award:
    # members compete, entered by a coordinator who has an account).
    newcomers_apply: bool = True
    # Names outcomes in the award's words (a winner, not chosen, in reserve: enums), and
    # writes its e-mails from `admissions/mail/<language>/award/` first.
    award_words: bool = False

    apply_label: str = _("Apply")
    open_phase: str = _("Open for applications")
    draft_notice: str = _(
        "A draft: only the secretariat sees it. Check its settings and criteria, then open it."
    )
    # The decisions, as the secretariat's pages and the applicant's page name them.
    consequences_summary: str = _(
        "To admit: %(n)s; to waitlist: %(w)s; to decline: %(d)s; undecided: %(u)s."
    )
    decided_summary: str = _("Admitted: %(n)s; waitlisted: %(w)s; not admitted: %(d)s.")
    per_region: str = _("Admitted per region")
    per_country: str = _("Admitted per country")
    unreviewed: str = _(
        "A city is admitted only once the jury has reviewed it (%(required)d reviews "
        "per application): %(cities)s. Wait for the reviews, or change these decisions."
    )
    publish_label: str = _("Publish the admissions")
    published_together: str = _(
        "Until then nothing is public: at that moment the new members, the directory, the "
        "statistics, the downloads, the API and the scheduled announcement appear together."
    )
    unpublished_count: str = ngettext_lazy(
        "%(n)s admitted city is not a member yet.",
        "%(n)s admitted cities are not members yet.",
        "n",
    )

    def __str__(self):
        return str(self.value.label)

    @property
    def card_template(self) -> str:
        """Who may answer and how, on the list of calls."""
        return f"admissions/kinds/{self.value}_card.html"

    def page(self, call) -> str:
        return reverse(self.page_url, args=[call.pk])

    def entry(self, call) -> str:
        return reverse(self.apply_url, args=[call.pk])

    def state_label(self, state: str) -> str:
        return enums.state_label(state, award=self.award_words)

    def decision_label(self, decision: str) -> str:
        return enums.decision_label(decision, award=self.award_words)

    def decision_choices(self) -> list[tuple[str, str]]:
        return enums.decision_choices(award=self.award_words)

    def recommendation_choices(self) -> list[tuple[str, str]]:
        return enums.recommendation_choices(award=self.award_words)

    def move_label(self, state: str) -> str:
        """The button that moves an application to `state`, in this kind's words."""
        if self.award_words and state in AWARD_MOVE_LABELS:
            return AWARD_MOVE_LABELS[state]
        return MOVE_LABELS.get(state, MOVE_LABELS[S.WAITLISTED])

    def recommendation_code(self, recommendation: str) -> str:
        """A juror's recommendation in the reviews export (the award's own codes)."""
        if self.award_words:
            return enums.AWARD_RECOMMENDATION_CODES.get(recommendation, recommendation)
        return recommendation

    def published_message(self, publication) -> str:
        """What the secretariat is told once `publication` (`Call.materialise`) is out."""
        return _("%(n)d new member(s) published.") % {"n": len(publication.members)}

    def mail_templates(self, state: str) -> list[str]:
        """The e-mail templates for an application of this kind reaching `state`, as
        `gnlc.mail.outbox.render_mail` takes them (`{language}` to fill, no extension):
        the first that exists is written."""
        names = [f"admissions/mail/{{language}}/{state}"]
        if self.award_words:
            names.insert(0, f"admissions/mail/{{language}}/award/{state}")
        return names

    def clean(self, call, errors: dict) -> None:
        """Kind-specific checks and derived fields of `Call.clean` (none here)."""

    def unpublished(self, call, admitted):
        """Among `admitted` applications, those publishing has not made public yet:
        members to make."""
        return admitted.filter(member__isnull=True)

    def publish(self, call, by):
        """Make the admitted applications public (`Call.materialise`): new members, and
        the announcements scheduled with the call."""
        return call.admit_members(by)

    def check_decisions(self, call) -> None:
        """Raise TransitionError where the pending decisions break a rule of the kind."""


@dataclasses.dataclass(frozen=True)
class AwardKind(Kind):
    """The Learning City Award: members compete, at most one winner per country, and
    publishing records the wins."""

    def check_decisions(self, call) -> None:
        call.check_one_winner_per_country()

    def unpublished(self, call, admitted):
        """Winners not recorded yet."""
        return admitted.filter(member__isnull=False).exclude(member__in=call.wins.values("member"))

    def publish(self, call, by):
        return call.record_wins()

    def published_message(self, publication) -> str:
        return _("%(n)d winner(s) recorded.") % {"n": len(publication.wins)}


@dataclasses.dataclass(frozen=True)
class PracticesKind(Kind):
    """A themed call for good practices: answered by library practices, reviewed by
    the secretariat alone; no nomination, no quota, no jury."""

    def clean(self, call, errors: dict) -> None:
        """A theme is needed; the nomination and review dates follow the submission
        deadline and the announcement."""
        if call.theme_id is None:
            errors["theme"] = _("A call for good practices needs a theme.")
        # Practices are reviewed by the secretariat alone: no nomination, no quota.
        call.needs_national_nomination, call.quota_per_country = False, None
        if call.closes_on and call.announcement_date:
            call.nomination_deadline = call.review_opens_on = call.closes_on
            call.review_closes_on = call.announcement_date


MEMBERSHIP = Kind(CallKind.MEMBERSHIP)
AWARD = AwardKind(
    CallKind.AWARD,
    defaults={"quota_per_country": AWARD_QUOTA_PER_COUNTRY},
    apply_url="admissions:apply-award",
    enters_members=True,
    award_words=True,
    entry_template="admissions/award_form.html",
    body_template="admissions/kinds/award_body.html",
    outcome_template="admissions/kinds/award_outcome.html",
    newcomers_apply=False,
    apply_label=_("Enter a member city"),
    consequences_summary=_(
        "Winners: %(n)s; in reserve: %(w)s; not chosen: %(d)s; undecided: %(u)s."
    ),
    decided_summary=_("Winners: %(n)s; in reserve: %(w)s; not chosen: %(d)s."),
    per_region=_("Winners per region"),
    per_country=_("Winners per country"),
    unreviewed=_(
        "A city wins only once the jury has reviewed it (%(required)d reviews "
        "per application): %(cities)s. Wait for the reviews, or change these decisions."
    ),
    publish_label=_("Publish the winners"),
    published_together=_(
        "Until then nothing is public: at that moment the winners appear on their member "
        "pages and in the statistics, all at once."
    ),
    unpublished_count=ngettext_lazy(
        "%(n)s winner is not recorded yet.", "%(n)s winners are not recorded yet.", "n"
    ),
)
PRACTICES = PracticesKind(
    CallKind.PRACTICES,
    defaults={"needs_national_nomination": False, "quota_per_country": None},
    date_fields=PRACTICES_DATE_FIELDS,
    page_url="library:call",
    apply_url="library:call-submit",
    uses_jury=False,
    entry_template=None,
    open_phase=_("Open for submissions"),
    draft_notice=_("A draft: only the secretariat sees it. Check its settings, then open it."),
)

KINDS = {kind.value: kind for kind in (MEMBERSHIP, AWARD, PRACTICES)}


def of(value: str) -> Kind:
    """The kind of call named `value` (a `CallKind`)."""
    return KINDS[value]
