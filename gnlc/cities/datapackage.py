"""The open data as a Frictionless Data Package (https://datapackage.org): a descriptor
(`/data/datapackage.json`) naming the platform's CSV downloads as resources, each with
its Table Schema (types, required fields, enums, keys), the licence and the sources;
and the three small tables that have no download elsewhere (cohorts, countries, the
network's published totals). The members' CSV is the directory's download
(`gnlc.cities.exports`), so its schema follows `exports.CSV_COLUMNS`."""

from django.conf import settings
from django.urls import reverse

from gnlc.cities import exports
from gnlc.cities.enums import MemberKind, Status
from gnlc.cities.models import Cohort, Country, NetworkTotal, Region
from gnlc.cities.stats import cohort_completeness

URI = {"type": "string", "format": "uri"}


def _member_fields() -> list[dict]:
    regions = list(Region.objects.values_list("name", flat=True))
    spec = {
        "name": {"type": "string", "constraints": {"required": True}},
        "slug": {"type": "string", "constraints": {"required": True, "unique": True}},
        "kind": {"type": "string", "constraints": {"enum": list(MemberKind.values)}},
        "country": {"type": "string", "constraints": {"required": True}},
        "iso2": {"type": "string", "constraints": {"required": True, "pattern": "[A-Z]{2}"}},
        "region": {"type": "string", "constraints": {"required": True, "enum": regions}},
        "cohort_year": {
            "type": "integer",
            "description": "Empty for a member on record whose cohort no source gives.",
        },
        "admitted_on": {"type": "date", "description": "Empty where only the year is known."},
        "member_by": {
            "type": "date",
            "description": "The earliest day a dated source proves it a member.",
        },
        "status": {"type": "string", "constraints": {"enum": list(Status.values)}},
        "latitude": {"type": "number", "constraints": {"minimum": -90, "maximum": 90}},
        "longitude": {"type": "number", "constraints": {"minimum": -180, "maximum": 180}},
        "subdivision": {"type": "string"},
        "website": {"type": "string"},
        "source_url": URI,
        "local_name": {"type": "string"},
        "local_name_lang": {"type": "string"},
        "clusters": {
            "type": "string",
            "description": "Slugs of the thematic clusters it is in, separated by ';'.",
        },
    }
    return [{"name": name, **spec[name]} for name in exports.CSV_COLUMNS]


def _members_schema() -> dict:
    return {
        "fields": _member_fields(),
        "primaryKey": ["slug"],
        "missingValues": [""],
        "foreignKeys": [
            {"fields": ["iso2"], "reference": {"resource": "countries", "fields": ["iso2"]}}
        ],
    }


TABLES = {
    "countries": {
        "title": "Countries the network can draw members from",
        "fields": [
            {"name": "iso2", "type": "string", "constraints": {"required": True, "unique": True}},
            {"name": "iso3", "type": "string", "constraints": {"required": True}},
            {"name": "name", "type": "string", "constraints": {"required": True}},
            {"name": "region", "type": "string", "constraints": {"required": True}},
        ],
        "primaryKey": ["iso2"],
    },
    "cohorts": {
        "title": "Cohorts: each year's admissions, their announcement and how many are held",
        "fields": [
            {"name": "year", "type": "integer", "constraints": {"required": True}},
            {"name": "announced_on", "type": "date"},
            {"name": "source_url", **URI},
            {"name": "announced_members", "type": "integer"},
            {"name": "announced_countries", "type": "integer"},
            {"name": "held_members", "type": "integer", "constraints": {"required": True}},
        ],
        "primaryKey": ["year"],
    },
    "network-totals": {
        "title": "The network's own published totals (not counts of these data)",
        "fields": [
            {"name": "on", "type": "date", "constraints": {"required": True}},
            {"name": "members", "type": "integer", "constraints": {"required": True}},
            {"name": "countries", "type": "integer", "constraints": {"required": True}},
            {"name": "source_url", **URI},
            {"name": "note", "type": "string"},
        ],
        "primaryKey": ["on"],
    },
}


def table_rows(name: str):
    """The rows (header first) of one of TABLES."""
    if name == "countries":
        yield ["iso2", "iso3", "name", "region"]
        for country in Country.objects.select_related("region"):
            yield [country.iso2, country.iso3, country.name, country.region.name]
    elif name == "cohorts":
        yield [field["name"] for field in TABLES["cohorts"]["fields"]]
        for row in cohort_completeness():
            cohort = row["cohort"]
            yield [
                cohort.year,
                cohort.announced_on.isoformat() if cohort.announced_on else "",
                cohort.source_url,
                "" if cohort.announced_members is None else cohort.announced_members,
                "" if cohort.announced_countries is None else cohort.announced_countries,
                row["held_members"],
            ]
    elif name == "network-totals":
        yield ["on", "members", "countries", "source_url", "note"]
        for total in NetworkTotal.objects.all():
            yield [
                total.on.isoformat(),
                total.members,
                total.countries,
                total.source_url,
                total.note,
            ]
    else:
        raise KeyError(name)


def descriptor(absolute) -> dict:
    """The Data Package descriptor; `absolute(path)` makes a path a full URL."""
    members_csv = absolute(reverse("cities:download", args=["csv"]))

    def table(name):
        spec = TABLES[name]
        return {
            "name": name,
            "title": spec["title"],
            "path": absolute(reverse("cities:open-data-table", args=[name])),
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": spec["fields"],
                "primaryKey": spec["primaryKey"],
                "missingValues": [""],
            },
        }

    sources = {}
    for cohort in Cohort.objects.exclude(source_url=""):
        sources.setdefault(cohort.source_url, f"Announcement of the {cohort.year} cohort")
    for total in NetworkTotal.objects.exclude(source_url=""):
        sources.setdefault(total.source_url, f"The network's total on {total.on.isoformat()}")
    on_record_schema = _members_schema()
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "gnlc-members",
        "title": f"{settings.GNLC_NETWORK_NAME}: member cities",
        "description": (
            "The members of the network compiled from its public announcements, each with "
            "the page it comes from; the members on record (a dated source proves them "
            "members, no cohort known); the cohorts; the countries; and the network's own "
            "published totals. Incomplete where the announcements are: compare the cohorts' "
            "held_members with announced_members."
        ),
        "homepage": absolute(reverse("cities:open-data")),
        "licenses": [{"path": settings.GNLC_DATA_LICENCE_URL, "title": settings.GNLC_DATA_LICENCE}],
        "sources": [{"title": title, "path": url} for url, title in sources.items()],
        "resources": [
            {
                "name": "members",
                "title": "Members on record today, with or without a cohort",
                "path": members_csv,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": _members_schema(),
            },
            {
                "name": "members-on-record",
                "title": "Members whose cohort no source gives, only a day they were members by",
                "path": members_csv + "?cohort=unknown",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": on_record_schema,
            },
            table("cohorts"),
            table("countries"),
            table("network-totals"),
        ],
    }
