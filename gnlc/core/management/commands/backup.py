from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gnlc.core import backup


class Command(BaseCommand):
    help = (
        "Write the whole database to FILE: gzip-compressed JSON with a header (format, "
        "versions, migrations), readable by its owner only, encrypted when GNLC_BACKUP_KEY "
        "is set. `gnlc restore FILE` loads it on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="print a new key for GNLC_BACKUP_KEY and exit (keep it apart from the backups)",
        )

    def handle(self, *args, file, database, new_key, verbosity, **options):
        if new_key:
            self.stdout.write(backup.new_key())
            return
        if file is None:
            raise CommandError("Name the backup file to write.")
        try:
            count = backup.backup(file, using=database)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        if verbosity >= 1:
            self.stderr.write(f"wrote {count} objects to {file}")
