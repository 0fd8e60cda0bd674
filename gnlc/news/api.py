"""API endpoints of the news app: published news, and the network's figures as of each
announcement (the statistics page's series). Mounted under /api/v1/ by gnlc/api/api.py,
documented in docs/api.md."""

import datetime as dt

from ninja import Field, Router, Schema

from gnlc.api.schemas import ERRORS, AsOf, RegionSlug
from gnlc.cities import stats
from gnlc.news.enums import Language
from gnlc.news.models import Post

router = Router()

NEWS_SIZE = 50


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


class NewsPost(Schema):
    slug: str
    title: str
    language: str
    published_at: dt.datetime
    regions: list[str] = Field(description="Slugs of the regions the post concerns.")
    body: str = Field(description="The text, in Markdown.")
    web_url: str

    @staticmethod
    def resolve_regions(obj):
        return [region.slug for region in obj.regions.all()]

    @staticmethod
    def resolve_web_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())


@router.get(
    "/stats/history",
    response={200: list[HistoryRow], **ERRORS},
    url_name="stats-history",
    operation_id="get_stats_history",
    summary="The network's figures as of each announcement",
    tags=["stats"],
)
def get_stats_history(request, as_of: AsOf = None):
    """One row per cohort, oldest first, up to `as_of` (every cohort by default)."""
    return stats.history(as_of)


@router.get(
    "/news",
    response={200: list[NewsPost], **ERRORS},
    url_name="news",
    operation_id="list_news",
    summary="Published news, newest first",
    tags=["news"],
)
def list_news(request, region: RegionSlug | None = None, language: Language | None = None):
    """The 50 latest published posts (announcements among them), filtered by `region`
    (a region's slug) and `language` (`en`, `fr`, `es`)."""
    posts = Post.objects.published().for_listing()
    if region:
        posts = posts.in_region(region)
    if language:
        posts = posts.filter(language=language)
    return list(posts[:NEWS_SIZE])
