"""Job progress written where other sessions can see it while the import's transaction is open.

Why a second connection: the load runs in one transaction (all or nothing), and a progress row
updated inside it stays invisible to the jobs page until COMMIT — the job used to show
"45.9 % reading and checking petitions" for the whole load. `ProgressWriter` updates
``core_job`` through its own autocommit connection, so every stage (reading, checking, writing
each table, checking references, committing) is visible at once from any other connection.

SQLite allows one writer at a time: while the import's transaction holds the write lock, a second
connection cannot write, so there the update goes through the import's own connection (visible
at COMMIT, as before) whenever the side connection is refused.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)


class ProgressWriter:
    """``writer(percent, message)`` updates one job row through a separate connection."""

    def __init__(self, job_id: int, using: str | None = None):
        self.job_id = job_id
        self.main = connections[using or DEFAULT_DB_ALIAS]
        self._side = None

    def _connection(self):
        if self._side is None:
            settings = dict(self.main.settings_dict)
            if self.main.vendor == "sqlite":
                name = str(settings.get("NAME") or "")
                if not name or name == ":memory:" or "mode=memory" in name:
                    return None  # an in-memory database exists only on its own connection
                settings.setdefault("OPTIONS", {})
                settings["OPTIONS"] = {**settings["OPTIONS"], "timeout": 0.05}
            self._side = type(self.main)(settings, alias="cw_progress")
            self._side.ensure_connection()
            self._side.set_autocommit(True)
            if self._side.vendor == "postgresql":
                # if the caller's own transaction holds the job row, give up at once (no self-deadlock)
                with self._side.cursor() as cur:
                    cur.execute("SET lock_timeout = '200ms'")
        return self._side

    def __call__(self, percent: float, message: str = "") -> None:
        sql = "UPDATE core_job SET progress = %s, message = %s WHERE id = %s"
        params = [float(percent), message[:300], self.job_id]
        try:
            side = self._connection()
            if side is not None:
                with side.cursor() as cur:
                    cur.execute(sql, params)
                return
        except DatabaseError as exc:  # SQLite's writer lock; a PostgreSQL hiccup must not fail the import
            log.debug("progress through a second connection failed: %s", exc)
        with self.main.cursor() as cur:
            cur.execute(sql, params)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
