"""The facets of the library's practices, in one registry: `FACETS`.

Each entry says, for one facet, everything the rest of the code asks of it: its query
parameter and how one value is cleaned (the search form builds its filter fields from
the registry), the values a published practice has (`Practice.facet_values`, hence its
rows of the facet table and its terms in the text index), the SQL that re-makes its
rows in bulk (`rebuild_facets`), how a filter value is stored (a theme by its id, a
country in capitals), how a stored value reads back from an index term, and how its
counts are labelled and ordered on the page and in the API (`labelled`), with the
title of its panel.

A facet's values are stored, for published practices only, as rows of the facet table
(`PracticeFacet`: what filters without words and the counts read) and as terms of the
text index (`Practice.facet_terms`, see `facet_term`: what a search with words reads).
Adding a facet is one entry here (and a migration that fills its rows and terms,
calling `rebuild_facets`, if practices already have values); docs/architecture.md,
"Facets and lists".
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from gnlc.cities.forms import country_filter
from gnlc.cities.models import REGION_LABELS
from gnlc.core.forms import RepeatedField
from gnlc.core.text import sort_key
from gnlc.library.enums import SDG_CHOICES, SDG_NAMES, KeyFeature, Language

FACET_TERM_PREFIX = "xfacet"
# Every listed (published) practice has this term: a search of the listed practices
# then needs no look at the practices' rows (their state) while it matches.
LISTED_TERM = f"{FACET_TERM_PREFIX}listed"
# The rules of the search's parameters, taken by both parsers of a search: the web
# forms (`LibraryFilter`, `DocumentFilter`) and the API's schemas (gnlc/library/api.py).
YEARS = (1950, 2100)  # a practice's starting year, a document's year
THEME_SLUG = r"^[-a-zA-Z0-9_]+$"
THEME_SLUG_MAX_LENGTH = 80


def facet_term(facet: str, value) -> str:
    """The indexed term of one facet value: one token for every tokenizer (letters and
    digits only), unlike any word of a text: ("region", "arab-states") ->
    "xfacetregionarabstates". Facet values are codes, slugs and numbers (letters, digits,
    hyphens); `rebuild_facets` writes the same terms in SQL."""
    return f"{FACET_TERM_PREFIX}{facet.replace('_', '')}{str(value).replace('-', '')}".lower()


def _by_count(counts: dict[str, int], labels: dict) -> list[dict]:
    """Rows of the most frequent values first (then by value), labelled from `labels`."""
    return [
        {"value": value, "label": str(labels.get(value, value)), "count": count}
        for value, count in sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
    ]


@dataclass(frozen=True)
class Facet:
    """One facet of the practices (see the module's docstring). `values` gives a
    published practice's stored values; `select` is the SQL of the (practice id, stored
    value) rows of the published practices (`{listed}`: their condition on `p`)."""

    name: str
    label: str  # the filter's, in the form and on the chips
    child: Callable[[], forms.Field]  # one value of the filter, cleaned
    values: Callable[[object], set[str]]
    select: str
    counted: bool = True  # counted and shown on the page and in the API
    title: str = ""  # its panel's title on the page, if not `label`
    collapsible: bool = False  # its panel starts closed
    rows: Callable[[dict[str, int]], list[dict]] = field(default=lambda counts: [])
    normalise: Callable | None = None  # of a cleaned value (a country code in capitals)
    # In a download's file name: the word before its values, where a bare value would
    # not say what it is ("sdg-4", "since-2018"), and the plural that counts many.
    file_word: str = ""
    plural: str = ""

    def form_field(self) -> forms.Field:
        return RepeatedField(self.child(), label=self.label, normalise=self.normalise)

    def stored(self, values) -> list[str]:
        """Filter values as the facet table stores them (and the terms are made of)."""
        return [str(value) for value in values]

    def from_term(self, raw: str) -> str | None:
        """The stored value a term's tail (`facet_term` without its prefix) was made of."""
        return raw


class ThemeFacet(Facet):
    def stored(self, values) -> list[str]:
        theme = apps.get_model("library", "Theme")  # by name: the models import this module
        return [
            str(pk) for pk in theme.objects.filter(slug__in=values).values_list("pk", flat=True)
        ]


