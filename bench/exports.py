"""The open data downloads (CSV, JSON, GeoJSON of every member) at the size of the
database `datasette_compare.py` made (100,000 members), for this checkout and
(--baseline) another: seconds to the first byte and to the last, megabytes sent, and
the memory the download added to the process.

Each download runs in a Python process of its own (the checkout's code first on the
path), through Django's test client as a visitor's browser would ask it; "memory" is the
growth of the process's peak resident size (`ru_maxrss`) over a first, small download of
the same format, so it counts what the whole file costs to build and send, not the code.
Times are wall-clock: a loaded machine blurs them.

Run:  .venv/bin/python bench/exports.py [--baseline DIR]
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import HOST, ROOT, compare_checkouts, environment, in_checkout

FORMATS = ("csv", "json", "geojson")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(fmt: str) -> dict:
    """In this process: one download of every member as `fmt`."""
    import django

    django.setup()
    from django.test import Client

    client = Client()

    def chunks(url: str):
        response = client.get(url, HTTP_HOST=HOST)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            yield from response.streaming_content
        else:
            yield response.content

    for _ in chunks(f"/members.{fmt}?country=KE"):  # the code and its first queries
        pass
    before = peak_mb()
    began = time.perf_counter()
    first, size = None, 0
    for chunk in chunks(f"/members.{fmt}"):
        first = first or time.perf_counter() - began
        size += len(chunk)
    return {
        "first byte, s": first,
        "last byte, s": time.perf_counter() - began,
        "MB": size / 1e6,
        "memory added, MB": peak_mb() - before,
    }


def run(source: Path, fmt: str) -> dict:
    environ = environment(ROOT / "bench" / "out" / "compare")
    return in_checkout(__file__, source, ["--measure", fmt], environ)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout, measured alike")
    parser.add_argument("--measure", choices=FORMATS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    checkouts = compare_checkouts(args.baseline)
    if checkouts is None:
        return 1
    columns = ("first byte, s", "last byte, s", "MB", "memory added, MB")
    print(f"{'every member':<18}{'':<10}" + "".join(f"{c:>18}" for c in columns))
    for fmt in FORMATS:
        for label, source in checkouts:
            found = run(source, fmt)
            cells = "".join(f"{found[c]:>18.2f}" for c in columns)
            print(f"{'/members.' + fmt:<18}{label:<10}{cells}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
