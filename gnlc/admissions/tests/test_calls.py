"""The calls themselves: what draft, open, closed early and archived mean (models), and
the secretariat's pages that make, edit, open, close, archive and restore them."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from gnlc.accounts.tests.factories import UserFactory
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Application, Call, Criterion, DeadlineChange
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory, reviewed
from gnlc.library.models import Theme

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


def dated(**overrides):
    """A call's dates around DAY, in their order."""
    dates = {
        "opens_on": DAY,
        "closes_on": DAY + dt.timedelta(days=30),
        "nomination_deadline": DAY + dt.timedelta(days=45),
        "review_opens_on": DAY + dt.timedelta(days=50),
        "review_closes_on": DAY + dt.timedelta(days=70),
        "announcement_date": DAY + dt.timedelta(days=90),
    }
    dates.update(overrides)
    return dates


def draft(**fields):
    return CallFactory(opened_at=None, **{**dated(), **fields})


def post_data(**overrides):
    """The membership call form as the secretariat fills it: two criteria, one blank row."""
    data = {
        "title": "Call for membership 2027",
        "description": "Cities may apply.",
        "time_zone": "Europe/Paris",
        **{name: day.isoformat() for name, day in dated().items()},
        "announcement_time": "10:30",
        "needs_national_nomination": "on",
        "quota_per_country": "3",
        "reviews_required": "2",
        "peer_visibility": "after_own",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name_en": "Political commitment",
        "criteria-0-name_fr": "Engagement politique",
        "criteria-0-weight": "3",
        "criteria-1-name_en": "Quality of the plan",
        "criteria-1-name_fr": "Qualité du plan",
        "criteria-1-weight": "2",
        "criteria-2-weight": "1",
    }
    data.update(overrides)
    return data


def criteria_rows(call):
    return [(c.name_en, c.name_fr, c.weight, c.order) for c in call.criteria.all()]


# The dates ------------------------------------------------------------------------------


def test_clean_puts_a_date_out_of_order_on_the_later_date_naming_the_earlier():
    call = Call(title="x", **dated(nomination_deadline=DAY + dt.timedelta(days=10)))

    with pytest.raises(ValidationError) as refused:
        call.clean()

    assert refused.value.message_dict == {
        "nomination_deadline": [
            "The nomination deadline must fall on or after the submission deadline (1 April 2026)."
        ]
    }


def test_clean_practices_call_derives_its_nomination_and_review_dates():
    call = Call(kind="practices", theme=Theme.objects.get(slug="literacy"), **dated())

    call.clean()

    assert (call.nomination_deadline, call.review_opens_on, call.review_closes_on) == (
        call.closes_on,
        call.closes_on,
        call.announcement_date,
    )


def test_deadlines_start_at_00_00_and_end_at_23_59_in_the_calls_zone():
    call = CallFactory(time_zone="Pacific/Auckland", **dated())

    rows = {row["name"]: row for row in call.deadlines()}

    assert rows["opens_on"]["kind"] == "start"
    assert rows["opens_on"]["at"].isoformat() == "2026-03-02T00:00:00+13:00"
    assert rows["closes_on"]["kind"] == "end"
    assert rows["closes_on"]["at"].isoformat() == "2026-04-01T23:59:00+13:00"
    assert (rows["announcement_date"]["kind"], rows["announcement_date"]["at"]) == ("day", None)


def test_call_page_prints_an_opening_at_00_00_and_a_deadline_at_23_59(client):
    call = CallFactory(time_zone="Europe/Paris", **dated())

    page = client.get(reverse("admissions:call", args=[call.pk])).content.decode()

    assert (
        '<time datetime="2026-03-01T23:00:00+00:00" data-local-time '
        'data-local-label="Your time: {time}">2 March 2026, 00:00 (Europe/Paris)</time>'
    ) in page
    assert (
        '<time datetime="2026-04-01T21:59:00+00:00" data-local-time '
        'data-local-label="Your time: {time}">1 April 2026, 23:59 (Europe/Paris)</time>'
    ) in page