class CountryFacet(Facet):
    def stored(self, values) -> list[str]:
        return [str(value).upper() for value in values]

    def from_term(self, raw: str) -> str | None:
        return raw.upper()


class RegionFacet(Facet):
    def from_term(self, raw: str) -> str | None:
        # Region slugs lose their hyphens in a term: read back among the five.
        return {slug.replace("-", ""): slug for slug in REGION_LABELS}.get(raw)


def _theme_rows(counts):
    themes = apps.get_model("library", "Theme").objects.filter(pk__in=[int(v) for v in counts])
    return [
        {"value": t.slug, "label": t.label, "count": counts[str(t.pk)]}
        for t in (themes if counts else [])
    ]


def _region_rows(counts):
    regions = apps.get_model("cities", "Region").objects.filter(pk__in=list(counts))
    return [
        {"value": r.slug, "label": str(REGION_LABELS.get(r.slug, r.slug)), "count": counts[r.slug]}
        for r in (regions if counts else [])
    ]


def _country_rows(counts):
    # In the active language, in its collation (as the directory lists them).
    countries = apps.get_model("cities", "Country").objects.filter(pk__in=list(counts))
    return [
        {"value": c.iso2, "label": c.label, "count": counts[c.iso2]}
        for c in sorted(countries if counts else [], key=lambda country: sort_key(country.label))
    ]


def _members(practice, column: str) -> set[str]:
    return set(practice.members.values_list(column, flat=True))


_PRACTICE = "FROM library_practice p WHERE {listed}"
_MEMBERS = (
    "FROM library_practice_members pm JOIN library_practice p ON p.id = pm.practice_id "
    "JOIN cities_member m ON m.id = pm.member_id"
)

# The registry, in the order of the form's fields and of the page's panels.
FACETS = (
    ThemeFacet(
        name="theme",
        plural="themes",
        label=_("Theme"),
        child=lambda: forms.SlugField(max_length=THEME_SLUG_MAX_LENGTH),
        values=lambda p: {str(pk) for pk in p.themes.values_list("pk", flat=True)},
        select="SELECT t.practice_id, CAST(t.theme_id AS VARCHAR(20)) "
        "FROM library_practice_themes t JOIN library_practice p ON p.id = t.practice_id "
        "WHERE {listed}",
        rows=_theme_rows,
    ),
    Facet(
        name="sdg",
        file_word="sdg",
        plural="sdgs",
        label=_("SDG"),
        title=_("Sustainable Development Goal"),
        collapsible=True,
        child=lambda: forms.TypedChoiceField(coerce=int, choices=SDG_CHOICES),
        values=lambda p: {str(pk) for pk in p.sdgs.values_list("pk", flat=True)},
        select="SELECT s.practice_id, CAST(s.sdg_id AS VARCHAR(4)) "
        "FROM library_practice_sdgs s JOIN library_practice p ON p.id = s.practice_id "
        "WHERE {listed}",
        rows=lambda counts: [
            {"value": number, "label": f"{number}. {SDG_NAMES[number]}", "count": count}
            for number, count in sorted((int(v), c) for v, c in counts.items())
        ],
    ),
    RegionFacet(
        name="region",
        plural="regions",
        label=_("Region"),
        child=lambda: forms.ChoiceField(choices=REGION_LABELS.items()),
        values=lambda p: _members(p, "country__region_id"),
        select=f"SELECT DISTINCT pm.practice_id, c.region_id {_MEMBERS} "
        "JOIN cities_country c ON c.iso2 = m.country_id WHERE {listed}",
        rows=_region_rows,
    ),
    CountryFacet(
        name="country",
        plural="countries",
        label=_("Country"),
        collapsible=True,
        child=lambda: country_filter().child,
        normalise=str.upper,
        values=lambda p: _members(p, "country_id"),
        select=f"SELECT DISTINCT pm.practice_id, m.country_id {_MEMBERS} WHERE {{listed}}",
        rows=_country_rows,
    ),
    Facet(
        name="year",
        file_word="since",
        label=_("Active since"),
        collapsible=True,
        child=lambda: forms.IntegerField(min_value=YEARS[0], max_value=YEARS[1]),
        values=lambda p: {str(p.year_started)},
        select=f"SELECT p.id, CAST(p.year_started AS VARCHAR(8)) {_PRACTICE}",
        rows=lambda counts: [
            {"value": year, "label": str(year), "count": count}
            for year, count in sorted(((int(v), c) for v, c in counts.items()), reverse=True)
        ],
    ),
    Facet(
        name="language",
        label=_("Language"),
        child=lambda: forms.ChoiceField(choices=Language.choices),
        values=lambda p: {p.language},
        select=f"SELECT p.id, p.language {_PRACTICE}",
        rows=lambda counts: _by_count(counts, dict(Language.choices)),
    ),
    Facet(
        name="key_feature",
        label=_("Key Features area"),
        counted=False,  # a filter (the Key Features pages link it), not a panel
        child=lambda: forms.ChoiceField(choices=KeyFeature.choices),
        values=lambda p: {p.key_feature} if p.key_feature else set(),
        select=f"SELECT p.id, p.key_feature {_PRACTICE} AND p.key_feature <> ''",
    ),
)
BY_NAME = {facet.name: facet for facet in FACETS}
# The filters the facets answer, and the facets the page and the API count.
FILTERS = tuple(BY_NAME)
COUNTED = tuple(facet.name for facet in FACETS if facet.counted)


