"""Importing members from CSV: validate every row first, then write all or nothing.

The columns are those of the shipped `gnlc_members.csv` (city, country, iso2, region,
year_joined, source_url), plus optional ones: admitted_on (a full date, where known
better than the cohort's), subdivision, kind, latitude and longitude (which override the
gazetteer), local_name and local_name_lang (the name in the local script and its BCP 47
language tag; a file without these columns leaves the members' local names as they are).
A member is identified by its name and country, so importing the same file twice changes
nothing, and a changed row updates its member.
"""

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    Region,
)
from gnlc.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_MEMBERS = DATA_DIR / "gnlc_members.csv"
SHIPPED_COHORTS = DATA_DIR / "cohorts.csv"
REQUIRED_COLUMNS = ["city", "country", "iso2", "region", "year_joined"]
FIRST_YEAR = 2013  # the network was founded in 2013; its first members joined in 2015
# A name beginning with one of these would be a formula in a spreadsheet: no city's name
# does, so such a row is a mistake or an attack (exports neutralise it anyway,
# gnlc/core/csvfile.py). A leading "-" is left to the exports: it is also a minus sign.
FORMULA_STARTS = ("=", "+", "@")
NAME_COLUMNS = ("city", "local_name", "subdivision")


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
    year: int
    admitted_on: dt.date | None
    source_url: str
    subdivision: str
    kind: str
    latitude: float | None
    longitude: float | None
    # None: the file has no such column, so the member's value is kept.
    local_name: str | None = None
    local_name_lang: str | None = None


