"""Bench the library's search at 1,000,000 practices, on SQLite and on PostgreSQL:
prints figures, asserts nothing about time (STYLE.md rule 14).

For each database it makes a fresh database (SQLite: bench/out/library/; PostgreSQL: the
database named in --postgres, dropped and re-created), migrates it, adds --members
synthetic members (bench/generate.py) and --count synthetic practices with their themes,
SDGs and cities (bulk inserts, the search index rebuilt once at the end, as
`gnlc rebuild-search` does), and prints how long that took. Then it runs typical
searches of the library page in-process, through the page's own code (LibraryFilter:
count, the first page ranked and highlighted, and the six facets), --repeat times each
with a different word of the same frequency band, and prints p50 and p95 latency per
scenario, with the median of each part: cold (an empty cache, each search new) and warm
(the same searches again, answered from the cache).

Run:   .venv/bin/python bench/library.py                      # both, 1,000,000
       .venv/bin/python bench/library.py --count 100000 --db sqlite
       .venv/bin/python bench/library.py --db postgres --postgres postgres://postgres@127.0.0.1:5432/gnlc_bench_library
       .venv/bin/python bench/library.py --reuse                # skip generation
Target: p95 < 100 ms per scenario.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "library"
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/gnlc_h5_bench"
ENV = {
    "DJANGO_SETTINGS_MODULE": "bench_settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "SECURE_SSL_REDIRECT": "false",
    "LOG_LEVEL": "WARNING",
    "GNLC_DATA_DIR": str(OUT / "data"),
}

# Words of the domain, most common first (Zipf-weighted), then rarer invented words.
DOMAIN = [
    "learning",
    "community",
    "city",
    "education",
    "adult",
    "literacy",
    "library",
    "school",
    "centre",
    "programme",
    "young",
    "women",
    "skills",
    "training",
    "families",
    "digital",
    "health",
    "lifelong",
    "local",
    "citizens",
    "teachers",
    "workshop",
    "volunteers",
    "learners",
    "reading",
    "sustainable",
    "inclusion",
    "culture",
    "network",
    "partnership",
    "children",
    "university",
    "employment",
    "migrants",
    "older",
    "climate",
    "green",
    "participation",
    "museum",
    "festival",
    "mentoring",
    "entrepreneurship",
    "numeracy",
    "wellbeing",
    "refugees",
    "technology",
    "evaluation",
    "monitoring",
    "planning",
    "governance",
    "neighbourhood",
    "garden",
    "environment",
    "heritage",
    "citizenship",
    "democracy",
    "peace",
    "arts",
    "music",
    "sport",
    "nutrition",
    "water",
    "energy",
    "recycling",
    "agriculture",
    "coding",
    "apprenticeship",
    "vocational",
    "disability",
    "gender",
    "equity",
    "poverty",
    "housing",
    "transport",
    "tourism",
    "innovation",
    "research",
    "dialogue",
    "intergenerational",
    "indigenous",
    "rural",
    "urban",
    "online",
    "radio",
    "mobile",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "su",
    "ta",
    "ri",
    "vo",
    "zen",
    "pa",
    "qui",
    "lu",
    "dor",
    "an",
    "el",
    "ur",
    "is",
    "om",
    "bre",
    "tra",
]
THEMES = [
    ("educational-planning", "Educational planning"),
    ("entrepreneurship", "Entrepreneurship"),
    ("equity-and-inclusion", "Equity and inclusion"),
    ("health-and-well-being", "Health and well-being"),
    ("education-for-sustainable-development", "Education for sustainable development"),
    ("literacy", "Literacy"),
    ("monitoring-and-evaluation", "Monitoring and evaluation"),
    ("citizenship-education", "Citizenship education"),
]
LANGUAGES = (["en"] * 55) + (["fr"] * 15) + (["es"] * 15) + ["ar"] * 5 + ["zh"] * 5 + ["pt"] * 5


def vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    rare = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(30_000)})
    words = DOMAIN + rare
    # Zipf: the n-th word is used in proportion to 1/n.
    cumulative, total = [], 0.0
    for n in range(1, len(words) + 1):
        total += 1 / n
        cumulative.append(total)
    return words, cumulative


def setup_django(database_url: str):
    os.environ.update(ENV)
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()


def fresh_database(database_url: str, vendor: str) -> None:
    if vendor == "sqlite":
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def generate(count: int, members_count: int, seed: int = 1) -> dict:
    """Members, then `count` published practices, bulk-inserted; the search index is
    rebuilt once at the end. Returns timings in seconds."""
    from django.db import connection, transaction
    from django.utils import timezone
    from generate import generate as generate_members

    from gnlc.cities.models import Member
    from gnlc.library.enums import SDG_NAMES
    from gnlc.library.models import Practice, Theme
    from gnlc.library.search import (
        LISTED_TERM,
        PRACTICES,
        ensure_index,
        facet_term,
        rebuild_facets,
        rebuild_index,
    )

    rng = random.Random(seed)
    timings = {}
    started = time.perf_counter()
    generate_members(members_count, seed=seed)
    timings["members"] = time.perf_counter() - started
    members = list(
        Member.objects.values_list(
            "pk", "name", "country__name", "country_id", "country__region_id"
        )
    )
    themes = {slug: pk for pk, slug in Theme.objects.values_list("pk", "slug")}
    theme_ids = [themes[slug] for slug, _name in THEMES]
    theme_names = {themes[slug]: name for slug, name in THEMES}
    words, cumulative = vocabulary(rng)

    def text(k):
        return " ".join(rng.choices(words, cum_weights=cumulative, k=k))

    # Without the triggers while loading: one rebuild at the end is much faster.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {PRACTICES.fts}_{suffix}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")
        else:  # the trigger fills the search table on insert; its GIN index is built after
            cursor.execute(f"DROP INDEX IF EXISTS {PRACTICES.fts}_search")

    started = time.perf_counter()
    start = timezone.now() - dt.timedelta(days=61)
    through_themes = Practice.themes.through
    through_sdgs = Practice.sdgs.through
    through_members = Practice.members.through
    batch = 10_000
    next_id = 1
    for offset in range(0, count, batch):
        size = min(batch, count - offset)
        practices, pt, ps, pm = [], [], [], []
        for n in range(size):
            pk = next_id + n
            chosen_themes = rng.sample(theme_ids, rng.choice([1, 1, 2, 2, 3]))
            sdgs = {4} | set(rng.sample(range(1, 18), rng.choice([0, 1, 2])))
            cities = [rng.choice(members)] + ([rng.choice(members)] if rng.random() < 0.1 else [])
            tags = " · ".join(
                [theme_names[t] for t in chosen_themes]
                + [f"SDG {s} {SDG_NAMES[s]}" for s in sorted(sdgs)]
                + [f"{name} {country}" for _pk, name, country, _iso, _region in cities]
            )
            body = text(40)
            year, language = rng.randint(2000, 2025), rng.choice(LANGUAGES)
            facets = {("year", year), ("language", language)}
            facets |= {("theme", t) for t in chosen_themes} | {("sdg", s) for s in sdgs}
            facets |= {("country", c[3]) for c in cities} | {("region", c[4]) for c in cities}
            practices.append(
                Practice(
                    pk=pk,
                    title=text(6).capitalize(),
                    slug=f"p-{pk}",
                    summary=text(20),
                    body=body,
                    plain_text=body,
                    search_tags=tags,
                    year_started=year,
                    language=language,
                    facet_terms=" ".join(
                        sorted({LISTED_TERM} | {facet_term(f, v) for f, v in facets})
                    ),
                    state="published",
                    # Distinct dates, mostly in the order of the ids (one practice
                    # published every few minutes, some late), as a real library's.
                    published_at=start
                    - dt.timedelta(minutes=5 * (count - pk))
                    + dt.timedelta(days=rng.choice([0] * 19 + [rng.randint(1, 60)])),
                )
            )
            pt += [through_themes(practice_id=pk, theme_id=t) for t in chosen_themes]
            ps += [through_sdgs(practice_id=pk, sdg_id=s) for s in sdgs]
            pm += [through_members(practice_id=pk, member_id=c[0]) for c in set(cities)]
        with transaction.atomic():
            Practice.objects.bulk_create(practices, batch_size=2000)
            through_themes.objects.bulk_create(pt, batch_size=5000)
            through_sdgs.objects.bulk_create(ps, batch_size=5000)
            through_members.objects.bulk_create(pm, batch_size=5000)
        next_id += size
        done = offset + size
        if done % 100_000 == 0 or done == count:
            print(f"  {done:>9,} practices  {time.perf_counter() - started:7.1f} s", flush=True)
    timings["practices"] = time.perf_counter() - started

    started = time.perf_counter()
    ensure_index(connection)
    if connection.vendor == "sqlite":
        rebuild_index(connection, [PRACTICES])
    rebuild_facets(connection)  # the facet table, as `gnlc rebuild-search` does
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    timings["index"] = time.perf_counter() - started
    return timings


# Each scenario: (name, params, band of words its `q` is drawn from, or None).
SCENARIOS = [
    ("browse, no filter (facets of all)", {}, None),
    ("theme + sdg, no words", {"theme": "entrepreneurship", "sdg": "8"}, None),
    ("q = common word", {}, DOMAIN[:15]),
    ("q = mid-frequency word", {}, DOMAIN[40:90]),
    ("q = rare word", {}, "rare"),
    ("q = two words", {}, "pair"),
    ("q = common word + theme", {"theme": "literacy"}, DOMAIN[:15]),
    ("q = mid word + region + language", {"region": "africa", "language": "fr"}, DOMAIN[20:60]),
]


def _search(query: dict) -> tuple[int, tuple[float, float, float]]:
    """One search as the page runs it: count, first page (with what the template
    reads), facets. Returns the count and the three parts' times in ms."""
    from gnlc.library.forms import LibraryFilter

    form = LibraryFilter(query)
    assert form.is_valid(), form.errors
    t0 = time.perf_counter()
    results = form.results()
    count = results.count()
    t1 = time.perf_counter()
    page = results[0:20]
    for practice in page:  # what the template reads
        list(practice.members.all()), list(practice.themes.all())
    t2 = time.perf_counter()
    form.facets()
    t3 = time.perf_counter()
    return count, ((t1 - t0) * 1000, (t2 - t1) * 1000, (t3 - t2) * 1000)


