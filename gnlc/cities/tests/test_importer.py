import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.utils import timezone

from gnlc.audit.models import AuditEntry
from gnlc.cities import importer
from gnlc.cities.models import Cohort, Country, Member, MembershipEvent
from gnlc.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    """`gnlc ...` (Django's run_from_argv) closes every connection when a command ends;
    on PostgreSQL that would close the test's own transaction under the next test."""
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)


HEADER = "city,country,iso2,region,year_joined,admitted_on,source_url"
GOOD_ROWS = [
    "Nakuru,Kenya,KE,Africa,2022,,https://example.org/2022",
    "Cao Lãnh,Viet Nam,VN,Asia and the Pacific,2021,,https://example.org/2021",
    "Larissa,Greece,GR,Europe and North America,2022,,https://example.org/2022",
]
COHORTS = (
    "year,announced_on,source_url\n"
    "2021,,https://example.org/2021\n"
    "2022,2022-09-02,https://example.org/2022\n"
)
THIS_YEAR = timezone.localdate().year
# Each kind of bad row, as line 3 after one good row, and what the importer says of it.
BAD_ROWS = {
    "unknown country code": ("Atlantis,Atlantis,XX,Africa,2022,,", "unknown country code 'XX'"),
    "country contradicts code": (
        "Mombasa,Tanzania,KE,Africa,2022,,",
        "country 'Tanzania' does not match code KE (Kenya)",
    ),
    "unknown region": ("Kisumu,Kenya,KE,Atlantis,2022,,", "unknown region 'Atlantis'"),
    "region contradicts country": (
        "Eldoret,Kenya,KE,Arab States,2022,,",
        "region 'Arab States' contradicts Kenya, which is in 'Africa'",
    ),
    "non-numeric year": ("Thika,Kenya,KE,Africa,twenty,,", "year_joined 'twenty' is not a year"),
    "year out of range": (
        "Nyeri,Kenya,KE,Africa,1999,,",
        f"year_joined 1999 is outside 2013..{THIS_YEAR}",
    ),
    "bad admitted_on": (
        "Machakos,Kenya,KE,Africa,2022,2022-02-30,",
        "admitted_on '2022-02-30' is not a date (YYYY-MM-DD)",
    ),
    "missing name": (",Kenya,KE,Africa,2022,,", "the city name is missing"),
    "duplicate": ("Nakuru,Kenya,KE,Africa,2022,,", "duplicate of line 2 (Nakuru, KE)"),
}


@pytest.fixture
def cohorts_csv(tmp_path):
    path = tmp_path / "cohorts.csv"
    path.write_text(COHORTS, encoding="utf-8")
    return path


