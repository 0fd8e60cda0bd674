"""The directory's count and facet counts, added up in memory from one grouped query.

`MemberQuerySet.facet_cube` counts a queryset's members per (country, cohort, status):
a few thousand rows at most, whatever the number of members. The region follows from
the country. Every filter of the four facets, and what each facet counts under it, is
then a sum over those rows. `Cube` indexes them by each facet's values, so a filter
reads only the rows of its chosen values, and keeps the sums without any filter: the
whole network's cube is kept per data revision (`cache.memoised`), and a filter of the
directory then costs no count query at all.
"""

from django.utils.translation import gettext

from gnlc.cities.enums import Status
from gnlc.cities.models import Country, Region
from gnlc.cities.querysets import COHORT_NOT_KNOWN
from gnlc.core.cache import memoised

FACETS = ("region", "country", "cohort", "status")  # Directory.FACETS' order


def places() -> dict:
    """{"countries": {iso2: (name, region, rank by name)}, "regions": {slug: (name,
    order)}}: what facet rows are labelled and ordered by, in the database's own name
    order (as a grouped query ordered by name gives it)."""

    def compute():
        countries = Country.objects.order_by("name").values_list("iso2", "name", "region_id")
        return {
            "countries": {
                iso2: (name, region, rank) for rank, (iso2, name, region) in enumerate(countries)
            },
            "regions": {
                slug: (name, order)
                for slug, name, order in Region.objects.values_list("slug", "name", "order")
            },
        }

    return memoised(["member-facet-places"], compute)


class Cube:
    """Members counted per (region, country, cohort, status), indexed by each value."""

    def __init__(self, rows, places: dict):
        self.places = places  # the labels and orders of the values (`places()`)
        countries = places["countries"]
        # (region, country, cohort, status, members): FACETS' order, then the count.
        self.rows = [
            (countries[country][1], country, cohort, status, members)
            for country, cohort, status, members in rows
        ]
        dimensions = range(len(FACETS))
        self.index = [{} for _ in FACETS]
        self.margins = [{} for _ in FACETS]
        # pairs[f][g][value of g]: {value of f: members}, the counts of facet f among the
        # rows with that value of g: a facet under one other filter is a sum of these.
        self.pairs = [[{} for _ in FACETS] for _ in FACETS]
        self.total = 0
        for row in self.rows:
            members = row[4]
            self.total += members
            for dimension in dimensions:
                value = row[dimension]
                self.index[dimension].setdefault(value, []).append(row)
                margin = self.margins[dimension]
                margin[value] = margin.get(value, 0) + members
                for other in dimensions:
                    if other != dimension:
                        counts = self.pairs[dimension][other].setdefault(row[other], {})
                        counts[value] = counts.get(value, 0) + members

    def candidates(self, wanted, skip=None) -> list:
        """The rows that may pass every filter in `wanted` but `skip`'s: those of the
        chosen values of the most selective such filter (all rows without a filter)."""
        best = None
        for dimension, accepted in enumerate(wanted):
            if accepted is None or dimension == skip:
                continue
            rows = [row for value in accepted for row in self.index[dimension].get(value, ())]
            if best is None or len(rows) < len(best):
                best = rows
        return self.rows if best is None else best

    def add_up(self, wanted) -> tuple[int, list[dict]]:
        """(count, [counts by value, per facet]) under `wanted` (per facet in FACETS'
        order: a set of accepted values, or None). A row every filter accepts counts in
        the total and in each facet; a row that only one filter refuses counts in that
        facet alone (what choosing its value too would bring)."""
        filtered = [d for d, accepted in enumerate(wanted) if accepted is not None]
        if not filtered:
            return self.total, [dict(margin) for margin in self.margins]
        counts = [{} for _ in FACETS]
        total = 0
        for row in self.candidates(wanted):
            if all(row[d] in wanted[d] for d in filtered):
                total += row[4]
                for dimension, facet in enumerate(counts):
                    if dimension not in filtered:
                        facet[row[dimension]] = facet.get(row[dimension], 0) + row[4]
        for dimension in filtered:
            others = [d for d in filtered if d != dimension]
            if not others:
                counts[dimension] = dict(self.margins[dimension])
                continue
            facet = counts[dimension]
            if len(others) == 1:
                by_value = self.pairs[dimension][others[0]]
                for accepted in wanted[others[0]]:
                    for value, members in by_value.get(accepted, {}).items():
                        facet[value] = facet.get(value, 0) + members
                continue
            for row in self.candidates(wanted, skip=dimension):
                if all(row[d] in wanted[d] for d in others):
                    facet[row[dimension]] = facet.get(row[dimension], 0) + row[4]
        return total, counts


def cube(rows) -> Cube:
    return Cube(rows, places())


def summary(cube: Cube, chosen: dict) -> dict:
    """{"count", "facets"} of `cube` under the facet values `chosen` ({facet: values or
    None}), each facet's values labelled and in the order the directory shows them."""
    wanted = [set(chosen[name]) if chosen.get(name) else None for name in FACETS]
    if wanted[2] is not None:  # cohorts: years (ints from the API, text from the form)
        wanted[2] = {None if v == COHORT_NOT_KNOWN else int(v) for v in wanted[2]}
    total, counts = cube.add_up(wanted)
    return {"count": total, "facets": labelled(dict(zip(FACETS, counts, strict=True)), cube.places)}


def labelled(counts: dict, places: dict) -> dict:
    """The four facets' `counts` ({facet: {value: members}}) as lists of values with
    their labels, in the order the directory shows them; `places` as `places()` gives."""
    regions, countries = places["regions"], places["countries"]
    cohort = counts["cohort"]
    return {
        "region": [
            {"value": slug, "label": regions[slug][0], "count": n}
            for slug, n in sorted(counts["region"].items(), key=lambda item: regions[item[0]][1])
        ],
        "country": [
            {"value": iso2, "label": countries[iso2][0], "count": n}
            for iso2, n in sorted(counts["country"].items(), key=lambda item: countries[item[0]][2])
        ],
        "cohort": [
            {"value": year, "label": str(year), "count": n}
            for year, n in sorted(item for item in cohort.items() if item[0] is not None)
        ]
        # Then the members whose cohort no source gives (members on record).
        + [
            {"value": COHORT_NOT_KNOWN, "label": gettext("not known"), "count": n}
            for n in [cohort.get(None, 0)]
            if n
        ],
        "status": [
            {"value": value, "label": str(Status(value).label), "count": n}
            for value, n in sorted(item for item in counts["status"].items() if item[0])
        ],
    }
