"""The library in the JSON API (mounted under /api/v1/ by gnlc/api/api.py): published
practices, searched and filtered with facet counts, one practice, and the network's
documents. Only published practices are ever served. The query schemas below are the
only parsers of the parameters (and the OpenAPI document); they take the search page's
rules (gnlc.library.querysets) and hand their cleaned filters to the same queries as
its form (`searched`, `filter_by`), so a URL selects the same practices everywhere."""

import datetime as dt
import math
from typing import Annotated, Literal

from django.urls import reverse
from ninja import Field, Query, Router, Schema

from gnlc.api.errors import ApiError
from gnlc.api.schemas import ERRORS, CountryCode, Integer, RegionSlug, integer
from gnlc.library.enums import SDG_NAMES, DocumentKind, KeyFeature, Language
from gnlc.library.models import Document, Practice
from gnlc.library.querysets import (
    SEARCH_MAX_LENGTH,
    THEME_SLUG,
    THEME_SLUG_MAX_LENGTH,
    YEARS,
)

router = Router(tags=["library"])
MAX_PAGE_SIZE = 100
LanguageValue = Literal[tuple(Language.values)]
ThemeSlug = Annotated[
    str, Field(min_length=1, max_length=THEME_SLUG_MAX_LENGTH, pattern=THEME_SLUG)
]
SdgNumber = integer(ge=min(SDG_NAMES), le=max(SDG_NAMES))
Year = integer(ge=YEARS[0], le=YEARS[1])


class PageQuery(Schema):
    q: str | None = Field(
        None,
        max_length=SEARCH_MAX_LENGTH,
        description="Words to search for, all required; results are ranked by relevance.",
        examples=["adult literacy"],
    )
    page: Integer = Field(1, ge=1, description="Page number, from 1.")
    page_size: Integer = Field(20, ge=1, le=MAX_PAGE_SIZE, description="Results per page.")


def _alternatives(values) -> list:
    """A repeated filter's values as the queries take them: sorted, without repeats."""
    return sorted(set(values or ()))


class PracticeQuery(PageQuery):
    """The practices' filters, under the search page's rules. Each may repeat
    (`theme=literacy&theme=health`): a practice matches any of its values, and every
    filter given."""

    theme: list[ThemeSlug] = Field(
        [],
        description="A theme's slug; repeat for several. A slug no theme has matches nothing.",
        examples=[["literacy"]],
    )
    sdg: list[SdgNumber] = Field(
        [], description="An SDG's number; repeat for several.", examples=[[4]]
    )
    region: list[RegionSlug] = Field(
        [], description="A region's slug; repeat for several.", examples=[["africa"]]
    )
    country: list[CountryCode] = Field(
        [], description="ISO 3166-1 alpha-2, any case; repeat for several."
    )
    year: list[Year] = Field([], description="The year the practice started; repeat for several.")
    language: list[LanguageValue] = Field(
        [], description="The practice's language; repeat for several."
    )
    key_feature: list[Literal[tuple(KeyFeature.values)]] = Field(
        [], description="The Key Features area it serves; repeat for several."
    )

    def filters(self) -> dict:
        """The non-empty filters as `filter_by` takes them (as the form cleans them)."""
        filters = {
            "theme": _alternatives(self.theme),
            "sdg": _alternatives(self.sdg),
            "region": _alternatives(self.region),
            "country": _alternatives(code.upper() for code in self.country or ()),
            "year": _alternatives(self.year),
            "language": _alternatives(self.language),
            "key_feature": _alternatives(self.key_feature),
        }
        return {name: values for name, values in filters.items() if values}


class DocumentQuery(PageQuery):
    kind: Literal[tuple(DocumentKind.values)] | None = Field(None, description="Its type.")
    language: LanguageValue | None = Field(None, description="Its language.")
    year: Year | None = Field(None, description="Its year of publication.")

    def filters(self) -> dict:
        """The filters given, as `filter_by` takes them."""
        filters = {"kind": self.kind, "language": self.language, "year": self.year}
        return {name: value for name, value in filters.items() if value}


class CityRef(Schema):
    slug: str
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2.")


class Highlight(Schema):
    title: str = Field(description="HTML: the title, escaped, with matches in <mark>.")
    excerpt: str = Field(description="HTML: a passage, escaped, with matches in <mark>.")


class Practice_(Schema):
    slug: str
    title: str
    summary: str
    cities: list[CityRef]
    themes: list[str] = Field(description="Theme slugs.")
    sdgs: list[int]
    target_groups: list[str]
    key_feature: str
    year_started: int
    year_ended: int | None
    language: str
    published_at: dt.datetime | None
    is_demo: bool = Field(description="Synthetic demonstration content.")
    url: str
    web_url: str
    highlight: Highlight | None = Field(None, description="With `q` only.")


