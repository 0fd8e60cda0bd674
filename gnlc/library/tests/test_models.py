import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.audit.models import AuditEntry
from gnlc.cities.tests.factories import MemberFactory
from gnlc.library.enums import PracticeState
from gnlc.library.models import Practice, PracticeRevision, Theme
from gnlc.library.tests.factories import PracticeFactory

pytestmark = pytest.mark.django_db
DRAFT, SUBMITTED, PUBLISHED, ARCHIVED = (
    PracticeState.DRAFT,
    PracticeState.SUBMITTED,
    PracticeState.PUBLISHED,
    PracticeState.ARCHIVED,
)


@pytest.fixture
def draft(member, coordinator):
    return PracticeFactory(
        title="Reading circles", state=DRAFT, members=[member], created_by=coordinator
    )


def test_themes_are_seeded_with_the_networks_clusters():
    assert list(Theme.objects.values_list("name", flat=True)) == [
        "Educational planning",
        "Entrepreneurship",
        "Equity and inclusion",
        "Health and well-being",
        "Education for sustainable development",
        "Literacy",
        "Monitoring and evaluation",
        "Citizenship education",
    ]


def test_coordinator_submits_a_draft(draft, coordinator):
    revision = draft.transition(SUBMITTED, by=coordinator)

    draft.refresh_from_db()
    assert draft.state == SUBMITTED
    assert (revision.from_state, revision.to_state, revision.by) == (
        DRAFT,
        SUBMITTED,
        coordinator,
    )


def test_secretariat_publishes_and_the_city_is_mailed(
    draft, coordinator, secretariat, django_capture_on_commit_callbacks
):
    draft.transition(SUBMITTED, by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        draft.transition(PUBLISHED, by=secretariat)

    draft.refresh_from_db()
    assert draft.state == PUBLISHED
    assert draft.published_at is not None
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Published in the library: Reading circles", ["coordinator@example.org"])
    ]


def test_return_needs_a_reason_and_mails_it(
    draft, coordinator, secretariat, django_capture_on_commit_callbacks
):
    draft.transition(SUBMITTED, by=coordinator)
    with pytest.raises(ValidationError):
        draft.transition(DRAFT, by=secretariat, reason="  ")

    with django_capture_on_commit_callbacks(execute=True):
        draft.transition(DRAFT, by=secretariat, reason="Add the results, please.")

    draft.refresh_from_db()
    assert (draft.state, draft.return_reason) == (DRAFT, "Add the results, please.")
    assert mail.outbox[0].subject == "Returned for changes: Reading circles"
    assert "Add the results, please." in mail.outbox[0].body


def test_coordinator_cannot_publish_their_own_practice(draft, coordinator):
    draft.transition(SUBMITTED, by=coordinator)

    with pytest.raises(PermissionDenied):
        draft.transition(PUBLISHED, by=coordinator)
    draft.refresh_from_db()
    assert draft.state == SUBMITTED


def test_coordinator_of_another_city_cannot_submit(draft):
    stranger = UserFactory()
    RoleFactory(user=stranger, kind=RoleKind.COORDINATOR, member=MemberFactory(name="Kisumu"))

    with pytest.raises(PermissionDenied):
        draft.transition(SUBMITTED, by=stranger)


@pytest.mark.parametrize(
    ("start", "to"),
    [(DRAFT, PUBLISHED), (DRAFT, ARCHIVED), (ARCHIVED, DRAFT), (SUBMITTED, ARCHIVED)],
)
def test_moves_outside_the_workflow_are_refused(member, secretariat, start, to):
    practice = PracticeFactory(state=start, members=[member])

    with pytest.raises(ValidationError):
        practice.transition(to, by=secretariat)


def test_archive_and_publish_again(member, coordinator, secretariat):
    practice = PracticeFactory(state=PUBLISHED, members=[member])

    practice.transition(ARCHIVED, by=coordinator)
    practice.transition(PUBLISHED, by=secretariat)

    assert list(practice.revisions.values_list("from_state", "to_state")) == [
        (ARCHIVED, PUBLISHED),
        (PUBLISHED, ARCHIVED),
    ]


