"""The members' JSON endpoints (mounted under /api/v1/ by gnlc/api/api.py): members,
countries, regions, cohorts and the network's figures, now and as of each announcement.

Read-only and anonymous; docs/api.md is their contract. The query schemas below are the
only parsers of the parameters (and so the OpenAPI document): they take the directory's
rules (`gnlc.cities.querysets`), which its web form takes too, and hand their cleaned
filters to the directory's own queries (`Member.objects.directory`); counts come
through `gnlc.cities.stats`, so a figure here equals the one on the web pages.

Objects come from `for_listing()` querysets (country, region and cohort already joined);
URLs are resolved by the schemas, from the request in their context, without a query."""

import datetime as dt
import re
from typing import Annotated, Literal
from urllib.parse import urlencode

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Path, Query, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from gnlc.api.errors import ApiError, first_or_404
from gnlc.api.pagination import PAGE, Page, page_size, paginate
from gnlc.api.router import Router, renderer
from gnlc.api.schemas import (
    AsOf,
    ClusterSlug,
    CountryCode,
    FacetValue,
    Integer,
    IsoDate,
    RegionSlug,
    absolute,
    facet_values,
    integer,
)
from gnlc.cities import models, stats
from gnlc.cities.enums import DatePrecision, EventKind, MemberKind, Status
from gnlc.cities.models import Member
from gnlc.cities.querysets import COHORT_YEARS, COUNTRY_CODE, SEARCH_MAX_LENGTH, SORTS, Directory
from gnlc.core.cache import cached

router = Router()

# Literal types built from the domain's enums, so the OpenAPI document lists the values.
StatusValue = Literal[tuple(Status.values)]
KindValue = Literal[tuple(MemberKind.values)]
EventKindValue = Literal[tuple(EventKind.values)]
PrecisionValue = Literal[tuple(DatePrecision.values)]
SortValue = Literal[tuple(SORTS)]


CohortYear = integer(ge=COHORT_YEARS[0], le=COHORT_YEARS[1])


def _cohort_value(value):
    """A cohort filter's value checked whole, before pydantic tries each alternative of
    the union (which would report one error per alternative): `unknown`, or digits of a
    year within COHORT_YEARS."""
    if value == "unknown" or not isinstance(value, str):
        return value
    if not re.fullmatch(r"-?\d+", value):
        raise PydanticCustomError("cohort_parsing", "Input should be a cohort's year or 'unknown'")
    year = int(value)
    if year < COHORT_YEARS[0]:
        raise PydanticCustomError(
            "greater_than_equal",
            "Input should be greater than or equal to {ge}",
            {"ge": COHORT_YEARS[0]},
        )
    if year > COHORT_YEARS[1]:
        raise PydanticCustomError(
            "less_than_equal",
            "Input should be less than or equal to {le}",
            {"le": COHORT_YEARS[1]},
        )
    return year


# A cohort filter: a year, or "unknown" for the members whose cohort no source gives.
CohortFilter = Annotated[CohortYear | Literal["unknown"], BeforeValidator(_cohort_value)]

# Path parameters under the same rules as the filters: a code or year outside them is a
# 422; a well-formed one that nothing has, a 404.
CountryPath = Annotated[
    str,
    Path(
        min_length=2,
        max_length=2,
        pattern=COUNTRY_CODE,
        description="ISO 3166-1 alpha-2 code, any case.",
        examples=["KE"],
    ),
]
CohortPath = Annotated[
    Integer,
    Path(ge=COHORT_YEARS[0], le=COHORT_YEARS[1], description="The cohort's year.", examples=[2022]),
]


def members_url(context, **filters) -> str:
    """The `members` endpoint filtered by `filters`, on the request's `as_of` date if any."""
    as_of = context["request"].GET.get("as_of")
    query = urlencode({**filters, **({"as_of": as_of} if as_of else {})})
    return f"{absolute(context, 'members')}?{query}"


def page_url(context, name: str, *args) -> str:
    """The absolute URL of a public web page."""
    return context["request"].build_absolute_uri(reverse(f"cities:{name}", args=args))


class RegionRef(Schema):
    slug: str = Field(examples=["africa"])
    name: str = Field(examples=["Africa"])


