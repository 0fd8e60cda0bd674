import datetime as dt
import tempfile
from decimal import Decimal

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gnlc.cities.enums import EventKind, Status
from gnlc.cities.tests.factories import MemberFactory
from gnlc.core.storage import private_storage
from gnlc.reporting.enums import FrameworkStatus, ReportState
from gnlc.reporting.models import Attachment, FrameworkVersion, LifecyclePolicy, Report
from gnlc.reporting.tests.factories import PeriodFactory, ReportFactory, complete

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILLED = {
    "narrative_1": "We opened twelve learning centres.",
    "rating_1": "4",
    "narrative_2": "Local firms train staff.",
    "rating_2": "3",
    "measure_1.1": "42.5",
}


@pytest.fixture(autouse=True)
def _private_storage(monkeypatch):
    location = tempfile.mkdtemp(prefix="gnlc-test-")
    monkeypatch.setattr(private_storage, "_wrapped", FileSystemStorage(location=location))


@pytest.fixture
def report(member):
    return ReportFactory(member=member)


def edit_url(report):
    return reverse("reporting:report-edit", args=[report.pk])


def test_edit_shows_the_previous_reports_figures(client, coordinator, member):
    complete(ReportFactory(member=member, period=PeriodFactory(opens=dt.date(2022, 1, 1))))
    report = ReportFactory(member=member)
    client.force_login(coordinator)

    response = client.get(edit_url(report))

    assert response.status_code == 200
    area = response.context["layout"][0]["areas"][0]
    assert area["features"][0]["previous"] == Decimal("42.5")
    assert area["previous_rating"] == "4 — Advanced"


def test_save_draft_keeps_an_over_long_narrative_with_a_warning(client, coordinator, report):
    client.force_login(coordinator)
    long_text = " ".join(["word"] * 60)

    response = client.post(edit_url(report), {"narrative_1": long_text, "action": "save"})

    report.refresh_from_db()
    assert response.status_code == 302
    assert report.narratives == {"1": long_text}
    assert report.state == ReportState.DRAFT


def test_save_draft_with_a_bad_number_loses_nothing_typed(client, coordinator, report):
    client.force_login(coordinator)

    response = client.post(
        edit_url(report), {"narrative_1": "Typed text", "measure_1.1": "lots", "action": "save"}
    )

    report.refresh_from_db()
    assert response.status_code == 400
    assert "Typed text" in response.content.decode()
    assert 'value="lots"' in response.content.decode()
    assert report.narratives == {}


def test_submit_incomplete_saves_the_draft_and_says_what_is_missing(client, coordinator, report):
    client.force_login(coordinator)

    response = client.post(edit_url(report), {"narrative_1": "Some text", "action": "submit"})

    report.refresh_from_db()
    assert response.status_code == 400
    assert report.state == ReportState.DRAFT
    assert report.narratives == {"1": "Some text"}
    assert response.context["form"].errors == {
        "rating_1": ["Rate your progress to submit."],
        "narrative_2": ["Write this narrative to submit."],
        "rating_2": ["Rate your progress to submit."],
    }


def test_submit_complete_moves_to_submitted(client, coordinator, report):
    client.force_login(coordinator)

    response = client.post(edit_url(report), {**FILLED, "action": "submit"})

    report.refresh_from_db()
    assert response.status_code == 302
    assert report.state == ReportState.SUBMITTED
    assert report.measures == {"1.1": "42.5"}
    assert report.ratings == {"1": 4, "2": 3}


def test_edit_by_national_commission_forbidden(client, personas, report):
    client.force_login(personas["natcom"])

    response = client.post(edit_url(report), {**FILLED, "action": "save"})

    assert response.status_code == 403


def test_edit_submitted_report_forbidden(client, coordinator, report):
    complete(report)
    report.transition(ReportState.SUBMITTED, by=coordinator)
    client.force_login(coordinator)

    assert client.get(edit_url(report)).status_code == 403


def test_attachment_upload_then_served_to_readers_only(client, personas, member, report):
    client.force_login(personas["coordinator"])
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    client.post(
        edit_url(report), {"attachment": upload, "attachment_title": "Plan", "action": "save"}
    )
    attachment = Attachment.objects.get()
    url = reverse("reporting:attachment", args=[attachment.pk])
    other = MemberFactory(name="Elsewhere")
    from gnlc.accounts.enums import RoleKind
    from gnlc.accounts.tests.factories import RoleFactory

    stranger = RoleFactory(kind=RoleKind.COORDINATOR, member=other).user

    client.force_login(personas["natcom"])
    natcom = client.get(url)
    client.force_login(stranger)
    refused = client.get(url)

    assert (attachment.title, attachment.kind) == ("Plan", "pdf")
    assert (natcom.status_code, natcom.content, natcom["Content-Type"]) == (
        200,
        PDF,
        "application/pdf",
    )
    assert refused.status_code == 404


