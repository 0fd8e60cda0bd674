"""Importing members from CSV: validate every row first, then write all or nothing.

The columns are those of the shipped `gnlc_members.csv` (city, country, iso2, region,
year_joined, source_url) or of `gnlc_members_on_record.csv` (`member_by`, the day a
dated source proves the city a member by, in place of `year_joined`: no cohort is
known); a file may carry both columns, each row giving one or both. Optional columns:
admitted_on (a full date, where known better than the cohort's), subdivision, kind,
latitude and longitude (which override the gazetteer), local_name and local_name_lang
(the name in the local script and its BCP 47 language tag; a file without these columns
leaves the members' local names as they are).
A member is identified by its name and country, so importing the same file twice changes
nothing, and a changed row updates its member.
"""

import codecs
import csv
import datetime as dt
import hashlib
import io
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from gnlc.audit.context import acting_as, current_actor
from gnlc.audit.models import Action, AuditEntry
from gnlc.cities import geocoding
from gnlc.cities.enums import EventKind, MemberKind, Status
from gnlc.cities.models import (
    LANGUAGE_TAG,
    Cohort,
    Country,
    DataRevision,
    Member,
    MembershipEvent,
    NetworkTotal,
    Region,
)
from gnlc.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_MEMBERS = DATA_DIR / "gnlc_members.csv"
SHIPPED_ON_RECORD = DATA_DIR / "gnlc_members_on_record.csv"
SHIPPED_COHORTS = DATA_DIR / "cohorts.csv"
SHIPPED_TOTALS = DATA_DIR / "network_totals.csv"
# Rows of earlier shipped data that named the wrong country: applied before the members,
# so a re-import moves the member (one audited change) instead of adding a second one.
SHIPPED_CORRECTIONS = DATA_DIR / "corrections.csv"
REQUIRED_COLUMNS = ["city", "country", "iso2", "region"]
# At least one of these: a cohort year, or the day a source proves membership by.
WHEN_COLUMNS = ("year_joined", "member_by")
FIRST_YEAR = 2013  # the network was founded in 2013; its first members joined in 2015
# A name beginning with one of these would be a formula in a spreadsheet: no city's name
# does, so such a row is a mistake or an attack (exports neutralise it anyway,
# gnlc/core/csvfile.py). A leading "-" is left to the exports: it is also a minus sign.
FORMULA_STARTS = ("=", "+", "@")
NAME_COLUMNS = ("city", "local_name", "subdivision")
COORDINATES_FROM_FILE = "import"  # the latitude and longitude columns of an import


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, missing columns)."""


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return f"line {self.line}: {self.message}"


@dataclass
class MemberRow:
    line: int
    name: str
    country: Country
    year: int | None
    admitted_on: dt.date | None
    source_url: str
    subdivision: str
    kind: str
    latitude: float | None
    longitude: float | None
    # None: the file has no such column, so the member's value is kept.
    local_name: str | None = None
    local_name_lang: str | None = None
    member_by: dt.date | None = None


@dataclass
class ImportResult:
    good: int = 0  # rows that passed every check
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unplaced: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    written: bool = False


def _check_columns(columns: list[str], filename: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if not any(c in columns for c in WHEN_COLUMNS):
        missing.append(" or ".join(WHEN_COLUMNS))
    if missing:
        raise ImportFileError(f"{filename} lacks the column(s): {', '.join(missing)}.")


def _not_utf8(filename: str, line: int) -> ImportFileError:
    return ImportFileError(
        f"{filename} is not UTF-8 (undecodable byte at line {line}); "
        "save it as UTF-8 and import again."
    )


def read_csv_text(data: bytes, filename: str = "file") -> list[dict[str, str]]:
    """Decode UTF-8 (with or without BOM) and parse; anything else is a clear error.
    For a file already in memory (a suggestion, an upload); a file on disk is read as a
    stream by `CsvFile`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(filename, data[: exc.start].count(b"\n") + 1) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    _check_columns(reader.fieldnames or [], filename)
    return list(reader)


