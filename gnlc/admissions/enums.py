"""The admission cycle's vocabulary: kinds of call, application states, review and
conflict choices, decisions and outbox statuses. Models, rules and forms read these."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gnlc.core.workflow import Move, Table

MOTIVATION_MAX_WORDS = 200
LETTER_MAX_MB = 10

# The Learning City Award: each National Commission nominates at most this many cities
# (the default quota of an award call); a candidate must have been a member for more
# than this many months when the call opens, and not have won in the last so many years.
AWARD_QUOTA_PER_COUNTRY = 2
AWARD_MEMBERSHIP_MONTHS = 12
AWARD_REPEAT_YEARS = 6


class CallKind(models.TextChoices):
    """What a call selects. The machinery (application, nomination, jury, decisions) is
    the same for each; what each kind does differently is in `gnlc/admissions/kinds.py`."""

    MEMBERSHIP = "membership", _("Membership")
    AWARD = "award", _("Learning City Award")
    PRACTICES = "practices", _("Call for good practices")


class CallStatus(models.TextChoices):
    """Where a call stands for the secretariat, on top of its dates (`Call.status`).

    A draft is being prepared: only the secretariat sees it, nobody applies. Opening
    makes it public (its dates then say when cities apply). Archiving takes it out of the
    lists; it stays readable at its address (a draft archived stays unseen)."""

    DRAFT = "draft", _("Draft")
    PUBLIC = "public", _("Public")
    ARCHIVED = "archived", _("Archived")


class PeerVisibility(models.TextChoices):
    """When a juror may read the other jurors' reviews of an application."""

    NEVER = "never", _("Never")
    AFTER_OWN = "after_own", _("After submitting their own")
    ALWAYS = "always", _("Always")


class ApplicationState(models.TextChoices):
    """Where an application stands. `Application.transition` is the only writer; the
    allowed moves are `WORKFLOW` below."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    NOMINATED = "nominated", _("Nominated")
    DECLINED = "declined", _("Declined by the National Commission")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ADMITTED = "admitted", _("Admitted")
    REJECTED = "rejected", _("Not admitted")
    WAITLISTED = "waitlisted", _("Waitlisted")


S = ApplicationState

# States in which an application still counts as "open" for its city in its call (a
# second application for the same city is refused while one of these exists).
OPEN_STATES = (S.DRAFT, S.SUBMITTED, S.NOMINATED, S.WAITLISTED, S.ADMITTED)
# States the jury works on, and National Commissions see (never a draft).
REVIEWABLE_STATES = (S.NOMINATED, S.ADMITTED, S.REJECTED, S.WAITLISTED)
# States that take a place in the country's nomination quota: nominated, and decided since.
QUOTA_STATES = (S.NOMINATED, S.ADMITTED, S.REJECTED, S.WAITLISTED)
EDITABLE_STATES = (S.DRAFT, S.SUBMITTED)


class Deadline(models.TextChoices):
    """The call's deadline a move must come before (checked in the call's time zone)."""

    CLOSES = "closes_on", _("submission deadline")
    NOMINATION = "nomination_deadline", _("nomination deadline")


# (from, to) -> the move: the permission asked of the acting user (rules.py), the note
# it needs, the call's deadline it must precede (None: no deadline).
MOVES = {
    (S.DRAFT, S.SUBMITTED): Move("admissions.submit_application", deadline=Deadline.CLOSES),
    (S.DRAFT, S.WITHDRAWN): Move("admissions.withdraw_application"),
    (S.SUBMITTED, S.WITHDRAWN): Move("admissions.withdraw_application"),
    (S.NOMINATED, S.WITHDRAWN): Move("admissions.withdraw_application"),
    (S.SUBMITTED, S.NOMINATED): Move(
        "admissions.nominate_application", deadline=Deadline.NOMINATION
    ),
    (S.SUBMITTED, S.DECLINED): Move(
        "admissions.nominate_application", needs_note=True, deadline=Deadline.NOMINATION
    ),
    (S.NOMINATED, S.ADMITTED): Move("admissions.decide_application"),
    (S.NOMINATED, S.REJECTED): Move("admissions.decide_application"),
    (S.NOMINATED, S.WAITLISTED): Move("admissions.decide_application"),
    (S.WAITLISTED, S.ADMITTED): Move("admissions.decide_application"),
    (S.WAITLISTED, S.REJECTED): Move("admissions.decide_application"),
}
WORKFLOW = Table(
    states=ApplicationState,
    moves=MOVES,
    not_allowed=_("An application that is %(state)s cannot become %(to)s."),
    stale=_("Someone changed this application meanwhile: it is now %(state)s."),
    note_missing=_("Give a reason."),
)


class Language(models.TextChoices):
    """The language the network writes to a city in: the platform's four languages.
    Each has its e-mail templates (`templates/admissions/mail/<language>/`)."""

    EN = "en", _("English")
    FR = "fr", _("French")
    ES = "es", _("Spanish")
    AR = "ar", _("Arabic")


class Recommendation(models.TextChoices):
    ADMIT = "admit", _("Admit")
    DO_NOT_ADMIT = "do_not_admit", _("Do not admit")


class ConflictKind(models.TextChoices):
    """Why a juror may not review an application. Same country is found automatically
    (the juror's country is the applicant's); the others are declared."""

    SAME_COUNTRY = "same_country", _("Same country")
    INSTITUTIONAL = "institutional", _("Institutional")
    PERSONAL = "personal", _("Personal")
    OTHER = "other", _("Other")


class ConflictDecision(models.TextChoices):
    """The secretariat's word on a conflict. Pending counts as a conflict: a juror is
    kept away until someone decides otherwise."""

    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    OVERRIDDEN = "overridden", _("Overridden")


class ProfileChangeState(models.TextChoices):
    """Where a juror's change to a conflict-deciding fact stands."""

    PENDING = "pending", _("Waiting for the secretariat")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DecisionKind(models.TextChoices):
    """The secretariat's pending decision on a nominated application."""

    ADMIT = "admit", _("Admit")
    DECLINE = "decline", _("Decline")
    WAITLIST = "waitlist", _("Waitlist")


