"""The news app's JSON endpoint: published news. Mounted under /api/v1/ by
gnlc/api/api.py, documented in docs/api.md."""

import datetime as dt

from ninja import Field, Schema

from gnlc.api.router import Router
from gnlc.api.schemas import ClusterSlug, RegionSlug
from gnlc.news.enums import Language
from gnlc.news.models import Post

router = Router(tags=["news"])

NEWS_SIZE = 50


class NewsPost(Schema):
    slug: str
    title: str
    language: str
    published_at: dt.datetime
    regions: list[str] = Field(description="Slugs of the regions the post concerns.")
    clusters: list[str] = Field(description="Slugs of the thematic clusters it concerns.")
    body: str = Field(description="The text, in Markdown.")
    web_url: str

    @staticmethod
    def resolve_regions(obj):
        return [region.slug for region in obj.regions.all()]

    @staticmethod
    def resolve_clusters(obj):
        return sorted(cluster.theme.slug for cluster in obj.clusters.all())

    @staticmethod
    def resolve_web_url(obj, context):
        return context["request"].build_absolute_uri(obj.get_absolute_url())


@router.endpoint("/news", list[NewsPost], "Published news, newest first")
def list_news(
    request,
    region: RegionSlug | None = None,
    language: Language | None = None,
    cluster: ClusterSlug | None = None,
):
    """The 50 latest published posts (announcements among them), filtered by `region`
    (a region's slug), `language` (`en`, `fr`, `es`) and `cluster` (a thematic cluster's
    slug)."""
    posts = Post.objects.published().for_listing().prefetch_related("clusters__theme")
    if region:
        posts = posts.in_region(region)
    if cluster:
        posts = posts.in_cluster(cluster)
    if language:
        posts = posts.filter(language=language)
    return list(posts[:NEWS_SIZE])
