import csv
import datetime as dt
import io
import json
import re

import pytest
from PIL import Image

from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.core.tests.browser import console_errors, requested_urls, shoot

pytestmark = pytest.mark.browser


@pytest.fixture
def members(reference_data):
    cohort = CohortFactory(year=2022)
    MemberFactory(name="Nakuru", country_id="KE", cohort=cohort, latitude=-0.30, longitude=36.07)
    MemberFactory(name="Cao Lãnh", country_id="VN", cohort=cohort, latitude=10.46, longitude=105.63)
    MemberFactory(name="Aalborg", country_id="DK", cohort=cohort, latitude=57.05, longitude=9.92)


def popup_texts(page, markers):
    """Each of `markers` clicked in turn: the text of the popup it opens, in their order."""
    texts = []
    for index in range(markers.count()):
        markers.nth(index).click(force=True)
        newest = page.locator(".leaflet-popup-content").last  # the last one fades out
        texts.append(" ".join(newest.inner_text().split()))
    return texts


def result_names(page):
    return page.locator(".member-list__name").all_inner_texts()


def test_directory_region_facet_updates_results_and_url_without_reload(page, members):
    errors = console_errors(page)
    page.goto("/members/")
    assert result_names(page) == ["Aalborg", "Cao Lãnh", "Nakuru"]
    # A full page load would drop this; an htmx swap keeps it.
    page.evaluate("window.stillTheSamePage = true")

    page.locator('a[data-facet="region"][data-value="africa"]').click()

    page.wait_for_url(re.compile(r"/members/\?region=africa$"))
    page.locator(".results__count", has_text="1 member").wait_for()
    assert result_names(page) == ["Nakuru"]
    assert page.evaluate("window.stillTheSamePage") is True
    selected = page.locator('a[data-facet="region"][aria-current="true"]')
    assert selected.get_attribute("data-value") == "africa"
    assert errors == []


def test_directory_search_puts_only_the_filled_fields_in_the_address(page, members):
    errors = console_errors(page)
    page.goto("/members/")

    page.fill("input[name=q]", "nak")

    # The sort select always has a value; the empty date field is left out.
    page.wait_for_url(re.compile(r"/members/\?q=nak(&sort=[a-z_-]+)?$"))
    page.locator(".results__count", has_text="1 member").wait_for()
    assert result_names(page) == ["Nakuru"]
    assert "as_of" not in page.url
    assert errors == []


def test_map_draws_clustered_markers_without_leaving_the_site(page, members, live_server):
    errors = console_errors(page)
    requests = requested_urls(page)

    page.goto("/map/")

    page.locator('#member-map[data-loaded="1"]').wait_for()
    assert page.locator("#member-map").get_attribute("data-markers") == "3"
    assert page.locator("#member-map path.leaflet-interactive, #member-map .marker-cluster").count()
    assert page.locator("#member-map svg path").count() > 100  # the country outlines
    outside = [url for url in requests if not url.startswith(live_server.url)]
    assert outside == []
    assert errors == []


def assert_whole_member_page(page, name):
    """The member's own page, loaded whole: one header, one footer, its map drawn."""
    page.locator("h1", has_text=name).wait_for()
    assert page.locator("header.site-header").count() == 1
    assert page.locator("footer.site-footer").count() == 1
    assert page.locator("#directory-results").count() == 0
    page.locator('.map[data-loaded="1"]').wait_for()
    assert page.locator(".map svg path").count() > 100  # the country outlines


@pytest.mark.parametrize(
    ("narrow", "address"),
    [
        (lambda page: page.fill("input[name=q]", "nak"), r"/members/\?q=nak"),
        (
            lambda page: page.locator('a[data-facet="region"][data-value="africa"]').click(),
            r"/members/\?region=africa$",
        ),
    ],
    ids=["after-a-search", "after-a-facet"],
)
def test_directory_result_opens_the_member_page_whole(page, members, narrow, address):
    errors = console_errors(page)
    page.goto("/members/")
    narrow(page)
    page.wait_for_url(re.compile(address))
    page.locator(".results__count", has_text="1 member").wait_for()

    page.locator(".member-list__name", has_text="Nakuru").click()

    page.wait_for_url(re.compile(r"/members/nakuru/$"))
    assert_whole_member_page(page, "Nakuru")
    assert errors == []


