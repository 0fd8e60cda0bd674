"""This app's rows of the permission matrix (see gnlc/core/tests/test_permission_matrix.py).

Coordinators see and edit only their member's reports; the Kenyan National Commission
reads them; the secretariat sees and manages everything; a report or attachment others
may not see is a 404; the member's reporting page (of a public member) is a 403."""

from django.core.files.base import ContentFile

from gnlc.core.tests.matrix import PERSONAS, SECRETARIAT, only

READERS = {"coordinator", "natcom", "secretariat"}
HIDDEN = only(READERS, denied=404)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build(member, personas):
    from gnlc.reporting.models import Attachment
    from gnlc.reporting.tests.factories import PeriodFactory, ReportFactory

    report = ReportFactory(member=member, period=PeriodFactory())
    attachment = Attachment.store(
        report, ContentFile(PDF, name="plan.pdf"), kind="pdf", title="Plan"
    )
    draft = report.period.framework.new_draft()
    area = draft.areas().first()
    return {
        "report": report,
        "attachment": attachment,
        "draft": draft,
        "draft_area": area,
        "draft_feature": draft.features().first(),
    }


def _report(o):
    return {"pk": o["report"].pk}


ROUTES = {
    "reporting:home": (lambda o: {}, only(READERS)),
    "reporting:report": (_report, HIDDEN),
    "reporting:report-edit": (
        _report,
        {**only({"coordinator"}, denied=404), "natcom": 403, "secretariat": 403},
    ),
    # POST only: after the log-in, a GET is refused whoever asks.
    "reporting:report-transition": (
        _report,
        {p: 302 if p == "anonymous" else 405 for p in PERSONAS},
    ),
    "reporting:attachment": (lambda o: {"pk": o["attachment"].pk}, HIDDEN),
    "reporting:member": (lambda o: {"slug": o["member"].slug}, only(READERS)),
    "reporting:reinstate": (lambda o: {"slug": o["member"].slug}, SECRETARIAT),
    "reporting:dashboard": (lambda o: {}, SECRETARIAT),
    "reporting:periods": (lambda o: {}, SECRETARIAT),
    "reporting:period-add": (lambda o: {}, SECRETARIAT),
    "reporting:period-edit": (lambda o: {"pk": o["report"].period_id}, SECRETARIAT),
    "reporting:policy": (lambda o: {}, SECRETARIAT),
    "reporting:framework": (lambda o: {}, SECRETARIAT),
    "reporting:framework-version": (lambda o: {"pk": o["draft"].pk}, SECRETARIAT),
    "reporting:framework-node": (
        lambda o: {"version": o["draft"].pk, "kind": "feature", "pk": o["draft_feature"].pk},
        SECRETARIAT,
    ),
    "reporting:feature-add": (
        lambda o: {"version": o["draft"].pk, "area": o["draft_area"].pk},
        SECRETARIAT,
    ),
}
