"""Open data: members as CSV, JSON and GeoJSON (RFC 7946), with licence and source.

The same function, `stream`, serves the directory's download links and `gnlc export`:
it takes any member queryset (already filtered) and gives the file in pieces, read from
the database `CHUNK` members at a time, so a download's memory is that of one chunk
whatever the network's size (a whole file of 100,000 members held 370-520 MB;
bench/exports.py measures it)."""

import datetime as dt
import itertools
import json
from collections.abc import Iterator

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils.translation import get_language, ngettext

from gnlc.cities.names import country_name
from gnlc.core import csvfile
from gnlc.core.templatetags.numbers import number
from gnlc.core.text import file_slug, sort_key

CSV_COLUMNS = [
    "name",
    "slug",
    "kind",
    "country",
    "iso2",
    "region",
    "cohort_year",
    "admitted_on",
    "member_by",
    "status",
    "latitude",
    "longitude",
    "subdivision",
    "website",
    "source_url",
    "local_name",
    "local_name_lang",
    # The thematic clusters it is in on the day (gnlc/clusters): slugs, ";" between
    # them in CSV, a list in JSON and GeoJSON.
    "clusters",
]
FORMATS = {
    "csv": csvfile.CONTENT_TYPE,
    "json": "application/json",
    "geojson": "application/geo+json",
}


def metadata(*, as_of: dt.date | None, filters: dict, count: int) -> dict:
    """Who publishes the data, under what licence, from what sources, for which view."""
    return {
        "title": f"{settings.GNLC_NETWORK_NAME}: member cities",
        "publisher": settings.GNLC_NETWORK_NAME,
        "licence": settings.GNLC_DATA_LICENCE,
        "licence_url": settings.GNLC_DATA_LICENCE_URL,
        "source": (
            "Compiled from the network's public announcements; each member's source_url "
            "names the page it comes from. The list is incomplete where the announcements "
            "are: see the cohorts' completeness on the statistics page."
        ),
        "as_of": (as_of or dt.date.today()).isoformat(),
        # A facet's values as a list (they may be several), the search and date as text.
        "filters": {
            k: [str(item) for item in v] if isinstance(v, list) else str(v)
            for k, v in filters.items()
        },
        "count": count,
        "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }


def filename(filters: dict, fmt: str, day: dt.date) -> str:
    """The download's file name, after the network, its filters and its day, so that
    filtered views downloaded side by side never overwrite one another:
    gnlc-members-2026-12-04.csv, gnlc-members-africa-cohort-2024-2026-12-04.csv."""
    parts = [settings.GNLC_NETWORK_SHORT_NAME or "network", "members"]
    for name in ("region", "country", "cohort", "status"):
        values = [str(value) for value in filters.get(name, [])]
        if len(values) > 3:  # a name people can still read
            parts.append(f"{len(values)}-{PLURALS[name]}")
        elif values:
            parts += (["cohort"] if name == "cohort" else []) + values
    if filters.get("q"):
        parts += ["search", filters["q"]]
    parts.append(day.isoformat())
    return f"{file_slug(parts)}.{fmt}"


PLURALS = {"region": "regions", "country": "countries", "cohort": "cohorts", "status": "statuses"}


# A record's columns but the clusters, read as the queryset names them: plain values,
# no model instances (four of them a member cost most of a download's time).
SOURCES = {
    "country": "country__name",
    "iso2": "country__iso2",
    "region": "country__region__name",
    "cohort_year": "cohort_id",
}
DATES = ("admitted_on", "member_by")

# Members read and written this many at a time (one query for their clusters each).
CHUNK = 2000


def records(members, as_of=None) -> Iterator[list[dict]]:
    """`members` (any queryset of them, in its order) as flat dicts of CSV_COLUMNS, in
    lists of at most CHUNK: the rows read by one cursor, each list's clusters (the slugs
    of the thematic clusters a member is in on `as_of`, today) by one query. The status
    is the one on the queryset's date where it has one (`with_status`); `admitted_on`
    and `member_by` (the day a source proves it a member by, where its cohort is not
    known: such a member has cohort_year null) come from `with_admission`."""
    status = "status_on" if "status_on" in members.query.annotations else "status"
    columns = CSV_COLUMNS[:-1]
    fields = [{**SOURCES, "status": status}.get(column, column) for column in columns]
    rows = members.with_admission().values_list("pk", *fields).iterator(chunk_size=CHUNK)
    while chunk := list(itertools.islice(rows, CHUNK)):
        ids = [row[0] for row in chunk]
        clusters = members.model.objects.filter(pk__in=ids).cluster_slugs(as_of)
        found = []
        for pk, *values in chunk:
            record = dict(zip(columns, values, strict=True))
            for name in DATES:
                record[name] = record[name] and record[name].isoformat()
            record["clusters"] = clusters.get(pk, [])
            found.append(record)
        yield found


def _csv(members, *, as_of=None, filters=None) -> Iterator[str]:
    """The members as CSV, each text cell safe to open in a spreadsheet
    (`gnlc.core.csvfile`); JSON and GeoJSON keep every value exact."""
    yield csvfile.text([CSV_COLUMNS])
    for chunk in records(members, as_of):
        for record in chunk:
            record["clusters"] = ";".join(record["clusters"])
        yield csvfile.text([["" if r[k] is None else r[k] for k in CSV_COLUMNS] for r in chunk])


def _dumps(value, *, depth: int = 0, indent: int | None = None) -> str:
    """`value` as `json.dumps` writes it inside a document (the exports' encoder), its
    lines moved `depth` levels in: a document written piece by piece is then the
    same text as the whole one."""
    text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=indent)
    # A newline is only ever layout: inside a string, json.dumps writes it as \n.
    return text.replace("\n", "\n" + " " * depth * (indent or 0))


