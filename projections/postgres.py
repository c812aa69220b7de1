"""The views on PostgreSQL: the same logic, PostgreSQL's placeholders and locks.

Imported only when a PostgreSQL database is configured.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from psycopg.sql import SQL

from samenspraak.projections.views import (
    ROWS_PER_PAGE,
    VERSIONS_TABLE,
    AuditTrailLogic,
    BaseView,
    Cursor,
    ProcessStateLogic,
    ResponseReportLogic,
)

TRACKING_TABLE = "samenspraak_tracking"


class PostgresView(BaseView, PostgresTrackingRecorder):
    """A view in the PostgreSQL schema, beside the event store."""

    p = "%s"
    by_code_point = ' COLLATE "C"'

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, tracking_table_name=TRACKING_TABLE, **kwargs)
        for statement in [*self.view_statements(), *self.version_statements()]:
            self.sql_create_statements.append(SQL(statement).format())

    @property
    def _tracking(self) -> str:
        return f"{self.datastore.schema}.{self.tracking_table_name}"

    def _table(self, name: str) -> str:
        return f"{self.datastore.schema}.{name}"

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f"INSERT INTO {self._tracking} VALUES (%s, 0) ON CONFLICT DO NOTHING",
                [self.view_name],
            )

    def _transaction(self) -> Any:
        return self.datastore.transaction(commit=True)

    def _lock_position(self, c: Cursor) -> int:
        c.execute(
            f"SELECT notification_id FROM {self._tracking} "
            "WHERE application_name = %s FOR UPDATE",
            [self.view_name],
        )
        row = c.fetchone()
        return int(row["notification_id"]) if row else 0

    def _track(self, c: Cursor, tracking: Tracking) -> None:
        self._insert_tracking(c, tracking)  # type: ignore[arg-type]

    def _reset_position(self, c: Cursor) -> None:
        c.execute(
            f"UPDATE {self._tracking} SET notification_id = 0 "
            "WHERE application_name = %s",
            [self.view_name],
        )

    def _read(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, list(params))
            return [dict(row) for row in curs.fetchall()]

    @contextmanager
    def _snapshot(self) -> Iterator[Any]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield curs

    def _rows_in(self, c: Any, statement: str) -> Iterator[tuple[Any, ...]]:
        # A cursor on the server: the rows come a page at a time.
        with c.connection.cursor(name=f"rows_{uuid.uuid4().hex}") as rows:
            rows.execute(statement)
            while page := rows.fetchmany(ROWS_PER_PAGE):
                yield from (
                    tuple(row.values()) if isinstance(row, dict) else tuple(row)
                    for row in page
                )

    def _position_in(self, c: Any) -> int:
        c.execute(
            f"SELECT notification_id FROM {self._tracking} WHERE application_name = %s",
            [self.view_name],
        )
        row = c.fetchone()
        return int(row["notification_id"]) if row else 0

    def _version_in(self, c: Any) -> int | None:
        c.execute("SELECT to_regclass(%s) AS found", [self._table(VERSIONS_TABLE)])
        table = c.fetchone()
        if table is None or table["found"] is None:
            return None
        c.execute(
            f"SELECT version FROM {self._table(VERSIONS_TABLE)} WHERE view_name = %s",
            [self.view_name],
        )
        row = c.fetchone()
        return None if row is None else int(row["version"])


class PostgresProcessStateView(ProcessStateLogic, PostgresView):
    """The process state in PostgreSQL."""


class PostgresAuditTrailView(AuditTrailLogic, PostgresView):
    """The audit trail in PostgreSQL."""


class PostgresResponseReportView(ResponseReportLogic, PostgresView):
    """The response report in PostgreSQL."""


def view_tables() -> list[str]:
    """Every table the views keep in a schema, the tracking table first and the
    table of the views' logic versions last."""
    return [
        TRACKING_TABLE,
        *(
            table
            for view in (ProcessStateLogic, AuditTrailLogic, ResponseReportLogic)
            for table in view.tables
        ),
        VERSIONS_TABLE,
    ]
