"""A juror asks for another country and the secretariat approves it, through the pages
only: the juror's assignment now in conflict is withdrawn at once."""

import pytest

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.admissions.enums import ApplicationState as S
from gnlc.admissions.models import Review
from gnlc.admissions.tests.factories import ApplicationFactory, CallFactory, make_juror
from gnlc.core.tests.browser import console_errors, log_in, shoot

pytestmark = pytest.mark.browser


def test_a_juror_change_of_country_waits_for_the_secretariat(page, reference_data):
    secretariat = UserFactory(email="sec@example.org", is_staff=True)
    RoleFactory(user=secretariat, kind=RoleKind.SECRETARIAT)
    juror = make_juror("juror2@example.org", country="KE")
    kochi = ApplicationFactory(
        call=CallFactory(), state=S.NOMINATED, city_name="Kochi", country_id="IN"
    )
    Review.objects.create(application=kochi, juror=juror)
    errors = console_errors(page)

    log_in(page, "juror2@example.org", "/admissions/jury/profile/")
    page.select_option("#id_country", "IN")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/admissions/jury/")
    page.goto("/admissions/jury/profile/")
    assert "is waiting for the secretariat's approval" in page.inner_text("main")
    shoot(page, "juror-changes", "juror-profile-pending")
    page.goto("/ar/admissions/jury/profile/")
    shoot(page, "juror-changes", "juror-profile-pending-ar")

    log_in(page, "sec@example.org", "/admissions/")
    page.click("text=Jurors' changes of country (1)")
    page.wait_for_url("**/admissions/jury/changes/")
    shoot(page, "juror-changes", "secretariat-pending")
    page.click("button[value=approve]")
    page.wait_for_url("**/admissions/jury/changes/")
    assert "1 assignment in conflict was withdrawn" in page.inner_text("main")
    shoot(page, "juror-changes", "secretariat-decided")
    page.goto("/ar/admissions/jury/changes/")
    shoot(page, "juror-changes", "secretariat-decided-ar")

    assert not Review.objects.filter(juror=juror).exists()
    log_in(page, "juror2@example.org", "/admissions/jury/")
    assert "No application is assigned to you." in page.inner_text("main")
    assert errors == []