def _line(name: str, label: str, runs: list) -> str:
    totals = sorted(sum(parts) for _count, parts in runs)
    p95 = totals[min(len(totals) - 1, round(0.95 * len(totals)) - 1)]
    med = [statistics.median(parts[i] for _count, parts in runs) for i in range(3)]
    hits = int(statistics.median(count for count, _parts in runs))
    return (
        f"  {name:<34} {label:<4} {statistics.median(totals):7.1f}ms {p95:7.1f}ms "
        f"{totals[-1]:7.1f}ms   {med[0]:6.1f} / {med[1]:6.1f} / {med[2]:6.1f}; {hits:,}"
    )


def measure(repeat: int, seed: int = 7) -> None:
    """Each scenario --repeat times with different words of the same band, on an empty
    cache (cold: every search is new), then the same searches again (warm: served from
    the cache, as a popular link or the landing page is)."""
    from django.core.cache import cache
    from django.db import connection

    from gnlc.library.models import Practice

    rng = random.Random(seed)
    words, _cumulative = vocabulary(random.Random(1))
    rare = words[len(DOMAIN) + 200 : len(DOMAIN) + 5000]
    print(
        f"\n{connection.vendor}: {Practice.objects.count():,} practices; "
        f"{repeat} searches per scenario (page of 20 + count + 6 facets); cache "
        f"{type(cache).__name__}"
    )
    print(
        f"  {'scenario':<34} {'':<4} {'p50':>8} {'p95':>8} {'max':>8}"
        "   median: count / page / facets; rows (about, if broad)"
    )
    cache.clear()
    for name, params, band in SCENARIOS:
        queries = []
        for _ in range(repeat):
            query = dict(params)
            if band == "rare":
                query["q"] = rng.choice(rare)
            elif band == "pair":
                query["q"] = f"{rng.choice(DOMAIN[:30])} {rng.choice(DOMAIN[30:80])}"
            elif band:
                query["q"] = rng.choice(band)
            queries.append(query)
        # A query repeated within the band is warm already: cold figures take only the
        # first time each query is run.
        cold, seen = [], set()
        for query in queries:
            key = tuple(sorted(query.items()))
            run = _search(query)
            if key not in seen:
                cold.append(run)
            seen.add(key)
        warm = [_search(query) for query in queries]
        print(_line(name, "cold", cold))
        print(_line("", "warm", warm))


