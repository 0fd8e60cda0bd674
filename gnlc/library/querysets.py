"""Domain queries of the library: who sees which practices, and their search (the
search page, its downloads and the API go through one plan: gnlc/library/search/)."""

from django.db import models
from django.db.models import Count, Prefetch, Q

from gnlc.accounts.rules import is_secretariat
from gnlc.cities.models import Member
from gnlc.library.enums import DocumentKind, Language, PracticeState
from gnlc.library.search.facets import THEME_SLUG, THEME_SLUG_MAX_LENGTH, YEARS
from gnlc.library.search.plan import PracticeSearch, SearchResults
from gnlc.library.search.text import backend_for, words

# Names the API and the forms import from here (the rules of a search's parameters).
__all__ = ["THEME_SLUG", "THEME_SLUG_MAX_LENGTH", "YEARS", "PracticeSearch", "SearchResults"]


def _coordinated_member_ids(user) -> set[int]:
    return user.coordinated_member_ids() if user.is_authenticated else set()


class PracticeQuerySet(models.QuerySet):
    def published(self):
        """Practices the public library lists."""
        return self.filter(state=PracticeState.PUBLISHED)

    def waiting_for_moderation(self):
        """Practices submitted for publication, the longest waiting first: by their last
        change, which is the submission unless the secretariat has edited them since."""
        return self.filter(state=PracticeState.SUBMITTED).order_by("updated_at", "pk")

    def visible_to(self, user):
        """Practices `user` may open: published and archived ones for anyone; every
        practice for the secretariat; their own cities' drafts and submissions for a
        city coordinator."""
        if is_secretariat(user):
            return self
        public = Q(state__in=[PracticeState.PUBLISHED, PracticeState.ARCHIVED])
        members = _coordinated_member_ids(user)
        if not members:
            return self.filter(public)
        own = self.filter(members__in=members).values("pk")
        return self.filter(public | Q(pk__in=own))

    def managed_by(self, user):
        """Practices `user` works on: the secretariat's are all; a coordinator's are
        their cities' ones, whatever their state."""
        if is_secretariat(user):
            return self
        members = _coordinated_member_ids(user)
        return self.filter(pk__in=self.filter(members__in=members).values("pk"))

    def for_listing(self):
        """What lists show of each practice (cities with their country, themes), in a
        fixed number of queries whatever the number of rows."""
        return self.prefetch_related(
            Prefetch("members", queryset=Member.objects.select_related("country").order_by("name")),
            "themes",
            "sdgs",
        )

    def searched(self, text: str, filters: dict) -> PracticeSearch:
        """These practices (the listed ones) matching the words of `text` and the facet
        `filters` (cleaned, as `LibraryFilter` and the API give them; see
        search/facets.py), ranked, highlighted and counted per facet,
        each row ready for listing: what the search page, its downloads and the API
        show."""
        return PracticeSearch(
            self, text, filters=filters, prepare=lambda practices: practices.for_listing()
        )

    def search(self, text: str):
        """The practices matching the words of `text` (all of them), unranked."""
        if not words(text):
            return self
        return backend_for(self).matching(self, text)


# The rules of a search's words, taken by both parsers of a search: the web forms
# (`LibraryFilter`, `DocumentFilter`) and the API's schemas (gnlc/library/api.py).
SEARCH_MAX_LENGTH = 200


class DocumentQuerySet(models.QuerySet):
    def search(self, text: str):
        if not words(text):
            return self
        return backend_for(self).matching(self, text)

    def searched(self, text: str) -> "SearchResults":
        """These documents matching the words of `text`, ranked and highlighted: what
        the documents page and the API show."""
        return SearchResults(self, text)

    def filter_by(self, filters: dict):
        """The documents of the filters given (`kind`, `language`, `year`)."""
        documents = self
        for name in ("kind", "language", "year"):
            if name in filters:
                documents = documents.filter(**{name: filters[name]})
        return documents

    def facet_counts(self) -> dict[str, list[dict]]:
        documents = self.order_by()
        kinds, languages = dict(DocumentKind.choices), dict(Language.choices)
        return {
            "kind": [
                {
                    "value": r["kind"],
                    "label": str(kinds.get(r["kind"], r["kind"])),
                    "count": r["count"],
                }
                for r in documents.values("kind").annotate(count=Count("pk")).order_by("kind")
            ],
            "language": [
                {
                    "value": r["language"],
                    "label": str(languages.get(r["language"], r["language"])),
                    "count": r["count"],
                }
                for r in documents.values("language").annotate(count=Count("pk")).order_by("-count")
            ],
            "year": [
                {"value": r["year"], "label": str(r["year"]), "count": r["count"]}
                for r in documents.values("year").annotate(count=Count("pk")).order_by("-year")
            ],
        }
