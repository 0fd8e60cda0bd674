"""The database settings, from a URL (`DATABASE_URL`, `DATABASE_REPLICA_URLS`).

SQLite serves the web (several threads or gunicorn workers writing at once) as a server
should (see docs/deploy.md):

- WAL journal mode: readers never wait for the writer, nor the writer for readers;
- a busy timeout (`SQLITE_BUSY_TIMEOUT` seconds): a writer waits for the one before it
  rather than failing at once with "database is locked";
- `BEGIN IMMEDIATE` transactions (Django's `transaction_mode`): a transaction takes the
  write lock when it starts. A deferred one that reads first (the nomination quota is
  counted, then the nomination written) would have to upgrade its lock later, and two
  of those at once deadlock: SQLite then refuses one at once, busy timeout or not.
"""

import dj_database_url

from gnlc.core.env import env_int

SQLITE = "django.db.backends.sqlite3"


def database(url: str) -> dict:
    """Django's settings for the database at `url`."""
    config = dj_database_url.parse(
        url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if config["ENGINE"] == SQLITE:
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL",
            **config.get("OPTIONS", {}),
        }
    return config