# The award's words for what membership calls "admit", "decline" and "waitlist": a city
# wins, is not chosen, or is kept in reserve (pages, e-mails and the CSV export).
AWARD_DECISION_LABELS = {
    DecisionKind.ADMIT: _("Winner"),
    DecisionKind.DECLINE: _("Not chosen"),
    DecisionKind.WAITLIST: _("Reserve"),
}
AWARD_STATE_LABELS = {
    S.ADMITTED: _("Winner"),
    S.REJECTED: _("Not chosen"),
    S.WAITLISTED: _("Reserve"),
}
AWARD_RECOMMENDATION_LABELS = {
    Recommendation.ADMIT: _("Recommend as a winner"),
    Recommendation.DO_NOT_ADMIT: _("Do not recommend"),
}

# The reviews export's recommendation column, in the award's words for an award call.
AWARD_RECOMMENDATION_CODES = {
    Recommendation.ADMIT: "winner",
    Recommendation.DO_NOT_ADMIT: "not_chosen",
}


def state_label(state: str, *, award: bool) -> str:
    """The name of an application state, in the award's words for an award call."""
    if award and state in AWARD_STATE_LABELS:
        return AWARD_STATE_LABELS[state]
    return ApplicationState(state).label


def decision_label(decision: str, *, award: bool) -> str:
    """The name of a pending decision, in the award's words for an award call."""
    return AWARD_DECISION_LABELS[decision] if award else DecisionKind(decision).label


def _choices(choices, award_labels: dict, award: bool) -> list[tuple[str, str]]:
    """`choices` (TextChoices), in the award's words (`award_labels`) for an award call."""
    if award:
        return [(value, award_labels[value]) for value in choices.values]
    return list(choices.choices)


def decision_choices(*, award: bool) -> list[tuple[str, str]]:
    """The secretariat's decision choices, in the award's words for an award call."""
    return _choices(DecisionKind, AWARD_DECISION_LABELS, award)


def recommendation_choices(*, award: bool) -> list[tuple[str, str]]:
    """A juror's recommendation choices, in the award's words for an award call."""
    return _choices(Recommendation, AWARD_RECOMMENDATION_LABELS, award)


DECISION_STATE = {
    DecisionKind.ADMIT: S.ADMITTED,
    DecisionKind.DECLINE: S.REJECTED,
    DecisionKind.WAITLIST: S.WAITLISTED,
}


class PublicationState(models.TextChoices):
    """Where the publication of a call's decisions stands (`Call.publication_state`).
    Nothing is public before the announcement's instant: until then a requested
    publication is only scheduled."""

    NOTHING = "nothing", _("Nothing to publish")
    READY = "ready", _("Ready to publish")
    SCHEDULED = "scheduled", _("Scheduled")
    # Requested and the instant has passed: the next run of `gnlc publish-announcements`
    # (or a click on Publish) makes it public.
    DUE = "due", _("Due now")
    PUBLISHED = "published", _("Published")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for review")
    SENT = "sent", _("Sent")
    DISCARDED = "discarded", _("Discarded")


# Challenges a city rates 1 (minor) to 5 (major) in its application.
CHALLENGES = {
    "literacy": _("Literacy and basic skills"),
    "digital": _("Digital skills and access"),
    "employment": _("Employment and skills for work"),
    "inclusion": _("Inclusion of vulnerable groups"),
    "health": _("Health and well-being"),
    "environment": _("Environment and climate"),
}
