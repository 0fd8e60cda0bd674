from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections

from gnlc.library.search import ensure_index, rebuild_facets, rebuild_index


class Command(BaseCommand):
    help = (
        "Re-create the library's full-text index (SQLite FTS5 tables and triggers, or "
        "PostgreSQL's search_vector column and trigger) and re-read every row into it, and "
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
            cursor.execute("ANALYZE library_practice")
            cursor.execute("ANALYZE library_practicefacet")
        self.stdout.write(f"Library search index and facets rebuilt on {connection.vendor}.")
