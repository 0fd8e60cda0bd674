"""The published totals and the coverage tables, and a member on record, as a reader
sees them (screenshots for a person to look at)."""

import datetime as dt

import pytest

from gnlc.cities.enums import EventKind
from gnlc.cities.models import NetworkTotal
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors, shoot

pytestmark = pytest.mark.browser

FOLDER = "open-data"


@pytest.fixture
def network(reference_data):
    cohort = CohortFactory(
        year=2022, announced_on=dt.date(2022, 9, 2), announced_members=77, announced_countries=44
    )
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort, latitude=-0.3, longitude=36.07)
    pecs = MemberFactory(
        name="Pécs", country_id="HU", cohort=False, latitude=46.07, longitude=18.23
    )
    pecs.record_event(EventKind.ON_RECORD, on=dt.date(2016, 10, 25), source_url="https://e.org/p")
    NetworkTotal.objects.create(
        on=dt.date(2022, 9, 2), members=294, countries=76, source_url="https://example.org/t"
    )
    return pecs


@pytest.mark.parametrize("language", ["en", "ar"])
def test_totals_coverage_and_member_on_record(page, network, language):
    errors = console_errors(page)
    prefix = "" if language == "en" else f"/{language}"

    page.goto(f"{prefix}/statistics/")
    assert page.locator("#announced-total").is_visible()
    shoot(page, FOLDER, f"statistics-{language}")
    page.goto(f"{prefix}/data/")
    assert page.locator("#network-totals").is_visible()
    assert page.locator("#cohort-not-known").is_visible()
    shoot(page, FOLDER, f"open-data-{language}")
    page.goto(f"{prefix}{network.get_absolute_url()}")
    assert page.locator("#member-by").is_visible()
    shoot(page, FOLDER, f"member-on-record-{language}")
    page.goto(f"{prefix}/members/?cohort=unknown")
    shoot(page, FOLDER, f"directory-unknown-{language}")
    assert errors == []
