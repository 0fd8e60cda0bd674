"""A reporting period, from a blank installation to an accepted report, in headless
Chromium, through the pages alone (issue 12's proof).

The installation is as a real one starts: the migrations' data (the Key Features of
Learning Cities, version 1, published) and the shipped members (`make data`), nothing
else, and its first secretariat from `gnlc create-secretariat`'s printed one-time link.
Then, each person in their own browser window: the secretariat opens the biennial
reporting period (every active member gets its report) and invites Amman's city
coordinator from the People page; the coordinator follows the mailed link, finds the
report, writes part of it and tries to submit: the page names the areas still missing;
completed, the report is submitted; the secretariat returns it with what needs changing,
the coordinator changes it and submits it again, and the secretariat accepts it. Reports
are confidential (docs/reporting.md): the public never sees one, and the member stays
active in the directory.

In English and in Arabic (right to left), with a screenshot of every page visited at 1280
and 390 px in test-results/journeys/."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from gnlc.core.tests.blank_install import (
    Journey,
    create_secretariat,
    install,
    invitation_link,
    submit,
)
from gnlc.reporting.models import FrameworkVersion, Report

pytestmark = pytest.mark.browser
LANGUAGES = ["en", "ar"]
NARRATIVE = "The city council adopted a lifelong learning plan with its partners."
# A few areas are written before the first try to submit; the rest after.
FIRST_AREAS = ["1", "2", "3"]


def write_areas(page, codes) -> None:
    for code in codes:
        page.fill(f"#id_narrative_{code}", f"{NARRATIVE} (area {code})")
        page.select_option(f"#id_rating_{code}", "3")


@pytest.mark.parametrize("lang", LANGUAGES)
@override_settings(GNLC_TWO_FACTOR_REQUIRED=True)
def test_a_reporting_period_from_a_blank_installation_to_an_accepted_report(
    page, live_server, mailoutbox, lang
):
    install()
    journey = Journey("reporting", lang, page.context.browser, live_server.url)
    url = journey.url
    today = timezone.localdate()
    framework = FrameworkVersion.objects.published().get()
    codes = [area.code for area in framework.areas()]
    assert len(codes) == 12  # the Key Features' twelve areas of focus
    secretariat = journey.window()
    link = create_secretariat("secretariat@unesco.example", language=lang, site_url=live_server.url)

    # The first secretariat comes in and opens the reporting period.
    journey.welcome(secretariat, link, "secretariat")
    journey.follow(secretariat, "/reporting/", "reporting-empty", within=".site-nav")
    journey.follow(secretariat, "/reporting/periods/", "periods-empty")
    journey.follow(secretariat, "/reporting/periods/new/", "new-period")
    secretariat.fill("#id_name", "2026–2027")
    secretariat.select_option("#id_framework", str(framework.pk))
    secretariat.fill("#id_opens", today.isoformat())
    secretariat.fill("#id_due", (today + dt.timedelta(days=365)).isoformat())
    journey.shoot(secretariat, "new-period-filled")
    submit(secretariat)
    secretariat.wait_for_url(f"**{url('/reporting/periods/')}")
    secretariat.locator(".message--success").wait_for()
    journey.shoot(secretariat, "period-open")
    report = Report.objects.get(member__slug="amman")
    assert report.state == "draft"
    assert Report.objects.count() > 100  # every active member's

    # It invites Amman's city coordinator from the People page.
    journey.invite_coordinator(
        secretariat, "coordinator@amman.example", "Rania Haddad", "Amman", "invite-coordinator"
    )
    assert [m.to for m in mailoutbox] == [["coordinator@amman.example"]]

    # The coordinator comes in, finds the report and writes part of it.
    coordinator = journey.window()
    journey.welcome(coordinator, invitation_link(mailoutbox[0]), "coordinator")
    journey.follow(coordinator, "/reporting/", "coordinator-reports", within=".site-nav")
    report_url = url(f"/reporting/reports/{report.pk}/")
    coordinator.click(f'main a[href="{report_url}"]')
    coordinator.wait_for_url(f"**{report_url}")
    journey.shoot(coordinator, "report-draft")
    coordinator.click(f'main a[href="{report_url}edit/"]')
    coordinator.wait_for_url(f"**{report_url}edit/")
    journey.shoot(coordinator, "report-form")
    write_areas(coordinator, FIRST_AREAS)
    submit(coordinator, "button[value=submit]")
    # Saved, not submitted: the page names every area still missing, and what it lacks.
    missing = coordinator.locator("#incomplete .reporting-incomplete__list > li")
    missing.first.wait_for()
    assert missing.count() == len(codes) - len(FIRST_AREAS)
    assert [f"#area-{code}" for code in codes[len(FIRST_AREAS) :]] == [
        item.locator("a").first.get_attribute("href") for item in missing.all()
    ]
    journey.shoot(coordinator, "report-incomplete")
    report.refresh_from_db()
    assert report.state == "draft"
    assert sorted(report.narratives) == sorted(FIRST_AREAS)

    # Completed, it is submitted.
    write_areas(coordinator, codes[len(FIRST_AREAS) :])
    submit(coordinator, "button[value=submit]")
    coordinator.wait_for_url(f"**{report_url}")
    coordinator.locator(".message--success").wait_for()
    journey.shoot(coordinator, "report-submitted")
    report.refresh_from_db()
    assert report.state == "submitted"

    # The secretariat finds it among the submitted reports and returns it.
    journey.follow(secretariat, "/reporting/", within=".site-nav")
    secretariat.click('main a.chip[href="?state=submitted"]')
    secretariat.wait_for_url(f"**{url('/reporting/')}?state=submitted")
    journey.shoot(secretariat, "reports-submitted")
    secretariat.click(f'main a[href="{report_url}"]')
    secretariat.wait_for_url(f"**{report_url}")
    journey.shoot(secretariat, "report-to-review")
    secretariat.fill("#comment-returned", "Say which partners signed the plan in area 11.")
    secretariat.click("button[data-move=returned]")
    secretariat.locator(".message--success").wait_for()
    journey.shoot(secretariat, "report-returned")
    report.refresh_from_db()
    assert report.state == "returned"
    assert mailoutbox[-1].to == ["coordinator@amman.example"]
    assert "which partners signed" in mailoutbox[-1].body

    # The coordinator sees what needs changing, changes it and submits again.
    coordinator.goto(report_url)
    assert "which partners signed" in coordinator.inner_text("main")
    journey.shoot(coordinator, "report-returned-to-city")
    coordinator.click(f'main a[href="{report_url}edit/"]')
    coordinator.wait_for_url(f"**{report_url}edit/")
    coordinator.fill("#id_narrative_11", f"{NARRATIVE} The university and the libraries signed.")
    journey.shoot(coordinator, "report-changed")
    submit(coordinator, "button[value=submit]")
    coordinator.wait_for_url(f"**{report_url}")
    coordinator.locator(".message--success").wait_for()
    journey.shoot(coordinator, "report-resubmitted")

    # The secretariat accepts it; the dashboard counts it.
    secretariat.goto(report_url)
    journey.shoot(secretariat, "report-to-review-again")
    secretariat.click("button[data-move=accepted]")
    secretariat.locator(".message--success").wait_for()
    journey.shoot(secretariat, "report-accepted")
    report.refresh_from_db()
    assert report.state == "accepted"
    journey.visit(secretariat, "/reporting/dashboard/", "dashboard")
    journey.visit(secretariat, "/reporting/members/amman/", "member-reporting")
    coordinator.goto(report_url)
    journey.shoot(coordinator, "report-accepted-city")

    # Reports are confidential: the public is sent to log in, never shown one, and
    # Amman stays an active member in the directory.
    visitor = journey.window()
    for path in (report_url, url("/reporting/members/amman/")):
        response = visitor.request.get(path, max_redirects=0)
        assert response.status == 302
        assert "/accounts/login/" in response.headers["location"]
    journey.visit(visitor, "/members/amman/", "visitor-member")
    assert visitor.locator("main .badge--active").count() == 1
    assert NARRATIVE not in visitor.inner_text("main")
    assert journey.errors == []
