"""The one workflow kernel: how a record's state changes, for every workflow of the site
(applications, reports, practices).

A workflow is a model that inherits `Workflow` and points `TABLE` at its `Table` (in its
app's enums.py): its states, its moves {(from, to): Move} and its words for a refusal.
`transition(record, to, by=user, note=...)` is the one way its state changes (STYLE.md
rule 5), always in this order:

1. the move exists from the current state (else TransitionError);
2. the user holds the move's permission (else PermissionDenied);
3. a note is given where the move needs one;
4. the workflow's own rule (`check_move`: a deadline, completeness...);
5. in one transaction: the workflow's locked rule (`check_locked`: a quota, one winner
   per country), the record's row locked (select_for_update) and its stored state
   compared with the one the user saw (a stale page is refused), the save (audited as
   the user), the history row (`TransitionHistory`);
6. the follow-up (`after_move`: mail) once the transaction commits.

Nothing is changed when it raises. What differs between workflows lives in the
workflow's hooks, never here."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from gnlc.audit.context import acting_as


@dataclass(frozen=True)
class Move:
    """One allowed move: the permission asked of the user (the app's rules.py), the
    button's label, whether a note (a reason, a comment) must be given, and the
    deadline it must come before (a name the workflow's `check_move` reads; None for
    none)."""

    perm: str
    label: str = ""
    needs_note: bool = False
    deadline: str | None = None


class TransitionError(ValidationError):
    """A move the record cannot make now; `message` says why, for the user. A
    ValidationError, so a form shows it like any other (`field` puts it on a field)."""

    def __init__(self, message, field: str | None = None):
        super().__init__({field: [message]} if field else message)
        self.message = message


@dataclass(frozen=True)
class Table:
    """A workflow's table: its states (TextChoices), its moves {(from, to): Move}, and
    its refusals in its own words: `not_allowed` (a move it does not have, from
    `%(state)s`, also named `%(start)s`, to `%(to)s`), `stale` (someone moved the record
    to `%(state)s` since the user saw it), `note_missing` (on the form field
    `note_field`, if given). `history`: the related name of its TransitionHistory rows."""

    states: type[models.TextChoices]
    moves: dict
    not_allowed: str
    stale: str
    note_missing: str
    note_field: str | None = None
    history: str = "history"


class Workflow:
    """A model whose `state` changes only through `transition` (a mixin before
    models.Model: `class Report(Workflow, models.Model)`). A subclass sets `TABLE` and
    overrides the hooks below where its rules differ."""

    TABLE: Table

    def allowed_moves(self, user) -> list[tuple[str, Move]]:
        """[(target state, Move)] `user` may make from the current state (for buttons;
        a move may still be refused now by the workflow's rules)."""
        return [
            (self.TABLE.states(to), move)
            for (start, to), move in self.TABLE.moves.items()
            if start == self.state and user.has_perm(move.perm, self)
        ]

    def allowed_states(self, user) -> list:
        """The states `user` could move this record to (see `allowed_moves`)."""
        return [to for to, _move in self.allowed_moves(user)]

    # Hooks ------------------------------------------------------------------------

    def state_name(self, state) -> str:
        """A state's name, lower case, inside a sentence."""
        return str(self.TABLE.states(state).label).lower()

    def check_move(self, to, move: Move, *, note: str, now) -> None:
        """Raise TransitionError if the workflow's own rules refuse the move now
        (before any lock)."""

    def check_locked(self, to, *, now) -> None:
        """Raise TransitionError if a rule that needs a lock refuses the move; called
        inside the transaction, before the record's row is locked."""

    def apply_move(self, start, to, *, note: str, now) -> list[str]:
        """Set what the move changes besides the state; return those fields' names."""
        return []

    def after_move(self, record) -> None:
        """The follow-up (mail), run once the transaction has committed."""


def transition(subject: Workflow, to, *, by, note: str = "", now=None):
    """Move `subject` to state `to` on behalf of `by`, or raise (see the module's
    docstring for the order of the checks); return the history row it wrote."""
    table = subject.TABLE
    to = table.states(to)
    start = table.states(subject.state)
    now = now or timezone.now()
    move = table.moves.get((start, to))
    if move is None:
        name = subject.state_name(start)
        raise TransitionError(
            table.not_allowed % {"state": name, "start": name, "to": subject.state_name(to)}
        )
    if not by.has_perm(move.perm, subject):
        raise PermissionDenied
    note = note.strip()
    if move.needs_note and not note:
        raise TransitionError(str(table.note_missing), field=table.note_field)
    subject.check_move(to, move, note=note, now=now)

    with transaction.atomic():
        subject.check_locked(to, now=now)
        current = (
            type(subject)
            .objects.select_for_update()
            .filter(pk=subject.pk)
            .values_list("state", flat=True)
            .get()
        )
        if current != subject.state:
            raise TransitionError(table.stale % {"state": subject.state_name(current)})
        fields = subject.apply_move(start, to, note=note, now=now)
        subject.state = to
        with acting_as(by):
            subject.save(update_fields=["state", "updated_at", *fields])
        record = getattr(subject, table.history).create(
            from_state=start, to_state=to, by=by, note=note
        )
        transaction.on_commit(lambda: subject.after_move(record))
    return record


class TransitionForm(forms.Form):
    """A button that moves a record: the target state (hidden) and an optional note,
    posted under the workflow's own name for it (`reason`, `comment`)."""

    to = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, note_name: str = "reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.note_name = note_name
        self.fields[note_name] = forms.CharField(required=False, widget=forms.Textarea)

    @property
    def note(self) -> str:
        return self.cleaned_data[self.note_name]


def post_transition(request, subject: Workflow, form: TransitionForm, *, done):
    """Make the move a transition form posted, telling the user the outcome (`done()`:
    the success message, read after the move). Returns a 400 response for a move that
    names no state of the workflow, else None: the caller redirects."""
    if not form.is_valid() or form.cleaned_data["to"] not in subject.TABLE.states.values:
        return HttpResponse(_("Unknown move."), status=400)
    try:
        transition(subject, form.cleaned_data["to"], by=request.user, note=form.note)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done())
    return None
