"""The member import against sqlite-utils inserting the same CSV, in one run.

Writes a CSV of --rows synthetic members (names like bench/generate.py's, the real countries
and regions, cohorts 2015-2025, coordinates given), then times, each into a fresh SQLite
file in bench/out/importer/:

- `gnlc import_members FILE --cohorts <shipped cohorts>` (migrated database; every row
  checked, then members, their admissions and one audit entry written), with the peak
  memory (maximum resident set size) of its process, from GNU time;
- `sqlite-utils insert db members FILE --csv` (rows as they are: no check, no history),
  from its own virtual environment, bench/.venv-datasette (installed on first run);
- with --baseline DIR, the import of another checkout's gnlc (before/after figures).

Prints seconds, rows per second and the ratio to sqlite-utils. The memory of the import
at --rows and at a quarter of them says whether it grows with the file. Then the
duplicate check alone (`SeenKeys.first_line` over the file's keys, fresh, best of seven),
in each checkout: a few percent of the import, which the whole import's seconds on a
shared machine blur.

Run:  .venv/bin/python bench/importer.py [--rows 20000] [--baseline /tmp/main]
"""

import argparse
import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import ROOT, environment

OUT = ROOT / "bench" / "out" / "importer"
# Name parts, accents included (as bench/generate.py's, which needs Django set up).
HEADS = ["San", "Nova", "Ban", "Kara", "Bel", "Mar", "Tân", "Cao", "Al", "Santa", "Port", "Rio"]
TAILS = ["lãnh", "ville", "grad", "abad", "polis", "ton", "burg", "ēna", "ström", "mont", "ia"]
TOOLS = ROOT / "bench" / ".venv-datasette"


def sqlite_utils() -> Path:
    binary = TOOLS / "bin" / "sqlite-utils"
    if not binary.exists():
        import venv

        if not (TOOLS / "bin" / "pip").exists():
            venv.create(TOOLS, with_pip=True)
        subprocess.run(
            [str(TOOLS / "bin" / "pip"), "install", "--quiet", "sqlite-utils"], check=True
        )
    return binary


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    with (ROOT / "gnlc" / "cities" / "data" / "countries.csv").open(encoding="utf-8-sig") as f:
        countries = [(r["iso2"], r["name"], r["unesco_region"]) for r in csv.DictReader(f)]
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "city",
                "country",
                "iso2",
                "region",
                "year_joined",
                "source_url",
                "latitude",
                "longitude",
            ]
        )
        for i in range(rows):
            iso2, name, region = rng.choice(countries)
            city = f"{rng.choice(HEADS)} {rng.choice(HEADS)}{rng.choice(TAILS)} {i}"
            out.writerow(
                [
                    city,
                    name,
                    iso2,
                    region,
                    rng.randint(2015, 2025),
                    f"https://example.org/{i}",
                    round(rng.uniform(-60, 70), 5),
                    round(rng.uniform(-180, 180), 5),
                ]
            )


def gnlc_import(csv_path: Path, folder: Path, source: Path | None = None) -> dict:
    """Migrate a fresh database in `folder`, then time the import alone."""
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    (folder / "static").mkdir(parents=True)
    env = environment(folder)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(source)])
    root = source or ROOT
    manage = [sys.executable, str(root / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, cwd=root, check=True)
    cohorts = root / "gnlc" / "cities" / "data" / "cohorts.csv"
    command = [*manage, "import_members", str(csv_path), "--cohorts", str(cohorts), "-v0"]
    # GNU time reports the import process's maximum resident set size (KB).
    usage = folder / "time.txt"
    began = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(usage), *command],
        env=env,
        cwd=root,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - began
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    peak = int(usage.read_text().split()[-1])
    return {"seconds": seconds, "peak_mb": peak / 1024, "out": done.stdout.strip()}


# The duplicate check alone, run in a checkout's own process (its code first on the path).
SEEN_KEYS = """
import csv, sys, time
from gnlc.cities.importer import SeenKeys
with open(sys.argv[1], encoding="utf-8") as f:
    keys = [f"{row['iso2']} {row['city'].lower()}" for row in csv.DictReader(f)]
best = float("inf")
for _ in range(7):
    with SeenKeys() as seen:
        began = time.process_time()
        for line, key in enumerate(keys, start=2):
            seen.first_line(key, line)
        best = min(best, time.process_time() - began)
print(best)
"""


def duplicate_check(csv_path: Path, source: Path | None = None) -> float:
    """CPU seconds of the duplicate check over `csv_path`'s rows, in `source`'s gnlc."""
    root = source or ROOT
    env = environment(OUT / "gnlc")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "bench"), str(root)])
    code = SEEN_KEYS.replace("sys.argv[1]", repr(str(csv_path)))
    manage = [sys.executable, str(root / "manage.py"), "shell", "--no-imports", "-c", code]
    done = subprocess.run(manage, env=env, cwd=root, check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def sqlite_utils_import(csv_path: Path, folder: Path) -> float:
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    folder.mkdir(parents=True)
    began = time.perf_counter()
    subprocess.run(
        [
            str(sqlite_utils()),
            "insert",
            str(folder / "db.sqlite3"),
            "members",
            str(csv_path),
            "--csv",
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--baseline", type=Path, help="also import with this checkout's gnlc")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sqlite_utils()
    big, small = OUT / "members.csv", OUT / "members-quarter.csv"
    write_csv(big, args.rows)
    write_csv(small, args.rows // 4)
    theirs = sqlite_utils_import(big, OUT / "sqlite-utils")
    runs = {"gnlc": gnlc_import(big, OUT / "gnlc")}
    quarter = gnlc_import(small, OUT / "gnlc-quarter")
    if args.baseline:
        runs["gnlc before"] = gnlc_import(big, OUT / "gnlc-before", args.baseline)
    print(f"\n{args.rows:,} rows (CSV {big.stat().st_size / 1e6:.1f} MB)")
    print(f"{'importer':<16}{'seconds':>9}{'rows/s':>9}{'x sqlite-utils':>16}{'peak MB':>9}")
    print(f"{'sqlite-utils':<16}{theirs:>9.2f}{args.rows / theirs:>9.0f}{1:>16.1f}{'':>9}")
    for name, run in runs.items():
        print(
            f"{name:<16}{run['seconds']:>9.2f}{args.rows / run['seconds']:>9.0f}"
            f"{run['seconds'] / theirs:>16.1f}{run['peak_mb']:>9.0f}"
        )
    print(
        f"gnlc at {args.rows // 4:,} rows: {quarter['seconds']:.2f} s,"
        f" peak {quarter['peak_mb']:.0f} MB"
    )
    print(runs["gnlc"]["out"])
    checks = {"gnlc": duplicate_check(big)}
    if args.baseline:
        checks["gnlc before"] = duplicate_check(big, args.baseline)
    for name, seconds in checks.items():
        print(
            f"duplicate check alone, {name}: {seconds:.3f} s of CPU"
            f" ({1e6 * seconds / args.rows:.1f} µs a row)"
        )
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
