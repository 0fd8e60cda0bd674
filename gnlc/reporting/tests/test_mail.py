from django.utils import translation

from gnlc.mail.outbox import language_of, render_mail
from gnlc.news.tests.conftest import compile_catalogues
from gnlc.reporting.enums import ReportState
from gnlc.reporting.tests.factories import ReportFactory, complete


def test_returned_report_mail_to_a_french_coordinator_is_in_french(
    member, coordinator, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    compile_catalogues()
    coordinator.language = "fr"
    coordinator.save()
    report = complete(ReportFactory(member=member))
    report.transition(ReportState.SUBMITTED, by=coordinator)

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        report.transition(ReportState.RETURNED, by=secretariat, comment="Add figures.")

    message = mailoutbox[0]
    assert (
        message.subject
        == f"Votre rapport pour {report.period.name} a été renvoyé pour modifications"
    )
    assert message.body.startswith(f"Le secrétariat a renvoyé le rapport de {member.name}")


def test_render_follows_each_recipients_language(member, coordinator):
    compile_catalogues()
    report = complete(ReportFactory(member=member))
    coordinator.language = "fr"

    rendered = render_mail(
        "reporting/mail/returned", {"report": report, "record": None}, language_of(coordinator)
    )

    assert (
        rendered.subject
        == f"Votre rapport pour {report.period.name} a été renvoyé pour modifications"
    )
