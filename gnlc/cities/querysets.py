"""Domain queries on members. Every list and figure in pages, exports and the API is
built from these, so "as of a date" means the same thing everywhere."""

import datetime as dt

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext as _

from gnlc.cities import search
from gnlc.cities.enums import EventKind, Status
from gnlc.core.prepared import ById
from gnlc.core.text import fold

# The directory's filters and their rules, taken by both of its parsers: the web form
# (`DirectoryFilter`: the pages, the downloads, `gnlc export`) and the API's schema
# (`gnlc.cities.api.MemberQuery`, which is also the OpenAPI document).
COHORT_YEARS = (2000, 2100)
# The cohort facet's value for members whose cohort no source gives (members on record).
COHORT_NOT_KNOWN = "unknown"
COUNTRY_CODE = r"^[A-Za-z]{2}$"  # ISO 3166-1 alpha-2, in any case
SEARCH_MAX_LENGTH = 100
SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "country": ("country__name", "name", "pk"),
    "cohort": ("cohort__year", "name", "pk"),
    "-cohort": ("-cohort__year", "name", "pk"),
}


class MembershipEventQuerySet(models.QuerySet):
    def effective_by(self, as_of: dt.date):
        """Events that had taken effect on `as_of` (year-only events count from 31 Dec)."""
        return self.filter(effective_on__lte=as_of)

    def count_admissions_by_cohort(self) -> dict[int, dict]:
        """{cohort year: {"members": n, "countries": m}}: the members admitted in each
        cohort (a member re-admitted later counts in both cohorts) and their countries,
        one grouped query. The same rule as `stats.cohort_summary`'s new members."""
        rows = (
            self.order_by()
            .filter(kind=EventKind.ADMITTED)
            .values("cohort")
            .annotate(
                members=Count("member", distinct=True),
                countries=Count("member__country", distinct=True),
            )
        )
        return {
            row["cohort"]: {"members": row["members"], "countries": row["countries"]}
            for row in rows
        }


def _rows_by_id(ids, fields: tuple, as_of: dt.date | None):
    Member = apps.get_model("cities", "Member")
    members = Member.objects.filter(pk__in=ids).with_status(as_of).with_admission()
    return members.values("pk", *fields)


# The directory's and the API's page of members, compiled once per page size.
_ROWS_BY_ID = ById("cities.Member", _rows_by_id)