MARKER = (0x0A, 0x5F, 0xAD)  # --map-marker in the light scheme
LAND = (0xF4, 0xF6, 0xF8)  # --map-land


def colour_at_centre(page, locator):
    """The colour painted at the centre of `locator`'s box, as the screen shows it."""
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    png = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1})
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((0, 0))


def distance(one, other):
    return max(abs(a - b) for a, b in zip(one, other, strict=True))


@pytest.mark.parametrize(
    ("path", "marker"),
    [
        ("/members/nakuru/", ".map .leaflet-overlay-pane path"),
        ("/map/", "#member-map .leaflet-overlay-pane path"),
    ],
    ids=["member-page", "map-page"],
)
def test_map_draws_an_inland_city_above_the_country_outlines(page, members, path, marker):
    # The outlines arrive after the markers, as they do when the basemap is slower.
    held = []
    page.route("**/countries-110m.json", lambda route: held.append(route))
    page.goto(path)
    page.locator(marker).first.wait_for()
    # The held request reaches the handler when Playwright next dispatches its events,
    # which may come after the marker (a loaded machine): wait for it, for up to 10 s.
    for _ in range(200):
        if held:
            break
        page.wait_for_timeout(50)
    held.pop().continue_()
    page.locator('.map[data-loaded="1"]').wait_for()
    # Nakuru, inland Kenya: the marker nearest to it on screen is its own.
    dot = page.locator(marker).first if path == "/members/nakuru/" else nakuru_marker(page)

    colour = colour_at_centre(page, dot)

    assert distance(colour, MARKER) < 30, colour
    assert distance(colour, LAND) > 150, colour


def nakuru_marker(page):
    """The map page's marker of Nakuru (its tooltip names it)."""
    markers = page.locator("#member-map .leaflet-overlay-pane path.leaflet-interactive")
    for index in range(markers.count()):
        markers.nth(index).hover()
        if page.locator(".leaflet-tooltip", has_text="Nakuru").count():
            return markers.nth(index)
    raise AssertionError("No marker of Nakuru on the map")


def test_directory_facets_take_several_values_in_place(page, members):
    errors = console_errors(page)
    page.goto("/members/")
    page.evaluate("window.stillTheSamePage = true")
    facet = 'a[data-facet="region"][data-value="{}"]'

    page.locator(facet.format("africa")).click()
    page.wait_for_url(re.compile(r"/members/\?region=africa$"))
    # Another region's count stays: choosing it too adds its members.
    asia = page.locator(facet.format("asia-and-the-pacific"))
    assert asia.locator(".facet__count").inner_text() == "1"
    asia.click()

    page.wait_for_url(re.compile(r"/members/\?region=africa&region=asia-and-the-pacific$"))
    page.locator(".results__count", has_text="2 members").wait_for()
    assert result_names(page) == ["Cao Lãnh", "Nakuru"]
    selected = page.locator('a[data-facet="region"][aria-current="true"]')
    assert selected.evaluate_all("links => links.map(link => link.dataset.value)") == [
        "africa",
        "asia-and-the-pacific",
    ]

    # Typing a search keeps both regions; a chip takes one out.
    page.fill("input[name=q]", "a")
    page.wait_for_url(re.compile(r"\?q=a(&sort=name)?&region=africa&region=asia-and-the-pacific$"))
    page.locator(".chip", has_text="Africa").click()
    page.wait_for_url(re.compile(r"/members/\?q=a(&sort=name)?&region=asia-and-the-pacific$"))
    page.locator(".results__count", has_text="1 member").wait_for()
    assert result_names(page) == ["Cao Lãnh"]
    assert page.evaluate("window.stillTheSamePage") is True
    assert errors == []