def test_moved_dates_show_their_labels_not_field_names(client, secretariat):
    call = CallFactory(**dated())
    call.move_deadline(
        "review_closes_on", DAY + dt.timedelta(days=80), by=secretariat, reason="More jurors."
    )

    page = client.get(reverse("admissions:call", args=[call.pk])).content.decode()

    assert "<strong>End of the review</strong>: 11 May 2026" in page
    assert "21 May 2026 — More jurors." in page
    assert "review_closes_on" not in page


# Draft and open -------------------------------------------------------------------------


def test_draft_is_seen_by_the_secretariat_alone(client, secretariat, coordinator):
    call = draft(kind="membership")
    url = reverse("admissions:call", args=[call.pk])
    apply = reverse("admissions:apply", args=[call.pk])

    anonymous = client.get(url).status_code
    client.force_login(coordinator)
    signed_in = (client.get(url).status_code, client.get(apply).status_code)
    client.force_login(secretariat)
    page = client.get(url)

    assert (anonymous, signed_in) == (404, (404, 404))
    assert page.status_code == 200
    assert "This call is a draft: only the secretariat sees this page" in page.content.decode()
    assert list(Call.objects.listed()) == []
    assert list(Call.objects.open_now()) == []


def test_draft_call_for_practices_is_not_on_the_librarys_pages(client):
    call = draft(kind="practices", theme=Theme.objects.get(slug="literacy"))

    assert client.get(reverse("library:call", args=[call.pk])).status_code == 404


def test_opening_problems_name_what_is_missing():
    call = draft(criteria=[])

    with time_machine.travel(dt.datetime(2026, 4, 2, 12, tzinfo=dt.UTC)):
        problems = call.opening_problems()

    assert problems == [
        "Add at least one score criterion: the jury scores on them.",
        "The submission deadline (1 April 2026) has passed: move it later before opening the call.",
    ]


def test_open_makes_a_draft_public_and_takes_applications(secretariat):
    call = draft()

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        before = call.is_open()
        call.open(by=secretariat)
        after = call.is_open()

    call.refresh_from_db()
    assert (before, after) == (False, True)
    assert call.opened_at == dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    assert list(Call.objects.listed()) == [call]


def test_open_page_confirms_then_opens(client, secretariat):
    call = draft()
    client.force_login(secretariat)
    url = reverse("admissions:call-open", args=[call.pk])

    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        page = client.get(url)
        response = client.post(url)

    assert "Cities apply from 2 March 2026 (00:00) until 1 April 2026 (23:59)" in (
        page.content.decode()
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.opened_at is not None


def test_open_page_refuses_a_call_without_criteria_and_changes_nothing(client, secretariat):
    call = draft(criteria=[])
    client.force_login(secretariat)

    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)):
        response = client.post(reverse("admissions:call-open", args=[call.pk]))

    assert response.status_code == 403
    assert "Add at least one score criterion" in response.content.decode()
    call.refresh_from_db()
    assert call.opened_at is None


# Close early ----------------------------------------------------------------------------


def test_close_now_ends_submissions_and_records_the_moved_deadline(secretariat):
    call = CallFactory(time_zone="Europe/Paris", **dated())
    application = ApplicationFactory(call=call)
    now = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)

    with time_machine.travel(now):
        call.close_now(by=secretariat, reason="The quota of cities is reached.")
        with pytest.raises(Exception, match="has passed"):
            application.transition(S.SUBMITTED, by=application.created_by)
        refusal = call.submission_refusal()

    call.refresh_from_db()
    change = DeadlineChange.objects.get()
    assert (call.closes_on, call.closed_at) == (dt.date(2026, 3, 10), now)
    assert (change.label, change.old_day, change.new_day, change.reason) == (
        "submission deadline",
        dt.date(2026, 4, 1),
        dt.date(2026, 3, 10),
        "The quota of cities is reached.",
    )
    assert refusal == (
        "The secretariat closed the call on 10 March 2026: it no longer takes applications."
    )


def test_moving_the_deadline_after_closing_reopens_submissions(secretariat):
    call = CallFactory(**dated())

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)):
        call.close_now(by=secretariat, reason="Paused.")
        closed = call.is_open()
        call.move_deadline("closes_on", dt.date(2026, 3, 20), by=secretariat, reason="Resumed.")
        reopened = call.is_open()

    assert (closed, reopened) == (False, True)
    assert Call.objects.get().closed_at is None


