import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from gnlc.cities import exports
from gnlc.cities.enums import EventKind
from gnlc.cities.models import Member
from gnlc.cities.tests.factories import CohortFactory, MemberFactory
from gnlc.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """`gnlc ...` (Django's run_from_argv) closes every connection when a command ends;
    on PostgreSQL that would close the test's own transaction under the next test."""
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


@pytest.fixture
def network():
    """Nakuru (2019, active), Cao Lãnh (2022) and Larissa (2019, withdrawn in 2023)."""
    cohort_2019 = CohortFactory(year=2019, announced_on=dt.date(2019, 7, 17))
    cohort_2022 = CohortFactory(year=2022, announced_on=dt.date(2022, 9, 2))
    nakuru = MemberFactory(name="Nakuru", cohort=cohort_2019, latitude=-0.28, longitude=36.07)
    cao_lanh = MemberFactory(
        name="Cao Lãnh", country_id="VN", cohort=cohort_2022, latitude=10.46, longitude=105.63
    )
    larissa = MemberFactory(
        name="Larissa", country_id="GR", cohort=cohort_2019, latitude=39.64, longitude=22.42
    )
    larissa.record_event(EventKind.WITHDRAWN, on=dt.date(2023, 1, 10))
    return {"nakuru": nakuru, "cao_lanh": cao_lanh, "larissa": larissa}


def run(command, *args):
    out = io.StringIO()
    call_command(command, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_export_csv_header_is_the_csv_columns_and_rows_parse(network):
    text = run("export", "members", "--format", "csv")

    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    assert reader.fieldnames == exports.CSV_COLUMNS
    assert [row["name"] for row in rows] == ["Cao Lãnh", "Larissa", "Nakuru"]
    assert rows[2] == {
        "name": "Nakuru",
        "slug": "nakuru",
        "kind": "city",
        "country": "Kenya",
        "iso2": "KE",
        "region": "Africa",
        "cohort_year": "2019",
        "admitted_on": "2019-07-17",
        "member_by": "",
        "status": "active",
        "latitude": "-0.28",
        "longitude": "36.07",
        "subdivision": "",
        "website": "",
        "source_url": "",
        "local_name": "",
        "local_name_lang": "",
        "clusters": "",
    }
    assert rows[1]["status"] == "withdrawn"


def test_export_geojson_is_an_rfc7946_feature_collection(network):
    document = json.loads(run("export", "members", "--format", "geojson"))

    assert document["type"] == "FeatureCollection"
    assert len(document["features"]) == 3
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        longitude, latitude = feature["geometry"]["coordinates"]
        assert -180 <= longitude <= 180
        assert -90 <= latitude <= 90
    by_name = {f["properties"]["name"]: f for f in document["features"]}
    # RFC 7946 order: [longitude, latitude].
    assert by_name["Cao Lãnh"]["geometry"]["coordinates"] == [105.63, 10.46]
    assert by_name["Cao Lãnh"]["id"] == "cao-lanh"


def test_export_json_carries_licence_and_filters(network):
    document = json.loads(run("export", "members", "--format", "json", "--country", "ke"))

    assert [m["name"] for m in document["members"]] == ["Nakuru"]
    assert document["metadata"]["licence"] == "CC BY 4.0"
    assert document["metadata"]["filters"] == {"country": ["KE"]}
    assert document["metadata"]["count"] == 1


def test_export_takes_several_values_of_a_filter(network):
    document = json.loads(
        run("export", "members", "--format", "json", "--country", "ke", "--country", "VN")
    )

    assert [m["name"] for m in document["members"]] == ["Cao Lãnh", "Nakuru"]
    assert document["metadata"]["filters"] == {"country": ["KE", "VN"]}


def test_export_as_of_excludes_later_admissions_and_keeps_later_withdrawals(network):
    text = run("export", "members", "--format", "csv", "--as-of", "2022-06-01")

    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(text))}
    assert set(rows) == {"Larissa", "Nakuru"}
    assert rows["Larissa"]["status"] == "active"