class MemberQuerySet(models.QuerySet):
    def with_status(self, as_of: dt.date | None = None):
        """Annotate `status_on`: the member's status on `as_of`, or None where it had not
        been admitted by then. Without a date it reads the stored current status, which
        `Member.refresh_from_events` keeps equal to the events' verdict for today; with a
        date it asks the events themselves (one correlated subquery, indexed)."""
        if as_of is None:
            return self.annotate(status_on=models.F("status"))
        MembershipEvent = apps.get_model("cities", "MembershipEvent")

        # The status is computed inside the subquery, so the database runs it once per
        # member (a CASE over a subquery would repeat the subquery in each branch).
        latest_status = (
            MembershipEvent.objects.filter(member=OuterRef("pk"), effective_on__lte=as_of)
            .order_by("-effective_on", "-id")
            .annotate(
                _status=Case(
                    When(
                        kind__in=[
                            EventKind.ADMITTED,
                            EventKind.REINSTATED,
                            EventKind.ON_RECORD,
                        ],
                        then=Value(Status.ACTIVE),
                    ),
                    When(kind=EventKind.SUSPENDED, then=Value(Status.SUSPENDED)),
                    When(kind=EventKind.WITHDRAWN, then=Value(Status.WITHDRAWN)),
                    output_field=models.CharField(),
                )
            )
            .values("_status")[:1]
        )
        return self.annotate(status_on=Subquery(latest_status, output_field=models.CharField()))

    def on_record(self, as_of: dt.date | None = None):
        """Members that had been admitted by `as_of` (today without one), whatever their
        status since: the directory's universe."""
        return self.with_status(as_of).filter(status_on__isnull=False)

    def active_on(self, as_of: dt.date | None = None):
        """Members in good standing on `as_of`: what "N member cities" counts."""
        return self.with_status(as_of).filter(status_on=Status.ACTIVE)

    def search(self, text: str):
        """Accent- and case-insensitive match on the name, local name and subdivision,
        anywhere in them, answered from the trigram index (gnlc.cities.search)."""
        needle = fold(text)
        if not needle:
            return self
        return search.matching(self, needle)

    def with_admission(self):
        """Annotate `admitted_on` (None where only the year is known) and `admitted_year`
        from each member's first admission, and `member_by`: the earliest date a source
        proves it a member without giving its cohort (None where there is no such fact)."""
        MembershipEvent = apps.get_model("cities", "MembershipEvent")

        first = MembershipEvent.objects.filter(
            member=OuterRef("pk"), kind=EventKind.ADMITTED
        ).order_by("effective_on", "id")
        on_record = MembershipEvent.objects.filter(
            member=OuterRef("pk"), kind=EventKind.ON_RECORD
        ).order_by("effective_on", "id")
        return self.annotate(
            admitted_on=Subquery(first.values("date")[:1]),
            admitted_year=Subquery(first.values("year")[:1]),
            member_by=Subquery(on_record.values("date")[:1]),
        )

    def admitted_in(self, cohort):
        """Members admitted in `cohort` (a `Cohort` or its year), whatever their status
        since: the cohort's new members."""
        return self.filter(events__kind=EventKind.ADMITTED, events__cohort=cohort).distinct()

    def directory(self, filters: dict, sort: str | None = None) -> "Directory":
        """These members as the directory selects them with `filters`, valid and cleaned
        (see `Directory`), in the order `sort` (a key of SORTS; `name` by default)."""
        return Directory(self, filters, sort or "name")

    def for_listing(self):
        """What list pages and the API show of each member, in a fixed number of queries."""
        return self.select_related("country", "country__region", "cohort")

    def rows_by_id(self, ids, *, fields, as_of=None) -> list[dict]:
        """The members of `ids` as dicts of `fields` (with `status_on` and `admitted_on`
        among the names it may ask), in the order of `ids`: one query, compiled once per
        process for each number of ids (`_ROWS_BY_ID`: the directory's page of rows,
        whose subqueries Django took longer to compile than the database to run).
        `as_of`: the date of the status (today by default). It reads by id, whatever the
        queryset's filters: call it on `Member.objects`."""
        if self.query.has_filters():
            raise TypeError("rows_by_id reads members by id alone: call it on Member.objects")
        rows = _ROWS_BY_ID.rows(ids, tuple(fields), as_of)
        by_id = {row["pk"]: row for row in rows}
        return [by_id[pk] for pk in ids]

    def cluster_slugs(self, as_of: dt.date | None = None) -> dict[int, list[str]]:
        """{member pk: the slugs of the thematic clusters it was in on `as_of` (today),
        in the clusters' order}, for these members: one query (gnlc/clusters). Members
        in none are absent."""
        ClusterMembership = apps.get_model("clusters", "ClusterMembership")
        stays = (
            ClusterMembership.objects.as_of(as_of)
            .filter(member__in=self.order_by().values("pk"))
            .order_by("cluster__theme__order", "cluster__theme__name")
            .values_list("member_id", "cluster__theme__slug")
        )
        found = {}
        for member, slug in stays:
            found.setdefault(member, []).append(slug)
        return found

    def totals(self):
        """{"members": n, "countries": m} of this queryset, in one query."""
        row = self.aggregate(
            members=Count("pk", distinct=True), countries=Count("country", distinct=True)
        )
        return {"members": row["members"], "countries": row["countries"]}

    FACETS = ("region", "country", "cohort", "status")

    def facet_counts(self, facets=FACETS) -> dict[str, list[dict]]:
        """Counts per region, country, cohort year and status (or only the `facets`
        named), one grouped query each.

        Call on a queryset that carries `status_on` (from `with_status`)."""
        return {name: getattr(self, f"_{name}_counts")() for name in facets}

    def _region_counts(self) -> list[dict]:
        region = (
            self.values("country__region__slug", "country__region__name", "country__region__order")
            .annotate(count=Count("pk"))
            .order_by("country__region__order")
        )
        return [
            {
                "value": r["country__region__slug"],
                "label": r["country__region__name"],
                "count": r["count"],
            }
            for r in region
        ]

    def _country_counts(self) -> list[dict]:
        country = (
            self.values("country__iso2", "country__name")
            .annotate(count=Count("pk"))
            .order_by("country__name")
        )
        return [
            {"value": r["country__iso2"], "label": r["country__name"], "count": r["count"]}
            for r in country
        ]

    def _cohort_counts(self) -> list[dict]:
        """Per cohort year, then the members whose cohort no source gives ("not known",
        value "unknown": members on record)."""

        cohort = self.values("cohort__year").annotate(count=Count("pk")).order_by("cohort__year")
        rows = [
            {"value": r["cohort__year"], "label": str(r["cohort__year"]), "count": r["count"]}
            for r in cohort
            if r["cohort__year"] is not None
        ]
        unknown = sum(r["count"] for r in cohort if r["cohort__year"] is None)
        if unknown:
            rows.append({"value": "unknown", "label": _("not known"), "count": unknown})
        return rows

    def _status_counts(self) -> list[dict]:
        status = self.values("status_on").annotate(count=Count("pk")).order_by("status_on")
        return [
            {
                "value": r["status_on"],
                "label": str(Status(r["status_on"]).label),
                "count": r["count"],
            }
            for r in status
            if r["status_on"]
        ]

    def facet_cube(self) -> list[tuple]:
        """(country, cohort, status, members) rows: this queryset's members counted per
        country, cohort and status in one grouped query (a few thousand rows at most,
        whatever the number of members). The count and every facet of a directory
        filter are sums over them (`DirectoryFilter.summary`). Call on a queryset that
        carries `status_on` (from `with_status`)."""
        rows = (
            self.order_by()
            .values_list("country_id", "cohort_id", "status_on")
            .annotate(count=Count("pk"))
        )
        return [tuple(row) for row in rows]

    def count_by_country(self) -> list[dict]:
        """Members per country in this queryset, one grouped query: rows of `iso2`,
        `name`, `region` (slug) and `members`, in country-name order. Countries without a
        member are absent."""
        rows = (
            self.order_by()
            .values("country__iso2", "country__name", "country__region")
            .annotate(members=Count("pk"))
            .order_by("country__name")
        )
        return [
            {
                "iso2": row["country__iso2"],
                "name": row["country__name"],
                "region": row["country__region"],
                "members": row["members"],
            }
            for row in rows
        ]


