"""The settings module, run as production would run it: in a fresh process."""

import os
import subprocess
import sys

BASE_ENV = {
    k: v
    for k, v in os.environ.items()
    if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "DATABASE_URL", "GNLC_", "SECURE_"))
}


def run_gnlc(args, tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-c", "from gnlc.cli import main; main()", *args],
        env={**BASE_ENV, "GNLC_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = run_gnlc(["check"], tmp_path, DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_gnlc(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-production-like-secret-key-with-entropy-1234567890",
        ALLOWED_HOSTS="gnlc.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_bad_boolean_stops_start_up_naming_the_variable(tmp_path):
    result = run_gnlc(["check"], tmp_path, DEBUG="ture")

    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_network_name_comes_from_the_environment(tmp_path):
    result = run_gnlc(
        [
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings; print(settings.GNLC_NETWORK_NAME)",
        ],
        tmp_path,
        DEBUG="true",
        GNLC_NETWORK_NAME="Réseau des villes apprenantes",
    )

    assert result.stdout.strip() == "Réseau des villes apprenantes"


def start_wsgi(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-c", "import gnlc.wsgi"],
        env={
            **BASE_ENV,
            "GNLC_DATA_DIR": str(tmp_path),
            "STATIC_ROOT": str(tmp_path / "static"),
            "SECRET_KEY": "x" * 20 + "-production-like-secret-key-with-entropy-1234567890",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_collected_static_files_stops_at_start_saying_what_to_run(tmp_path):
    result = start_wsgi(tmp_path, DEBUG="false")

    assert result.returncode != 0
    assert (
        f"The static files are not collected: {tmp_path / 'static'} has no staticfiles.json, "
        "so no page can be served. Run `gnlc collectstatic --noinput`"
    ) in result.stderr


def test_production_with_collected_static_files_starts(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "staticfiles.json").write_text(
        '{"paths": {}, "version": "1.1", "hash": ""}'
    )

    assert start_wsgi(tmp_path, DEBUG="false").returncode == 0
    assert start_wsgi(tmp_path / "dev", DEBUG="true").returncode == 0
