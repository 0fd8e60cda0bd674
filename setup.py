"""What a built package holds beyond the Python code: the compiled translations and the
front-end libraries, so that `pip install gnlc-<version>-py3-none-any.whl` on a server
needs neither npm nor Babel nor this source tree (docs/deploy.md).

- The catalogues (locale/<lang>/LC_MESSAGES/django.po) are compiled with Babel into
  `gnlc/locale/` inside the wheel, where the settings look first (gnlc/settings.py).
- The front-end libraries are installed from package-lock.json (`npm ci`) and copied into
  `gnlc/static_vendor/` by scripts/vendor_static.py, unless that folder is already built
  and newer than the lock file (as it is in an sdist, which carries it: building a wheel
  from the sdist needs no npm).

An editable install (`pip install -e .`, as `make install` does) does none of this:
`make static messages` builds both in place for development.
"""

import shutil
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import write_mo  # a build requirement (pyproject.toml)
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
LOCALE = ROOT / "locale"
VENDOR_BUILT = ROOT / "gnlc" / "static_vendor" / ".built"
LOCK_FILE = ROOT / "package-lock.json"


def vendor_front_end() -> None:
    """gnlc/static_vendor from package-lock.json, unless it is built and up to date."""
    if VENDOR_BUILT.exists() and VENDOR_BUILT.stat().st_mtime >= LOCK_FILE.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if not npm:
        raise SystemExit(
            "Building gnlc from a checkout needs npm, to install the front-end libraries "
            "from package-lock.json (or build from an sdist, which carries them)."
        )
    subprocess.run(  # noqa: S603 -- our own lock file, no shell
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=ROOT, check=True
    )
    subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "scripts" / "vendor_static.py")], cwd=ROOT, check=True
    )
    VENDOR_BUILT.touch()


def compile_catalogues(target: Path) -> list[Path]:
    """Compile every locale/<lang>/LC_MESSAGES/*.po into target/<lang>/LC_MESSAGES/*.mo."""
    written = []
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = target / po_path.relative_to(LOCALE).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    if not written:
        raise SystemExit(f"No catalogue in {LOCALE}: the package would speak English only.")
    return written


class BuildPy(build_py):
    """The package's files, plus the compiled catalogues and the front-end libraries."""

    def run(self):
        if not getattr(self, "editable_mode", False):
            vendor_front_end()
        super().run()
        if not getattr(self, "editable_mode", False):
            compile_catalogues(Path(self.build_lib) / "gnlc" / "locale")


class Sdist(sdist):
    """The source archive carries the built front-end libraries and compiled catalogues,
    so a wheel built from it needs no npm."""

    def run(self):
        vendor_front_end()
        compile_catalogues(LOCALE)
        super().run()


setup(cmdclass={"build_py": BuildPy, "sdist": Sdist})