def test_export_directory_filters_select_rows(network):
    def names(*args):
        text = run("export", "members", *args)
        return [row["name"] for row in csv.DictReader(io.StringIO(text))]

    assert names("--region", "africa") == ["Nakuru"]
    assert names("--cohort", "2019") == ["Larissa", "Nakuru"]
    assert names("--status", "withdrawn") == ["Larissa"]
    assert names("--q", "lanh") == ["Cao Lãnh"]


def test_export_bad_filter_values_are_listed(network):
    with pytest.raises(CommandError) as raised:
        run("export", "members", "--region", "mars", "--cohort", "x", "--as-of", "2022-02-30")

    assert str(raised.value) == (
        "bad filter value(s):\n"
        "  --region: Select a valid choice. mars is not one of the available choices.\n"
        "  --cohort: Enter a whole number.\n"
        "  --as-of: Enter a valid date."
    )


def test_export_output_option_writes_a_file(network, tmp_path):
    path = tmp_path / "members.geojson"

    out = run("export", "members", "--format", "geojson", "-o", str(path))

    assert out == ""
    assert len(json.loads(path.read_text(encoding="utf-8"))["features"]) == 3


def test_gnlc_cli_export_members(network, capsys):
    main(["gnlc", "export", "members", "--format", "csv", "--status", "active"])

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["name"] for row in rows] == ["Cao Lãnh", "Nakuru"]


@pytest.mark.parametrize("day", ["2019-07-16", "2019-07-17", "2022-09-02", "2023-01-10"])
def test_stats_json_equals_active_on_totals(network, day):
    stats = json.loads(run("stats", "--as-of", day, "--format", "json"))

    totals = Member.objects.active_on(dt.date.fromisoformat(day)).totals()
    assert (stats["members"], stats["countries"]) == (totals["members"], totals["countries"])
    assert sum(region["members"] for region in stats["regions"]) == totals["members"]
    assert stats["as_of"] == day


def test_stats_json_per_region_and_cohort(network):
    stats = json.loads(run("stats", "--as-of", "2022-12-31", "--format", "json"))

    assert {r["slug"]: (r["members"], r["countries"]) for r in stats["regions"]} == {
        "africa": (1, 1),
        "arab-states": (0, 0),
        "asia-and-the-pacific": (1, 1),
        "europe-and-north-america": (1, 1),
        "latin-america-and-the-caribbean": (0, 0),
    }
    assert stats["cohorts"] == [{"year": 2019, "members": 2}, {"year": 2022, "members": 1}]
    assert (stats["suspended"], stats["withdrawn"]) == (0, 0)


def test_stats_text_is_a_readable_table(network):
    text = run("stats", "--as-of", "2023-06-01")

    lines = text.splitlines()
    assert lines[0] == "UNESCO Global Network of Learning Cities, as of 2023-06-01"
    assert "Members                                  2" in lines
    assert "Countries                                2" in lines
    assert "Withdrawn (not counted above)            1" in lines
    assert "Africa                                   1          1" in lines
    assert "2019                                     1" in lines


def test_stats_bad_date_is_an_error():
    with pytest.raises(CommandError, match=r"^--as-of '2023-02-30' is not a date"):
        run("stats", "--as-of", "2023-02-30")


def test_gnlc_cli_stats(network, capsys):
    main(["gnlc", "stats", "--as-of", "2022-12-31", "--format", "json"])

    assert json.loads(capsys.readouterr().out)["members"] == 3


def test_export_that_fails_half_way_leaves_the_file_as_it_was(network, tmp_path, monkeypatch):
    path = tmp_path / "members.csv"
    path.write_text("yesterday's export\n", encoding="utf-8")
    monkeypatch.setattr(exports, "CHUNK", 1)
    read = exports.records

    def lost_half_way(members, as_of=None):
        chunks = read(members, as_of)
        yield next(chunks)
        raise DatabaseError("the connection was lost")

    monkeypatch.setattr(exports, "records", lost_half_way)
    with pytest.raises(DatabaseError):
        run("export", "members", "-o", str(path))

    assert path.read_text(encoding="utf-8") == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["members.csv"]  # no piece left behind
    monkeypatch.setattr(exports, "records", read)
    run("export", "members", "-o", str(path))
    assert path.read_text(encoding="utf-8") == run("export", "members")