class Directory:
    """The member directory's selection for filters already parsed, by whichever parser
    read them (the web form, the API's schema): the members it lists and its facet
    counts. `filters` holds the non-empty ones among `q` (text), `as_of` (a date) and the
    facets `region`, `country` (upper case), `cohort` (years, or "unknown") and `status`,
    each facet a list of alternatives, and `cluster` (thematic clusters' slugs: the cities
    in one of them on the chosen date, gnlc/clusters).

    Each facet takes several values: a member matches any of them, and every facet it is
    filtered by."""

    FILTERS = ("q", "as_of", "region", "country", "cohort", "status", "cluster")
    # The facets, and how each narrows the members to any of its values.
    FACETS = {
        "region": "country__region_id__in",
        "country": "country_id__in",
        "cohort": "cohort_id__in",
        "status": "status_on__in",
        "cluster": "pk__in",
    }

    def __init__(self, members, filters: dict, sort: str = "name"):
        self.members = members
        self.filters = {name: value for name, value in filters.items() if value}
        self.sort = sort

    def base_queryset(self):
        """Members on record on the chosen date with every filter but the facets applied
        (search and date), so facet counts show what each choice would give."""
        return self.members.on_record(self.filters.get("as_of")).search(self.filters.get("q", ""))

    def _narrowed(self, members, but=None):
        """`members` narrowed by every facet's values, but the facet `but`."""
        for name, lookup in self.FACETS.items():
            if name != but and name in self.filters:
                members = members.filter(self._facet_q(name, lookup, self.filters[name]))
        return members

    def _stays(self):
        """The cluster stays running on the directory's date (today without one)."""
        ClusterMembership = apps.get_model("clusters", "ClusterMembership")
        return ClusterMembership.objects.as_of(self.filters.get("as_of"))

    def _facet_q(self, name, lookup, values) -> Q:
        """A facet's alternatives as one condition; the cohort's "unknown" selects the
        members without a cohort (members on record); a cluster, the cities in it on
        the directory's date."""
        if name == "cluster":
            stays = self._stays().filter(cluster__theme__slug__in=values)
            return Q(**{lookup: stays.values("member_id")})
        if name != "cohort":
            return Q(**{lookup: values})
        years = [int(v) for v in values if v != COHORT_NOT_KNOWN]
        q = Q(**{lookup: years}) if years else Q(pk__in=[])
        return q | Q(cohort__isnull=True) if COHORT_NOT_KNOWN in values else q

    def queryset(self):
        """The rows these filters select, sorted, ready for listing."""
        return self._narrowed(self.base_queryset()).for_listing().order_by(*SORTS[self.sort])

    def bitmaps(self):
        """This process's bitmaps of the members (gnlc.cities.bitmaps) where they answer
        these filters as the queries do: today's directory of the whole network (a name
        search is one more mask). None on another date, or while this revision's are
        being built in the background: the queries answer."""
        # At call time: bitmaps imports this module (a genuine cycle, as facets).
        from gnlc.cities import bitmaps  # noqa: PLC0415

        if "as_of" in self.filters or self.members.query.has_filters():
            return None
        if not hasattr(self, "_bitmaps"):  # one data revision read per directory
            self._bitmaps = bitmaps.current()
        return self._bitmaps

    def _within(self):
        """The bits of the members a name search matches (one query of the trigram
        index, kept for this directory), or None without a search."""
        if not self.filters.get("q"):
            return None
        if not hasattr(self, "_matching"):
            ids = search.matching_ids(self.members.db, fold(self.filters["q"]))
            self._matching = self._bitmaps.matching(ids)
        return self._matching

    def page_ids(self, start: int, stop: int) -> list[int]:
        """The ids of the selected members ranked `start` to `stop` in the sort's order:
        from the bitmaps without a query where they answer, else the sorted ids alone
        (the database sorts ids, not whole rows)."""
        found = self.bitmaps()
        if found is not None:
            return found.page_ids(self.filters, self.sort, start, stop, self._within())
        return list(self.queryset().values_list("pk", flat=True)[start:stop])

    def page_rows(self, start: int, stop: int, *, fields) -> list[dict]:
        """The selected members ranked `start` to `stop`, as dicts of `fields` (see
        `MemberQuerySet.rows_by_id`), on the directory's date: the page's ids, then one
        query for their rows."""
        ids = self.page_ids(start, stop)
        if not ids:
            return []
        return self.members.model.objects.rows_by_id(
            ids, fields=fields, as_of=self.filters.get("as_of")
        )

    def cluster_slugs(self, ids) -> dict[int, list[str]]:
        """{member pk: its thematic clusters' slugs on the directory's date} for `ids`
        (see `MemberQuerySet.cluster_slugs`): from the bitmaps where they answer, else
        one query."""
        found = self.bitmaps()
        if found is not None:
            return {pk: found.clusters_of[pk] for pk in ids if pk in found.clusters_of}
        if not ids:
            return {}
        members = self.members.model.objects.filter(pk__in=ids)
        return members.cluster_slugs(self.filters.get("as_of"))

    def summary(self) -> dict:
        """{"count": the members selected, "facets": their counts per facet value}, as
        multi-choice faceted search counts them: a facet without a chosen value counts
        over the results; a facet with some counts over the results of every other
        facet's filters, so its other values show how many members choosing them too
        would bring (values of one facet are alternatives).

        Without a date, this process's bitmaps of the members answer (no query but a
        search's matching ids: `gnlc.cities.bitmaps`). Otherwise one grouped query
        (`facet_cube`: members per country, cohort and status) answers the count and
        the four facets but the clusters', added up in `gnlc.cities.facets`, and one
        more the clusters'."""
        # At call time: facets and the cache import cities.models, which imports this
        # module for its managers (a genuine cycle).
        from gnlc.cities import facets  # noqa: PLC0415
        from gnlc.core.cache import memoised  # noqa: PLC0415

        found = self.bitmaps()
        if found is not None:  # today, the whole network: no count query at all
            return found.summary(self.filters, self._within())
        base = self.base_queryset()
        if "cluster" in self.filters:  # not a dimension of the cube: a city is in several
            base = base.filter(self._facet_q("cluster", "pk__in", self.filters["cluster"]))
        # Only the whole network's members are kept: a narrower `members` is counted.
        if {"q", "as_of", "cluster"} & self.filters.keys() or self.members.query.has_filters():
            counted = facets.cube(base.facet_cube())
        else:
            counted = memoised(["member-facet-cube"], lambda: facets.cube(base.facet_cube()))
        found = facets.summary(counted, {name: self.filters.get(name) for name in facets.FACETS})
        found["facets"]["cluster"] = self._cluster_counts()
        return found

    def _cluster_counts(self) -> list[dict]:
        """Cities per thematic cluster on the directory's date among those every other
        facet selects (one grouped query), in the clusters' order. `name` is the theme's
        name as stored, which the page translates (`label`: in the language of the day)."""
        members = self._narrowed(self.base_queryset(), but="cluster")
        rows = (
            self._stays()
            .filter(member__in=members.values("pk"))
            .order_by()
            .values("cluster__theme__slug", "cluster__theme__name", "cluster__theme__order")
            .annotate(count=Count("member", distinct=True))
            .order_by("cluster__theme__order", "cluster__theme__name")
        )
        return [
            {
                "value": row["cluster__theme__slug"],
                "label": _(row["cluster__theme__name"]),
                "name": row["cluster__theme__name"],
                "count": row["count"],
            }
            for row in rows
        ]

    def facets(self) -> dict[str, list[dict]]:
        """Counts per facet value (see `summary`)."""
        return self.summary()["facets"]
