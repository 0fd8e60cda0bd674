"""Bench the automatic assignment of jurors (gnlc.admissions.assignment.plan) on
synthetic in-memory data: 10,000 nominated applications x 500 jurors, 3 reviews each,
with same-country conflicts (jurors spread over 60 countries), 1% declared conflicts
and regional expertise. Prints the time and the balance of loads; asserts nothing about
time (STYLE.md rule 14).

Run:  .venv/bin/python bench/assignment.py [--applications 10000] [--jurors 500]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["africa", "arab-states", "asia-pacific", "europe-north-america", "latin-america"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--jurors", type=int, default=500)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gnlc.settings")
    from gnlc.admissions.assignment import AppRow, JurorRow, plan

    rng = random.Random(args.seed)
    countries = [f"C{n:02d}" for n in range(60)]
    region_of = {c: REGIONS[i % len(REGIONS)] for i, c in enumerate(countries)}
    apps = []
    for i in range(args.applications):
        country = rng.choice(countries)
        apps.append(AppRow(i, country, region_of[country]))
    jurors = [
        JurorRow(
            100_000 + j,
            rng.choice(countries),
            frozenset(rng.sample(REGIONS, rng.choice([1, 1, 2]))),
        )
        for j in range(args.jurors)
    ]
    declared = {
        (rng.randrange(args.applications), 100_000 + rng.randrange(args.jurors))
        for _ in range(args.applications // 100)
    }

    start = time.perf_counter()
    result = plan(apps, jurors, required=args.reviews, declared=declared)
    elapsed = time.perf_counter() - start

    loads = list(result.loads.values())
    juror = {j.id: j for j in jurors}
    app = {a.id: a for a in apps}
    expert = sum(app[a].region in juror[j].regions for a, j in result.pairs)
    violations = sum(
        juror[j].country == app[a].country or (a, j) in declared for a, j in result.pairs
    )
    print(f"applications: {len(apps):,}  jurors: {len(jurors):,}  reviews each: {args.reviews}")
    print(f"assignments:  {len(result.pairs):,} in {elapsed:.2f} s")
    print(f"juror load:   min {min(loads)}  max {max(loads)}  mean {statistics.fmean(loads):.1f}")
    print(f"by a regional expert: {expert / len(result.pairs):.1%}")
    print(f"conflicts violated: {violations}  applications short of jurors: {len(result.short)}")


if __name__ == "__main__":
    main()
