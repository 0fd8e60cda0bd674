"""CPU milliseconds per cold request in one process, for this checkout and (--baseline)
another: the figure a loaded machine blurs least.

On the database datasette_compare.py made (bench/out/compare/gnlc.sqlite3, or
--postgres URL), Django's test client asks --questions distinct country x cohort filters
and as many distinct name searches (datasette_compare's questions), each once, of the
API's members list and of the directory page, the cache emptied before each series (a
first request outside the clock loads the code and the per-process data); the
directory's template rendering is also given apart. Each checkout
runs in its own Python process (its code first on the path); CPU time is the process's
(`time.process_time`), so other sessions' load changes it little, unlike requests per
second.

Run:  .venv/bin/python bench/request_cpu.py [--baseline DIR] [--postgres URL]
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import HOST, ROOT, environment, in_checkout

SERIES = ("API, filter", "API, search", "directory, filter", "directory, search")
RENDER = "directory, rendering"  # the template rendering's share of the two above


def measure(questions: int) -> dict:
    """In this process (the checkout first on sys.path): {series: CPU ms per request}."""
    import django

    django.setup()
    from datasette_compare import gnlc_api_url, gnlc_page_url
    from datasette_compare import questions as asked_questions
    from django.core.cache import cache
    from django.template.backends.django import Template
    from django.test import Client

    asked = asked_questions(questions, questions)
    filters = [q for q in asked if q[0] == "filter"]
    searches = [q for q in asked if q[0] == "search"]
    spent = [0.0]
    original = Template.render

    def timed(self, *args, **kwargs):
        started = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent[0] += time.process_time() - started

    client = Client()
    began = time.perf_counter()
    for path in ("/api/v1/members?region=africa", "/members/?region=africa"):
        assert client.get(path, HTTP_HOST=HOST).status_code == 200
    found = {"first requests, s": time.perf_counter() - began}
    for name, url, series in [
        (SERIES[0], gnlc_api_url, filters),
        (SERIES[1], gnlc_api_url, searches),
        (SERIES[2], gnlc_page_url, filters),
        (SERIES[3], gnlc_page_url, searches),
    ]:
        cache.clear()
        if name.startswith("directory"):
            Template.render = timed
        began = time.process_time()
        for question in series:
            assert client.get(url(*question), HTTP_HOST=HOST).status_code == 200
        found[name] = 1000 * (time.process_time() - began) / len(series)
        Template.render = original
    found[RENDER] = 1000 * spent[0] / (len(filters) + len(searches))
    return found


def run(source: Path, questions: int, database_url: str) -> dict:
    env = environment(ROOT / "bench" / "out" / "compare")
    if database_url:
        env["DATABASE_URL"] = database_url
    return in_checkout(__file__, source, ["--measure", str(questions)], env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured alike")
    parser.add_argument("--postgres", default="", help="this PostgreSQL database instead")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    checkouts = [("this checkout", ROOT)]
    if args.baseline:
        checkouts.append(("baseline", args.baseline.resolve()))
    results = {label: run(source, args.questions, args.postgres) for label, source in checkouts}
    vendor = "PostgreSQL" if args.postgres else "SQLite"
    print(f"CPU ms per cold request, one process, {vendor}, {args.questions} questions each")
    print(f"{'':<22}" + "".join(f"{label:>16}" for label in results))
    for name in (*SERIES, RENDER, "first requests, s"):
        print(f"{name:<22}" + "".join(f"{r[name]:>16.2f}" for r in results.values()))
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
