"""Copy the few front-end files gnlc serves from node_modules into gnlc/static_vendor.

Run after `npm ci` (`make static` does both). The target folder is git-ignored: third-
party code comes from npm through package-lock.json and is never committed. Each
library's licence file is copied next to its code, since we redistribute it."""

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
TARGET = ROOT / "gnlc" / "static_vendor"

# (file in node_modules, name under static_vendor, served as static "vendor/<name>")
FILES = [
    ("htmx.org/dist/htmx.min.js", "htmx.min.js"),
    ("htmx.org/LICENSE", "licences/htmx.org.txt"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    ("leaflet/LICENSE", "licences/leaflet.txt"),
    ("leaflet.markercluster/dist/leaflet.markercluster.js", "leaflet/leaflet.markercluster.js"),
    ("leaflet.markercluster/dist/MarkerCluster.css", "leaflet/MarkerCluster.css"),
    ("leaflet.markercluster/dist/MarkerCluster.Default.css", "leaflet/MarkerCluster.Default.css"),
    ("leaflet.markercluster/MIT-LICENCE.txt", "licences/leaflet.markercluster.txt"),
    ("topojson-client/dist/topojson-client.min.js", "topojson-client.min.js"),
    ("topojson-client/LICENSE", "licences/topojson-client.txt"),
    # Natural Earth country outlines at 1:110m (public domain): the offline basemap.
    ("world-atlas/countries-110m.json", "world-atlas/countries-110m.json"),
    ("world-atlas/LICENSE", "licences/world-atlas.txt"),
    ("chart.js/dist/chart.umd.min.js", "chart.umd.min.js"),
    ("chart.js/LICENSE.md", "licences/chart.js.md"),
]


SOURCE_MAP = re.compile(r"^\s*(//|/\*)# sourceMappingURL=(?P<name>[^\s*]+).*$", re.MULTILINE)


def copy_file(source: Path, target: Path) -> None:
    """Copy one file; a JS or CSS file's source map comes along when npm ships it, and its
    reference is dropped when it does not (the production static storage follows every
    reference, and a dangling one fails `collectstatic`)."""
    if source.suffix not in {".js", ".css"}:
        shutil.copyfile(source, target)
        return
    text = source.read_text(encoding="utf-8")
    match = SOURCE_MAP.search(text)
    if match:
        map_file = source.parent / match["name"]
        if map_file.exists():
            shutil.copyfile(map_file, target.parent / match["name"])
        else:
            text = SOURCE_MAP.sub("", text)
    target.write_text(text, encoding="utf-8")


def main() -> int:
    missing = [src for src, _ in FILES if not (NODE_MODULES / src).exists()]
    if missing:
        print(
            "Missing in node_modules (run `npm ci` first): " + ", ".join(missing),
            file=sys.stderr,
        )
        return 1
    for src, dest in FILES:
        source, target = NODE_MODULES / src, TARGET / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            copy_file(source, target)
    print(f"Copied {len(FILES)} front-end files into {TARGET.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