def test_home_figures_follow_the_language_and_a_new_member(page, members):
    """The network's figures are kept per data revision (gnlc.cities.stats): read in
    English first, they still name the regions in French on the French home page, and
    a member saved since (a save bumps the revision) shows at once."""
    errors = console_errors(page)

    def region_row(name):
        return page.locator("section[aria-labelledby=regions-title] tbody tr", has_text=name)

    page.goto("/")
    assert region_row("Africa").locator("td").all_inner_texts() == ["1", "1"]
    page.goto("/fr/")
    assert region_row("Afrique").locator("td").all_inner_texts() == ["1", "1"]
    assert region_row("Europe et Amérique du Nord").locator("td").all_inner_texts() == ["1", "1"]
    shoot(page, "home", "regions-fr")

    MemberFactory(name="Mombasa", country_id="KE", cohort=CohortFactory(year=2023))
    page.goto("/fr/")
    assert region_row("Afrique").locator("td").all_inner_texts() == ["2", "1"]
    assert errors == []


def test_region_with_more_members_than_it_lists_leads_to_the_directory(page, members, monkeypatch):
    """A region page past `LISTED_IN_FULL` members (two here, as at 100,000 members
    past 500) lists its countries and sends the reader to the directory for the rest."""
    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", 1)
    MemberFactory(name="Mombasa", country_id="KE", cohort=CohortFactory(year=2023))
    errors = console_errors(page)
    page.goto("/regions/africa/")
    assert page.locator("section[aria-labelledby=members-title] table").count() == 0
    shoot(page, "region", "past-the-list")

    members_section = page.locator("section[aria-labelledby=members-title]")
    members_section.get_by_role("link", name="Open in the directory").click()

    page.wait_for_url(re.compile(r"/members/\?region=africa$"))
    assert result_names(page) == ["Mombasa", "Nakuru"]
    assert errors == []


def test_map_past_the_members_it_lists_gives_their_countries(page, members, monkeypatch):
    """The map's list equivalent, past `LISTED_IN_FULL` members, lists the countries
    with their counts; the map still draws every member."""
    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", 2)
    errors = console_errors(page)
    page.goto("/map/")
    page.locator('#member-map[data-loaded="1"]').wait_for()
    assert page.locator("#member-map").get_attribute("data-markers") == "3"
    page.locator(".list-alternative summary").click()
    countries = page.locator(".list-alternative .count-list li")
    listed = [" ".join(text.split()) for text in countries.all_inner_texts()]
    assert listed == ["Denmark 1", "Kenya 1", "Viet Nam 1"]
    shoot(page, "map", "past-the-list")

    countries.get_by_role("link", name="Kenya").click()

    page.wait_for_url("**/countries/ke/")
    assert page.locator("h1").inner_text() == "Kenya"
    assert errors == []


def test_statistics_past_the_withdrawals_it_lists_leads_to_the_directory(
    page, members, monkeypatch
):
    """The statistics page's "Every withdrawal", past `LISTED_IN_FULL` (none here, as
    at 100,000 members past 500), sends the reader to the directory's withdrawn members."""
    Member.objects.get(name="Aalborg").record_event(EventKind.WITHDRAWN, on=dt.date(2023, 5, 1))
    monkeypatch.setattr("gnlc.cities.views.LISTED_IN_FULL", 0)
    errors = console_errors(page)
    page.goto("/statistics/")
    departures = page.locator("section[aria-labelledby=departures-title]")
    assert departures.locator("h3").inner_text() == "Every withdrawal"
    departures.scroll_into_view_if_needed()
    shoot(page, "statistics", "past-the-withdrawals")

    departures.get_by_role("link", name="Open in the directory").click()

    page.wait_for_url(re.compile(r"/members/\?status=withdrawn$"))
    assert result_names(page) == ["Aalborg"]
    assert errors == []


def test_home_map_draws_the_members_with_their_country_in_the_page_language(page, members):
    """The maps read their own feed (`cities:map-members`), kept per language: on the
    French home page a marker's popup names its country in French."""
    errors = console_errors(page)
    fetched = requested_urls(page)
    page.goto("/fr/")
    page.locator('.map[data-loaded="1"]').wait_for()
    assert page.locator(".map").get_attribute("data-markers") == "3"
    assert [url for url in fetched if "geojson" in url] == [
        f"{page.url.rstrip('/')}/map/members.geojson"
    ]

    popups = popup_texts(page, page.locator(".map path.leaflet-interactive"))
    assert sorted(popups) == [
        "Aalborg Danemark · 2022",
        "Cao Lãnh Viet Nam · 2022",
        "Nakuru Kenya · 2022",
    ]
    shoot(page, "home", "map-popup-fr")
    assert errors == []