def test_submitting_needs_a_member_city(secretariat):
    practice = PracticeFactory(state=DRAFT)

    with pytest.raises(ValidationError, match="at least one member city"):
        practice.transition(SUBMITTED, by=secretariat)


def test_transition_is_in_the_audit_log(draft, coordinator):
    draft.transition(SUBMITTED, by=coordinator)

    entry = AuditEntry.objects.for_object(draft).first()
    assert (entry.actor, entry.changes["state"]) == (coordinator, ["draft", "submitted"])


def test_allowed_moves_depend_on_role_and_state(draft, coordinator, secretariat):
    assert [to for to, _move in draft.allowed_moves(coordinator)] == [SUBMITTED]
    draft.transition(SUBMITTED, by=coordinator)
    assert [to for to, _move in draft.allowed_moves(coordinator)] == []
    assert [to for to, _move in draft.allowed_moves(secretariat)] == [PUBLISHED, DRAFT]


@pytest.mark.parametrize(
    ("state", "persona", "allowed"),
    [
        (DRAFT, "coordinator", True),
        (SUBMITTED, "coordinator", False),
        (PUBLISHED, "coordinator", False),
        (PUBLISHED, "secretariat", True),
        (ARCHIVED, "secretariat", False),
        (DRAFT, "natcom", False),
        (DRAFT, "outsider", False),
    ],
)
def test_who_may_edit(member, personas, state, persona, allowed):
    practice = PracticeFactory(state=state, members=[member])

    assert personas[persona].has_perm("library.change_practice", practice) is allowed


def test_visible_to(member, personas):
    draft = PracticeFactory(title="Draft", state=DRAFT, members=[member])
    PracticeFactory(title="Other draft", state=DRAFT, members=[MemberFactory(name="Kisumu")])
    PracticeFactory(title="Published", members=[member])

    def visible(persona):
        user = personas[persona]
        return sorted(Practice.objects.visible_to(user).values_list("title", flat=True))

    assert visible("outsider") == ["Published"]
    assert visible("coordinator") == ["Draft", "Published"]
    assert visible("secretariat") == ["Draft", "Other draft", "Published"]
    assert draft in Practice.objects.managed_by(personas["coordinator"])


def test_record_edit_names_the_changed_fields(draft, coordinator):
    revision = draft.record_edit(coordinator, ["title", "themes", "attachment"])

    assert revision.field_labels == ["title", "themes", "attachments"]
    assert draft.record_edit(coordinator, []) is None
    assert PracticeRevision.objects.count() == 1


def test_plain_text_drops_markdown_and_html(member):
    practice = PracticeFactory(body="## Title\n\n*Some* <b>bold</b> [link](https://x.org)")

    assert practice.plain_text == "Title Some bold link"


# themed calls for practices ---------------------------------------------------------------


@pytest.fixture
def practices_call(db):
    from gnlc.admissions.tests.factories import CallFactory

    return CallFactory(
        kind="practices",
        title="Literacy call",
        theme=Theme.objects.get(slug="literacy"),
        time_zone="Pacific/Auckland",
        opens_on=dt.date(2025, 3, 1),
        closes_on=dt.date(2025, 3, 31),
    )


def test_submit_to_call_links_and_submits_the_draft(draft, coordinator, practices_call):
    # 31 March, 23:30 in Auckland (UTC+13): the last half hour of the call.
    with time_machine.travel(dt.datetime(2025, 3, 31, 10, 30, tzinfo=dt.UTC)):
        revision = draft.submit_to_call(practices_call, by=coordinator)

    draft.refresh_from_db()
    assert (draft.state, draft.call) == (SUBMITTED, practices_call)
    assert (revision.from_state, revision.to_state, revision.by) == (
        DRAFT,
        SUBMITTED,
        coordinator,
    )
    assert list(practices_call.practices.all()) == [draft]


