"""The public pages of the member database: home, directory, member, country, region,
statistics, map and open data, plus the directory's downloads and the profile editor.

Every page works without JavaScript; htmx only swaps the directory's results in place.
An invalid query string (a bad date, an unknown region) is a 400 that shows the form's
errors, on pages and downloads alike."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gnlc.cities import datapackage, exports, jsonld
from gnlc.cities.enums import EventKind
from gnlc.cities.forms import COHORT_NOT_KNOWN, DirectoryFilter, MemberProfileForm
from gnlc.cities.models import REGION_LABELS, Cohort, Country, Member, Region
from gnlc.cities.names import country_name
from gnlc.cities.stats import (
    active_by_country,
    announced_series,
    announced_totals,
    cohort_completeness,
    cohort_not_known,
    departures,
    history,
    latest_announced,
    network_stats,
    region_counts,
)
from gnlc.core import csvfile
from gnlc.core.cache import cached
from gnlc.core.lists import list_context, render_list
from gnlc.core.text import sort_key

PAGE_SIZE = 50


@require_GET
def home(request):
    stats = network_stats()
    latest = Cohort.objects.filter(year__lte=stats["as_of"].year).order_by("-year").first()
    latest_members = next(
        (row["members"] for row in stats["cohorts"] if latest and row["year"] == latest.year),
        0,
    )
    return render(
        request,
        "cities/home.html",
        {"stats": stats, "latest_cohort": latest, "latest_members": latest_members},
    )


def _directory_page(form, number) -> dict:
    """What the directory shows for a valid filter and page number: {count, number,
    ids (of the page's members, in order), facets (raw counts)}. At 100,000 members the
    count and the facets cost hundreds of milliseconds: cached per filters and page on
    the data revision (gnlc.core.cache), like the API's list, so never stale."""

    def compute():
        summary = form.summary()
        paginator = Paginator(SelectedIds(form.directory, summary["count"]), PAGE_SIZE)
        page = paginator.get_page(number)
        return {
            "count": paginator.count,
            "number": page.number,
            "ids": list(page.object_list),
            "facets": summary["facets"],
        }

    filters = [(name, str(value)) for name, value in form.filter_pairs()]
    sort = form.cleaned_data.get("sort") or "name"
    return cached(["directory", filters, sort, str(number or 1)], compute)


class SelectedIds:
    """The directory's selected ids for a Paginator: their number already counted, and
    a page's slice read by `Directory.page_ids` (from the members' bitmaps where they
    answer, without a query)."""

    def __init__(self, directory, count: int):
        self.directory, self.total = directory, count

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, item: slice) -> list[int]:
        return self.directory.page_ids(item.start or 0, item.stop)


class CachedPage:
    """The rows of one cached directory page, for a Paginator, as `PageRows` reads them
    on the directory's date: its count is the cached count, and the page's slice is its
    members read by id (the only rows read). Any other slice (a Paginator asks only for
    the cached page's) has its ids read from `directory` (`Directory.page_ids`), then
    its rows the same way: every slice gives the same rows."""

    def __init__(self, directory, found: dict):
        self.directory, self.found = directory, found
        self.rows = PageRows(directory.filters.get("as_of"))

    def count(self) -> int:
        return self.found["count"]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict]:
        start = (self.found["number"] - 1) * PAGE_SIZE
        if (item.start or 0) == start:
            ids = self.found["ids"]
        else:
            ids = self.directory.page_ids(item.start or 0, item.stop)
        by_id = self.rows.in_bulk(ids)
        return [by_id[pk] for pk in ids if pk in by_id]


