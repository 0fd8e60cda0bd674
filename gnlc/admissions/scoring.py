"""Scores of a call: the weighted total of each review, each juror's calibration
(z-scores), and per application the raw mean beside the calibrated one, ranked within
each region.

Why calibrate: a lenient juror's 4.5 and a strict juror's 3.5 may mean the same
opinion. A review's z-score is its total minus its juror's mean, over its juror's
standard deviation (over all that juror's submitted reviews in the call); a juror with
one review, or always the same total, has z = 0. Ranking is by the mean z-score (then the
raw mean): the raw mean stays beside it so the secretariat sees where they differ."""

import statistics
from collections import defaultdict

from gnlc.admissions.enums import REVIEWABLE_STATES
from gnlc.admissions.models import Application, Review


def score_table(call) -> list[dict]:
    """One row per nominated-or-decided application with submitted reviews counted:
    {application, reviews, raw_mean, z_mean, admit, do_not_admit, region_rank}."""

    criteria = list(call.criteria.all())
    reviews = list(
        Review.objects.submitted()
        .filter(application__call=call, application__state__in=REVIEWABLE_STATES)
        .only("application_id", "juror_id", "scores", "recommendation")
    )
    totals = {r.pk: r.weighted_total(criteria) for r in reviews}
    by_juror = defaultdict(list)
    for r in reviews:
        if totals[r.pk] is not None:
            by_juror[r.juror_id].append(totals[r.pk])
    calibration = {}
    for juror, values in by_juror.items():
        mean = statistics.fmean(values)
        sd = statistics.pstdev(values) if len(values) > 1 else 0.0
        calibration[juror] = (mean, sd)

    per_app = defaultdict(list)
    for r in reviews:
        total = totals[r.pk]
        if total is None:
            continue
        mean, sd = calibration[r.juror_id]
        per_app[r.application_id].append((total, (total - mean) / sd if sd else 0.0, r))

    applications = (
        Application.objects.filter(call=call, state__in=REVIEWABLE_STATES)
        .select_related("country", "country__region")
        .order_by("country__region__order", "city_name")
    )
    rows = []
    for application in applications:
        entries = per_app.get(application.pk, [])
        rows.append(
            {
                "application": application,
                "region": application.country.region,
                "reviews": len(entries),
                "raw_mean": statistics.fmean(e[0] for e in entries) if entries else None,
                "z_mean": statistics.fmean(e[1] for e in entries) if entries else None,
                "admit": sum(e[2].recommendation == "admit" for e in entries),
                "do_not_admit": sum(e[2].recommendation == "do_not_admit" for e in entries),
            }
        )
    regions = defaultdict(list)
    for row in rows:
        regions[row["region"].slug].append(row)
    for group in regions.values():
        group.sort(
            key=lambda row: (
                row["z_mean"] is None,
                -(row["z_mean"] or 0),
                -(row["raw_mean"] or 0),
                row["application"].city_name,
            )
        )
        for rank, row in enumerate(group, start=1):
            row["region_rank"] = rank if row["z_mean"] is not None else None
    order = {slug: i for i, slug in enumerate(regions)}
    rows.sort(key=lambda row: (order[row["region"].slug], row["region_rank"] or 10**9))
    return rows


def juror_calibration(call) -> list[dict]:
    """Per juror: reviews submitted, mean and standard deviation of their totals."""

    criteria = list(call.criteria.all())
    values = defaultdict(list)
    reviews = Review.objects.submitted().filter(application__call=call).select_related("juror")
    jurors = {}
    for review in reviews:
        total = review.weighted_total(criteria)
        if total is not None:
            values[review.juror_id].append(total)
            jurors[review.juror_id] = review.juror
    return [
        {
            "juror": jurors[jid],
            "reviews": len(v),
            "mean": statistics.fmean(v),
            "sd": statistics.pstdev(v) if len(v) > 1 else 0.0,
        }
        for jid, v in sorted(values.items(), key=lambda item: str(jurors[item[0]]))
    ]
