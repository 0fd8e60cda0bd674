"""The API's shared pieces, written once for every app's endpoints: the parameter types
(a date, an integer, a country's code, a region's slug, `as_of`), the error shape's
schemas and the one facet value. Each app's own schemas live beside its endpoints, in
its `api.py` (docs/architecture.md, "API").

A query schema is the only parser of its endpoint's parameters: what it accepts is
what the document says, bound for bound, and its cleaned values go straight to the
domain's queries. Its rules are the domain's own constants (`gnlc.cities.querysets`,
`gnlc.library.querysets`), which the web pages' forms take too."""

import datetime as dt
import re
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Field, Query, Schema
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from gnlc.cities.models import REGION_LABELS
from gnlc.cities.querysets import COUNTRY_CODE

RegionSlug = Literal[tuple(REGION_LABELS)]
# A thematic cluster's slug (gnlc/clusters): its theme's. Clusters are made by the
# secretariat, so not an enumeration: a slug no cluster has gives no results.
ClusterSlug = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[-a-zA-Z0-9_]+$")]


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

AsOf = Annotated[
    IsoDate | None,
    Query(description="The date the figures are for (YYYY-MM-DD); today by default."),
]


def absolute(context, name: str, *args) -> str:
    """The absolute URL of an API endpoint."""
    return context["request"].build_absolute_uri(reverse(f"api-1:{name}", args=args))


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


# Facets ------------------------------------------------------------------------------


class FacetValue(Schema):
    value: str | int = Field(description="What to pass as the filter's parameter.")
    label: str
    count: int = Field(
        description="Results with this value among the results of the other filters: "
        "what choosing it (too) gives or brings."
    )


def facet_values(facets: dict) -> dict:
    """Facets as `Facets` gives them: value, label and count of each."""
    return {
        name: [{"value": v["value"], "label": v["label"], "count": v["count"]} for v in values]
        for name, values in facets.items()
    }
