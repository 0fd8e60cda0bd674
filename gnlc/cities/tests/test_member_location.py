"""A coordinator places their city on the map from its profile: latitude and longitude,
checked, and the member is then on the map's GeoJSON."""

import json

import pytest
from django.urls import reverse

from gnlc.cities.forms import MemberProfileForm
from gnlc.cities.models import Member

pytestmark = pytest.mark.django_db


def _data(**location):
    return {
        "website": "",
        "mayor": "",
        "population": "",
        "subdivision": "",
        "profile": "",
        **location,
    }


@pytest.fixture
def unplaced(member):
    """The member as a new one comes out of the admission cycle: without coordinates."""
    Member.objects.filter(pk=member.pk).update(latitude=None, longitude=None)
    member.refresh_from_db()
    return member


def _geojson_point(client, member):
    """The member's point in the open data's GeoJSON, and as the maps draw it (their
    feed leaves out the members without one)."""
    document = json.loads(client.get("/members.geojson?status=active").getvalue())
    [feature] = [f for f in document["features"] if f["id"] == member.slug]
    drawn = json.loads(client.get(reverse("cities:map-members")).content)
    points = [f["geometry"] for f in drawn["features"] if f["id"] == member.slug]
    assert points == ([feature["geometry"]] if feature["geometry"] else [])
    return feature["geometry"]


def test_coordinator_places_the_city_and_it_is_on_the_map(client, unplaced, coordinator):
    client.force_login(coordinator)
    assert _geojson_point(client, unplaced) is None

    response = client.post(
        reverse("cities:member-edit", args=[unplaced.slug]),
        _data(latitude="-0.3031234567", longitude="36.08"),
    )

    unplaced.refresh_from_db()
    assert response.status_code == 302
    assert (unplaced.latitude, unplaced.longitude) == (-0.303123, 36.08)
    assert _geojson_point(client, unplaced) == {"type": "Point", "coordinates": [36.08, -0.303123]}
    assert client.get("/map/").context["placed"] == 1
    page = client.get(unplaced.get_absolute_url()).text
    assert 'data-point="-0.303123,36.080000"' in page


def test_edit_form_shows_the_fields_and_the_map_to_click(client, member, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("cities:member-edit", args=[member.slug]))

    form = response.context["form"]
    assert [f.name for f in form.location_fields()] == ["latitude", "longitude"]
    text = response.text
    assert 'name="latitude" value="-1.28" step="any" min="-90" max="90"' in text
    assert 'data-latitude-input="id_latitude" data-longitude-input="id_longitude"' in text
    # Without JavaScript the map stays hidden: the number fields do the job alone.
    assert '<div class="location-picker" data-location-picker hidden>' in text


@pytest.mark.parametrize(
    ("location", "field", "error"),
    [
        (
            {"latitude": "95", "longitude": "36"},
            "latitude",
            "A latitude is between -90 (south) and 90 (north) degrees.",
        ),
        (
            {"latitude": "-0.3", "longitude": "-181"},
            "longitude",
            "A longitude is between -180 (west) and 180 (east) degrees.",
        ),
        (
            {"latitude": "-0.3", "longitude": ""},
            "longitude",
            "Give the longitude too, or leave both empty.",
        ),
        (
            {"latitude": "", "longitude": "36"},
            "latitude",
            "Give the latitude too, or leave both empty.",
        ),
        ({"latitude": "north", "longitude": "36"}, "latitude", "Enter a number."),
    ],
)
def test_bad_coordinates_are_refused_next_to_their_field(location, field, error):
    form = MemberProfileForm(_data(**location), instance=Member(name="X", country_id="KE"))

    assert not form.is_valid()
    assert form.errors == {field: [error]}


def test_bad_coordinates_keep_what_was_typed_and_change_nothing(client, member, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("cities:member-edit", args=[member.slug]),
        _data(latitude="95", longitude="36.5", mayor="Jane Doe"),
    )

    member.refresh_from_db()
    text = response.text
    assert response.status_code == 200
    assert text.count("A latitude is between -90 (south) and 90 (north) degrees.") == 1
    assert 'name="latitude" value="95"' in text
    assert 'name="longitude" value="36.5"' in text
    assert 'value="Jane Doe"' in text
    assert (member.latitude, member.longitude, member.mayor) == (-1.28, 36.82, "")


def test_emptying_both_fields_takes_the_member_off_the_map(client, member, coordinator):
    client.force_login(coordinator)

    client.post(reverse("cities:member-edit", args=[member.slug]), _data(latitude="", longitude=""))

    member.refresh_from_db()
    assert not member.has_coordinates
    assert _geojson_point(client, member) is None


def test_the_change_of_coordinates_is_in_the_audit_log(client, unplaced, coordinator):
    from gnlc.audit.models import AuditEntry

    client.force_login(coordinator)
    client.post(
        reverse("cities:member-edit", args=[unplaced.slug]), _data(latitude="1.5", longitude="2")
    )

    entry = AuditEntry.objects.filter(object_id=str(unplaced.pk)).latest("pk")
    assert entry.actor == coordinator
    assert entry.changes["latitude"] == [None, 1.5]
    assert entry.changes["longitude"] == [None, 2.0]
