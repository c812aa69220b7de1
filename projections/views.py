"""Read models kept in tracking recorders, fed by one batched, pull-based catch-up.

A view's rows and its tracking position are written in one transaction, so every
event is applied exactly once and in order, and a crash at any point resumes from
the last batch written. Each view tracks under its own name (SQLite keeps one
``tracking`` table per file). Before writing a batch, a view locks its tracking row
and checks that the batch starts where the view ends: when two catch-ups run at
once, the one that loses the race finds the work done and moves on.

The views:

- :class:`ProcessStateView`: a document per initiative (see ``state.py``);
- :class:`AuditTrailView`: one row per event in global order, with the global and
  the initiative's hash chains (see ``chain.py``);
- :class:`ResponseReportView`: every reaction with its answer (the reactienota).
"""

from __future__ import annotations

import hashlib
import json
import threading
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from eventsourcing.persistence import (
    ApplicationRecorder,
    Mapper,
    Notification,
    Tracking,
    TrackingRecorder,
)
from eventsourcing.sqlite import SQLiteCursor, SQLiteDatastore, SQLiteTrackingRecorder

from samenspraak.projections.chain import (
    GENESIS,
    Head,
    canonical_record,
    content_hash,
    next_chain_hash,
)
from samenspraak.projections.state import (
    Document,
    ProcessStateProjector,
    assemble,
    has_its_shape,
    kind_of_topic,
    new_document,
    part_of,
    utc,
)
from samenspraak.projections.summary import summarise

BATCH_SIZE = 500
ROWS_PER_PAGE = 5000
VERSIONS_TABLE = "samenspraak_view_versions"
"""Per view, the version of the logic its rows were built with (beside the views'
tables, in the same database)."""
EARLIEST_LOGIC = 1
"""The version of a view with rows but none recorded: built by a release from
before versions were recorded."""
_JSON = json.JSONEncoder(separators=(",", ":"))
"""One encoder for every part written (cheaper than ``json.dumps`` per call)."""


class DamagedView(Exception):
    """A row of a view cannot be read: it was changed outside the engine. The
    argument is the view's name; rebuilding the views mends it."""


class StaleBatch(Exception):
    """Raised when a batch no longer starts where its view ends (another catch-up
    wrote it first)."""


class BuiltWithOtherLogic(Exception):
    """Raised, before anything is written, when a view is to be caught up whose
    rows were built with another logic version than its own: another version of
    samenspraak, on the same database, rebuilt it since this one checked. Rows of
    two logics never share a view; the argument is the view's name."""


class Item:
    """One notification of the log, with its decoded event and what every view asks
    of it, worked out once: its position, its time in UTC, the originator id as a
    string, the aggregate's kind and the event's name."""

    __slots__ = ("aggregate", "at", "event", "kind", "name", "notification", "position")

    def __init__(
        self,
        notification: Notification,
        event: Any,
        aggregate: str | None = None,
        kind_and_name: tuple[str, str] | None = None,
    ) -> None:
        self.notification = notification
        self.event = event
        self.position: int = notification.id
        self.at = utc(event.timestamp)
        self.aggregate = (
            aggregate if aggregate is not None else str(notification.originator_id)
        )
        self.kind, self.name = kind_and_name or kind_of_topic(notification.topic)


class Decoder:
    """Decodes notifications into items, remembering what repeats from one event to
    the next (the kind and name of each topic, each originator id as a string)."""

    def __init__(self, mapper: Mapper[Any]) -> None:
        self.mapper = mapper
        self._topics: dict[str, tuple[str, str]] = {}
        self._ids: dict[Any, str] = {}

    def items(self, notifications: Sequence[Notification]) -> list[Item]:
        decode = self.mapper.to_domain_event
        topics, ids = self._topics, self._ids
        found = []
        for n in notifications:
            kind_and_name = topics.get(n.topic)
            if kind_and_name is None:
                kind_and_name = topics[n.topic] = kind_of_topic(n.topic)
            aggregate = ids.get(n.originator_id)
            if aggregate is None:
                aggregate = ids[n.originator_id] = str(n.originator_id)
            found.append(Item(n, decode(n), aggregate, kind_and_name))
        return found


