"""The workflow kernel (gnlc.core.workflow), through the library's practices: the
smallest workflow, whose own rules (a member city to submit) stay out of these tests'
way. Each app's tests cover its own rules."""

import pytest
import rules
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gnlc.admissions.models import Application
from gnlc.core import workflow
from gnlc.core.workflow import Move, TransitionError, TransitionForm
from gnlc.library.enums import PracticeState
from gnlc.library.models import Practice, PracticeRevision
from gnlc.library.tests.factories import PracticeFactory
from gnlc.reporting.models import Report

pytestmark = pytest.mark.django_db
DRAFT, SUBMITTED, PUBLISHED = PracticeState.DRAFT, PracticeState.SUBMITTED, PracticeState.PUBLISHED


@pytest.fixture
def submitted(member, coordinator):
    return PracticeFactory(state=SUBMITTED, members=[member], created_by=coordinator)


def test_transition_refused_permission_raises_and_changes_nothing(submitted, coordinator):
    with pytest.raises(PermissionDenied):
        workflow.transition(submitted, PUBLISHED, by=coordinator)

    assert Practice.objects.get(pk=submitted.pk).state == SUBMITTED
    assert PracticeRevision.objects.count() == 0


def test_transition_not_in_the_table_is_refused_in_the_workflows_words(submitted, secretariat):
    with pytest.raises(TransitionError) as refused:
        workflow.transition(submitted, PracticeState.ARCHIVED, by=secretariat)

    assert refused.value.message == "A submitted practice cannot become archived."
    assert PracticeRevision.objects.count() == 0


def test_transition_from_a_stale_state_is_refused(submitted, secretariat):
    # Someone else published it since this copy was read.
    Practice.objects.filter(pk=submitted.pk).update(state=PUBLISHED)

    with pytest.raises(TransitionError) as refused:
        workflow.transition(submitted, DRAFT, by=secretariat, note="Add the results.")

    assert refused.value.message == (
        "Someone changed this practice meanwhile: it is now published."
    )
    assert Practice.objects.get(pk=submitted.pk).state == PUBLISHED
    assert PracticeRevision.objects.count() == 0


def test_transition_needing_a_note_is_refused_without_one_on_the_workflows_field(
    submitted, secretariat
):
    with pytest.raises(ValidationError) as refused:
        workflow.transition(submitted, DRAFT, by=secretariat, note="  ")

    assert refused.value.message_dict == {"reason": ["Say why, for the city's coordinators."]}
    assert Practice.objects.get(pk=submitted.pk).state == SUBMITTED


def test_transition_saves_and_writes_the_history(submitted, secretariat):
    record = workflow.transition(submitted, DRAFT, by=secretariat, note="  Add the results. ")

    stored = Practice.objects.get(pk=submitted.pk)
    assert (stored.state, stored.return_reason) == (DRAFT, "Add the results.")
    assert list(PracticeRevision.objects.values_list("from_state", "to_state", "by", "note")) == [
        (SUBMITTED, DRAFT, secretariat.pk, "Add the results.")
    ]
    assert record.is_move


def test_transition_follow_up_runs_only_once_committed(
    submitted, secretariat, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        workflow.transition(submitted, PUBLISHED, by=secretariat)
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [message.subject for message in mail.outbox] == [
        f"Published in the library: {submitted.title}"
    ]


def test_transition_rolled_back_never_follows_up(
    submitted, secretariat, django_capture_on_commit_callbacks
):
    def publish_then_fail():
        with transaction.atomic():
            workflow.transition(submitted, PUBLISHED, by=secretariat)
            raise RuntimeError("the caller's next step failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        publish_then_fail()

    assert (callbacks, mail.outbox) == ([], [])
    assert Practice.objects.get(pk=submitted.pk).state == SUBMITTED
    assert PracticeRevision.objects.count() == 0


@pytest.mark.parametrize("model", [Application, Report, Practice])
def test_every_workflows_moves_are_kernel_moves_with_registered_permissions(model):
    for (start, to), move in model.TABLE.moves.items():
        assert isinstance(move, Move)
        assert (model.TABLE.states(start), model.TABLE.states(to)) == (start, to)
        assert rules.perm_exists(move.perm), move.perm


def test_transition_form_posts_the_note_under_the_workflows_name():
    form = TransitionForm({"to": "returned", "comment": "Add the figures."}, note_name="comment")

    assert form.is_valid()
    assert (form.cleaned_data["to"], form.note) == ("returned", "Add the figures.")
