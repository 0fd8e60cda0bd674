"""Load test on loopback: N concurrent users browse the public pages and the API for S
seconds against gunicorn (bench/server.py); prints requests per second and p50/p95/p99
latency, per kind of page and in all. Exits 1 if any request failed (a status other than
200, or a connection error): the CI's short run (gnlc/core/tests/test_load.py) checks
that, and never the timings (STYLE.md rule 14).

Each user is a thread with its own keep-alive connection, going round the URLs from a
different starting point, with no think time: a harsher load than 100 people.

Run:  .venv/bin/python bench/load.py                      # 100 users, 60 s
      .venv/bin/python bench/load.py --users 20 --seconds 10
"""

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import HOST, ROOT, get, gunicorn, prepare

DATA_DIR = ROOT / "bench" / "out" / "load"


def urls(port: int) -> list[tuple[str, str]]:
    """(kind, path): public pages and API endpoints, with two real members' slugs."""
    status, body = get(port, "/api/v1/members?page_size=2")
    if status != 200:
        raise RuntimeError(f"/api/v1/members answered {status}")
    import json

    slugs = [m["slug"] for m in json.loads(body)["results"]]
    pages = [
        ("page", "/"),
        ("page", "/members/"),
        ("page", "/members/?region=africa"),
        ("page", "/members/?q=san"),
        ("page", "/countries/"),
        ("page", "/statistics/"),
        ("page", "/map/"),
        *[("page", f"/members/{slug}/") for slug in slugs],
    ]
    api = [
        ("api", "/api/v1/members"),
        ("api", "/api/v1/members?region=africa&page_size=50"),
        ("api", "/api/v1/members?q=san"),
        ("api", "/api/v1/countries"),
        ("api", "/api/v1/regions"),
        ("api", "/api/v1/stats"),
        *[("api", f"/api/v1/members/{slug}") for slug in slugs],
    ]
    return pages + api


def run(port: int, targets: list[tuple[str, str]], *, users: int, seconds: float) -> dict:
    """`users` threads GET `targets` round-robin for `seconds`; latencies by kind."""
    latencies: dict[str, list[float]] = {kind: [] for kind, _ in targets}
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    start = threading.Barrier(users)

    def user(number: int):
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: dict[str, list[float]] = {kind: [] for kind in latencies}
        errors = []
        i = number
        start.wait()
        while time.monotonic() < stop_at:
            kind, path = targets[i % len(targets)]
            i += 1
            began = time.perf_counter()
            try:
                status, _ = get(port, path, conn)
            except (OSError, http.client.HTTPException) as exc:
                status = repr(exc)
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            mine[kind].append(time.perf_counter() - began)
            if status != 200:
                errors.append(f"{path}: {status}")
        conn.close()
        with lock:
            for kind, values in mine.items():
                latencies[kind].extend(values)
            failures.extend(errors)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies["all"] = [x for kind in list(latencies) for x in latencies[kind]]
    return {"wall": wall, "latencies": latencies, "failures": failures}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def report(result: dict) -> None:
    print(f"{'kind':<6}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in result["latencies"].items():
        if not values:
            continue
        print(
            f"{kind:<6}{len(values):>10}{len(values) / result['wall']:>9.0f}"
            f"{1000 * statistics.median(values):>9.1f}"
            f"{1000 * percentile(values, 0.95):>9.1f}{1000 * percentile(values, 0.99):>9.1f}"
        )
    failures = result["failures"]
    print(f"errors: {len(failures)}" + (f" (first: {failures[0]})" if failures else ""))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="deleted and remade")
    args = parser.parse_args(argv)

    env = prepare(args.data_dir)
    with gunicorn(env, workers=args.workers, threads=args.threads) as port:
        targets = urls(port)
        for _, path in targets:  # warm every worker's caches a little before timing
            get(port, path)
        print(
            f"{args.users} users for {args.seconds:g} s on {HOST}, gunicorn {args.workers}"
            f" worker(s) x {args.threads} threads, {len(targets)} URLs, real data (SQLite)"
        )
        result = run(port, targets, users=args.users, seconds=args.seconds)
    report(result)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
