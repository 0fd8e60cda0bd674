"""The network's figures on a date: what `gnlc stats`, the statistics page and the API's
`stats` endpoint all print. Each figure is one aggregate query over `on_record`/
`active_on`, so it equals what the directory shows for the same date."""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from gnlc.admissions.models import AwardWin
from gnlc.cities.enums import EventKind, Status
from gnlc.cities.models import (
    REGION_LABELS,
    Cohort,
    Member,
    MembershipEvent,
    NetworkTotal,
    Region,
)
from gnlc.core.cache import cached


def network_stats(as_of: dt.date | None = None) -> dict:
    """Members and countries, per region and per cohort, as of `as_of` (today).

    Four grouped queries over every member: 145 ms at 100,000 members, on every visit
    to the home page, the news page and the API's `stats`, for figures that change only
    with the data. So they are cached per data revision and date (never stale), as
    `history`'s rows are, and the regions named in the active language as they are read."""
    figures = cached(["network-stats", _day(as_of)], lambda: _network_stats(as_of))
    _name_regions(figures["regions"])
    return figures


def _network_stats(as_of: dt.date | None) -> dict:
    day = as_of or timezone.localdate()
    active = Member.objects.active_on(as_of)
    totals = active.totals()
    by_cohort = {
        row["cohort"]: row["members"]
        for row in active.values("cohort").annotate(members=Count("pk"))
    }
    statuses = dict(
        Member.objects.on_record(as_of).values_list("status_on").annotate(n=Count("pk"))
    )
    return {
        "as_of": day,
        "members": totals["members"],
        "countries": totals["countries"],
        "suspended": statuses.get(Status.SUSPENDED, 0),
        "withdrawn": statuses.get(Status.WITHDRAWN, 0),
        "regions": _region_counts(as_of),
        "cohorts": [
            {"year": cohort.year, "members": by_cohort.get(cohort.year, 0)}
            for cohort in Cohort.objects.filter(year__lte=day.year)
        ],
        # Active members whose cohort no source gives (members on record).
        "cohort_not_known": by_cohort.get(None, 0),
    }


def _day(as_of: dt.date | None) -> str | None:
    """`as_of` as the cache keys a date (today: None, and the key's own date)."""
    return as_of.isoformat() if as_of else None


def _name_regions(regions: list[dict]) -> list[dict]:
    """`regions` (cached copies) named in the active language, whichever computed them."""
    for region in regions:
        region["name"] = str(REGION_LABELS.get(region["slug"], region["name"]))
    return regions


def announced_totals(as_of: dt.date | None = None) -> dict | None:
    """The network's own last published total on or before `as_of` (today), beside what
    these data hold on that same day: {"on", "members", "countries", "source_url",
    "note", "held": {"members", "countries"}}; None where none was published by then.
    The announced figures are what the network said, never counts of our rows."""
    total = NetworkTotal.objects.latest_by(as_of)
    if total is None:
        return None
    return {
        "on": total.on,
        "members": total.members,
        "countries": total.countries,
        "source_url": total.source_url,
        "note": total.note,
        "held": Member.objects.active_on(total.on).totals(),
    }


def region_counts(as_of: dt.date | None = None) -> list[dict]:
    """Every region, in UNESCO's order, with its active members and the countries they
    are in, as of `as_of` (today): two queries whatever the network's size, cached per
    data revision and date like `network_stats` (the API's `regions`, 66 ms at 100,000
    members otherwise)."""
    return _name_regions(cached(["region-counts", _day(as_of)], lambda: _region_counts(as_of)))


def _region_counts(as_of: dt.date | None) -> list[dict]:
    active = Member.objects.active_on(as_of)
    by_region = {
        row["country__region"]: row
        for row in active.values("country__region").annotate(
            members=Count("pk"), countries=Count("country", distinct=True)
        )
    }
    return [
        {
            "slug": region.slug,
            "name": str(region.label),
            "members": by_region.get(region.slug, {}).get("members", 0),
            "countries": by_region.get(region.slug, {}).get("countries", 0),
        }
        for region in Region.objects.all()
    ]


