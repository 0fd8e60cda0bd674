"""The public JSON API, version 1: members, countries, regions, cohorts and statistics.

Read-only and anonymous. docs/api.md is its contract (a test checks every route is in
it); the OpenAPI document is served at /api/v1/openapi.json and the interactive docs at
/api/docs. Each operation's parameters are parsed once, by its schema (gnlc/api/schemas.py),
which is also what the document says; the cleaned filters go to the directory's own
queries (`Member.objects.directory`) and counts through `gnlc.cities.stats`, so a figure
here equals the one on the web pages."""

import functools
import importlib
import math

from django.apps import apps
from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.views.decorators.cache import cache_control
from ninja import Query, Swagger
from ninja.decorators import decorate_view

from gnlc.api import schemas
from gnlc.api.errors import ApiError, register_handlers
from gnlc.api.openapi import Api
from gnlc.cities import stats
from gnlc.cities.models import Cohort, Country, Member, MembershipEvent
from gnlc.cities.querysets import Directory
from gnlc.core.cache import cached

DESCRIPTION = f"""Open data on the members of the {settings.GNLC_NETWORK_NAME}: who they are,
where, since when, and the network's figures on any date; and the library's good practices.

Read-only, no authentication, in English. Data under {settings.GNLC_DATA_LICENCE}
({settings.GNLC_DATA_LICENCE_URL}).

- **Dates**: `as_of` (YYYY-MM-DD, today by default) gives the figures on that day.
- **Filters** of a list may repeat (`region=africa&region=arab-states`): several values of
  one filter are alternatives, different filters combine. Facet counts say how many
  results each value gives among the results of the other filters.
- **Pages**: `page` and `page_size`; `next` and `previous` are full URLs, null at the ends.
- **Errors** all have one shape, `{{"error": {{"status", "code", "message", "details"}}}}`,
  with one detail per invalid parameter; `code` is stable (`not_found`,
  `validation_error`, `rate_limited`...).

Each operation below lists its parameters and responses; the OpenAPI document is
/api/v1/openapi.json."""

api = Api(
    title=f"{settings.GNLC_NETWORK_SHORT_NAME} API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    # Served at /api/docs by gnlc/api/urls.py rather than under /api/v1/. Swagger UI comes
    # from ninja's own static files ("ninja" is in INSTALLED_APPS), never from a CDN; its
    # template passes the settings as a JSON data block read by a static script, so the
    # page needs no inline script under our CSP. No online validator badge.
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url=None,
)
register_handlers(api)


def in_english(view):
    """The API speaks English whatever the request's Accept-Language: names are the UN's
    English short names, labels the English ones, so a URL always gives the same JSON."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        with translation.override("en"):
            response = view(request, *args, **kwargs)
        response.headers["Content-Language"] = "en"
        return response

    return wrapped


api.add_decorator(in_english, mode="view")

# Lists change when the secretariat records an event: a minute of caching is harmless.
cached_list = decorate_view(cache_control(public=True, max_age=60))


def _members_page(request, params: schemas.MemberQuery, directory: Directory) -> dict:
    """The members page as `schemas.MemberPage` gives it (its count, links, facets and
    rows), built as plain values: validating fifty ORM rows through the schema's
    resolvers cost more than the queries (test_api checks the schema gives the same)."""
    members = directory.queryset()
    summary = directory.summary()
    count = summary["count"]
    size = params.page_size
    pages = max(1, math.ceil(count / size))
    if params.page > pages:
        raise ApiError(
            404,
            f"Page {params.page} does not exist: there are {pages} page(s) of {size}.",
            [{"field": "page", "message": f"Choose a page from 1 to {pages}."}],
        )
    start = (params.page - 1) * size

    def link(page: int) -> str:
        query = request.GET.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": params.page,
        "page_size": size,
        "pages": pages,
        "next": link(params.page + 1) if params.page < pages else None,
        "previous": link(params.page - 1) if params.page > 1 else None,
        "facets": schemas.facet_values(summary["facets"]),
        "results": schemas.member_summaries(
            request,
            members.page_rows(
                start,
                start + size,
                as_of=directory.filters.get("as_of"),
                fields=schemas.SUMMARY_FIELDS,
            )
            if count
            else [],
        ),
    }


@api.get(
    "/members",
    response={200: schemas.MemberPage, **schemas.ERRORS},
    url_name="members",
    operation_id="list_members",
    summary="Members, filtered, with facet counts",
    tags=["members"],
)
@cached_list
def list_members(request, params: Query[schemas.MemberQuery]):
    """Members on record on `as_of` (today): active, suspended or withdrawn since.
    Filters combine; each facet count says how many results that value would give."""
    directory = Member.objects.directory(params.filters(), params.sort)
    # The page with its facets is the costly answer at scale: its JSON is cached per
    # query, host and data revision (gnlc.core.cache), so a change to the data shows at
    # once, and a hit costs one query and no serialisation.
    key = ("api-members", request.get_host(), sorted(request.GET.lists()))

    def render() -> bytes:
        page = _members_page(request, params, directory)
        return api.renderer.render(request, page, response_status=200)

    content_type = f"{api.renderer.media_type}; charset={api.renderer.charset}"
    return HttpResponse(cached(key, render), content_type=content_type)


@api.get(
    "/members/{slug}",
    response={200: schemas.MemberDetail, **schemas.ERRORS},
    url_name="member",
    operation_id="get_member",
    summary="One member and its membership history",
    tags=["members"],
)
def get_member(request, slug: str):
    member = (
        Member.objects.on_record()
        .for_listing()
        .with_admission()
        .prefetch_related("events")
        .filter(slug=slug)
        .first()
    )
    if member is None:
        raise ApiError(404, f"No member has the slug {slug!r}.")
    return member


def _countries(as_of, iso2: str | None = None) -> list[dict]:
    """Countries (one where `iso2` is given) with their active members on `as_of`."""
    countries = Country.objects.select_related("region")
    members = Member.objects.active_on(as_of)
    if iso2 is not None:
        countries, members = countries.filter(iso2=iso2), members.filter(country=iso2)
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


@api.get(
    "/countries",
    response={200: list[schemas.Country], **schemas.ERRORS},
    url_name="countries",
    operation_id="list_countries",
    summary="Every country, with its members",
    tags=["countries"],
)
@cached_list
def list_countries(request, as_of: schemas.AsOf = None):
    """All 196 countries the network can draw members from, by name, with their active
    members on `as_of` (today), zero included."""
    return _countries(as_of)


@api.get(
    "/countries/{iso2}",
    response={200: schemas.Country, **schemas.ERRORS},
    url_name="country",
    operation_id="get_country",
    summary="One country",
    tags=["countries"],
)
def get_country(request, iso2: schemas.CountryPath, as_of: schemas.AsOf = None):
    found = _countries(as_of, iso2=iso2.upper())
    if not found:
        raise ApiError(404, f"No country has the ISO code {iso2!r}.")
    return found[0]


@api.get(
    "/regions",
    response={200: list[schemas.Region], **schemas.ERRORS},
    url_name="regions",
    operation_id="list_regions",
    summary="The five UNESCO regions, with their members and countries",
    tags=["regions"],
)
@cached_list
def list_regions(request, as_of: schemas.AsOf = None):
    """In UNESCO's order."""
    return stats.region_counts(as_of)


