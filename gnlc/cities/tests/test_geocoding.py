import csv

import pytest

from gnlc.cities import geocoding, importer

# Members no offline source places with confidence; the importer reports them. Hina,
# Bikok and Mayo-Baléo (Cameroon) and Pya (Togo) are communes GeoNames (as shipped)
# lacks; the Kuno and Laikipia consortia (Kenya) are clusters of small towns with no one
# seat to point at; GeoNames as shipped has Siheung only as a Seoul neighbourhood of the
# same name, not Hashtgerd New Town (only the old town) and not Dongducheon.
KNOWN_UNPLACED = {
    ("Hina", "CM"),
    ("Bikok", "CM"),
    ("Mayo-Baléo", "CM"),
    ("Pya - Commune de Kozah 2", "TG"),
    ("Kuno Consortium", "KE"),
    ("Laikipia Consortium", "KE"),
    ("Siheung", "KR"),
    ("Dongducheon", "KR"),
    ("Hashtgerd New Town", "IR"),
}


def places_rows() -> list[dict]:
    with geocoding.PLACES_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def shipped_members() -> list[dict]:
    """The rows of both shipped member files (with and without a cohort)."""
    rows = []
    for path in (importer.SHIPPED_MEMBERS, importer.DATA_DIR / "gnlc_members_on_record.csv"):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows += list(csv.DictReader(f))
    return rows


def test_shipped_members_are_placed_but_the_known_few():
    unplaced = {
        (row["city"], row["iso2"])
        for row in shipped_members()
        if geocoding.locate(row["city"], row["iso2"]) is None
    }

    assert unplaced == KNOWN_UNPLACED


def test_places_csv_rows_name_shipped_members_and_resolve():
    members = {(row["city"], row["iso2"]) for row in shipped_members()}
    for row in places_rows():
        assert (row["city"], row["iso2"]) in members, row["city"]
        place = geocoding.locate(row["city"], row["iso2"])
        assert place is not None, row["city"]
        assert -90 <= place.latitude <= 90
        assert -180 <= place.longitude <= 180


@pytest.mark.parametrize("row", places_rows(), ids=lambda row: row["city"])
def test_places_csv_geonameid_is_the_named_place_in_the_country(row):
    if not row["geonameid"]:
        # Coordinates given outright must say what they are the coordinates of.
        assert row["latitude"]
        assert row["longitude"]
        assert row["note"]
        return
    city = geocoding._cities()[int(row["geonameid"])]

    assert (city["name"], city["countrycode"]) == (row["geonames_name"], row["iso2"])


def test_locate_same_name_places_are_told_apart_by_geonameid():
    santa_fe = geocoding.locate("San Justo", "AR")
    la_matanza = geocoding.locate("La Matanza", "AR")

    assert santa_fe.source == "geonames:3837124"
    assert (round(santa_fe.latitude, 2), round(santa_fe.longitude, 2)) == (-30.79, -60.59)
    assert la_matanza.source == "geonames:3428775"
    assert (round(la_matanza.latitude, 2), round(la_matanza.longitude, 2)) == (-34.68, -58.56)


def test_locate_matches_names_accent_and_case_insensitively():
    place = geocoding.locate("yaounde", "CM")

    assert place.source == "geonames:2220957"


def test_locate_strips_a_county_suffix():
    assert geocoding.locate("Kilifi County", "KE").source == "geonames:192067"


def test_locate_unknown_name_or_wrong_country_is_none():
    assert geocoding.locate("Atlantis", "KE") is None
    assert geocoding.locate("Nakuru", "GR") is None


def test_locate_given_coordinates_come_from_places_csv():
    place = geocoding.locate("Songpa-gu (Seoul)", "KR")

    assert place == geocoding.Place(37.51417, 127.10667, "places.csv")