class Cursor(Protocol):
    def execute(self, statement: Any, params: Any = ..., /) -> Any: ...
    def executemany(self, statement: Any, params: Any, /) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class ViewLogic:
    """What a view stores and how a batch changes it; independent of the database."""

    view_name: ClassVar[str]
    p: ClassVar[str] = "?"
    by_code_point: ClassVar[str] = ""
    """What a text column is followed by in SQL to compare as Python compares
    strings (code point by code point): nothing in SQLite, whose texts compare
    byte by byte in UTF-8; a collation in PostgreSQL, whose default may follow a
    language's rules."""

    logic_version: ClassVar[int] = EARLIEST_LOGIC
    """The version of what the view computes from the events: raised whenever a
    release changes what it computes from events already recorded, so that a view
    built with another version is rebuilt (see ``app.Samenspraak``)."""

    tables: ClassVar[tuple[str, ...]] = ()
    """The view's own tables, besides the tracking table."""

    def table_names(self) -> list[str]:
        return list(self.tables)

    def view_statements(self) -> list[str]:
        raise NotImplementedError

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        raise NotImplementedError

    def _table(self, name: str) -> str:
        return name

    def version_statements(self) -> list[str]:
        """The table of logic versions, which every view shares."""
        return [
            f"CREATE TABLE IF NOT EXISTS {self._table(VERSIONS_TABLE)} ("
            "view_name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        ]

    def _record_version(self, c: Cursor) -> None:
        """Record that the view's rows are built with this logic version (in the
        transaction that writes them)."""
        p = self.p
        c.execute(
            f"INSERT INTO {self._table(VERSIONS_TABLE)} VALUES ({p}, {p}) "
            "ON CONFLICT (view_name) DO UPDATE SET version = excluded.version",
            [self.view_name, self.logic_version],
        )

    def _built_with_in(self, c: Any) -> int:
        """The logic version the view's rows were built with, as the transaction
        ``c`` sees it: an empty view (position 0) is current; one with rows and
        no version recorded was built before versions were recorded."""
        try:
            position = int(self._position_in(c))
        except (TypeError, ValueError):  # a position that is no number
            raise DamagedView(self.view_name) from None
        if position == 0:
            return self.logic_version
        recorded = self._version_in(c)
        return EARLIEST_LOGIC if recorded is None else recorded

    def _version_in(self, c: Any) -> int | None:
        """The version recorded for the view, None when there is none (or no table
        of versions yet: a record of an earlier release opened without creating
        tables); 0 when what is recorded is no number."""
        raise NotImplementedError

    # Provided by the backend base classes.
    def _lock_position(self, c: Cursor) -> int:
        raise NotImplementedError

    def _read(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _read_tuples(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        return [tuple(r.values()) for r in self._read(statement, params)]

    def _snapshot(self) -> Any:
        """A read transaction that sees the database as it stood when it began."""
        raise NotImplementedError

    def _rows_in(self, c: Any, statement: str) -> Iterator[tuple[Any, ...]]:
        """Every row a query finds in the transaction ``c``, a page at a time."""
        raise NotImplementedError

    def _position_in(self, c: Any) -> int:
        """The view's tracked position, as the transaction ``c`` sees it."""
        raise NotImplementedError


class BaseView(ViewLogic, TrackingRecorder):
    """The shared workings: batches, positions, clearing.

    One instance may serve many threads. What a catch-up keeps in memory (documents,
    chain heads) belongs to one catch-up at a time: ``busy`` is held while a
    catch-up or a clearing runs, so the threads of one process take turns, and
    other processes are kept apart by the tracked position."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.busy = threading.RLock()

    def position(self) -> int:
        return self.max_tracking_id(self.view_name) or 0

    def built_with(self) -> int:
        """The logic version the view's rows were built with."""
        with self._snapshot() as c:
            return self._built_with_in(c)

    def is_outdated(self) -> bool:
        """Whether the view was built with another logic version than this one."""
        return self.built_with() != self.logic_version

    def write_batch(self, expected: int, items: Sequence[Item]) -> None:
        """Apply a batch that follows ``expected``, and track its last position."""
        write_batches([self], {self: expected}, items)

    def clear(self) -> None:
        """Empty the view and reset its position, in one transaction."""
        with self.busy:
            self.forget()
            with self._transaction() as c:
                self._lock_position(c)
                self._empty(c)
                self._reset_position(c)
                self._record_version(c)

    def _empty(self, c: Cursor) -> None:
        for table in self.table_names():
            c.execute(f"DELETE FROM {self._table(table)}")

    # A view may keep what it read during one catch-up (documents, chain heads), as
    # long as nothing else wrote the view in between: ``remembers`` says whether the
    # memory is of this position; ``forget`` drops it.

    remembered_position: int | None = None
    _position_before: int = 0

    def remembers(self, position: int) -> bool:
        return self.remembered_position == position

    def forget(self) -> None:
        self.remembered_position = None

    def _owners_in(self, c: Cursor, table: str, ids: Sequence[str]) -> dict[str, str]:
        """The initiative of each of these plans and decision points, from a table
        of owners (aggregate id to initiative id)."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            c.execute(
                f"SELECT aggregate_id, initiative_id FROM {self._table(table)} "
                f"WHERE aggregate_id IN ({', '.join([self.p] * len(chunk))})",
                chunk,
            )
            found.update({r["aggregate_id"]: r["initiative_id"] for r in c.fetchall()})
        return found

    def _transaction(self) -> Any:
        raise NotImplementedError

    def _track(self, c: Cursor, tracking: Tracking) -> None:
        raise NotImplementedError

    def _reset_position(self, c: Cursor) -> None:
        raise NotImplementedError


class SQLiteView(BaseView, SQLiteTrackingRecorder):
    """A view in the SQLite file, beside the event store."""

    def __init__(self, datastore: SQLiteDatastore, **kwargs: Any) -> None:
        super().__init__(datastore, **kwargs)

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *self.view_statements(),
            *self.version_statements(),
        ]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                "INSERT INTO tracking VALUES (?, 0) ON CONFLICT DO NOTHING",
                [self.view_name],
            )

    def _transaction(self) -> Any:
        return self.datastore.transaction(commit=True)

    def _lock_position(self, c: Cursor) -> int:
        # A write first: it takes the file's write lock, so the read that follows
        # sees what any other catch-up committed.
        c.execute(
            "UPDATE tracking SET notification_id = notification_id "
            "WHERE application_name = ?",
            [self.view_name],
        )
        c.execute(
            "SELECT notification_id FROM tracking WHERE application_name = ?",
            [self.view_name],
        )
        row = c.fetchone()
        return int(row[0]) if row else 0

    def _track(self, c: Cursor, tracking: Tracking) -> None:
        assert isinstance(c, SQLiteCursor)
        self._insert_tracking(c, tracking)

    def _reset_position(self, c: Cursor) -> None:
        c.execute(
            "UPDATE tracking SET notification_id = 0 WHERE application_name = ?",
            [self.view_name],
        )

    def _read(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, list(params))
            return [dict(row) for row in c.fetchall()]

    def _read_tuples(self, statement: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, list(params))
            return [tuple(row) for row in c.fetchall()]

    def _snapshot(self) -> Any:
        return self.datastore.transaction(commit=False)  # BEGIN: one snapshot

    def _rows_in(self, c: Any, statement: str) -> Iterator[tuple[Any, ...]]:
        rows = c.sqlite_cursor.connection.execute(statement)
        while page := rows.fetchmany(ROWS_PER_PAGE):
            yield from (tuple(row) for row in page)

    def _position_in(self, c: Any) -> int:
        c.execute(
            "SELECT notification_id FROM tracking WHERE application_name = ?",
            [self.view_name],
        )
        row = c.fetchone()
        return int(row[0]) if row else 0

    def _version_in(self, c: Any) -> int | None:
        c.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
            [VERSIONS_TABLE],
        )
        if c.fetchone() is None:
            return None
        c.execute(
            f"SELECT version FROM {VERSIONS_TABLE} WHERE view_name = ?",
            [self.view_name],
        )
        row = c.fetchone()
        return None if row is None else _version(row[0])


def _version(value: Any) -> int:
    """A recorded logic version; 0 (no version of any logic) when it is no number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


# --- Process state ---------------------------------------------------------------------


class ProcessStateLogic(BaseView):
    """A document per initiative: where it stands, in full.

    Stored in parts (the core, each plan, reaction, decision point and position),
    so a batch writes only the parts its events changed, however long the history.
    """

    view_name = "samenspraak.view.process-state"
    logic_version = 8  # 2: every erasure and correction of personal data; 3: the
    # council's frameworks; 4: the process's last step (``last_step_at``) and the
    # corrections of the council's frameworks; 5: when a reaction was given
    # (``given_at``), where that is not when it was recorded; 6: every reaction
    # period a plan had (``reaction_periods``), not only the latest; 7: the
    # definition of the template each migration moved from, and the phase a
    # decision point was put in (``put_in_phase``); 8: a record withdrawn as
    # recorded by mistake no longer the last step (``last_step_at``)
    projector = ProcessStateProjector()

    tables = ("view_process_state", "view_process_owners")

    def view_statements(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self._table('view_process_state')} ("
            "initiative_id TEXT NOT NULL, part TEXT NOT NULL, seq BIGINT NOT NULL, "
            "slug TEXT, document TEXT NOT NULL, PRIMARY KEY (initiative_id, part))",
            f"CREATE TABLE IF NOT EXISTS {self._table('view_process_owners')} ("
            "aggregate_id TEXT PRIMARY KEY, initiative_id TEXT NOT NULL)",
        ]

    def forget(self) -> None:
        super().forget()
        self._documents: dict[str, Document] = {}
        self._known_owners: dict[str, str] = {}

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        p = self.p
        if not self.remembers(self._position_before):
            self.forget()
        documents = self._documents
        owners = self._known_owners
        missing = {i.aggregate for i in items} - owners.keys()
        owners.update(self._owners(c, sorted(missing)))
        new_owners: dict[str, str] = {}
        dirty: dict[tuple[str, str], int] = {}
        for item in items:
            kind = item.kind
            aggregate = item.aggregate
            initiative = self.projector.initiative_of(
                item.event, kind, owners, aggregate
            )
            if initiative is None:
                continue
            if (
                kind != "initiative"
                and aggregate not in new_owners
                and (getattr(item.event, "initiative_id", None) is not None)
            ):
                new_owners[aggregate] = initiative
            if initiative not in documents:
                documents[initiative] = self._document(c, initiative)
            touched = self.projector.apply_known(
                documents[initiative],
                item.event,
                kind=kind,
                name=item.name,
                aggregate=aggregate,
                position=item.position,
                at=item.at,
            )
            for key in ("core", *touched):
                dirty.setdefault((initiative, key), item.position)
        c.executemany(
            f"INSERT INTO {self._table('view_process_owners')} VALUES ({p}, {p})",
            list(new_owners.items()),
        )
        c.executemany(
            f"INSERT INTO {self._table('view_process_state')} "
            f"VALUES ({p}, {p}, {p}, {p}, {p}) "
            "ON CONFLICT (initiative_id, part) DO UPDATE SET "
            "slug = excluded.slug, document = excluded.document",
            [
                (
                    initiative,
                    key,
                    seq,
                    documents[initiative].get("slug"),
                    _JSON.encode(part_of(documents[initiative], key)),
                )
                for (initiative, key), seq in dirty.items()
            ],
        )

    def _owners(self, c: Cursor, ids: Sequence[str]) -> dict[str, str]:
        return self._owners_in(c, "view_process_owners", ids)

    def _part(self, text: str, key: str) -> Document:
        """A stored part of a document, read back (every part is a JSON object
        with the keys the projector writes into a part of its kind)."""
        try:
            part = json.loads(text)
        except (TypeError, ValueError, RecursionError):
            raise DamagedView(self.view_name) from None
        if not isinstance(part, dict) or not has_its_shape(key, part):
            raise DamagedView(self.view_name)
        return part

    def _document(self, c: Cursor, initiative: str) -> Document:
        c.execute(
            f"SELECT part, document FROM {self._table('view_process_state')} "
            f"WHERE initiative_id = {self.p} ORDER BY seq, part",
            [initiative],
        )
        rows = c.fetchall()
        if not rows:
            return new_document(initiative)
        return assemble(
            [(r["part"], self._part(r["document"], r["part"])) for r in rows]
        )

    def document(self, initiative_id: str) -> Document | None:
        rows = self._read(
            f"SELECT part, document FROM {self._table('view_process_state')} "
            f"WHERE initiative_id = {self.p} ORDER BY seq, part",
            [initiative_id],
        )
        if not rows:
            return None
        return assemble(
            [(r["part"], self._part(r["document"], r["part"])) for r in rows]
        )

    def documents(self) -> list[Document]:
        """Every initiative's document, in the order they were started."""
        rows = self._read(
            f"SELECT initiative_id FROM {self._table('view_process_state')} "
            "WHERE part = 'core' ORDER BY seq"
        )
        found = (self.document(r["initiative_id"]) for r in rows)
        return [d for d in found if d is not None]

    def cores(self) -> list[Document]:
        """Every initiative's core part (no plans, no decision points), in order."""
        rows = self._read(
            f"SELECT document FROM {self._table('view_process_state')} "
            "WHERE part = 'core' ORDER BY seq"
        )
        return [self._part(r["document"], "core") for r in rows]

    def slugs(self, initiative_id: str) -> dict[str, str]:
        """The references of an initiative and of its plans and decision points, by
        aggregate id; empty when there is no such initiative. Reads only the core,
        plan and decision parts (no reactions, no positions)."""
        rows = self._read(
            f"SELECT part, slug, document FROM {self._table('view_process_state')} "
            f"WHERE initiative_id = {self.p} "
            f"AND (part = 'core' OR part LIKE {self.p} OR part LIKE {self.p})",
            [initiative_id, "plan/%", "decision/%"],
        )
        found: dict[str, str] = {}
        for row in rows:
            if row["part"] == "core":
                if row["slug"] is not None:
                    found[initiative_id] = row["slug"]
            else:
                found[row["part"].partition("/")[2]] = self._part(
                    row["document"], row["part"]
                )["slug"]
        return found

    def kinds(self, initiative_id: str) -> dict[str, str]:
        """The kind each stakeholder of an initiative takes part as (the one who
        started it: ``facilitator``), by id; empty when there is no such
        initiative. Reads only the core part."""
        rows = self._read(
            f"SELECT document FROM {self._table('view_process_state')} "
            f"WHERE initiative_id = {self.p} AND part = 'core'",
            [initiative_id],
        )
        if not rows:
            return {}
        people = self._part(rows[0]["document"], "core")["stakeholders"]
        return {
            who: person["kind"]
            for who, person in people.items()
            if isinstance(person, dict) and isinstance(person.get("kind"), str)
        }

    def open_deadlines(self) -> list[dict[str, Any]]:
        """Every deadline not yet recorded as closed, in initiatives not closed:
        open decision points with a closing time and reaction periods not yet
        closed. Each: kind (``decision-point`` or ``reaction-period``), initiative
        (id and slug), subject (slug), aggregate id, closes_at (ISO) and position
        (where the subject was first written, to order ties). Reads only the
        initiatives' cores and the plan and decision parts (no reactions, no
        positions)."""
        closed = {
            r["initiative_id"]
            for r in self._read(
                f"SELECT initiative_id, document FROM "
                f"{self._table('view_process_state')} WHERE part = 'core'"
            )
            if self._part(r["document"], "core").get("closed")
        }
        rows = self._read(
            f"SELECT initiative_id, part, seq, slug, document FROM "
            f"{self._table('view_process_state')} "
            f"WHERE part LIKE {self.p} OR part LIKE {self.p} ORDER BY seq",
            ["plan/%", "decision/%"],
        )
        found: list[dict[str, Any]] = []
        for row in rows:
            if row["initiative_id"] in closed:
                continue
            kind, _, aggregate = row["part"].partition("/")
            part = self._part(row["document"], row["part"])
            if kind == "decision":
                if part.get("state") != "open" or not part.get("closes_at"):
                    continue
                closes_at, what = part["closes_at"], "decision-point"
            else:
                period = part.get("reaction_period")
                if not period or period.get("closed_at"):
                    continue
                closes_at, what = period["closes_at"], "reaction-period"
            found.append(
                {
                    "kind": what,
                    "initiative_id": row["initiative_id"],
                    "initiative": row["slug"],
                    "subject": part["slug"],
                    "aggregate_id": aggregate,
                    "closes_at": closes_at,
                    "position": row["seq"],
                }
            )
        return found


class SQLiteProcessStateView(ProcessStateLogic, SQLiteView):
    """The process state in SQLite."""


# --- Audit trail -----------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    position: int
    recorded_at: str
    initiative_id: str | None
    aggregate_kind: str
    aggregate_id: str
    version: int
    event: str
    actor: str | None
    summary: str
    content_hash: str
    chain_hash: str
    initiative_chain_hash: str | None


AUDIT_COLUMNS = [
    "position",
    "recorded_at",
    "initiative_id",
    "aggregate_kind",
    "aggregate_id",
    "version",
    "event",
    "actor",
    "summary",
    "content_hash",
    "chain_hash",
    "initiative_chain_hash",
]


class AuditTrailLogic(BaseView):
    """One row per event in global order, chained by SHA-256."""

    view_name = "samenspraak.view.audit-trail"
    logic_version = 2  # 2: the summaries' moments on Dutch clocks, whatever
    # offset they were typed in

    tables = ("view_audit_trail", "view_audit_heads", "view_audit_owners")

    def view_statements(self) -> list[str]:
        trail = self._table("view_audit_trail")
        return [
            f"CREATE TABLE IF NOT EXISTS {trail} ("
            "position BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL, "
            "initiative_id TEXT, aggregate_kind TEXT NOT NULL, "
            "aggregate_id TEXT NOT NULL, version BIGINT NOT NULL, event TEXT NOT NULL, "
            "actor TEXT, summary TEXT NOT NULL, content_hash TEXT NOT NULL, "
            "chain_hash TEXT NOT NULL, initiative_chain_hash TEXT)",
            f"CREATE INDEX IF NOT EXISTS view_audit_trail_by_initiative "
            f"ON {trail} (initiative_id, position)",
            f"CREATE TABLE IF NOT EXISTS {self._table('view_audit_heads')} ("
            "scope TEXT PRIMARY KEY, position BIGINT NOT NULL, chain_hash TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self._table('view_audit_owners')} ("
            "aggregate_id TEXT PRIMARY KEY, initiative_id TEXT NOT NULL)",
        ]

    def forget(self) -> None:
        super().forget()
        self._heads: dict[str, str] = {}
        self._known_owners: dict[str, str] = {}

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        p = self.p
        if not self.remembers(self._position_before):
            self.forget()
            c.execute(
                f"SELECT scope, chain_hash FROM {self._table('view_audit_heads')}"
            )
            self._heads = {r["scope"]: r["chain_hash"] for r in c.fetchall()}
        heads = self._heads
        owners = self._known_owners
        missing = sorted({i.aggregate for i in items} - owners.keys())
        owners.update(self._owners(c, missing))
        new_owners: dict[str, str] = {}
        rows = []
        last_position: dict[str, int] = {}
        chain = heads.get("global", GENESIS)
        for item in items:
            n = item.notification
            event = item.event
            kind, name = item.kind, item.name
            aggregate = item.aggregate
            initiative = aggregate if kind == "initiative" else owners.get(aggregate)
            if initiative is None and getattr(event, "initiative_id", None):
                initiative = str(event.initiative_id)
                owners[aggregate] = new_owners[aggregate] = initiative
            record = canonical_record(
                n.originator_id, n.originator_version, n.topic, n.state
            )
            chain = next_chain_hash(chain, record)
            initiative_chain = None
            if initiative is not None:
                initiative_chain = next_chain_hash(
                    heads.get(initiative, GENESIS), record
                )
                heads[initiative] = initiative_chain
                last_position[initiative] = n.id
            rows.append(
                (
                    n.id,
                    item.at,
                    initiative,
                    kind,
                    aggregate,
                    n.originator_version,
                    name,
                    getattr(event, "actor", None),
                    summarise(kind, name, event),
                    content_hash(record),
                    chain,
                    initiative_chain,
                )
            )
        heads["global"] = chain
        last_position["global"] = items[-1].position
        marks = ", ".join([p] * len(AUDIT_COLUMNS))
        c.executemany(
            f"INSERT INTO {self._table('view_audit_trail')} VALUES ({marks})", rows
        )
        c.executemany(
            f"INSERT INTO {self._table('view_audit_owners')} VALUES ({p}, {p})",
            list(new_owners.items()),
        )
        c.executemany(
            f"INSERT INTO {self._table('view_audit_heads')} VALUES ({p}, {p}, {p}) "
            "ON CONFLICT (scope) DO UPDATE SET position = excluded.position, "
            "chain_hash = excluded.chain_hash",
            [(scope, last_position[scope], heads[scope]) for scope in last_position],
        )

    def _owners(self, c: Cursor, ids: Sequence[str]) -> dict[str, str]:
        return self._owners_in(c, "view_audit_owners", ids)

    # --- Queries -------------------------------------------------------------------

    def aggregates_of(self, initiative_id: str) -> list[str]:
        """The ids of the initiative's plans and decision points in the trail."""
        rows = self._read(
            f"SELECT aggregate_id FROM {self._table('view_audit_owners')} "
            f"WHERE initiative_id = {self.p} ORDER BY aggregate_id",
            [initiative_id],
        )
        return [str(r["aggregate_id"]) for r in rows]

    def head(self, initiative_id: str | None = None) -> Head | None:
        rows = self._read(
            f"SELECT position, chain_hash FROM {self._table('view_audit_heads')} "
            f"WHERE scope = {self.p}",
            [initiative_id or "global"],
        )
        return Head(int(rows[0]["position"]), rows[0]["chain_hash"]) if rows else None

    def rows(
        self,
        *,
        initiative_id: str | None = None,
        after: int = 0,
        until_position: int | None = None,
        recorded_until: str | None = None,
        limit: int = 10_000,
    ) -> list[AuditRow]:
        """The trail's rows in order: after a position, of one initiative, up to a
        position, recorded at or before ``recorded_until`` (UTC ISO, compared as
        strings are in Python, code point by code point), at most ``limit``."""
        where = [f"position > {self.p}"]
        params: list[Any] = [after]
        if initiative_id is not None:
            where.append(f"initiative_id = {self.p}")
            params.append(initiative_id)
        if until_position is not None:
            where.append(f"position <= {self.p}")
            params.append(until_position)
        if recorded_until is not None:
            where.append(f"recorded_at{self.by_code_point} <= {self.p}")
            params.append(recorded_until)
        params.append(limit)
        found = self._read(
            f"SELECT {', '.join(AUDIT_COLUMNS)} FROM {self._table('view_audit_trail')} "
            f"WHERE {' AND '.join(where)} ORDER BY position LIMIT {self.p}",
            params,
        )
        return [AuditRow(**{k: r[k] for k in AUDIT_COLUMNS}) for r in found]

    def chain_rows(
        self, initiative_id: str | None = None, *, page_size: int = 20000
    ) -> Iterator[tuple[int, str, str | None]]:
        """(position, content hash, chain hash) of every row, in order: the global
        chain, or one initiative's chain, ``page_size`` rows at a time. The
        cheapest read, for verification."""
        column = "chain_hash" if initiative_id is None else "initiative_chain_hash"
        where = "" if initiative_id is None else f"AND initiative_id = {self.p} "
        after = 0
        while True:
            params: list[Any] = [after]
            if initiative_id is not None:
                params.append(initiative_id)
            page = self._read_tuples(
                f"SELECT position, content_hash, {column} "
                f"FROM {self._table('view_audit_trail')} WHERE position > {self.p} "
                f"{where}ORDER BY position LIMIT {int(page_size)}",
                params,
            )
            yield from page
            if len(page) < page_size:
                return
            after = page[-1][0]

    def iter_rows(
        self, initiative_id: str | None = None, *, recorded_until: str | None = None
    ) -> Iterator[AuditRow]:
        after = 0
        while True:
            page = self.rows(
                initiative_id=initiative_id,
                after=after,
                recorded_until=recorded_until,
                limit=5000,
            )
            yield from page
            if len(page) < 5000:
                return
            after = page[-1].position

    def position_of_initiative_hash(
        self, initiative_id: str, chain_hash: str
    ) -> int | None:
        """Where an initiative's chain reaches ``chain_hash``, by the trail."""
        found = self._read(
            f"SELECT MIN(position) AS position FROM {self._table('view_audit_trail')} "
            f"WHERE initiative_id = {self.p} AND initiative_chain_hash = {self.p}",
            [initiative_id, chain_hash],
        )
        value = found[0]["position"] if found else None
        return int(value) if value is not None else None

    def initiative_ending_in(self, chain_hash: str) -> str | None:
        """The initiative whose chain reaches ``chain_hash`` somewhere, by the trail
        (a head from an export or a report, given to a replayed copy that numbers
        its log anew)."""
        found = self._read(
            f"SELECT initiative_id FROM {self._table('view_audit_trail')} "
            f"WHERE initiative_chain_hash = {self.p} LIMIT 1",
            [chain_hash],
        )
        return str(found[0]["initiative_id"]) if found else None

    def position_of_hash(self, chain_hash: str) -> int | None:
        """Where the whole record's chain reaches ``chain_hash``, by the trail."""
        found = self._read(
            f"SELECT MIN(position) AS position FROM {self._table('view_audit_trail')} "
            f"WHERE chain_hash = {self.p}",
            [chain_hash],
        )
        value = found[0]["position"] if found else None
        return int(value) if value is not None else None

    def position_at(self, moment: str) -> int:
        """The end of the log as it stood at ``moment`` (UTC ISO): the last
        position before the first one recorded after it, so that a row a clock set
        back logged later with an earlier time does not count (0: none)."""
        trail = self._table("view_audit_trail")
        found = self._read(
            f"SELECT MAX(position) AS position FROM {trail} WHERE position < "
            f"COALESCE((SELECT MIN(position) FROM {trail} "
            f"WHERE recorded_at{self.by_code_point} > {self.p}), {2**63 - 1})",
            [moment],
        )
        value = found[0]["position"] if found else None
        return int(value) if value is not None else 0


class SQLiteAuditTrailView(AuditTrailLogic, SQLiteView):
    """The audit trail in SQLite."""


# --- Response report -------------------------------------------------------------------

RESPONSE_COLUMNS = [
    "plan_id",
    "reaction",
    "initiative_id",
    "plan",
    "version",
    "stakeholder",
    "stance",
    "channel",
    "section",
    "meeting",
    "text",
    "recorded_at",
    "withdrawn",
    "answer",
    "answer_version",
    "answer_text",
    "answered_by",
    "answered_at",
]


class ResponseReportLogic(BaseView):
    """Every reaction with its answer, per plan (the reactienota)."""

    view_name = "samenspraak.view.response-report"
    logic_version = 1

    tables = ("view_responses", "view_response_plans")

    def view_statements(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self._table('view_responses')} ("
            "plan_id TEXT NOT NULL, reaction INTEGER NOT NULL, initiative_id TEXT NOT NULL, "
            "plan TEXT NOT NULL, version INTEGER NOT NULL, stakeholder TEXT NOT NULL, "
            "stance TEXT NOT NULL, channel TEXT NOT NULL, section TEXT, meeting INTEGER, "
            "text TEXT NOT NULL, recorded_at TEXT NOT NULL, withdrawn INTEGER NOT NULL, "
            "answer TEXT, answer_version INTEGER, answer_text TEXT, answered_by TEXT, "
            "answered_at TEXT, PRIMARY KEY (plan_id, reaction))",
            f"CREATE TABLE IF NOT EXISTS {self._table('view_response_plans')} ("
            "plan_id TEXT PRIMARY KEY, initiative_id TEXT NOT NULL, plan TEXT NOT NULL)",
        ]

    def forget(self) -> None:
        super().forget()
        self._plans: dict[str, tuple[str, str]] = {}

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        p = self.p
        if not self.remembers(self._position_before):
            self.forget()
        plans = self._plans
        new_plans: list[tuple[str, str, str]] = []
        added: dict[tuple[str, int], list[Any]] = {}
        withdrawn: list[tuple[str, str, str, int]] = []
        answered: list[tuple[Any, ...]] = []
        for item in items:
            if item.kind != "plan":
                continue
            name = item.name
            e = item.event
            plan_id = item.aggregate
            at = item.at
            if name == "Created":
                plans[plan_id] = (str(e.initiative_id), e.slug)
                new_plans.append((plan_id, str(e.initiative_id), e.slug))
            elif name in ("ReactionAdded", "ReactionReceivedLate"):
                initiative, slug = plans.get(plan_id) or self._plan(c, plan_id)
                added[(plan_id, e.reaction)] = [
                    plan_id,
                    e.reaction,
                    initiative,
                    slug,
                    e.version,
                    e.stakeholder,
                    getattr(e.stance, "value", e.stance),
                    getattr(e.channel, "value", e.channel),
                    e.section.id if e.section else None,
                    getattr(e, "meeting", None),  # none in one received late
                    e.text.id,
                    at,
                    0,
                    None,
                    None,
                    None,
                    None,
                    None,
                ]
            elif name == "ReactionWithdrawn":  # who withdrew it, and when
                if (plan_id, e.reaction) in added:
                    row = added[(plan_id, e.reaction)]
                    row[12], row[16], row[17] = 1, e.actor, at
                else:
                    withdrawn.append((e.actor, at, plan_id, e.reaction))
            elif name in ("ChangeAdopted", "PositionDefended", "SupportNoted"):
                answer = (*_answer_of(name, e), e.actor, at)
                for n in e.reactions:
                    if (plan_id, n) in added:
                        added[(plan_id, n)][13:18] = answer
                    else:
                        answered.append((*answer, plan_id, n))
        responses = self._table("view_responses")
        c.executemany(
            f"INSERT INTO {self._table('view_response_plans')} VALUES ({p}, {p}, {p})",
            new_plans,
        )
        c.executemany(
            f"INSERT INTO {responses} ({', '.join(RESPONSE_COLUMNS)}) "
            f"VALUES ({', '.join([p] * len(RESPONSE_COLUMNS))})",
            list(added.values()),
        )
        c.executemany(
            f"UPDATE {responses} SET withdrawn = 1, answered_by = {p}, "
            f"answered_at = {p} WHERE plan_id = {p} AND reaction = {p}",
            withdrawn,
        )
        c.executemany(
            f"UPDATE {responses} SET answer = {p}, answer_version = {p}, "
            f"answer_text = {p}, answered_by = {p}, answered_at = {p} "
            f"WHERE plan_id = {p} AND reaction = {p}",
            answered,
        )

    def _plan(self, c: Cursor, plan_id: str) -> tuple[str, str]:
        c.execute(
            f"SELECT initiative_id, plan FROM {self._table('view_response_plans')} "
            f"WHERE plan_id = {self.p}",
            [plan_id],
        )
        row = c.fetchone()
        self._plans[plan_id] = (row["initiative_id"], row["plan"])
        return self._plans[plan_id]

    def responses(self, initiative_id: str) -> list[dict[str, Any]]:
        rows = self._read(
            f"SELECT {', '.join(RESPONSE_COLUMNS)} FROM {self._table('view_responses')} "
            f"WHERE initiative_id = {self.p} ORDER BY plan, reaction",
            [initiative_id],
        )
        for row in rows:
            row["withdrawn"] = bool(row["withdrawn"])
        return rows


def _answer_of(name: str, e: Any) -> tuple[str, int | None, str | None]:
    if name == "ChangeAdopted":
        kind = "partly-adopted" if getattr(e, "partly", False) else "adopted"
        return kind, e.version, e.explanation.id
    if name == "PositionDefended":
        return "defended", None, e.reasoning.id
    return "noted", None, None


class SQLiteResponseReportView(ResponseReportLogic, SQLiteView):
    """The response report in SQLite."""


# --- Reading while a rebuild runs ------------------------------------------------


class ViewsInUse:
    """Who uses one instance's views: any number of readers at once, or one
    rebuild, which empties the views and fills them again, alone. A thread that
    already reads may read again (a query within a query) without waiting."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._readers = 0
        self._rebuilding = False
        self._mine = threading.local()

    @contextmanager
    def reading(self) -> Iterator[None]:
        depth = getattr(self._mine, "depth", 0)
        if depth == 0:
            with self._turn:
                while self._rebuilding:
                    self._turn.wait()
                self._readers += 1
        self._mine.depth = depth + 1
        try:
            yield
        finally:
            self._mine.depth = depth
            if depth == 0:
                with self._turn:
                    self._readers -= 1
                    self._turn.notify_all()

    @contextmanager
    def rebuilding(self) -> Iterator[None]:
        if getattr(self._mine, "depth", 0):
            msg = "A rebuild cannot start inside a use case that reads the views."
            raise RuntimeError(msg)
        with self._turn:
            while self._rebuilding:
                self._turn.wait()
            self._rebuilding = True
        try:
            with self._turn:
                while self._readers:
                    self._turn.wait()
            yield
        finally:
            with self._turn:
                self._rebuilding = False
                self._turn.notify_all()


# --- Catching up -----------------------------------------------------------------------


def write_batches(
    views: Sequence[BaseView], expected: dict[BaseView, int], items: Sequence[Item]
) -> None:
    """Apply a batch to several views of one database in one transaction: each view
    takes the items after its own position, and tracks the last of them.

    Raises :class:`StaleBatch` (and writes nothing) when a view no longer stands
    where ``expected`` says: another catch-up wrote it first; and
    :class:`BuiltWithOtherLogic` when a view to be written was built with another
    logic version than its own.
    """
    try:
        with views[0]._transaction() as c:
            for view in views:
                if view._lock_position(c) != expected[view]:
                    raise StaleBatch
                if expected[view] and view._built_with_in(c) != view.logic_version:
                    raise BuiltWithOtherLogic(view.view_name)
            positions = [i.position for i in items]
            for view in views:
                mine = items[bisect_right(positions, expected[view]) :]
                if mine:
                    if expected[view] == 0:  # its first rows: built by this logic
                        view._record_version(c)
                    view._position_before = expected[view]
                    view._write(c, mine)
                    view._track(c, Tracking(view.view_name, mine[-1].position))
    except BaseException:
        for view in views:
            view.forget()
        raise
    for view in views:
        if items[-1].position > expected[view]:
            view.remembered_position = items[-1].position


def batch_size_for(behind: int) -> int:
    """Batches of 500; up to 5,000 when a view is far behind (a rebuild)."""
    return max(BATCH_SIZE, min(behind // 4, 10 * BATCH_SIZE))


def catch_up_all(
    source: ApplicationRecorder,
    mapper: Mapper[Any],
    views: Sequence[BaseView],
    *,
    batch_size: int | None = None,
) -> dict[str, int]:
    """Apply what the views have not seen yet, reading and decoding each batch of the
    log once for all of them; returns how many events each view applied. Safe to
    run while another catch-up runs: threads of one process take turns at the
    views, and a catch-up in another process that wrote a batch first is
    followed."""
    with ExitStack() as turn:
        for view in sorted(views, key=id):  # one order, so two never wait on each other
            turn.enter_context(view.busy)
        return _catch_up_all(source, mapper, views, batch_size)


def _catch_up_all(
    source: ApplicationRecorder,
    mapper: Mapper[Any],
    views: Sequence[BaseView],
    batch_size: int | None,
) -> dict[str, int]:
    applied = {view.view_name: 0 for view in views}
    decoder = Decoder(mapper)
    try:
        while True:
            positions = {view: view.position() for view in views}
            start = min(positions.values())
            size = batch_size or batch_size_for(
                (source.max_notification_id() or 0) - start
            )
            notifications = source.select_notifications(
                start=start, limit=size, inclusive_of_start=False
            )
            if not notifications:
                return applied
            items = decoder.items(notifications)
            try:
                write_batches(views, positions, items)
            except StaleBatch:
                continue
            ids = [i.position for i in items]
            for view in views:
                applied[view.view_name] += len(ids) - bisect_right(ids, positions[view])
    finally:
        for view in views:
            view.forget()


def rebuild_all(
    source: ApplicationRecorder,
    mapper: Mapper[Any],
    views: Sequence[BaseView],
    *,
    batch_size: int | None = None,
    until: int | None = None,
    outdated_only: bool = False,
) -> dict[str, int]:
    """Empty the views and build them again from the whole log (or up to the
    position ``until``), in one transaction: until it commits, readers (in other
    processes too) see the views as they were, whole, and a rebuild that fails
    leaves them so. Each view records, in the same transaction, the logic version
    it is built with. Returns how many events each view rebuilt applied.

    With ``outdated_only``, only the views that, once their positions are locked,
    turn out to be built with another logic version are rebuilt: of two processes
    that upgrade at once, the second finds the work done.

    An in-memory SQLite database lets no one read while it is written (and no
    other process sees it): there the views are emptied, then caught up to the
    end (``until`` is for views in a file of their own)."""
    pool = getattr(getattr(views[0], "datastore", None), "pool", None)
    if getattr(pool, "is_sqlite_memory_mode", False):
        if until is not None:
            msg = "An in-memory record's views are rebuilt to the end of its log."
            raise ValueError(msg)
        return _rebuild_in_memory(source, mapper, views, batch_size, outdated_only)
    with ExitStack() as turn:
        for view in sorted(views, key=id):  # one order, so two never wait on each other
            turn.enter_context(view.busy)
        decoder = Decoder(mapper)
        try:
            with views[0]._transaction() as c:
                for view in views:
                    view._lock_position(c)
                if outdated_only:
                    views = [
                        view
                        for view in views
                        if view._built_with_in(c) != view.logic_version
                    ]
                    if not views:
                        return {}
                applied = {view.view_name: 0 for view in views}
                for view in views:
                    view.forget()
                    view._empty(c)
                    view._reset_position(c)
                    view._record_version(c)
                start = 0
                end = until if until is not None else source.max_notification_id() or 0
                while start < end and (
                    notifications := source.select_notifications(
                        start=start,
                        limit=batch_size or batch_size_for(end - start),
                        stop=until,
                        inclusive_of_start=False,
                    )
                ):
                    items = decoder.items(notifications)
                    for view in views:
                        view._position_before = start
                        view._write(c, items)
                        view._track(c, Tracking(view.view_name, items[-1].position))
                        view.remembered_position = items[-1].position
                        applied[view.view_name] += len(items)
                    start = items[-1].position
        finally:
            for view in views:
                view.forget()
        return applied


def _rebuild_in_memory(
    source: ApplicationRecorder,
    mapper: Mapper[Any],
    views: Sequence[BaseView],
    batch_size: int | None,
    outdated_only: bool,
) -> dict[str, int]:
    """Rebuild the views of an in-memory record: empty them, then catch them up."""
    if outdated_only:
        views = [view for view in views if view.is_outdated()]
        if not views:
            return {}
    for view in views:
        view.clear()
    return catch_up_all(source, mapper, views, batch_size=batch_size)


@dataclass(frozen=True)
class Fingerprint:
    """What a view holds, in short: the position it has applied, and per table how
    many rows it holds and the sum of their SHA-256 (modulo 2**256), the same for
    two builds that hold the same rows in whatever order they are stored."""

    position: int
    tables: dict[str, tuple[int, int]]


def fingerprints_of(views: Sequence[BaseView]) -> dict[str, Fingerprint]:
    """The fingerprint of each view, read in one snapshot of the database (so that
    a catch-up committed meanwhile is either wholly in it or not at all), a page
    at a time."""
    found = {}
    with views[0]._snapshot() as c:
        for view in views:
            tables = {}
            for table in view.table_names():
                count = total = 0
                for row in view._rows_in(c, f"SELECT * FROM {view._table(table)}"):
                    text = _JSON.encode([_plain(value) for value in row])
                    digest = hashlib.sha256(text.encode()).digest()
                    total = (total + int.from_bytes(digest)) % 2**256
                    count += 1
                tables[table] = (count, total)
            try:
                position = int(view._position_in(c))
            except (TypeError, ValueError):  # a position that is no number
                raise DamagedView(view.view_name) from None
            found[view.view_name] = Fingerprint(position, tables)
    return found


def _plain(value: Any) -> Any:
    """A value as JSON writes it alike from either database."""
    return value if value is None or isinstance(value, int | str) else str(value)


def catch_up(
    source: ApplicationRecorder,
    mapper: Mapper[Any],
    view: BaseView,
    *,
    batch_size: int | None = None,
) -> int:
    """Apply what one view has not seen yet; returns how many events it applied."""
    return catch_up_all(source, mapper, [view], batch_size=batch_size)[view.view_name]
