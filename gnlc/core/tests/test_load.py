"""The short load test: bench/load.py with 20 users for 10 seconds against gunicorn on
loopback, on a database of its own. Asserts no request failed, never a timing."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_load_of_20_users_for_10_seconds_has_no_error(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "load.py"),
            *("--users", "20", "--seconds", "10", "--data-dir", str(tmp_path / "load")),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "errors: 0" in result.stdout