class CsvFile:
    """A members CSV on disk, read as a stream each time it is iterated: the import reads
    it twice (every row checked, then the good rows written), so its memory does not
    grow with the file. Opening it reads it once in binary to check that it is UTF-8 and
    has the columns, and to take its SHA-256 for the import's audit entry."""

    CHUNK = 1 << 20

    def __init__(self, path: Path):
        self.path = path
        self.name = path.name
        digest = hashlib.sha256()
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        line = 1
        with path.open("rb") as stream:
            while chunk := stream.read(self.CHUNK):
                digest.update(chunk)
                # The decoder may hold the first bytes of a character cut by the chunk's
                # end; the error's offset counts them too.
                held = len(decoder.getstate()[0])
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    start = max(exc.start - held, 0)
                    raise _not_utf8(self.name, line + chunk[:start].count(b"\n")) from None
                line += chunk.count(b"\n")
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                raise _not_utf8(self.name, line) from None
        self.sha256 = digest.hexdigest()
        with self._open() as text:
            _check_columns(csv.DictReader(text).fieldnames or [], self.name)

    def _open(self):
        return self.path.open(encoding="utf-8-sig", newline="")

    def __iter__(self) -> Iterator[dict[str, str]]:
        with self._open() as text:
            yield from csv.DictReader(text)


def _optional_float(raw: str, label: str, low: float, high: float, problems: list[str]):
    if not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        problems.append(f"{label} {raw!r} is not a number")
        return None
    if not low <= value <= high:
        problems.append(f"{label} {value} is outside {low}..{high}")
        return None
    return value


def _date_column(row: dict[str, str], name: str, problems: list[str]) -> dt.date | None:
    """The row's `name` column as a date: None when it is empty, or not a date (then
    said in `problems`)."""
    if not row.get(name):
        return None
    try:
        return dt.date.fromisoformat(row[name])
    except ValueError:
        problems.append(f"{name} {row[name]!r} is not a date (YYYY-MM-DD)")
        return None


def validate(records: Iterable[dict[str, str]], *, today: dt.date | None = None) -> ImportResult:
    """Check every row and collect every problem with its line number (the header is
    line 1); the good rows are counted, not kept. Nothing is written here."""
    result = ImportResult()
    for checked in _checked(records, today or timezone.localdate()):
        if isinstance(checked, RowError):
            result.errors.append(checked)
        else:
            result.good += 1
    return result


def _checked(records: Iterable[dict[str, str]], today: dt.date) -> Iterator[MemberRow | RowError]:
    """Each row, checked: a `MemberRow` ready to write, or a `RowError` with every
    problem of the row. The same records give the same answers, so the import checks a
    file in one pass and writes its good rows in a second. What is kept from row to row
    is the key of each row for the duplicate check (a name and a code, a few dozen bytes
    a row), kept on disk (`SeenKeys`) so that memory does not grow with the file."""
    countries = {c.iso2: c for c in Country.objects.select_related("region")}
    regions = {r.name: r for r in Region.objects.all()}
    with SeenKeys() as seen:
        yield from _checked_rows(records, today, countries, regions, seen)