def test_close_page_needs_a_reason(client, secretariat):
    call = CallFactory(**dated())
    client.force_login(secretariat)

    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)):
        response = client.post(reverse("admissions:call-close", args=[call.pk]), {"reason": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Call.objects.get().closed_at is None


def test_close_refuses_a_call_that_does_not_take_submissions(secretariat):
    call = CallFactory(**dated())

    with (
        time_machine.travel(dt.datetime(2026, 4, 5, 9, tzinfo=dt.UTC)),
        pytest.raises(ValidationError, match=r"Submissions are closed already\."),
    ):
        call.close_now(by=secretariat, reason="Too late.")


# Archive --------------------------------------------------------------------------------


def test_archive_refuses_a_call_cities_answered_until_it_is_over(secretariat):
    call = CallFactory(**dated())
    ApplicationFactory(call=call)

    with time_machine.travel(dt.datetime(2026, 4, 5, 9, tzinfo=dt.UTC)):
        early = call.archive_refusal()
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)):
        call.archive(by=secretariat)

    assert early == (
        "Cities have answered this call: it can be archived once its decisions are "
        "published or after its announcement date (31 May 2026)."
    )
    assert Call.objects.get().archived_at is not None


def test_archived_call_leaves_the_lists_stays_readable_and_can_be_restored(client, secretariat):
    call = CallFactory(title="Call 2019", **dated())
    call.archive(by=secretariat)

    page = client.get(reverse("admissions:call", args=[call.pk]))
    listed = list(Call.objects.listed())
    call.restore(by=secretariat)

    assert listed == []
    assert page.status_code == 200
    assert "This call is archived" in page.content.decode()
    assert list(Call.objects.listed()) == [call]


def test_admissions_home_lists_the_secretariats_calls_by_state(client, secretariat):
    draft(title="Draft call")
    CallFactory(title="Public call")
    archived = CallFactory(title="Old call")
    archived.archive(by=secretariat)
    client.force_login(secretariat)

    page = client.get(reverse("admissions:home")).content.decode()

    drafts, public, old = (
        page.split('admissions-calls--draft">')[1].split("</section>")[0],
        page.split('admissions-calls--public">')[1].split("</section>")[0],
        page.split('admissions-calls--archived">')[1].split("</section>")[0],
    )
    assert ("Draft call" in drafts, "Open…" in drafts) == (True, True)
    assert ("Public call" in public, "Close…" in public) == (True, True)
    assert ("Old call" in old, "Restore…" in old) == (True, True)


def test_admissions_home_shows_others_only_listed_calls(client):
    draft(title="Draft call")
    CallFactory(title="Public call")
    client.force_login(UserFactory())

    page = client.get(reverse("admissions:home")).content.decode()

    assert "Public call" in page
    assert "Draft call" not in page
    assert "New call" not in page


@pytest.mark.parametrize("n", [1, 3])
def test_admissions_home_queries_do_not_grow_with_calls(
    client, secretariat, django_assert_num_queries, n
):
    for index in range(n):
        CallFactory(title=f"Call {index}")
    client.force_login(secretariat)

    # One of them counts the jurors' changes of country waiting for the secretariat.
    with django_assert_num_queries(8):
        response = client.get(reverse("admissions:home"))

    assert response.content.decode().count("Close…") == n


# Making and editing calls through the pages --------------------------------------------


def test_create_membership_call_saves_a_draft_with_its_criteria(client, secretariat):
    client.force_login(secretariat)

    response = client.post(reverse("admissions:call-create", args=["membership"]), post_data())

    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admissions:manage", args=[call.pk])
    assert (call.kind, call.status, call.time_zone, call.reviews_required) == (
        "membership",
        "draft",
        "Europe/Paris",
        2,
    )
    # The decisions stay confidential until then (the embargo's instant).
    assert call.announcement_instant() == dt.datetime(2026, 5, 31, 8, 30, tzinfo=dt.UTC)
    assert criteria_rows(call) == [
        ("Political commitment", "Engagement politique", 3, 1),
        ("Quality of the plan", "Qualité du plan", 2, 2),
    ]