class PageRows:
    """The members of a directory page as dicts of what their rows show (FIELDS, read by
    cities_tags.member_items), read by id alone: the filters already chose the ids (a
    search's match, read again, cost as much as the rows). One statement compiled once
    per page size, as the API's page (`MemberQuerySet.rows_by_id`): Django building the
    query cost more than the database's answer. Plain values, as the API's
    `member_summaries` reads them: a row is written once, so no Member is built for it.
    `status_on` is the member's status on the directory's date, `country__name` its
    country's English name."""

    FIELDS = (
        "name",
        "local_name",
        "local_name_lang",
        "slug",
        "subdivision",
        "cohort_id",
        "country_id",
        "country__name",
        "status_on",
    )

    def __init__(self, as_of=None):
        self.as_of = as_of

    def in_bulk(self, ids) -> dict[int, dict]:
        """{pk: the member's row} for `ids`."""
        rows = Member.objects.rows_by_id(ids, fields=self.FIELDS, as_of=self.as_of)
        return {row["pk"]: row for row in rows}


def _facets(form, facets=None):
    """The facet counts (`facets`: as form.facets() gives them, perhaps cached) with each
    value's label in the active language and whether it is one of those selected."""
    selected = form.filters
    facets = form.facets() if facets is None else facets
    # A copy to label (the counts may be the cache's own), two levels deep as they are.
    facets = {name: [dict(row) for row in rows] for name, rows in facets.items()}
    for row in facets["region"]:
        row["label"] = REGION_LABELS.get(row["value"], row["label"])
    facets["country"] = _localised_countries(facets["country"], code="value")
    for row in facets["cohort"]:
        if row["value"] == COHORT_NOT_KNOWN:  # cached in whichever language came first
            row["label"] = _("not known")
    for row in facets.get("cluster", ()):
        row["label"] = _(row["name"])  # the theme's name, translated as Theme.label does
    for name, rows in facets.items():
        chosen = {str(value) for value in selected.get(name, [])}
        for row in rows:
            row["selected"] = str(row["value"]) in chosen
    return facets


def _localised_countries(rows, code="iso2"):
    """`rows` (dicts with a country code under `code`) with each country's name in the
    active language as "label", sorted by it in that language's collation."""
    # The language read once: the directory names up to two hundred countries.
    language = get_language()
    for row in rows:
        row["label"] = country_name(row[code], row.get("name") or row["label"], language)
    return sorted(rows, key=lambda row: sort_key(row["label"], language))


@require_GET
def directory(request):
    form = DirectoryFilter(request.GET)
    context = {}
    if form.is_valid():
        found = _directory_page(form, request.GET.get("page"))
        context.update(
            page=Paginator(CachedPage(form.directory, found), PAGE_SIZE).get_page(found["number"]),
            facets=_facets(form, found["facets"]),
            cohort=_single_cohort(form),
        )
    context = list_context(form, url="cities:directory", list_id="directory", **context)
    return render_list(
        request, "cities/directory.html", "cities/partials/directory_results.html", context
    )


def _single_cohort(form):
    """The cohort the directory shows alone (one cohort year chosen), whose announcement
    the page links; None otherwise."""
    years = form.filters.get("cohort", [])
    if len(years) != 1 or years[0] == COHORT_NOT_KNOWN:
        return None
    return Cohort.by_year().get(int(years[0]))