def _checked_rows(records, today, countries, regions, seen: "SeenKeys"):
    for line, raw in enumerate(records, start=2):
        row = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        problems: list[str] = []
        name = row.get("city", "")
        if not name:
            problems.append("the city name is missing")
        for column in NAME_COLUMNS:
            if row.get(column, "").startswith(FORMULA_STARTS):
                problems.append(
                    f"{column} {row[column]!r} begins with {row[column][0]!r}, which a "
                    "spreadsheet runs as a formula; remove it"
                )
        iso2 = row.get("iso2", "").upper()
        country = countries.get(iso2)
        if country is None:
            problems.append(
                f"unknown country code {iso2!r}" if iso2 else "the iso2 code is missing"
            )
        elif row.get("country") and fold(row["country"]) != fold(country.name):
            problems.append(
                f"country {row['country']!r} does not match code {iso2} ({country.name})"
            )
        region = regions.get(row.get("region", ""))
        if region is None:
            problems.append(f"unknown region {row.get('region', '')!r}")
        elif country is not None and country.region_id != region.slug:
            problems.append(
                f"region {region.name!r} contradicts {country.name}, which is in "
                f"{country.region.name!r}"
            )
        year = None
        member_by = _date_column(row, "member_by", problems)
        if member_by is not None:
            if member_by > today:
                problems.append(f"member_by {member_by} is in the future")
            elif member_by.year < FIRST_YEAR:
                problems.append(f"member_by {member_by} is before {FIRST_YEAR}")
        if row.get("year_joined") or not row.get("member_by"):
            try:
                year = int(row.get("year_joined", ""))
            except ValueError:
                problems.append(
                    f"year_joined {row.get('year_joined', '')!r} is not a year"
                    if row.get("year_joined") or "member_by" not in raw
                    else "give year_joined or member_by"
                )
            else:
                if not FIRST_YEAR <= year <= today.year:
                    problems.append(f"year_joined {year} is outside {FIRST_YEAR}..{today.year}")
                    year = None
        admitted_on = _date_column(row, "admitted_on", problems)
        if admitted_on is not None:
            if year is not None and admitted_on.year != year:
                problems.append(f"admitted_on {admitted_on} is not in year_joined {year}")
            if admitted_on > today:
                problems.append(f"admitted_on {admitted_on} is in the future")
        kind = row.get("kind") or MemberKind.CITY
        if kind not in MemberKind.values:
            problems.append(f"kind {kind!r} is not one of {', '.join(MemberKind.values)}")
        latitude = _optional_float(row.get("latitude", ""), "latitude", -90, 90, problems)
        longitude = _optional_float(row.get("longitude", ""), "longitude", -180, 180, problems)
        local_name = row.get("local_name")
        local_name_lang = row.get("local_name_lang")
        if local_name_lang and not LANGUAGE_TAG.match(local_name_lang):
            problems.append(f"local_name_lang {local_name_lang!r} is not a BCP 47 language tag")
        if (latitude is None) != (longitude is None) and not problems:
            problems.append("give both latitude and longitude, or neither")
        if name and iso2:
            first = seen.first_line(f"{iso2} {fold(name)}", line)
            if first is not None:
                problems.append(f"duplicate of line {first} ({name}, {iso2})")
        if problems:
            yield RowError(line, "; ".join(problems))
            continue
        yield MemberRow(
            line=line,
            name=name,
            country=country,
            year=year,
            admitted_on=admitted_on,
            source_url=row.get("source_url", ""),
            subdivision=row.get("subdivision", ""),
            kind=kind,
            latitude=latitude,
            longitude=longitude,
            local_name=None if local_name is None else local_name.strip(),
            local_name_lang=None if local_name_lang is None else local_name_lang.strip(),
            member_by=member_by,
        )


def _rows_of(path: Path) -> csv.DictReader:
    return csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))


def _optional_int(raw: str | None) -> int | None:
    return int(raw) if raw else None


def _upsert(model, lookup: dict, values: dict) -> bool:
    """Create the row `lookup` finds, or set `values` on it; True if anything changed."""
    row, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        return True
    if all(getattr(row, k) == v for k, v in values.items()):
        return False
    for k, v in values.items():
        setattr(row, k, v)
    row.save()
    return True


def load_cohorts(path: Path = SHIPPED_COHORTS) -> int:
    """Create or update cohorts from a cohorts.csv (year, announced_on, source_url,
    announced_members, announced_countries); returns how many changed."""
    return sum(
        _upsert(
            Cohort,
            {"year": int(row["year"])},
            {
                "announced_on": dt.date.fromisoformat(row["announced_on"])
                if row.get("announced_on")
                else None,
                "source_url": row.get("source_url", ""),
                "announced_members": _optional_int(row.get("announced_members")),
                "announced_countries": _optional_int(row.get("announced_countries")),
            },
        )
        for row in _rows_of(path)
    )


