"""The API's members list with facets against Datasette serving the same rows, in one run.

1. A SQLite database in bench/out/compare/ with --members synthetic members
   (bench/generate.py; 100,000 by default), made afresh unless --reuse.
2. gunicorn serving gnlc (bench/server.py) and Datasette serving the same file, one after
   the other, each under the same load, in two modes:
   - repeat: one URL for --seconds (--users threads, keep-alive), plain and with a name
     search: what a cache makes of a question asked again.
   - cold: --filters distinct country x cohort filters and --searches distinct name
     searches on a 4-letter fragment of a member's name, each asked once, shared
     between the --users threads: no answer is ever in a cache. Then one filter asked
     again and again, each a cache hit: the ceiling of any answer through Django's
     request and response on this machine, printed beside them.
   gnlc:      /api/v1/members?page_size=50&...           (count, 4 facets, 50 rows)
   Datasette: /gnlc/cities_member.json?_size=50&_facet=... (count, 4 facets, 50 rows)
   with a name search as gnlc `q=...` and Datasette `name__contains=...`.
3. The directory page (HTML) in cold mode: half the filters and searches, and the CPU
   time a page costs in this process (the view, and its template rendering apart).
4. Prints requests per second, p50/p99, and the ratio gnlc / Datasette; under the mix
   of filters and searches (and the directory's), the p99 of the filters and of the
   searches apart, as issue 15 asks: "p99 < 100 ms for filters and name searches alike".

--baseline DIR also serves the gnlc of another checkout (a worktree of an older commit)
on the same file, in cold mode, for before/after figures side by side.
--postgres URL puts the members into that PostgreSQL database instead (its tables
emptied!) and measures gnlc only (Datasette reads SQLite).

Datasette is not a project dependency: it is installed in its own virtual environment,
bench/.venv-datasette (git-ignored), on first run. gnlc caches a facet page per query
and data revision (gnlc/core/cache.py) and Datasette does not cache query results:
the repeat mode measures that difference, the cold mode does not.

Run:  .venv/bin/python bench/datasette_compare.py [--members 100000] [--seconds 20]
      .venv/bin/python bench/datasette_compare.py --reuse --mode cold --baseline /tmp/main
"""

import argparse
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path
from urllib.parse import quote

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


