"""The secretariat's figures on a reporting period: compliance by region and country,
members at risk, and the self-assessment across members. Each is a fixed number of
queries whatever the network's size (counts are grouped in the database; ratings are
read once and averaged here, as they live in each report's JSON)."""

import datetime as dt

from django.db.models import Count, Q

from gnlc.cities.models import Region
from gnlc.reporting.enums import Rating, ReportState, Stage
from gnlc.reporting.models import LifecyclePolicy, Report

STATE_ORDER = [ReportState.ACCEPTED, ReportState.SUBMITTED, ReportState.RETURNED, ReportState.DRAFT]
# Reports whose self-assessment counts: submitted to the secretariat (and not returned).
ASSESSED_STATES = (ReportState.SUBMITTED, ReportState.ACCEPTED)


def _counts():
    return {
        "reports": Count("pk"),
        "filed": Count("pk", filter=Q(submitted_at__isnull=False)),
        **{state.value: Count("pk", filter=Q(state=state)) for state in STATE_ORDER},
    }


def filing_rate(filed: int, reports: int) -> int | float:
    """The share of reports filed, in percent: a whole number, but to a tenth near the
    ends, so one report filed of 236 is not "0%" and 235 of 236 not "100%"."""
    if not reports:
        return 0
    rate = 100 * filed / reports
    if 0 < filed < reports and not 1 <= rate <= 99:
        return round(rate, 1)
    return round(rate)


def _row(row: dict) -> dict:
    row["unfiled"] = row["reports"] - row["filed"]
    row["rate"] = filing_rate(row["filed"], row["reports"])
    return row


def compliance(period) -> dict:
    """{"total": row, "regions": [row...], "countries": [row...]}: reports, filed, per
    state, unfiled, filing rate (%); two grouped queries and one for the regions."""
    reports = Report.objects.filter(period=period).order_by()
    total = _row(reports.aggregate(**_counts()))
    by_region = {
        r["member__country__region"]: r
        for r in reports.values("member__country__region").annotate(**_counts())
    }
    regions = []
    for region in Region.objects.all():
        row = by_region.get(region.slug)
        if row:
            regions.append({**_row(row), "slug": region.slug, "name": str(region.label)})
    countries = [
        _row({**row, "iso2": row["member__country__iso2"], "name": row["member__country__name"]})
        for row in reports.values("member__country__iso2", "member__country__name")
        .annotate(**_counts())
        .order_by("member__country__name")
    ]
    return {"total": total, "regions": regions, "countries": countries}


def compliance_chart(rows: list[dict]) -> dict:
    """Chart.js data: a stacked bar per region, one dataset per state."""
    return {
        "labels": [row["name"] for row in rows],
        "datasets": [
            {"label": str(state.label), "data": [row[state.value] for row in rows]}
            for state in STATE_ORDER
        ],
    }


def at_risk(period, day: dt.date) -> list[dict]:
    """Unfiled reports of `period` from the first reminder on, with their stage and the
    next step's date: two queries."""
    policy = LifecyclePolicy.current()
    if day < period.due - dt.timedelta(days=policy.remind_before_days):
        return []
    rows = []
    reports = (
        Report.objects.filter(period=period)
        .unfiled()
        .select_related("period", "member", "member__country", "suspension")
        .order_by("member__name")
    )
    for report in reports:
        stage = report.stage_on(day, policy)
        nxt = {
            Stage.OPEN: period.due,
            Stage.OVERDUE: period.suspension_on(),
            Stage.SUSPENSION: report.withdrawal_on(policy),
            Stage.WITHDRAWAL: None,
        }[stage]
        rows.append({"report": report, "stage": stage, "next": nxt})
    return rows


def self_assessment(period) -> list[dict]:
    """Per area of focus of the period's framework: how many reports rated it, the mean
    rating and how many gave each rating (submitted and accepted reports): two queries."""
    ratings = Report.objects.filter(period=period, state__in=ASSESSED_STATES).values_list(
        "ratings", flat=True
    )
    ratings = list(ratings)
    rows = []
    for area in period.framework.areas():
        given = [r[area.code] for r in ratings if r.get(area.code) in Rating.values]
        rows.append(
            {
                "area": area,
                "count": len(given),
                "mean": round(sum(given) / len(given), 2) if given else None,
                "distribution": [given.count(value) for value in Rating.values],
            }
        )
    return rows


def self_assessment_chart(rows: list[dict]) -> dict:
    """Chart.js data: per area, a stacked bar of how many members gave each rating."""
    return {
        "labels": [f"{row['area'].code}. {row['area'].label}" for row in rows],
        "datasets": [
            {"label": str(label), "data": [row["distribution"][i] for row in rows]}
            for i, label in enumerate(Rating.labels)
        ],
    }