def load_network_totals(path: Path = SHIPPED_TOTALS) -> int:
    """Create or update the network's published totals from a network_totals.csv (on,
    members, countries, source_url, note); returns how many changed."""
    return sum(
        _upsert(
            NetworkTotal,
            {"on": dt.date.fromisoformat(row["on"])},
            {
                "members": int(row["members"]),
                "countries": int(row["countries"]),
                "source_url": row.get("source_url", ""),
                "note": row.get("note", ""),
            },
        )
        for row in _rows_of(path)
    )


def apply_corrections(path: Path, actor_label: str) -> list[str]:
    """Move the members a corrections.csv (city, iso2_was, iso2, source_url, note) says
    were filed under the wrong country: each is one audited change of the member's
    country, its coordinates (which were of the wrong place) cleared for the import to
    place it again. A correction already applied, or whose member is absent, does
    nothing; one whose target already exists is left for a person to settle."""
    rows = _rows_of(path)
    done = []
    for row in rows:
        member = Member.objects.filter(name=row["city"], country_id=row["iso2_was"]).first()
        if (
            member is None
            or Member.objects.filter(name=row["city"], country_id=row["iso2"]).exists()
        ):
            continue
        member.country = Country.objects.get(iso2=row["iso2"])
        member.latitude = member.longitude = None
        member.coordinates_source = ""
        member.source_url = row.get("source_url") or member.source_url
        with acting_as(None, f"{actor_label}: correction ({row.get('note', '')})"[:254]):
            member.save()
        done.append(f"{member.name}: {row['iso2_was']} -> {row['iso2']}")
    return done