class PracticeDetail(Practice_):
    body: str = Field(description="Markdown, as written.")
    links: list[str]
    attachments: list[str] = Field(description="URLs of its PDF and image files.")


class FacetValue(Schema):
    value: str | int
    label: str
    count: int


class PracticePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    facets: dict[str, list[FacetValue]]
    results: list[Practice_]


class Document_(Schema):
    slug: str
    title: str
    kind: str
    language: str
    year: int
    summary: str
    is_demo: bool
    file_url: str
    highlight: Highlight | None = None


class DocumentPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    next: str | None
    previous: str | None
    results: list[Document_]


def _page(request, params, results) -> dict:
    count = results.count()
    size = params.page_size
    pages = max(1, math.ceil(count / size))
    if params.page > pages:
        raise ApiError(
            404,
            f"Page {params.page} does not exist: there are {pages} page(s) of {size}.",
            [{"field": "page", "message": f"Choose a page from 1 to {pages}."}],
        )
    start = (params.page - 1) * size

    def link(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "page": params.page,
        "page_size": size,
        "pages": pages,
        "next": link(params.page + 1) if params.page < pages else None,
        "previous": link(params.page - 1) if params.page > 1 else None,
        "rows": results[start : start + size],
    }


def _highlight(row):
    highlight = getattr(row, "highlight", None)
    return {"title": highlight.title, "excerpt": highlight.excerpt} if highlight else None


def _practice(request, practice) -> dict:
    return {
        "slug": practice.slug,
        "title": practice.title,
        "summary": practice.summary,
        "cities": [
            {"slug": m.slug, "name": m.name, "country": m.country_id}
            for m in practice.members.all()
        ],
        "themes": [theme.slug for theme in practice.themes.all()],
        "sdgs": [sdg.number for sdg in practice.sdgs.all()],
        "target_groups": list(practice.target_groups),
        "key_feature": practice.key_feature,
        "year_started": practice.year_started,
        "year_ended": practice.year_ended,
        "language": practice.language,
        "published_at": practice.published_at,
        "is_demo": practice.is_demo,
        "url": request.build_absolute_uri(reverse("api-1:practice", args=[practice.slug])),
        "web_url": request.build_absolute_uri(practice.get_absolute_url()),
        "highlight": _highlight(practice),
    }


@router.get(
    "/practices",
    response={200: PracticePage, **ERRORS},
    url_name="practices",
    operation_id="list_practices",
    summary="Published practices, searched and filtered, with facet counts",
)
def list_practices(request, params: Query[PracticeQuery]):
    """Ranked by relevance with `q` (and highlighted), newest first without."""
    results = Practice.objects.published().searched(params.q or "", params.filters())
    page = _page(request, params, results)
    rows = page.pop("rows")
    return {
        **page,
        "facets": results.facets(),
        "results": [_practice(request, practice) for practice in rows],
    }


@router.get(
    "/practices/{slug}",
    response={200: PracticeDetail, **ERRORS},
    url_name="practice",
    operation_id="get_practice",
    summary="One published practice",
)
def get_practice(request, slug: str):
    practice = (
        Practice.objects.published()
        .for_listing()
        .prefetch_related("attachments")
        .filter(slug=slug)
        .first()
    )
    if practice is None:
        raise ApiError(404, f"No published practice has the slug {slug!r}.")
    return {
        **_practice(request, practice),
        "body": practice.body,
        "links": list(practice.links),
        "attachments": [
            request.build_absolute_uri(item.get_absolute_url())
            for item in practice.attachments.all()
        ],
    }


@router.get(
    "/documents",
    response={200: DocumentPage, **ERRORS},
    url_name="documents",
    operation_id="list_documents",
    summary="The network's publications, searched and filtered",
)
def list_documents(request, params: Query[DocumentQuery]):
    results = Document.objects.filter_by(params.filters()).searched(params.q or "")
    page = _page(request, params, results)
    rows = page.pop("rows")
    return {
        **page,
        "results": [
            {
                "slug": d.slug,
                "title": d.title,
                "kind": d.kind,
                "language": d.language,
                "year": d.year,
                "summary": d.summary,
                "is_demo": d.is_demo,
                "file_url": request.build_absolute_uri(d.get_absolute_url()),
                "highlight": _highlight(d),
            }
            for d in rows
        ],
    }
