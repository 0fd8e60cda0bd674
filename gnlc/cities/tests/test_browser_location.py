"""A coordinator places a new member on the map in headless Chromium: a click on the
profile form's map fills in the coordinates, saving puts the member on /map/."""

import contextlib

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gnlc.accounts.enums import RoleKind
from gnlc.accounts.tests.factories import RoleFactory, UserFactory
from gnlc.cities.models import Member
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors, log_in, shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def new_member(reference_data):
    """A member as the admission cycle leaves it: admitted, without coordinates, and its
    coordinator."""
    member = MemberFactory(
        name="Nakuru",
        country_id="KE",
        cohort=CohortFactory(year=2022),
        latitude=None,
        longitude=None,
    )
    coordinator = UserFactory(email="coordinator@nakuru.example")
    RoleFactory(user=coordinator, kind=RoleKind.COORDINATOR, member=member)
    return member


def test_a_click_on_the_map_sets_the_coordinates_and_the_member_reaches_the_map(page, new_member):
    errors = console_errors(page)
    log_in(page, "coordinator@nakuru.example")
    page.goto("/map/")
    page.locator('#member-map[data-loaded="1"]').wait_for()
    assert page.locator("#member-map").get_attribute("data-markers") == "0"

    page.goto(f"/members/{new_member.slug}/edit/")
    picker = page.locator('[data-location-picker] [data-map][data-picker="ready"]')
    picker.wait_for()
    page.locator('[data-location-picker] [data-map][data-loaded="1"]').wait_for()
    # A person zooms in on Kenya first, then clicks where the city is.
    point = page.evaluate(
        """() => {
            const map = document.querySelector('[data-location-picker] [data-map]').gnlcMap;
            map.setView([-0.3, 36.07], 6, {animate: false});
            const p = map.latLngToContainerPoint([-0.3031, 36.08]);
            return {x: Math.round(p.x), y: Math.round(p.y)};
        }"""
    )
    expected = page.evaluate(
        """([x, y]) => {
            const ll = document.querySelector('[data-location-picker] [data-map]')
                .gnlcMap.containerPointToLatLng([x, y]);
            return [ll.lat.toFixed(4), ll.lng.toFixed(4)];
        }""",
        [point["x"], point["y"]],
    )
    picker.click(position=point)

    typed = [page.input_value("#id_latitude"), page.input_value("#id_longitude")]
    # The point under the click, to a pixel (about 0.02 degree at this zoom), in degrees
    # with four decimals.
    assert all(len(value.split(".")[1]) == 4 for value in typed)
    assert abs(float(typed[0]) - float(expected[0])) < 0.03
    assert abs(float(typed[1]) - float(expected[1])) < 0.03
    assert abs(float(typed[0]) + 0.3031) < 0.05
    assert abs(float(typed[1]) - 36.08) < 0.05
    assert page.locator(".leaflet-picked-pane path.leaflet-interactive").count() == 1
    shoot(page, "content", "member-edit-en")

    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/members/{new_member.slug}/")
    new_member.refresh_from_db()
    assert (new_member.latitude, new_member.longitude) == tuple(float(v) for v in typed)
    page.locator('.map[data-loaded="1"]').wait_for()
    shoot(page, "content", "member-page-en")

    page.goto("/map/")
    page.locator('#member-map[data-loaded="1"]').wait_for()
    assert page.locator("#member-map").get_attribute("data-markers") == "1"
    assert errors == []


def test_typed_coordinates_move_the_marker_and_work_in_arabic(page, new_member):
    errors = console_errors(page)
    log_in(page, "coordinator@nakuru.example")

    page.goto(f"/ar/members/{new_member.slug}/edit/")
    page.locator('[data-location-picker] [data-map][data-loaded="1"]').wait_for()
    assert page.locator(".leaflet-picked-pane path").count() == 0
    page.fill("#id_latitude", "-0.3031")
    page.fill("#id_longitude", "36.08")

    page.locator(".leaflet-picked-pane path.leaflet-interactive").wait_for()
    # The map zooms to the point with Leaflet's animation (a quarter of a second, longer
    # on a loaded machine): its centre is the point once the animation has ended.
    centre = "document.querySelector('[data-location-picker] [data-map]').gnlcMap.getCenter()"
    typed = "c => Math.abs(c.lat + 0.3031) < 5e-5 && Math.abs(c.lng - 36.08) < 5e-5"
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below says where it is
        page.wait_for_function(f"() => ({typed})({centre})", timeout=10_000)
    moved = page.evaluate(f"() => {centre}")
    assert (round(moved["lat"], 4), round(moved["lng"], 4)) == (-0.3031, 36.08)
    shoot(page, "content", "member-edit-ar")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/ar/members/{new_member.slug}/")
    page.locator('.map[data-loaded="1"]').wait_for()
    shoot(page, "content", "member-page-ar")
    assert Member.objects.get(pk=new_member.pk).has_coordinates
    assert errors == []


def test_without_javascript_the_number_fields_do_the_job(browser_without_js, new_member):
    page = browser_without_js
    log_in(page, "coordinator@nakuru.example")
    page.goto(f"/members/{new_member.slug}/edit/")

    assert page.locator("[data-location-picker]").is_hidden()
    page.fill("#id_latitude", "-0.3031")
    page.fill("#id_longitude", "36.08")
    page.click("main form button[type=submit]")

    page.wait_for_url(f"**/members/{new_member.slug}/")
    new_member.refresh_from_db()
    assert (new_member.latitude, new_member.longitude) == (-0.3031, 36.08)


@pytest.fixture
def browser_without_js(page, live_server):
    """A page whose browser context runs no script (a new context of the same browser)."""
    context = page.context.browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield context.new_page()
    context.close()