def _apply_row(row: MemberRow, cohorts: dict[int, Cohort]) -> tuple[str, Member]:
    place = None
    if row.latitude is not None:
        latitude, longitude = row.latitude, row.longitude
    else:
        place = geocoding.locate(row.name, row.country.iso2)
        latitude, longitude = (place.latitude, place.longitude) if place else (None, None)
    wanted = {
        "source_url": row.source_url,
        "subdivision": row.subdivision,
        "kind": row.kind,
        "latitude": latitude,
        "longitude": longitude,
        # Where the coordinates come from, for the member page's sources.
        "coordinates_source": place.source
        if place
        else (COORDINATES_FROM_FILE if latitude is not None else ""),
    }
    for name in ("local_name", "local_name_lang"):
        if getattr(row, name) is not None:
            wanted[name] = getattr(row, name)
    member = Member.objects.filter(name=row.name, country=row.country).first()
    outcome = "unchanged"
    if member is None:
        member = Member.objects.create(name=row.name, country=row.country, **wanted)
        outcome = "created"
    else:
        # Coordinates a person set by hand (no override in the file, none found) stay.
        if latitude is None and member.has_coordinates:
            for name in ("latitude", "longitude", "coordinates_source"):
                wanted.pop(name)
        if any(getattr(member, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(member, k, v)
            member.save()
            outcome = "updated"
    if row.member_by is not None and _apply_member_by(member, row) and outcome == "unchanged":
        outcome = "updated"
    if row.year is None:
        return outcome, member
    cohort = cohorts.get(row.year)
    if cohort is None:
        cohort = cohorts[row.year] = Cohort.objects.create(year=row.year)
    on = row.admitted_on or cohort.announced_on
    admission = member.events.filter(kind=EventKind.ADMITTED).order_by("effective_on").first()
    if admission is None:
        member.record_event(
            EventKind.ADMITTED, on=on, year=row.year, cohort=cohort, source_url=row.source_url
        )
        outcome = "created" if outcome == "created" else "updated"
    elif (admission.cohort_id, admission.date, admission.year, admission.source_url) != (
        cohort.year,
        on,
        row.year,
        row.source_url,
    ):
        admission.cohort, admission.date, admission.year = cohort, on, row.year
        admission.source_url = row.source_url
        admission.save()
        member.refresh_from_events()
        outcome = "updated" if outcome == "unchanged" else outcome
    return outcome, member


def _apply_member_by(member: Member, row: MemberRow) -> bool:
    """Record (or correct) the member's on-record fact; True where something changed."""
    fact = member.events.filter(kind=EventKind.ON_RECORD).first()
    if fact is None:
        member.record_event(EventKind.ON_RECORD, on=row.member_by, source_url=row.source_url)
        return True
    if (fact.date, fact.source_url) == (row.member_by, row.source_url):
        return False
    fact.date, fact.year, fact.source_url = row.member_by, row.member_by.year, row.source_url
    fact.save()
    member.refresh_from_events()
    return True


def import_members(records: Iterable[dict[str, str]], **options) -> ImportResult:
    """Validate all rows; unless there are errors (and `skip_invalid` is off) or it is a
    dry run, write them in one transaction: a failure midway leaves nothing behind."""
    return import_many([records], **options)[0]


def import_many(
    files: list[Iterable[dict[str, str]]],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    cohorts_file: Path | None = None,
    corrections_file: Path | None = None,
    totals_file: Path | None = None,
    progress: Callable[[Iterable, int], Iterable] = lambda rows, total: rows,
    actor_label: str = "gnlc import-members",
    actor=None,
    sources: list[tuple[str, str]] | None = None,
) -> list[ImportResult]:
    """`import_members` for several files (the members, then the members on record) as
    one: every row of every file is checked first, and all are written in one
    transaction or none is.

    Each file is read twice, row by row (a `CsvFile` streams from disk): once to check
    every row, once to write the good ones in batches of `BATCH`, so memory stays flat
    in the file's size. New members are written in batches (`_create_members`), their
    admissions and on-record facts with them; a row of a member already held goes
    through `_apply_row`, which compares and saves it. The import is one entry of the
    audit log (its files, their SHA-256 from `sources` [(name, hash)], its counts and
    the members it created), not one per row. `progress(rows, total)` wraps the rows
    being written (the command's progress bar)."""
    today = timezone.localdate()
    results = [validate(records, today=today) for records in files]
    if dry_run or (any(r.errors for r in results) and not skip_invalid):
        return results
    # A person (a reviewer accepting a suggestion) or a command's label.
    with transaction.atomic(), acting_as(actor, "" if actor else actor_label):
        if cohorts_file is not None:
            load_cohorts(cohorts_file)
        if totals_file is not None:
            load_network_totals(totals_file)
        if corrections_file is not None:
            results[0].corrected = apply_corrections(corrections_file, actor_label)
        cohorts = {c.year: c for c in Cohort.objects.all()}
        created = IdRanges()
        for records, result in zip(files, results, strict=True):
            good = (row for row in _checked(records, today) if isinstance(row, MemberRow))
            for batch in _batches(progress(good, result.good), BATCH):
                created.extend(_write_batch(batch, cohorts, result))
        if created:
            DataRevision.bump()  # bulk_create sends no signal: cached figures are stale
        # An import that changed nothing is no change.
        if any(result.created or result.updated for result in results):
            _log_import(results, created, sources)
    for result in results:
        result.written = True
    return results


# Rows written per batch: one query for the members already held, one insert of the new
# members and one of their admissions.
BATCH = 1000


def _batches(rows: Iterable[MemberRow], size: int) -> Iterator[list[MemberRow]]:
    """Lists of `size` rows (the last one shorter); itertools.batched from Python 3.12."""
    rows = iter(rows)
    while batch := list(islice(rows, size)):
        yield batch


def _write_batch(rows: list[MemberRow], cohorts, result: ImportResult) -> list[int]:
    """Write `rows`; returns the ids of the members created."""
    if not rows:
        return []
    held = {
        (member.name, member.country_id): member
        for member in Member.objects.filter(name__in={row.name for row in rows})
    }
    new = []
    for row in rows:
        if (row.name, row.country.iso2) in held:
            outcome, member = _apply_row(row, cohorts)
            setattr(result, outcome, getattr(result, outcome) + 1)
            if not member.has_coordinates:
                result.unplaced.append(f"{member.name} ({member.country.iso2})")
        else:
            new.append(row)
    members = _create_members(new, cohorts)
    result.created += len(members)
    result.unplaced += [f"{m.name} ({m.country_id})" for m in members if not m.has_coordinates]
    return [member.pk for member in members]


def _create_members(rows: list[MemberRow], cohorts) -> list[Member]:
    """New members for `rows` and their events (the on-record fact, the admission), two
    inserts. What `Member.save`, `record_event` and `refresh_from_events` would store is
    set here by the same rules: the folded search text, a free slug, where the
    coordinates come from, the admission's cohort (none for a member on record only) and
    the status its events give today; each event is checked as `record_event` checks it
    (its fields and its `clean`), and the database's own constraints hold the rest."""
    if not rows:
        return []
    today = timezone.localdate()
    members, events = [], []
    free = _free_slugs(rows)
    for row in rows:
        latitude, longitude, coordinates_source = row.latitude, row.longitude, ""
        if latitude is None:
            place = geocoding.locate(row.name, row.country.iso2)
            if place:
                latitude, longitude = place.latitude, place.longitude
                coordinates_source = place.source
        else:
            coordinates_source = COORDINATES_FROM_FILE
        member = Member(
            name=row.name,
            country=row.country,
            source_url=row.source_url,
            subdivision=row.subdivision,
            kind=row.kind,
            latitude=latitude,
            longitude=longitude,
            coordinates_source=coordinates_source,
            local_name=row.local_name or "",
            local_name_lang=row.local_name_lang or "",
            slug=free[row.line],
        )
        member.search_text = fold(f"{member.name} {member.local_name} {member.subdivision}")
        facts = []
        if row.member_by is not None:
            facts.append(
                MembershipEvent(
                    member=member,
                    kind=EventKind.ON_RECORD,
                    date=row.member_by,
                    year=row.member_by.year,
                    source_url=row.source_url,
                )
            )
        if row.year is not None:
            cohort = cohorts.get(row.year)
            if cohort is None:
                cohort = cohorts[row.year] = Cohort.objects.create(year=row.year)
            member.cohort = cohort
            facts.append(
                MembershipEvent(
                    member=member,
                    kind=EventKind.ADMITTED,
                    date=row.admitted_on or cohort.announced_on,
                    year=row.year,
                    cohort=cohort,
                    source_url=row.source_url,
                )
            )
        for event in facts:
            event.compute_effective_on()
            event.clean_fields(exclude=["member", "cohort", "created_by"])  # those exist
            event.clean()
        # Every fact a new member can have makes it active from its day.
        member.status = Status.ACTIVE if any(e.effective_on <= today for e in facts) else None
        members.append(member)
        events += facts
    Member.objects.bulk_create(members)
    MembershipEvent.objects.bulk_create(events)  # each takes its member's new id
    return members


def _free_slugs(rows: list[MemberRow]) -> dict[int, str]:
    """{line: slug} for new members, as `unique_member_slug` chooses them (the name, then
    name-country, then a number), free in the database (which holds the batches written
    before, in this transaction) and in this batch."""
    taken_here: set[str] = set()
    candidates = {}
    for row in rows:
        base = slugify(row.name) or "member"
        candidates[row.line] = [base, f"{base}-{row.country.iso2.lower()}"]
    every = {slug for pair in candidates.values() for slug in pair}
    taken = set(Member.objects.filter(slug__in=every).values_list("slug", flat=True))
    chosen = {}
    for line, pair in candidates.items():
        slug = next((c for c in pair if c not in taken and c not in taken_here), None)
        n = 2
        while slug is None:
            numbered = f"{pair[1]}-{n}"
            if numbered not in taken_here and not Member.objects.filter(slug=numbered).exists():
                slug = numbered
            n += 1
        taken_here.add(slug)
        chosen[line] = slug
    return chosen


class SeenKeys:
    """The keys of the rows met so far (a member's country and folded name), each with
    the line it was first met on, for the duplicate check. They are kept in a private
    temporary SQLite file (Python's own `sqlite3`, apart from the site's database, which
    may be PostgreSQL), whose page cache is bounded: a dict of them would grow with the
    file, about 0.3 KB a row (300 MB for a million). Deleted when closed."""

    def __init__(self):
        self.connection = sqlite3.connect("")  # "": a temporary file, removed on close
        self.connection.execute(
            "CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID"
        )

    def first_line(self, key: str, line: int) -> int | None:
        """The line `key` was first met on; None the first time (`line` is kept). One
        statement for a new key, which nearly every row is: the insert, which does
        nothing for a key already kept (no row changed), and only then the look-up."""
        inserted = self.connection.execute(
            "INSERT INTO seen VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, line)
        )
        if inserted.rowcount:
            return None
        return self.connection.execute("SELECT line FROM seen WHERE key = ?", (key,)).fetchone()[0]

    def __enter__(self) -> "SeenKeys":
        return self

    def __exit__(self, *exc) -> None:
        self.connection.close()


class IdRanges:
    """The ids of the members an import created, kept as ranges ("1-3, 7" for 1, 2, 3
    and 7): a batch's new ids follow each other, so a large import's fit in a line of
    the audit log and in a few bytes of memory."""

    def __init__(self):
        self.ranges: list[list[int]] = []

    def extend(self, ids: Iterable[int]) -> None:
        for pk in sorted(ids):
            if self.ranges and pk == self.ranges[-1][1] + 1:
                self.ranges[-1][1] = pk
            else:
                self.ranges.append([pk, pk])

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def __str__(self) -> str:
        return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in self.ranges)


def _log_import(results: list[ImportResult], created: IdRanges, sources) -> None:
    """One audit entry for the import: its files and their hashes, its counts, the
    members made."""
    names = ", ".join(name for name, _ in sources or [])
    digest = ", ".join(digest for _, digest in sources or [])
    actor, label = current_actor()
    counts = {
        "file": names,
        "sha256": digest,
        "rows": sum(r.good + len(r.errors) for r in results),
        "created": sum(r.created for r in results),
        "updated": sum(r.updated for r in results),
        "unchanged": sum(r.unchanged for r in results),
        "skipped": sum(len(r.errors) for r in results),
        "created_ids": str(created),
    }
    if len(sources or []) > 1:  # the files' hashes in one, for the entry's name
        digest = hashlib.sha256(digest.encode()).hexdigest()
    AuditEntry.objects.create(
        actor=actor,
        actor_label=label or (actor.email if actor else ""),
        action=Action.CREATE,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=f"import:{digest[:16]}" if digest else "import",
        object_repr=f"Import of {names or 'members'}: {counts['created']} created, "
        f"{counts['updated']} updated, {counts['unchanged']} unchanged"[:300],
        changes={key: [None, value] for key, value in counts.items()},
    )


def import_members_file(path: Path, **options) -> ImportResult:
    source = CsvFile(path)
    return import_many([source], sources=[(source.name, source.sha256)], **options)[0]


SHIPPED_FILES = (SHIPPED_MEMBERS, SHIPPED_ON_RECORD)


def import_shipped_data(**options) -> list[ImportResult]:
    """Load the network's real data shipped with the package (cohorts, the network's
    published totals, corrections to earlier shipped rows, the members, then the members
    on record), all or nothing."""
    files = [CsvFile(path) for path in SHIPPED_FILES]
    return import_many(
        files,
        cohorts_file=SHIPPED_COHORTS,
        corrections_file=SHIPPED_CORRECTIONS,
        totals_file=SHIPPED_TOTALS,
        sources=[(file.name, file.sha256) for file in files],
        **options,
    )
