from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gnlc.cities import importer
from gnlc.cities.models import Member


class Command(BaseCommand):
    help = (
        "Import members from a CSV file with the columns of the shipped gnlc_members.csv "
        "(or member_by in place of year_joined, as gnlc_members_on_record.csv). Without "
        "FILE, load the network's real data shipped with gnlc (cohorts, members, members "
        "on record). "
        "Every row is checked first; with any bad row nothing is written unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="CSV file (UTF-8)")
        parser.add_argument("--cohorts", type=Path, help="a cohorts.csv to load first")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="write the good rows, skip the bad"
        )
        # `make run` loads the real data on every start; on a loaded database it should
        # cost one query, not a re-validation of every row.
        parser.add_argument(
            "--if-empty",
            action="store_true",
            dest="if_empty",
            help="load only when the database holds no members yet",
        )

    def handle(
        self,
        *args,
        file=None,
        cohorts=None,
        dry_run=False,
        skip_invalid=False,
        if_empty=False,
        **opts,
    ):
        if if_empty and Member.objects.exists():
            self.stdout.write(
                f"{Member.objects.count()} members already loaded; skipped the import (--if-empty)."
            )
            return
        if file is not None and not file.exists():
            raise CommandError(f"{file}: no such file.")
        quiet = opts["verbosity"] < 1

        def progress(rows, total):
            return tqdm(
                rows,
                total=total,
                desc="members",
                unit="row",
                disable=quiet or total < 500,
                file=self.stderr._out,
            )

        options = {"dry_run": dry_run, "skip_invalid": skip_invalid, "progress": progress}
        try:
            if file is None:
                files = list(importer.SHIPPED_FILES)
                results = importer.import_shipped_data(**options)
            else:
                files = [file]
                results = [importer.import_members_file(file, cohorts_file=cohorts, **options)]
        except importer.ImportFileError as exc:
            raise CommandError(str(exc)) from None
        errors = 0
        for path, result in zip(files, results, strict=True):
            for error in result.errors:
                self.stderr.write(f"{path.name}: {error}")
            errors += len(result.errors)
        if errors and not skip_invalid and not dry_run:
            raise CommandError(
                f"{errors} bad row(s); nothing was written. Fix them, or pass "
                "--skip-invalid to import the other rows."
            )
        if dry_run:
            for path, result in zip(files, results, strict=True):
                self.stdout.write(
                    f"{path.name}: {result.good} good row(s), {len(result.errors)} bad; "
                    "nothing written (dry run)."
                )
            if errors:
                raise CommandError(f"{errors} bad row(s).")
            return
        for path, result in zip(files, results, strict=True):
            for name in result.unplaced:
                self.stderr.write(
                    f"could not place {name}: add latitude and longitude columns, or map the "
                    "name in gnlc/cities/data/places.csv"
                )
            for change in result.corrected:
                self.stdout.write(f"corrected {change}")
            self.stdout.write(
                f"{path.name}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {len(result.errors)} skipped, "
                f"{len(result.unplaced)} without coordinates."
            )