def test_create_refuses_dates_out_of_order_and_keeps_what_was_typed(client, secretariat):
    client.force_login(secretariat)
    late = (DAY - dt.timedelta(days=1)).isoformat()

    response = client.post(
        reverse("admissions:call-create", args=["membership"]), post_data(closes_on=late)
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert page.count('class="errorlist"') == 1
    assert "The submission deadline must fall on or after the opening day (2 March 2026)." in page
    assert 'value="Qualité du plan"' in page
    assert Call.objects.count() == 0


def test_create_practices_call_without_theme_says_so_once(client, secretariat):
    client.force_login(secretariat)
    data = {
        "title": "Practices",
        "time_zone": "UTC",
        "opens_on": "2026-03-02",
        "closes_on": "2026-04-01",
        "announcement_date": "2026-05-01",
    }

    refused = client.post(reverse("admissions:call-create", args=["practices"]), data)
    theme = Theme.objects.get(slug="literacy")
    accepted = client.post(
        reverse("admissions:call-create", args=["practices"]), {**data, "theme": theme.pk}
    )

    assert refused.status_code == 400
    assert refused.content.decode().count("A call for good practices needs a theme.") == 1
    assert accepted.status_code == 302
    call = Call.objects.get()
    assert (call.theme, call.needs_national_nomination, call.quota_per_country) == (
        theme,
        False,
        None,
    )


def test_create_award_call_starts_from_two_nominations_per_country(client, secretariat):
    client.force_login(secretariat)

    page = client.get(reverse("admissions:call-create", args=["award"])).content.decode()

    assert 'name="quota_per_country" value="2"' in page


def test_create_unknown_kind_is_404(client, secretariat):
    client.force_login(secretariat)

    assert client.get(reverse("admissions:call-create", args=["festival"])).status_code == 404


def existing_criteria_data(call, rows, extra=0):
    """The edit form's criteria, as shown, with `rows` [(id or None, en, fr, weight,
    position, delete)]."""
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(sum(1 for r in rows if r[0])),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, (pk, en, fr, weight, position, delete) in enumerate(rows):
        data.update(
            {
                f"criteria-{index}-id": str(pk or ""),
                f"criteria-{index}-call": str(call.pk),
                f"criteria-{index}-name_en": en,
                f"criteria-{index}-name_fr": fr,
                f"criteria-{index}-weight": str(weight),
                f"criteria-{index}-order": str(position or ""),
            }
        )
        if delete:
            data[f"criteria-{index}-DELETE"] = "on"
    return data


def edit_data(call, rows):
    base = post_data()
    for key in [k for k in base if k.startswith("criteria-")]:
        del base[key]
    return {**base, **existing_criteria_data(call, rows)}


def test_edit_adds_reweights_reorders_and_removes_criteria(client, secretariat):
    call = draft()  # Commitment (2), Plan (1)
    commitment, plan = call.criteria.all()
    client.force_login(secretariat)

    response = client.post(
        reverse("admissions:call-edit", args=[call.pk]),
        edit_data(
            call,
            [
                (commitment.pk, "Commitment", "Engagement", 4, 2, False),
                (plan.pk, "Plan", "Plan", 1, 3, True),
                (None, "Inclusion", "Inclusion", 2, 1, False),
            ],
        ),
    )

    assert response.status_code == 302
    assert criteria_rows(call) == [
        ("Inclusion", "Inclusion", 2, 1),
        ("Commitment", "Engagement", 4, 2),
    ]


def test_edit_refuses_a_weight_over_ten(client, secretariat):
    call = draft()
    commitment, plan = call.criteria.all()
    client.force_login(secretariat)

    response = client.post(
        reverse("admissions:call-edit", args=[call.pk]),
        edit_data(
            call,
            [
                (commitment.pk, "Commitment", "", 11, 1, False),
                (plan.pk, "Plan", "", 1, 2, False),
            ],
        ),
    )

    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 10." in response.content.decode()
    assert Criterion.objects.get(pk=commitment.pk).weight == 2


def test_edit_once_scoring_started_keeps_criteria_and_weights_but_fixes_names(client, secretariat):
    call = CallFactory()
    reviewed(ApplicationFactory(call=call, state=S.NOMINATED), n=1)
    commitment, plan = call.criteria.all()
    client.force_login(secretariat)

    page = client.get(reverse("admissions:call-edit", args=[call.pk])).content.decode()
    client.post(
        reverse("admissions:call-edit", args=[call.pk]),
        edit_data(
            call,
            [
                (commitment.pk, "Political commitment", "Engagement politique", 9, 2, True),
                (plan.pk, "Plan", "Plan (fr)", 9, 1, False),
            ],
        ),
    )

    assert "Jurors have started scoring" in page
    assert 'name="criteria-0-DELETE"' not in page
    assert criteria_rows(call)[0] == ("Political commitment", "Engagement politique", 2, 1)
    assert [c.weight for c in call.criteria.all()] == [2, 1]


def test_edit_once_cities_applied_keeps_the_dates_which_move_with_a_reason(client, secretariat):
    call = CallFactory(time_zone="UTC", **dated())
    ApplicationFactory(call=call)
    client.force_login(secretariat)
    commitment, plan = call.criteria.all()

    page = client.get(reverse("admissions:call-edit", args=[call.pk])).content.decode()
    client.post(
        reverse("admissions:call-edit", args=[call.pk]),
        {
            **edit_data(
                call,
                [
                    (commitment.pk, "Commitment", "", 2, 1, False),
                    (plan.pk, "Plan", "", 1, 2, False),
                ],
            ),
            "title": "Renamed call",
            "closes_on": "2026-12-31",
            "announcement_time": "18:00",
            "time_zone": "Asia/Tokyo",
        },
    )

    call.refresh_from_db()
    assert "Cities have answered this call: its dates and time zone no longer change here." in page
    assert 'name="announcement_time" value="00:00" required disabled' in page
    assert (call.title, call.closes_on, call.announcement_time, call.time_zone) == (
        "Renamed call",
        dt.date(2026, 4, 1),
        dt.time(0, 0),
        "UTC",
    )


def test_manage_move_date_out_of_order_says_why_next_to_the_date(client, secretariat):
    call = CallFactory(**dated())
    client.force_login(secretariat)

    response = client.post(
        reverse("admissions:manage", args=[call.pk]),
        {"field": "closes_on", "day": "2026-06-30", "reason": "Later."},
    )

    assert response.status_code == 400
    assert (
        "The nomination deadline must fall on or after the submission deadline (30 June 2026)."
        in response.content.decode()
    )
    assert Call.objects.get().closes_on == dt.date(2026, 4, 1)


def test_new_call_pages_are_the_secretariats(client, coordinator):
    client.force_login(coordinator)

    response = client.post(reverse("admissions:call-create", args=["membership"]), post_data())

    assert response.status_code == 403
    assert Call.objects.count() == 0


def test_call_of_another_kind_in_the_library_is_still_404():
    call = CallFactory(kind="membership")

    assert Client().get(reverse("library:call", args=[call.pk])).status_code == 404


def test_application_for_a_draft_call_cannot_exist_through_the_pages(client):
    call = draft()
    client.force_login(UserFactory())

    response = client.post(
        reverse("admissions:apply", args=[call.pk]),
        {"city_name": "Eldoret", "country": "KE", "language": "en", "action": "save"},
    )

    assert response.status_code == 404
    assert Application.objects.count() == 0


def test_a_call_for_practices_overview_speaks_of_submissions_and_asks_no_time_of_day(
    client, secretariat
):
    call = draft(kind="practices", theme=Theme.objects.get(slug="literacy"))
    client.force_login(secretariat)
    url = reverse("admissions:manage", args=[call.pk])

    with time_machine.travel(dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC), tick=False):
        as_draft = client.get(url).content.decode()
        call.open(by=secretariat)
        as_open = client.get(url).content.decode()

    assert "Check its settings, then open it." in as_draft
    assert "settings and criteria" not in as_draft
    assert "Open for submissions" in as_open
    assert "Open for applications" not in as_open
    # Its announcement is a day: moving it asks for no time.
    assert 'name="time"' not in as_open