def test_submit_to_call_is_refused_after_the_deadline_in_the_calls_time_zone(
    draft, coordinator, practices_call
):
    # 1 April, 00:30 in Auckland; still 31 March in UTC.
    with (
        time_machine.travel(dt.datetime(2025, 3, 31, 11, 30, tzinfo=dt.UTC)),
        pytest.raises(ValidationError) as refused,
    ):
        draft.submit_to_call(practices_call, by=coordinator)

    draft.refresh_from_db()
    assert refused.value.messages == [
        "The call “Literacy call” closed at midnight at the end of 2025-03-31 "
        "(Pacific/Auckland): it no longer takes practices."
    ]
    assert (draft.state, draft.call) == (DRAFT, None)


def test_submit_to_call_is_refused_before_the_call_opens(draft, coordinator, practices_call):
    with (
        time_machine.travel(dt.datetime(2025, 2, 27, 12, tzinfo=dt.UTC)),
        pytest.raises(ValidationError) as refused,
    ):
        draft.submit_to_call(practices_call, by=coordinator)

    assert refused.value.messages == [
        "The call “Literacy call” opens on 2025-03-01 (Pacific/Auckland)."
    ]


def test_submit_to_call_is_refused_for_a_call_of_another_kind(draft, coordinator):
    from gnlc.admissions.tests.factories import CallFactory

    membership = CallFactory(kind="membership", title="Membership 2025")

    with pytest.raises(ValidationError) as refused:
        draft.submit_to_call(membership, by=coordinator)

    draft.refresh_from_db()
    assert refused.value.messages == ["“Membership 2025” is not a call for good practices."]
    assert (draft.state, draft.call) == (DRAFT, None)


def test_submit_to_call_by_another_citys_coordinator_is_denied_and_links_nothing(
    draft, practices_call
):
    other = UserFactory()
    RoleFactory(user=other, kind=RoleKind.COORDINATOR, member=MemberFactory(name="Elsewhere"))

    with (
        time_machine.travel(dt.datetime(2025, 3, 15, tzinfo=dt.UTC)),
        pytest.raises(PermissionDenied),
    ):
        draft.submit_to_call(practices_call, by=other)

    draft.refresh_from_db()
    assert (draft.state, draft.call) == (DRAFT, None)


def test_returned_call_practice_cannot_be_submitted_again_after_the_deadline(
    member, coordinator, secretariat, practices_call
):
    practice = PracticeFactory(state=SUBMITTED, members=[member], call=practices_call)
    practice.transition(DRAFT, by=secretariat, reason="Add the results.")

    with (
        time_machine.travel(dt.datetime(2025, 4, 2, tzinfo=dt.UTC)),
        pytest.raises(ValidationError) as refused,
    ):
        practice.transition(SUBMITTED, by=coordinator)

    assert "closed at midnight at the end of 2025-03-31" in refused.value.messages[0]
    assert Practice.objects.get(pk=practice.pk).state == DRAFT


def test_call_for_practices_needs_a_theme_and_has_no_nomination():
    from gnlc.admissions.models import Call

    call = Call(
        kind="practices",
        title="No theme",
        opens_on=dt.date(2025, 3, 1),
        closes_on=dt.date(2025, 3, 31),
        nomination_deadline=dt.date(2025, 3, 31),
        review_opens_on=dt.date(2025, 4, 1),
        review_closes_on=dt.date(2025, 4, 30),
        announcement_date=dt.date(2025, 5, 15),
    )

    with pytest.raises(ValidationError) as refused:
        call.full_clean()

    assert refused.value.message_dict == {"theme": ["A call for good practices needs a theme."]}
    assert (call.needs_national_nomination, call.quota_per_country) == (False, None)


def test_the_city_is_mailed_in_each_coordinators_language(
    draft, coordinator, secretariat, django_capture_on_commit_callbacks
):
    coordinator.language = "fr"
    coordinator.save()
    draft.transition(SUBMITTED, by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        draft.transition(DRAFT, by=secretariat, reason="Ajoutez les résultats.")

    from django.utils import translation

    with translation.override("fr"):
        expected = translation.gettext("Returned for changes: %(title)s") % {"title": draft.title}
    assert expected != f"Returned for changes: {draft.title}"
    assert [(m.subject, m.to) for m in mail.outbox] == [(expected, [coordinator.email])]
