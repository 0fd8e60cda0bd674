"""Open data: members as CSV, JSON and GeoJSON (RFC 7946), with licence and source.

The same functions serve the directory's download links and `gnlc export`; they take
any member queryset (already filtered) and stream nothing clever: at the network's size
a list is fine, and the bench measures 100k rows."""

import datetime as dt
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import get_language

from gnlc.cities.names import country_name
from gnlc.core import csvfile
from gnlc.core.text import file_slug

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


def member_record(member) -> dict:
    """One member as a flat dict; `member` comes from `for_listing().with_admission()`
    and, for a status, `with_status()`."""
    return {
        "name": member.name,
        "slug": member.slug,
        "kind": member.kind,
        "country": member.country.name,
        "iso2": member.country.iso2,
        "region": member.country.region.name,
        "cohort_year": member.cohort_id,
        "admitted_on": member.admitted_on.isoformat() if member.admitted_on else None,
        # The day a source proves it a member by, where its cohort is not known (or as
        # well as its cohort): such a member has cohort_year null.
        "member_by": member.member_by.isoformat() if member.member_by else None,
        "status": getattr(member, "status_on", member.status),
        "latitude": member.latitude,
        "longitude": member.longitude,
        "subdivision": member.subdivision,
        "website": member.website,
        "source_url": member.source_url,
        "local_name": member.local_name,
        "local_name_lang": member.local_name_lang,
        "clusters": getattr(member, "clusters", []),
    }


def _prepared(members, as_of=None) -> list:
    """The members with what a record shows, and `clusters`, the slugs of the thematic
    clusters each is in on `as_of` (today): one query more, whatever their number."""
    clusters = members.cluster_slugs(as_of)
    rows = list(members.for_listing().with_admission())
    for member in rows:
        member.clusters = clusters.get(member.pk, [])
    return rows


def to_csv(members, *, as_of=None) -> str:
    """The members as CSV, each text cell safe to open in a spreadsheet
    (`gnlc.core.csvfile`); JSON and GeoJSON keep every value exact."""

    def rows():
        yield CSV_COLUMNS
        for member in _prepared(members, as_of):
            record = member_record(member)
            record["clusters"] = ";".join(record["clusters"])
            yield ["" if record[k] is None else record[k] for k in CSV_COLUMNS]

    return csvfile.text(rows())


def to_json(members, *, as_of=None, filters=None) -> str:
    rows = [member_record(m) for m in _prepared(members, as_of)]
    document = {
        "metadata": metadata(as_of=as_of, filters=filters or {}, count=len(rows)),
        "members": rows,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def to_geojson(members, *, as_of=None, filters=None) -> str:
    """A FeatureCollection of points ([longitude, latitude], RFC 7946 order); members
    without coordinates get a null geometry, which RFC 7946 allows, so none is lost."""
    features = []
    for member in _prepared(members, as_of):
        record = member_record(member)
        geometry = (
            {"type": "Point", "coordinates": [member.longitude, member.latitude]}
            if member.has_coordinates
            else None
        )
        features.append(
            {"type": "Feature", "id": member.slug, "geometry": geometry, "properties": record}
        )
    document = {
        "type": "FeatureCollection",
        "metadata": metadata(as_of=as_of, filters=filters or {}, count=len(features)),
        "features": features,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)


def to_map_geojson(members) -> str:
    """`members` with coordinates as the maps draw them (gnlc/static/gnlc/js/map.js): a
    FeatureCollection of points with only what a marker shows, its slug, name, country
    (in the active language) and cohort year. One query for plain values, no model
    instances; about a quarter of `to_geojson`'s size."""
    rows = (
        members.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("name", "pk")
        .values_list(
            "slug", "name", "country_id", "country__name", "cohort_id", "longitude", "latitude"
        )
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
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def render(fmt: str, members, *, as_of=None, filters=None) -> str:
    if fmt == "csv":
        return to_csv(members, as_of=as_of)
    if fmt == "json":
        return to_json(members, as_of=as_of, filters=filters)
    if fmt == "geojson":
        return to_geojson(members, as_of=as_of, filters=filters)
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
