"""Build the package as a release does and check it works on its own (CI runs this).

1. `python -m build`: the sdist, then the wheel built from the sdist (setup.py).
2. Both hold the compiled catalogues, the front-end libraries and the shipped data.
3. The wheel is installed into a new virtual environment in a scratch folder, outside
   this checkout, and run from there as docs/deploy.md says, with DEBUG off: migrate,
   import the shipped data, collectstatic, check --deploy, then gunicorn.
4. The served pages come out in English, French, Spanish and Arabic, and every static
   file a page names (with its hashed name) is served.

    python scripts/check_package.py [--dist DIR] [--keep]

--dist DIR keeps the built files there (the deploy stage, scripts/ci_deploy.sh, installs
the same wheel); --keep leaves the scratch folder for a look. Exits 1 on any failure.
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "es", "ar"]
# A string every page shows (the skip link of gnlc/templates/base.html).
EVERY_PAGE = "Skip to main content"
WHEEL_MUST_HOLD = [
    *(f"gnlc/locale/{lang}/LC_MESSAGES/django.mo" for lang in LANGUAGES),
    "gnlc/static_vendor/htmx.min.js",
    "gnlc/static_vendor/leaflet/leaflet.js",
    "gnlc/static_vendor/world-atlas/countries-110m.json",
    "gnlc/cities/data/gnlc_members.csv",
    "gnlc/cities/data/cohorts.csv",
    "gnlc/templates/base.html",
]
SDIST_MUST_HOLD = [
    *(f"locale/{lang}/LC_MESSAGES/django.mo" for lang in LANGUAGES),
    "gnlc/static_vendor/htmx.min.js",
    "gnlc/cities/data/gnlc_members.csv",
    "package-lock.json",
]
STATIC_REFERENCE = re.compile(r'(?:href|src)="(?P<url>/static/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


def step(text: str) -> None:
    print(f"--> {text}", flush=True)


def fail(text: str) -> None:
    raise SystemExit(f"check_package: {text}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def translation(lang: str, msgid: str) -> str:
    with (ROOT / "locale" / lang / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        message = read_po(po_file).get(msgid)
    if not message or not message.string:
        fail(f"{msgid!r} has no {lang} translation in the catalogue")
    return message.string


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 -- our server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def build(dist: Path) -> tuple[Path, Path]:
    step(f"python -m build --outdir {dist}")
    subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], check=True)
    wheels, sdists = sorted(dist.glob("gnlc-*.whl")), sorted(dist.glob("gnlc-*.tar.gz"))
    if not wheels or not sdists:
        fail(f"no wheel or sdist in {dist}")
    wheel, sdist = wheels[-1], sdists[-1]
    held = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in WHEEL_MUST_HOLD if name not in held]
    if missing:
        fail(f"{wheel.name} lacks {', '.join(missing)}")
    with tarfile.open(sdist) as archive:
        prefix = sdist.name.removesuffix(".tar.gz")
        held = {name.removeprefix(prefix + "/") for name in archive.getnames()}
    missing = [name for name in SDIST_MUST_HOLD if name not in held]
    if missing:
        fail(f"{sdist.name} lacks {', '.join(missing)}")
    print(f"{wheel.name} and {sdist.name} hold the catalogues, front-end files and data")
    return wheel, sdist


def install(wheel: Path, scratch: Path) -> Path:
    venv = scratch / "venv"
    step(f"pip install {wheel.name} into a new virtual environment in {scratch}")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        # --no-compile: byte-compiling all of SciPy ahead costs more than this check needs.
        [
            str(venv / "bin" / "pip"),
            "install",
            "--quiet",
            "--no-compile",
            "--disable-pip-version-check",
            wheel,
        ],
        check=True,
    )
    return venv / "bin"


def production_env(scratch: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        # Nothing of the checkout's environment leaks into the installation.
        if not key.startswith(("DJANGO_", "GNLC_", "DATABASE_", "PYTHON", "VIRTUAL_ENV"))
        and key not in {"DEBUG", "REDIS_URL", "STATIC_ROOT", "EMAIL_HOST"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        GNLC_DATA_DIR=str(scratch / "data"),
    )
    return env


def serve_and_check(bin_dir: Path, scratch: Path, env: dict) -> None:
    port = free_port()
    # Plain HTTP on the loopback: no proxy here terminates TLS.
    env = {**env, "SECURE_SSL_REDIRECT": "false"}
    step(f"gunicorn gnlc.wsgi on 127.0.0.1:{port}")
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "gnlc.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=scratch,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            if server.poll() is not None:
                fail(f"gunicorn stopped with exit code {server.returncode}")
            try:
                if fetch(base + "/")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            fail("gunicorn did not answer within a minute")
        check_pages(base)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def check_pages(base: str) -> None:
    expected = {"en": EVERY_PAGE} | {lang: translation(lang, EVERY_PAGE) for lang in LANGUAGES}
    static_urls = set()
    for lang, text in expected.items():
        path = "/" if lang == "en" else f"/{lang}/"
        status, _, body = fetch(base + path)
        page = body.decode()
        if status != 200:
            fail(f"{path} answered {status}")
        if f'lang="{lang}"' not in page or text not in page:
            fail(f"{path} is not in {lang}: {text!r} missing")
        print(f"{path}: 200, in {lang} ({text!r})")
        static_urls |= {match["url"] for match in STATIC_REFERENCE.finditer(page)}
    vendor = [url for url in static_urls if url.startswith("/static/vendor/")]
    if not vendor:
        fail("the home page names no front-end library under /static/vendor/")
    for url in sorted(static_urls):
        status, headers, body = fetch(base + url)
        if status != 200 or not body:
            fail(f"{url} answered {status}")
        if not HASHED.search(url):
            fail(f"{url} is not named by its hash")
        if "max-age=315360000" not in headers.get("Cache-Control", ""):
            fail(f"{url} is not cached for long: {headers.get('Cache-Control')}")
    print(
        f"{len(static_urls)} static files named by the pages served, hashed ({len(vendor)} vendor)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, help="keep the built sdist and wheel here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="gnlc-package-"))
    started = time.monotonic()
    try:
        dist = args.dist.resolve() if args.dist else scratch / "dist"
        wheel, _ = build(dist)
        bin_dir = install(wheel, scratch)
        env = production_env(scratch)
        gnlc = str(bin_dir / "gnlc")
        # From the scratch folder, so nothing can come from this checkout.
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["import-members", "--if-empty"],
            ["collectstatic", "--no-input", "-v0"],
            ["check", "--deploy", "--fail-level", "WARNING"],
        ):
            step("gnlc " + " ".join(command))
            subprocess.run([gnlc, *command], cwd=scratch, env=env, check=True)
        located = subprocess.run(
            [str(bin_dir / "python"), "-c", "import gnlc; print(gnlc.__file__)"],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        if str(ROOT) in located:
            fail(f"gnlc is imported from the checkout: {located}")
        serve_and_check(bin_dir, scratch, env)
    finally:
        if args.keep:
            print(f"Kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    print(f"The package works on its own ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