class CountryRef(Schema):
    iso2: str = Field(examples=["KE"])
    name: str = Field(examples=["Kenya"])


# Members -----------------------------------------------------------------------------


class MemberQuery(Schema):
    """The `members` filters, under the directory's rules (the web form takes the same).
    Each facet filter may repeat (`region=africa&region=arab-states`): a member matches
    any of its values, and every filter given."""

    region: list[RegionSlug] = Field(
        [],
        description="A region's slug (see `regions`); repeat for several.",
        examples=[["africa"]],
    )
    country: list[CountryCode] = Field(
        [],
        description="ISO 3166-1 alpha-2 code, any case; repeat for several. A code no "
        "member has gives no results.",
        examples=[["KE"]],
    )
    cohort: list[CohortFilter] = Field(
        [],
        description="The cohort's year, or `unknown` for the members whose cohort no "
        "source gives (members on record, see `member_by`); repeat for several.",
        examples=[[2022]],
    )
    status: list[StatusValue] = Field(
        [], description="Status on the `as_of` date; repeat for several."
    )
    cluster: list[ClusterSlug] = Field(
        [],
        description="A thematic cluster's slug (see `clusters`): the cities in it on the "
        "`as_of` date; repeat for several. A slug no cluster has gives no results.",
        examples=[["literacy"]],
    )
    q: str | None = Field(
        None,
        max_length=SEARCH_MAX_LENGTH,
        description="Name search, case- and accent-insensitive.",
        examples=["lanh"],
    )
    as_of: IsoDate | None = Field(
        None, description="Members on record on this date (YYYY-MM-DD); today by default."
    )
    sort: SortValue = Field("name", description="Order of results.")
    page: Integer = PAGE
    page_size: Integer = page_size(50, 500, "Members per page.")

    def filters(self) -> dict:
        """The filters as `Member.objects.directory` takes them: each facet's values
        sorted, without repeats, a country's code in capitals."""
        return {
            "q": self.q,
            "as_of": self.as_of,
            "region": sorted(set(self.region or ())),
            "country": sorted({code.upper() for code in self.country or ()}),
            "cohort": sorted(set(self.cohort or ()), key=str),
            "status": sorted(set(self.status or ())),
            "cluster": sorted(set(self.cluster or ())),
        }


class MemberSummary(Schema):
    slug: str = Field(examples=["nakuru"])
    name: str = Field(examples=["Nakuru"])
    kind: KindValue
    country: CountryRef
    region: RegionRef
    subdivision: str
    cohort: int | None = Field(
        description="Year of the cohort it was first admitted in; null where no source "
        "gives it (a member on record: see `member_by`)."
    )
    admitted_on: dt.date | None = Field(
        description="Date of its first admission; null where only the year is known."
    )
    member_by: dt.date | None = Field(
        description="The earliest day a dated source proves it a member by, where it has "
        "such a source (a member on record, whose cohort may be null); it counts from then."
    )
    status: StatusValue | None = Field(description="Status on the `as_of` date (today).")
    clusters: list[str] = Field(
        description="Slugs of the thematic clusters it is in on the `as_of` date (today).",
        examples=[["literacy"]],
    )
    latitude: float | None
    longitude: float | None
    url: str = Field(description="This member in the API.")
    web_url: str = Field(description="This member's public page.")

    @staticmethod
    def resolve_region(obj):
        return obj.country.region

    @staticmethod
    def resolve_cohort(obj):
        return obj.cohort_id

    @staticmethod
    def resolve_admitted_on(obj):
        return getattr(obj, "admitted_on", None)

    @staticmethod
    def resolve_member_by(obj):
        return getattr(obj, "member_by", None)

    @staticmethod
    def resolve_status(obj):
        return getattr(obj, "status_on", obj.status)

    @staticmethod
    def resolve_clusters(obj):
        """As `with_clusters` gave them (a list: one query), or one query for this member
        (today's: `members/{slug}` has no date)."""
        if not hasattr(obj, "clusters"):
            obj.clusters = Member.objects.filter(pk=obj.pk).cluster_slugs().get(obj.pk, [])
        return obj.clusters

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, "member", obj.slug)

    @staticmethod
    def resolve_web_url(obj, context):
        return page_url(context, "member", obj.slug)


