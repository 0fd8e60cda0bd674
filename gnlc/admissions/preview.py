"""What the public will see when a call's decisions come out: the collector that
`Call.rehearse_publication` runs on the rehearsed publication, for the secretariat's
preview page.

Every figure comes from the same functions the public pages use (`cities.stats`, the
announcement's `compose`), asked inside the rehearsal, as of the announcement date; what
it returns is plain values (strings, numbers, dates), because the rows it read are rolled
back once it returns."""

import datetime as dt

from django.utils.translation import get_language

from gnlc.cities.models import Country, Member, Region
from gnlc.cities.names import base_language
from gnlc.cities.stats import award_winners, cohort_summary, region_counts
from gnlc.core.text import sort_key
from gnlc.news import announcements
from gnlc.news.enums import Language
from gnlc.news.models import Announcement


def preview_of(call):
    """A `collect(publication)` for `call.rehearse_publication`: a dict of what the
    public pages would show at the announcement."""

    def collect(publication) -> dict:
        day = call.announcement_date
        seen = {"day": day, "award": call.kind_spec.award_words}
        if call.kind_spec.award_words:
            seen["winners"] = _winners(publication, day)
            return seen
        cohort = publication.cohort
        summary = cohort_summary(cohort)
        first_time = Country.objects.filter(iso2__in=summary["first_time_countries"])
        seen.update(
            call_members=len(publication.members),
            groups=_groups(cohort),
            summary={
                **summary,
                "first_time_countries": sorted(
                    (country.label for country in first_time), key=sort_key
                ),
            },
            regions=region_counts(day),
            announcements=_announcements(call, cohort),
        )
        return seen

    return collect


def _groups(cohort) -> list[dict]:
    """The cohort's new members by region, in UNESCO's order, each as name and country
    in the active language, sorted by its collation."""
    by_region = {}
    for member in Member.objects.admitted_in(cohort).select_related("country"):
        by_region.setdefault(member.country.region_id, []).append(
            {"name": member.name, "country": member.country.label}
        )
    return [
        {
            "region": str(region.label),
            "members": sorted(
                by_region[region.slug], key=lambda m: (sort_key(m["name"]), m["country"])
            ),
        }
        for region in Region.objects.all()
        if region.slug in by_region
    ]


def _winners(publication, day: dt.date) -> dict:
    new = {win.pk for win in publication.wins}
    rows = [
        {
            "year": row["year"],
            "name": row["member"].name,
            "country": row["country"].label,
            "region": str(row["region"].label),
            "new": row["pk"] in new,
        }
        for row in award_winners(day)
    ]
    return {"new": [row for row in rows if row["new"]], "all": rows}


def _announcements(call, cohort) -> dict:
    """The call's announcements as they would go out (a scheduled one is sent with the
    cohort; a draft is not), and, where none goes out, the text written from the data in
    the page's language (English where the announcements have no such language)."""
    rows = [
        {
            "pk": announcement.pk,
            "language": announcement.get_language_display(),
            "lang": announcement.language,
            "goes_out": announcement.post_id is not None,
            "rewritten": announcement.rewritten_on_publication,
            "html": announcement.as_html(),
        }
        for announcement in Announcement.objects.filter(call=call).order_by("language")
    ]
    composed = None
    if not any(row["goes_out"] for row in rows):
        language = base_language(get_language())
        language = language if language in Language.values else Language.EN
        text = announcements.compose(cohort, language)
        composed = {
            "lang": language,
            "html": announcements.as_html(
                text.title, text.date, text.lead, text.body, text.closing, language
            ),
        }
    return {"prepared": rows, "composed": composed}
