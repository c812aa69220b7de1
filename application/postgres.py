"""The PostgreSQL recorder with the text and stakeholder tables.

Imported only when a PostgreSQL database is configured, so that SQLite users need
no PostgreSQL driver (``pip install 'samenspraak[postgres]'`` brings it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

from samenspraak.application.errors import StorageError
from samenspraak.application.persistence import (
    COMMANDS_TABLE,
    STAKEHOLDERS_TABLE,
    TEXTS_TABLE,
    CommandGiven,
    TextStoreRecorder,
    _command_row,
    _Cursor,
    create_statements,
    given_again,
)
from samenspraak.application.turns import share_in_transaction
from samenspraak.projections.postgres import view_tables


class PostgresSamenspraakRecorder(TextStoreRecorder, PostgresApplicationRecorder):
    """The PostgreSQL application recorder with the text and stakeholder tables."""

    body_bytes = "convert_to(body, 'UTF8')"

    p = "%s"
    for_share = " FOR SHARE"
    for_update = " FOR UPDATE"

    def __init__(
        self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self._prepare_nothing()
        schema = self.datastore.schema
        self.texts_table = f"{schema}.{TEXTS_TABLE}"
        self.stakeholders_table = f"{schema}.{STAKEHOLDERS_TABLE}"
        self.commands_table = f"{schema}.{COMMANDS_TABLE}"
        for statement in create_statements(
            self.texts_table, self.stakeholders_table, self.commands_table
        ):
            self.sql_create_statements.append(SQL(statement).format())

    def _prepare_nothing(self) -> None:
        """No statement is prepared on the server by the connections the pool
        opens from now on (see :meth:`_insert_events` for those it opened
        already). Under many writers, with commands refused inside the library's
        pipelined writes, the driver's record of what it had prepared fell out
        of step with the server, and a command was refused with "prepared
        statement ... does not exist" or a pipeline aborted, for no reason a
        person could act on. The engine's statements are few and short: planning
        them each time costs little beside a command."""
        kwargs = self.datastore.pool.kwargs
        if isinstance(kwargs, dict):  # the library's: connections opened later
            kwargs["prepare_threshold"] = None

    def forget_commands(self, before: str) -> int:
        """Forget the ids of the commands recorded before ``before``; how many."""
        with self.datastore.transaction(commit=True) as c:
            return self._forget_commands_in(c, before)

    @property
    def events_table(self) -> str:
        return (
            SQL("{}.{}")
            .format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)
            )
            .as_string()
        )

    position_column = "notification_id"

    def originator_param(self, aggregate_id: UUID) -> Any:
        return aggregate_id

    def _insert_events(
        self,
        curs: Any,
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> None:
        curs.connection.prepare_threshold = None  # one opened earlier too
        deadline = kwargs.get("share_turn")
        if deadline is not None:  # first, holding nothing yet: see turns.py
            share_in_transaction(
                curs, self.datastore.schema, deadline, self.datastore.lock_timeout
            )
        # Then the command's id, holding only the turn's share: a command given
        # with the same id at the same moment waits here for this one to end.
        self._claim_command(curs, kwargs.get("command"))
        self._write_directory_first(curs, kwargs)
        super()._insert_events(curs, stored_events, **kwargs)
        self._write_rows(curs, kwargs.get("texts", ()), kwargs.get("stakeholders", ()))
        if kwargs.get("erasure") is not None:
            self._erase_rows(curs, kwargs["erasure"])
        since, read = kwargs.get("nothing_since"), kwargs.get("unchanged")
        if since is not None or read is not None:
            # The library takes this lock before it inserts the events; taken
            # now, no other writer records events until this transaction ends, so
            # what the command read is still all there is. Taken after the
            # directory's rows, as every writer takes them: no two wait for each
            # other. (Raised here, an error rolls the transaction back; raised
            # where the library inserts, it would not.)
            self._lock_table(curs)
            self._refuse_what_came_since(curs, since)
            self._refuse_what_changed_since_read(curs, read)

    def _claim_command(self, c: _Cursor, given: CommandGiven | None) -> None:
        """The command's row, written first (its position comes once its events
        are written: :meth:`_fetch_ids_after_insert_events`). Another transaction
        that wrote the same id and has not ended yet is waited for: when it is
        committed, nothing is written here and this command is refused
        (:func:`given_again`); when it is rolled back, this one writes the id. A
        duplicate id thus never raises the IntegrityError of a collision, which
        would run the command again."""
        if given is None:
            return
        c.execute(
            f"INSERT INTO {self.commands_table} (id, use_case, recorded_at) "
            "VALUES (%s, %s, %s) ON CONFLICT (id) DO NOTHING RETURNING id",
            [given.id, given.use_case, given.at],
        )
        if c.fetchall():
            return
        c.execute(
            f"SELECT id, use_case, recorded_at, position FROM {self.commands_table} "
            "WHERE id = %s",
            [given.id],
        )
        rows = c.fetchall()
        if not rows:  # pragma: no cover (an id's row is never deleted)
            msg = "A command's id was written and gone at the same moment."
            raise IntegrityError(msg)
        raise given_again(given, _command_row(rows[0]))

    def _fetch_ids_after_insert_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs)
        given = kwargs.get("command")
        if given is not None and ids:
            curs.execute(
                f"UPDATE {self.commands_table} SET position = %s WHERE id = %s",
                [min(ids), given.id],
            )
        return ids

    def write_a_new_record(
        self, writes: Iterable[tuple[Sequence[StoredEvent], Mapping[str, Any]]]
    ) -> None:
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)  # from here on, no other writer of events
            self._refuse_a_record_held(curs)
            for stored_events, rows in writes:
                self._insert_events(curs, stored_events, **rows)
                if stored_events:
                    self._insert_stored_events(curs, stored_events)

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

    def _read_tuples(self, statement: str, params: Sequence[Any]) -> list[Any]:
        with self.datastore.transaction(commit=False) as curs:
            curs.execute(statement, list(params))
            return [tuple(row.values()) for row in curs.fetchall()]


def record_tables(events_table: str = "samenspraak_events") -> list[str]:
    """Every table of a record in a schema: the events, texts and directory, and
    the views with their tracking table."""
    return [
        events_table,
        TEXTS_TABLE,
        STAKEHOLDERS_TABLE,
        COMMANDS_TABLE,
        *view_tables(),
    ]


class Opening:
    """A first connection to the server, held while the engine opens: it says in
    words why the server cannot be used, whether the schema holds a record, and
    serialises the creation of tables between processes that open at once."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.schema = env.get("POSTGRES_SCHEMA") or "public"
        try:
            self.connection = psycopg.connect(
                host=env["POSTGRES_HOST"],
                port=int(env["POSTGRES_PORT"]),
                dbname=env["POSTGRES_DBNAME"],
                user=env["POSTGRES_USER"],
                password=env.get("POSTGRES_PASSWORD") or None,
                connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "5")),
                autocommit=True,
            )
        except psycopg.OperationalError as error:
            reason = _reason(error, env)
            raise StorageError(f"The database cannot be opened: {reason}.") from None

    def has_the_schema(self) -> bool:
        """Whether the schema named in the URL exists (the engine creates tables,
        not schemas)."""
        found = self._ask(
            "SELECT 1 FROM pg_namespace WHERE nspname = %s", [self.schema]
        )
        return found is not None

    def is_a_keyword(self) -> bool:
        """Whether the schema's name is a keyword that PostgreSQL does not take as
        a name everywhere (``select``, ``user``, ``left``, ``int``): the
        event-sourcing library writes the schema's name into SQL unquoted."""
        found = self._ask(
            "SELECT 1 FROM pg_get_keywords() WHERE word = %s AND catcode <> 'U'",
            [self.schema],
        )
        return found is not None

    def holds_a_record(self, events_table: str = "samenspraak_events") -> bool:
        """Whether the schema has the engine's events table (the library names it
        after the application: ``samenspraak_events``)."""
        found = self._ask(
            "SELECT to_regclass(%s)", [f'"{self.schema}"."{events_table}"']
        )
        return found is not None and found[0] is not None

    def may_create(self, tables: Sequence[str]) -> bool:
        """Whether this user may create tables in the schema and owns those of
        ``tables`` that exist (adding an index needs the table's owner): then
        opening makes sure every table and index exists, as an upgrade may add
        some."""
        found = self._ask(
            "SELECT has_schema_privilege(current_user, %s, 'CREATE') AND "
            "coalesce((SELECT bool_and(pg_has_role(current_user, tableowner, 'USAGE')) "
            "FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)), true)",
            [self.schema, self.schema, list(tables)],
        )
        return bool(found and found[0])

    def holds_all_of(self, tables: Sequence[str]) -> bool:
        """Whether the schema has every one of these tables already: then opening
        needs no right to create or alter tables, only to use them."""
        found = self._ask(
            "SELECT count(*) FROM pg_tables WHERE schemaname = %s "
            "AND tablename = ANY(%s)",
            [self.schema, list(tables)],
        )
        return found is not None and found[0] == len(set(tables))

    def lock(self) -> None:
        """Wait until no other process is opening the same schema; held until
        :meth:`close` (tables, types and functions are created one process at a
        time, which PostgreSQL does not do by itself)."""
        self._ask(
            "SELECT pg_advisory_lock(hashtext(%s))", [f"samenspraak:{self.schema}"]
        )

    def close(self) -> None:
        self.connection.close()

    def _ask(self, query: str, params: Sequence[Any]) -> Any:
        """One row of a query; what the server refuses (such as a schema this user
        may not use) is said in words."""
        try:
            return self.connection.execute(query, list(params)).fetchone()
        except psycopg.Error as error:
            first = (str(error).strip().splitlines() or ["refused"])[0].rstrip(".")
            raise StorageError(f"The database cannot be opened: {first}.") from None


def _reason(error: psycopg.OperationalError, env: Mapping[str, str]) -> str:
    first = (str(error).strip().splitlines() or ["no connection"])[0]
    reason = first.rpartition("failed: ")[2].replace("FATAL:", "").strip()
    if env["POSTGRES_HOST"].startswith("/"):  # the folder of a Unix-domain socket
        socket = f"{env['POSTGRES_HOST'].rstrip('/')}/.s.PGSQL.{env['POSTGRES_PORT']}"
        if "refused" in reason.lower() or "no such file" in reason.lower():
            reason = f"no PostgreSQL answers on the socket {socket} ({reason.lower()})"
    elif "refused" in reason.lower():
        reason = (
            f"no PostgreSQL answers at {env['POSTGRES_HOST']}:"
            f"{env['POSTGRES_PORT']} (the connection was refused)"
        )
    return reason.rstrip(".")