def with_clusters(members, as_of=None) -> list:
    """The `members` (a queryset) as a list, each with `clusters`: the slugs of the
    thematic clusters it is in on `as_of` (today), in one query for all of them."""
    clusters = members.cluster_slugs(as_of)
    rows = list(members)
    for member in rows:
        member.clusters = clusters.get(member.pk, [])
    return rows


# What MemberSummary gives of a member, read as plain values (`member_summaries`).
SUMMARY_FIELDS = (
    "slug",
    "name",
    "kind",
    "country_id",
    "country__name",
    "country__region_id",
    "country__region__name",
    "subdivision",
    "cohort_id",
    "admitted_on",
    "member_by",
    "status_on",
    "latitude",
    "longitude",
)


def member_summaries(request, rows, clusters=None) -> list[dict]:
    """MemberSummary's output for `rows` (dicts of SUMMARY_FIELDS, from
    `Directory.page_rows`), built directly: the same values, without a pydantic
    validation and a resolver call per field of each row. Each URL is one reversed URL
    with the slug put in (slugs need no quoting). `clusters`: {pk: slugs}, as
    `MemberQuerySet.cluster_slugs` gives them for the rows."""
    clusters = clusters or {}
    context = {"request": request}
    marker = "slug-placeholder"
    api_url = absolute(context, "member", marker).split(marker)
    web_url = page_url(context, "member", marker).split(marker)
    return [
        {
            "slug": row["slug"],
            "name": row["name"],
            "kind": row["kind"],
            "country": {"iso2": row["country_id"], "name": row["country__name"]},
            "region": {"slug": row["country__region_id"], "name": row["country__region__name"]},
            "subdivision": row["subdivision"],
            "cohort": row["cohort_id"],
            "admitted_on": row["admitted_on"],
            "member_by": row["member_by"],
            "status": row["status_on"],
            "clusters": clusters.get(row["pk"], []),
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "url": row["slug"].join(api_url),
            "web_url": row["slug"].join(web_url),
        }
        for row in rows
    ]


class Facets(Schema):
    region: list[FacetValue]
    country: list[FacetValue]
    cohort: list[FacetValue]
    status: list[FacetValue]
    cluster: list[FacetValue]


class MemberPage(Page):
    facets: Facets
    results: list[MemberSummary]


class Event(Schema):
    kind: EventKindValue
    date: dt.date | None = Field(description="Null where only the year is known.")
    year: int
    precision: PrecisionValue
    effective_on: dt.date = Field(
        description="The day it counts from: its date, or 31 December of its year."
    )
    cohort: int | None = Field(description="The cohort's year, for an admission.")
    note: str
    source_url: str

    @staticmethod
    def resolve_cohort(obj):
        return obj.cohort_id


class MemberDetail(MemberSummary):
    population: int | None
    website: str
    mayor: str
    profile: str
    source_url: str = Field(description="Where the data about this member come from.")
    events: list[Event] = Field(description="Its membership history, oldest first.")

    @staticmethod
    def resolve_events(obj):
        return list(obj.events.all())


# Countries and regions ---------------------------------------------------------------


class Country(Schema):
    iso2: str = Field(examples=["KE"])
    iso3: str = Field(examples=["KEN"])
    name: str = Field(examples=["Kenya"], description="The UN short name, in English.")
    region: RegionRef
    members: int = Field(description="Active members on the `as_of` date (today).")
    url: str
    members_url: str = Field(description="Its members, in the `members` endpoint.")
    web_url: str

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, "country", obj["iso2"])

    @staticmethod
    def resolve_members_url(obj, context):
        return members_url(context, country=obj["iso2"])

    @staticmethod
    def resolve_web_url(obj, context):
        return page_url(context, "country", obj["iso2"].lower())


class Region(Schema):
    slug: str = Field(examples=["africa"])
    name: str = Field(examples=["Africa"])
    members: int = Field(description="Active members on the `as_of` date (today).")
    countries: int = Field(description="Countries with at least one of those members.")
    members_url: str
    web_url: str

    @staticmethod
    def resolve_members_url(obj, context):
        return members_url(context, region=obj["slug"])

    @staticmethod
    def resolve_web_url(obj, context):
        return page_url(context, "region", obj["slug"])


# Cohorts -----------------------------------------------------------------------------