def _cohort_row(cohort: Cohort, admissions: dict) -> dict:
    counts = admissions.get(cohort.year, {"members": 0, "countries": 0})
    return {
        "year": cohort.year,
        "announced_on": cohort.announced_on,
        "source_url": cohort.source_url,
        "announced_members": cohort.announced_members,
        "announced_countries": cohort.announced_countries,
        "new_members": counts["members"],
        "new_countries": counts["countries"],
    }


@api.get(
    "/cohorts",
    response={200: list[schemas.Cohort], **schemas.ERRORS},
    url_name="cohorts",
    operation_id="list_cohorts",
    summary="Every cohort, oldest first",
    tags=["cohorts"],
)
@cached_list
def list_cohorts(request):
    admissions = MembershipEvent.objects.count_admissions_by_cohort()
    return [_cohort_row(cohort, admissions) for cohort in Cohort.objects.all()]


@api.get(
    "/cohorts/{year}",
    response={200: schemas.CohortDetail, **schemas.ERRORS},
    url_name="cohort",
    operation_id="get_cohort",
    summary="One cohort: its new members and countries, and the network's totals then",
    tags=["cohorts"],
)
def get_cohort(request, year: schemas.CohortPath):
    cohort = Cohort.objects.filter(year=year).first()
    if cohort is None:
        raise ApiError(404, f"There is no cohort of {year}.")
    summary = stats.cohort_summary(cohort)
    names = dict(
        Country.objects.filter(iso2__in=summary["first_time_countries"]).values_list("iso2", "name")
    )
    members = (
        Member.objects.admitted_in(cohort).with_status().for_listing().with_admission()
    ).order_by("name", "pk")
    return {
        **_cohort_row(
            cohort,
            {
                cohort.year: {
                    "members": summary["new_members"],
                    "countries": summary["new_countries"],
                }
            },
        ),
        "effective_on": cohort.effective_on,
        "first_time_countries": [
            {"iso2": iso2, "name": names[iso2]} for iso2 in summary["first_time_countries"]
        ],
        "total_members": summary["total_members"],
        "total_countries": summary["total_countries"],
        "members": list(members),
    }


@api.get(
    "/stats",
    response={200: schemas.Stats, **schemas.ERRORS},
    url_name="stats",
    operation_id="get_stats",
    summary="The network's figures on a date",
    tags=["stats"],
)
def get_stats(request, as_of: schemas.AsOf = None):
    """Active members and their countries, per region and per cohort, with the numbers
    suspended and withdrawn, as of `as_of` (today); and, apart, the network's own last
    published total by then (`announced`)."""
    return {**stats.network_stats(as_of), "announced": stats.announced_totals(as_of)}


def _add_app_routers() -> None:
    """Other apps' endpoints: each app that has them defines `router` (a ninja Router) in
    its own `api.py`; it is mounted here, under /api/v1/, in the one API and its one
    error shape and OpenAPI document."""
    for config in apps.get_app_configs():
        if not config.name.startswith("gnlc.") or config.name == "gnlc.api":
            continue
        try:
            module = importlib.import_module(f"{config.name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.api":
                raise
            continue
        api.add_router("", module.router)


_add_app_routers()
