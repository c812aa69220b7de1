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

import json
from collections.abc import Iterator, Sequence
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
    aggregate_id,
    kind_of_topic,
    new_document,
    utc,
)
from samenspraak.projections.summary import summarise

BATCH_SIZE = 500


class StaleBatch(Exception):
    """Raised when a batch no longer starts where its view ends (another catch-up
    wrote it first)."""


@dataclass(frozen=True)
class Item:
    """One notification of the log, with its decoded event."""

    notification: Notification
    event: Any

    @property
    def position(self) -> int:
        return self.notification.id


class Cursor(Protocol):
    def execute(self, statement: Any, params: Any = ..., /) -> Any: ...
    def executemany(self, statement: Any, params: Any, /) -> Any: ...
    def fetchall(self) -> Any: ...
    def fetchone(self) -> Any: ...


class ViewLogic:
    """What a view stores and how a batch changes it; independent of the database."""

    view_name: ClassVar[str]
    p: ClassVar[str] = "?"
    blob: ClassVar[str] = "TEXT"

    def table_names(self) -> list[str]:
        raise NotImplementedError

    def view_statements(self) -> list[str]:
        raise NotImplementedError

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        raise NotImplementedError

    def _table(self, name: str) -> str:
        return name

    # Provided by the backend base classes.
    def _lock_position(self, c: Cursor) -> int:
        raise NotImplementedError

    def _read(self, statement: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        raise NotImplementedError


class BaseView(ViewLogic, TrackingRecorder):
    """The shared workings: batches, positions, clearing."""

    def position(self) -> int:
        return self.max_tracking_id(self.view_name) or 0

    def write_batch(self, expected: int, items: Sequence[Item]) -> None:
        """Apply a batch that follows ``expected``, and track its last position."""
        with self._transaction() as c:
            current = self._lock_position(c)
            if current != expected:
                raise StaleBatch
            self._write(c, items)
            self._track(c, Tracking(self.view_name, items[-1].position))

    def clear(self) -> None:
        """Empty the view and reset its position, in one transaction."""
        with self._transaction() as c:
            self._lock_position(c)
            for table in self.table_names():
                c.execute(f"DELETE FROM {self._table(table)}")
            self._reset_position(c)

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
        return [*super().construct_create_table_statements(), *self.view_statements()]

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


# --- Process state ---------------------------------------------------------------------


class ProcessStateLogic(BaseView):
    """A document per initiative: where it stands, in full."""

    view_name = "samenspraak.view.process-state"
    projector = ProcessStateProjector()

    def table_names(self) -> list[str]:
        return ["view_process_state", "view_process_owners"]

    def view_statements(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self._table('view_process_state')} ("
            "initiative_id TEXT PRIMARY KEY, slug TEXT, document TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self._table('view_process_owners')} ("
            "aggregate_id TEXT PRIMARY KEY, initiative_id TEXT NOT NULL)",
        ]

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        p = self.p
        owners = self._owners(c, items)
        new_owners: dict[str, str] = {}
        documents: dict[str, Document] = {}
        for item in items:
            kind, _ = kind_of_topic(item.notification.topic)
            known = {**owners, **new_owners}
            initiative = self.projector.initiative_of(item.event, kind, known)
            aggregate = aggregate_id(item.event)
            if initiative is None:
                continue
            if kind != "initiative" and aggregate not in owners:
                new_owners[aggregate] = initiative
            if initiative not in documents:
                documents[initiative] = self._document(c, initiative)
            self.projector.apply(
                documents[initiative],
                item.event,
                item.notification.topic,
                item.position,
            )
        c.executemany(
            f"INSERT INTO {self._table('view_process_owners')} VALUES ({p}, {p})",
            list(new_owners.items()),
        )
        c.executemany(
            f"INSERT INTO {self._table('view_process_state')} VALUES ({p}, {p}, {p}) "
            "ON CONFLICT (initiative_id) DO UPDATE SET slug = excluded.slug, "
            "document = excluded.document",
            [
                (i, d.get("slug"), json.dumps(d, separators=(",", ":")))
                for i, d in documents.items()
            ],
        )

    def _owners(self, c: Cursor, items: Sequence[Item]) -> dict[str, str]:
        ids = sorted({aggregate_id(i.event) for i in items})
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            c.execute(
                f"SELECT aggregate_id, initiative_id FROM "
                f"{self._table('view_process_owners')} "
                f"WHERE aggregate_id IN ({', '.join([self.p] * len(chunk))})",
                chunk,
            )
            found.update({r["aggregate_id"]: r["initiative_id"] for r in c.fetchall()})
        return found

    def _document(self, c: Cursor, initiative: str) -> Document:
        c.execute(
            f"SELECT document FROM {self._table('view_process_state')} "
            f"WHERE initiative_id = {self.p}",
            [initiative],
        )
        row = c.fetchone()
        return json.loads(row["document"]) if row else new_document(initiative)

    def document(self, initiative_id: str) -> Document | None:
        rows = self._read(
            f"SELECT document FROM {self._table('view_process_state')} "
            f"WHERE initiative_id = {self.p}",
            [initiative_id],
        )
        return json.loads(rows[0]["document"]) if rows else None

    def documents(self) -> list[Document]:
        rows = self._read(f"SELECT document FROM {self._table('view_process_state')}")
        docs = [json.loads(r["document"]) for r in rows]
        return sorted(docs, key=lambda d: d.get("started_at") or "")


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

    def table_names(self) -> list[str]:
        return ["view_audit_trail", "view_audit_heads", "view_audit_owners"]

    def view_statements(self) -> list[str]:
        trail = self._table("view_audit_trail")
        return [
            f"CREATE TABLE IF NOT EXISTS {trail} ("
            "position BIGINT PRIMARY KEY, recorded_at TEXT NOT NULL, "
            "initiative_id TEXT, aggregate_kind TEXT NOT NULL, "
            "aggregate_id TEXT NOT NULL, version BIGINT NOT NULL, event TEXT NOT NULL, "
            "actor TEXT, summary TEXT NOT NULL, content_hash TEXT NOT NULL, "
            "chain_hash TEXT NOT NULL, initiative_chain_hash TEXT)",
            f"CREATE INDEX IF NOT EXISTS view_audit_trail_aggregate "
            f"ON {trail} (aggregate_id, version)",
            f"CREATE INDEX IF NOT EXISTS view_audit_trail_initiative "
            f"ON {trail} (initiative_id, recorded_at)",
            f"CREATE TABLE IF NOT EXISTS {self._table('view_audit_heads')} ("
            "scope TEXT PRIMARY KEY, position BIGINT NOT NULL, chain_hash TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self._table('view_audit_owners')} ("
            "aggregate_id TEXT PRIMARY KEY, initiative_id TEXT NOT NULL)",
        ]

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        p = self.p
        heads = self._heads(c, items)
        owners = self._owners(c, items)
        new_owners: dict[str, str] = {}
        rows = []
        for item in items:
            n = item.notification
            kind, name = kind_of_topic(n.topic)
            aggregate = aggregate_id(item.event)
            initiative = aggregate if kind == "initiative" else owners.get(aggregate)
            if initiative is None and getattr(item.event, "initiative_id", None):
                initiative = str(item.event.initiative_id)
                owners[aggregate] = new_owners[aggregate] = initiative
            record = canonical_record(
                n.originator_id, n.originator_version, n.topic, n.state
            )
            chain = next_chain_hash(heads.get("global", GENESIS), record)
            heads["global"] = chain
            initiative_chain = None
            if initiative is not None:
                initiative_chain = next_chain_hash(
                    heads.get(initiative, GENESIS), record
                )
                heads[initiative] = initiative_chain
            rows.append(
                (
                    n.id,
                    utc(item.event.timestamp),
                    initiative,
                    kind,
                    aggregate,
                    n.originator_version,
                    name,
                    getattr(item.event, "actor", None),
                    summarise(kind, name, item.event),
                    content_hash(record),
                    chain,
                    initiative_chain,
                )
            )
        marks = ", ".join([p] * len(AUDIT_COLUMNS))
        c.executemany(
            f"INSERT INTO {self._table('view_audit_trail')} VALUES ({marks})", rows
        )
        c.executemany(
            f"INSERT INTO {self._table('view_audit_owners')} VALUES ({p}, {p})",
            list(new_owners.items()),
        )
        last_position: dict[str, int] = {}
        for row in rows:
            last_position["global"] = row[0]
            if row[2] is not None:
                last_position[row[2]] = row[0]
        c.executemany(
            f"INSERT INTO {self._table('view_audit_heads')} VALUES ({p}, {p}, {p}) "
            "ON CONFLICT (scope) DO UPDATE SET position = excluded.position, "
            "chain_hash = excluded.chain_hash",
            [(scope, last_position[scope], heads[scope]) for scope in last_position],
        )

    def _heads(self, c: Cursor, items: Sequence[Item]) -> dict[str, str]:
        c.execute(f"SELECT scope, chain_hash FROM {self._table('view_audit_heads')}")
        return {r["scope"]: r["chain_hash"] for r in c.fetchall()}

    def _owners(self, c: Cursor, items: Sequence[Item]) -> dict[str, str]:
        c.execute(
            f"SELECT aggregate_id, initiative_id FROM {self._table('view_audit_owners')}"
        )
        return {r["aggregate_id"]: r["initiative_id"] for r in c.fetchall()}

    # --- Queries -------------------------------------------------------------------

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
        limit: int = 10_000,
    ) -> list[AuditRow]:
        where = [f"position > {self.p}"]
        params: list[Any] = [after]
        if initiative_id is not None:
            where.append(f"initiative_id = {self.p}")
            params.append(initiative_id)
        if until_position is not None:
            where.append(f"position <= {self.p}")
            params.append(until_position)
        params.append(limit)
        found = self._read(
            f"SELECT {', '.join(AUDIT_COLUMNS)} FROM {self._table('view_audit_trail')} "
            f"WHERE {' AND '.join(where)} ORDER BY position LIMIT {self.p}",
            params,
        )
        return [AuditRow(**{k: r[k] for k in AUDIT_COLUMNS}) for r in found]

    def iter_rows(self, initiative_id: str | None = None) -> Iterator[AuditRow]:
        after = 0
        while True:
            page = self.rows(initiative_id=initiative_id, after=after, limit=5000)
            yield from page
            if len(page) < 5000:
                return
            after = page[-1].position

    def versions_at(self, initiative_id: str, moment: str) -> dict[str, int]:
        """Each aggregate of the initiative and its version at ``moment`` (UTC ISO)."""
        found = self._read(
            f"SELECT aggregate_id, MAX(version) AS version "
            f"FROM {self._table('view_audit_trail')} "
            f"WHERE initiative_id = {self.p} AND recorded_at <= {self.p} "
            "GROUP BY aggregate_id",
            [initiative_id, moment],
        )
        return {r["aggregate_id"]: int(r["version"]) for r in found}

    def position_at(self, moment: str) -> int:
        """The last log position recorded at or before ``moment`` (UTC ISO)."""
        found = self._read(
            f"SELECT MAX(position) AS position FROM {self._table('view_audit_trail')} "
            f"WHERE recorded_at <= {self.p}",
            [moment],
        )
        value = found[0]["position"] if found else None
        return int(value) if value is not None else 0

    def positions_of(
        self, initiative_id: str, until_position: int | None = None
    ) -> list[tuple[int, str, int]]:
        """(position, aggregate id, version) of an initiative's events, in order."""
        return [
            (r.position, r.aggregate_id, r.version)
            for r in self.rows(
                initiative_id=initiative_id,
                until_position=until_position,
                limit=10_000_000,
            )
        ]


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

    def table_names(self) -> list[str]:
        return ["view_responses", "view_response_plans"]

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

    def _write(self, c: Cursor, items: Sequence[Item]) -> None:
        p = self.p
        responses = self._table("view_responses")
        for item in items:
            kind, name = kind_of_topic(item.notification.topic)
            if kind != "plan":
                continue
            e = item.event
            plan_id = aggregate_id(e)
            at = utc(e.timestamp)
            if name == "Created":
                c.execute(
                    f"INSERT INTO {self._table('view_response_plans')} "
                    f"VALUES ({p}, {p}, {p})",
                    [plan_id, str(e.initiative_id), e.slug],
                )
            elif name == "ReactionAdded":
                c.execute(
                    f"SELECT initiative_id, plan FROM {self._table('view_response_plans')} "
                    f"WHERE plan_id = {p}",
                    [plan_id],
                )
                plan = c.fetchone()
                c.execute(
                    f"INSERT INTO {responses} ({', '.join(RESPONSE_COLUMNS[:13])}) "
                    f"VALUES ({', '.join([p] * 13)})",
                    [
                        plan_id,
                        e.reaction,
                        plan["initiative_id"],
                        plan["plan"],
                        e.version,
                        e.stakeholder,
                        getattr(e.stance, "value", e.stance),
                        getattr(e.channel, "value", e.channel),
                        e.section.id if e.section else None,
                        e.meeting,
                        e.text.id,
                        at,
                        0,
                    ],
                )
            elif name == "ReactionWithdrawn":
                c.execute(
                    f"UPDATE {responses} SET withdrawn = 1 "
                    f"WHERE plan_id = {p} AND reaction = {p}",
                    [plan_id, e.reaction],
                )
            elif name in ("ChangeAdopted", "PositionDefended", "SupportNoted"):
                answer, version, text = _answer_of(name, e)
                c.executemany(
                    f"UPDATE {responses} SET answer = {p}, answer_version = {p}, "
                    f"answer_text = {p}, answered_by = {p}, answered_at = {p} "
                    f"WHERE plan_id = {p} AND reaction = {p}",
                    [
                        (answer, version, text, e.actor, at, plan_id, n)
                        for n in e.reactions
                    ],
                )

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
        return "adopted", e.version, e.explanation.id
    if name == "PositionDefended":
        return "defended", None, e.reasoning.id
    return "noted", None, None


class SQLiteResponseReportView(ResponseReportLogic, SQLiteView):
    """The response report in SQLite."""


# --- Catching up -----------------------------------------------------------------------


def catch_up(
    source: ApplicationRecorder,
    mapper: Mapper[Any],
    view: BaseView,
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Apply what the view has not seen yet, batch by batch; returns how many events
    this call applied. Safe to run while another catch-up runs."""
    applied = 0
    position = view.position()
    while True:
        notifications = source.select_notifications(
            start=position, limit=batch_size, inclusive_of_start=False
        )
        if not notifications:
            return applied
        items = [Item(n, mapper.to_domain_event(n)) for n in notifications]
        try:
            view.write_batch(position, items)
        except StaleBatch:
            position = view.position()
            continue
        applied += len(items)
        position = notifications[-1].id