def test_attachment_html_named_pdf_refused(client, coordinator, report):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("plan.pdf", b"<html><script>x</script></html>")

    response = client.post(edit_url(report), {"attachment": upload, "action": "save"})

    assert response.status_code == 400
    assert Attachment.objects.count() == 0


def test_secretariat_returns_with_comment(client, coordinator, secretariat, report):
    complete(report)
    report.transition(ReportState.SUBMITTED, by=coordinator)
    client.force_login(secretariat)
    url = reverse("reporting:report-transition", args=[report.pk])

    without = client.post(url, {"to": "returned", "comment": ""})
    report.refresh_from_db()
    state_after_refusal = report.state
    client.post(url, {"to": "returned", "comment": "Add the 2023 figures."})

    report.refresh_from_db()
    assert without.status_code == 302
    assert state_after_refusal == ReportState.SUBMITTED
    assert report.state == ReportState.RETURNED
    assert report.history.last().note == "Add the 2023 figures."


def test_a_returned_report_shows_what_needs_changing_on_its_page_and_form(
    client, coordinator, secretariat, report
):
    complete(report)
    report.transition(ReportState.SUBMITTED, by=coordinator)
    report.transition(ReportState.RETURNED, by=secretariat, comment="Add the 2023 figures.")
    client.force_login(coordinator)

    for url in (report.get_absolute_url(), edit_url(report)):
        page = client.get(url).content.decode()
        assert "The secretariat returned this report:" in page
        # In its own direction, whatever the page's.
        assert '<div dir="auto"><p>Add the 2023 figures.</p></div>' in page


def test_coordinator_cannot_accept_own_report(client, coordinator, report):
    complete(report)
    report.transition(ReportState.SUBMITTED, by=coordinator)
    client.force_login(coordinator)

    response = client.post(
        reverse("reporting:report-transition", args=[report.pk]), {"to": "accepted"}
    )

    assert response.status_code == 403


def test_reinstate_records_an_event_with_the_reason(client, secretariat, member):
    member.record_event(EventKind.SUSPENDED, on=dt.date(2024, 8, 30))
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:reinstate", args=[member.slug]),
        {"on": "2024-09-15", "reason": "The report arrived late but complete."},
    )

    member.refresh_from_db()
    event = member.events.latest("effective_on")
    assert response.status_code == 302
    assert member.status == Status.ACTIVE
    assert (event.kind, event.note, event.created_by) == (
        EventKind.REINSTATED,
        "The report arrived late but complete.",
        secretariat,
    )


def test_reinstate_an_active_member_refused(client, secretariat, member):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:reinstate", args=[member.slug]), {"on": "2024-09-15", "reason": "x"}
    )

    assert response.status_code == 400
    assert member.events.count() == 1


def test_period_created_by_the_secretariat_gets_its_reports(client, secretariat, member):
    client.force_login(secretariat)
    framework = FrameworkVersion.objects.get(number=1)

    response = client.post(
        reverse("reporting:period-add"),
        {
            "name": "2024-2025",
            "framework": framework.pk,
            "opens": "2024-01-01",
            "due": "2025-06-30",
            "grace_end": "",
            "word_limit": "500",
        },
    )

    report = Report.objects.get()
    assert response.status_code == 302
    assert report.member == member
    assert report.period.grace_end == dt.date(2025, 8, 29)
    page = client.get(response.url).content.decode()
    assert "The period is saved; 1 report was created." in page
    assert '<th scope="row" class="nowrap"><a href="' in page  # its name on one line


def test_period_with_dates_out_of_order_refused(client, secretariat):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:period-add"),
        {
            "name": "Bad",
            "framework": FrameworkVersion.objects.get(number=1).pk,
            "opens": "2025-01-01",
            "due": "2024-06-30",
            "grace_end": "2024-08-30",
            "word_limit": "500",
        },
    )

    assert response.status_code == 400


def test_policy_saved(client, secretariat):
    client.force_login(secretariat)

    client.post(
        reverse("reporting:policy"),
        {
            "remind_before_days": "21",
            "overdue_every_days": "10",
            "grace_days": "30",
            "suspension_days": "90",
            "active": "on",
        },
    )

    policy = LifecyclePolicy.current()
    assert (policy.remind_before_days, policy.grace_days, policy.suspension_days) == (21, 30, 90)


