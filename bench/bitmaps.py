"""The members' bitmaps (gnlc/cities/bitmaps.py): their memory and build time, and the
CPU of a filter's count, facets and page, at 100,000 and 1,000,000 members.

A SQLite database in bench/out/bitmaps/ (made afresh unless --reuse) is filled with
synthetic members (generate.py) in steps up to each size of --members. At each size it
builds the bitmaps as a process does on its first directory request, under tracemalloc
(the memory they keep, and the peak while building), and prints the CPU milliseconds
(mean over --questions distinct filters) of: the count and every facet, the page's 50
ids, and the page's rows (one query), for a country x cohort filter, a region, no filter,
and a page deep in the list.

--after-change instead takes the 100,000 members of datasette_compare.py's database
(bench/out/compare/gnlc.sqlite3) and prints the wall time of the first API request after
a data change (a bumped revision), each mode of GNLC_MEMBER_BITMAPS in turn: "inline"
(the request builds the bitmaps), "background" (a thread builds them; the requests
during the build, asked one after another, are answered by the queries) and "off"
(the queries, no build running), then once built.

Run:  .venv/bin/python bench/bitmaps.py [--members 100000 1000000] [--reuse]
      .venv/bin/python bench/bitmaps.py --after-change [--rounds 5]
"""

import argparse
import itertools
import os
import random
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import HOST, ROOT, environment

OUT = ROOT / "bench" / "out" / "bitmaps"
COMPARE = ROOT / "bench" / "out" / "compare"


def setup(reuse: bool, folder: Path = OUT) -> None:
    if not reuse:
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    (folder / "static").mkdir(parents=True, exist_ok=True)
    env = environment(folder)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def cpu_ms(work, arguments) -> float:
    """Mean CPU milliseconds of `work(a)` over `arguments`, the best of three rounds."""
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        for argument in arguments:
            work(argument)
        best = min(best, (time.process_time() - began) / len(arguments))
    return 1000 * best


def measure(size: int, questions: int) -> None:
    from django.db import connection

    from gnlc.cities import bitmaps
    from gnlc.cities.api import SUMMARY_FIELDS
    from gnlc.cities.models import Member

    bitmaps.forget()
    began = time.perf_counter()
    bitmaps.current()
    seconds = time.perf_counter() - began
    bitmaps.forget()  # again under tracemalloc, which slows allocations down
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    built = bitmaps.current()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"\n{built.size:,} members on record ({connection.vendor}): bitmaps built in"
        f" {seconds:.2f} s; kept {(kept - before) / 1e6:.1f} MB (tracemalloc; the bitmaps"
        f" and arrays alone {built.nbytes() / 1e6:.1f} MB), peak while building"
        f" {(peak - before) / 1e6:.1f} MB"
    )
    rng = random.Random(15)
    pairs = sorted(
        {
            (country, cohort)
            for country, cohort in Member.objects.exclude(cohort=None)
            .values_list("country_id", "cohort_id")
            .order_by("?")[:5000]
        }
    )
    filters = {
        "country x cohort": [
            {"country": [c], "cohort": [y]}
            for c, y in rng.sample(pairs, min(questions, len(pairs)))
        ],
        "region": [{"region": [r]} for r in ("africa", "europe-and-north-america")],
        "no filter": [{}],
        "cluster + country": [{"cluster": ["literacy"], "country": ["FR"]}],
    }
    print(f"{'CPU ms per question':<22}{'count+facets':>14}{'50 ids':>9}{'50 rows':>9}")
    for name, asked in filters.items():
        pages = [built.page_ids(f, "name", 0, 50) for f in asked]
        line = f"{name:<22}"
        line += f"{cpu_ms(built.summary, asked):>14.3f}"
        line += f"{cpu_ms(lambda f: built.page_ids(f, 'name', 0, 50), asked):>9.3f}"
        rows = [ids for ids in pages if ids]
        if not rows:  # (the synthetic members are in no cluster)
            print(line + f"{'-':>9}")
            continue
        reading = cpu_ms(lambda ids: Member.objects.rows_by_id(ids, fields=SUMMARY_FIELDS), rows)
        print(line + f"{reading:>9.3f}")
    middle = built.size // 2
    for sort in ("name", "-name", "country", "cohort"):
        deep = cpu_ms(
            lambda start, sort=sort: built.page_ids({}, sort, start, start + 50),
            range(middle, middle + 20),
        )
        print(f"{'page at ' + f'{middle:,}' + ', ' + sort:<36}{deep:>9.3f}")


def after_change(rounds: int) -> None:
    """The wall milliseconds of the first API request after a data change, in each mode
    (see the module's docstring), median over `rounds` changes, distinct filters each."""
    from datasette_compare import gnlc_api_url, questions
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from gnlc.cities import bitmaps
    from gnlc.cities.models import DataRevision, Member

    client = Client()
    urls = itertools.cycle([gnlc_api_url(*q) for q in questions(200, 0)])

    def ask() -> float:
        cache.clear()  # a question asked again is answered afresh
        began = time.perf_counter()
        assert client.get(next(urls), HTTP_HOST=HOST).status_code == 200
        return 1000 * (time.perf_counter() - began)

    def median(values) -> float:
        return sorted(values)[len(values) // 2] if values else float("nan")

    settings.GNLC_MEMBER_BITMAPS = "inline"
    ask()  # the code loaded, a first build
    members = Member.objects.filter(status__isnull=False).count()
    print(f"\nFirst API request after a data change, {members:,} members, wall ms")
    print(f"{'mode':<12}{'first':>9}{'build s':>9}{'during build':>22}{'once built':>12}")
    for mode in ("inline", "background", "off"):
        settings.GNLC_MEMBER_BITMAPS = mode
        first, builds, during, built = [], [], [], []
        for _ in range(rounds):
            DataRevision.bump()
            began = time.perf_counter()
            first.append(ask())
            while bitmaps.building():  # answered by the queries, the build running
                during.append(ask())
            bitmaps.wait()
            builds.append(time.perf_counter() - began)
            built.append(ask())
        build = f"{median(builds):.2f}" if mode != "off" else "-"
        asked = f"{median(during):.1f} (n={len(during)})" if during else "-"
        print(f"{mode:<12}{median(first):>9.1f}{build:>9}{asked:>22}{median(built):>12.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--after-change", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.after_change:
        setup(True, COMPARE)
        after_change(args.rounds)
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return 0
    setup(args.reuse)
    from generate import generate

    from gnlc.cities.models import Member

    for size in sorted(args.members):
        have = Member.objects.count()
        if have < size:
            began = time.perf_counter()
            generate(size - have)
            print(f"{size - have:,} synthetic members added in {time.perf_counter() - began:.0f} s")
        measure(size, args.questions)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