def worker(args) -> None:
    vendor = "sqlite" if args.db == "sqlite" else "postgresql"
    url = f"sqlite:///{OUT / 'library.sqlite3'}" if vendor == "sqlite" else args.postgres
    if not args.reuse:
        fresh_database(url, vendor)
    setup_django(url)
    from django.core.management import call_command

    if args.reuse:  # new migrations (the facet table is filled by its migration)
        from django.db import connection

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            # PostgreSQL: VACUUM too, so index-only scans need not visit the table
            # (autovacuum would, some time after a bulk load).
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        print(f"{vendor}: migrated and analysed in {time.perf_counter() - started:.0f} s")
    else:
        (OUT / "data" / "static").mkdir(parents=True, exist_ok=True)
        call_command("migrate", verbosity=0, interactive=False)
        print(f"{vendor}: generating {args.count:,} practices for {args.members:,} members")
        timings = generate(args.count, args.members)
        print(
            f"{vendor}: generated in {sum(timings.values()):.0f} s "
            f"(members {timings['members']:.0f} s, practices {timings['practices']:.0f} s, "
            f"search index and ANALYZE {timings['index']:.0f} s)"
        )
    measure(args.repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="PostgreSQL URL (dropped!)")
    parser.add_argument("--reuse", action="store_true", help="keep the generated data")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    # One process per database: Django's settings are read once per process.
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        command = [sys.executable, __file__, "--worker", "--db", db]
        command += ["--count", str(args.count), "--members", str(args.members)]
        command += ["--repeat", str(args.repeat), "--postgres", args.postgres]
        command += ["--reuse"] if args.reuse else []
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
