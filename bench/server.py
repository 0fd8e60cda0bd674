"""A gnlc server for load tests: a fresh SQLite database in a folder of its own,
migrated and loaded with the network's real members, served by gunicorn on 127.0.0.1
(a free port, DEBUG off, rate limits off: a load test comes from one address)."""

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BIN = Path(sys.executable).parent


def environment(data_dir: Path) -> dict:
    """The server's environment: DATABASE_URL is set, so a PostgreSQL one in the
    caller's environment (CI) is never touched."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
        "GNLC_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'gnlc.sqlite3'}",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "GNLC_RATE_LIMIT_API": "off",
        "GNLC_RATE_LIMIT_SEARCH": "off",
        "REDIS_URL": "",
        "DATABASE_REPLICA_URLS": "",
        "LOG_LEVEL": "WARNING",
        # The members' bitmaps built by the first request that needs them (warm-up
        # requests, outside the clock), as before the background build: the load tests
        # measure requests once a worker holds them, and no build thread competes with
        # the measured requests (bench/bitmaps.py --after-change measures that).
        "GNLC_MEMBER_BITMAPS": "inline",
    }


def prepare(data_dir: Path) -> dict:
    """A fresh database in `data_dir` with the real members; the server's environment."""
    shutil.rmtree(data_dir, ignore_errors=True)
    (data_dir / "static").mkdir(parents=True)  # WhiteNoise wants STATIC_ROOT to exist
    env = environment(data_dir)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
    # Quiet unless it fails: the import lists the members it cannot place on the map.
    loaded = subprocess.run(
        [*manage, "import_members", "--if-empty"], env=env, cwd=ROOT, capture_output=True
    )
    if loaded.returncode:
        raise RuntimeError(f"import_members failed:\n{loaded.stderr.decode()}")
    return env


def in_checkout(script: str, source: Path, arguments: list[str], env: dict) -> object:
    """`script` (a bench script's path) run with `arguments` in its own Python process
    with the checkout `source`'s code first on the path, in the environment `env`: the
    JSON its last line of output prints. How a bench measures this checkout and a
    baseline alike, each in a process of its own."""
    env = {**env, "PYTHONPATH": os.pathsep.join([str(source), str(ROOT / "bench")])}
    output = subprocess.run(
        [sys.executable, script, *arguments],
        env=env,
        cwd=source,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def compare_checkouts(baseline: Path | None) -> list[tuple[str, Path]] | None:
    """The checkouts a bench on the database `datasette_compare.py` made measures:
    ("now", this one) and, where given, ("baseline", `baseline`). None, said on standard
    error, while that database does not exist."""
    if not (ROOT / "bench" / "out" / "compare" / "gnlc.sqlite3").exists():
        print("No database: run bench/datasette_compare.py first.", file=sys.stderr)
        return None
    return [("now", ROOT)] + ([("baseline", baseline.resolve())] if baseline else [])


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def get(port: int, path: str, connection=None) -> tuple[int, bytes]:
    conn = connection or http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers={"Host": HOST})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    return response.status, body


@contextlib.contextmanager
def gunicorn(
    env: dict,
    *,
    workers: int,
    threads: int,
    pythonpath: Path | None = None,
    source: Path | None = None,
):
    """gunicorn serving gnlc.wsgi with `env` (and `pythonpath` first on the path, for a
    bench's own settings module); yields its port, stops it after. `source`: serve the
    gnlc of another checkout (a worktree of an older commit, for "before" figures)."""
    if source is not None:
        env = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(source)])}
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "gnlc.wsgi",
        *(["--pythonpath", str(pythonpath)] if pythonpath else []),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
        "--keep-alive",
        "5",
        "--backlog",
        "2048",
    ]
    # gunicorn puts its working directory first on the path: the checkout served.
    process = subprocess.Popen(command, cwd=source or ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(port, "/api/v1/regions")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