def cohort_summary(cohort: Cohort) -> dict:
    """A cohort's new members and countries, and the network's totals as of its
    announcement date (the end of its year where that date is unknown), with those
    totals per region (`regions`, named in the active language).

    The totals are the regions' added up (each country is in one region): one grouped
    query instead of a second over every member, and the countries met before are read
    once each. At 100,000 members this took the statistics page's history (a summary
    per cohort), when nothing is kept, from about 7 s to 4."""
    day = cohort.effective_on
    admitted = Member.objects.admitted_in(cohort)
    new = admitted.totals()
    regions = _region_counts(day)
    earlier = set(
        Member.objects.on_record(day - dt.timedelta(days=1))
        .order_by()
        .values_list("country_id", flat=True)
        .distinct()
    )
    joined = admitted.order_by().values_list("country_id", flat=True).distinct()
    return {
        "year": cohort.year,
        "announced_on": cohort.announced_on,
        "new_members": new["members"],
        "new_countries": new["countries"],
        "first_time_countries": sorted(set(joined) - earlier),
        "total_members": sum(region["members"] for region in regions),
        "total_countries": sum(region["countries"] for region in regions),
        "regions": regions,
    }


def admissions_by_cohort() -> dict[int, dict]:
    """{cohort year: {"members", "countries"}} admitted in each cohort
    (`count_admissions_by_cohort`), kept per data revision: a grouped count over every
    admission (110 ms at 100,000 members) that the API's cohorts, the statistics page
    and the open data page each read."""
    return cached(["admissions-by-cohort"], MembershipEvent.objects.count_admissions_by_cohort)


def active_by_country(as_of: dt.date | None = None) -> dict[str, int]:
    """{iso2: active members} on `as_of` (today), countries without one absent: one
    grouped query (90 ms at 100,000 members, for the API's countries), kept per data
    revision and date."""

    def compute():
        rows = Member.objects.active_on(as_of).count_by_country()
        return {row["iso2"]: row["members"] for row in rows}

    return cached(["active-by-country", _day(as_of)], compute)


def cohort_completeness() -> list[dict]:
    """Per cohort, the members and countries we hold (admitted in it, whatever their
    status since) next to the figures its announcement stated, where it stated them:
    how complete the data are. `share` is held/announced members as a percentage, or
    None where the announcement gave no figure. "Admitted in" follows the same rule as
    `cohort_summary`."""
    held = admissions_by_cohort()
    rows = []
    for cohort in Cohort.objects.all():
        mine = held.get(cohort.year, {"members": 0, "countries": 0})
        share = (
            round(100 * mine["members"] / cohort.announced_members)
            if cohort.announced_members
            else None
        )
        rows.append(
            {
                "cohort": cohort,
                "year": cohort.year,
                "held_members": mine["members"],
                "held_countries": mine["countries"],
                "announced_members": cohort.announced_members,
                "announced_countries": cohort.announced_countries,
                "share": share,
            }
        )
    return rows


def announced_series() -> list[dict]:
    """Every total the network published, oldest first, each beside what these data
    hold on its day: {"on", "members", "countries", "source_url", "note", "held":
    {"members", "countries"}, "share"} (held members as a percentage of announced).
    One query per published total (a handful)."""
    rows = []
    for total in NetworkTotal.objects.all():
        held = Member.objects.active_on(total.on).totals()
        rows.append(
            {
                "on": total.on,
                "members": total.members,
                "countries": total.countries,
                "source_url": total.source_url,
                "note": total.note,
                "held": held,
                "share": round(100 * held["members"] / total.members) if total.members else None,
            }
        )
    return rows


