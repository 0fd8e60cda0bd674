"""The library in the JSON API (mounted under /api/v1/ by gnlc/api/api.py): published
practices, searched and filtered with facet counts, one practice, and the network's
documents. Only published practices are ever served. The query schemas below are the
only parsers of the parameters (and the OpenAPI document); they take the search page's
rules (gnlc.library.querysets) and hand their cleaned filters to the same queries as
its form (`searched`, `filter_by`), so a URL selects the same practices everywhere."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Query, Schema

from gnlc.api.errors import first_or_404
from gnlc.api.pagination import PAGE, Page, page_size, paginate
from gnlc.api.router import Router
from gnlc.api.schemas import CountryCode, FacetValue, Integer, RegionSlug, absolute, integer
from gnlc.library.enums import SDG_NAMES, DocumentKind, KeyFeature, Language
from gnlc.library.models import Document, Practice
from gnlc.library.querysets import (
    SEARCH_MAX_LENGTH,
    THEME_SLUG,
    THEME_SLUG_MAX_LENGTH,
    YEARS,
)

router = Router(tags=["library"])
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
    page: Integer = PAGE
    page_size: Integer = page_size(20, 100)


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

    @staticmethod
    def resolve_country(obj):
        return obj.country_id


class Highlight(Schema):
    title: str = Field(description="HTML: the title, escaped, with matches in <mark>.")
    excerpt: str = Field(description="HTML: a passage, escaped, with matches in <mark>.")


def _highlight(obj):
    """A search result's highlight (title and excerpt), on its row with `q` only."""
    return getattr(obj, "highlight", None)


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

    resolve_highlight = staticmethod(_highlight)

    @staticmethod
    def resolve_cities(obj):
        return list(obj.members.all())

    @staticmethod
    def resolve_themes(obj):
        return [theme.slug for theme in obj.themes.all()]

    @staticmethod
    def resolve_sdgs(obj):
        return [sdg.number for sdg in obj.sdgs.all()]

    @staticmethod
    def resolve_url(obj, context):
        return absolute(context, "practice", obj.slug)

    @staticmethod
    def resolve_web_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class PracticeDetail(Practice_):
    body: str = Field(description="Markdown, as written.")
    links: list[str]
    attachments: list[str] = Field(description="URLs of its PDF and image files.")

    @staticmethod
    def resolve_attachments(obj, context):
        build = context["request"].build_absolute_uri
        return [build(item.get_absolute_url()) for item in obj.attachments.all()]


class PracticePage(Page):
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

    resolve_highlight = staticmethod(_highlight)

    @staticmethod
    def resolve_file_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())


class DocumentPage(Page):
    results: list[Document_]


def _page(request, params, results) -> dict:
    """The page of `results` that `params` ask for, its rows still model objects (the
    page's schema serialises them)."""
    page, rows = paginate(request, params, results.count())
    return {**page, "results": list(results[rows])}


@router.endpoint(
    "/practices", PracticePage, "Published practices, searched and filtered, with facet counts"
)
def list_practices(request, params: Query[PracticeQuery]):
    """Ranked by relevance with `q` (and highlighted), newest first without."""
    results = Practice.objects.published().searched(params.q or "", params.filters())
    return {**_page(request, params, results), "facets": results.facets()}


@router.endpoint("/practices/{slug}", PracticeDetail, "One published practice")
def get_practice(request, slug: str):
    practices = Practice.objects.published().for_listing().prefetch_related("attachments")
    return first_or_404(
        practices.filter(slug=slug), f"No published practice has the slug {slug!r}."
    )


@router.endpoint("/documents", DocumentPage, "The network's publications, searched and filtered")
def list_documents(request, params: Query[DocumentQuery]):
    results = Document.objects.filter_by(params.filters()).searched(params.q or "")
    return _page(request, params, results)
