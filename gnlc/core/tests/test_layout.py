"""The public pages fit a phone: nothing wider than the screen (wide tables scroll in
their own box), in a left-to-right and a right-to-left language."""

import pytest

from gnlc.cities.tests.factories import CohortFactory, MemberFactory

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/members/",
    "/members/nakuru/",
    "/countries/",
    "/countries/ke/",
    "/regions/africa/",
    "/map/",
    "/statistics/",
    "/data/",
    "/library/",
    "/news/",
]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_pages_fit_a_phone(page, reference_data, language):
    cohort = CohortFactory(year=2022, announced_members=77, announced_countries=44)
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort, population=198444)
    MemberFactory(name="Cao Lãnh", country_id="VN", cohort=cohort)
    page.set_viewport_size({"width": 390, "height": 844})
    prefix = "" if language == "en" else f"/{language}"

    wider = {}
    for path in PAGES:
        page.goto(prefix + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 0:
            wider[path] = overflow

    assert wider == {}
