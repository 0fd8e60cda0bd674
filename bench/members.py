"""Bench the member directory and the API's members list at network sizes far beyond
the real one: prints figures, asserts nothing about time (STYLE.md rule 14).

1. A fresh SQLite database in bench/out/ (git-ignored), migrated.
2. Synthetic members (bench/generate.py) added in steps up to --members (100,000):
   at 1k, 10k and 100k, the SQL queries of the directory page and of the API list.
3. gunicorn serving gnlc.wsgi on 127.0.0.1 (a free port, DEBUG off), and 16 client
   threads firing GET requests at the API's members list with facets (plain, with a
   search, with an as-of date) for a bounded number of requests and seconds each:
   requests per second, p50 and p99 latency.

Run:  .venv/bin/python bench/members.py [--members 100000] [--requests 3000]
Targets: the query counts do not grow with N; p99 < 50 ms at 100k members.
"""

import argparse
import http.client
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

from server import get, gunicorn  # bench/server.py: the one way benches start gunicorn

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA_DIR = OUT / "data"
HOST = "127.0.0.1"
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    "GNLC_DATA_DIR": str(DATA_DIR),
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": HOST,
    "SECURE_SSL_REDIRECT": "false",
    # The bench measures throughput from one address: the per-address limits would
    # (rightly) answer 429 to it.
    "GNLC_RATE_LIMIT_API": "off",
    "GNLC_RATE_LIMIT_SEARCH": "off",
    "LOG_LEVEL": "WARNING",
}
API = "/api/v1/members?region=africa&page_size=50"
SCENARIOS = [
    ("api list, region facet", API),
    ("api list + q=san", API + "&q=san"),
    ("api list + as_of=2020-01-01", API + "&as_of=2020-01-01"),
    ("directory page, region facet", "/members/?region=africa"),
]


def setup_django():
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()


def fresh_database():
    from django.core.management import call_command

    shutil.rmtree(DATA_DIR, ignore_errors=True)
    # WhiteNoise wants STATIC_ROOT to exist; the bench serves no static files from it.
    (DATA_DIR / "static").mkdir(parents=True)
    call_command("migrate", verbosity=0, interactive=False)


def count_queries(path: str) -> tuple[int, int]:
    """(status, SQL queries) of one in-process GET of `path`."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, len(queries)


def load(port: int, path: str, *, clients: int, requests: int, seconds: float) -> dict:
    """`clients` threads, each on one keep-alive connection, GET `path` until `requests`
    are done or `seconds` have passed."""
    latencies: list[float] = []
    failures = []
    lock = threading.Lock()
    sent = 0
    stop_at = time.monotonic() + seconds

    def worker():
        nonlocal sent
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while True:
            with lock:
                if sent >= requests or time.monotonic() > stop_at:
                    break
                sent += 1
            started = time.perf_counter()
            try:
                status, _ = get(port, path, conn)
            except (OSError, http.client.HTTPException) as exc:
                status = repr(exc)
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    failures.append(status)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "failures": len(failures),
        "first_failure": failures[0] if failures else None,
        "rps": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=3_000, help="per scenario, at most")
    parser.add_argument("--seconds", type=float, default=20, help="per scenario, at most")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    args = parser.parse_args()

    setup_django()
    from generate import check_consistency, generate

    fresh_database()
    steps = sorted({n for n in (1_000, 10_000, 100_000) if n < args.members} | {args.members})
    print(f"SQL queries per request (in-process), DEBUG off, SQLite at {DATA_DIR}")
    print(
        f"{'members':>9}  {'generate s':>10}  " + "  ".join(f"{name:>30}" for name, _ in SCENARIOS)
    )
    for n in steps:
        started = time.perf_counter()
        from gnlc.cities.models import Member

        generate(n - Member.objects.count())
        took = time.perf_counter() - started
        cells = []
        for _, path in SCENARIOS:
            status, queries = count_queries(path)
            cells.append(f"{queries} queries" + ("" if status == 200 else f" (HTTP {status})"))
        print(f"{n:>9,}  {took:>10.1f}  " + "  ".join(f"{c:>30}" for c in cells), flush=True)
    check_consistency()
    from django.db import connection

    connection.close()  # gunicorn's workers open their own

    print(
        f"\nHTTP under {args.clients} concurrent clients, gunicorn {args.workers} worker(s)"
        f" x {args.threads} threads on {HOST}, {args.members:,} members"
    )
    print(f"{'scenario':<32}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    with gunicorn(
        {**os.environ, **ENV},
        workers=args.workers,
        threads=args.threads,
        pythonpath=ROOT / "bench",
    ) as port:
        for name, path in SCENARIOS:
            status, _ = get(port, path)
            if status == 404 and path.startswith("/api/"):
                name, path = name + " (no API: /members.json)", "/members.json?region=africa"
            get(port, path)  # warm the workers' caches before timing
            r = load(port, path, clients=args.clients, requests=args.requests, seconds=args.seconds)
            print(
                f"{name:<32}{r['requests']:>9}{r['failures']:>8}{r['rps']:>9.0f}"
                f"{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
                + (f"  first error: {r['first_failure']}" if r["failures"] else ""),
                flush=True,
            )


if __name__ == "__main__":
    main()