@dataclass
class ImportResult:
    rows: list[MemberRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unplaced: list[str] = field(default_factory=list)
    written: bool = False


def read_csv_text(data: bytes, filename: str = "file") -> list[dict[str, str]]:
    """Decode UTF-8 (with or without BOM) and parse; anything else is a clear error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"{filename} is not UTF-8 (undecodable byte at line {line}); "
            "save it as UTF-8 and import again."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFileError(f"{filename} lacks the column(s): {', '.join(missing)}.")
    return list(reader)


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


def validate(records: Iterable[dict[str, str]], *, today: dt.date | None = None) -> ImportResult:
    """Check every row and collect every problem with its line number (the header is
    line 1). Nothing is written here."""
    today = today or timezone.localdate()
    countries = {c.iso2: c for c in Country.objects.select_related("region")}
    regions = {r.name: r for r in Region.objects.all()}
    result = ImportResult()
    seen: dict[tuple[str, str], int] = {}
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
        try:
            year = int(row.get("year_joined", ""))
        except ValueError:
            problems.append(f"year_joined {row.get('year_joined', '')!r} is not a year")
        else:
            if not FIRST_YEAR <= year <= today.year:
                problems.append(f"year_joined {year} is outside {FIRST_YEAR}..{today.year}")
                year = None
        admitted_on = None
        if row.get("admitted_on"):
            try:
                admitted_on = dt.date.fromisoformat(row["admitted_on"])
            except ValueError:
                problems.append(f"admitted_on {row['admitted_on']!r} is not a date (YYYY-MM-DD)")
            else:
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
            key = (fold(name), iso2)
            if key in seen:
                problems.append(f"duplicate of line {seen[key]} ({name}, {iso2})")
            else:
                seen[key] = line
        if problems:
            result.errors.append(RowError(line, "; ".join(problems)))
            continue
        result.rows.append(
            MemberRow(
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
            )
        )
    return result


def load_cohorts(path: Path = SHIPPED_COHORTS) -> int:
    """Create or update cohorts from a cohorts.csv (year, announced_on, source_url);
    returns how many changed."""
    rows = csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))
    changed = 0
    for row in rows:
        announced = dt.date.fromisoformat(row["announced_on"]) if row.get("announced_on") else None
        values = {
            "announced_on": announced,
            "source_url": row.get("source_url", ""),
            "announced_members": int(row["announced_members"])
            if row.get("announced_members")
            else None,
            "announced_countries": int(row["announced_countries"])
            if row.get("announced_countries")
            else None,
        }
        cohort, created = Cohort.objects.get_or_create(year=int(row["year"]), defaults=values)
        if not created and any(getattr(cohort, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(cohort, k, v)
            cohort.save()
            changed += 1
        changed += created
    return changed


def _apply_row(row: MemberRow, cohorts: dict[int, Cohort]) -> tuple[str, Member]:
    cohort = cohorts.get(row.year)
    if cohort is None:
        cohort = cohorts[row.year] = Cohort.objects.create(year=row.year)
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
            wanted.pop("latitude"), wanted.pop("longitude")
        if any(getattr(member, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(member, k, v)
            member.save()
            outcome = "updated"
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


def import_members(
    records: Iterable[dict[str, str]],
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    cohorts_file: Path | None = None,
    progress: Callable[[Iterable], Iterable] = lambda rows: rows,
    actor_label: str = "gnlc import-members",
    source: tuple[str, str] | None = None,
) -> ImportResult:
    """Validate all rows; unless there are errors (and `skip_invalid` is off) or it is a
    dry run, write them in one transaction: a failure midway leaves nothing behind.

    New members are written in batches (`_create_members`), their admissions with them;
    a row of a member already held goes through `_apply_row`, which compares and saves
    it. The import is one entry of the audit log (its file, the file's SHA-256 from
    `source` (name, hash), its counts and the members it created), not one per row."""
    result = validate(records)
    if dry_run or (result.errors and not skip_invalid):
        return result
    with transaction.atomic(), acting_as(None, actor_label):
        if cohorts_file is not None:
            load_cohorts(cohorts_file)
        cohorts = {c.year: c for c in Cohort.objects.all()}
        created: list[int] = []
        slugs: set[str] = set()
        batch: list[MemberRow] = []
        for row in progress(result.rows):
            batch.append(row)
            if len(batch) == BATCH:
                created += _write_batch(batch, cohorts, result, slugs)
                batch = []
        created += _write_batch(batch, cohorts, result, slugs)
        if created:
            DataRevision.bump()  # bulk_create sends no signal: cached figures are stale
        if result.created or result.updated:  # an import that changed nothing is no change
            _log_import(result, created, source)
    result.written = True
    return result


# Rows written per batch: one query for the members already held, one insert of the new
# members and one of their admissions.
BATCH = 1000


def _write_batch(rows: list[MemberRow], cohorts, result: ImportResult, slugs: set) -> list[int]:
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
    members = _create_members(new, cohorts, slugs)
    result.created += len(members)
    result.unplaced += [f"{m.name} ({m.country_id})" for m in members if not m.has_coordinates]
    return [member.pk for member in members]


def _create_members(rows: list[MemberRow], cohorts, slugs: set) -> list[Member]:
    """New members for `rows` and their admissions, two inserts. What `Member.save`,
    `record_event` and `refresh_from_events` would store is set here by the same rules:
    the folded search text, a free slug, the admission's cohort and the status it gives
    today; the admission is checked as `record_event` checks it (its fields and its
    `clean`), and the database's own constraints hold the rest."""
    if not rows:
        return []
    today = timezone.localdate()
    members, events = [], []
    free = _free_slugs(rows, slugs)
    for row in rows:
        cohort = cohorts.get(row.year)
        if cohort is None:
            cohort = cohorts[row.year] = Cohort.objects.create(year=row.year)
        latitude, longitude = row.latitude, row.longitude
        if latitude is None:
            place = geocoding.locate(row.name, row.country.iso2)
            latitude, longitude = (place.latitude, place.longitude) if place else (None, None)
        member = Member(
            name=row.name,
            country=row.country,
            source_url=row.source_url,
            subdivision=row.subdivision,
            kind=row.kind,
            latitude=latitude,
            longitude=longitude,
            local_name=row.local_name or "",
            local_name_lang=row.local_name_lang or "",
            slug=free[row.line],
            cohort=cohort,
        )
        member.search_text = fold(f"{member.name} {member.local_name} {member.subdivision}")
        event = MembershipEvent(
            member=member,
            kind=EventKind.ADMITTED,
            date=row.admitted_on or cohort.announced_on,
            year=row.year,
            cohort=cohort,
            source_url=row.source_url,
        )
        event.compute_effective_on()
        event.clean_fields(exclude=["member", "cohort", "created_by"])  # those exist
        event.clean()
        member.status = Status.ACTIVE if event.effective_on <= today else None
        members.append(member)
        events.append(event)
    Member.objects.bulk_create(members)
    MembershipEvent.objects.bulk_create(events)  # each takes its member's new id
    return members


def _free_slugs(rows: list[MemberRow], taken_here: set) -> dict[int, str]:
    """{line: slug} for new members, as `unique_member_slug` chooses them (the name, then
    name-country, then a number), free in the database and in this import so far."""
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


def _id_ranges(ids: list[int]) -> str:
    """ "1-3, 7" for [1, 2, 3, 7]: a large import's members in a line of the audit log."""
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and pk == ranges[-1][1] + 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)


def _log_import(result: ImportResult, created: list[int], source) -> None:
    """One audit entry for the import: its file and hash, its counts, the members made."""
    name, digest = source or ("", "")
    actor, label = current_actor()
    counts = {
        "file": name,
        "sha256": digest,
        "rows": len(result.rows) + len(result.errors),
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "skipped": len(result.errors),
        "created_ids": _id_ranges(created),
    }
    AuditEntry.objects.create(
        actor=actor,
        actor_label=label,
        action=Action.CREATE,
        content_type=ContentType.objects.get_for_model(Member),
        object_id=f"import:{digest[:16]}" if digest else "import",
        object_repr=f"Import of {name or 'members'}: {result.created} created, "
        f"{result.updated} updated, {result.unchanged} unchanged"[:300],
        changes={key: [None, value] for key, value in counts.items()},
    )


def import_members_file(path: Path, **options) -> ImportResult:
    data = path.read_bytes()
    source = (path.name, hashlib.sha256(data).hexdigest())
    return import_members(read_csv_text(data, path.name), source=source, **options)


def import_shipped_data(**options) -> ImportResult:
    """Load the network's real data shipped with the package (cohorts, then members)."""
    return import_members_file(SHIPPED_MEMBERS, cohorts_file=SHIPPED_COHORTS, **options)
