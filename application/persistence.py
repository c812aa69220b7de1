"""Recorders that keep personal data and free text beside the events.

Events are immutable, and the AVG requires that personal data can be erased. So the
names and contact details of stakeholders, and every free text people write, live
in tables of their own in the same database, keyed by id. They are written in the
same transaction as the events that refer to them: the application passes them to
``Application.save(..., texts=..., stakeholders=...)`` and the recorder's
``_insert_events`` writes them beside the stored events (the way the library's
searchable-content example extends its recorders).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from eventsourcing.sqlite import (
    SQLITE3_DEFAULT_LOCK_TIMEOUT,
    SQLiteApplicationRecorder,
    SQLiteCursor,
    SQLiteDatastore,
)

from samenspraak.application.errors import (
    AlreadyRecorded,
    InvalidInput,
    SamenspraakError,
    StorageError,
)
from samenspraak.domain.clock import on_dutch_clocks

TEXTS_TABLE = "samenspraak_texts"
STRETCH_FROM = 64
"""From this many texts asked for at once, SQLite reads them as a stretch."""
STAKEHOLDERS_TABLE = "samenspraak_stakeholders"
COMMANDS_TABLE = "samenspraak_commands"
"""The ids callers gave the commands recorded: operational, beside the record and
not part of it (not chained, exported or replayed)."""


ERASED_PREFIX = "erased-"
"""How a stakeholder whose personal data was erased is named, followed by the start
of their pseudonymous id; no one registers a reference starting with it."""


def identity_body(ref: str, name: str | None) -> str:
    """The text an identity commitment seals: the reference and the name (None
    for someone the directory holds no name of, such as the author of a CONSUL
    comment: the reference alone then)."""
    return json.dumps(
        {"name": name, "ref": ref}, ensure_ascii=False, separators=(",", ":")
    )


@dataclass(frozen=True)
class TextRow:
    """A free text, with the salt of its commitment; erased texts have neither."""

    id: str
    initiative_id: str
    purpose: str
    salt: str | None
    body: str | None


class RecordHeld(Exception):
    """A new record was to be written into a database that holds one."""


class ActorWasErased(Exception):
    """The stakeholder giving a command was erased while it ran: nothing of it is
    written (raised inside the transaction that would have saved it)."""

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


@dataclass
class ErasureJob:
    """An erasure to carry out in the directory and the text store; once done it
    holds the stakeholder's new reference and how many of ``text_ids`` it erased."""

    stakeholder_id: str
    text_ids: Sequence[str]
    at: str
    identities: Sequence[str] = ()
    now_named: str = ""
    erased: int = 0


@dataclass(frozen=True)
class DirectoryCorrection:
    """A correction of a stakeholder's directory row: the name and contact it
    was read with, and those it gets; and, for a corrected name, the identity
    texts sealed with the name as it was (``superseded``), emptied at ``at``."""

    stakeholder_id: str
    name: str | None
    contact: str | None
    new_name: str | None
    new_contact: str | None
    superseded: Sequence[str] = ()
    at: str = ""


@dataclass(frozen=True)
class NothingSince:
    """What a command read the record up to. When its own events are saved, no
    event recorded after ``position`` may be one it depends on: an event of one of
    ``aggregates``, or one of ``topics`` (of any, when none are named) that
    mentions ``mentioning`` (an id, as the stored events hold it: a stakeholder's
    pseudonymous id, an aggregate's id in hex)."""

    position: int
    topics: tuple[str, ...] = ()
    mentioning: str | None = None
    aggregates: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class Unchanged:
    """The aggregates a command read and does not save, at the versions it read
    them: when its own events are saved, none may have an event recorded since,
    but for events of ``besides`` (topics), which only add to what it read."""

    versions: Mapping[UUID, int]
    besides: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CommandGiven:
    """A command given with an id of its caller's (``command_id``): the id, the use
    case and when, written in the transaction that saves the command, once."""

    id: str
    use_case: str
    at: str


@dataclass(frozen=True)
class CommandRow:
    """A command recorded with an id: the use case, when, and the log position of
    its first event (None when it recorded none, such as a registration, which
    writes the directory only)."""

    id: str
    use_case: str
    recorded_at: str
    position: int | None