def test_directory_downloads_the_members_it_shows_a_chunk_at_a_time(
    page, members, monkeypatch, tmp_path
):
    """A visitor narrows the directory, then saves its CSV and GeoJSON: the files the
    browser writes hold the members shown, however many pieces the server sent them in
    (one member a piece here; 2,000 in production)."""
    monkeypatch.setattr("gnlc.cities.exports.CHUNK", 1)
    MemberFactory(name="Odense", country_id="DK", cohort=CohortFactory(year=2023))
    errors = console_errors(page)
    page.goto("/members/")
    page.locator('a[data-facet="region"][data-value="europe-and-north-america"]').click()
    page.wait_for_url(re.compile(r"/members/\?region=europe-and-north-america$"))
    page.locator(".results__count", has_text="2 members").wait_for()
    shoot(page, "directory", "downloads")

    saved = {}
    for name in ("CSV", "GeoJSON"):
        with page.expect_download() as download:
            page.locator(".downloads").get_by_role("link", name=name, exact=True).click()
        saved[name] = tmp_path / download.value.suggested_filename
        download.value.save_as(saved[name])

    assert saved["CSV"].name.startswith("gnlc-members-europe-and-north-america-")
    with saved["CSV"].open(encoding="utf-8", newline="") as table:
        rows = list(csv.DictReader(table))
    assert [(row["name"], row["country"]) for row in rows] == [
        ("Aalborg", "Denmark"),
        ("Odense", "Denmark"),
    ]
    document = json.loads(saved["GeoJSON"].read_text(encoding="utf-8"))
    assert document["metadata"]["count"] == 2
    assert [f["id"] for f in document["features"]] == ["aalborg", "odense"]
    assert errors == []


def test_map_past_the_members_it_draws_shows_each_country_and_opens_its_page(
    page, members, monkeypatch
):
    """Past `MAP_MEMBERS_DRAWN` placed members (three here, 5,000 in production) the
    map draws one point a country, larger for more members, whose popup gives their
    number and opens the country's page; the page says why, in the reader's language."""
    monkeypatch.setattr("gnlc.cities.exports.MAP_MEMBERS_DRAWN", 3)
    MemberFactory(name="Mombasa", country_id="KE", latitude=-4.05, longitude=39.67)
    errors = console_errors(page)
    page.goto("/es/map/")
    page.locator('#member-map[data-loaded="1"]').wait_for()
    assert "Demasiados para dibujarlos uno a uno" in page.locator(".lead").inner_text()
    assert page.locator("#member-map").get_attribute("data-markers") == "3"
    markers = page.locator("#member-map path.leaflet-interactive")
    sizes = [markers.nth(i).bounding_box()["width"] for i in range(markers.count())]

    popups = {text: index for index, text in enumerate(popup_texts(page, markers))}
    assert sorted(popups) == ["Dinamarca 1 miembro", "Kenya 2 miembros", "Viet Nam 1 miembro"]
    kenya = sizes.pop(popups["Kenya 2 miembros"])
    assert kenya > max(sizes)  # two members against one each
    markers.nth(popups["Kenya 2 miembros"]).click(force=True)
    page.wait_for_function(  # the popup faded in, the others out
        "() => [...document.querySelectorAll('.leaflet-popup')]"
        ".every(p => getComputedStyle(p).opacity === '1')"
    )
    shoot(page, "map", "by-country-es")

    page.locator(".leaflet-popup-content").last.get_by_role("link", name="Kenya").click()
    page.wait_for_url(re.compile(r"/es/countries/ke/$"))
    assert page.locator("h1").inner_text() == "Kenya"
    assert errors == []


def test_directory_button_under_the_title_keeps_its_distance_on_a_phone(page, members):
    """On a phone the "Suggest a correction" button wraps under the title: it kept no
    space before the search form, which it touched."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/members/")
    button = page.locator("#suggest-link").bounding_box()
    form = page.locator("#directory-form").bounding_box()
    title = page.locator("h1").bounding_box()

    assert button["y"] > title["y"] + title["height"]  # wrapped under the title
    assert form["y"] - (button["y"] + button["height"]) >= 12
