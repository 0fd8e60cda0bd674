import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.text import count_words
from gnlc.reporting.enums import FrameworkStatus, ReportState
from gnlc.reporting.models import Area, FrameworkVersion, Group, Report, TransitionError
from gnlc.reporting.stats import filing_rate
from gnlc.reporting.tests.factories import PeriodFactory, ReportFactory, complete

pytestmark = pytest.mark.django_db


def test_assign_reports_gives_members_admitted_before_the_start_a_report():
    before = MemberFactory(name="Early", cohort=CohortFactory(year=2022))  # 2022-09-02
    MemberFactory(name="Late", cohort=CohortFactory(year=2024))  # 2024-09-02
    period = PeriodFactory(opens=dt.date(2024, 1, 1))

    created = period.assign_reports()

    assert created == 1
    assert list(period.reports.values_list("member__name", flat=True)) == [before.name]


def test_assign_reports_admitted_on_the_opening_day_reports():
    cohort = CohortFactory(year=2024, announced_on=dt.date(2024, 1, 1))
    MemberFactory(name="Same day", cohort=cohort)
    period = PeriodFactory(opens=dt.date(2024, 1, 1))

    assert period.assign_reports() == 1


def test_assign_reports_suspended_at_the_start_gets_none(member):
    from gnlc.cities.enums import EventKind

    member.record_event(EventKind.SUSPENDED, on=dt.date(2023, 5, 1))
    period = PeriodFactory(opens=dt.date(2024, 1, 1))

    assert period.assign_reports() == 0


def test_assign_reports_run_twice_creates_once(member):
    period = PeriodFactory()

    first, second = period.assign_reports(), period.assign_reports()

    assert (first, second) == (1, 0)
    assert Report.objects.count() == 1


def test_members_admitted_late_report_in_the_next_period():
    MemberFactory(name="Late", cohort=CohortFactory(year=2024))
    first = PeriodFactory(name="2024", opens=dt.date(2024, 1, 1))
    second = PeriodFactory(
        name="2026",
        opens=dt.date(2026, 1, 1),
        due=dt.date(2026, 6, 30),
        grace_end=dt.date(2026, 8, 29),
    )

    assert (first.assign_reports(), second.assign_reports()) == (0, 1)


def test_count_words_counts_runs_of_non_space():
    assert count_words("  one two\nthree  ") == 3
    assert count_words("") == 0


def test_transition_submit_complete_report_records_history(member, coordinator):
    report = complete(ReportFactory(member=member))

    record = report.transition(ReportState.SUBMITTED, by=coordinator)

    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert report.submitted_at is not None
    assert (record.from_state, record.to_state, record.by) == ("draft", "submitted", coordinator)


def test_transition_submit_incomplete_refused(member, coordinator):
    report = ReportFactory(member=member)

    with pytest.raises(TransitionError):
        report.transition(ReportState.SUBMITTED, by=coordinator)

    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    assert report.history.count() == 0


def test_problems_for_submission_counts_words_against_the_limit(member):
    report = complete(ReportFactory(member=member, period=PeriodFactory(word_limit=3)))

    problems = report.problems_for_submission()

    assert problems == {
        "narrative_1": "5 words: at most 3.",
        "narrative_2": "4 words: at most 3.",
    }


def test_transition_return_needs_a_comment(member, coordinator, secretariat):
    report = complete(ReportFactory(member=member))
    report.transition(ReportState.SUBMITTED, by=coordinator)

    with pytest.raises(TransitionError):
        report.transition(ReportState.RETURNED, by=secretariat, comment="  ")


def test_transition_by_coordinator_of_another_member_denied(member, coordinator):
    other = ReportFactory(member=MemberFactory(name="Elsewhere"))
    complete(other)

    with pytest.raises(PermissionDenied):
        other.transition(ReportState.SUBMITTED, by=coordinator)


def test_transition_accept_by_coordinator_denied(member, coordinator):
    report = complete(ReportFactory(member=member))
    report.transition(ReportState.SUBMITTED, by=coordinator)

    with pytest.raises(PermissionDenied):
        report.transition(ReportState.ACCEPTED, by=coordinator)


