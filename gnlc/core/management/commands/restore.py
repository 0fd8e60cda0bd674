from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gnlc.core import backup


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `gnlc backup`, in one transaction. "
        "The database must be migrated to the backup's version and empty, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--force", action="store_true", help="replace the data of a non-empty database"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, force, database, verbosity, **options):
        try:
            count = backup.restore(file, force=force, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity >= 1:
            self.stderr.write(f"restored {count} objects from {file}")