def filter_fields() -> dict[str, forms.Field]:
    """The search form's filter field of each facet, by name, in the registry's order."""
    return {facet.name: facet.form_field() for facet in FACETS}


def groups_for(filters: dict) -> list[tuple[str, tuple[str, ...]]] | None:
    """The facet filters among `filters` as (facet, stored values) groups, values
    sorted; a filter is a value or a list of alternatives. None if a filter can match
    nothing (it names only themes that do not exist); a theme that does not exist among
    others is left out."""
    groups = []
    for facet in FACETS:
        values = filters.get(facet.name)
        if values in (None, "", []):
            continue
        values = list(values) if isinstance(values, list | tuple) else [values]
        stored = facet.stored(values)
        if not stored:
            return None
        groups.append((facet.name, tuple(sorted(set(stored)))))
    return groups


def terms_of(groups) -> list[tuple[str, ...]]:
    """The index terms of (facet, values) groups, a tuple of alternatives per facet."""
    return [tuple(facet_term(name, value) for value in values) for name, values in groups]


def facet_of_term(term: str, regions: dict[str, str] | None = None) -> tuple[str, str] | None:
    """The (facet, stored value) a term was made of (facet_term read backwards), for the
    counted facets; None for other terms (LISTED_TERM, Key Features areas). `regions`:
    no longer needed (the region facet knows its slugs), kept for callers that pass it."""
    for facet in FACETS:
        prefix = facet_term(facet.name, "")
        if facet.counted and term.startswith(prefix) and len(term) > len(prefix):
            value = facet.from_term(term[len(prefix) :])
            return None if value is None else (facet.name, value)
    return None


def practice_values(practice) -> set[tuple[str, str]]:
    """A published practice's (facet, stored value) pairs."""
    return {(facet.name, value) for facet in FACETS for value in facet.values(practice)}


def labelled(counts: dict[str, dict[str, int]]) -> dict:
    """Raw counts {facet: {stored value: count}} as the page and the API show them: each
    counted facet's rows {value, label, count} in the facet's order, labels in the active
    language."""
    return {facet.name: facet.rows(counts.get(facet.name, {})) for facet in FACETS if facet.counted}


def panels(facets: dict) -> list[dict]:
    """The page's facet panels: each counted facet's {name, title, collapsible, rows},
    from `facets` (as `labelled` gives them)."""
    return [
        {
            "name": facet.name,
            "title": facet.title or facet.label,
            "collapsible": facet.collapsible,
            "rows": facets.get(facet.name, []),
        }
        for facet in FACETS
        if facet.counted
    ]
