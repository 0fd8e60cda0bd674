"""The reference data every installation has: the five UNESCO regions, in order, and the
196 countries of `data/countries.csv`. Loaded by a migration; tests that flush tables
(browser tests) load it again through the same function."""

import csv
from pathlib import Path

REGIONS = [
    ("africa", "Africa"),
    ("arab-states", "Arab States"),
    ("asia-and-the-pacific", "Asia and the Pacific"),
    ("europe-and-north-america", "Europe and North America"),
    ("latin-america-and-the-caribbean", "Latin America and the Caribbean"),
]
COUNTRIES_CSV = Path(__file__).resolve().parent / "data" / "countries.csv"


def load_reference_data(Region, Country) -> None:
    """Create or update the regions and countries; pass the models (a migration passes its
    historical ones)."""
    by_name = {}
    for order, (slug, name) in enumerate(REGIONS, start=1):
        by_name[name] = Region.objects.update_or_create(
            slug=slug, defaults={"name": name, "order": order}
        )[0]
    # The csv module keeps Namibia's code "NA" a string (a pandas reader would not).
    with COUNTRIES_CSV.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            Country.objects.update_or_create(
                iso2=row["iso2"],
                defaults={
                    "iso3": row["iso3"],
                    "name": row["name"],
                    "region": by_name[row["unesco_region"]],
                },
            )