def build_database(members: int, *, reuse: bool = False, database_url: str = "") -> dict:
    """A migrated database with `members` synthetic members (SQLite in OUT, or the
    PostgreSQL `database_url`); the server environment. Django is set up in this
    process, on that database."""
    env = environment(OUT)
    if database_url:
        env["DATABASE_URL"] = database_url
    fresh = not (reuse and (database_url or (OUT / "gnlc.sqlite3").exists()))
    if fresh and not database_url:
        subprocess.run(["rm", "-rf", str(OUT)], check=True)
    (OUT / "static").mkdir(parents=True, exist_ok=True)
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from generate import check_consistency, generate

    if fresh and database_url:
        # Emptied as a new database is: `flush` would also empty what the migrations
        # wrote (the regions and countries), which `migrate` then leaves empty.
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0, interactive=False)
    if fresh:
        started = time.perf_counter()
        generate(members)
        check_consistency()
        print(f"{members:,} synthetic members in {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    connection.close()
    return env


def questions(filters: int, searches: int, *, seed: int = 15) -> list[tuple[str, dict]]:
    """Distinct questions, in a shuffled order: ("filter", {"country", "cohort"}) pairs
    that have members, and ("search", {"q"}) on distinct 4-letter fragments of members'
    names (letters only, so that gnlc's folded search and Datasette's LIKE read them the
    same way). Read from the database Django is set up on."""
    from gnlc.cities.models import Member

    rng = random.Random(seed)
    pairs = sorted(
        {
            (row["country_id"], row["cohort_id"])
            for row in Member.objects.exclude(cohort=None).values("country_id", "cohort_id")
        }
    )
    chosen = rng.sample(pairs, min(filters, len(pairs)))
    names = list(Member.objects.order_by("pk").values_list("name", flat=True)[:20000])
    fragments: set[str] = set()
    while len(fragments) < searches:
        words = re.findall(r"[a-z]{4,}", rng.choice(names).lower())
        if words:
            word = rng.choice(words)
            start = rng.randrange(len(word) - 3)
            fragments.add(word[start : start + 4])
    asked = [("filter", {"country": c, "cohort": y}) for c, y in chosen]
    asked += [("search", {"q": fragment}) for fragment in sorted(fragments)]
    rng.shuffle(asked)
    return asked


def gnlc_api_url(kind: str, question: dict) -> str:
    if kind == "filter":
        where = f"country={question['country']}&cohort={question['cohort']}"
        return f"/api/v1/members?page_size=50&{where}"
    return f"/api/v1/members?page_size=50&q={quote(question['q'])}"


def gnlc_page_url(kind: str, question: dict) -> str:
    if kind == "filter":
        return f"/members/?country={question['country']}&cohort={question['cohort']}"
    return f"/members/?q={quote(question['q'])}"


def datasette_url(kind: str, question: dict) -> str:
    facets = "&".join(f"_facet={f}" for f in FACETS)
    if kind == "filter":
        where = f"country_id={question['country']}&cohort_id={question['cohort']}"
    else:
        where = f"name__contains={quote(question['q'])}"
    return f"/gnlc/cities_member.json?_size=50&{where}&{facets}"


def run_once(port: int, paths: list[str], users: int, kinds: list[str] | None = None) -> dict:
    """Each of `paths` requested once, `users` threads taking the next one in turn; with
    `kinds` (each path's kind: "filter", "search"), the p99 of each kind as well."""
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    queue = iter(zip(paths, kinds or [None] * len(paths), strict=True))

    def user():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        while True:
            with lock:
                path, kind = next(queue, (None, None))
            if path is None:
                break
            began = time.perf_counter()
            try:
                status, _ = get(port, path, conn)
            except (OSError, http.client.HTTPException) as exc:
                status = repr(exc)
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                if kind:
                    by_kind.setdefault(kind, []).append(elapsed)
                if status != 200:
                    failures.append(f"{path}: {status}")
        conn.close()

    threads = [threading.Thread(target=user) for _ in range(users)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return {
        "rps": len(latencies) / wall,
        "p50": 1000 * percentile(latencies, 0.5),
        "p99": 1000 * percentile(latencies, 0.99),
        "errors": len(failures),
        "load": os.getloadavg()[0],
        "p99 by kind": {k: 1000 * percentile(v, 0.99) for k, v in sorted(by_kind.items())},
    }


def warm(port: int, paths: list[str]) -> None:
    """A few requests outside the measured questions, eight at a time so that each
    worker takes some: every worker has loaded its code (and gnlc its per-process counts
    and bitmaps, which take a second or more at 100,000 members: bench/bitmaps.py)
    before the clock starts."""
    run_once(port, paths * 2, 8)


def page_cpu(asked: list[tuple[str, dict]]) -> dict:
    """CPU milliseconds per directory page in this process (Django's test client, no
    network), mean over `asked`, each page once: the whole request, and the template
    rendering alone. The response cache is emptied first and never hit."""
    from django.core.cache import cache
    from django.template.backends.django import Template
    from django.test import Client

    spent = {"render": 0.0}
    original = Template.render

    def timed(self, *args, **kwargs):
        began = time.process_time()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent["render"] += time.process_time() - began

    client = Client()
    cache.clear()
    client.get("/members/?region=africa", HTTP_HOST=HOST)  # imports, per-process counts
    Template.render = timed
    try:
        spent["render"] = 0.0
        began = time.process_time()
        for kind, question in asked:
            response = client.get(gnlc_page_url(kind, question), HTTP_HOST=HOST)
            assert response.status_code == 200, response.status_code
        total = time.process_time() - began
    finally:
        Template.render = original
    return {"page": 1000 * total / len(asked), "render": 1000 * spent["render"] / len(asked)}


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
        "load": os.getloadavg()[0],
    }


def check_answers_datasette(datasette_port: int) -> None:
    """Datasette answers 200 with a count and every facet (none timed out)."""
    for _, _, theirs in SCENARIOS:
        status, body = get(datasette_port, theirs)
        data = json.loads(body)
        assert status == 200, (theirs, status)
        assert not data.get("facets_timed_out"), data.get("facets_timed_out")
        assert sorted(data["facet_results"]) == sorted(FACETS), data["facet_results"]


def print_table(title: str, rows: dict, *, datasette: bool = True) -> int:
    print(f"\n{title}")
    head = f"{'scenario':<34}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'load':>6}"
    if datasette:
        head += f"{'Datasette req/s':>16}{'p50 ms':>9}{'p99 ms':>9}{'load':>6}{'ratio':>7}"
    print(head)
    errors = 0
    for name, (ours, theirs) in rows.items():
        errors += ours["errors"] + (theirs["errors"] if theirs else 0)
        line = f"{name:<34}{ours['rps']:>8.0f}{ours['p50']:>9.1f}{ours['p99']:>9.1f}"
        line += f"{ours['load']:>6.1f}"
        if theirs:
            line += (
                f"{theirs['rps']:>16.1f}{theirs['p50']:>9.1f}{theirs['p99']:>9.1f}"
                f"{theirs['load']:>6.1f}{ours['rps'] / theirs['rps']:>7.1f}"
            )
        print(line)
        for who, found in (("", ours), ("Datasette ", theirs)):
            if found and found.get("p99 by kind"):
                each = ", ".join(
                    f"{k}es {v:.1f}" if k == "search" else f"{k}s {v:.1f}"
                    for k, v in found["p99 by kind"].items()
                )
                print(f"{'':<4}{who}p99 ms of each kind: {each}")
    return errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20, help="per repeated URL")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--mode", choices=["repeat", "cold", "both"], default="both")
    parser.add_argument("--filters", type=int, default=400, help="cold: distinct filters")
    parser.add_argument("--searches", type=int, default=200, help="cold: distinct searches")
    parser.add_argument("--reuse", action="store_true", help="keep the database made before")
    parser.add_argument("--baseline", type=Path, help="also serve this checkout's gnlc (cold)")
    parser.add_argument(
        "--baseline-first", action="store_true", help="measure the baseline's gnlc first"
    )
    parser.add_argument(
        "--postgres", default="", help="gnlc on this PostgreSQL database (emptied!)"
    )
    args = parser.parse_args()

    if not args.postgres:
        datasette_bin()
    env = build_database(args.members, reuse=args.reuse, database_url=args.postgres)
    from gnlc.cities.models import Member  # Django is set up now

    members = Member.objects.count()  # with --reuse, whatever --members says
    database = OUT / "gnlc.sqlite3"
    asked = questions(args.filters, args.searches)
    filters = [q for q in asked if q[0] == "filter"]
    # The directory gets half the questions (an HTML page costs more than JSON).
    page_questions = asked[: len(asked) // 2]
    serve = {"workers": args.workers, "threads": args.threads}
    repeat, cold, pages = {}, {}, {}
    warm_api = [
        f"/api/v1/members?page_size=50&region={r}" for r in ("africa", "europe-and-north-america")
    ] * 4
    servers = [("gnlc", None)] + ([("gnlc before", args.baseline)] if args.baseline else [])
    if args.baseline_first:  # the order changes the figures (the OS's file cache, load)
        servers.reverse()
    filters_run = f"{len(filters)} filters"
    runs = {
        filters_run: [gnlc_api_url(*q) for q in filters],
        "filters + searches": [gnlc_api_url(*q) for q in asked],
        "directory, cold": [gnlc_page_url(*q) for q in page_questions],
    }
    kinds = {
        "filters + searches": [q[0] for q in asked],
        "directory, cold": [q[0] for q in page_questions],
    }
    for label, source in servers:
        if args.mode in ("repeat", "both") and source is None:
            with gunicorn(env, **serve) as port:
                warm(port, warm_api)
                for name, ours, _ in SCENARIOS:
                    repeat[name] = [measure(port, ours, args.users, args.seconds), None]
        if args.mode not in ("cold", "both"):
            continue
        for step, paths in runs.items():
            # A new server for each run: its cache holds none of the questions.
            with gunicorn(env, source=source, **serve) as port:
                warm(port, warm_api + ["/members/?region=africa"] * 4)
                table = pages if step.startswith("directory") else cold
                found = run_once(port, paths, args.users, kinds.get(step))
                table[f"{label}: {step}"] = [found, None]
                if step == filters_run and source is None:
                    # One of them asked again and again, a cache hit each time but the
                    # first in each worker (the cache is per process without Redis):
                    # an answer through Django's request and response alone, no
                    # database, facets or JSON. The cold figures' ceiling here.
                    cold[f"{label}: one filter, cached"] = [
                        run_once(port, paths[:1] * 3 * len(paths), args.users),
                        None,
                    ]
    if not args.postgres:
        process, datasette_port = serve_datasette(database)
        try:
            check_answers_datasette(datasette_port)
            warm(datasette_port, [datasette_url("filter", {"country": "FR", "cohort": 2020})] * 4)
            if args.mode in ("repeat", "both"):
                for name, _, theirs in SCENARIOS:
                    repeat[name][1] = measure(datasette_port, theirs, args.users, args.seconds)
            if args.mode in ("cold", "both"):
                theirs_filters = run_once(
                    datasette_port, [datasette_url(*q) for q in filters], args.users
                )
                theirs_all = run_once(
                    datasette_port,
                    [datasette_url(*q) for q in asked],
                    args.users,
                    [q[0] for q in asked],
                )
                for name in cold:
                    cold[name][1] = theirs_all if "searches" in name else theirs_filters
        finally:
            process.terminate()
            process.wait(timeout=30)
    version = (
        "gnlc on PostgreSQL, no Datasette"
        if args.postgres
        else subprocess.run(
            [str(datasette_bin()), "--version"], capture_output=True, text=True, check=True
        ).stdout.strip()
        + ": one process, no result cache"
    )
    print(
        f"\n{members:,} members, {args.users} concurrent clients, on {HOST}. gnlc:"
        f" gunicorn {args.workers} worker(s) x {args.threads} threads. {version}."
    )
    errors = 0
    if repeat:
        errors += print_table(
            f"repeat: one URL for {args.seconds:g} s (gnlc's answer cached per query)", repeat
        )
    if cold:
        errors += print_table(
            f"cold: {len(asked)} distinct questions ({len(filters)} country x cohort"
            f" filters, {len(asked) - len(filters)} name searches), each once",
            cold,
        )
        errors += print_table(
            f"directory page, cold: {len(page_questions)} of those questions as HTML",
            pages,
            datasette=False,
        )
        cpu = page_cpu(page_questions[:100])
        print(
            f"directory page CPU in one process (100 cold pages): {cpu['page']:.1f} ms a page,"
            f" of which template rendering {cpu['render']:.1f} ms"
        )
    print(
        "load: the machine's 1-minute load average at the end of each run (2 cores,"
        " shared with other sessions)"
    )
    print(f"errors: {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