def given_again(given: CommandGiven, row: CommandRow) -> SamenspraakError:
    """The refusal of a command given with the id of one recorded: the same use
    case was recorded already (:class:`AlreadyRecorded`); another is a mistake of
    the caller's, who gave one id to two commands (:class:`InvalidInput`)."""
    at = datetime.fromisoformat(row.recorded_at)
    when = on_dutch_clocks(at.replace(microsecond=0))
    if row.use_case != given.use_case:
        msg = (
            f"command_id: {given.id} is the id of another command, recorded by "
            f"{row.use_case} at {when}; give {given.use_case} an id of its own."
        )
        return InvalidInput(msg)
    what = (
        "writing no event"
        if row.position is None
        else f"with its first event at position {row.position}"
    )
    msg = (
        f"The command {given.id} ({row.use_case}) was recorded already, at {when}, "
        f"{what}; it is not recorded again."
    )
    return AlreadyRecorded(msg, given.id, row.use_case, at, row.position)


def _command_row(row: Any) -> CommandRow:
    position = row["position"]
    return CommandRow(
        str(row["id"]),
        str(row["use_case"]),
        str(row["recorded_at"]),
        None if position is None else int(position),
    )


@dataclass(frozen=True)
class StakeholderRow:
    """A stakeholder in the directory: a pseudonymous id and personal data."""

    id: str
    ref: str
    name: str | None
    contact: str | None


class _Cursor(Protocol):
    def execute(self, statement: Any, params: Any = ..., /) -> Any: ...
    def fetchall(self) -> Any: ...