def cohort_not_known() -> dict:
    """{"members", "countries"} of the members on record whose cohort no source gives:
    the completeness table's last row."""
    return Member.objects.on_record().filter(cohort=None).totals()


def latest_announced(completeness: list[dict], as_of: dt.date | None = None) -> dict | None:
    """Of `cohort_completeness()`'s rows, the latest cohort announced by `as_of` (today)
    whose announcement stated its size: what the statistics page sets beside its own
    figures, so a reader sees at once that the data hold fewer members than the network
    announced. None where no announcement by then stated a figure."""
    day = as_of or timezone.localdate()
    stated = [
        row
        for row in completeness
        if row["announced_members"] and row["cohort"].effective_on <= day
    ]
    return stated[-1] if stated else None


def history(as_of: dt.date | None = None) -> list[dict]:
    """The network as of each announcement (each cohort's effective date), oldest first,
    up to `as_of` when given: active members and countries in all and per region, the
    cohort's new members and countries, the countries joining for the first time, and
    the departures (members withdrawn) since the previous announcement. Every figure is
    the as-of query of the same date (`cohort_summary`, `region_counts`), so it equals
    the directory and the API for that day.

    A few queries per cohort, each over every member: about 80 ms for the real network
    and 4 s at 100,000 members, for figures that change only with the data. So the rows
    are cached per data revision (`gnlc.core.cache.cached`: never stale) and date, in
    whichever language computed them, and the regions are named in the active one as
    they are read: the statistics page, its CSV files and the API's `stats/history`
    share them, in every language."""
    rows = cached(["stats-history", _day(as_of)], lambda: _history(as_of))
    for row in rows:  # a copy: the cache gives each read its own
        _name_regions(row["regions"])
    return rows


def _history(as_of: dt.date | None) -> list[dict]:
    rows = []
    previous = None
    for cohort in Cohort.objects.all():
        day = cohort.effective_on
        if as_of is not None and day > as_of:
            break
        summary = cohort_summary(cohort)
        withdrawals = MembershipEvent.objects.filter(
            kind=EventKind.WITHDRAWN, effective_on__lte=day
        )
        if previous is not None:
            withdrawals = withdrawals.filter(effective_on__gt=previous)
        rows.append(
            {
                "year": cohort.year,
                "as_of": day,
                "members": summary["total_members"],
                "countries": summary["total_countries"],
                "new_members": summary["new_members"],
                "new_countries": summary["new_countries"],
                "first_time_countries": summary["first_time_countries"],
                "departures": withdrawals.values("member").distinct().count(),
                "regions": summary["regions"],
            }
        )
        previous = day
    return rows


def departures(as_of: dt.date | None = None, limit: int | None = None) -> list[dict]:
    """Every withdrawal that had taken effect by `as_of` (today), oldest first (the
    first `limit` only, where given): the member, its country and region, and the date
    (or year, where only it is known)."""

    day = as_of or timezone.localdate()
    events = (
        MembershipEvent.objects.filter(kind=EventKind.WITHDRAWN, effective_on__lte=day)
        .select_related("member", "member__country", "member__country__region")
        .order_by("effective_on", "id")
    )
    return [
        {
            "member": event.member,
            "country": event.member.country,
            "region": event.member.country.region,
            "date": event.display_date,
            "effective_on": event.effective_on,
        }
        for event in events[:limit]
    ]


def award_winners(as_of: dt.date | None = None) -> list[dict]:
    """The winners of the Learning City Award announced by `as_of` (today), newest year
    first: the year, the member, its country and region. A win counts from its
    announcement (`AwardWin.announced_on`), like an admission. One query."""

    return [
        {
            "pk": win.pk,
            "year": win.year,
            "member": win.member,
            "country": win.member.country,
            "region": win.member.country.region,
        }
        for win in AwardWin.objects.announced_by(as_of)
        .select_related("member", "member__country", "member__country__region")
        .order_by("-year", "member__name")
    ]