class Cohort(Schema):
    year: int = Field(examples=[2022])
    announced_on: dt.date | None = Field(
        description="Date of the announcement; null where unknown (admissions then count "
        "from 31 December of the year)."
    )
    source_url: str
    announced_members: int | None = Field(
        description="New members the announcement stated, where it stated a figure."
    )
    announced_countries: int | None
    new_members: int = Field(description="Members admitted in this cohort that we hold.")
    new_countries: int = Field(description="Countries of those members.")
    url: str

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, "cohort", obj["year"])


class CohortDetail(Cohort):
    effective_on: dt.date = Field(
        description="The day its admissions count from: `announced_on`, or 31 December."
    )
    first_time_countries: list[CountryRef] = Field(
        description="Countries with no member on record before this cohort."
    )
    total_members: int = Field(description="Active members of the network on `effective_on`.")
    total_countries: int = Field(description="Countries of those members.")
    members: list[MemberSummary] = Field(description="The members admitted, by name.")


# Statistics --------------------------------------------------------------------------


class CohortCount(Schema):
    year: int
    members: int = Field(description="Active members on `as_of` first admitted this year.")


class Announced(Schema):
    on: dt.date = Field(description="The day the network published this total.")
    members: int = Field(description="Members, as the network announced.")
    countries: int = Field(description="Countries, as the network announced.")
    source_url: str
    note: str


class Stats(Schema):
    as_of: dt.date
    members: int = Field(description="Active members held in these data.")
    countries: int = Field(description="Countries with at least one active member held.")
    suspended: int
    withdrawn: int
    regions: list[Region]
    cohorts: list[CohortCount]
    cohort_not_known: int = Field(
        description="Active members whose cohort no source gives (members on record); "
        "with `cohorts`, they add up to `members`."
    )
    announced: Announced | None = Field(
        description="The network's own last published total on or before `as_of`: what "
        "it said, not a count of these data (which hold fewer members than it announced); "
        "null where it had published none by then. Compare with `members` as of its `on`."
    )


class RegionFigures(Schema):
    slug: str
    name: str
    members: int
    countries: int


class HistoryRow(Schema):
    year: int = Field(description="The cohort's year.")
    as_of: dt.date = Field(description="The announcement's date (31 December if unknown).")
    members: int = Field(description="Active members on that date.")
    countries: int = Field(description="Countries with an active member on that date.")
    new_members: int
    new_countries: int
    first_time_countries: list[str] = Field(
        description="ISO codes of the new members' countries that had no member before."
    )
    departures: int = Field(description="Members withdrawn since the previous announcement.")
    regions: list[RegionFigures]


# Endpoints ---------------------------------------------------------------------------


def _members_page(request, params: MemberQuery, directory: Directory) -> dict:
    """The members page as `MemberPage` gives it (its count, links, facets and rows),
    built as plain values: validating fifty ORM rows through the schema's resolvers
    cost more than the queries (test_api checks the schema gives the same). The API's
    one exception to serialising by the schemas' resolvers."""
    summary = directory.summary()
    page, rows = paginate(request, params, summary["count"])
    found = (
        directory.page_rows(rows.start, rows.stop, fields=SUMMARY_FIELDS) if page["count"] else []
    )
    clusters = directory.cluster_slugs([row["pk"] for row in found])
    return {
        **page,
        "facets": facet_values(summary["facets"]),
        "results": member_summaries(request, found, clusters),
    }


@router.endpoint("/members", MemberPage, "Members, filtered, with facet counts", cache=True)
def list_members(request, params: Query[MemberQuery]):
    """Members on record on `as_of` (today): active, suspended or withdrawn since.
    Filters combine; each facet count says how many results that value would give."""
    directory = Member.objects.directory(params.filters(), params.sort)
    # The page with its facets is the costly answer at scale: its JSON is cached per
    # query, host and data revision (gnlc.core.cache), so a change to the data shows at
    # once, and a hit costs one query and no serialisation.
    key = ("api-members", request.get_host(), sorted(request.GET.lists()))

    def render() -> bytes:
        page = _members_page(request, params, directory)
        return renderer.render(request, page, response_status=200)

    content_type = f"{renderer.media_type}; charset={renderer.charset}"
    return HttpResponse(cached(key, render), content_type=content_type)