class TextStoreRecorder:
    """The queries on the text and stakeholder tables, for every backend.

    Subclasses give ``_read`` (a read-only transaction) and the placeholder style.
    """

    p = "?"
    texts_table = TEXTS_TABLE
    stakeholders_table = STAKEHOLDERS_TABLE
    commands_table = COMMANDS_TABLE

    def select_command(self, command_id: str) -> CommandRow | None:
        """The command recorded with this id of its caller's, if any."""
        rows = self._read(
            f"SELECT id, use_case, recorded_at, position FROM {self.commands_table}"
            f" WHERE id = {self.p}",
            [command_id],
        )
        return _command_row(rows[0]) if rows else None

    def _claim_command(self, c: _Cursor, given: CommandGiven | None) -> None:
        """Inside the transaction that saves a command given with an id, before
        anything is written and once no other writer can write (SQLite's write
        lock): no command was recorded with that id. If one was, the command is
        refused (:func:`given_again`), not run again as after a collision."""
        if given is None:
            return
        c.execute(
            f"SELECT id, use_case, recorded_at, position FROM {self.commands_table}"
            f" WHERE id = {self.p}",
            [given.id],
        )
        rows = c.fetchall()
        if rows:
            raise given_again(given, _command_row(rows[0]))

    def _note_command(
        self, c: _Cursor, given: CommandGiven | None, positions: Sequence[int] | None
    ) -> None:
        """In the same transaction, once its events are written: the command's
        id, use case, when, and the position of its first event."""
        if given is None:
            return
        p = self.p
        c.execute(
            f"INSERT INTO {self.commands_table} (id, use_case, recorded_at, position)"
            f" VALUES ({p}, {p}, {p}, {p})",
            [given.id, given.use_case, given.at, min(positions) if positions else None],
        )

    def forget_commands(self, before: str) -> int:
        """Forget the ids of the commands recorded before ``before``; how many."""
        raise NotImplementedError

    def _forget_commands_in(self, c: _Cursor, before: str) -> int:
        """Delete the ids of the commands recorded before ``before`` (UTC, ISO
        8601, as ``recorded_at`` holds them), in the caller's transaction."""
        where = f"FROM {self.commands_table} WHERE recorded_at < {self.p}"
        c.execute(f"SELECT count(*) AS n {where}", [before])
        (row,) = c.fetchall()
        c.execute(f"DELETE {where}", [before])
        return int(row["n"] if isinstance(row, Mapping) else row[0])

    def _read(self, statement: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _read_tuples(self, statement: str, params: Sequence[Any]) -> list[Any]:
        raise NotImplementedError

    def _refuse_an_erased_actor(
        self, c: _Cursor, acting: str | Sequence[str] | None
    ) -> None:
        """Inside the transaction that saves a command's events: the stakeholder
        giving it (and one it lets join) must not have been erased meanwhile (an
        erasure and a command of the same person may run at the same moment). On
        PostgreSQL the rows are read for share: an erasure saving at the same
        moment is waited for, and then seen."""
        if not acting:
            return
        ids = [acting] if isinstance(acting, str) else list(acting)
        c.execute(
            f"SELECT ref FROM {self.stakeholders_table} "
            f"WHERE id IN ({', '.join([self.p] * len(ids))}){self.for_share}",
            ids,
        )
        for row in c.fetchall():
            if str(row["ref"]).startswith(ERASED_PREFIX):
                raise ActorWasErased(str(row["ref"]))

    for_share = ""
    """How a read in a writing transaction keeps the rows it read from changing
    until it commits (SQLite: the write lock taken first already does)."""
    for_update = ""

    def _refuse_a_stale_identity(
        self, c: _Cursor, sealed: Mapping[str, str] | None
    ) -> None:
        """Inside the transaction that saves a command's events: each identity it
        sealed (by stakeholder id, the body) must still be what the directory
        holds. A correction of the name saved while the command ran would
        otherwise leave an event committing to the name as it was; the command is
        run again instead (as when another writer saved first), and seals the
        corrected name."""
        if not sealed:
            return
        ids = sorted(sealed)
        c.execute(
            f"SELECT id, ref, name FROM {self.stakeholders_table} "
            f"WHERE id IN ({', '.join([self.p] * len(ids))}){self.for_share}",
            ids,
        )
        rows = {str(row["id"]): row for row in c.fetchall()}
        for person, body in sealed.items():
            row = rows.get(person)
            if row is None or identity_body(row["ref"], row["name"]) != body:
                msg = "A stakeholder's name changed while their identity was sealed."
                raise IntegrityError(msg)

    def _correct_row(self, c: _Cursor, correction: DirectoryCorrection) -> None:
        """The statements of a correction, in the caller's transaction (with the
        events that record it). A row changed since it was read (corrected or
        erased by someone else meanwhile) is not overwritten: the command is run
        again, and reads it anew."""
        p = self.p
        c.execute(
            f"SELECT name, contact FROM {self.stakeholders_table} "
            f"WHERE id = {p}{self.for_update}",
            [correction.stakeholder_id],
        )
        rows = c.fetchall()
        if not rows or (rows[0]["name"], rows[0]["contact"]) != (
            correction.name,
            correction.contact,
        ):
            msg = "A stakeholder's directory row changed while it was corrected."
            raise IntegrityError(msg)
        c.execute(
            f"UPDATE {self.stakeholders_table} SET name = {p}, contact = {p} "
            f"WHERE id = {p}",
            [correction.new_name, correction.new_contact, correction.stakeholder_id],
        )
        self._empty_texts(c, correction.superseded, correction.at)

    position_column = "rowid"
    """The stored events' position in the log, in SQL."""

    def _refuse_what_came_since(self, c: _Cursor, since: NothingSince | None) -> None:
        """Inside the transaction that saves a command's events, once no other
        writer can record any: nothing the command depends on (``since``) was
        recorded after the position it read up to. Else the command is run again
        (as when another writer saved first), and reads what came."""
        if since is None:
            return
        c.execute(
            f"SELECT originator_id, topic, state FROM {self.events_table} "
            f"WHERE {self.position_column} > {self.p}",
            [since.position],
        )
        aggregates = set(since.aggregates)
        mentioned = (  # as events store it
            json.dumps(since.mentioning).encode() if since.mentioning else None
        )
        for row in c.fetchall():
            of_theirs = (
                bool(aggregates) and UUID(str(row["originator_id"])) in aggregates
            )
            mentions = (
                mentioned is not None
                and (not since.topics or row["topic"] in since.topics)
                and mentioned in bytes(row["state"])
            )
            if of_theirs or mentions:
                msg = "Events the command depends on were recorded while it ran."
                raise IntegrityError(msg)

    def _refuse_what_changed_since_read(
        self, c: _Cursor, read: Unchanged | None
    ) -> None:
        """Inside the transaction that saves a command's events, once no other
        writer can record any: each aggregate the command read (and does not
        save) is still as it read it, but for events that only add to it (of
        ``read.besides``). A reaction judged on an initiative that has been
        closed since, or a stakeholder who has left since, is run again and
        judged on what is there now."""
        if read is None:
            return
        for aggregate_id, version in read.versions.items():
            c.execute(
                f"SELECT topic FROM {self.events_table} "
                f"WHERE originator_id = {self.p} AND originator_version > {self.p}",
                [self.originator_param(aggregate_id), version],
            )
            if any(row["topic"] not in read.besides for row in c.fetchall()):
                msg = "What the command read was changed while it ran."
                raise IntegrityError(msg)

    def originator_param(self, aggregate_id: UUID) -> Any:
        """An aggregate's id as the events table holds it (SQLite: hex text)."""
        return aggregate_id.hex

    def _write_directory_first(self, c: _Cursor, kwargs: Mapping[str, Any]) -> None:
        """What a save checks and changes in the directory before its events are
        written: the one acting was not erased, a correction, and the identities
        sealed still being the directory's (a correction's own included). The row
        the save changes (the corrected or erased person's) is locked first, before
        any is read for share: two saves that read it for share and then both
        wait to change it would deadlock."""
        self._lock_the_row_it_changes(c, kwargs)
        self._refuse_an_erased_actor(c, kwargs.get("acting"))
        if kwargs.get("correction") is not None:
            self._correct_row(c, kwargs["correction"])
        self._refuse_a_stale_identity(c, kwargs.get("sealed_identities"))

    def _lock_the_row_it_changes(self, c: _Cursor, kwargs: Mapping[str, Any]) -> None:
        """On PostgreSQL, the directory row a correction or an erasure changes, for
        update, until the transaction ends (SQLite: the write lock taken first
        already keeps every other writer out)."""
        if not self.for_update:
            return
        changes = [
            job.stakeholder_id
            for job in (kwargs.get("correction"), kwargs.get("erasure"))
            if job is not None
        ]
        if changes:
            c.execute(
                f"SELECT id FROM {self.stakeholders_table} WHERE id IN "
                f"({', '.join([self.p] * len(changes))}){self.for_update}",
                changes,
            )
            c.fetchall()

    def _write_rows(
        self,
        c: _Cursor,
        texts: Iterable[TextRow] = (),
        stakeholders: Iterable[StakeholderRow] = (),
    ) -> None:
        p = self.p
        for t in texts:
            c.execute(
                f"INSERT INTO {self.texts_table} (id, initiative_id, purpose, salt, body)"
                f" VALUES ({p}, {p}, {p}, {p}, {p})",
                (t.id, t.initiative_id, t.purpose, t.salt, t.body),
            )
        for s in stakeholders:
            c.execute(
                f"INSERT INTO {self.stakeholders_table} (id, ref, name, contact)"
                f" VALUES ({p}, {p}, {p}, {p})",
                (s.id, s.ref, s.name, s.contact),
            )

    def select_texts(self, ids: Sequence[str]) -> dict[str, TextRow]:
        """The texts with these ids (missing ids are absent from the result)."""
        found: dict[str, TextRow] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ", ".join([self.p] * len(chunk))
            for row in self._read(
                "SELECT id, initiative_id, purpose, salt, body"
                f" FROM {self.texts_table} WHERE id IN ({marks})",
                chunk,
            ):
                found[row["id"]] = TextRow(**row)
        return found

    def initiatives_with_texts(self, purpose: str) -> list[str]:
        """The ids of the initiatives that hold a text of this purpose, kept or
        erased (an erased text keeps its row)."""
        rows = self._read(
            f"SELECT DISTINCT initiative_id FROM {self.texts_table} "
            f"WHERE purpose = {self.p} ORDER BY initiative_id",
            [purpose],
        )
        return [row["initiative_id"] for row in rows]

    body_bytes = "CAST(body AS BLOB)"
    """The body as the bytes of its UTF-8, in SQL (whatever type it is stored as)."""

    def select_text_bodies(
        self, ids: Sequence[str]
    ) -> list[tuple[str, str, str, bytes | None]]:
        """(id, purpose, salt, body as UTF-8 bytes) of the texts with these ids: the
        cheapest read, for checking many texts against their commitments. An
        erased text has no body; a text without a salt comes with an empty one."""
        found: list[tuple[str, str, str, bytes | None]] = []
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 2000):
            chunk = unique[start : start + 2000]
            marks = ", ".join([self.p] * len(chunk))
            found.extend(
                self._read_tuples(
                    f"SELECT id, purpose, COALESCE(salt, ''), {self.body_bytes} FROM "
                    f"{self.texts_table} WHERE id IN ({marks})",
                    chunk,
                )
            )
        return found

    def select_stakeholder(
        self, *, ref: str | None = None, id: str | None = None
    ) -> StakeholderRow | None:
        column, value = ("ref", ref) if ref is not None else ("id", id)
        rows = self._read(
            f"SELECT id, ref, name, contact FROM {self.stakeholders_table}"
            f" WHERE {column} = {self.p}",
            [value],
        )
        return StakeholderRow(**rows[0]) if rows else None

    def select_stakeholders(self, ids: Sequence[str]) -> dict[str, StakeholderRow]:
        found: dict[str, StakeholderRow] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ", ".join([self.p] * len(chunk))
            for row in self._read(
                f"SELECT id, ref, name, contact FROM {self.stakeholders_table}"
                f" WHERE id IN ({marks})",
                chunk,
            ):
                found[row["id"]] = StakeholderRow(**row)
        return found

    def select_records(
        self, after: int, limit: int
    ) -> list[tuple[int, str, int, str, bytes]]:
        """Stored records after a position, as plain tuples (position, originator id
        as 32 hex digits, version, topic, state): the cheapest read, for verifying
        the audit chain over a long log."""
        raise NotImplementedError

    def count_rows(self) -> dict[str, int]:
        """Rows per table: the stored events, texts and stakeholders."""
        counts = {}
        for table in (self.events_table, self.texts_table, self.stakeholders_table):
            counts[table] = int(
                self._read(f"SELECT COUNT(*) AS n FROM {table}", [])[0]["n"]
            )
        return counts

    def erase(
        self,
        stakeholder_id: str,
        text_ids: Sequence[str],
        at: str,
        identities: Sequence[str] = (),
    ) -> tuple[str, int]:
        """Erase a stakeholder's directory row (its reference becomes ``erased-``
        and the start of its id; name and contact go), these texts and the texts
        that hold their reference and name (``identities``): body and salt go, in
        one transaction. Returns the new reference and how many of ``text_ids``
        were erased now."""
        job = ErasureJob(stakeholder_id, text_ids, at, identities)
        datastore: Any = getattr(self, "datastore")  # noqa: B009 (the backends')
        with datastore.transaction(commit=True) as c:
            self._write_first(c)
            self._erase_rows(c, job)
        return job.now_named, job.erased

    def release_what_was_erased(self) -> bool:
        """After an erasure or a correction has been committed: let no copy of what
        it overwrote stay behind in the database's files; False when a copy is
        still there (it goes at a later :meth:`release_when_pending`). Nothing to
        do here; see the SQLite recorder."""
        return True

    def release_when_pending(self) -> None:
        """Before or after another read or write: finish a release that could not
        be finished when its erasure or correction was committed (SQLite)."""

    def _write_first(self, c: Any) -> None:
        """Begin a transaction that reads and then writes with a write that changes
        nothing. On SQLite it takes the file's write lock, waiting for other writers
        as long as the lock timeout allows; a read first would hold a snapshot that
        another writer can make stale, and SQLite then refuses the write at once
        ("database is locked") instead of waiting. Harmless on PostgreSQL."""
        c.execute(f"UPDATE {self.stakeholders_table} SET id = id WHERE 1 = 0")

    def _erase_rows(self, c: Any, job: ErasureJob) -> None:
        """The statements of an erasure, in the caller's transaction (with the
        events that record it, when it is saved with them)."""
        p = self.p
        stakeholder_id, at = job.stakeholder_id, job.at
        erased = 0
        # The start of the id, unless another erased stakeholder's id starts
        # the same way: then the whole id.
        short = f"{ERASED_PREFIX}{stakeholder_id[:8]}"
        c.execute(
            f"SELECT id, ref FROM {self.stakeholders_table} "
            f"WHERE ref = {p} OR id = {p}",
            [short, stakeholder_id],
        )
        rows = {row["id"]: row["ref"] for row in c.fetchall()}
        if rows.get(stakeholder_id, "").startswith(ERASED_PREFIX):
            ref = rows[stakeholder_id]  # erased before: the name stays
        elif any(i != stakeholder_id for i in rows):
            ref = f"{ERASED_PREFIX}{stakeholder_id}"
        else:
            ref = short
        c.execute(
            f"UPDATE {self.stakeholders_table} SET ref = {p}, name = NULL, "
            f"contact = NULL, erased_at = {p} WHERE id = {p}",
            [ref, at, stakeholder_id],
        )
        erased = self._empty_texts(c, list(dict.fromkeys(job.text_ids)), at)
        self._empty_texts(c, job.identities, at)
        job.now_named, job.erased = ref, erased

    def _empty_texts(self, c: Any, text_ids: Sequence[str], at: str) -> int:
        """Empty the body and salt of these texts (those not yet empty), noting
        when; returns how many were emptied."""
        p = self.p
        emptied = 0
        ids = list(text_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            kept = f"body IS NOT NULL AND id IN ({', '.join([p] * len(chunk))})"
            c.execute(
                f"SELECT COUNT(*) AS n FROM {self.texts_table} WHERE {kept}", chunk
            )
            emptied += int(c.fetchone()["n"])
            c.execute(
                f"UPDATE {self.texts_table} SET body = NULL, salt = NULL, "
                f"erased_at = {p} WHERE {kept}",
                [at, *chunk],
            )
        return emptied

    def write_a_new_record(
        self, writes: Iterable[tuple[Sequence[StoredEvent], Mapping[str, Any]]]
    ) -> None:
        """Write each (events, with texts or stakeholders) of ``writes`` as a save
        would, all in one transaction, into a database that holds no record
        (raises :class:`RecordHeld` else, checked in that transaction, once no
        other writer can write): a replay, which writes a whole record in batches
        (so that its memory stays flat) and must leave all of it or none, also
        when its process is killed part of the way, and never write into, or
        fail over, a record another replay wrote at the same moment."""
        raise NotImplementedError

    def _refuse_a_record_held(self, c: _Cursor) -> None:
        for table in (self.events_table, self.texts_table, self.stakeholders_table):
            c.execute(f"SELECT 1 FROM {table} LIMIT 1")
            if c.fetchall():
                raise RecordHeld

    def empty_after_a_failed_replay(self) -> None:
        """Remove every event, text and directory row, in one transaction. Only for
        a replay into a new, empty database that failed part of the way (a replay
        writes in batches, so that its memory stays flat): the database is empty
        again, and nothing is left half-written."""
        datastore: Any = getattr(self, "datastore")  # noqa: B009 (the backends')
        with datastore.transaction(commit=True) as c:
            self._write_first(c)
            for table in (self.events_table, self.texts_table, self.stakeholders_table):
                c.execute(f"DELETE FROM {table}")

    @property
    def events_table(self) -> str:
        raise NotImplementedError


def create_statements(
    texts: str, stakeholders: str, commands: str = COMMANDS_TABLE
) -> list[str]:
    return [
        f"CREATE TABLE IF NOT EXISTS {texts} ("
        "id TEXT PRIMARY KEY, "
        "initiative_id TEXT NOT NULL, "
        "purpose TEXT NOT NULL, "
        "salt TEXT, "
        "body TEXT, "
        "erased_at TEXT)",
        f"CREATE TABLE IF NOT EXISTS {stakeholders} ("
        "id TEXT PRIMARY KEY, "
        "ref TEXT NOT NULL UNIQUE, "
        "name TEXT, "
        "contact TEXT, "
        "erased_at TEXT)",
        f"CREATE TABLE IF NOT EXISTS {commands} ("
        "id TEXT PRIMARY KEY, "
        "use_case TEXT NOT NULL, "
        "recorded_at TEXT NOT NULL, "
        "position BIGINT)",
    ]


RELEASE_EVERY = 0.05
"""Seconds between the tries to empty the write-ahead log after an erasure, while
a reader of an older snapshot keeps it from being emptied (other writers write in
between)."""


class SQLiteSamenspraakRecorder(TextStoreRecorder, SQLiteApplicationRecorder):
    """The SQLite application recorder with the text and stakeholder tables."""

    def forget_commands(self, before: str) -> int:
        """Forget the ids of the commands recorded before ``before``; how many."""
        with self.datastore.transaction(commit=True) as c:
            self._write_first(c)
            return self._forget_commands_in(c, before)

    def __init__(
        self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"
    ) -> None:
        super().__init__(datastore, events_table_name)
        name = datastore.pool.db_name
        self._path = (
            None
            if datastore.pool.is_sqlite_memory_mode or name.startswith("file:")
            else os.path.abspath(name)
        )
        self._file: tuple[int, int] | None = None
        self._note_the_file()
        self._unreleased = False
        """An erasure or a correction of this recorder's was committed, and the
        write-ahead log still holds the pages as they were before it."""

    def _note_the_file(self) -> tuple[int, int] | None:
        """The file (device, inode) the record is kept in, once it exists."""
        if self._file is None and self._path is not None:
            with contextlib.suppress(OSError):
                found = os.stat(self._path)
                self._file = (found.st_dev, found.st_ino)
        return self._file

    def _refuse_a_file_gone_or_replaced(self) -> None:
        """Inside a writing transaction: the record's file is still the one this
        recorder opened. SQLite goes on writing into the file it has open when
        that file is deleted, or replaced by another (a backup put back with
        ``mv``): what a long-open instance (a portal's) recorded then would be
        lost with it, each command saying it was recorded."""
        noted = self._file
        if noted is None or self._path is None:
            self._note_the_file()
            return
        try:
            found = os.stat(self._path)
            now: tuple[int, int] | None = (found.st_dev, found.st_ino)
        except OSError:
            now = None
        if now != noted:
            msg = (
                f"The database file {self.datastore.pool.db_name} was deleted or "
                "replaced while the record was open, so nothing was recorded: open "
                "the record again."
            )
            raise StorageError(msg)

    @property
    def events_table(self) -> str:
        return self.events_table_name

    def _write_first(self, c: Any) -> None:
        """As for every store, and with SQLite's ``secure_delete`` on for this
        connection: what a write frees (the body and salt of an erased text, an
        erased or corrected name or contact) is overwritten with zeros, in the
        page and in the file's free pages, instead of staying in the file's bytes
        until the space is used again. Some builds of SQLite have it on by default,
        most do not."""
        c.execute("PRAGMA secure_delete = ON")
        super()._write_first(c)
        self._refuse_a_file_gone_or_replaced()

    def release_what_was_erased(self) -> bool:
        """Copy the write-ahead log into the file and empty it (``wal_checkpoint
        (TRUNCATE)``): until then, the log keeps the pages as they were before an
        erasure, and the file too when someone else has the record open (as a
        portal does all day); the log is only removed when the last connection
        closes, and a checkpoint that is not asked to empty it leaves the old pages
        in it. A reader holding an older snapshot keeps it from being emptied: it
        is tried again every :data:`RELEASE_EVERY` seconds, up to the lock
        timeout, each try without waiting, so that other writers write in
        between. When the reader holds on longer, False: the log is emptied at
        this recorder's next read or write (:meth:`release_when_pending`), at the
        next erasure or correction, or when the last connection closes."""
        deadline = time.monotonic() + self._lock_timeout()
        while not self._emptied_the_log():
            if time.monotonic() >= deadline:
                self._unreleased = True
                return False
            time.sleep(RELEASE_EVERY)
        self._unreleased = False
        return True

    def release_when_pending(self) -> None:
        if self._unreleased and self._emptied_the_log():
            self._unreleased = False

    def _lock_timeout(self) -> float:
        """Seconds: how long this record's writers wait for the file's lock."""
        return float(self.datastore.pool.lock_timeout or SQLITE3_DEFAULT_LOCK_TIMEOUT)

    def _emptied_the_log(self) -> bool:
        """One try at emptying the write-ahead log, without waiting for readers or
        writers: whether it is empty now."""
        try:
            with self.datastore.get_connection(commit=True) as connection:
                cursor = connection.cursor()
                cursor.execute("PRAGMA busy_timeout")
                waits = int(cursor.fetchone()[0])
                cursor.execute("PRAGMA busy_timeout = 0")
                try:
                    cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    busy = cursor.fetchone()[0]
                finally:
                    cursor.execute(f"PRAGMA busy_timeout = {waits}")
        except (sqlite3.Error, OperationalError):
            return False  # the erasure is committed; a later try does this
        return not busy

    def construct_create_table_statements(self) -> list[str]:
        statements = super().construct_create_table_statements()
        statements.extend(create_statements(self.texts_table, self.stakeholders_table))
        return statements

    def _insert_events(
        self,
        c: SQLiteCursor,
        stored_events: Sequence[StoredEvent],
        **kwargs: Any,
    ) -> Sequence[int] | None:
        self._write_first(c)  # from here on, no other writer
        given = kwargs.get("command")
        self._claim_command(c, given)
        self._refuse_what_came_since(c, kwargs.get("nothing_since"))
        self._write_directory_first(c, kwargs)
        self._refuse_what_changed_since_read(c, kwargs.get("unchanged"))
        notification_ids = super()._insert_events(c, stored_events, **kwargs)
        self._write_rows(c, kwargs.get("texts", ()), kwargs.get("stakeholders", ()))
        if kwargs.get("erasure") is not None:
            self._erase_rows(c, kwargs["erasure"])
        self._note_command(c, given, notification_ids)
        return notification_ids

    def write_a_new_record(
        self, writes: Iterable[tuple[Sequence[StoredEvent], Mapping[str, Any]]]
    ) -> None:
        with self.datastore.transaction(commit=True) as c:
            self._write_first(c)  # from here on, no other writer
            self._refuse_a_record_held(c)
            for stored_events, rows in writes:
                self._insert_events(c, stored_events, **rows)

    def select_text_bodies(
        self, ids: Sequence[str]
    ) -> list[tuple[str, str, str, bytes | None]]:
        """As for every store; many texts are read as one stretch of the table.

        A text is written in the same transaction as the event that refers to it,
        so the texts that a page of the log refers to mostly lie together, in
        that order: the stretch between the first text asked for and the last is
        read in one go (when it is not much longer than the list), and only the
        texts not in it are looked up one by one. The result is the same either
        way; the order of the table only makes it faster."""
        if len(ids) < STRETCH_FROM:
            return super().select_text_bodies(ids)
        ends = self._read_tuples(
            f"SELECT rowid FROM {self.texts_table} WHERE id IN (?, ?)",
            [ids[0], ids[-1]],
        )
        if len(ends) != 2 or abs(ends[0][0] - ends[1][0]) > 2 * len(ids):
            return super().select_text_bodies(ids)
        low, high = sorted(end[0] for end in ends)
        wanted = set(ids)
        stretch = [
            row
            for row in self._read_tuples(
                f"SELECT id, purpose, COALESCE(salt, ''), {self.body_bytes} "
                f"FROM {self.texts_table} "
                "WHERE rowid BETWEEN ? AND ?",
                [low, high],
            )
            if row[0] in wanted
        ]
        rest = wanted.difference(row[0] for row in stretch)
        found = stretch
        if rest:
            found.extend(super().select_text_bodies(sorted(rest)))
        return found

    def _read(self, statement: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as c:
            c.execute(statement, list(params))
            return [dict(row) for row in c.fetchall()]

    def _read_tuples(self, statement: str, params: Sequence[Any]) -> list[Any]:
        with self.datastore.transaction(commit=False) as c:
            # sqlite3's own cursor, asked for plain tuples: no Row object per row.
            raw = c.sqlite_cursor
            raw.row_factory = None
            raw.execute(statement, list(params))
            return raw.fetchall()

    def select_records(
        self, after: int, limit: int
    ) -> list[tuple[int, str, int, str, bytes]]:
        return self._read_tuples(
            "SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid LIMIT ?",
            [after, limit],
        )
