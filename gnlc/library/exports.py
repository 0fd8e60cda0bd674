"""Open data: published practices as CSV or JSON, with the licence and the source.
Only published practices are ever exported (the form's queryset starts from them)."""

import json

from django.conf import settings
from django.utils import timezone

from gnlc.core import csvfile
from gnlc.core.text import file_slug
from gnlc.library.models import DESCRIPTION_FIELDS
from gnlc.library.search.facets import FACETS

FORMATS = {"csv": csvfile.CONTENT_TYPE, "json": "application/json; charset=utf-8"}
CSV_COLUMNS = [
    "slug",
    "title",
    "summary",
    "cities",
    "countries",
    "themes",
    "sdgs",
    *DESCRIPTION_FIELDS,
    "published_at",
    "url",
    "is_demo",
]


# Filters named by their kind before their values, where a bare value would not say what
# it is (a year, a goal's number; the facets' words are in their registry).
NAMED = {**{f.name: f.file_word for f in FACETS if f.file_word}, "call": "call"}
PLURALS = {f.name: f.plural for f in FACETS if f.plural}


def filename(pairs: list[tuple[str, object]], text: str, fmt: str) -> str:
    """The download's file name after its filters and search words, so that filtered
    views downloaded side by side never overwrite one another: practices.csv,
    practices-literacy-ke.csv, practices-sdg-4-search-reading.json. A facet of more than
    three values is counted ("practices-5-countries.csv")."""
    values: dict[str, list[str]] = {}
    for name, value in pairs:
        values.setdefault(name, []).append(str(value))
    parts = ["practices"]
    for name, items in values.items():
        if len(items) > 3:
            parts.append(f"{len(items)}-{PLURALS.get(name, name)}")
        else:
            parts += ([NAMED[name]] if name in NAMED else []) + items
    if text:
        parts += ["search", text]
    return f"{file_slug(parts)}.{fmt}"


def row(practice, request) -> dict:
    """One practice as open data (no contact details: those stay on the page)."""
    members = list(practice.members.all())
    return {
        "slug": practice.slug,
        "title": practice.title,
        "summary": practice.summary,
        "body": practice.body,
        "cities": [m.name for m in members],
        "countries": sorted({m.country_id for m in members}),
        "themes": [t.slug for t in practice.themes.all()],
        "sdgs": [s.number for s in practice.sdgs.all()],
        "target_groups": list(practice.target_groups),
        "key_feature": practice.key_feature,
        "year_started": practice.year_started,
        "year_ended": practice.year_ended,
        "language": practice.language,
        "links": list(practice.links),
        "published_at": practice.published_at.isoformat() if practice.published_at else None,
        "url": request.build_absolute_uri(practice.get_absolute_url()),
        "is_demo": practice.is_demo,
    }


def render(fmt: str, practices, request) -> str:
    rows = [row(practice, request) for practice in practices]
    if fmt == "json":
        return json.dumps(
            {
                "licence": settings.GNLC_DATA_LICENCE,
                "licence_url": settings.GNLC_DATA_LICENCE_URL,
                "generated_at": timezone.now().isoformat(timespec="seconds"),
                "count": len(rows),
                "practices": rows,
            },
            ensure_ascii=False,
            indent=1,
        )
    return csvfile.text(
        [
            CSV_COLUMNS,
            *(
                [
                    "; ".join(map(str, v)) if isinstance(v, list) else ("" if v is None else v)
                    for v in (item[c] for c in CSV_COLUMNS)
                ]
                for item in rows
            ),
        ]
    )