def _json_list(items: Iterator[list[str]], *, depth: int, indent: int | None) -> Iterator[str]:
    """A JSON list's text, written at `depth`, from its items' texts given in lists (the
    opening bracket is the caller's): what `json.dumps` writes for the whole list."""
    inside = "\n" + " " * (depth + 1) * indent if indent else ""
    separator = "," + (inside or " ")
    empty = True
    for texts in items:
        if texts:
            yield (inside if empty else separator) + separator.join(texts)
            empty = False
    closing = "\n" + " " * depth * indent if indent else ""
    yield "]" if empty else closing + "]"


def _json(members, *, as_of=None, filters=None) -> Iterator[str]:
    """{"metadata": ..., "members": [...]}, indented one space a level."""
    head = metadata(as_of=as_of, filters=filters or {}, count=members.count())
    yield '{\n "metadata": ' + _dumps(head, depth=1, indent=1) + ',\n "members": ['
    texts = ([_dumps(r, depth=2, indent=1) for r in chunk] for chunk in records(members, as_of))
    yield from _json_list(texts, depth=1, indent=1)
    yield "\n}"


def _feature(record: dict) -> dict:
    """A member's record as a GeoJSON Feature: a point ([longitude, latitude], RFC 7946
    order), or a null geometry where it has no coordinates, which RFC 7946 allows, so
    none is lost."""
    longitude, latitude = record["longitude"], record["latitude"]
    has_coordinates = latitude is not None and longitude is not None
    return {
        "type": "Feature",
        "id": record["slug"],
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]}
        if has_coordinates
        else None,
        "properties": record,
    }


def _geojson(members, *, as_of=None, filters=None) -> Iterator[str]:
    """A FeatureCollection with the export's metadata, on one line."""
    head = metadata(as_of=as_of, filters=filters or {}, count=members.count())
    yield '{"type": "FeatureCollection", "metadata": ' + _dumps(head) + ', "features": ['
    features = ([_dumps(_feature(r)) for r in chunk] for chunk in records(members, as_of))
    yield from _json_list(features, depth=0, indent=None)
    yield "}"


# Past this many placed members the maps draw each country's instead of each member:
# 5,000 markers are a feed of about 1 MB, still quick to draw on a phone; 100,000 were
# 21.6 MB (bench/pages.py).
MAP_MEMBERS_DRAWN = 5000


def drawn_by_country(placed: int) -> bool:
    """Whether the maps draw `placed` members one point a country (the feed and the map
    page's words decide alike)."""
    return placed > MAP_MEMBERS_DRAWN


def to_map_geojson(members) -> str:
    """`members` with coordinates as the maps draw them (gnlc/static/gnlc/js/map.js): a
    FeatureCollection of points with only what a marker shows, its slug, name, country
    (in the active language) and cohort year. Two queries (their count, then plain
    values, no model instances); about a quarter of the download's size. Past
    MAP_MEMBERS_DRAWN members, one point per country instead (`_countries_geojson`),
    the collection's `drawn` saying which."""
    placed = members.filter(latitude__isnull=False, longitude__isnull=False)
    if drawn_by_country(placed.count()):
        return _countries_geojson(placed)
    rows = placed.order_by("name", "pk").values_list(
        "slug", "name", "country_id", "country__name", "cohort_id", "longitude", "latitude"
    )
    language = get_language()
    features = [
        {
            "type": "Feature",
            "id": slug,
            "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
            "properties": {
                "slug": slug,
                "name": name,
                "country": country_name(iso2, country, language),
                "cohort_year": cohort,
            },
        }
        for slug, name, iso2, country, cohort, longitude, latitude in rows
    ]
    collection = {"type": "FeatureCollection", "drawn": "members", "features": features}
    return json.dumps(collection, ensure_ascii=False)


def _countries_geojson(placed) -> str:
    """One point a country for the `placed` members: at the mean of their coordinates,
    with the country's name (active language), its number of members said in words
    ("1,234 members", in the active language) and its page's URL. One grouped query.
    The mean of a country's members lies among them but for a country across the
    antimeridian (Fiji, Kiribati), whose point may fall in the ocean between."""
    rows = (
        placed.order_by()
        .values("country_id", "country__name")
        .annotate(members=Count("pk"), longitude=Avg("longitude"), latitude=Avg("latitude"))
    )
    language = get_language()
    features = []
    for row in rows:
        iso2, count = row["country_id"], row["members"]
        features.append(
            {
                "type": "Feature",
                "id": iso2,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(row["longitude"], 6), round(row["latitude"], 6)],
                },
                "properties": {
                    "iso2": iso2,
                    "country": country_name(iso2, row["country__name"], language),
                    "members": count,
                    "label": ngettext("%(counter)s member", "%(counter)s members", count)
                    % {"counter": number(count)},
                    "url": reverse("cities:country", args=[iso2.lower()]),
                },
            }
        )
    features.sort(key=lambda feature: sort_key(feature["properties"]["country"]))
    collection = {"type": "FeatureCollection", "drawn": "countries", "features": features}
    return json.dumps(collection, ensure_ascii=False)


WRITERS = {"csv": _csv, "json": _json, "geojson": _geojson}


def stream(fmt: str, members, *, as_of=None, filters=None) -> Iterator[str]:
    """The file of `members` in `fmt` (one of FORMATS), in pieces to send or write as
    they come. JSON's and GeoJSON's metadata count the members first (one query), so a
    change to the data during a long download can make the count differ from the rows."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    return WRITERS[fmt](members, as_of=as_of, filters=filters)
