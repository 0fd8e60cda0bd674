"""The `gnlc` command: manage.py under a name that works from anywhere once installed.

Our commands are spelled with hyphens on the command line (`gnlc import-members`), as the
docs write them; Django's are modules with underscores, so the first word is translated.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gnlc.settings")
    # After the settings module is named: Django reads it on import of its commands.
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    argv = list(argv if argv is not None else sys.argv)
    if len(argv) > 1 and "-" in argv[1] and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)
