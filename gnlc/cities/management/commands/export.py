from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gnlc.cities import exports
from gnlc.cities.forms import DirectoryFilter


class Command(BaseCommand):
    help = (
        "Export members as CSV, JSON or GeoJSON (RFC 7946), to standard output or a file. "
        "The filters are the directory's (same names, same meaning as its URL), so an "
        "export equals the download of the same directory view."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["members"], help="what to export")
        parser.add_argument("--format", choices=list(exports.FORMATS), default="csv")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="members on record then")
        parser.add_argument("-o", "--output", type=Path, help="write to FILE, not stdout")
        # Each facet may repeat, as in the directory's URL: any of its values matches.
        parser.add_argument("--region", action="append", help="region slug, such as africa")
        parser.add_argument(
            "--country", action="append", help="ISO 3166-1 alpha-2 code, such as KE"
        )
        parser.add_argument("--cohort", action="append", help="cohort year")
        parser.add_argument("--status", action="append", help="active, suspended or withdrawn")
        parser.add_argument("--q", help="search in names (accents and case ignored)")

    def handle(self, *args, what, format, as_of=None, output=None, **opts):
        data = {name: opts[name] for name in ("region", "country", "cohort", "status", "q")}
        data["as_of"] = as_of
        form = DirectoryFilter({k: v for k, v in data.items() if v is not None})
        if not form.is_valid():
            problems = "".join(
                f"\n  --{field.replace('_', '-')}: {' '.join(errors)}"
                for field, errors in form.errors.items()
            )
            raise CommandError(f"bad filter value(s):{problems}")
        filters = form.filters
        chunks = exports.stream(
            format, form.queryset(), as_of=filters.get("as_of"), filters=filters
        )
        if output is None:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            return
        # Written to a file beside the output and moved into place at the end, so an
        # error half way never leaves a truncated file under the name asked for.
        partial = output.with_name(f".{output.name}.partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                out.writelines(chunks)
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        if opts["verbosity"] >= 1:
            self.stderr.write(f"wrote {output}")