def test_transition_returned_resubmitted_keeps_first_submission(member, coordinator, secretariat):
    report = complete(ReportFactory(member=member))
    report.transition(ReportState.SUBMITTED, by=coordinator)
    first = report.submitted_at
    report.transition(ReportState.RETURNED, by=secretariat, comment="Add figures.")
    report.transition(ReportState.SUBMITTED, by=coordinator)
    report.transition(ReportState.ACCEPTED, by=secretariat)

    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED
    assert report.submitted_at == first
    assert list(report.history.values_list("to_state", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]


def test_transition_return_mails_coordinators_in_their_language(
    member, coordinator, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    coordinator.language = "fr"
    coordinator.save()
    report = complete(ReportFactory(member=member))
    report.transition(ReportState.SUBMITTED, by=coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        report.transition(ReportState.RETURNED, by=secretariat, comment="Add figures.")

    assert [m.to for m in mailoutbox] == [[coordinator.email]]
    assert "Add figures." in mailoutbox[0].body


def test_transition_is_audited(member, coordinator):
    from gnlc.audit.models import AuditEntry

    report = complete(ReportFactory(member=member))

    report.transition(ReportState.SUBMITTED, by=coordinator)

    entry = AuditEntry.objects.for_object(report).first()
    assert entry.actor == coordinator
    assert entry.changes["state"] == ["draft", "submitted"]


def test_previous_report_is_the_members_report_in_the_period_before(member):
    old = ReportFactory(member=member, period=PeriodFactory(opens=dt.date(2022, 1, 1)))
    new = ReportFactory(member=member, period=PeriodFactory(opens=dt.date(2024, 1, 1)))

    assert new.previous() == old
    assert old.previous() is None


def test_sections_show_previous_figures_by_code_across_versions(member):
    old = complete(ReportFactory(member=member, period=PeriodFactory(opens=dt.date(2022, 1, 1))))
    framework = old.period.framework.new_draft()
    framework.publish()
    new = ReportFactory(member=member, period=PeriodFactory(framework=framework))
    new.measures = {"1.1": "50"}
    new.save()

    feature = new.sections(new.previous())[0]["areas"][0]["features"][0]

    assert (str(feature["value"]), str(feature["previous"])) == ("50", "42.5")


def test_new_draft_copies_the_tree_and_publish_fixes_it(member):
    version = PeriodFactory().framework

    draft = version.new_draft()

    assert draft.status == FrameworkStatus.DRAFT
    assert draft.number == FrameworkVersion.objects.order_by("-number").first().number
    assert [a.code for a in draft.areas()] == ["1", "2"]
    assert [f.measure_name_fr for f in draft.features()] == ["Adultes en formation"]
    draft.publish()
    assert draft.status == FrameworkStatus.PUBLISHED


def test_seeded_framework_has_three_groups_and_twelve_areas():
    version = FrameworkVersion.objects.get(number=1)

    assert version.status == FrameworkStatus.PUBLISHED
    assert [g.code for g in version.groups.all()] == ["benefits", "building-blocks", "conditions"]
    assert [a.code for a in version.areas()] == [str(n) for n in range(1, 13)]


def test_area_label_follows_the_active_language():
    from django.utils import translation

    area = FrameworkVersion.objects.get(number=1).areas().get(code="3")

    with translation.override("fr"):
        french = area.label
    with translation.override("es"):
        spanish = area.label

    assert (french, spanish) == ("Développement durable", "Desarrollo sostenible")


def test_the_seeded_key_features_are_named_in_every_language_a_typed_name_as_typed():
    version = FrameworkVersion.objects.published().first()
    area = Area.objects.get(version=version, code="10")
    group = area.group
    typed = Group(name_en="A group the secretariat typed")

    with translation.override("ar"):
        assert (area.label, group.label) == (
            "إرادة سياسية والتزام قويان",
            "الشروط الأساسية لبناء مدينة تعلّم",
        )
        assert typed.label == "A group the secretariat typed"
    with translation.override("es"):
        assert area.label == "Voluntad política y compromiso firmes"
    with translation.override("fr"):
        assert area.label == "Volonté politique et engagement forts"  # its own field


@pytest.mark.parametrize(
    ("filed", "reports", "shown"),
    [(0, 236, 0), (1, 236, 0.4), (118, 236, 50), (235, 236, 99.6), (236, 236, 100), (0, 0, 0)],
)
def test_the_filing_rate_is_never_0_with_a_report_filed_nor_100_with_one_missing(
    filed, reports, shown
):
    assert filing_rate(filed, reports) == shown
