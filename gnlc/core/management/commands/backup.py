from pathlib import Path

from django.core.management.base import BaseCommand

from gnlc.core import backup


class Command(BaseCommand):
    help = (
        "Write the whole database to FILE: gzip-compressed JSON with a header (format, "
        "versions, migrations). `gnlc restore FILE` loads it on SQLite or PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, file, database, verbosity, **options):
        count = backup.backup(file, using=database)
        if verbosity >= 1:
            self.stderr.write(f"wrote {count} objects to {file}")