@require_GET
def download(request, fmt):
    form = DirectoryFilter(request.GET)
    if not form.is_valid():
        errors = "\n".join(
            f"{field}: {' '.join(messages_)}" for field, messages_ in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    filters = form.filters
    as_of = filters.get("as_of")
    # Sent as it is written, a chunk of members at a time: memory stays flat however
    # many members the file holds (gnlc.cities.exports).
    body = exports.stream(fmt, form.queryset(), as_of=as_of, filters=filters)
    filename = exports.filename(filters, fmt, as_of or timezone.localdate())
    response = StreamingHttpResponse(body, content_type=exports.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Link"] = f'<{settings.GNLC_DATA_LICENCE_URL}>; rel="license"'
    return response


# The newest published practices a member page lists; the rest are a link away, on the
# library's page of the city.
MEMBER_PRACTICES = 5


def _member_practices(member) -> tuple[list, int]:
    """The member's newest published practices (at most MEMBER_PRACTICES, with their
    themes) and how many it has in all: two queries, a third only when there are more."""
    rows = list(
        member.practices.published()
        .prefetch_related("themes")
        .order_by("-published_at", "-pk")[: MEMBER_PRACTICES + 1]
    )
    if len(rows) <= MEMBER_PRACTICES:
        return rows, len(rows)
    return rows[:MEMBER_PRACTICES], member.practices.published().count()


@require_GET
def member_detail(request, slug):
    member = get_object_or_404(Member.objects.for_listing(), slug=slug)
    events = list(member.events.select_related("cohort").order_by("effective_on", "id"))
    practices, practice_count = _member_practices(member)
    return render(
        request,
        "cities/member.html",
        {
            "member": member,
            "events": events,
            # A source proves it a member by this day (its cohort may be unknown).
            "on_record": next((e for e in events if e.kind == EventKind.ON_RECORD), None),
            "admission": next((e for e in events if e.kind == EventKind.ADMITTED), None),
            "json_ld": jsonld.city(member, request.build_absolute_uri),
            "practices": practices,
            "practice_count": practice_count,
            # The years it won the Learning City Award (gnlc/admissions): one query.
            "award_years": list(
                member.award_wins.announced_by()
                .order_by("year")
                .values_list("year", flat=True)
                .distinct()
            ),
            "can_edit": request.user.has_perm("cities.change_member_profile", member),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, slug):
    member = get_object_or_404(Member.objects.for_listing(), slug=slug)
    if not request.user.has_perm("cities.change_member_profile", member):
        # The member is public, so refusing the change must not pretend it is missing.
        raise PermissionDenied
    form = MemberProfileForm(request.POST if request.method == "POST" else None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The profile of %(name)s was saved.") % {"name": member})
        return redirect(member)
    return render(request, "cities/member_edit.html", {"member": member, "form": form})


@require_GET
def country_list(request):
    rows = _localised_countries(Member.objects.on_record().count_by_country())
    regions = {region.slug: region for region in Region.objects.all()}
    groups = [
        {"region": region, "countries": [row for row in rows if row["region"] == slug]}
        for slug, region in regions.items()
    ]
    return render(
        request,
        "cities/countries.html",
        {
            "groups": groups,
            "country_count": len(rows),
            "member_count": sum(row["members"] for row in rows),
        },
    )


# A country's or a region's page, the map's list and the statistics page's withdrawals
# list their members in full up to this many (of the 360 members the shipped data hold,
# the largest region has 108: room to grow several times). Beyond, they send the reader
# to the directory, which pages them: at 100,000 members a region's table was 30,000
# rows, 3.9 MB of HTML drawn in 1.6 s, that nobody could read.
LISTED_IN_FULL = 500


def _in_full(members) -> list | None:
    """`members` (a queryset, or a list) as a list, or None where there are more than
    LISTED_IN_FULL (the page then links to the directory): one query either way."""
    found = list(members[: LISTED_IN_FULL + 1])
    return None if len(found) > LISTED_IN_FULL else found


@require_GET
def country_detail(request, code):
    if code != code.lower():
        return redirect("cities:country", code=code.lower(), permanent=True)
    country = get_object_or_404(Country.objects.select_related("region"), iso2=code.upper())
    members = Member.objects.on_record().filter(country=country).for_listing()
    return render(
        request,
        "cities/country.html",
        {
            "country": country,
            "members": _in_full(members),
            "totals": Member.objects.active_on().filter(country=country).totals(),
        },
    )


@require_GET
def region_detail(request, slug):
    """A region's figures (the kept ones, `region_counts`), its countries with their
    members on record, and those members in full up to `LISTED_IN_FULL`, read only then:
    at 100,000 members the page asked three queries over the region's 30,000 members,
    146 ms on every visit."""
    region = get_object_or_404(Region, slug=slug)
    members = (
        Member.objects.on_record()
        .filter(country__region=region)
        .for_listing()
        .order_by("country__name", "name")
    )
    countries = _localised_countries(members.count_by_country())
    listed = sum(country["members"] for country in countries) <= LISTED_IN_FULL
    [totals] = [row for row in region_counts() if row["slug"] == region.slug]
    return render(
        request,
        "cities/region.html",
        {
            "region": region,
            "members": list(members) if listed else None,
            "countries": countries,
            "totals": totals,
        },
    )


def _as_of_form(request):
    """The "as of" date of the statistics pages, read through the directory's form so
    it parses dates the same way; other directory fields are ignored here."""
    form = DirectoryFilter(request.GET)
    return form, (form.filters.get("as_of") if form.is_valid() else None)


def _growth(history_rows):
    """The growth series (active members per region as of each announcement) of
    `history`'s rows, as rows and as Chart.js data."""
    regions = list(Region.objects.all())
    rows = []
    for found in history_rows:
        by_region = {row["slug"]: row["members"] for row in found["regions"]}
        counts = [by_region.get(r.slug, 0) for r in regions]
        rows.append(
            {"year": found["year"], "as_of": found["as_of"], "counts": counts, "total": sum(counts)}
        )
    chart = {
        "labels": [str(row["year"]) for row in rows],
        "datasets": [
            {"label": str(region.label), "data": [row["counts"][i] for row in rows]}
            for i, region in enumerate(regions)
        ],
    }
    return regions, rows, chart


@require_GET
def statistics(request):
    form, as_of = _as_of_form(request)
    if not form.is_valid():
        return render(request, "cities/statistics.html", {"form": form}, status=400)
    rows = history(as_of)
    regions, growth, chart = _growth(rows)
    completeness = cohort_completeness()
    return render(
        request,
        "cities/statistics.html",
        {
            "form": form,
            "stats": network_stats(as_of),
            "regions": regions,
            "growth": growth,
            "chart": chart,
            "history_series": _history_series(
                rows, _in_full(departures(as_of, limit=LISTED_IN_FULL + 1))
            ),
            "completeness": completeness,
            "cohort_not_known": cohort_not_known(),
            "announced": latest_announced(completeness, as_of),
            "network_total": announced_totals(as_of),
            "network_totals": announced_series(),
        },
    )


def _history_charts(rows) -> dict:
    """Chart.js data for the series as of each announcement."""
    labels = [str(row["year"]) for row in rows]
    return {
        "network": {
            "type": "line",
            "labels": labels,
            "datasets": [
                {"label": _("Active members"), "data": [row["members"] for row in rows]},
                {"label": _("Countries"), "data": [row["countries"] for row in rows]},
            ],
        },
        "cohorts": {
            "type": "bar",
            "labels": labels,
            "datasets": [
                {"label": _("New members"), "data": [row["new_members"] for row in rows]},
                {"label": _("Their countries"), "data": [row["new_countries"] for row in rows]},
                {
                    "label": _("Countries joining for the first time"),
                    "data": [len(row["first_time_countries"]) for row in rows],
                },
            ],
        },
        "departures": {
            "type": "bar",
            "labels": labels,
            "datasets": [
                {
                    "label": _("Members withdrawn since the previous announcement"),
                    "data": [row["departures"] for row in rows],
                }
            ],
        },
    }


def _history_series(rows, withdrawals) -> list[dict]:
    """The statistics page's series as of each announcement, each drawn by one partial
    (cities/partials/history_series.html): its texts, chart, table (columns: label and
    the cells' class, "num" for figures; each cell: value and class; the first cell of
    a row is its heading) and CSV downloads (series name, link text)."""
    charts = _history_charts(rows)
    cohort, as_of, numbers = (_("Cohort"), ""), (_("As of"), "nowrap"), "num"

    def day(row):
        return row["as_of"].isoformat()

    table = [
        {
            "name": "network",
            "title": _("Members and countries over time"),
            "intro": _(
                "Active members and the countries they are in, on the day of each announcement."
            ),
            "label": _(
                "Line chart of active members and countries at each announcement; the same "
                "figures are in the table below."
            ),
            "caption": _("Active members and countries at each announcement"),
            "chart": charts["network"],
            "columns": [cohort, as_of, (_("Members"), numbers), (_("Countries"), numbers)],
            "rows": [[r["year"], day(r), r["members"], r["countries"]] for r in rows],
            "downloads": [
                ("network", _("Download these figures (CSV)")),
                ("regions", _("Members and countries per region at each announcement (CSV)")),
            ],
        },
        {
            "name": "cohorts",
            "title": _("New members per cohort"),
            "intro": _(
                "The members admitted in each cohort, their countries, and the countries "
                "that had never had a member before."
            ),
            "label": _(
                "Bar chart of new members, their countries and first-time countries per "
                "cohort; the same figures are in the table below."
            ),
            "caption": _("New members and countries per cohort"),
            "chart": charts["cohorts"],
            "columns": [
                cohort,
                (_("New members"), numbers),
                (_("Their countries"), numbers),
                (_("First-time countries"), numbers),
                (_("Which"), ""),
            ],
            "rows": [
                [
                    r["year"],
                    r["new_members"],
                    r["new_countries"],
                    len(r["first_time_countries"]),
                    ", ".join(r["first_time_countries"]),
                ]
                for r in rows
            ],
            "downloads": [("cohorts", _("Download these figures (CSV)"))],
        },
        {
            "name": "departures",
            "title": _("Departures"),
            "intro": _("Members withdrawn between one announcement and the next."),
            "label": _(
                "Bar chart of members withdrawn between announcements; the same figures are "
                "in the table below."
            ),
            "caption": _("Members withdrawn since the previous announcement"),
            "chart": charts["departures"],
            "columns": [cohort, as_of, (_("Withdrawn"), numbers)],
            "rows": [[r["year"], day(r), r["departures"]] for r in rows],
            "downloads": [("departures", _("Download these figures (CSV)"))],
            "withdrawals": withdrawals,
            "too_many_withdrawals": withdrawals is None,  # the directory lists them
        },
    ]
    for series in table:
        classes = [cls for _label, cls in series["columns"]]
        series["rows"] = [list(zip(cells, classes, strict=True)) for cells in series["rows"]]
    return table


# The series behind each chart of the statistics page, as CSV: header, then rows.
def _series_network(rows):
    yield ["year", "as_of", "members", "countries"]
    for row in rows:
        yield [row["year"], row["as_of"].isoformat(), row["members"], row["countries"]]


def _series_regions(rows):
    yield ["year", "as_of", "region", "members", "countries"]
    for row in rows:
        for region in row["regions"]:
            yield [
                row["year"],
                row["as_of"].isoformat(),
                region["slug"],
                region["members"],
                region["countries"],
            ]


def _series_cohorts(rows):
    yield [
        "year",
        "as_of",
        "new_members",
        "new_countries",
        "first_time_countries",
        "first_time_country_codes",
    ]
    for row in rows:
        yield [
            row["year"],
            row["as_of"].isoformat(),
            row["new_members"],
            row["new_countries"],
            len(row["first_time_countries"]),
            " ".join(row["first_time_countries"]),
        ]


def _series_departures(rows):
    yield ["year", "as_of", "departures_since_previous"]
    for row in rows:
        yield [row["year"], row["as_of"].isoformat(), row["departures"]]


SERIES = {
    "network": _series_network,
    "regions": _series_regions,
    "cohorts": _series_cohorts,
    "departures": _series_departures,
}


def _csv_response(lines, filename: str) -> HttpResponse:
    response = csvfile.response(lines, filename)
    response["Link"] = f'<{settings.GNLC_DATA_LICENCE_URL}>; rel="license"'
    return response


@require_GET
def statistics_series_csv(request, series):
    """The data behind one chart of the statistics page (as of each announcement, up to
    the page's `as_of`), as CSV."""
    if series not in SERIES:
        raise Http404
    form, as_of = _as_of_form(request)
    if not form.is_valid():
        return HttpResponse(
            form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8"
        )
    return _csv_response(SERIES[series](history(as_of)), f"{series}-by-announcement.csv")


@require_GET
def statistics_csv(request):
    form, as_of = _as_of_form(request)
    if not form.is_valid():
        return HttpResponse(
            form.errors.as_text(), status=400, content_type="text/plain; charset=utf-8"
        )
    regions, growth, _chart = _growth(history(as_of))
    lines = [
        ["year", "as_of", *[r.slug for r in regions], "total"],
        *([row["year"], row["as_of"].isoformat(), *row["counts"], row["total"]] for row in growth),
    ]
    return _csv_response(lines, "growth-by-region.csv")


@require_GET
def member_map(request):
    """The map draws the active members from the maps' feed (`map_members`); the page itself
    gives their count and, as the list equivalent, the members grouped by country, or
    past `LISTED_IN_FULL` the countries with their counts (at 100,000 members the list
    was 7 MB of HTML, drawn in 7 s). Its figures are the kept ones (`active_by_country`,
    and the placed members counted once per data revision): at 100,000 members three
    queries over every member took 190 ms on every visit."""
    active = Member.objects.active_on()
    by_country = active_by_country()
    placed = cached(
        ["map-placed"],
        lambda: active.filter(latitude__isnull=False, longitude__isnull=False).count(),
    )
    counts = {"total": sum(by_country.values()), "placed": placed}
    if counts["total"] > LISTED_IN_FULL:
        members = None
        rows = Country.objects.filter(iso2__in=by_country).values("iso2", "name")
        rows = [{**row, "members": by_country[row["iso2"]]} for row in rows]
        countries = _localised_countries(rows)
    else:  # grouped by country: countries in their localised order
        members, countries = list(active.for_listing()), None
        members.sort(key=lambda member: (sort_key(member.country.label), sort_key(member.name)))
    context = {**counts, "members": members, "countries": countries}
    # The map draws each country's members as one point past this (its feed says so too).
    context["drawn_by_country"] = exports.drawn_by_country(counts["placed"])
    return render(request, "cities/map.html", context)


@require_GET
def map_members(request):
    """The active members the maps draw (the home page's and the map's): only what a
    marker shows (`exports.to_map_geojson`), cached per data revision, date and
    language. The open data's GeoJSON they read before, every field built on each
    request, cost each visit to the home page 16 ms and 206 KB with the real network
    (4.7 s and 48 MB at 100,000 members)."""
    body = cached(
        ["map-members", get_language()],
        lambda: exports.to_map_geojson(Member.objects.active_on()),
    )
    return HttpResponse(body, content_type=exports.FORMATS["geojson"])


@require_GET
def open_data(request):
    return render(
        request,
        "cities/open_data.html",
        {
            "held": Member.objects.on_record().totals(),
            "completeness": cohort_completeness(),
            "cohort_not_known": cohort_not_known(),
            "network_totals": announced_series(),
            "json_ld": jsonld.dataset(request.build_absolute_uri),
            "licence": settings.GNLC_DATA_LICENCE,
            "licence_url": settings.GNLC_DATA_LICENCE_URL,
            "formats": list(exports.FORMATS),
            "csv_columns": exports.CSV_COLUMNS,
        },
    )


@require_GET
def datapackage_json(request):
    """The open data as a Frictionless Data Package descriptor."""
    response = JsonResponse(
        datapackage.descriptor(request.build_absolute_uri), json_dumps_params={"indent": 1}
    )
    response["Link"] = f'<{settings.GNLC_DATA_LICENCE_URL}>; rel="license"'
    return response


@require_GET
def open_data_table(request, table):
    """One of the data package's small tables (cohorts, countries, published totals)."""
    if table not in datapackage.TABLES:
        raise Http404
    return _csv_response(datapackage.table_rows(table), f"{table}.csv")
