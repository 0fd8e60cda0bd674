"""Milliseconds and kilobytes of the public pages, feeds and API lists that show the
whole network, at the size of the database `datasette_compare.py` made (100,000
members), for this checkout and (--baseline) another.

Each URL is asked twice in one process with Django's test client, the cache emptied
before the first: "cold" is the first answer after a change of the data (and includes
what that page alone loads), "again" the answer every later visitor gets until the
next change. A first request outside the clock loads the code and the per-process data
(the members' bitmaps). Each checkout runs in its own Python process (its code first on
the path); times are wall-clock, so a loaded machine blurs them (`request_cpu.py` gives
CPU time).

Run:  .venv/bin/python bench/pages.py [--baseline DIR]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import HOST, ROOT, compare_checkouts, environment, in_checkout

URLS = (
    "/",
    "/members/",
    "/countries/",
    "/regions/europe-and-north-america/",
    "/countries/cn/",
    "/map/",
    "/map/members.geojson",
    "/members.geojson?status=active",
    "/statistics/",
    "/data/",
    "/news/",
    "/api/v1/stats",
    "/api/v1/regions",
    "/api/v1/countries",
    "/api/v1/cohorts",
)


def measure() -> dict:
    """In this process (the checkout first on sys.path): {url: [cold ms, again ms, KB]}."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    assert client.get("/members/?region=africa", HTTP_HOST=HOST).status_code == 200
    found = {}
    for url in URLS:
        cache.clear()
        times = []
        for _ in range(2):
            began = time.perf_counter()
            response = client.get(url, HTTP_HOST=HOST)
            body = response.getvalue()  # to the last byte: a download is streamed
            times.append(1000 * (time.perf_counter() - began))
            assert response.status_code in (200, 404), (url, response.status_code)
        # A baseline without this URL: none.
        found[url] = [*times, len(body) / 1024] if response.status_code == 200 else None
    return found


def run(source: Path) -> dict:
    return in_checkout(
        __file__, source, ["--measure"], environment(ROOT / "bench" / "out" / "compare")
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout, measured alike")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return 0
    checkouts = compare_checkouts(args.baseline)
    if checkouts is None:
        return 1
    results = {label: run(source) for label, source in checkouts}
    header = "".join(f"{label + ': cold, again ms, KB':>34}" for label in results)
    print(f"{'':<36}{header}")
    for url in URLS:
        cells = "".join(
            f"{r[url][0]:>14.0f}{r[url][1]:>10.1f}{r[url][2]:>10.0f}" if r[url] else f"{'-':>34}"
            for r in results.values()
        )
        print(f"{url:<36}{cells}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
