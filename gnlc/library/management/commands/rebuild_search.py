from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from gnlc.library.search import INDEXES, ensure_index, rebuild_facets, rebuild_index


class Command(BaseCommand):
    help = (
        "Re-create the library's full-text index (SQLite FTS5 tables and triggers, or "
        "PostgreSQL's search tables and triggers) and re-read every row into it, and "
        "re-make the facet table and the facet terms, then refresh the planner's statistics "
        "(ANALYZE). "
        "Only needed after loading rows in bulk with the triggers off. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database, **options):
        connection = connections[database]
        ensure_index(connection)
        rebuild_index(connection)
        rebuild_facets(connection)
        with connection.cursor() as cursor:
            tables = ["library_practice", "library_practicefacet"]
            if connection.vendor == "postgresql":  # SQLite's FTS5 tables keep no statistics
                tables += [index.fts for index in INDEXES]
            for table in tables:
                cursor.execute(f"ANALYZE {table}")
        self.stdout.write(f"Library search index and facets rebuilt on {connection.vendor}.")
