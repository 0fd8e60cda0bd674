"""The API's serialisers: what each endpoint takes and gives, and so its OpenAPI document.

A query schema here is the only parser of its endpoint's parameters: what it accepts is
what the document says, bound for bound, and its cleaned values go straight to the
domain's queries (`Member.objects.directory`). Its rules are the domain's own constants
(`gnlc.cities.querysets`), which the web pages' forms take too.

Objects come from `for_listing()` querysets (country, region and cohort already joined);
URLs are resolved here, from the request in the schema's context, without a query."""

import datetime as dt
import re
from typing import Annotated, Literal
from urllib.parse import urlencode

from django.urls import reverse
from ninja import Field, Path, Query, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from gnlc.cities.enums import DatePrecision, EventKind, MemberKind, Status
from gnlc.cities.models import REGION_LABELS
from gnlc.cities.querysets import COHORT_YEARS, COUNTRY_CODE, SEARCH_MAX_LENGTH, SORTS

# Literal types built from the domain's enums, so the OpenAPI document lists the values.
StatusValue = Literal[tuple(Status.values)]
KindValue = Literal[tuple(MemberKind.values)]
EventKindValue = Literal[tuple(EventKind.values)]
PrecisionValue = Literal[tuple(DatePrecision.values)]
SortValue = Literal[tuple(SORTS)]
RegionSlug = Literal[tuple(REGION_LABELS)]


def _iso_date(value):
    """Only YYYY-MM-DD: pydantic alone also takes a number as a Unix time, so
    `as_of=0` meant 1 January 1970 (found by the fuzzer, gnlc/api/tests/test_fuzz.py)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("Use the form YYYY-MM-DD.")
    return value


def _integer(value):
    """Only digits, with a minus sign perhaps: pydantic alone also reads "2022.0",
    " 2022" and "2_022" as 2022, which the document's `integer` does not allow."""
    if isinstance(value, str) and not re.fullmatch(r"-?\d+", value):
        raise PydanticCustomError(
            "int_parsing", "Input should be a valid integer, unable to parse string as an integer"
        )
    return value


def integer(**bounds):
    """An integer query or path parameter, `bounds` (ge, le) included. The bounds come
    before the digits' check: pydantic writes them into the JSON Schema only so."""
    return Annotated[int, Field(**bounds), BeforeValidator(_integer)]


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Integer = integer()
CountryCode = Annotated[str, Field(min_length=2, max_length=2, pattern=COUNTRY_CODE)]
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

AsOf = Annotated[
    IsoDate | None,
    Query(description="The date the figures are for (YYYY-MM-DD); today by default."),
]

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def absolute(context, name: str, *args) -> str:
    """The absolute URL of an API endpoint."""
    return context["request"].build_absolute_uri(reverse(f"api-1:{name}", args=args))


def members_url(context, **filters) -> str:
    """The `members` endpoint filtered by `filters`, on the request's `as_of` date if any."""
    as_of = context["request"].GET.get("as_of")
    query = urlencode({**filters, **({"as_of": as_of} if as_of else {})})
    return f"{absolute(context, 'members')}?{query}"


def page_url(context, name: str, *args) -> str:
    """The absolute URL of a public web page."""
    return context["request"].build_absolute_uri(reverse(f"cities:{name}", args=args))


# Errors ------------------------------------------------------------------------------


class ErrorDetail(Schema):
    field: str | None = Field(description="The parameter at fault, or null.")
    message: str


class ErrorBody(Schema):
    status: int = Field(description="The HTTP status, repeated.", examples=[404])
    code: str = Field(
        description="A stable code: not_found, validation_error, method_not_allowed, "
        "server_error, ...",
        examples=["not_found"],
    )
    message: str = Field(description="What went wrong, for people.")
    details: list[ErrorDetail] = Field(description="One item per invalid parameter.")


class Error(Schema):
    """Every error the API answers with has this shape."""

    error: ErrorBody


# Every operation may answer these, in the error shape: 404 (an unknown object, a page
# after the last), 422 (a parameter the query schema refuses) and 429 (the rate limit
# of gnlc.core.ratelimit, with Retry-After: see gnlc.api.openapi for its header).
ERRORS = {404: Error, 422: Error, 429: Error}


# Shared pieces -----------------------------------------------------------------------


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
    page: Integer = Field(1, ge=1, description="Page number, from 1.")
    page_size: Integer = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Members per page.")

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
    def resolve_url(obj, context):
        return absolute(context, "member", obj.slug)

    @staticmethod
    def resolve_web_url(obj, context):
        return page_url(context, "member", obj.slug)


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


def member_summaries(request, rows) -> list[dict]:
    """MemberSummary's output for `rows` (dicts of SUMMARY_FIELDS, from
    `MemberQuerySet.page_rows`), built directly: the same values, without a pydantic
    validation and a resolver call per field of each row. Each URL is one reversed URL
    with the slug put in (slugs need no quoting)."""
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
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "url": row["slug"].join(api_url),
            "web_url": row["slug"].join(web_url),
        }
        for row in rows
    ]


def facet_values(facets: dict) -> dict:
    """Facets as `Facets` gives them: value, label and count of each."""
    return {
        name: [{"value": v["value"], "label": v["label"], "count": v["count"]} for v in values]
        for name, values in facets.items()
    }


class FacetValue(Schema):
    value: str | int = Field(description="What to pass as the filter's parameter.")
    label: str
    count: int = Field(
        description="Members with this value among the results of the other filters: "
        "what choosing it (too) gives or brings."
    )


class Facets(Schema):
    region: list[FacetValue]
    country: list[FacetValue]
    cohort: list[FacetValue]
    status: list[FacetValue]


class MemberPage(Schema):
    count: int = Field(description="Members matching the filters, on all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages (at least 1).")
    next: str | None = Field(description="URL of the next page, or null on the last.")
    previous: str | None = Field(description="URL of the previous page, or null on the first.")
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