def members_csv(tmp_path, rows, *, header=HEADER, encoding="utf-8", name="members.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


def run(*args, **options):
    """call_command, returning (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_members", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def database_state():
    """Every row the importer may touch, to compare before and after."""
    return {
        "members": list(Member.objects.order_by("pk").values()),
        "events": list(MembershipEvent.objects.order_by("pk").values()),
        "cohorts": list(Cohort.objects.order_by("pk").values()),
        "audit": list(AuditEntry.objects.order_by("pk").values()),
    }


def test_import_good_file_creates_members_cohorts_and_admissions(tmp_path, cohorts_csv):
    path = members_csv(tmp_path, GOOD_ROWS)

    out, err = run(path, cohorts=cohorts_csv)

    assert (
        out == "members.csv: 3 created, 0 updated, 0 unchanged, 0 skipped, 0 without coordinates.\n"
    )
    assert err == ""
    assert sorted(Member.objects.values_list("name", "country_id", "cohort_id", "status")) == [
        ("Cao Lãnh", "VN", 2021, "active"),
        ("Larissa", "GR", 2022, "active"),
        ("Nakuru", "KE", 2022, "active"),
    ]
    assert list(Cohort.objects.values_list("year", "announced_on")) == [
        (2021, None),
        (2022, dt.date(2022, 9, 2)),
    ]
    # The admission takes the cohort's announcement date; where it is unknown, the year.
    nakuru = MembershipEvent.objects.get(member__name="Nakuru")
    assert (nakuru.kind, nakuru.date, nakuru.year, nakuru.effective_on) == (
        "admitted",
        dt.date(2022, 9, 2),
        2022,
        dt.date(2022, 9, 2),
    )
    assert nakuru.source_url == "https://example.org/2022"
    cao_lanh = MembershipEvent.objects.get(member__name="Cao Lãnh")
    assert (cao_lanh.kind, cao_lanh.date, cao_lanh.year, cao_lanh.effective_on) == (
        "admitted",
        None,
        2021,
        dt.date(2021, 12, 31),
    )
    assert Member.objects.filter(latitude__isnull=True).count() == 0


def test_import_admitted_on_column_overrides_the_cohort_date(tmp_path, cohorts_csv):
    path = members_csv(tmp_path, ["Nakuru,Kenya,KE,Africa,2022,2022-10-01,"])

    run(path, cohorts=cohorts_csv)

    event = MembershipEvent.objects.get()
    assert (event.date, event.cohort_id) == (dt.date(2022, 10, 1), 2022)


def test_import_local_name_columns_set_the_local_name(tmp_path, cohorts_csv):
    path = members_csv(
        tmp_path,
        ["Andong,Republic of Korea,KR,Asia and the Pacific,2022,,,안동,ko"],
        header=HEADER + ",local_name,local_name_lang",
    )

    run(path, cohorts=cohorts_csv)

    andong = Member.objects.get()
    assert (andong.local_name, andong.local_name_lang) == ("안동", "ko")
    assert list(Member.objects.search("안동")) == [andong]


def test_import_without_local_name_column_keeps_the_local_name(tmp_path, cohorts_csv):
    run(members_csv(tmp_path, GOOD_ROWS), cohorts=cohorts_csv)
    Member.objects.filter(name="Nakuru").update(local_name="Nakuru", local_name_lang="sw")

    out, _ = run(members_csv(tmp_path, GOOD_ROWS), cohorts=cohorts_csv)

    assert "0 updated, 3 unchanged" in out
    nakuru = Member.objects.get(name="Nakuru")
    assert (nakuru.local_name, nakuru.local_name_lang) == ("Nakuru", "sw")


def test_import_bad_local_name_lang_is_reported_and_nothing_is_written(tmp_path, cohorts_csv):
    path = members_csv(
        tmp_path,
        ["Andong,Republic of Korea,KR,Asia and the Pacific,2022,,,안동,Korean!"],
        header=HEADER + ",local_name,local_name_lang",
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^1 bad row\(s\); nothing was written"):
        call_command(
            "import_members", str(path), cohorts=str(cohorts_csv), stdout=io.StringIO(), stderr=err
        )

    assert err.getvalue() == (
        "members.csv: line 2: local_name_lang 'Korean!' is not a BCP 47 language tag\n"
    )
    assert Member.objects.count() == 0


def test_import_duplicates_name_the_line_first_met_whatever_case_and_accents(tmp_path, cohorts_csv):
    path = members_csv(
        tmp_path,
        [
            *GOOD_ROWS[:2],
            "NAKURU,Kenya,KE,Africa,2022,,",
            "Cao Lanh,Viet Nam,VN,Asia and the Pacific,2021,,",
            "nakuru,Kenya,KE,Africa,2022,,",
            "Nakuru,Viet Nam,VN,Asia and the Pacific,2021,,",  # another country: not one
        ],
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^3 bad row\(s\); nothing was written"):
        call_command(
            "import_members", str(path), cohorts=str(cohorts_csv), stdout=io.StringIO(), stderr=err
        )

    assert err.getvalue().splitlines() == [
        "members.csv: line 4: duplicate of line 2 (NAKURU, KE)",
        "members.csv: line 5: duplicate of line 3 (Cao Lanh, VN)",
        "members.csv: line 6: duplicate of line 2 (nakuru, KE)",
    ]


def test_seen_keys_keep_the_first_line_of_each_key():
    with importer.SeenKeys() as seen:
        found = [seen.first_line(key, line) for line, key in enumerate("abacab", start=2)]

    assert found == [None, None, 2, None, 2, 3]


def test_reimport_same_file_changes_nothing(tmp_path, cohorts_csv):
    path = members_csv(tmp_path, GOOD_ROWS)
    run(path, cohorts=cohorts_csv)
    before = database_state()

    out, _ = run(path, cohorts=cohorts_csv)

    assert (
        out == "members.csv: 0 created, 0 updated, 3 unchanged, 0 skipped, 0 without coordinates.\n"
    )
    assert database_state() == before


def test_reimport_changed_row_updates_its_member(tmp_path, cohorts_csv):
    run(members_csv(tmp_path, GOOD_ROWS), cohorts=cohorts_csv)
    last_entry = AuditEntry.objects.order_by("pk").last().pk
    changed = [GOOD_ROWS[0].replace("2022,,https://example.org/2022", "2021,,https://x.org/n")]

    out, _ = run(members_csv(tmp_path, changed + GOOD_ROWS[1:]), cohorts=cohorts_csv)

    assert (
        out == "members.csv: 0 created, 1 updated, 2 unchanged, 0 skipped, 0 without coordinates.\n"
    )
    nakuru = Member.objects.get(name="Nakuru")
    assert (nakuru.source_url, nakuru.cohort_id) == ("https://x.org/n", 2021)
    event = nakuru.events.get()
    assert (event.cohort_id, event.date, event.year) == (2021, None, 2021)
    assert Member.objects.count() == 3
    # Only Nakuru and its admission changed, and the audit log says so, with the import.
    assert sorted(
        AuditEntry.objects.filter(pk__gt=last_entry).values_list("action", "object_repr")
    ) == [
        ("create", "Import of members.csv: 0 created, 1 updated, 2 unchanged"),
        ("update", "Nakuru"),
        ("update", "Nakuru"),
        ("update", "Nakuru: Admitted 2021"),
    ]


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_import_bad_row_is_reported_with_its_line_and_nothing_is_written(
    tmp_path, cohorts_csv, kind
):
    row, message = BAD_ROWS[kind]
    path = members_csv(tmp_path, [GOOD_ROWS[0], row])
    before = database_state()
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^1 bad row\(s\); nothing was written"):
        call_command(
            "import_members",
            str(path),
            cohorts=str(cohorts_csv),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue() == f"members.csv: line 3: {message}\n"
    assert database_state() == before


def test_import_reports_every_bad_row_on_stderr(tmp_path, cohorts_csv):
    rows = [GOOD_ROWS[0]] + [row for row, _ in BAD_ROWS.values()]
    path = members_csv(tmp_path, rows)
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^9 bad row\(s\); nothing was written"):
        call_command("import_members", str(path), stderr=err, stdout=io.StringIO())

    assert err.getvalue().splitlines() == [
        f"members.csv: line {line}: {message}"
        for line, (_, message) in enumerate(BAD_ROWS.values(), start=3)
    ]
    assert Member.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_import_skip_invalid_writes_the_good_rows_only(tmp_path, cohorts_csv):
    rows = [GOOD_ROWS[0]] + [row for row, _ in BAD_ROWS.values()] + [GOOD_ROWS[1]]
    path = members_csv(tmp_path, rows)

    out, err = run(path, cohorts=cohorts_csv, skip_invalid=True)

    assert (
        out == "members.csv: 2 created, 0 updated, 0 unchanged, 9 skipped, 0 without coordinates.\n"
    )
    assert len(err.splitlines()) == 9
    assert sorted(Member.objects.values_list("name", flat=True)) == ["Cao Lãnh", "Nakuru"]


def test_import_dry_run_writes_nothing(tmp_path, cohorts_csv):
    path = members_csv(tmp_path, GOOD_ROWS)
    before = database_state()

    out, _ = run(path, cohorts=cohorts_csv, dry_run=True)

    assert out == "members.csv: 3 good row(s), 0 bad; nothing written (dry run).\n"
    assert database_state() == before


def test_import_utf8_with_bom_keeps_the_first_column_and_diacritics(tmp_path, cohorts_csv):
    path = members_csv(tmp_path, GOOD_ROWS, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfcity,")

    run(path, cohorts=cohorts_csv)

    assert Member.objects.filter(name="Cao Lãnh", country_id="VN").exists()
    assert Member.objects.count() == 3


def test_import_latin1_file_is_a_clear_error(tmp_path):
    path = members_csv(tmp_path, GOOD_ROWS, encoding="latin-1")

    with pytest.raises(CommandError) as raised:
        run(path)

    assert str(raised.value) == (
        "members.csv is not UTF-8 (undecodable byte at line 3); save it as UTF-8 and import again."
    )
    with pytest.raises(importer.ImportFileError, match="is not UTF-8"):
        importer.import_members_file(path)
    assert Member.objects.count() == 0


def test_import_missing_required_column_is_a_clear_error(tmp_path):
    header = "city,country,iso2,year_joined"
    path = members_csv(tmp_path, ["Nakuru,Kenya,KE,2022"], header=header)

    with pytest.raises(CommandError) as raised:
        run(path)

    assert str(raised.value) == "members.csv lacks the column(s): region."


def test_import_failure_midway_leaves_the_database_as_it_was(tmp_path, cohorts_csv, monkeypatch):
    run(members_csv(tmp_path, GOOD_ROWS[:1]), cohorts=cohorts_csv)
    before = database_state()
    # The second file updates Nakuru, creates Cao Lãnh and Larissa, then fails on the
    # insert of their admissions.
    changed = [GOOD_ROWS[0].replace("https://example.org/2022", "https://x.org/n"), *GOOD_ROWS[1:]]
    path = members_csv(tmp_path, changed)
    real_bulk_create = QuerySet.bulk_create

    def bulk_create_failing_on_events(self, objs, *args, **kwargs):
        if self.model is MembershipEvent:
            raise IntegrityError("injected failure")
        return real_bulk_create(self, objs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "bulk_create", bulk_create_failing_on_events)

    with pytest.raises(IntegrityError, match="injected failure"):
        run(path, cohorts=cohorts_csv)

    assert database_state() == before


def shipped_rows(path=None) -> list[dict]:
    with (path or importer.SHIPPED_MEMBERS).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_import_shipped_data_loads_every_member(tmp_path, client):
    rows = shipped_rows()
    on_record = shipped_rows(importer.SHIPPED_ON_RECORD)

    out, _ = run()

    assert Member.objects.count() == len(rows) + len(on_record)
    countries = Member.objects.values("country").distinct().count()
    assert countries == len({row["iso2"] for row in rows + on_record})
    assert out.startswith(f"gnlc_members.csv: {len(rows)} created, 0 updated, 0 unchanged")
    assert f"gnlc_members_on_record.csv: {len(on_record)} created, 0 updated, 0 unchanged" in out
    assert Member.objects.filter(status="active").count() == len(rows) + len(on_record)
    assert Member.objects.filter(cohort=None).count() == len(on_record)
    assert Cohort.objects.count() > 0
    # The API counts every member held, with and without a cohort, and their countries.
    assert client.get("/api/v1/members").json()["count"] == len(rows) + len(on_record)
    held = [c for c in client.get("/api/v1/countries").json() if c["members"]]
    assert len(held) == countries
    assert sum(c["members"] for c in held) == len(rows) + len(on_record)


def test_reimport_onto_the_earlier_data_adds_rows_and_moves_la_paz_audited(tmp_path):
    rows = shipped_rows()
    header = ",".join(rows[0])
    # The earlier shipped data: some of today's rows, and La Paz filed under Argentina.
    earlier = [r for r in rows if r["city"] != "La Paz"][:40]
    la_paz = next(r for r in rows if r["city"] == "La Paz")
    lines = [",".join(f'"{v}"' for v in r.values()) for r in earlier]
    old_source = "https://example.org/la-paz-argentina"
    lines.append(f"La Paz,Argentina,AR,Latin America and the Caribbean,2024,{old_source}")
    run(members_csv(tmp_path, lines, header=header), cohorts=importer.SHIPPED_COHORTS)
    moved = Member.objects.get(name="La Paz")
    untouched = {m.pk: m.updated_at for m in Member.objects.exclude(pk=moved.pk)}
    entries_before = AuditEntry.objects.count()

    out, _ = run()

    assert Member.objects.count() == len(rows) + len(shipped_rows(importer.SHIPPED_ON_RECORD))
    la_paz_now = Member.objects.get(name="La Paz")
    assert (la_paz_now.pk, la_paz_now.country_id) == (moved.pk, la_paz["iso2"])
    assert la_paz_now.source_url == la_paz["source_url"]
    assert "corrected La Paz: AR -> MX" in out
    assert f"{len(rows) - 41} created, 1 updated, 40 unchanged" in out
    assert {m.pk: m.updated_at for m in Member.objects.filter(pk__in=untouched)} == untouched
    country_change = AuditEntry.objects.filter(
        object_id=str(moved.pk), action="update", changes__has_key="country_id"
    ).get()
    assert country_change.changes["country_id"] == ["AR", "MX"]
    assert country_change.actor_label.startswith("gnlc import-members: correction")
    assert AuditEntry.objects.count() > entries_before

    again, _ = run()

    assert "corrected" not in again
    assert f"0 created, 0 updated, {len(rows)} unchanged" in again


def test_import_if_empty_skips_a_loaded_database(tmp_path, cohorts_csv):
    path = members_csv(tmp_path, GOOD_ROWS)
    out, _ = run(path, cohorts=cohorts_csv, if_empty=True)
    assert out.startswith("members.csv: 3 created")

    out, _ = run(path, cohorts=cohorts_csv, if_empty=True)

    assert out == "3 members already loaded; skipped the import (--if-empty).\n"


def test_gnlc_cli_import_members_with_hyphens(tmp_path, cohorts_csv, capsys):
    path = members_csv(tmp_path, GOOD_ROWS)

    main(["gnlc", "import-members", str(path), "--cohorts", str(cohorts_csv)])

    assert capsys.readouterr().out == (
        "members.csv: 3 created, 0 updated, 0 unchanged, 0 skipped, 0 without coordinates.\n"
    )
    assert Member.objects.count() == 3


def test_gnlc_cli_import_members_bad_file_exits_non_zero(tmp_path, capsys):
    path = members_csv(tmp_path, ["Atlantis,Atlantis,XX,Africa,2022,,"])

    with pytest.raises(SystemExit) as exited:
        main(["gnlc", "import-members", str(path)])

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "members.csv: line 2: unknown country code 'XX'" in err
    assert "1 bad row(s); nothing was written" in err


def test_import_refuses_names_a_spreadsheet_would_run_each_row_said_nothing_written(
    tmp_path, cohorts_csv
):
    header = "city,country,iso2,region,year_joined,subdivision,local_name,local_name_lang"
    rows = [
        "Nakuru,Kenya,KE,Africa,2022,,,",
        '"=HYPERLINK(""http://evil.example/"",""info"")",Kenya,KE,Africa,2022,,,',
        "Kisumu,Kenya,KE,Africa,2022,+cmd,,",
        "Eldoret,Kenya,KE,Africa,2022,,@SUM(1+1),en",
        "Nyeri,Kenya,KE,Africa,2022,,,",
    ]
    path = members_csv(tmp_path, rows, header=header)
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^3 bad row\(s\); nothing was written"):
        call_command(
            "import_members", str(path), cohorts=str(cohorts_csv), stdout=io.StringIO(), stderr=err
        )

    formula = "which a spreadsheet runs as a formula; remove it"
    assert err.getvalue().splitlines() == [
        'members.csv: line 3: city \'=HYPERLINK("http://evil.example/","info")\' begins '
        f"with '=', {formula}",
        f"members.csv: line 4: subdivision '+cmd' begins with '+', {formula}",
        f"members.csv: line 5: local_name '@SUM(1+1)' begins with '@', {formula}",
    ]
    assert Member.objects.count() == 0
    assert AuditEntry.objects.count() == 0


ON_RECORD_HEADER = "city,country,iso2,region,member_by,source_url"


def test_import_on_record_member_counts_from_its_day_without_cohort(tmp_path):
    path = members_csv(
        tmp_path,
        ["Pécs,Hungary,HU,Europe and North America,2016-10-25,https://example.org/p"],
        header=ON_RECORD_HEADER,
    )

    out, _ = run(path)

    assert out.startswith("members.csv: 1 created, 0 updated, 0 unchanged, 0 skipped")
    pecs = Member.objects.with_admission().get(name="Pécs")
    assert (pecs.cohort, pecs.status, pecs.member_by) == (None, "active", dt.date(2016, 10, 25))
    fact = pecs.events.get()
    assert (fact.kind, fact.source_url) == ("on_record", "https://example.org/p")
    assert not Member.objects.active_on(dt.date(2016, 10, 24)).exists()
    assert list(Member.objects.active_on(dt.date(2016, 10, 25))) == [pecs]
    assert list(Member.objects.active_on(dt.date(2020, 1, 1))) == [pecs]


def test_import_on_record_again_changes_nothing_and_a_new_day_updates(tmp_path):
    row = "Pécs,Hungary,HU,Europe and North America,2016-10-25,https://example.org/p"
    run(members_csv(tmp_path, [row], header=ON_RECORD_HEADER))

    out, _ = run(members_csv(tmp_path, [row], header=ON_RECORD_HEADER))
    assert out.startswith("members.csv: 0 created, 0 updated, 1 unchanged")

    moved = row.replace("2016-10-25", "2016-09-01")
    out, _ = run(members_csv(tmp_path, [moved], header=ON_RECORD_HEADER))

    assert out.startswith("members.csv: 0 created, 1 updated, 0 unchanged")
    assert MembershipEvent.objects.get().date == dt.date(2016, 9, 1)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "Győr,Hungary,HU,Europe and North America,2016-13-01,",
            "member_by '2016-13-01' is not a date (YYYY-MM-DD)",
        ),
        (
            "Győr,Hungary,HU,Europe and North America,2999-01-01,",
            "member_by 2999-01-01 is in the future",
        ),
        (
            "Győr,Hungary,HU,Europe and North America,2010-01-01,",
            "member_by 2010-01-01 is before 2013",
        ),
        ("Győr,Hungary,HU,Europe and North America,,", "give year_joined or member_by"),
        (
            "Győr,Hungary,HU,Africa,2016-01-01,",
            "region 'Africa' contradicts Hungary, which is in 'Europe and North America'",
        ),
    ],
)
def test_import_on_record_bad_row_is_reported_and_nothing_written(tmp_path, row, message):
    good = "Pécs,Hungary,HU,Europe and North America,2016-10-25,"
    path = members_csv(tmp_path, [good, row], header=ON_RECORD_HEADER)

    with pytest.raises(CommandError, match=r"^1 bad row\(s\); nothing was written"):
        run(path)

    assert Member.objects.count() == 0


def test_import_file_without_year_or_member_by_column_is_a_clear_error(tmp_path):
    path = members_csv(
        tmp_path, ["Győr,Hungary,HU,Europe and North America"], header="city,country,iso2,region"
    )

    with pytest.raises(CommandError) as raised:
        run(path)

    assert str(raised.value) == "members.csv lacks the column(s): year_joined or member_by."


def test_import_cohort_row_turns_on_record_member_into_an_admission_keeping_both(
    tmp_path, cohorts_csv
):
    run(
        members_csv(
            tmp_path,
            ["Larissa,Greece,GR,Europe and North America,2022-05-01,https://example.org/award"],
            header=ON_RECORD_HEADER,
        )
    )

    out, _ = run(
        members_csv(
            tmp_path, ["Larissa,Greece,GR,Europe and North America,2022,,https://example.org/2022"]
        ),
        cohorts=cohorts_csv,
    )

    assert out.startswith("members.csv: 0 created, 1 updated, 0 unchanged")
    larissa = Member.objects.with_admission().get(name="Larissa")
    assert (larissa.cohort_id, larissa.status) == (2022, "active")
    assert (larissa.admitted_on, larissa.member_by) == (dt.date(2022, 9, 2), dt.date(2022, 5, 1))
    assert [(e.kind, e.date) for e in larissa.events.order_by("effective_on")] == [
        ("on_record", dt.date(2022, 5, 1)),
        ("admitted", dt.date(2022, 9, 2)),
    ]
    # As of: a member from the earlier of the two facts.
    assert not Member.objects.active_on(dt.date(2022, 4, 30)).exists()
    assert Member.objects.active_on(dt.date(2022, 5, 1)).count() == 1
    assert Member.objects.active_on(dt.date(2022, 9, 2)).count() == 1


def test_import_one_file_with_both_columns(tmp_path, cohorts_csv):
    header = "city,country,iso2,region,year_joined,member_by,source_url"
    rows = [
        "Nakuru,Kenya,KE,Africa,2022,,https://example.org/2022",
        "Pécs,Hungary,HU,Europe and North America,,2016-10-25,https://example.org/p",
    ]

    out, _ = run(members_csv(tmp_path, rows, header=header), cohorts=cohorts_csv)

    assert out.startswith("members.csv: 2 created")
    assert dict(Member.objects.values_list("name", "cohort")) == {"Nakuru": 2022, "Pécs": None}


def test_large_import_is_one_audit_entry_with_its_counts_and_hash(tmp_path, cohorts_csv):
    """2,500 rows (three batches): every member with its admission and the status and
    cohort it gives, one audit entry for them all, naming the file by its SHA-256."""
    import hashlib

    from gnlc.cities.enums import EventKind

    rows = [
        f"Town {n},Kenya,KE,Africa,2022,,https://example.org/{n}"
        if n % 2
        else f"Ville {n},France,FR,Europe and North America,2021,2021-05-0{1 + n % 9},"
        for n in range(2500)
    ]
    path = members_csv(tmp_path, rows)
    before = AuditEntry.objects.count()

    out, _ = run(path, cohorts=cohorts_csv)

    assert out.startswith("members.csv: 2500 created, 0 updated")
    # The cohorts file's two cohorts have their own entries; the members one in all.
    entries = AuditEntry.objects.all()[: AuditEntry.objects.count() - before]
    entries = [entry for entry in entries if entry.content_type.model != "cohort"]
    assert len(entries) == 1
    changes = {key: after for key, (_, after) in entries[0].changes.items()}
    ids = sorted(Member.objects.values_list("pk", flat=True))
    assert changes == {
        "file": "members.csv",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "rows": 2500,
        "created": 2500,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "created_ids": f"{ids[0]}-{ids[-1]}",
    }
    # The history is complete, and the stored status and cohort are what the events say.
    assert MembershipEvent.objects.filter(kind=EventKind.ADMITTED).count() == 2500
    for member in Member.objects.filter(name__in=["Town 1", "Ville 2", "Town 2499"]):
        first = member.events.get()
        assert (member.status, member.cohort_id) == (member.status_on(), first.cohort_id)
    assert Member.objects.get(name="Ville 8").events.get().date == dt.date(2021, 5, 9)
    assert list(
        Member.objects.search("ville 24").order_by("name")[:2].values_list("name", flat=True)
    ) == [
        "Ville 24",
        "Ville 240",
    ]


def test_import_gives_new_members_the_slugs_save_would(tmp_path, cohorts_csv):
    from gnlc.cities.tests.factories import MemberFactory

    MemberFactory(name="Nakuru", country=Country.objects.get(iso2="GR"), slug="nakuru")
    MemberFactory(name="Old", country=Country.objects.get(iso2="GR"), slug="nakuru-ke")
    rows = [
        "Nakuru,Kenya,KE,Africa,2022,,",
        "Cao Lãnh,Viet Nam,VN,Asia and the Pacific,2021,,",
    ]

    run(members_csv(tmp_path, rows), cohorts=cohorts_csv)

    slugs = dict(Member.objects.values_list("name", "slug"))
    assert Member.objects.get(slug="nakuru-ke-2").country_id == "KE"
    assert slugs["Cao Lãnh"] == "cao-lanh"


def test_batched_new_members_get_on_record_facts_and_where_their_coordinates_come_from(
    tmp_path, cohorts_csv
):
    """New members are written in bulk: each still has what saving it one by one gives,
    its on-record fact (no cohort), its admission, its status and its coordinates' origin."""
    header = "city,country,iso2,region,year_joined,member_by,source_url,latitude,longitude"
    rows = [
        "Nakuru,Kenya,KE,Africa,2022,,https://example.org/1,,",
        "Pécs,Hungary,HU,Europe and North America,,2016-10-25,https://example.org/2,46.07,18.23",
        "Larissa,Greece,GR,Europe and North America,2022,2022-05-01,https://example.org/3,,",
        "Nowhere Town,Kenya,KE,Africa,2022,,,,",
    ]

    out, _ = run(members_csv(tmp_path, rows, header=header), cohorts=cohorts_csv)

    assert out.startswith("members.csv: 4 created, 0 updated")
    members = {m.name: m for m in Member.objects.with_admission()}
    assert members["Nakuru"].has_coordinates
    assert members["Nakuru"].coordinates_source.startswith(("geonames:", "places.csv"))
    assert members["Pécs"].coordinates_source == "import"
    assert (
        members["Nowhere Town"].has_coordinates,
        members["Nowhere Town"].coordinates_source,
    ) == (
        False,
        "",
    )
    pecs, larissa = members["Pécs"], members["Larissa"]
    assert (pecs.cohort_id, pecs.status, pecs.member_by) == (None, "active", dt.date(2016, 10, 25))
    assert [e.kind for e in pecs.events.all()] == ["on_record"]
    assert (larissa.cohort_id, larissa.status, larissa.member_by) == (
        2022,
        "active",
        dt.date(2022, 5, 1),
    )
    assert [(e.kind, e.date) for e in larissa.events.order_by("effective_on")] == [
        ("on_record", dt.date(2022, 5, 1)),
        ("admitted", dt.date(2022, 9, 2)),
    ]
    for member in members.values():  # stored as refresh_from_events would store them
        status, cohort = member.status, member.cohort_id
        member.refresh_from_events()
        assert (member.status, member.cohort_id) == (status, cohort)


def test_import_shipped_data_is_one_audit_entry_for_both_files():
    run()

    members = AuditEntry.objects.filter(content_type__model__in=["member", "membershipevent"])
    entry = members.get()
    changes = {key: after for key, (_, after) in entry.changes.items()}
    assert changes["file"] == "gnlc_members.csv, gnlc_members_on_record.csv"
    assert len(changes["sha256"].split(", ")) == 2
    assert changes["created"] == Member.objects.count()
    assert entry.actor_label == "gnlc import-members"


def test_undecodable_byte_is_placed_on_its_line_when_the_file_is_read_in_chunks(
    tmp_path, monkeypatch
):
    """A file on disk is checked chunk by chunk (its memory flat in its size): the line
    of the bad byte is counted across chunks."""
    monkeypatch.setattr(importer.CsvFile, "CHUNK", 16)
    rows = [*GOOD_ROWS[:1], GOOD_ROWS[2], "Besançon,France,FR,Europe and North America,2021,,"]
    path = members_csv(tmp_path, rows, encoding="latin-1")

    with pytest.raises(importer.ImportFileError) as raised:
        importer.import_members_file(path)

    assert "(undecodable byte at line 4)" in str(raised.value)
    assert Member.objects.count() == 0


def test_new_members_of_later_batches_get_slugs_free_of_the_earlier_batches(
    tmp_path, cohorts_csv, monkeypatch
):
    """Each batch chooses its slugs against the database, which holds the batches
    written before it in the same transaction."""
    monkeypatch.setattr(importer, "BATCH", 1)
    rows = [
        "Nakuru,Kenya,KE,Africa,2022,,",
        "Nakuru,Greece,GR,Europe and North America,2022,,",
        "Nakuru,France,FR,Europe and North America,2022,,",
    ]

    out, _ = run(members_csv(tmp_path, rows), cohorts=cohorts_csv)

    assert out.startswith("members.csv: 3 created")
    assert dict(Member.objects.values_list("country_id", "slug")) == {
        "KE": "nakuru",
        "GR": "nakuru-gr",
        "FR": "nakuru-fr",
    }
    entry = AuditEntry.objects.get(object_id__startswith="import")
    ids = sorted(Member.objects.values_list("pk", flat=True))
    assert entry.changes["created_ids"][1] == f"{ids[0]}-{ids[-1]}"