@router.endpoint("/members/{slug}", MemberDetail, "One member and its membership history")
def get_member(request, slug: str):
    members = Member.objects.on_record().for_listing().with_admission()
    return first_or_404(
        members.prefetch_related("events").filter(slug=slug), f"No member has the slug {slug!r}."
    )


def _countries(as_of, iso2: str | None = None) -> list[dict]:
    """Countries (one where `iso2` is given) with their active members on `as_of`."""
    countries = models.Country.objects.select_related("region")
    if iso2 is None:
        counts = stats.active_by_country(as_of)
    else:
        countries = countries.filter(iso2=iso2)
        members = Member.objects.active_on(as_of).filter(country=iso2)
        counts = {row["iso2"]: row["members"] for row in members.count_by_country()}
    return [
        {
            "iso2": country.iso2,
            "iso3": country.iso3,
            "name": country.name,
            "region": country.region,
            "members": counts.get(country.iso2, 0),
        }
        for country in countries
    ]


@router.endpoint("/countries", list[Country], "Every country, with its members", cache=True)
def list_countries(request, as_of: AsOf = None):
    """All 196 countries the network can draw members from, by name, with their active
    members on `as_of` (today), zero included."""
    return _countries(as_of)


@router.endpoint("/countries/{iso2}", Country, "One country")
def get_country(request, iso2: CountryPath, as_of: AsOf = None):
    found = _countries(as_of, iso2=iso2.upper())
    if not found:
        raise ApiError(404, f"No country has the ISO code {iso2!r}.")
    return found[0]


@router.endpoint(
    "/regions",
    list[Region],
    "The five UNESCO regions, with their members and countries",
    cache=True,
)
def list_regions(request, as_of: AsOf = None):
    """In UNESCO's order."""
    return stats.region_counts(as_of)


def _cohort_row(cohort: models.Cohort, counts: dict) -> dict:
    """A cohort as `Cohort` gives it, with `counts` of its admissions (members, countries)."""
    return {
        "year": cohort.year,
        "announced_on": cohort.announced_on,
        "source_url": cohort.source_url,
        "announced_members": cohort.announced_members,
        "announced_countries": cohort.announced_countries,
        "new_members": counts["members"],
        "new_countries": counts["countries"],
    }


@router.endpoint("/cohorts", list[Cohort], "Every cohort, oldest first", cache=True)
def list_cohorts(request):
    admissions = stats.admissions_by_cohort()
    none = {"members": 0, "countries": 0}
    return [
        _cohort_row(cohort, admissions.get(cohort.year, none))
        for cohort in models.Cohort.objects.all()
    ]


@router.endpoint(
    "/cohorts/{year}",
    CohortDetail,
    "One cohort: its new members and countries, and the network's totals then",
)
def get_cohort(request, year: CohortPath):
    cohort = first_or_404(models.Cohort.objects.filter(year=year), f"There is no cohort of {year}.")
    summary = stats.cohort_summary(cohort)
    first_time = summary["first_time_countries"]
    names = dict(models.Country.objects.filter(iso2__in=first_time).values_list("iso2", "name"))
    members = (
        Member.objects.admitted_in(cohort).with_status().for_listing().with_admission()
    ).order_by("name", "pk")
    counts = {"members": summary["new_members"], "countries": summary["new_countries"]}
    return {
        **_cohort_row(cohort, counts),
        "effective_on": cohort.effective_on,
        "first_time_countries": [{"iso2": iso2, "name": names[iso2]} for iso2 in first_time],
        "total_members": summary["total_members"],
        "total_countries": summary["total_countries"],
        "members": with_clusters(members),
    }


@router.endpoint("/stats", Stats, "The network's figures on a date")
def get_stats(request, as_of: AsOf = None):
    """Active members and their countries, per region and per cohort, with the numbers
    suspended and withdrawn, as of `as_of` (today); and, apart, the network's own last
    published total by then (`announced`)."""
    return {**stats.network_stats(as_of), "announced": stats.announced_totals(as_of)}


@router.endpoint(
    "/stats/history", list[HistoryRow], "The network's figures as of each announcement"
)
def get_stats_history(request, as_of: AsOf = None):
    """One row per cohort, oldest first, up to `as_of` (every cohort by default)."""
    return stats.history(as_of)