def test_framework_published_version_edited_through_a_new_draft(client, secretariat):
    client.force_login(secretariat)
    published = FrameworkVersion.objects.get(number=1)
    area = published.areas().get(code="4")

    refused = client.get(reverse("reporting:framework-node", args=[published.pk, "area", area.pk]))
    client.post(
        reverse("reporting:framework-version", args=[published.pk]), {"action": "new-draft"}
    )
    draft = FrameworkVersion.objects.get(number=2)
    draft_area = draft.areas().get(code="4")
    client.post(
        reverse("reporting:feature-add", args=[draft.pk, draft_area.pk]),
        {
            "code": "4.1",
            "name_en": "Early childhood care and education",
            "name_fr": "",
            "order": "1",
            "measure_name_en": "Children enrolled",
            "measure_name_fr": "",
            "measure_unit": "%",
        },
    )
    client.post(reverse("reporting:framework-version", args=[draft.pk]), {"action": "publish"})

    draft.refresh_from_db()
    assert refused.status_code == 302
    assert draft.status == FrameworkStatus.PUBLISHED
    assert [f.code for f in draft.features()] == ["4.1"]
    assert published.features().count() == 0


def test_dashboard_compliance_and_self_assessment(client, secretariat, coordinator, member):
    period = PeriodFactory(opens=dt.date(2024, 1, 1))
    report = complete(ReportFactory(member=member, period=period))
    report.transition(ReportState.SUBMITTED, by=coordinator)
    ReportFactory(member=MemberFactory(name="Quiet", country_id="VN"), period=period)
    client.force_login(secretariat)

    response = client.get(reverse("reporting:dashboard"), {"period": period.pk})

    figures = response.context["figures"]
    assert (figures["total"]["reports"], figures["total"]["filed"], figures["total"]["rate"]) == (
        2,
        1,
        50,
    )
    assert [(r["slug"], r["filed"], r["reports"]) for r in figures["regions"]] == [
        ("africa", 1, 1),
        ("asia-and-the-pacific", 0, 1),
    ]
    assert [(row["count"], row["mean"]) for row in response.context["assessment"]] == [
        (1, 4.0),
        (1, 3.0),
    ]
    assert [row["report"].member.name for row in response.context["risk"]] == ["Quiet"]


def _reports(n, period):
    for i in range(n):
        complete(ReportFactory(member=MemberFactory(name=f"City {i}"), period=period))


@pytest.mark.parametrize("n", [1, 3])
def test_home_list_queries_do_not_grow(client, secretariat, django_assert_num_queries, n):
    _reports(n, PeriodFactory())
    client.force_login(secretariat)
    client.get(reverse("reporting:home"))  # warm the session and content types

    with django_assert_num_queries(5):
        response = client.get(reverse("reporting:home"))

    assert len(response.context["reports"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_queries_do_not_grow(client, secretariat, django_assert_num_queries, n):
    period = PeriodFactory()
    _reports(n, period)
    client.force_login(secretariat)
    client.get(reverse("reporting:dashboard"))

    with django_assert_num_queries(14):
        response = client.get(reverse("reporting:dashboard"), {"period": period.pk})

    assert response.context["figures"]["total"]["reports"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_member_page_queries_do_not_grow(client, secretariat, member, django_assert_num_queries, n):
    for year in range(n):
        ReportFactory(member=member, period=PeriodFactory(opens=dt.date(2010 + 2 * year, 1, 1)))
    client.force_login(secretariat)
    client.get(reverse("reporting:member", args=[member.slug]))

    with django_assert_num_queries(9):
        response = client.get(reverse("reporting:member", args=[member.slug]))

    assert len(response.context["reports"]) == n


def test_the_reports_heading_isolates_the_periods_name_for_right_to_left_pages(
    client, coordinator, report
):
    """In Arabic, two years and a dash unisolated show the years swapped."""
    report.period.name = "2026–2027"
    report.period.save()
    client.force_login(coordinator)

    for url in (report.get_absolute_url(), edit_url(report)):
        page = client.get(f"/ar{url}").content.decode()
        assert '<bdi class="reporting-period-name">2026–2027</bdi></h1>' in page
        assert "\u20682026–2027\u2069 · " in page  # the window title


def test_a_narrative_is_typed_and_shown_in_its_own_direction(client, coordinator, report):
    complete(report)
    client.force_login(coordinator)

    urls = [f"/ar{report.get_absolute_url()}", f"/ar{edit_url(report)}"]
    shown, form = (client.get(url).content.decode() for url in urls)

    assert '<div class="reporting-narrative" dir="auto">' in shown
    textarea = form[form.index('<textarea name="narrative_1"') :]
    assert 'dir="auto"' in textarea[: textarea.index(">")]


def test_a_periods_name_keeps_its_order_in_lists_and_choices(client, secretariat, report):
    report.period.name = "2026–2027"
    report.period.save()
    client.force_login(secretariat)
    urls = [reverse(name) for name in ("reporting:home", "reporting:dashboard")]

    listed, dashboard = (client.get(f"/ar{url}").content.decode() for url in urls)

    assert 'class="nowrap"><bdi>2026–2027</bdi></td>' in listed
    assert ">\u20682026–2027\u2069</option>" in dashboard
