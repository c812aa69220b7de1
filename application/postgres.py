"""The PostgreSQL recorder with the text and stakeholder tables.

Imported only when a PostgreSQL database is configured, so that SQLite users need
no PostgreSQL driver (``pip install 'samenspraak[postgres]'`` brings it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

from samenspraak.application.persistence import (
    STAKEHOLDERS_TABLE,
    TEXTS_TABLE,
    TextStoreRecorder,
    create_statements,
)


class PostgresSamenspraakRecorder(TextStoreRecorder, PostgresApplicationRecorder):
    """The PostgreSQL application recorder with the text and stakeholder tables."""

    p = "%s"

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        schema = self.datastore.schema
        self.texts_table = f"{schema}.{TEXTS_TABLE}"
        self.stakeholders_table = f"{schema}.{STAKEHOLDERS_TABLE}"
        for statement in create_statements(self.texts_table, self.stakeholders_table):
            self.sql_create_statements.append(SQL(statement).format())

    @property
    def events_table(self) -> str:
        return (
            SQL("{}.{}")
            .format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)
            )
            .as_string()
        )

    def _insert_events(
        self,
        curs: Any,
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        self._write_rows(curs, kwargs.get("texts", ()), kwargs.get("stakeholders", ()))

    def select_records(
        self, after: int, limit: int
    ) -> list[tuple[int, str, int, str, bytes]]:
        rows = self._read(
            "SELECT notification_id, originator_id, originator_version, topic, state "
            f"FROM {self.events_table} WHERE notification_id > %s "
            "ORDER BY notification_id LIMIT %s",
            [after, limit],
        )
        return [
            (
                r["notification_id"],
                r["originator_id"].hex,
                r["originator_version"],
                r["topic"],
                bytes(r["state"]),
            )
            for r in rows
        ]

    def _read(self, statement: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, list(params))
            return [dict(row) for row in curs.fetchall()]


def check_reachable(env: Mapping[str, str]) -> str | None:
    """Connect once with the settings of ``env``: None when the server answers,
    else why not, in words (a wrong user, a missing database, no server there).
    Without it, the connection pool says only that it got no connection in time."""
    try:
        psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            dbname=env["POSTGRES_DBNAME"],
            user=env["POSTGRES_USER"],
            password=env.get("POSTGRES_PASSWORD") or None,
            connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
        ).close()
    except psycopg.OperationalError as error:
        first = (str(error).strip().splitlines() or ["no connection"])[0]
        reason = first.rpartition("failed: ")[2].replace("FATAL:", "").strip()
        if "refused" in reason.lower():
            reason = (
                f"no PostgreSQL answers at {env['POSTGRES_HOST']}:"
                f"{env['POSTGRES_PORT']} (the connection was refused)"
            )
        return reason.rstrip(".")
    return None
