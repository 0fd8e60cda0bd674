"""The API's members list with facets against Datasette serving the same rows, in one run.

1. A fresh SQLite database in bench/out/compare/ with --members synthetic members
   (bench/generate.py; 100,000 by default).
2. gunicorn serving gnlc (bench/server.py) and Datasette serving the same file, one after
   the other, each under the same load (--users threads for --seconds, keep-alive):
   - gnlc:      /api/v1/members?page_size=50                (count, 4 facets, 50 rows)
   - Datasette: /gnlc/cities_member.json?_size=50&_facet=... (count, 4 facets, 50 rows)
   and the same with a name search (gnlc `q=san`, Datasette `name__contains=san`).
3. Prints requests per second, p50/p99, and the ratio gnlc / Datasette.

Datasette is not a project dependency: it is installed in its own virtual environment,
bench/.venv-datasette (git-ignored), on first run. gnlc caches a facet page per query
and data revision (gnlc/cities/cache.py) and Datasette does not cache query results:
that difference is part of what is measured, and the output says so.

Run:  .venv/bin/python bench/datasette_compare.py [--members 100000] [--seconds 20]
"""

import argparse
import json
import os
import subprocess
import sys
import time
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import percentile, run
from server import HOST, ROOT, environment, free_port, get, gunicorn

OUT = ROOT / "bench" / "out" / "compare"
DATASETTE_VENV = ROOT / "bench" / ".venv-datasette"
FACETS = ["country_id", "cohort_id", "status", "kind"]
SCENARIOS = [
    (
        "list + 4 facets",
        "/api/v1/members?page_size=50",
        "/gnlc/cities_member.json?_size=50&" + "&".join(f"_facet={f}" for f in FACETS),
    ),
    (
        "search 'san' + 4 facets",
        "/api/v1/members?page_size=50&q=san",
        "/gnlc/cities_member.json?_size=50&name__contains=san&"
        + "&".join(f"_facet={f}" for f in FACETS),
    ),
]


def datasette_bin() -> Path:
    """Datasette from its own virtual environment, created and filled when missing."""
    binary = DATASETTE_VENV / "bin" / "datasette"
    if not binary.exists():
        print(f"installing Datasette into {DATASETTE_VENV}", flush=True)
        venv.create(DATASETTE_VENV, with_pip=True)
        pip = DATASETTE_VENV / "bin" / "pip"
        subprocess.run([str(pip), "install", "--quiet", "datasette"], check=True)
    return binary


def build_database(members: int) -> dict:
    """A migrated SQLite file with `members` synthetic members; the server environment."""
    env = environment(OUT)
    subprocess.run(["rm", "-rf", str(OUT)], check=True)
    (OUT / "static").mkdir(parents=True)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from generate import check_consistency, generate

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    generate(members)
    check_consistency()
    print(f"{members:,} synthetic members in {time.perf_counter() - started:.0f} s", flush=True)
    connection.close()
    return env


def serve_datasette(database: Path):
    port = free_port()
    process = subprocess.Popen(
        [
            str(datasette_bin()),
            "serve",
            str(database),
            "--host",
            HOST,
            "--port",
            str(port),
            # Facets and counts must finish, not time out and be left out (the defaults
            # of 200 ms and 1 s would make Datasette skip work gnlc does).
            "--setting",
            "facet_time_limit_ms",
            "10000",
            "--setting",
            "sql_time_limit_ms",
            "10000",
            # Not asked for by the URL, and gnlc does no such thing.
            "--setting",
            "suggest_facets",
            "off",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            get(port, "/-/versions.json")
            return process, port
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.terminate()
                raise RuntimeError("Datasette did not start") from None
            time.sleep(0.2)


def measure(port: int, path: str, users: int, seconds: float) -> dict:
    get(port, path)  # warm up
    result = run(port, [("x", path)], users=users, seconds=seconds)
    values = result["latencies"]["x"]
    return {
        "rps": len(values) / result["wall"],
        "p50": 1000 * percentile(values, 0.5),
        "p99": 1000 * percentile(values, 0.99),
        "errors": len(result["failures"]),
    }


def check_answers(gnlc_port: int, datasette_port: int) -> None:
    """Both answer 200 with a count and every facet (none timed out)."""
    for _, ours, theirs in SCENARIOS:
        status, body = get(gnlc_port, ours)
        assert status == 200, (ours, status)
        status, body = get(datasette_port, theirs)
        data = json.loads(body)
        assert status == 200, (theirs, status)
        assert not data.get("facets_timed_out"), data.get("facets_timed_out")
        assert sorted(data["facet_results"]) == sorted(FACETS), data["facet_results"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    datasette_bin()
    env = build_database(args.members)
    database = OUT / "gnlc.sqlite3"
    results = {}
    with gunicorn(env, workers=args.workers, threads=args.threads) as gnlc_port:
        process, datasette_port = serve_datasette(database)
        try:
            check_answers(gnlc_port, datasette_port)
            for name, ours, theirs in SCENARIOS:
                results[name] = (
                    measure(gnlc_port, ours, args.users, args.seconds),
                    measure(datasette_port, theirs, args.users, args.seconds),
                )
        finally:
            process.terminate()
            process.wait(timeout=30)
    version = subprocess.run(
        [str(datasette_bin()), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(
        f"\n{args.members:,} members, {args.users} concurrent clients, {args.seconds:g} s each,"
        f" on {HOST}. gnlc: gunicorn {args.workers} worker(s) x {args.threads} threads,"
        f" facet page cached per query and data revision. {version}: one process, no"
        " result cache."
    )
    print(
        f"{'scenario':<26}{'gnlc req/s':>11}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'Datasette req/s':>16}{'p50 ms':>8}{'p99 ms':>8}{'ratio':>7}"
    )
    errors = 0
    for name, (ours, theirs) in results.items():
        errors += ours["errors"] + theirs["errors"]
        print(
            f"{name:<26}{ours['rps']:>11.0f}{ours['p50']:>8.1f}{ours['p99']:>8.1f}"
            f"{theirs['rps']:>16.0f}{theirs['p50']:>8.1f}{theirs['p99']:>8.1f}"
            f"{ours['rps'] / theirs['rps']:>7.1f}"
        )
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
