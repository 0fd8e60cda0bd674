"""User text with HTML and JavaScript in every member field shown on a page is inert:
escaped on the member page, the directory and the map page, plain data in the map's
GeoJSON, refused where the field cannot hold it (a URL's scheme, a population)."""

import json

import pytest

from gnlc.cities.forms import MemberProfileForm
from gnlc.cities.tests.factories import MemberFactory

ATTACK = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
WEBSITE = 'https://example.org/?q="><script>alert(1)</script>'
WEBSITE_ESCAPED = "https://example.org/?q=&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(db):
    """A member whose every free-text field carries markup."""
    return MemberFactory(
        name=f"Evil {ATTACK}",
        subdivision=f"Sub {ATTACK}",
        mayor=f"Mayor {ATTACK}",
        profile=f"Profile {ATTACK}",
        website=WEBSITE,
        population=123456,
    )


def assert_inert(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="https://example.org/?q="' not in html


@pytest.mark.parametrize("prefix", ["Evil", "Sub", "Mayor", "Profile"])
def test_member_page_escapes_text_field(client, hostile, prefix):
    html = client.get(hostile.get_absolute_url()).content.decode()

    assert_inert(html)
    assert f"{prefix} {ESCAPED}" in html


def test_member_page_escapes_website_in_link_and_text(client, hostile):
    html = client.get(hostile.get_absolute_url()).content.decode()

    assert (
        f'<a href="{WEBSITE_ESCAPED}" rel="noopener nofollow" dir="ltr">{WEBSITE_ESCAPED}</a>'
        in html
    )


def test_member_page_shows_population_as_a_number(client, hostile):
    html = client.get(hostile.get_absolute_url()).content.decode()

    assert "<dd>123,456</dd>" in html


@pytest.mark.parametrize("params", [{}, {"q": "evil"}])
def test_directory_escapes_name_and_subdivision(client, hostile, params):
    html = client.get("/members/", params).content.decode()

    assert_inert(html)
    assert f"Evil {ESCAPED}" in html
    assert f"Sub {ESCAPED}" in html


def test_map_page_escapes_member_names(client, hostile):
    html = client.get("/map/").content.decode()

    assert_inert(html)
    assert f"Evil {ESCAPED}" in html


def test_map_geojson_carries_names_as_plain_json_strings(client, hostile):
    response = client.get("/members.geojson", {"status": "active"})

    data = json.loads(response.getvalue())
    assert response["Content-Type"].startswith("application/geo+json")
    assert [f["properties"]["name"] for f in data["features"]] == [f"Evil {ATTACK}"]
    assert [f["properties"]["subdivision"] for f in data["features"]] == [f"Sub {ATTACK}"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("website", "javascript:alert(1)"), ("population", "<script>alert(1)</script>")],
)
def test_profile_form_refuses_markup_where_the_field_cannot_hold_it(field, value):
    form = MemberProfileForm(data={field: value})

    assert form.is_valid() is False
    assert field in form.errors
