"""The samenspraak application: the public API for commands and queries.

Each method is a use case named as its users say it. Commands take a command model
(or a mapping with the same fields), resolve the actor from their reference, check
the domain's rules and save the events, together with any free text and personal
data, in one transaction. Refusals are raised as the errors of
:mod:`samenspraak.application.errors`, each with one sentence for a person.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import random
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import unquote
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, EventSourcingError
from eventsourcing.persistence import (
    ConnectionPoolClosedError,
    IntegrityError,
    JSONTranscoder,
    Mapper,
    MapperDeserialisationError,
    PersistenceError,
    StoredEvent,
    Transcoding,
)
from eventsourcing.sqlite import SQLiteDatastore
from eventsourcing.utils import (
    Environment,
    EnvType,
    TopicError,
    get_topic,
    strtobool,
)
from pydantic import BaseModel, ValidationError

from samenspraak.application import (
    cloudevents,
    consul,
    decidim,
    platform_comments,
    reading,
    zgw,
)
from samenspraak.application import commands as c
from samenspraak.application import views as v
from samenspraak.application.config import (
    OWN_TABLES,
    database_exists,
    is_postgres,
    resolve_db,
    storage_env,
    tables_in,
    what_the_file_holds,
)
from samenspraak.application.errors import (
    AlreadyRecorded,
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    SamenspraakError,
    StorageError,
)
from samenspraak.application.files import reason_of
from samenspraak.application.inputs import (
    REF,
    a_path,
    as_of_moment,
    parse,
    ref,
    shown,
    through,
    when,
)
from samenspraak.application.integrity import (
    GIVEN,
    TextCheck,
    TextsChecked,
    as_bytes,
    commitment,
    giver,
)
from samenspraak.application.opening import (
    LIBRARY_SETTINGS as LIBRARY_SETTINGS,  # noqa: PLC0414 (embedding.md names it here)
)
from samenspraak.application.opening import (
    OPEN_TRIES,
    OPENED,
    Busy,
    as_opened,
    driver_error,
    first_line,
    leave_to_the_parent,
    library_settings,
    no_connection,
    not_opened,
    read_only_env,
    seconds,
    writable_here,
)
from samenspraak.application.persistence import (
    COMMANDS_TABLE,
    ERASED_PREFIX,
    ActorWasErased,
    CommandGiven,
    DirectoryCorrection,
    ErasureJob,
    NothingSince,
    SQLiteSamenspraakRecorder,
    StakeholderRow,
    TextRow,
    TextStoreRecorder,
    Unchanged,
    given_again,
    identity_body,
)
from samenspraak.application.platform_comments import PlatformComment
from samenspraak.application.turns import (
    CLOSED,
    FORKED,
    AdvisoryTurns,
    TurnNotFree,
    Turns,
    file_turns,
)
from samenspraak.domain import rules
from samenspraak.domain.decision_point import DecisionPoint, Option, decision_point_id
from samenspraak.domain.initiative import (
    Initiative,
    PhaseFacts,
    ReactionFromMeeting,
    initiative_id,
)
from samenspraak.domain.plan import Plan, plan_id
from samenspraak.domain.rules import RuleViolation, counted, listed
from samenspraak.domain.templates import DEFAULT_TEMPLATE, ProcessTemplate
from samenspraak.domain.values import (
    SYSTEM_ACTOR,
    Channel,
    StakeholderKind,
    Stance,
    TextRef,
)
from samenspraak.projections.chain import GENESIS, HEAD_FORM, ChainLink, Head
from samenspraak.projections.state import (
    ProcessStateProjector,
    awaits_answer,
    kind_of_topic,
    new_document,
    utc,
)
from samenspraak.projections.summary import LINES
from samenspraak.projections.verify import (
    PAGE,
    ChainCheck,
    PageCheck,
    Record,
    check_the_log,
    verify_chain,
)
from samenspraak.projections.views import (
    VERSIONS_TABLE,
    AuditRow,
    AuditTrailLogic,
    BaseView,
    BuiltWithOtherLogic,
    DamagedView,
    Fingerprint,
    ProcessStateLogic,
    ResponseReportLogic,
    SQLiteAuditTrailView,
    SQLiteProcessStateView,
    SQLiteResponseReportView,
    SQLiteView,
    ViewsInUse,
    catch_up_all,
    fingerprints_of,
    rebuild_all,
)

if TYPE_CHECKING:
    from samenspraak.application.report import ParticipationReport
    from samenspraak.application.templates import Registry
    from samenspraak.application.todo import TodoItem

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
A = TypeVar("A", bound=Aggregate)

ERASED_BY_THE_PERSON_OR_THEIR_FACILITATOR = (
    "personal_data_is_erased_by_the_person_or_their_facilitator"
)
"""The rule behind a refused erasure (the directory is the application's, so the
rule is too)."""

A_FACILITATOR_IS_ERASED_ONCE_THEIR_INITIATIVES_CLOSE = (
    "a_facilitator_is_erased_once_their_initiatives_close"
)
AN_ERASED_STAKEHOLDER_TAKES_NO_FURTHER_PART = (
    "an_erased_stakeholder_takes_no_further_part"
)
CORRECTED_BY_THE_PERSON_OR_THEIR_FACILITATOR = (
    "personal_data_is_corrected_by_the_person_or_their_facilitator"
)
"""The rule behind a refused correction (as for an erasure: the directory is the
application's)."""

RETRIES = 8
"""How many times a command is tried in all when other writers keep changing the
same aggregate (the first try and seven retries)."""
RETRY_WAIT = 0.02
"""Seconds: the most a retry waits after its first collision, at random, so that
collided writers do not collide again; the most doubles with each collision (0.02,
0.04, 0.08, ... 1.28 s)."""
READ_LOCKS = 64
"""With the aggregate cache on, the locks by which threads read an aggregate in
turn (an aggregate takes the one its id falls on)."""

ALONE_FROM = 3
"""The try from which a command that collided waits for the record's turn alone
(see ``turns.py``): from its first read to its save no other save runs, so it does
not lose again to the writers that keep coming."""


_ACTING: ContextVar[str | None] = ContextVar("samenspraak_acting", default=None)
"""The stakeholder giving the command being run, for :meth:`Samenspraak.save`."""

_GIVEN: ContextVar[tuple[str, str] | None] = ContextVar(
    "samenspraak_given", default=None
)
"""The id and use case of the command being run, when its caller gave it an id:
:meth:`Samenspraak.save` records them in the transaction that saves it."""

_SAVED: ContextVar[bool] = ContextVar("samenspraak_saved", default=False)
"""Whether the try being run has saved its command with its id (a command saves
once; an id is recorded with the one save it makes)."""

_READ: ContextVar[dict[UUID, int] | None] = ContextVar("samenspraak_read", default=None)
"""The aggregates the command being run has read, by id, at the version it read:
:meth:`Samenspraak.save` checks, in its transaction, that those it does not save
are still at that version."""

IDENTITY = "identity"
"""The purpose of the texts that hold a stakeholder's reference and name."""

ORIGIN = "reaction origin"
"""The purpose of the texts that name the platform comment a reaction was imported
from (``decidim:19736``): a link to a public comment that shows its author's name,
so it is kept as a text, erased with the texts of whoever posted it, never in an
event."""

IDENTITY_TOPICS = frozenset(
    f"samenspraak.domain.initiative:Initiative.{name}"
    for name in (
        "Started",
        "StakeholderJoined",
        "PersonalDataErased",
        "IdentityCorrected",
    )
)
"""The events that commit to stakeholders' identities."""

ADDITIONS = frozenset(
    f"samenspraak.domain.initiative:Initiative.{name}"
    for name in (
        "StakeholderJoined",
        "IdentityCorrected",
        "GroupFormed",
        "MemberAdded",
        "Announced",
        "MeetingHeld",
        "CouncilInformed",
        "CouncilFollowedUp",
        "CouncilFrameworkSet",
    )
)
"""Events that only add to an initiative: recorded while a command on one of its
plans or decision points ran, they cannot make what it was judged on wrong (at
worst it was refused what it would now be allowed), so they do not make it run
again; taking a decision, which depends on who takes part, is the exception."""

DECIDING = frozenset(
    f"samenspraak.domain.decision_point:DecisionPoint.{name}"
    for name in ("Decided", "ClosedByDeadline")
)
"""Events that take a decision: who takes part counts, so every change of the
initiative recorded while they were worked out makes the command run again."""

GIVEN_REASONS = frozenset(
    topic for topic, (fields, _) in GIVEN.items() if "reason" in fields
)
"""The events whose reason an erasure of its giver's texts empties (and
``audit verify`` accepts emptied): a position's, an action status's. Not a
correction's: the reason a meeting's or an informing's record was corrected is
the facilitator's account of the record, and stays."""

CREATIONS = (
    "samenspraak.domain.plan:Plan.Created",
    "samenspraak.domain.decision_point:DecisionPoint.Put",
)
"""The events that make a plan or decision point part of an initiative (their
state holds the initiative's id)."""

ERASURE_TOPIC = "samenspraak.domain.initiative:Initiative.PersonalDataErased"
CORRECTION_TOPIC = "samenspraak.domain.initiative:Initiative.IdentityCorrected"


def _of_the_initiative(
    initiative: Initiative, position: int, aggregates: Iterable[str]
) -> NothingSince:
    """What a command that read up to ``position`` about the initiative's plans
    and decision points (these ``aggregates``) depends on: their events, and the
    creation of new ones in the initiative."""
    return NothingSince(
        position,
        CREATIONS,
        mentioning=initiative.id.hex,
        aggregates=tuple(UUID(i) for i in aggregates),
    )


def erased_names(stakeholder_id: str) -> tuple[str, str]:
    """The references an erasure gives: ``erased-`` and the start of the id, or
    the whole id when another erased stakeholder's id starts the same way."""
    return f"{ERASED_PREFIX}{stakeholder_id[:8]}", f"{ERASED_PREFIX}{stakeholder_id}"


class TextRefAsDict(Transcoding):
    type = TextRef
    name = "text_ref"

    def encode(self, obj: TextRef) -> dict[str, str]:
        return {"id": obj.id, "sha256": obj.sha256}

    def decode(self, data: dict[str, str]) -> TextRef:
        return TextRef(**data)


class OptionAsDict(Transcoding):
    type = Option
    name = "option"

    def encode(self, obj: Option) -> dict[str, Any]:
        return {"key": obj.key, "label": obj.label}

    def decode(self, data: dict[str, Any]) -> Option:
        return Option(**data)


def project(
    aggregate: Aggregate | None, events: Iterable[Aggregate.Event]
) -> Aggregate | None:
    """An aggregate from its events, as the library's ``project_aggregate`` makes
    it, without that function's check of every event against a runtime protocol:
    the check took half the time of loading a plan of 10,000 events, and every
    event here is an aggregate event, which mutates."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


@dataclass
class _Pending:
    """Texts and directory rows to write in the same transaction as the events."""

    initiative_id: str
    texts: list[TextRow] = field(default_factory=list)
    identities: dict[str, str] = field(default_factory=dict)
    """The identities sealed, by stakeholder id: the body, which the directory must
    still hold when the events are saved (``sealed_identities``)."""

    def seal(self, purpose: str, body: str) -> TextRef:
        salt = secrets.token_hex(16)
        text_id = str(uuid.uuid4())
        self.texts.append(TextRow(text_id, self.initiative_id, purpose, salt, body))
        return TextRef(text_id, commitment(salt, body))

    def seal_identity(self, stakeholder_id: str, ref: str, name: str | None) -> TextRef:
        body = identity_body(ref, name)
        self.identities[stakeholder_id] = body
        return self.seal(IDENTITY, body)


_EVENT_NAMES = {name.lower(): name for _, name in LINES}
"""Every event the audit trail can show, by its name in lower case."""


THIS_STAKEHOLDER = "This stakeholder"

ADDING_STAKEHOLDERS = "add stakeholders to the initiative"
"""What the facilitator may not do where their kind is not granted
``join_initiative``: they add someone, and do not join themselves."""
"""How a domain rule names a stakeholder: the domain knows only pseudonymous ids."""


@contextmanager
def _naming(ref: str) -> Iterator[None]:
    """Say a refusal of the domain's about "This stakeholder" with their reference."""
    try:
        yield
    except RuleViolation as violation:
        if not violation.sentence.startswith(THIS_STAKEHOLDER):
            raise
        sentence = ref + violation.sentence.removeprefix(THIS_STAKEHOLDER)
        raise RuleViolation(violation.rule, sentence) from None


def _refuse_erased(ref: str) -> None:
    if ref.startswith(ERASED_PREFIX):
        msg = f"{ref} was erased; an erased stakeholder takes no further part."
        raise NotAllowed(msg, AN_ERASED_STAKEHOLDER_TAKES_NO_FURTHER_PART)


def _actor_ref(actor: str | None, people: Mapping[str, StakeholderRow]) -> str | None:
    """Who gave a command, by reference: the engine itself, a stakeholder in the
    directory, or one whose directory row was erased."""
    if actor is None or actor == SYSTEM_ACTOR:
        return actor
    return _ref_in(people, actor)


def _ref_in(people: Mapping[str, StakeholderRow], stakeholder_id: str) -> str:
    """A stakeholder's reference in the directory; without a row (erased from
    it), ``erased-`` and the start of their id."""
    row = people.get(stakeholder_id)
    return row.ref if row is not None else erased_names(stakeholder_id)[0]


class KnownKindsMapper(Mapper[UUID]):
    """The library's mapper, saying in words when a stored event is of a kind this
    version does not know (a newer version on the same database recorded it),
    where the library raised a ``TopicError`` that read as a fault of the engine."""

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        try:
            return super().to_domain_event(stored_event)
        except TopicError:
            kind = stored_event.topic.rpartition(":")[2][:100]
            position = getattr(stored_event, "id", None)  # a notification's
            where = f", at position {position}" if isinstance(position, int) else ""
            msg = (
                f"The record holds an event of a kind this version of samenspraak "
                f"does not know ({kind}{where}): a newer version of samenspraak may "
                "have recorded it; use that version, or one newer."
            )
            raise StorageError(msg) from None


class Samenspraak(Application[UUID]):
    """The engine: participation processes recorded as events."""

    name = "samenspraak"
    env = {  # noqa: RUF012 (the library declares it as a ClassVar)
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": "file:samenspraak?mode=memory&cache=shared",
        "APPLICATION_RECORDER_TOPIC": get_topic(SQLiteSamenspraakRecorder),
    }

    read_only = False
    """Opened on a SQLite file this process may not write (an archived copy): it
    reads and verifies the record and changes nothing, as long as its views were
    brought up to date before it was made read-only."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        # What is opened before a failure is closed at once: left to the garbage
        # collector, a PostgreSQL pool would be closed on whatever thread collects
        # it, perhaps one of its own workers, which cannot wait for itself.
        try:
            super().__init__(env)
        except (EventSourcingError, sqlite3.Error, OSError, ImportError) as error:
            self._close_quietly()
            raise not_opened(error) from None
        except BaseException:
            self._close_quietly()
            raise
        if not isinstance(self.recorder, TextStoreRecorder):
            self._close_quietly()
            msg = "samenspraak needs its own recorder; open it with Samenspraak.open()."
            raise StorageError(msg)
        self.store: TextStoreRecorder = self.recorder
        self._templates: Registry | None = None
        self.state_projector = ProcessStateProjector()
        try:
            self.state, self.audit, self.responses = self._construct_views()
        except (EventSourcingError, sqlite3.Error) as error:
            self._close_quietly()
            raise not_opened(error) from None
        except BaseException:
            self._close_quietly()
            raise
        self.views: tuple[BaseView, ...] = (self.state, self.audit, self.responses)
        self.views_in_use = ViewsInUse()
        self._logic_checked = False
        self._checking_logic = threading.Lock()
        self._opened_with = as_opened(self.env, self.name)
        """The settings in effect when this instance was made (a SQLite file's
        path made absolute): another process opens the same record with them
        (see :meth:`_texts_apart`)."""
        self.rebuilt_views: tuple[str, ...] = ()
        """The views this instance rebuilt from the log because an earlier
        version of samenspraak built them (with another logic version)."""
        self._reads = tuple(threading.Lock() for _ in range(READ_LOCKS))
        self._calls = threading.Condition()
        self._running = 0
        """How many threads are inside a call of this instance: :meth:`close`
        waits for them before it closes the connections they use."""
        self._in_a_call = threading.local()
        self._pid = os.getpid()
        """The process that opened it: a process forked from it (a server's
        worker) shares its connections, which only the one that opened them may
        use or close."""
        OPENED.add(self)
        self.turns = self._construct_turns()
        """The record's turn at writing (see ``turns.py``): shared by every save,
        taken alone by a command that collided twice with other writers."""

    def _close_quietly(self) -> None:
        """Close what a construction that failed had opened (the library's factory
        and its connections), saying nothing: the failure is what is reported."""
        factory = getattr(self, "factory", None)
        if factory is not None:
            with suppress(Exception):
                factory.close()

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """The settings given, and none from the process's environment: where the
        record is kept is what ``open`` was told (or the settings passed in), so
        that a ``POSTGRES_SCHEMA`` or ``SAMENSPRAAK_SQLITE_DBNAME`` set for a
        backend built on the same library cannot move it elsewhere."""
        settings = dict(type(self).env)
        if env is not None:
            settings.update(env)
        return Environment(name, settings)

    def _construct_views(
        self,
    ) -> tuple[ProcessStateLogic, AuditTrailLogic, ResponseReportLogic]:
        """The read models, in the same database as the events."""
        datastore: Any = getattr(self.factory, "datastore", None)
        if isinstance(datastore, SQLiteDatastore):
            state: Any = SQLiteProcessStateView(datastore)
            audit: Any = SQLiteAuditTrailView(datastore)
            responses: Any = SQLiteResponseReportView(datastore)
        else:
            from samenspraak.projections.postgres import (  # noqa: PLC0415
                PostgresAuditTrailView,
                PostgresProcessStateView,
                PostgresResponseReportView,
            )

            state = PostgresProcessStateView(datastore)
            audit = PostgresAuditTrailView(datastore)
            responses = PostgresResponseReportView(datastore)
        if strtobool(self.env.get("CREATE_TABLE") or "yes"):
            for view in (state, audit, responses):
                view.create_table()
        return state, audit, responses

    def _construct_turns(self) -> Turns:
        datastore: Any = getattr(self.factory, "datastore", None)
        if isinstance(datastore, SQLiteDatastore):
            wait = seconds(self.env.get("SQLITE_LOCK_TIMEOUT"))
            return Turns(file_turns(self.env.get("SQLITE_DBNAME") or ""), wait)
        wait = seconds(self.env.get("POSTGRES_LOCK_TIMEOUT"))
        return Turns(AdvisoryTurns(datastore.pool, datastore.schema), wait)

    def __del__(self) -> None:
        # An instance no one closed is closed when it is collected, on whatever
        # thread collects it: when that is one of its own pool's workers, which
        # cannot wait for itself, closing fails, and there is no one to tell.
        with suppress(Exception):
            self.close()

    def __enter__(self) -> Self:
        """``with Samenspraak.open(db) as app:``; a closed instance is refused."""
        self._refuse_when_closed()
        self._refuse_when_forked()
        return super().__enter__()

    def close(self) -> None:
        """Refuse every call from now on, let the calls running on other threads
        end (a command that has not saved yet records nothing and ends in words; a
        query answers; an erasure or a correction that has saved empties SQLite's
        write-ahead log of what it overwrote first, and returns what it recorded),
        then close the connections: closed under a statement that another thread
        runs on it, a SQLite connection crashes the interpreter."""
        calls: threading.Condition | None = getattr(self, "_calls", None)
        if calls is not None:
            with calls:
                self.closing.set()
            if os.getpid() != self._pid:
                # A forked process closes nothing of its parent's: a PostgreSQL
                # connection closed here would end the parent's session too.
                return
        turns: Turns | None = getattr(self, "turns", None)
        if turns is not None:
            turns.close()  # a command waiting for its turn alone stops waiting
        if calls is not None:
            mine = 1 if getattr(self._in_a_call, "depth", 0) else 0
            with calls:
                calls.wait_for(lambda: self._running <= mine)
        store = getattr(self, "store", None)
        if store is not None:
            with suppress(Exception):
                store.release_when_pending()
        super().close()

    @classmethod
    def open(
        cls,
        db: str | os.PathLike[str] | None = None,
        *,
        create: bool = True,
        settings: Mapping[str, str] | None = None,
    ) -> Samenspraak:
        """Open the record in a SQLite file or PostgreSQL database.

        ``db`` is a file path or a ``postgresql://`` URL; it defaults to
        ``SAMENSPRAAK_DB``, then ``./samenspraak.db``. With ``create=False`` a
        missing SQLite file is reported instead of created. ``settings`` are the
        event-sourcing library's own, such as ``{"AGGREGATE_CACHE_MAXSIZE": "256"}``
        (where and how the record is stored is ``db``'s to say).
        """
        if not isinstance(create, bool):
            raise InvalidInput("create: must be true or false.")
        extra = library_settings(settings)
        target = resolve_db(a_path("db", db) if db is not None else None)
        holds = (
            what_the_file_holds(target)
            if not is_postgres(target) and Path(target).is_file()
            else None
        )
        if not create and (not database_exists(target) or holds == "empty"):
            msg = (
                f"There is no samenspraak database at {target}; opening it with "
                "create=True (the default) makes one."
            )
            raise NotFound(msg)
        if holds == "damaged":
            missing = ", ".join(sorted(OWN_TABLES - (tables_in(target) or set())))
            msg = (
                f"{target} holds part of a samenspraak record: it lacks {missing}, "
                "so it was changed outside the engine; restore it from a backup or "
                "replay an exported bundle into a new file."
            )
            raise StorageError(msg)
        if holds == "other":
            msg = (
                f"{target} is a SQLite database of another program (it holds no "
                "samenspraak record); samenspraak keeps its record in a file of its "
                "own, so name another file."
            )
            raise StorageError(msg)
        folder = Path(target).parent
        if not database_exists(target) and not folder.is_dir():
            msg = f"There is no folder {folder} to keep the database in."
            raise StorageError(msg)
        if (
            not is_postgres(target)
            and not database_exists(target)
            and not os.access(folder, os.W_OK | os.X_OK)
        ):
            msg = (
                f"The database {target} cannot be created: the folder {folder} "
                "cannot be written here (permission denied); name a file in a folder "
                "you can write to."
            )
            raise StorageError(msg)
        env = {**storage_env(target), **extra}
        if is_postgres(target):
            return cls._open_postgres(env, create=create)
        if holds is not None and not writable_here(Path(target)):
            return cls._not_writable_here(env, target, create=create, holds=holds)
        return cls._made_or_opened(env)

    @classmethod
    def _not_writable_here(
        cls, env: dict[str, str], target: str, *, create: bool, holds: str
    ) -> Samenspraak:
        """A record this process may not write: read without writing anything into
        it or beside it, or refused (opening it as usual would make SQLite's files
        beside it, owned by this process, which can keep its owner out)."""
        if not os.access(target, os.R_OK):
            msg = (
                f"The database {target} cannot be read here (permission denied); ask "
                "for read and write access to it."
            )
            raise StorageError(msg)
        if not create and holds == "record":
            reading = cls._read_only(env, Path(target))
            if reading is not None:
                return reading
        msg = (
            f"The database {target} is read-only here: commands that record something "
            "write into it; copy it to a folder you can write to."
            if create
            else f"The database {target} is read-only here, and it is read here only "
            "while its owner has it open, from a folder this user may not write; "
            "copy it, with any -wal file beside it, to a folder you can write to."
        )
        raise StorageError(msg)

    @classmethod
    def _read_only(cls, env: dict[str, str], path: Path) -> Samenspraak | None:
        """A record this process may not write (an archived copy), opened to read
        it and change nothing; None when SQLite cannot read it so."""
        reading = read_only_env(env, path)
        if reading is None:
            return None
        try:
            app = cls(reading)
        except StorageError:
            return None  # it would have to write beside it: refused by the caller
        app.read_only = True
        return app

    @classmethod
    def _made_or_opened(cls, env: dict[str, str]) -> Samenspraak:
        """Open a SQLite record. Processes that open a new file at the same moment
        all create its tables: one of them can find the file locked, or a table's
        first row written by another, and then tries again, a moment later."""
        for attempt in range(1, OPEN_TRIES + 1):
            started = time.monotonic()
            try:
                return cls(env)
            except Busy:
                if time.monotonic() - started > 1:  # it waited out a held lock
                    raise StorageError(BUSY) from None
                if attempt == OPEN_TRIES:
                    raise
                time.sleep(random.uniform(0, RETRY_WAIT * 2**attempt))
        raise AssertionError  # pragma: no cover (the loop returns or raises)

    @classmethod
    def _open_postgres(cls, env: dict[str, str], *, create: bool) -> Samenspraak:
        """Open the record in a PostgreSQL schema, saying in words what stops it."""
        try:
            import psycopg_pool  # noqa: F401, PLC0415

            from samenspraak.application.postgres import (  # noqa: PLC0415
                Opening,
                record_tables,
            )
        except ImportError:
            msg = "PostgreSQL needs its driver: pip install 'samenspraak[postgres]'."
            raise StorageError(msg) from None
        opening = Opening(env)
        try:
            if opening.is_a_keyword():
                msg = (
                    f"{opening.schema} is a keyword of SQL, which samenspraak cannot "
                    "use as a schema's name; keep the record in a schema named "
                    "otherwise."
                )
                raise StorageError(msg)
            if not opening.has_the_schema():
                msg = (
                    f"There is no schema {opening.schema} in {env['POSTGRES_DBNAME']}; "
                    f"samenspraak creates its tables, not schemas: create it first "
                    f"(CREATE SCHEMA {opening.schema};)."
                )
                raise StorageError(msg)
            if not create and not opening.holds_a_record():
                msg = (
                    f"There is no samenspraak record in schema {opening.schema} of "
                    f"{env['POSTGRES_DBNAME']}; commands that record something "
                    "create it."
                )
                raise NotFound(msg)
            opening.lock()
            tables = record_tables()
            if not opening.may_create(tables) and opening.holds_all_of(
                [t for t in tables if t not in (VERSIONS_TABLE, COMMANDS_TABLE)]
            ):
                # A user who may only use the tables opens a record that has them
                # (a record of an earlier release lacks the table of the views'
                # logic versions: its views are then rebuilt by one who may write
                # them, and the table made, before this user can read them).
                env = {**env, "CREATE_TABLE": "no"}
            return cls(env)
        finally:
            opening.close()

    @property
    def templates(self) -> Registry:
        """The process templates new initiatives can start on and migrate to; by
        default the installed ones. Running initiatives follow the definition pinned
        in their own events, so they do not depend on this."""
        if self._templates is None:
            from samenspraak.application.templates import installed  # noqa: PLC0415

            self._templates = installed()
        return self._templates

    @templates.setter
    def templates(self, registry: Registry) -> None:
        from samenspraak.application.templates import Registry  # noqa: PLC0415

        given: object = registry  # from Python, anything may come
        if not isinstance(given, Registry):
            msg = (
                "templates: must be a Registry (samenspraak.application.templates), "
                "like Registry.of([*installed().all(), load_template(path)])."
            )
            raise InvalidInput(msg)
        self._templates = registry

    def construct_mapper(self) -> Mapper[UUID]:
        return self.factory.mapper(
            transcoder=self.construct_transcoder(), mapper_class=KnownKindsMapper
        )

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(TextRefAsDict())
        transcoder.register(OptionAsDict())

    # --- Plumbing --------------------------------------------------------------------

    def _run(
        self,
        use_case: Callable[[], R],
        *,
        rebuilding: bool = False,
        command: c.Command | None = None,
        named: str = "",
    ) -> R:
        """Run a use case: translate refusals, retry when another writer won. Use
        cases read the views while no rebuild empties them (a rebuild runs alone).
        A ``command`` given with an id (the use case ``named``) is recorded with
        it, once (see :meth:`_once`)."""
        with (
            self._a_call(),
            self.views_in_use.rebuilding()
            if rebuilding
            else self.views_in_use.reading(),
        ):
            if command is None or command.command_id is None:
                return self._attempts(use_case)
            return self._once(use_case, CommandGiven(command.command_id, named, ""))

    def _once(self, use_case: Callable[[], R], given: CommandGiven) -> R:
        """A command given with an id: refused when a command was recorded with
        that id already, before it is run (a retry of a command that was recorded
        gets that answer, not what the rules say about doing it twice), and again
        in the transaction that saves it (two given at the same moment: one is
        recorded). One the rules refused while another with its id was recorded
        is told that instead."""
        found = self._attempts(lambda: self.store.select_command(given.id))
        if found is not None:
            raise given_again(given, found)
        token, saved = _GIVEN.set((given.id, given.use_case)), _SAVED.set(False)
        try:
            return self._attempts(use_case)
        except (NotAllowed, NotFound, Conflict, InvalidInput) as refusal:
            if isinstance(refusal, AlreadyRecorded):
                raise
            found = self._attempts(lambda: self.store.select_command(given.id))
            if found is not None:
                raise given_again(given, found) from None
            raise
        finally:
            _GIVEN.reset(token)
            _SAVED.reset(saved)

    @contextmanager
    def _a_call(self) -> Iterator[None]:
        """A call of this instance, counted while it runs (a call within a call
        once), so that :meth:`close` can wait for it; refused once it is closed."""
        self._refuse_when_forked()
        depth: int = getattr(self._in_a_call, "depth", 0)
        if not depth:
            with self._calls:
                self._refuse_when_closed()
                self._running += 1
        self._in_a_call.depth = depth + 1
        try:
            yield
        finally:
            self._in_a_call.depth = depth
            if not depth:
                with self._calls:
                    self._running -= 1
                    self._calls.notify_all()

    def _attempts(self, use_case: Callable[[], R]) -> R:
        for attempt in range(1, RETRIES + 1):
            self._refuse_when_closed()  # (a command that collided, closed meanwhile)
            token, read = _ACTING.set(None), _READ.set({})
            saved = _SAVED.set(False)
            try:
                return self._try(use_case, alone=attempt >= ALONE_FROM)
            except RuleViolation as violation:
                raise NotAllowed(violation.sentence, violation.rule.name) from None
            except ActorWasErased as erased:
                msg = f"{erased.ref} was erased; an erased stakeholder takes no further part."
                raise NotAllowed(
                    msg, AN_ERASED_STAKEHOLDER_TAKES_NO_FURTHER_PART
                ) from None
            except IntegrityError:
                self._forget_what_was_read()
                if attempt == RETRIES:
                    msg = (
                        "Others changed the same record at the same moment; "
                        f"gave up after {RETRIES} tries. Please try again."
                    )
                    raise Conflict(msg) from None
                _wait_after_collision(attempt)
            except SamenspraakError:
                raise
            except (PersistenceError, sqlite3.Error) as error:
                raise self._failed(error) from None
            except ConnectionPoolClosedError:
                raise StorageError(CLOSED) from None
            except MapperDeserialisationError:
                msg = (
                    "A stored event cannot be read; it may have been edited outside "
                    "the engine (check with: samenspraak audit verify)."
                )
                raise StorageError(msg) from None
            except EventSourcingError as error:
                detail = str(error).strip() or error.__class__.__name__
                msg = f"The record cannot be read: {detail.rstrip('.')}."
                raise StorageError(msg) from None
            finally:
                _ACTING.reset(token)
                _READ.reset(read)
                _SAVED.reset(saved)
        raise AssertionError  # pragma: no cover (the loop returns or raises)

    def _try(self, use_case: Callable[[], R], *, alone: bool) -> R:
        """One try of a use case; ``alone``, with the record's turn to itself."""
        try:
            return self._in_turn(use_case, alone=alone)
        except DamagedView as damaged:
            raise StorageError(_changed_outside(str(damaged))) from None
        except (LookupError, TypeError, AttributeError, ValueError, ArithmeticError):
            # A fault of the program, or of a view's document changed outside the
            # engine below what reading a part checks (a stakeholder's entry no
            # longer an object): told apart by building the views again, with
            # the turn given back (not while the instance closes).
            changed = None if self.closing.is_set() else self._a_view_changed_outside()
            if changed is None:
                raise
            raise StorageError(_changed_outside(changed)) from None

    def _in_turn(self, use_case: Callable[[], R], *, alone: bool) -> R:
        try:
            if not alone:
                return use_case()
            with self.turns.alone():
                return use_case()
        except TurnNotFree:
            raise StorageError(BUSY) from None

    def _forget_what_was_read(self) -> None:
        """After a collision, the aggregates the command read leave the library's
        cache (when it is on), so that it reads them again from the record: a
        cache that is not fast-forwarded would otherwise hand out the same old
        copy at every try."""
        cache, read = self.repository.cache, _READ.get()
        if cache is None or not read:
            return
        for aggregate_id in read:
            with suppress(KeyError):
                cache.get(aggregate_id, evict=True)

    def _failed(self, error: Exception) -> StorageError:
        """The database refused a statement (or, read-only, a connection)."""
        if self.closing.is_set():  # its connections closed under a running command
            return StorageError(CLOSED)
        said = str(error)
        if (
            self.read_only
            and isinstance(error, sqlite3.Error)
            and ("readonly" in said or "unable to open" in said)
        ):  # a new connection found the owner's files gone
            return StorageError(OWNER_CLOSED)
        if self.read_only and "readonly database" in str(error):
            return StorageError(READ_ONLY_RECORDS_NOTHING)
        if "database is locked" in str(error):  # SQLite, after its lock timeout
            return StorageError(BUSY)
        missing = re.search(r"no such table: (\S+)", said)
        if missing is not None:  # SQLite
            return StorageError(
                f"The database has no table {missing.group(1)}: its owner may still be "
                "setting it up (try again in a moment), or it was changed outside "
                "the engine."
            )
        cause = error.__cause__ or error.__context__
        if getattr(cause, "sqlstate", None) == "42P01" and COMMANDS_TABLE in said:
            return StorageError(  # a record made by an earlier version
                f"The table {COMMANDS_TABLE}, which keeps the ids of commands, is "
                "missing, and this database user may not create it: have someone "
                "who may create the record's tables open it once with this version "
                "of samenspraak, or give the command without a command_id."
            )
        if getattr(cause, "sqlstate", None) == "42501":  # PostgreSQL: not allowed
            detail = str(cause).strip().rstrip(".")
            return StorageError(
                f"This database user lacks a right it needs ({detail}): reading "
                "needs SELECT on the record's tables; recording, and catching the "
                "views up (as a read does when they are behind), need INSERT, UPDATE "
                "and DELETE too. A user who may only read reads while the views are "
                "up to date (caught up by one who may write them, with samenspraak "
                "projections catch-up)."
            )
        if "database or disk is full" in said or getattr(cause, "sqlstate", None) in (
            "53100",  # PostgreSQL: disk_full
        ):
            return StorageError(DISK_FULL)
        gone = no_connection(error)
        if gone is not None:
            self._replace_lost_connections(error)
            return StorageError(gone)
        return StorageError(f"The database failed: {first_line(said)}.")

    def _replace_lost_connections(self, error: Exception) -> None:
        """After a connection to PostgreSQL was lost, the pool's idle connections
        are checked, and those lost too (all of them, when the server restarted)
        are replaced: otherwise each would be handed out once more, and fail one
        more command or query. Not after a pool's timeout: then no connection was
        lost, and PostgreSQL may not answer at all."""
        if type(driver_error(error)).__name__ == "PoolTimeout":
            return
        datastore = getattr(self.factory, "datastore", None)
        check = getattr(getattr(datastore, "pool", None), "check", None)
        if check is not None:  # a PostgreSQL connection pool
            with suppress(Exception):  # the server may be gone still
                check()

    def _refuse_when_closed(self) -> None:
        if self.closing.is_set():  # set by close(), on either backend
            raise StorageError(CLOSED)

    def _inherited(self) -> None:
        """In a process just forked from the one that opened the instance: its
        connections are the parent's, and closing them here (when this process
        ends and collects them) would end the parent's PostgreSQL sessions too.
        So they are left open here, to the parent; this process opens its own."""
        datastore: Any = getattr(self.factory, "datastore", None)
        if datastore is not None:
            datastore.close = leave_to_the_parent

    def _refuse_when_forked(self) -> None:
        """A process forked from the one that opened the instance shares its
        connections (the same PostgreSQL session, the same SQLite file handles
        and locks): used from both, they would mix their statements."""
        if os.getpid() != self._pid:
            raise StorageError(FORKED)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Save as the library does, checking in the same transaction that the
        stakeholder giving the command was not erased meanwhile, and that every
        aggregate the command read and does not save is as it read it (the
        aggregates it saves, the library checks itself). A command whose instance
        is being closed saves nothing."""
        from samenspraak.domain import clock  # noqa: PLC0415

        self._refuse_when_closed()
        acting = _ACTING.get()
        if acting is not None:
            kwargs.setdefault("acting", acting)
        given = _GIVEN.get()
        if given is not None:
            if _SAVED.get():  # pragma: no cover (every command saves once)
                msg = "A command given with an id saves once."
                raise AssertionError(msg)
            kwargs.setdefault("command", CommandGiven(*given, utc(clock.now())))
        read = _READ.get()
        if read:
            saved = [o for o in objs if isinstance(o, Aggregate)]
            ids = {o.id for o in saved}
            versions = {i: v for i, v in read.items() if i not in ids}
            decides = any(
                get_topic(type(e)) in DECIDING for o in saved for e in o.pending_events
            )
            if versions:
                kwargs.setdefault(
                    "unchanged",
                    Unchanged(versions, frozenset() if decides else ADDITIONS),
                )
        with self.turns.shared() as deadline:
            if deadline is not None:  # PostgreSQL's share, in the save's transaction
                kwargs.setdefault("share_turn", deadline)
            recordings = super().save(*objs, **kwargs)
        if given is not None:
            _SAVED.set(True)
        self.store.release_when_pending()
        return recordings

    def _get(self, cls: type[A], aggregate_id: UUID, missing: str) -> A:
        try:
            with self._reading(aggregate_id):
                aggregate: Aggregate = self.repository.get(
                    aggregate_id, projector_func=project
                )
        except AggregateNotFoundError:
            raise NotFound(missing) from None
        if not isinstance(aggregate, cls):  # pragma: no cover (ids are namespaced)
            raise NotFound(missing)
        read = _READ.get()
        if read is not None:
            read.setdefault(aggregate.id, aggregate.version)
        return aggregate

    def _reading(self, aggregate_id: UUID) -> AbstractContextManager[object]:
        """With the library's aggregate cache on, the threads of an instance read
        one aggregate in turn: the library copies a cached aggregate after it has
        let go of it, and another thread bringing the same aggregate up to date
        meanwhile would change it under the copy (a raw error, or a torn copy)."""
        if self.repository.cache is None:
            return nullcontext()
        return self._reads[aggregate_id.int % len(self._reads)]

    def _initiative(self, slug: str) -> Initiative:
        return self._get(
            Initiative, initiative_id(slug), f"There is no initiative called {slug}."
        )

    def _at_closing(
        self, initiative: Initiative, decision: DecisionPoint
    ) -> Initiative | None:
        """The initiative as it stood at the decision point's closing time, when
        that has passed (who took part then is who counts); otherwise None."""
        from samenspraak.domain import clock  # noqa: PLC0415

        closes_at = decision.closes_at
        if closes_at is None or clock.now() < closes_at:
            return None
        return self._initiative_at(initiative, closes_at)

    def _plan(self, initiative: Initiative, slug: str) -> Plan:
        return self._get(
            Plan,
            plan_id(initiative.id, slug),
            f"{initiative.slug} has no plan called {slug}.",
        )

    def _decision(self, initiative: Initiative, slug: str) -> DecisionPoint:
        return self._get(
            DecisionPoint,
            decision_point_id(initiative.id, slug),
            f"{initiative.slug} has no decision point called {slug}.",
        )

    def _template(self, spec: str) -> ProcessTemplate:
        """``NAME`` (its newest installed version) or ``NAME@VERSION``."""
        name, _, version = spec.partition("@")
        return self.templates.get(name, version or None)

    def _permit(
        self,
        initiative: Initiative,
        actor: str,
        command: str,
        kind: StakeholderKind | None = None,
        *,
        for_whom: str | None = None,
        in_phase: str | None = None,
        process: ProcessTemplate | None = None,
        doing: str | None = None,
    ) -> None:
        """The phase's permissions in the initiative's pinned template allow the
        actor's kind to give ``command`` (templates without permissions allow all);
        and, when the actor gives it for someone else (the facilitator recording
        their reaction), that stakeholder's kind too: no one is heard through the
        facilitator where the phase bars them. (Adding a stakeholder is the
        facilitator's own act: a phase may bar a kind from joining by themselves.)
        ``in_phase``: the phase it was given in, when that was an earlier one: a
        letter that came in then is recorded as that phase allowed, in
        ``process``, the template in force then (see :meth:`_process_at`)."""
        initiative.require_permission(
            actor, command, kind, in_phase=in_phase, process=process, doing=doing
        )
        if for_whom is not None and for_whom != actor:
            initiative.require_permission(
                for_whom, command, kind, in_phase=in_phase, process=process
            )

    def _phase_facts(
        self, initiative: Initiative
    ) -> tuple[PhaseFacts, NothingSince | None]:
        """What the current phase's guards ask about plans and decision points,
        from the process-state view (nothing is read when the phase has none), and
        what must still hold when the command saves (see :meth:`_facts_of`)."""
        phase = initiative.process.phase(initiative.phase)
        following = initiative.process.next_phase(phase.name)
        colleagues_join = phase.society_only and not (
            following is not None and following.society_only
        )
        if not phase.guards and not colleagues_join:
            return PhaseFacts(), None
        return self._facts_of(initiative)

    def _facts_of(self, initiative: Initiative) -> tuple[PhaseFacts, NothingSince]:
        """The facts of :meth:`_phase_facts`, and what the command that judges on
        them read: it is run again if any of the initiative's plans or decision
        points changed, or a new one came, before it saves."""
        from samenspraak.application.todo import (  # noqa: PLC0415
            phase_reaction_period_end,
        )

        doc, read = self._read_the_plans_and_decisions(initiative)
        plans = list(doc["plans"].values())
        decisions = list(doc["decisions"].values())
        facts = PhaseFacts(
            open_decision_points=sum(d["state"] == "open" for d in decisions),
            unanswered_reactions=sum(
                awaits_answer(r) for p in plans for r in p["reactions"].values()
            ),
            unfinalised_plans=sum(p["final_version"] is None for p in plans),
            any_draft=any(p["versions"] for p in plans),
            any_decision_taken=any(
                d["state"] == "decided" and d["outcome"] is not None for d in decisions
            ),
            reaction_period_ends=phase_reaction_period_end(doc, initiative.process),
        )
        return facts, read

    def _read_the_plans_and_decisions(
        self, initiative: Initiative
    ) -> tuple[dict[str, Any], NothingSince]:
        """The initiative's process state (its views caught up), and the log
        position it was read up to, with what a command that judges on it depends
        on: the events of the initiative's plans and decision points, and the
        creation of new ones. (The initiative's own events the command saves on
        it; the library refuses a save when another came first.)"""
        position = self.recorder.max_notification_id() or 0
        doc = self._initiative_doc(initiative.slug)
        return doc, _of_the_initiative(
            initiative, position, [*doc["plans"], *doc["decisions"]]
        )

    def _reactions_close(self, initiative: Initiative, plan: Plan) -> datetime | None:
        """When reactions on this plan close now (see :func:`todo.reaction_period_end`:
        its own period if opened in this phase, else the phase's default). Without
        a phase default, None: the plan applies its own period if it was opened in
        this phase."""
        from samenspraak.application.todo import reaction_period_end  # noqa: PLC0415

        if initiative.process.phase(initiative.phase).reaction_period_days is None:
            return None  # the plan's own period, if any: no need to read the view
        doc = self._initiative_doc(initiative.slug)
        return reaction_period_end(
            doc, initiative.process, doc["plans"].get(str(plan.id))
        )

    def _permitted_on_reactions(
        self,
        initiative: Initiative,
        actor: str,
        command: str,
        slug: str,
        reactions: Sequence[int],
    ) -> Plan:
        """The plan whose reactions ``actor`` answers or withdraws, once the phase
        permits it. Letters recorded after the plan was finalised (they came in
        before) are answered as the phase it was finalised in allowed: a later
        phase may let no one answer, and every reaction gets its answer. Such a
        letter is withdrawn (entered by mistake, say) as the phase it came in
        allowed, as it was recorded."""
        try:
            plan = self._plan(initiative, slug)
        except NotFound:
            self._permit(initiative, actor, command)
            raise
        found_after_final = [
            plan.reactions[n]
            for n in reactions
            if n in plan.reactions and plan.reactions[n].after_final
        ]
        in_phase, process = None, None
        if found_after_final and len(found_after_final) == len(reactions):
            moment = (
                found_after_final[0].given_at
                if command == "withdraw_reaction"
                else plan.finalised_at
            )
            in_phase = self._phase_at(initiative, moment)
            process = self._process_at(initiative, moment)
        self._permit(initiative, actor, command, in_phase=in_phase, process=process)
        return plan

    def _process_at(
        self, initiative: Initiative, moment: datetime | None
    ) -> ProcessTemplate:
        """The template the initiative followed at ``moment``: the one it follows
        now, unless it was migrated since."""
        if moment is None or not initiative.migrations:
            return initiative.process
        return self._initiative_at(initiative, moment).process

    def _initiative_at(self, initiative: Initiative, moment: datetime) -> Initiative:
        """The initiative as it stood at ``moment``, from its events recorded by
        then (as it is now when none was recorded since, or none by then: a
        moment before it began, as a record imported out of order may give)."""
        version = 0
        for event in self.events.get(initiative.id):
            assert isinstance(event, Initiative.Event)
            if event.timestamp > moment:
                break
            version = event.originator_version
        if version in (0, initiative.version):
            return initiative
        found = self.repository.get(
            initiative.id, version=version, projector_func=project
        )
        assert isinstance(found, Initiative)
        return found

    def _phase_at(self, initiative: Initiative, moment: datetime | None) -> str | None:
        """The phase the initiative was in at ``moment`` (None: no moment given,
        or before its first phase)."""
        from samenspraak.application.todo import phase_at  # noqa: PLC0415

        if moment is None or moment.tzinfo is None:
            return None
        return phase_at(self._initiative_doc(initiative.slug), moment)

    def _reactions_closed_for(
        self,
        initiative: Initiative,
        plan: Plan,
        received_at: datetime,
        process: ProcessTemplate,
    ) -> datetime | None:
        """When reactions on this plan closed for one that came in at
        ``received_at`` (see :func:`todo.reaction_period_end_at`): the period in
        force then, under ``process``, the template in force then, which a new
        period, phase or template since does not change."""
        from samenspraak.application.todo import reaction_period_end_at  # noqa: PLC0415

        doc = self._initiative_doc(initiative.slug)
        return reaction_period_end_at(
            doc, process, doc["plans"].get(str(plan.id)), received_at
        )

    def _phase_gives_until(self, initiative: Initiative) -> datetime | None:
        """The end of the current phase's own reaction period (its
        ``reaction_period_days`` from when the phase began), if it declares one."""
        from samenspraak.application.todo import reaction_period_end  # noqa: PLC0415

        if initiative.process.phase(initiative.phase).reaction_period_days is None:
            return None
        return reaction_period_end(
            self._initiative_doc(initiative.slug), initiative.process
        )

    def _identity(self, texts: _Pending, ref: str) -> TextRef | None:
        """A sealed text of the stakeholder's reference and name in the directory
        (the reference alone for someone it holds no name of), for the event that
        brings them into an initiative: it lets an exported record prove who is
        who, and is erased with the name. None for someone erased."""
        row = self.store.select_stakeholder(ref=ref)
        if row is None or row.ref.startswith(ERASED_PREFIX):
            return None
        return texts.seal_identity(row.id, row.ref, row.name)

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))

    def _stakeholder(self, ref: str) -> str:
        """The pseudonymous id of the stakeholder a command names (an erased one
        too: the facilitator may still remove them from a group or the initiative,
        and their texts may still be erased)."""
        row = self.store.select_stakeholder(ref=ref)
        if row is None:
            msg = f"No stakeholder is registered as {ref}."
            raise NotFound(msg)
        return row.id

    def _actor(self, ref: str) -> str:
        """The pseudonymous id of whoever gives a command; an erased stakeholder
        gives none (also when erased while the command runs: see :meth:`save`)."""
        found = self._stakeholder(ref)  # a reference no one has is not an erasure
        _refuse_erased(ref)
        _ACTING.set(found)
        return found

    # --- The directory of stakeholders ---------------------------------------------

    def register_stakeholder(
        self, command: c.RegisterStakeholder | Mapping[str, Any]
    ) -> str:
        """Put a stakeholder in the directory; returns their pseudonymous id.

        Anyone may register themselves (actor and stakeholder the same); a
        registered stakeholder may register others.
        """
        cmd = parse(c.RegisterStakeholder, command)

        def run() -> str:
            if cmd.stakeholder == SYSTEM_ACTOR:
                msg = (
                    f"stakeholder: {SYSTEM_ACTOR} is reserved for what the engine "
                    "records itself (deadlines closed by tick)."
                )
                raise InvalidInput(msg)
            if cmd.stakeholder.startswith(ERASED_PREFIX):
                msg = (
                    f"stakeholder: references starting with {ERASED_PREFIX} name "
                    "stakeholders whose personal data was erased."
                )
                raise InvalidInput(msg)
            if cmd.actor != cmd.stakeholder:
                if self.store.select_stakeholder(ref=cmd.actor) is None:
                    msg = (
                        f"No stakeholder is registered as {cmd.actor}, and only a "
                        "registered stakeholder registers others: register "
                        f"{cmd.actor} first, or let {cmd.stakeholder} register "
                        "themselves."
                    )
                    raise NotFound(msg)
                self._actor(cmd.actor)
            if self.store.select_stakeholder(ref=cmd.stakeholder) is not None:
                msg = f"A stakeholder is already registered as {cmd.stakeholder}."
                raise Conflict(msg)
            row = StakeholderRow(
                str(uuid.uuid4()), cmd.stakeholder, cmd.name, cmd.contact
            )
            self.save(stakeholders=[row])
            return row.id

        return self._run(run, command=cmd, named="register_stakeholder")

    def erase_stakeholder(
        self, command: c.EraseStakeholder | Mapping[str, Any]
    ) -> v.Erasure:
        """Erase a stakeholder's personal data, as the AVG may require: their name
        and contact, and their reference (which becomes ``erased-`` and the start of
        their pseudonymous id); with ``texts``, also the texts they gave. The events
        keep only ids and commitments, so the record stays complete and the audit
        chain intact. The stakeholder may ask it themselves; the facilitator of an
        initiative they took part in may do it for them. An erased stakeholder takes
        no further part: they leave every open initiative they are in (recorded as
        ``StakeholderLeft``, by whoever asked), which the one asking must be allowed
        to do there.
        """
        from samenspraak.domain import clock  # noqa: PLC0415

        cmd = parse(c.EraseStakeholder, command)

        def run() -> v.Erasure:
            actor = self._actor(cmd.actor)
            person = self._stakeholder(cmd.stakeholder)
            # Their identities are found in the views, read after this: a
            # correction of their name saved in between (with an identity the
            # erasure would not know of) makes the erasure run again.
            row = self.store.select_stakeholder(id=person)
            named = (
                {person: identity_body(row.ref, row.name)}
                if row is not None and not row.ref.startswith(ERASED_PREFIX)
                else {}
            )
            # What they took part in and the texts they gave, as of ``read``: if
            # an event about them came by the time the erasure is saved (someone
            # added them somewhere, a reaction of theirs), it runs again, so that
            # one transaction erases all of it.
            read = NothingSince(
                self.recorder.max_notification_id() or 0, mentioning=person
            )
            self._catch_up()
            documents = self.state.documents()
            if actor != person and actor not in _their_facilitators(documents, person):
                msg = (
                    f"Only {cmd.stakeholder} themselves, or the facilitator of an "
                    "initiative they took part in, may erase their personal data."
                )
                raise NotAllowed(msg, ERASED_BY_THE_PERSON_OR_THEIR_FACILITATOR)
            self._refuse_an_erasure_that_changes_nothing(cmd, person, documents)
            running = [
                d["slug"]
                for d in documents
                if d["facilitator"] == person and not d["closed"]
            ]
            if running:
                msg = (
                    f"{cmd.stakeholder} facilitates {', '.join(running)}, still open; "
                    "close it first: an erased stakeholder takes no further part."
                )
                raise NotAllowed(
                    msg, A_FACILITATOR_IS_ERASED_ONCE_THEIR_INITIATIVES_CLOSE
                )
            taking_part = [d for d in documents if _takes_part(d, person)]
            elsewhere = [
                d["slug"]
                for d in taking_part
                if actor not in (person, d["facilitator"])
            ]
            if elsewhere:
                msg = (
                    f"{cmd.stakeholder} still takes part in {', '.join(elsewhere)}; "
                    "its facilitator removes them there (or they leave) before their "
                    "personal data is erased: an erased stakeholder takes no further "
                    "part."
                )
                raise NotAllowed(msg, AN_ERASED_STAKEHOLDER_TAKES_NO_FURTHER_PART)
            texts = self._texts_given(documents, person) if cmd.texts else []
            at = utc(clock.now())
            job = self._erase_in(
                documents,
                person=person,
                actor=actor,
                cmd=cmd,
                texts=texts,
                at=at,
                named=named,
                read=read,
            )
            return v.Erasure(
                stakeholder=cmd.stakeholder,
                now_named=job.now_named,
                texts=job.erased,
                erased_at=datetime.fromisoformat(at),
                left=[d["slug"] for d in taking_part],
            )

        # One call with its release, which close() waits for: closed meanwhile,
        # the instance would close the connections the release empties the
        # write-ahead log with, under a command that was recorded.
        with self._a_call():
            done = self._run(run, command=cmd, named="erase_stakeholder")
            # What it overwrote leaves the database's files too, not only its rows.
            released = self.store.release_what_was_erased()
        return done if released else done.model_copy(update={"released": False})

    def _refuse_an_erasure_that_changes_nothing(
        self, cmd: c.EraseStakeholder, person: str, documents: list[dict[str, Any]]
    ) -> None:
        """Someone erased before is erased again only to erase texts of theirs
        still kept: an erasure that erases nothing would be recorded as one."""
        if not cmd.stakeholder.startswith(ERASED_PREFIX):
            return
        if not cmd.texts:
            msg = (
                f"The personal data of {cmd.stakeholder} was erased already; only "
                "the texts they gave are left to erase (samenspraak stakeholder "
                f"erase {cmd.stakeholder} --with-texts)."
            )
            raise Conflict(msg)
        given = self._texts_given(documents, person)
        kept = self.store.select_texts(given)
        if not any(t.body is not None for t in kept.values()):
            msg = (
                f"The personal data of {cmd.stakeholder} and the texts they gave "
                "were erased already; nothing is left to erase."
            )
            raise Conflict(msg)

    def _erase_in(
        self,
        documents: list[dict[str, Any]],
        *,
        person: str,
        actor: str,
        cmd: c.EraseStakeholder,
        texts: list[str],
        at: str,
        named: Mapping[str, str],
        read: NothingSince,
    ) -> ErasureJob:
        """Erase a stakeholder in the initiatives of these documents they took part
        in: each records the erasure (by whoever asked), after they leave the open
        ones; their identities there and ``texts`` are erased, and their directory
        row, in the same transaction. ``named``: the identity body of the person
        as read before the documents were, which the directory must still hold
        when the erasure is saved; ``read``: what the documents were read up to,
        which must still be all there is about the person."""
        identities = _identities_of(documents, person)
        initiatives = []
        pending: list[TextRow] = []
        sealed_identities: dict[str, str] = dict(named)
        for doc in documents:
            if not _took_part(doc, person):
                continue
            initiative = self._initiative(doc["slug"])
            takes_part = _takes_part(doc, person)
            if takes_part != (
                not initiative.is_closed
                and initiative.is_active(person)
                and initiative.facilitator != person
            ):  # they left or joined, or it closed, after the views were read
                msg = f"{doc['slug']} changed while the erasure read it."
                raise IntegrityError(msg)
            if takes_part:
                initiative.leave(actor=actor, stakeholder=person)
            sealed = _Pending(str(initiative.id))
            initiative.record_erasure(
                actor=actor,
                stakeholder=person,
                with_texts=cmd.texts,
                actor_identity=None
                if actor == person or _took_part(doc, actor)
                else self._identity(sealed, cmd.actor),
            )
            initiatives.append(initiative)
            pending += sealed.texts
            sealed_identities.update(sealed.identities)
        job = ErasureJob(person, texts, at, identities)
        self.save(
            *initiatives,
            texts=pending,
            erasure=job,
            sealed_identities=sealed_identities,
            nothing_since=read,
        )
        return job

    def _texts_given(self, documents: list[dict[str, Any]], person: str) -> list[str]:
        """Every text a stakeholder gave, in these initiatives' documents and, for
        what those do not keep, in the events."""
        return [
            *(t for d in documents for t in reading.texts_given_by(d, person)),
            *self._reasons_in_events(documents, person),
        ]

    def _reasons_in_events(
        self, documents: Iterable[dict[str, Any]], person: str
    ) -> Iterator[str]:
        """The reasons a stakeholder gave that the process state does not keep:
        for positions they changed later (it keeps only the latest), and for the
        status changes of implementation actions. Other events with a reason (the
        correction of a meeting's record, or of an informing of the council) keep
        it: it belongs to the record, as a meeting's place and summary and a
        council document's title do, and ``audit verify`` accepts no erasure of
        it."""
        for document in documents:
            if person not in document["stakeholders"]:
                continue
            aggregates = [document["initiative_id"], *document["decisions"]]
            for aggregate in aggregates:
                for event in self.repository.event_store.get(UUID(aggregate)):
                    topic = get_topic(type(event))
                    if topic not in GIVEN_REASONS:
                        continue
                    reason = getattr(event, "reason", None)
                    if giver(event, GIVEN[topic][1]) == person and reason is not None:
                        yield reason.id

    def correct_stakeholder(
        self, command: c.CorrectStakeholder | Mapping[str, Any]
    ) -> v.Correction:
        """Correct a stakeholder's name or contact in the directory, as the AVG
        lets a person ask (rectification); their reference stays. The stakeholder
        may ask it themselves; the facilitator of an initiative they took part in
        may do it for them, and anyone registered may for someone who took part in
        none. A corrected name is recorded (``IdentityCorrected``, committing to
        the reference and the corrected name, no name in the event) in every
        initiative that holds their identity, closed ones too, in the same
        transaction as the directory; a contact is kept only in the directory, and
        its correction records no event.
        """
        from samenspraak.domain import clock  # noqa: PLC0415

        cmd = parse(c.CorrectStakeholder, command)

        def run() -> v.Correction:
            actor = self._actor(cmd.actor)
            person = self._stakeholder(cmd.stakeholder)
            if cmd.stakeholder.startswith(ERASED_PREFIX):
                msg = (
                    f"{cmd.stakeholder} was erased; the personal data of an erased "
                    "stakeholder is gone, and there is nothing to correct."
                )
                raise NotAllowed(msg, AN_ERASED_STAKEHOLDER_TAKES_NO_FURTHER_PART)
            row = self.store.select_stakeholder(id=person)
            assert row is not None  # found just now; an erasure keeps the row
            # The initiatives that hold their identity, as of ``read``: if one more
            # does by the time the correction is saved (someone added them), it
            # is run again, so that every one of them records it at once.
            since = self.recorder.max_notification_id() or 0
            read = NothingSince(
                since, tuple(sorted(IDENTITY_TOPICS)), mentioning=person
            )
            self._catch_up()
            documents = [d for d in self.state.documents() if _took_part(d, person)]
            if (
                documents
                and actor != person
                and actor not in _their_facilitators(documents, person)
            ):
                msg = (
                    f"Only {cmd.stakeholder} themselves, or the facilitator of an "
                    "initiative they took part in, may correct their personal data."
                )
                raise NotAllowed(msg, CORRECTED_BY_THE_PERSON_OR_THEIR_FACILITATOR)
            name = cmd.name if cmd.name is not None else row.name
            contact = cmd.contact if cmd.contact is not None else row.contact
            if (name, contact) == (row.name, row.contact):
                given = " and ".join(
                    what
                    for what, value in (("name", cmd.name), ("contact", cmd.contact))
                    if value is not None
                )
                msg = (
                    f"{cmd.stakeholder} already has that {given}; there is nothing "
                    "to correct."
                )
                raise InvalidInput(msg)
            if name == row.name or name is None:
                self.save(
                    correction=DirectoryCorrection(
                        person, row.name, row.contact, name, contact
                    ),
                    acting=[actor, person],
                )
                return v.Correction(stakeholder=cmd.stakeholder, name_corrected=False)
            # The identities sealed with the name as it was are emptied with it:
            # rectification keeps no copy of the name it corrected. The new
            # identities commit to who is who from then on.
            correction = DirectoryCorrection(
                person,
                row.name,
                row.contact,
                name,
                contact,
                superseded=_identities_of(documents, person),
                at=utc(clock.now()),
            )
            initiatives, texts, sealed = self._correct_in(
                documents, person=person, actor=actor, cmd=cmd, name=name
            )
            # From the moment it is saved, a command that seals their identity
            # seals the corrected name (checked when saved).
            self.save(
                *initiatives,
                texts=texts,
                correction=correction,
                sealed_identities=sealed,
                acting=[actor, person],
                nothing_since=read,
            )
            return v.Correction(
                stakeholder=cmd.stakeholder,
                name_corrected=True,
                initiatives=[i.slug for i in initiatives],
            )

        # One call with its release, which close() waits for: closed meanwhile,
        # the instance would close the connections the release empties the
        # write-ahead log with, under a command that was recorded.
        with self._a_call():
            done = self._run(run, command=cmd, named="correct_stakeholder")
            # What it overwrote leaves the database's files too, not only its rows.
            released = self.store.release_what_was_erased()
        return done if released else done.model_copy(update={"released": False})

    def _correct_in(
        self,
        documents: list[dict[str, Any]],
        *,
        person: str,
        actor: str,
        cmd: c.CorrectStakeholder,
        name: str,
    ) -> tuple[list[Initiative], list[TextRow], dict[str, str]]:
        """Record the correction of the person's name in the initiatives of these
        documents (which hold their identity): a new identity, sealed with their
        reference and the corrected name, and the actor's identity where the actor
        is not known. Returns the initiatives to save, the texts sealed and the
        identities they hold (by stakeholder id)."""
        initiatives = []
        texts: list[TextRow] = []
        sealed: dict[str, str] = {}
        for doc in documents:
            initiative = self._initiative(doc["slug"])
            pending = _Pending(str(initiative.id))
            initiative.record_identity_correction(
                actor=actor,
                stakeholder=person,
                identity=pending.seal_identity(person, cmd.stakeholder, name),
                actor_identity=None
                if actor == person or _took_part(doc, actor)
                else self._identity(pending, cmd.actor),
            )
            initiatives.append(initiative)
            texts += pending.texts
            sealed.update(pending.identities)
        return initiatives, texts, sealed

    # --- Initiatives -----------------------------------------------------------------

    def start_initiative(self, command: c.StartInitiative | Mapping[str, Any]) -> UUID:
        """Start a participation process; the actor becomes its facilitator."""
        cmd = parse(c.StartInitiative, command)

        def run() -> UUID:
            actor = self._actor(cmd.actor)
            process = self._template(cmd.template) if cmd.template else DEFAULT_TEMPLATE
            if self._exists(initiative_id(cmd.initiative)):
                msg = f"An initiative called {cmd.initiative} already exists."
                raise Conflict(msg)
            texts = _Pending(str(initiative_id(cmd.initiative)))
            initiative = Initiative.start(
                actor=actor,
                slug=cmd.initiative,
                title=texts.seal("initiative title", cmd.title),
                description=texts.seal("initiative description", cmd.description),
                area=texts.seal("initiative area", cmd.area),
                budget=cmd.budget,
                level=cmd.level,
                process=process,
                facilitator_identity=self._identity(texts, cmd.actor),
            )
            self.save(initiative, texts=texts.texts, sealed_identities=texts.identities)
            return initiative.id

        return self._run(run, command=cmd, named="start_initiative")

    def join_initiative(self, command: c.JoinInitiative | Mapping[str, Any]) -> None:
        """A stakeholder joins (or is added by the facilitator) with their kind."""
        cmd = parse(c.JoinInitiative, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            _refuse_erased(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            self._permit(
                initiative, actor, "join_initiative", cmd.kind,
                doing=None if actor == stakeholder else ADDING_STAKEHOLDERS,
            )  # fmt: skip
            texts = _Pending(str(initiative.id))
            with _naming(cmd.stakeholder):
                initiative.join(
                    actor=actor,
                    stakeholder=stakeholder,
                    kind=cmd.kind,
                    identity=self._identity(texts, cmd.stakeholder),
                )
            # Whoever joins must not be erased meanwhile either (checked when saved).
            self.save(
                initiative,
                texts=texts.texts,
                sealed_identities=texts.identities,
                acting=[actor, stakeholder],
            )

        self._run(run, command=cmd, named="join_initiative")

    def leave_initiative(self, command: c.LeaveInitiative | Mapping[str, Any]) -> None:
        cmd = parse(c.LeaveInitiative, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "leave_initiative")
            initiative.leave(actor=actor, stakeholder=stakeholder)
            self.save(initiative)

        self._run(run, command=cmd, named="leave_initiative")

    def form_group(self, command: c.FormGroup | Mapping[str, Any]) -> None:
        """Form a steering group (regiegroep) or a working group (werkgroep)."""
        cmd = parse(c.FormGroup, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "form_group")
            texts = _Pending(str(initiative.id))
            initiative.form_group(
                actor=actor,
                slug=cmd.group,
                kind=cmd.kind,
                name=texts.seal("group name", cmd.name),
                mandate=texts.seal("group mandate", cmd.mandate),
            )
            self.save(initiative, texts=texts.texts)

        self._run(run, command=cmd, named="form_group")

    def add_member(self, command: c.AddMember | Mapping[str, Any]) -> None:
        cmd = parse(c.AddMember, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "add_member")
            with _naming(cmd.stakeholder):
                initiative.add_member(
                    actor=actor, group=cmd.group, stakeholder=stakeholder
                )
            self.save(initiative)

        self._run(run, command=cmd, named="add_member")

    def remove_member(self, command: c.RemoveMember | Mapping[str, Any]) -> None:
        cmd = parse(c.RemoveMember, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            stakeholder = self._stakeholder(cmd.stakeholder)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "remove_member")
            with _naming(cmd.stakeholder):
                initiative.remove_member(
                    actor=actor, group=cmd.group, stakeholder=stakeholder
                )
            self.save(initiative)

        self._run(run, command=cmd, named="remove_member")

    def announce(self, command: c.Announce | Mapping[str, Any]) -> int:
        """Record how the process was announced and who was invited (the
        facilitator, whichever phase); returns the announcement's number."""
        cmd = parse(c.Announce, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            number = initiative.announce(
                actor=actor,
                channel=cmd.channel,
                audience=texts.seal("announcement audience", cmd.audience),
                announced_at=cmd.announced_at,
                reach=cmd.reach,
            )
            self.save(initiative, texts=texts.texts)
            return number

        return self._run(run, command=cmd, named="announce")

    def correct_announcement(
        self, command: c.CorrectAnnouncement | Mapping[str, Any]
    ) -> tuple[str, ...]:
        """Correct what was recorded of an announcement (the facilitator,
        whichever phase, as they record one), with the reason; returns the fields
        corrected, in the order ``channel``, ``audience``, ``announced_at``,
        ``reach``. A field given as it is already recorded is left out, the
        audience too when its text is the same."""
        cmd = parse(c.CorrectAnnouncement, command)

        def run() -> tuple[str, ...]:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            made = initiative.announcement(cmd.announcement)
            text = self._corrected_texts(texts, [made.audience] if made else [])
            corrected = initiative.correct_announcement(
                actor=actor,
                number=cmd.announcement,
                channel=cmd.channel,
                audience=text(
                    "announcement audience",
                    cmd.audience,
                    made.audience if made else None,
                ),
                announced_at=cmd.announced_at,
                reach=cmd.reach,
                reach_unknown=cmd.reach_unknown,
                reason=texts.seal("announcement correction reason", cmd.reason),
            )
            self.save(initiative, texts=texts.texts)
            return corrected

        return self._run(run, command=cmd, named="correct_announcement")

    def withdraw_announcement(
        self, command: c.WithdrawAnnouncement | Mapping[str, Any]
    ) -> None:
        """Withdraw an announcement recorded by mistake (the same announcement
        recorded twice, or one that was not made), with the reason: the
        facilitator, whichever phase, as they record and correct one, while the
        initiative is open. The announcement as first recorded stays, and every
        announcement keeps its number; it no longer counts among how the process
        was announced."""
        cmd = parse(c.WithdrawAnnouncement, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            initiative.withdraw_announcement(
                actor=actor,
                number=cmd.announcement,
                reason=texts.seal("announcement withdrawal reason", cmd.reason),
            )
            self.save(initiative, texts=texts.texts)

        return self._run(run, command=cmd, named="withdraw_announcement")

    def record_intervention(
        self, command: c.RecordIntervention | Mapping[str, Any]
    ) -> int:
        """Record something the facilitator did in their own role (whichever
        phase: the facilitator is independent): named the general interest, was
        present or helped on request, connected stakeholders, helped them through
        a disagreement; returns the intervention's number."""
        cmd = parse(c.RecordIntervention, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            requested_by = None
            if cmd.requested_by is not None:
                requested_by = self._stakeholder(cmd.requested_by)
                _refuse_erased(cmd.requested_by)  # no new record of one erased
            texts = _Pending(str(initiative.id))
            with _naming(cmd.requested_by or ""):
                number = initiative.record_intervention(
                    actor=actor,
                    kind=cmd.kind,
                    note=texts.seal("intervention note", cmd.note),
                    intervened_at=cmd.intervened_at,
                    requested_by=requested_by,
                    group=cmd.group,
                )
            self.save(initiative, texts=texts.texts)
            return number

        return self._run(run, command=cmd, named="record_intervention")

    def correct_intervention(
        self, command: c.CorrectIntervention | Mapping[str, Any]
    ) -> tuple[str, ...]:
        """Correct what was recorded of an intervention of the facilitator's (the
        facilitator, whichever phase, as they record one), with the reason;
        returns the fields corrected, in the order ``kind``, ``intervened_at``,
        ``note``, ``requested_by``, ``group``. A field given as it is already
        recorded is left out, a note too when its text is the same; who asked is
        corrected as a whole (a group given takes the place of a stakeholder
        recorded as asking, and the other way round)."""
        cmd = parse(c.CorrectIntervention, command)

        def run() -> tuple[str, ...]:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            requested_by = None
            if cmd.requested_by is not None:
                requested_by = self._stakeholder(cmd.requested_by)
                _refuse_erased(cmd.requested_by)  # no new record of one erased
            texts = _Pending(str(initiative.id))
            made = initiative.intervention(cmd.intervention)
            text = self._corrected_texts(texts, [made.note] if made else [])
            with _naming(cmd.requested_by or ""):
                corrected = initiative.correct_intervention(
                    actor=actor,
                    number=cmd.intervention,
                    kind=cmd.kind,
                    intervened_at=cmd.intervened_at,
                    note=text(
                        "intervention note", cmd.note, made.note if made else None
                    ),
                    requested_by=requested_by,
                    group=cmd.group,
                    nobody_asked=cmd.nobody_asked,
                    reason=texts.seal("intervention correction reason", cmd.reason),
                )
            self.save(initiative, texts=texts.texts)
            return corrected

        return self._run(run, command=cmd, named="correct_intervention")

    def withdraw_intervention(
        self, command: c.WithdrawIntervention | Mapping[str, Any]
    ) -> None:
        """Withdraw an intervention of the facilitator's recorded by mistake (the
        same intervention recorded twice, or one that was not made), with the
        reason: the facilitator, whichever phase, as they record and correct one,
        while the initiative is open. The intervention as first recorded stays,
        and every intervention keeps its number; it no longer counts among what
        the facilitator did."""
        cmd = parse(c.WithdrawIntervention, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            initiative.withdraw_intervention(
                actor=actor,
                number=cmd.intervention,
                reason=texts.seal("intervention withdrawal reason", cmd.reason),
            )
            self.save(initiative, texts=texts.texts)

        return self._run(run, command=cmd, named="withdraw_intervention")

    def hold_meeting(self, command: c.HoldMeeting | Mapping[str, Any]) -> int:
        """Record a meeting that was held; returns its number."""
        cmd = parse(c.HoldMeeting, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "hold_meeting")
            texts = _Pending(str(initiative.id))
            number = initiative.hold_meeting(
                actor=actor,
                starts_at=cmd.starts_at,
                kind=cmd.kind,
                place=texts.seal("meeting place", cmd.place),
                attendance=cmd.attendance,
                summary=texts.seal("meeting summary", cmd.summary),
            )
            self.save(initiative, texts=texts.texts)
            return number

        return self._run(run, command=cmd, named="hold_meeting")

    def correct_meeting(
        self, command: c.CorrectMeeting | Mapping[str, Any]
    ) -> tuple[str, ...]:
        """Correct what was recorded of a meeting (the facilitator, where the phase
        lets them hold meetings), with the reason; returns the fields corrected, in
        the order ``starts_at``, ``kind``, ``place``, ``attendance``, ``summary``.
        A field given as it is already recorded is left out, a place or summary
        too when its text is the same."""
        cmd = parse(c.CorrectMeeting, command)

        def run() -> tuple[str, ...]:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "correct_meeting")
            texts = _Pending(str(initiative.id))
            held = initiative.meeting(cmd.meeting)
            text = self._corrected_texts(
                texts, [held.place, held.summary] if held else []
            )
            reactions, read = self._reactions_from_meeting(
                initiative, cmd.meeting, needed=cmd.starts_at is not None
            )
            corrected = initiative.correct_meeting(
                actor=actor,
                number=cmd.meeting,
                starts_at=cmd.starts_at,
                kind=cmd.kind,
                place=text("meeting place", cmd.place, held.place if held else None),
                attendance=cmd.attendance,
                summary=text(
                    "meeting summary", cmd.summary, held.summary if held else None
                ),
                reason=texts.seal("meeting correction reason", cmd.reason),
                reactions=reactions,
            )
            self.save(initiative, texts=texts.texts, nothing_since=read)
            return corrected

        return self._run(run, command=cmd, named="correct_meeting")

    def withdraw_meeting(self, command: c.WithdrawMeeting | Mapping[str, Any]) -> None:
        """Withdraw a meeting recorded by mistake (the same meeting recorded twice,
        or one that never took place), with the reason: permitted to whoever may
        correct it (the facilitator, where the phase lets them hold meetings;
        while the initiative is open). The meeting as first recorded stays, and
        every meeting keeps its number; it no longer counts among the meetings
        held. One that reactions standing in the record were given at took place,
        and is not withdrawn: the withdrawal runs again if a plan changed before
        it saves."""
        cmd = parse(c.WithdrawMeeting, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "withdraw_meeting")
            texts = _Pending(str(initiative.id))
            reactions, read = self._reactions_from_meeting(
                initiative, cmd.meeting, needed=True
            )
            initiative.withdraw_meeting(
                actor=actor,
                number=cmd.meeting,
                reason=texts.seal("meeting withdrawal reason", cmd.reason),
                reactions=reactions,
            )
            self.save(initiative, texts=texts.texts, nothing_since=read)

        return self._run(run, command=cmd, named="withdraw_meeting")

    def _reactions_from_meeting(
        self, initiative: Initiative, meeting: int, *, needed: bool
    ) -> tuple[list[ReactionFromMeeting], NothingSince | None]:
        """The reactions recorded from meeting ``meeting`` on the initiative's
        plans, which a correction of its start must leave after it and which keep
        it from being withdrawn (nothing is read when not ``needed``: a
        correction that leaves the start), and what the command read: it runs
        again if a plan changed before it saves."""
        if not needed:
            return [], None
        doc, read = self._read_the_plans_and_decisions(initiative)
        reactions = [
            ReactionFromMeeting(
                plan=p["slug"],
                reaction=r["number"],
                recorded_at=datetime.fromisoformat(r["at"]),
                withdrawn=r["withdrawn"],
            )
            for p in doc["plans"].values()
            for r in p["reactions"].values()
            if r["meeting"] == meeting
        ]
        return reactions, read

    def inform_council(self, command: c.InformCouncil | Mapping[str, Any]) -> int:
        """Record which document (by its SHA-256) went to which council session;
        returns the informing's number (from 1), which a follow-up and a
        correction name."""
        cmd = parse(c.InformCouncil, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "inform_council")
            texts = _Pending(str(initiative.id))
            # The head as it stands when the informing is saved: if an event of
            # the initiative's plans or decision points comes first, it runs again.
            position = self.recorder.max_notification_id() or 0
            self._catch_up_views([self.audit])
            head = self.audit.head(str(initiative.id))
            read = _of_the_initiative(
                initiative, position, self.audit.aggregates_of(str(initiative.id))
            )
            initiative.inform_council(
                actor=actor,
                document_title=texts.seal("council document title", cmd.document_title),
                document_sha256=cmd.document_sha256,
                session=cmd.session,
                informed_at=cmd.informed_at,
                audit_head=str(head) if head else None,
            )
            self.save(initiative, texts=texts.texts, nothing_since=read)
            return len(initiative.council_informings)

        return self._run(run, command=cmd, named="inform_council")

    def correct_council_informing(
        self, command: c.CorrectCouncilInforming | Mapping[str, Any]
    ) -> tuple[str, ...]:
        """Correct what was recorded of an informing of the council (the
        facilitator, where the phase lets them inform the council), with the
        reason; returns the fields corrected, in the order ``document_title``,
        ``document_sha256``, ``session``, ``informed_at``. A field given as it is
        already recorded is left out, the title too when its text is the same.
        The informing as first recorded stays, with the audit head it recorded."""
        cmd = parse(c.CorrectCouncilInforming, command)

        def run() -> tuple[str, ...]:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "correct_council_informing")
            texts = _Pending(str(initiative.id))
            informed = initiative.council_informing(cmd.informing)
            text = self._corrected_texts(
                texts, [informed.document_title] if informed else []
            )
            corrected = initiative.correct_council_informing(
                actor=actor,
                informing=cmd.informing,
                document_title=text(
                    "council document title",
                    cmd.document_title,
                    informed.document_title if informed else None,
                ),
                document_sha256=cmd.document_sha256,
                session=cmd.session,
                informed_at=cmd.informed_at,
                reason=texts.seal("council informing correction reason", cmd.reason),
            )
            self.save(initiative, texts=texts.texts)
            return corrected

        return self._run(run, command=cmd, named="correct_council_informing")

    def withdraw_council_informing(
        self, command: c.WithdrawCouncilInforming | Mapping[str, Any]
    ) -> None:
        """Withdraw an informing of the council recorded by mistake (for another
        initiative, or one that never happened), with the reason: permitted to
        whoever may correct it (the facilitator, where the phase lets them inform
        the council; also after the close). The informing as first recorded
        stays, with the audit head it recorded, and every informing keeps its
        number; it no longer counts as informing the council (the guard
        ``council_informed``), though a phase left on the strength of it stays
        left. One the council followed up is not withdrawn."""
        cmd = parse(c.WithdrawCouncilInforming, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "withdraw_council_informing")
            texts = _Pending(str(initiative.id))
            initiative.withdraw_council_informing(
                actor=actor,
                informing=cmd.informing,
                reason=texts.seal("council informing withdrawal reason", cmd.reason),
            )
            self.save(initiative, texts=texts.texts)

        return self._run(run, command=cmd, named="withdraw_council_informing")

    def _corrected_texts(
        self, texts: _Pending, recorded: Iterable[TextRef]
    ) -> Callable[[str, str | None, TextRef | None], TextRef | None]:
        """For a correction: seals a text given for one of the ``recorded`` ones
        only when it says something else (an erased one is always replaced), so
        that the correction carries only what changed."""
        bodies = self._texts(ref.id for ref in recorded)

        def text(purpose: str, body: str | None, was: TextRef | None) -> TextRef | None:
            if body is None or (was is not None and bodies.get(was.id) == body):
                return None
            return texts.seal(purpose, body)

        return text

    def record_council_framework(
        self, command: c.RecordCouncilFramework | Mapping[str, Any]
    ) -> int:
        """Record a framework (*kader*) the council set for the process: what is
        not up for discussion (the facilitator, whichever phase); returns its
        number."""
        cmd = parse(c.RecordCouncilFramework, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            number = initiative.record_council_framework(
                actor=actor,
                framework=texts.seal("council framework", cmd.framework),
                set_at=cmd.set_at,
                document_sha256=cmd.document_sha256,
            )
            self.save(initiative, texts=texts.texts)
            return number

        return self._run(run, command=cmd, named="record_council_framework")

    def correct_council_framework(
        self, command: c.CorrectCouncilFramework | Mapping[str, Any]
    ) -> tuple[str, ...]:
        """Correct what was recorded of a framework of the council (the
        facilitator, whichever phase, also after the close), with the reason;
        returns the fields corrected, in the order ``framework``, ``set_at``,
        ``document_sha256``. A field given as it is already recorded is left out,
        the text too when it reads the same. The framework as first recorded
        stays."""
        cmd = parse(c.CorrectCouncilFramework, command)

        def run() -> tuple[str, ...]:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            recorded = initiative.council_framework(cmd.number)
            text = self._corrected_texts(
                texts, [recorded.framework] if recorded else []
            )
            corrected = initiative.correct_council_framework(
                actor=actor,
                number=cmd.number,
                framework=text(
                    "council framework",
                    cmd.framework,
                    recorded.framework if recorded else None,
                ),
                set_at=cmd.set_at,
                document_sha256=cmd.document_sha256,
                reason=texts.seal("council framework correction reason", cmd.reason),
            )
            self.save(initiative, texts=texts.texts)
            return corrected

        return self._run(run, command=cmd, named="correct_council_framework")

    def record_council_follow_up(
        self, command: c.RecordCouncilFollowUp | Mapping[str, Any]
    ) -> None:
        """Record what the council did with what it was told (the facilitator;
        whichever phase, also after the close)."""
        cmd = parse(c.RecordCouncilFollowUp, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            initiative.record_council_follow_up(
                actor=actor,
                informing=cmd.informing,
                summary=texts.seal("council follow-up", cmd.summary),
                followed_up_at=cmd.followed_up_at,
                document_sha256=cmd.document_sha256,
            )
            self.save(initiative, texts=texts.texts)

        self._run(run, command=cmd, named="record_council_follow_up")

    def withdraw_council_follow_up(
        self, command: c.WithdrawCouncilFollowUp | Mapping[str, Any]
    ) -> int:
        """Withdraw a follow-up of the council recorded by mistake (against the
        wrong informing, or one the council never gave), with the reason; returns
        its number among the informing's follow-ups. Permitted to whoever may
        record one (the facilitator; whichever phase, also after the close). The
        follow-up as first recorded stays, and every follow-up keeps its number;
        it no longer keeps its informing from being withdrawn."""
        cmd = parse(c.WithdrawCouncilFollowUp, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            texts = _Pending(str(initiative.id))
            withdrawn = initiative.withdraw_council_follow_up(
                actor=actor,
                informing=cmd.informing,
                follow_up=cmd.follow_up,
                reason=texts.seal("council follow-up withdrawal reason", cmd.reason),
            )
            self.save(initiative, texts=texts.texts)
            return withdrawn

        return self._run(run, command=cmd, named="withdraw_council_follow_up")

    def advance_phase(self, command: c.AdvancePhase | Mapping[str, Any]) -> str:
        """Move the initiative to its next phase; returns the phase's name."""
        cmd = parse(c.AdvancePhase, command)

        def run() -> str:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            initiative.require_a_next_phase()  # before the phase's permissions
            self._permit(initiative, actor, "advance_phase")
            facts, read = self._phase_facts(initiative)
            phase = initiative.advance_phase(actor=actor, facts=facts)
            self.save(initiative, nothing_since=read)
            return phase

        return self._run(run, command=cmd, named="advance_phase")

    def migrate_template(self, command: c.MigrateTemplate | Mapping[str, Any]) -> str:
        """Move a running initiative to another installed template (or version), in
        the same phase; returns the template's content hash. Only this explicit
        step changes the template an initiative follows."""
        cmd = parse(c.MigrateTemplate, command)

        def run() -> str:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            process = self._template(cmd.template)
            initiative.migrate_template(actor=actor, process=process)
            self.save(initiative)
            return process.content_hash

        return self._run(run, command=cmd, named="migrate_template")

    def allocate_budget(self, command: c.AllocateBudget | Mapping[str, Any]) -> None:
        """Allocate part of the budget, following from a decision point's outcome."""
        cmd = parse(c.AllocateBudget, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "allocate_budget")
            decision = self._decision(initiative, cmd.decision)
            texts = _Pending(str(initiative.id))
            initiative.allocate_budget(
                actor=actor,
                amount=cmd.amount,
                purpose=texts.seal("allocation purpose", cmd.purpose),
                decision=decision,
            )
            self.save(initiative, texts=texts.texts)

        self._run(run, command=cmd, named="allocate_budget")

    def add_implementation_action(
        self, command: c.AddImplementationAction | Mapping[str, Any]
    ) -> None:
        """Add an action that carries out what was decided, owned by one stakeholder
        or one group, optionally funded by a budget allocation (by its number)."""
        cmd = parse(c.AddImplementationAction, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            owner = (
                self._stakeholder(cmd.owner_stakeholder)
                if cmd.owner_stakeholder
                else None
            )
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "add_implementation_action")
            texts = _Pending(str(initiative.id))
            initiative.add_implementation_action(
                actor=actor,
                slug=cmd.action,
                title=texts.seal("implementation action title", cmd.title),
                owner_stakeholder=owner,
                owner_group=cmd.owner_group,
                allocation=cmd.allocation,
            )
            self.save(initiative, texts=texts.texts)

        self._run(run, command=cmd, named="add_implementation_action")

    def record_progress(self, command: c.RecordProgress | Mapping[str, Any]) -> None:
        """Record how far an implementation action is, with the milestone reached;
        progress never goes down, and at 100% the action is done."""
        cmd = parse(c.RecordProgress, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "record_progress")
            texts = _Pending(str(initiative.id))
            initiative.record_progress(
                actor=actor,
                action=cmd.action,
                percent=cmd.percent,
                milestone=(
                    texts.seal("implementation milestone", cmd.milestone)
                    if cmd.milestone
                    else None
                ),
            )
            self.save(initiative, texts=texts.texts)

        self._run(run, command=cmd, named="record_progress")

    def change_implementation_status(
        self, command: c.ChangeImplementationStatus | Mapping[str, Any]
    ) -> None:
        """Put an implementation action planned, under way, on hold, done or
        cancelled; on hold and cancelled need a reason."""
        cmd = parse(c.ChangeImplementationStatus, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "change_implementation_status")
            texts = _Pending(str(initiative.id))
            initiative.change_implementation_status(
                actor=actor,
                action=cmd.action,
                status=cmd.status.value,
                reason=(
                    texts.seal("implementation status reason", cmd.reason)
                    if cmd.reason
                    else None
                ),
            )
            self.save(initiative, texts=texts.texts)

        self._run(run, command=cmd, named="change_implementation_status")

    def close_initiative(
        self, command: c.CloseInitiative | Mapping[str, Any]
    ) -> v.Closing:
        """Close an initiative with its outcome; returns from which phase, whether
        that ended it early, and how many reactions stay unanswered."""
        cmd = parse(c.CloseInitiative, command)

        def run() -> v.Closing:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "close_initiative")
            texts = _Pending(str(initiative.id))
            # What closing asks: the open decision points, and what the last
            # phase's guards ask (gathered even when the phase declares none).
            facts, read = self._facts_of(initiative)
            initiative.close(
                actor=actor, outcome=texts.seal("outcome", cmd.outcome), facts=facts
            )
            self.save(initiative, texts=texts.texts, nothing_since=read)
            return v.Closing(
                initiative=initiative.slug,
                phase=initiative.phase,
                early=initiative.process.next_phase(initiative.phase) is not None,
                unanswered=facts.unanswered_reactions,
            )

        return self._run(run, command=cmd, named="close_initiative")

    # --- Plans -----------------------------------------------------------------------

    def create_plan(self, command: c.CreatePlan | Mapping[str, Any]) -> UUID:
        """Create a plan (a vision, a traffic plan) owned by a group."""
        cmd = parse(c.CreatePlan, command)

        def run() -> UUID:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "create_plan")
            if self._exists(plan_id(initiative.id, cmd.plan)):
                msg = f"{initiative.slug} already has a plan called {cmd.plan}."
                raise Conflict(msg)
            texts = _Pending(str(initiative.id))
            plan = Plan.create(
                actor=actor,
                initiative=initiative,
                slug=cmd.plan,
                title=texts.seal("plan title", cmd.title),
                group=cmd.group,
            )
            self.save(plan, texts=texts.texts)
            return plan.id

        return self._run(run, command=cmd, named="create_plan")

    def propose_draft(self, command: c.ProposeDraft | Mapping[str, Any]) -> int:
        """Propose the next draft version of a plan; returns its number."""
        cmd = parse(c.ProposeDraft, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "propose_draft")
            plan = self._plan(initiative, cmd.plan)
            texts = _Pending(str(initiative.id))
            version = plan.propose_draft(
                actor=actor,
                initiative=initiative,
                text=texts.seal("draft text", cmd.text),
                changes=texts.seal("draft changes", cmd.changes),
                own_initiative=texts.seal("own-initiative changes", cmd.own_initiative)
                if cmd.own_initiative
                else None,
            )
            self.save(plan, texts=texts.texts)
            return version

        return self._run(run, command=cmd, named="propose_draft")

    def react_to_plan(self, command: c.AddReaction | Mapping[str, Any]) -> int:
        """Add a reaction to a version of a plan; returns the reaction's number."""
        cmd = parse(c.AddReaction, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            stakeholder = (
                self._stakeholder(cmd.stakeholder) if cmd.stakeholder else actor
            )
            initiative = self._initiative(cmd.initiative)
            came_in_during = self._phase_at(initiative, cmd.received_at)
            came_in_under = self._process_at(initiative, cmd.received_at)
            self._permit(
                initiative,
                actor,
                "react_to_plan",
                for_whom=stakeholder,
                in_phase=came_in_during,
                process=came_in_under,
            )
            plan = self._plan(initiative, cmd.plan)
            texts = _Pending(str(initiative.id))
            with _naming(cmd.stakeholder or cmd.actor):
                number = plan.add_reaction(
                    actor=actor,
                    initiative=initiative,
                    stakeholder=stakeholder,
                    version=cmd.version,
                    stance=cmd.stance,
                    text=texts.seal("reaction", cmd.text),
                    channel=cmd.how,
                    section=texts.seal("reaction section", cmd.section)
                    if cmd.section
                    else None,
                    meeting=cmd.meeting,
                    closes_at=(
                        self._reactions_close(initiative, plan)
                        if cmd.received_at is None
                        else self._reactions_closed_for(
                            initiative, plan, cmd.received_at, came_in_under
                        )
                    ),
                    received_at=cmd.received_at,
                    came_in_during=came_in_during,
                    came_in_under=came_in_under,
                    late=cmd.late,
                )
            self.save(plan, texts=texts.texts)
            return number

        return self._run(run, command=cmd, named="react_to_plan")

    def import_decidim_comments(
        self, command: c.ImportDecidimComments | Mapping[str, Any]
    ) -> v.CommentsImport:
        """Bring the comments of a Decidim open-data export into the record as
        online reactions to a version of a plan, as the facilitator would record
        each by hand: counting from when it was posted, from whom it came (a user
        group as an institution, an author as a resident, by a pseudonymous
        reference; the name goes to the directory), who joins the initiative if
        they had not. All or nothing: when one comment cannot be recorded, none
        is, and the refusal names its line. A comment imported before is not
        recorded again. With ``dry_run``, nothing is recorded."""
        cmd = parse(c.ImportDecidimComments, command)
        comments = decidim.read_comments(cmd.export)
        chosen = platform_comments.chosen(comments, cmd.on, decidim.is_on)
        return self._run(
            lambda: self._import_comments(cmd, comments, chosen, "import_decidim_comments"),
            command=cmd, named="import_decidim_comments",
        )  # fmt: skip

    def import_consul_comments(
        self, command: c.ImportConsulComments | Mapping[str, Any]
    ) -> v.CommentsImport:
        """Bring the comments of a CONSUL Democracy export into the record as
        online reactions to a version of a plan, as :meth:`import_decidim_comments`
        does a Decidim export's: each counting from when it was posted (the
        export's local time, read as Europe/Madrid), with the ``neutral`` stance
        (CONSUL records none), from ``consul-<userId>`` (an organisation's account
        as an institution, a public employee's as a civil servant, anyone else as
        a resident; the export holds no name, so the directory holds the
        reference alone). ``on`` chooses proposals (``proposal:7``)."""
        cmd = parse(c.ImportConsulComments, command)
        comments = consul.read_comments(cmd.export)
        chosen = platform_comments.chosen(comments, cmd.on, consul.is_on)
        left_out: dict[str, int] = {}
        if cmd.leave_out_civil_servants:
            kept = [x for x in chosen if x.kind is not StakeholderKind.CIVIL_SERVANT]
            left_out[consul.PUBLIC_EMPLOYEES_LEFT_OUT] = len(chosen) - len(kept)
            chosen = kept
        return self._run(
            lambda: self._import_comments(
                cmd, comments, chosen, "import_consul_comments", left_out
            ),
            command=cmd, named="import_consul_comments",
        )  # fmt: skip

    def _import_comments(
        self,
        cmd: c.ImportDecidimComments | c.ImportConsulComments,
        comments: Sequence[PlatformComment],
        chosen: Sequence[PlatformComment],
        use_case: str,
        left_out: Mapping[str, int] | None = None,
    ) -> v.CommentsImport:
        """An import of a platform's comments, read and chosen: all of them
        recorded, or none (``use_case``: the import, as a template's permissions
        name it; ``left_out``: comments of what was chosen that the command left
        out, counted by why)."""
        left_out = left_out or {}
        actor = self._actor(cmd.actor)
        initiative = self._initiative(cmd.initiative)
        plan = self._plan(initiative, cmd.plan)
        initiative.require_open()
        rules.reactions_come_from_the_stakeholder_or_are_recorded_by_the_facilitator.check(
            actor == initiative.facilitator
        )
        doing = _Importing(
            cmd,
            actor,
            initiative,
            plan,
            self._initiative_doc(initiative.slug),
            use_case,
        )
        origins = self._origins_of(plan)
        lost = self._origins_lost()
        recorded: list[v.ImportedComment] = []
        refused: list[tuple[PlatformComment, SamenspraakError]] = []
        already = without_text = 0
        for comment in sorted(chosen, key=lambda x: (x.created_at, x.id)):
            # a_platform_comment_is_recorded_once, checked here: the events
            # hold only the commitment to each origin, the texts say which
            # comment it is (one whose origin was erased is not recognised).
            if comment.origin in origins:
                already += 1
            elif comment.body is None:
                without_text += 1
            else:
                try:
                    recorded.append(self._import_comment(doing, comment))
                except RuleViolation as violation:
                    error = NotAllowed(violation.sentence, violation.rule.name)
                    refused.append((comment, error))
                except (NotAllowed, NotFound) as error:
                    refused.append((comment, error))
        if refused:
            raise _import_refused(refused)
        if recorded and (lost.erased or lost.unrecognised) and not cmd.erased_left_out:
            raise _erased_not_left_out(lost)
        if recorded and not cmd.dry_run:
            self.save(
                initiative,
                plan,
                texts=doing.texts.texts,
                sealed_identities=doing.texts.identities,
                stakeholders=list(doing.new.values()),
                acting=doing.acting,
            )
        skipped = {
            "not on what was chosen": (
                len(comments) - len(chosen) - sum(left_out.values())
            ),
            **left_out,
            "without text": without_text,
        }
        return v.CommentsImport(
            recorded=recorded,
            already=already,
            skipped={why: n for why, n in skipped.items() if n},
            joined=doing.joined,
            registered=sum(ref in doing.new for ref in doing.joined),
            origins_erased=sum(lost.erased.values()),
            origins_erased_in=list(lost.erased),
            dry_run=cmd.dry_run,
        )

    def _origins_of(self, plan: Plan) -> dict[str, int]:
        """The platform comments a plan's reactions were imported from, read from
        their origin texts (``decidim:19736``: reaction number); one whose origin
        was erased (with the texts of whoever posted it) is not among them."""
        imported = {
            number: r.origin
            for number, r in plan.reactions.items()
            if r.origin is not None
        }
        texts = self._texts(origin.id for origin in imported.values())
        kept = ((texts.get(origin.id), number) for number, origin in imported.items())
        return {body: number for body, number in kept if body is not None}

    def _origins_lost(self) -> _OriginsLost:
        """Of the reactions imported into the record's initiatives: how many have
        an origin that was erased (with the texts of whoever posted the comment),
        which nothing can recognise any more; and how many kept their origin but
        are from someone erased since (without their texts), whose reference on
        the platform is gone: a new comment of theirs would register them again.
        Counted over every initiative and plan, as one person's comments on the
        platform may go to several; only initiatives that hold an origin are read."""
        lost = _OriginsLost()
        for scope in self.store.initiatives_with_texts(ORIGIN):
            doc = self.state.document(scope)
            if doc is None:
                continue
            imported = [
                r
                for p in doc["plans"].values()
                for r in p["reactions"].values()
                if r.get("origin")
            ]
            texts = self._texts(r["origin"] for r in imported)
            people = self._refs_of(r["stakeholder"] for r in imported)
            for reaction in imported:
                if texts.get(reaction["origin"]) is None:
                    lost.erased[doc["slug"]] = lost.erased.get(doc["slug"], 0) + 1
                    continue
                person = people.get(reaction["stakeholder"])
                if person is None or person.ref.startswith(ERASED_PREFIX):
                    was = lost.unrecognised.get(doc["slug"], 0)
                    lost.unrecognised[doc["slug"]] = was + 1
        return lost

    def _import_comment(
        self, doing: _Importing, comment: PlatformComment
    ) -> v.ImportedComment:
        """Record one comment of an import in memory, as the facilitator records
        a reaction by hand that came in at the time it was posted: its author (or
        user group) joins first if they had not."""
        from samenspraak.application.todo import (  # noqa: PLC0415
            phase_at,
            reaction_period_end_at,
        )

        initiative, actor, ref = doing.initiative, doing.actor, comment.stakeholder
        person = doing.people.get(ref) or self.store.select_stakeholder(ref=ref)
        if person is None:
            person = StakeholderRow(str(uuid.uuid4()), ref, comment.name, None)
            doing.new[ref] = person
        doing.people[ref] = person
        with _naming(ref):
            if not initiative.is_active(person.id):
                kind = comment.kind
                self._permit(
                    initiative, actor, "join_initiative", kind,
                    doing=ADDING_STAKEHOLDERS,
                )  # fmt: skip
                initiative.join(
                    actor=actor,
                    stakeholder=person.id,
                    kind=kind,
                    identity=_identity_of(doing.texts, person, new=ref in doing.new),
                )
                doing.joined.append(ref)
                if ref not in doing.new:
                    doing.acting.append(person.id)
            posted = comment.created_at
            came_in_during = phase_at(doing.doc, posted)
            came_in_under = self._process_at(initiative, posted)
            self._permit(
                initiative,
                actor,
                doing.use_case,
                for_whom=person.id,
                in_phase=came_in_during,
                process=came_in_under,
            )
            closes_at = reaction_period_end_at(
                doing.doc,
                came_in_under,
                doing.doc["plans"].get(str(doing.plan.id)),
                posted,
            )
            late = doing.cmd.late and closes_at is not None and posted > closes_at
            stance = doing.stances[comment.alignment]
            number = doing.plan.add_reaction(
                actor=actor,
                initiative=initiative,
                stakeholder=person.id,
                version=doing.cmd.version,
                stance=stance,
                text=doing.texts.seal("reaction", comment.body or ""),
                channel=Channel.ONLINE,
                closes_at=closes_at,
                received_at=posted,
                came_in_during=came_in_during,
                came_in_under=came_in_under,
                late=late,
                origin=doing.texts.seal(ORIGIN, comment.origin),
            )
        return v.ImportedComment(
            line=comment.line,
            comment=comment.origin,
            reaction=number,
            stakeholder=ref,
            stance=stance.value,
            received_at=posted,
            late=late,
        )

    def adopt_change(self, command: c.AdoptChange | Mapping[str, Any]) -> None:
        """Answer reactions with a change carried by a later version."""
        cmd = parse(c.AdoptChange, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "adopt_change")
            plan = self._plan(initiative, cmd.plan)
            texts = _Pending(str(initiative.id))
            plan.adopt_change(
                actor=actor,
                initiative=initiative,
                reactions=cmd.reactions,
                version=cmd.version,
                explanation=texts.seal("explanation", cmd.explanation),
                partly=cmd.partly,
            )
            self.save(plan, texts=texts.texts)

        self._run(run, command=cmd, named="adopt_change")

    def defend_position(self, command: c.DefendPosition | Mapping[str, Any]) -> None:
        """Answer reactions with reasoning; the plan stays as it is."""
        cmd = parse(c.DefendPosition, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._permitted_on_reactions(
                initiative, actor, "defend_position", cmd.plan, cmd.reactions
            )
            texts = _Pending(str(initiative.id))
            plan.defend_position(
                actor=actor,
                initiative=initiative,
                reactions=cmd.reactions,
                reasoning=texts.seal("reasoning", cmd.reasoning),
            )
            self.save(plan, texts=texts.texts)

        self._run(run, command=cmd, named="defend_position")

    def note_support(self, command: c.NoteSupport | Mapping[str, Any]) -> None:
        """Acknowledge reactions of support: nothing to change."""
        cmd = parse(c.NoteSupport, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._permitted_on_reactions(
                initiative, actor, "note_support", cmd.plan, cmd.reactions
            )
            plan.note_support(
                actor=actor, initiative=initiative, reactions=cmd.reactions
            )
            self.save(plan)

        self._run(run, command=cmd, named="note_support")

    def withdraw_reaction(
        self, command: c.WithdrawReaction | Mapping[str, Any]
    ) -> None:
        cmd = parse(c.WithdrawReaction, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            plan = self._permitted_on_reactions(
                initiative, actor, "withdraw_reaction", cmd.plan, [cmd.reaction]
            )
            plan.withdraw_reaction(
                actor=actor, initiative=initiative, reaction=cmd.reaction
            )
            self.save(plan)

        self._run(run, command=cmd, named="withdraw_reaction")

    def finalise_plan(self, command: c.FinalisePlan | Mapping[str, Any]) -> int:
        """Finalise a plan once every reaction is answered; returns the version."""
        cmd = parse(c.FinalisePlan, command)

        def run() -> int:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "finalise_plan")
            plan = self._plan(initiative, cmd.plan)
            version = plan.finalise(
                actor=actor,
                initiative=initiative,
                closes_at=self._reactions_close(initiative, plan),
            )
            self.save(plan)
            return version

        return self._run(run, command=cmd, named="finalise_plan")

    # --- Decision points -------------------------------------------------------------

    def put_decision_point(
        self, command: c.PutDecisionPoint | Mapping[str, Any]
    ) -> UUID:
        """Put a question to the stakeholders, with its options, who takes part
        and the rule that decides."""
        cmd = parse(c.PutDecisionPoint, command)

        def run() -> UUID:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "put_decision_point")
            if self._exists(decision_point_id(initiative.id, cmd.decision)):
                msg = (
                    f"{initiative.slug} already has a decision point called "
                    f"{cmd.decision}."
                )
                raise Conflict(msg)
            texts = _Pending(str(initiative.id))
            decision = DecisionPoint.put(
                actor=actor,
                initiative=initiative,
                slug=cmd.decision,
                question=texts.seal("question", cmd.question),
                options=[
                    Option(o.key, texts.seal("option", o.label)) for o in cmd.options
                ],
                eligible=cmd.eligible,
                rule=cmd.rule,
                closes_at=cmd.closes_at,
                quorum=cmd.quorum,
            )
            self.save(decision, texts=texts.texts)
            return decision.id

        return self._run(run, command=cmd, named="put_decision_point")

    def take_position(self, command: c.TakePosition | Mapping[str, Any]) -> None:
        """The actor takes (or changes) their position on an open decision point;
        or the facilitator records the position of the stakeholder named ``for``,
        given another way, as if given at ``given_at`` (default: now)."""
        cmd = parse(c.TakePosition, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            stakeholder = None
            if cmd.for_ is not None:
                _refuse_erased(cmd.for_)
                stakeholder = self._stakeholder(cmd.for_)
            given_in = self._phase_at(initiative, cmd.given_at)
            given_under = self._process_at(initiative, cmd.given_at)
            if stakeholder is None or stakeholder == actor:
                self._permit(
                    initiative,
                    actor,
                    "take_position",
                    in_phase=given_in,
                    process=given_under,
                )
            else:
                # The facilitator records; the stakeholder's kind takes the
                # position, as the phase it was given in allowed.
                initiative.require_permission(
                    stakeholder,
                    "take_position",
                    in_phase=given_in,
                    process=given_under,
                )
            decision = self._decision(initiative, cmd.decision)
            texts = _Pending(str(initiative.id))
            with _naming(cmd.for_ or cmd.actor):
                decision.take_position(
                    actor=actor,
                    initiative=initiative,
                    option=cmd.option,
                    reason=texts.seal("position reason", cmd.reason)
                    if cmd.reason
                    else None,
                    stakeholder=stakeholder,
                    given_at=cmd.given_at,
                    given_in=given_in,
                    given_under=given_under,
                )
            # Whose position it is must not be erased meanwhile either (checked
            # when saved).
            self.save(
                decision,
                texts=texts.texts,
                acting=[actor] if stakeholder is None else [actor, stakeholder],
            )

        self._run(run, command=cmd, named="take_position")

    def decide(self, command: c.DecideDecisionPoint | Mapping[str, Any]) -> str | None:
        """Apply the decision point's rule; returns the outcome (None: no decision)."""
        cmd = parse(c.DecideDecisionPoint, command)

        def run() -> str | None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "decide")
            decision = self._decision(initiative, cmd.decision)
            outcome = decision.decide(
                actor=actor,
                initiative=initiative,
                at_closing=self._at_closing(initiative, decision),
                put_under=self._process_at(initiative, decision.created_on),
            )
            self.save(decision)
            return outcome

        return self._run(run, command=cmd, named="decide")

    def withdraw_decision_point(
        self, command: c.WithdrawDecisionPoint | Mapping[str, Any]
    ) -> None:
        cmd = parse(c.WithdrawDecisionPoint, command)

        def run() -> None:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "withdraw_decision_point")
            decision = self._decision(initiative, cmd.decision)
            decision.withdraw(actor=actor, initiative=initiative)
            self.save(decision)

        self._run(run, command=cmd, named="withdraw_decision_point")

    # --- Deadlines -------------------------------------------------------------------
    #
    # Deadlines are events: a plan's reaction period and a decision point close when
    # tick records it (as the system, with the deadline as the moment it closed), so
    # replaying the record reproduces it. Lateness depends on the deadline alone.

    def open_reaction_period(
        self, command: c.OpenReactionPeriod | Mapping[str, Any]
    ) -> datetime:
        """Open a reaction period on a plan: until ``closes_at``, for ``days`` from
        now, or for the ``reaction_period_days`` of the current phase. Returns its
        closing time; a reaction after it is refused as late."""
        from samenspraak.domain import clock  # noqa: PLC0415

        cmd = parse(c.OpenReactionPeriod, command)

        def run() -> datetime:
            actor = self._actor(cmd.actor)
            initiative = self._initiative(cmd.initiative)
            self._permit(initiative, actor, "open_reaction_period")
            plan = self._plan(initiative, cmd.plan)
            phase = initiative.process.phase(initiative.phase)
            closes_at = cmd.closes_at
            if closes_at is None:
                days = cmd.days or phase.reaction_period_days
                if days is None:
                    msg = (
                        f"closes_at or days: give one; the phase {phase.name} of "
                        f"{initiative.slug} declares no reaction period."
                    )
                    raise InvalidInput(msg)
                closes_at = clock.days_later(clock.now(), days).replace(microsecond=0)
            plan.open_reaction_period(
                actor=actor,
                initiative=initiative,
                closes_at=closes_at,
                phase_gives_until=self._phase_gives_until(initiative),
            )
            self.save(plan)
            return closes_at

        return self._run(run, command=cmd, named="open_reaction_period")

    def tick(self) -> list[v.ClosedDeadline]:
        """Close everything whose deadline has passed by now, in deadline order (ties
        in the order the subjects were recorded): decision points are decided by
        their rule, reaction periods are closed. Each closing is its own event, by
        the system. Running it again adds nothing; safe to run from cron."""
        from functools import partial  # noqa: PLC0415

        from samenspraak.domain import clock  # noqa: PLC0415

        def due() -> list[dict[str, Any]]:
            self._catch_up()
            now = clock.now()
            found = [
                {**d, "deadline": datetime.fromisoformat(d["closes_at"])}
                for d in self.state.open_deadlines()
            ]
            return sorted(
                (d for d in found if d["deadline"] <= now),
                key=lambda d: (d["deadline"], d["position"]),
            )

        closed: list[v.ClosedDeadline] = []
        for item in self._run(due):
            result = self._run(partial(self._close_deadline, item))
            if result is not None:
                closed.append(result)
        return closed

    def _close_deadline(self, item: dict[str, Any]) -> v.ClosedDeadline | None:
        """Close one deadline found by tick, unless someone closed it meanwhile."""
        initiative = self._initiative(item["initiative"])
        if initiative.is_closed:
            return None
        aggregate_id = UUID(item["aggregate_id"])
        deadline: datetime = item["deadline"]
        outcome = None
        if item["kind"] == "decision-point":
            decision = self._get(DecisionPoint, aggregate_id, "")
            if not decision.deadline_is_due:
                return None
            outcome = decision.close_by_deadline(
                initiative,
                self._at_closing(initiative, decision),
                self._process_at(initiative, decision.created_on),
            )
            self.save(decision)
        else:
            plan = self._get(Plan, aggregate_id, "")
            if not plan.reaction_period_is_due:
                return None
            deadline = plan.close_reaction_period()
            self.save(plan)
        return v.ClosedDeadline(
            kind=item["kind"],
            initiative=initiative.slug,
            subject=item["subject"],
            deadline=deadline,
            outcome=outcome,
        )

    # --- Queries ---------------------------------------------------------------------
    #
    # Queries read the views, caught up first so that nobody sees stale state. With
    # ``as_of`` they replay the initiative's events recorded up to that moment.

    def catch_up(self) -> dict[str, int]:
        """Bring every view up to date; returns how many events each applied."""
        return self._run(lambda: self._catch_up_views(self.views))

    def projections_status(self) -> list[v.ProjectionStatus]:
        """Each view's position against the end of the log."""

        def run() -> list[v.ProjectionStatus]:
            end = self.recorder.max_notification_id() or 0
            return [
                v.ProjectionStatus(
                    view=view.view_name,
                    position=view.position(),
                    log_end=end,
                    logic_version=view.logic_version,
                    built_with=view.built_with(),
                )
                for view in self.views
            ]

        return self._run(run)

    def verify_projections(self) -> v.ViewsVerification:
        """Build every view again from the events, in a scratch database, up to the
        position the view has applied, and compare what the two hold (per table,
        the number of rows and a SHA-256 sum over them): a view changed outside the
        engine (which ``audit verify`` does not look at) is found. The views are
        read in one snapshot, so others may record meanwhile; nothing is written
        beside the scratch copy. Rebuilding the views mends what it finds."""

        def run() -> v.ViewsVerification:
            kept = fingerprints_of(self.views)
            try:
                built = self._views_built_again(kept)
            except OSError as error:
                msg = (
                    "Verifying the views needs a temporary folder to build them "
                    f"again in ({reason_of(error)}); set TMPDIR to one you can write."
                )
                raise StorageError(msg) from None
            return self._compared(kept, built)

        return self._run(run)

    def _compared(
        self, kept: dict[str, Fingerprint], built: dict[str, Fingerprint]
    ) -> v.ViewsVerification:
        """What the views hold against what the events build again."""
        for name, problem in self._differences(kept, built):
            checked = kept[name].position
            return v.ViewsVerification(intact=False, checked=checked, problem=problem)
        checked = min(f.position for f in kept.values())
        return v.ViewsVerification(intact=True, checked=checked, problem=None)

    def _differences(
        self, kept: dict[str, Fingerprint], built: dict[str, Fingerprint]
    ) -> Iterator[tuple[str, str]]:
        """Each view that differs from the one built again, named, with why."""
        end = self.recorder.max_notification_id() or 0
        for view in self.views:
            name = view.view_name
            ours, theirs = kept[name], built[name]
            if ours.position != theirs.position:
                yield (
                    name,
                    (
                        f"The view {name} says it applied the log up to position "
                        f"{ours.position}, but the log ends at {end}: events were "
                        "deleted from the end of the log, or the view's position was "
                        "changed outside the engine; check the record (samenspraak "
                        "audit verify) and, if it is intact, rebuild the views "
                        "(samenspraak projections rebuild)."
                    ),
                )
                continue
            for table, rows in theirs.tables.items():
                if ours.tables[table] != rows:
                    yield (
                        name,
                        (
                            f"The view {name} does not match the events up to position "
                            f"{ours.position} (its table {table} differs from the one "
                            "built from them again): " + _why_it_differs(view)
                        ),
                    )
                    break

    def _a_view_changed_outside(self) -> str | None:
        """After a fault while reading: the name of a view that no longer holds
        what the events build (it was changed outside the engine), if one does
        not. Looked at only then, as it builds the views again."""
        try:
            kept = fingerprints_of(self.views)
            for name, _ in self._differences(kept, self._views_built_again(kept)):
                return name
        except Exception:  # (a check that fails tells nothing of the fault)
            return None
        return None

    def _views_built_again(
        self, kept: dict[str, Fingerprint]
    ) -> dict[str, Fingerprint]:
        """The views built again from the events in a scratch database, each up to
        the position its kept namesake has applied."""
        with tempfile.TemporaryDirectory(prefix="samenspraak-views-") as folder:
            datastore = SQLiteDatastore(str(Path(folder) / "views.db"))
            try:
                scratch: list[SQLiteView] = [
                    SQLiteProcessStateView(datastore),
                    SQLiteAuditTrailView(datastore),
                    SQLiteResponseReportView(datastore),
                ]
                for view in scratch:
                    view.create_table()
                for position in sorted({f.position for f in kept.values()}):
                    alike = [
                        s for s in scratch if kept[s.view_name].position == position
                    ]
                    rebuild_all(self.recorder, self.mapper, alike, until=position)
                return fingerprints_of(scratch)
            finally:
                datastore.close()

    def forget_command_ids(self, before: datetime | str) -> int:
        """Forget the ids callers gave the commands recorded before ``before`` (a
        moment with its timezone, not in the future), which
        ``samenspraak_commands`` otherwise keeps as long as the record. A command
        given again afterwards with one of them is recorded again: forget only
        ids whose retries are over. Records no event and changes nothing of the
        record itself; returns how many ids were forgotten."""
        from samenspraak.domain import clock  # noqa: PLC0415

        given = parse(c.ForgetCommandIds, {"before": before})
        if given.before > clock.now():
            msg = (
                f"before: {clock.on_dutch_clocks(given.before)} lies in the future; the "
                "id of a command recorded from now on must not be forgotten, or its "
                "retry would be recorded again."
            )
            raise InvalidInput(msg)
        return self._run(lambda: self.store.forget_commands(utc(given.before)))

    def rebuild_projections(self) -> dict[str, int]:
        """Empty every view and build it again from the whole log.

        Refused when the recorded audit trail no longer matches the event store:
        rebuilding would silently re-chain tampered records.
        """

        def run() -> dict[str, int]:
            self._refuse_a_tampered_rebuild()
            applied = rebuild_all(self.recorder, self.mapper, self.views)
            self._logic_checked = True
            return applied

        return self._run(run, rebuilding=True)

    def _refuse_a_tampered_rebuild(self, before: str = "") -> None:
        """Rebuilding the audit trail re-chains the record: refused when the
        recorded trail no longer matches the event store."""
        report = self._verify(None)
        if not report.intact:
            msg = (
                f"{before}Refusing to rebuild: {report.problem} Rebuilding would "
                "re-chain the changed record; investigate first (samenspraak audit "
                "verify)."
            )
            raise NotAllowed(msg, "a_tampered_record_is_not_rebuilt")

    def list_initiatives(self) -> list[v.InitiativeSummary]:
        """Every initiative in the record, in the order they were started."""

        def run() -> list[v.InitiativeSummary]:
            self._catch_up()
            documents = self.state.cores()
            texts = self._texts([d["title"] for d in documents])
            return [
                v.InitiativeSummary(
                    initiative=d["slug"],
                    title=texts.get(d["title"]),
                    phase=d["phase"],
                    closed=d["closed"],
                )
                for d in documents
            ]

        return self._run(run)

    def initiative_status(
        self, initiative: str, *, as_of: datetime | str | None = None
    ) -> v.InitiativeStatus:
        """Where an initiative stands (or stood at ``as_of``): phase, who takes part,
        groups, meetings, the council, the budget, its plans and decision points."""
        slug, moment = ref("initiative", initiative), as_of_moment(as_of)

        def run() -> v.InitiativeStatus:
            doc = self._document(slug, moment, through("as_of", as_of))
            text, people, names = self._resolvers(reading.outline(doc))
            return _as_of(reading.status(doc, text, people, names), moment)

        return self._run(run)

    def plan_details(
        self, initiative: str, plan: str, *, as_of: datetime | str | None = None
    ) -> v.PlanView:
        """A plan with its versions, every reaction and every answer."""
        slugs = ref("initiative", initiative), ref("plan", plan)
        moment = as_of_moment(as_of)

        def run() -> v.PlanView:
            doc = self._document(slugs[0], moment, through("as_of", as_of))
            found = reading.find(doc["plans"], slugs[1])
            if found is None:
                raise NotFound(self._missing(doc, "plan", slugs[1], moment))
            text, people, _ = self._resolvers(found)
            shown = reading.plan(doc, found, text, people)
            from samenspraak.application.todo import (  # noqa: PLC0415
                reaction_period_end,
            )

            if shown.final_version is None and shown.versions and not doc["closed"]:
                until = reaction_period_end(doc, reading.process_of(doc), found)
                shown = shown.model_copy(update={"reactions_until": until})
            return _as_of(shown, moment)

        return self._run(run)

    def decision_details(
        self, initiative: str, decision: str, *, as_of: datetime | str | None = None
    ) -> v.DecisionView:
        """A decision point with its options, who may take part, positions and tally."""
        from samenspraak.domain import clock  # noqa: PLC0415

        slugs = ref("initiative", initiative), ref("decision", decision)
        moment = as_of_moment(as_of)

        def run() -> v.DecisionView:
            doc = self._document(slugs[0], moment, through("as_of", as_of))
            found = reading.find(doc["decisions"], slugs[1])
            if found is None:
                raise NotFound(self._missing(doc, "decision point", slugs[1], moment))
            text, people, _ = self._resolvers(found)
            shown = reading.decision(doc, found, text, people)
            closes, at = shown.closes_at, moment or clock.now()
            # Past it once a position would be late: one taken at the closing
            # time itself is on time (a_late_position_is_refused).
            if shown.state == "open" and closes is not None and closes < at:
                shown = shown.model_copy(update={"deadline_passed": True})
            return _as_of(shown, moment)

        return self._run(run)

    def todo(self, actor: str) -> list[TodoItem]:
        """What is next for a stakeholder, across every initiative they take part
        in (as facilitator or otherwise), as of now: see
        :mod:`samenspraak.application.todo`."""
        from samenspraak.application import todo  # noqa: PLC0415
        from samenspraak.domain import clock  # noqa: PLC0415

        who = ref("actor", actor)

        def run() -> list[todo.TodoItem]:
            stakeholder = self._stakeholder(who)
            self._catch_up()
            now = clock.now()
            items: list[todo.TodoItem] = []
            for core in self.state.cores():
                if stakeholder not in core["stakeholders"] or core["closed"]:
                    continue
                doc = self.state.document(str(core["initiative_id"]))
                if doc is None:  # pragma: no cover (the core was just read)
                    continue
                texts = self._texts(
                    [p["title"] for p in doc["plans"].values()]
                    + [d["question"] for d in doc["decisions"].values()]
                    + [a["title"] for a in doc.get("implementation", {}).values()]
                )
                items += todo.todo_for(doc, stakeholder, now, texts=texts)
            return todo.ordered(items)

        return self._run(run)

    def response_report(
        self, initiative: str, *, plan: str | None = None
    ) -> list[v.ResponseEntry]:
        """The response report (reactienota) of an initiative, or of one of its
        plans: every reaction with what was done with it, plan by plan in the order
        they were created and by number, read from its own view (caught up
        first). What the view's rows do not hold (when a reaction was given where
        that is not when it was recorded, whether it was received late, the
        platform comment it came from) is read from the process state beside
        it."""
        slug = ref("initiative", initiative)
        wanted = ref("plan", plan) if plan is not None else None

        def run() -> list[v.ResponseEntry]:
            doc = self._initiative_doc(slug)
            if wanted is not None and reading.find(doc["plans"], wanted) is None:
                raise NotFound(self._missing(doc, "plan", wanted, None))
            created = {p["slug"]: n for n, p in enumerate(doc["plans"].values())}
            rows = sorted(
                (
                    r
                    for r in self.responses.responses(str(doc["initiative_id"]))
                    if wanted is None or r["plan"] == wanted
                ),
                key=lambda r: (created.get(r["plan"], len(created)), r["reaction"]),
            )
            late = {
                (p["slug"], r["number"])
                for p in doc["plans"].values()
                for r in p["reactions"].values()
                if r.get("late")
            }
            given = {  # when each was given, where that is not when it was recorded
                (p["slug"], r["number"]): r["given_at"]
                for p in doc["plans"].values()
                for r in p["reactions"].values()
                if r.get("given_at")
            }
            origins = {  # the ids of the texts that name the platform's comments
                (p["slug"], r["number"]): r["origin"]
                for p in doc["plans"].values()
                for r in p["reactions"].values()
                if r.get("origin")
            }
            texts = self._texts(
                [
                    *(
                        t
                        for r in rows
                        for t in (r["text"], r["section"], r["answer_text"])
                        if t is not None
                    ),
                    *origins.values(),
                ]
            )
            people = self._refs_of(
                p for r in rows for p in (r["stakeholder"], r["answered_by"]) if p
            )
            return [
                _response(
                    r,
                    texts,
                    people,
                    late=(r["plan"], r["reaction"]) in late,
                    origin=origins.get((r["plan"], r["reaction"])),
                    given_at=given.get((r["plan"], r["reaction"])),
                )
                for r in rows
            ]

        return self._run(run)

    def participation_report(
        self, initiative: str, *, as_of: datetime | str | None = None
    ) -> ParticipationReport:
        """The participation report (participatieverslag) of an initiative, as it
        stands or stood at ``as_of``: its design, who took part (with every erasure
        and correction of personal data recorded by then), meetings, plans and
        versions, every reaction with its answer, decision points, what went to the
        council, the budget, and the audit heads it was built from. Render it with
        :mod:`samenspraak.application.report_render`."""
        from samenspraak.application.report import (  # noqa: PLC0415
            build_report,
            heads_at,
        )

        slug, moment = ref("initiative", initiative), as_of_moment(as_of)
        until = through("as_of", as_of)

        def run() -> ParticipationReport:
            # The views live in the file whose record is verified: whoever can
            # change the events can change them as well. So the report is built
            # from the records the verification found intact, replayed as they
            # pass, and names the head of exactly those records.
            scope = str(self._initiative_doc(slug)["initiative_id"])
            replayed = _Replayed(self, scope, utc(until) if until else None)
            self._refuse_a_tampered_record(slug, scope, checks=[replayed])
            doc = replayed.document
            if doc["slug"] is None:
                assert moment is not None  # (an initiative has begun by now)
                raise NotFound(f"{slug} had not started yet at {shown(moment)}.")
            text, people, _ = self._resolvers(doc)
            heads = heads_at(self.audit, scope, until)
            heads = heads.model_copy(update={"initiative_head": str(replayed.head)})
            return build_report(doc, text, people, heads=heads, as_of=moment)

        return self._run(run)

    def _refuse_a_tampered_record(
        self,
        slug: str,
        scope: str,
        doing: str = "build the report",
        rule: str = "a_tampered_record_is_not_reported",
        checks: Sequence[PageCheck] = (),
    ) -> None:
        """A report or an export is a formal account: made only from an initiative
        whose record agrees with its audit trail, whose directory agrees with the
        identities its events commit to, and whose texts with their commitments (as
        ``audit verify --initiative``). Each of ``checks`` sees the initiative's
        records as the verification finds them intact."""
        texts = TextCheck(self.store, self.mapper)
        check = verify_chain(
            self.recorder,
            self.audit,
            None,
            initiative_id=scope,
            mapper=self.mapper,
            keep_topics=IDENTITY_TOPICS,
            checks=[texts, *checks],
        )
        found = (
            (check.first_bad_position, check.problem)
            if not check.intact
            else self._integrity_problem(check.kept, texts)
        )
        if found is not None:
            at, problem = found
            msg = (
                f"Refusing to {doing}: the record of {slug} is not intact at position "
                f"{at} ({str(problem).rstrip('.')}); investigate first (samenspraak "
                f"audit verify --initiative {slug})."
            )
            raise NotAllowed(msg, rule)

    def process_diagram(self, subject: str, *, format: str = "mermaid") -> str:
        """The phases and transitions of a process as a diagram: ``mermaid``,
        ``dot`` (Graphviz) or ``svg``. ``subject`` is an initiative (its template,
        with the phase it is in now marked) or a template as ``NAME`` (the latest
        version) or ``NAME@VERSION`` (no phase marked). An initiative of that name
        goes first. See :mod:`samenspraak.application.diagram`."""
        from samenspraak.application import diagram  # noqa: PLC0415 (imports the app)

        fmt = diagram.check_format(format)
        given: object = subject  # from Python, anything may come
        if not isinstance(given, str):
            msg = "subject: must be an initiative or a template (NAME or NAME@VERSION)."
            raise InvalidInput(msg)
        try:
            slug: str | None = REF.validate_python(subject)
        except ValidationError:
            slug = None

        def run() -> dict[str, Any] | None:
            self._catch_up()
            return self.state.document(str(initiative_id(slug))) if slug else None

        doc = self._run(run)
        if doc is None:
            try:
                process = diagram.template_for(subject, self.templates)
            except NotFound as error:
                text = str(error)
                if slug is not None and text.startswith("No template"):
                    text = f"There is no initiative called {slug}, and n{text[1:]}"
                raise NotFound(text) from None
            return diagram.render(process, fmt=fmt)
        pinned = doc["template"]
        process = diagram.template_of_initiative(
            pinned["name"],
            pinned["version"],
            [p["phase"] for p in doc["phases"]],
            content_hash=pinned.get("content_hash"),
            definition=pinned.get("definition"),
        )
        return diagram.render(process, doc["phase"], fmt=fmt)

    def stored_event_count(self) -> int:
        """How many events the record holds (counted: on PostgreSQL the log's
        positions can have gaps)."""
        return self._run(lambda: self.store.count_rows()[self.store.events_table])

    # --- The audit trail -------------------------------------------------------------

    def audit_head(self, initiative: str | None = None) -> Head:
        """The head of the global chain, or of one initiative's chain."""
        slug = ref("initiative", initiative) if initiative is not None else None

        def run() -> Head:
            self._catch_up()
            scope = None
            if slug is not None:
                scope = str(self._initiative_doc(slug)["initiative_id"])
            head = self.audit.head(scope)
            return head if head is not None else Head(0, GENESIS)

        return self._run(run)

    def audit_log(
        self,
        initiative: str,
        *,
        actor: str | None = None,
        event: str | None = None,
        since: datetime | str | None = None,
        until: datetime | str | None = None,
        plan: str | None = None,
        decision: str | None = None,
    ) -> list[v.AuditEntry]:
        """The audit trail of an initiative, filtered by actor, event, since, until,
        and by the plan or decision point the events are about."""
        slug = ref("initiative", initiative)
        who = ref("actor", actor) if actor is not None else None
        of_plan = ref("plan", plan) if plan is not None else None
        of_decision = ref("decision", decision) if decision is not None else None
        start, end = when("since", since), through("until", until)
        if start is not None and end is not None and start > end:
            msg = (
                "since: it is later than the end of the period asked for, so nothing "
                "can be between them."
            )
            raise InvalidInput(msg)
        given: object = event  # from Python, anything may come
        if given is not None and not (
            isinstance(given, str) and re.fullmatch(r"[A-Za-z]{1,60}", given)
        ):
            msg = "event: must be the name of an event, like ReactionAdded."
            raise InvalidInput(msg)
        if event is not None and event.lower() not in _EVENT_NAMES:
            msg = (
                f"event: no event is called {event}; the events are "
                f"{', '.join(sorted(set(_EVENT_NAMES.values())))}."
            )
            raise InvalidInput(msg)

        def run() -> list[v.AuditEntry]:
            doc = self._initiative_doc(slug)
            about = {doc["initiative_id"]: slug}
            about.update((k, p["slug"]) for k, p in doc["plans"].items())
            about.update((k, d["slug"]) for k, d in doc["decisions"].items())
            only: set[str] | None = None
            for items, wanted, what in (
                (doc["plans"], of_plan, "plan"),
                (doc["decisions"], of_decision, "decision point"),
            ):
                if wanted is not None:
                    ids = {k for k, item in items.items() if item["slug"] == wanted}
                    if not ids:
                        raise NotFound(self._missing(doc, what, wanted, None))
                    only = ids if only is None else only | ids
            # An erased stakeholder is named as the output shows them (erased- and
            # the start of their id); anyone else must be in the directory.
            erased = who is not None and who.startswith(ERASED_PREFIX)
            engine = who == SYSTEM_ACTOR  # what tick records
            actor_id = (
                who
                if engine
                else self._stakeholder(who)
                if who and not erased
                else None
            )
            rows = [
                row
                for row in self.audit.iter_rows(doc["initiative_id"])
                if (actor_id is None or row.actor == actor_id)
                and (only is None or row.aggregate_id in only)
                and (event is None or row.event.lower() == event.lower())
                and (start is None or row.recorded_at >= utc(start))
                and (end is None or row.recorded_at <= utc(end))
            ]
            concerned = self._stakeholders_concerned(rows)
            people = self._refs_of(
                [*(r.actor for r in rows if r.actor), *concerned.values()]
            )
            if erased:
                rows = [r for r in rows if _actor_ref(r.actor, people) == who]
            return [
                v.AuditEntry(
                    position=r.position,
                    recorded_at=r.recorded_at,
                    aggregate=r.aggregate_kind,
                    aggregate_id=r.aggregate_id,
                    about=about.get(r.aggregate_id, slug),
                    version=r.version,
                    event=r.event,
                    actor=_actor_ref(r.actor, people),
                    stakeholder=(
                        _ref_in(people, concerned[r.position])
                        if r.position in concerned
                        else None
                    ),
                    summary=r.summary,
                    content_hash=r.content_hash,
                    chain_hash=r.chain_hash,
                    initiative_chain_hash=r.initiative_chain_hash,
                )
                for r in rows
            ]

        return self._run(run)

    def cloud_events(
        self,
        *,
        source: str,
        initiative: str | None = None,
        after: int | str = 0,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """The record's events as CloudEvents notifications (version 1.0, in the
        form of the NL GOV profile), in log order: those after log position
        ``after``, at most ``limit`` (1 to 10,000), of one initiative or of all.
        ``source`` names this system, such as
        ``urn:nld:oin:00000001234567890000:systeem:samenspraak``. Each carries ids
        and hashes only (see :mod:`samenspraak.application.cloudevents`); a
        receiver pages on with the last one's ``sequence`` (a string of digits, as
        CloudEvents gives it, or that number) as ``after``."""
        position = cloudevents.checked_request(source, after, limit)
        slug = ref("initiative", initiative) if initiative is not None else None

        def run() -> list[dict[str, Any]]:
            self._catch_up()
            end = self.recorder.max_notification_id() or 0
            if position > end:
                msg = (
                    f"after: {position} lies beyond the end of the record's log "
                    f"({end}), so it is a position in another record, such as the "
                    "one this copy was replayed from; take the notifications again "
                    "from 0 and skip those whose id was taken already."
                )
                raise InvalidInput(msg)
            # Only what the process state holds too: another command may catch
            # the audit trail up alone meanwhile, past what the slugs are read of.
            upto = self.state.position()
            slugs: dict[str, dict[str, str]] = {}
            only = None
            if slug is not None:
                only = str(initiative_id(slug))
                slugs[only] = self.state.slugs(only)
                if not slugs[only]:
                    raise NotFound(f"There is no initiative called {slug}.")
            rows = self.audit.rows(
                initiative_id=only, after=position, until_position=upto, limit=limit
            )
            found = []
            for row in rows:
                owner = row.initiative_id or ""
                if owner not in slugs:
                    slugs[owner] = self.state.slugs(owner) if owner else {}
                found.append(cloudevents.cloud_event(row, source, slugs[owner]))
            return found

        return self._run(run)

    def zgw_audit_trail(
        self,
        initiative: str | None = None,
        *,
        hoofd_object: str,
        bron: str,
        applicatie_id: str = zgw.APPLICATIE,
        applicatie_weergave: str = zgw.APPLICATIE,
        after: int | str = 0,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """The audit trail as ZGW AuditTrail records, one per event, in log
        order: those after log position ``after``, at most ``limit`` (1 to
        10,000), of one initiative or of all. ``hoofd_object`` is the URL of the
        zaak kept for the process (an absolute http(s) URL), ``bron`` the ZGW
        component the trail is shown under (``zrc``, the Zaken API, or another
        of the schema's). Each carries ids, the one-line summary and hashes
        only (see :mod:`samenspraak.application.zgw`); a case system pages on
        with the last record's ``wijzigingen.nieuw.position`` as ``after``."""
        url, component, position = zgw.checked_request(
            hoofd_object,
            bron,
            applicatie_id=applicatie_id,
            applicatie_weergave=applicatie_weergave,
            after=after,
            limit=limit,
        )
        slug = ref("initiative", initiative) if initiative is not None else None

        def run() -> list[dict[str, Any]]:
            self._catch_up()
            end = self.recorder.max_notification_id() or 0
            if position > end:
                msg = (
                    f"after: {position} lies beyond the end of the record's log "
                    f"({end}), so it is a position in another record, such as the "
                    "one this copy was replayed from; take the records again from "
                    "0 and skip those whose uuid was taken already."
                )
                raise InvalidInput(msg)
            # Only what the process state holds too (see cloud_events).
            upto = self.state.position()
            known: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
            only = None
            if slug is not None:
                only = str(initiative_id(slug))
                slugs = self.state.slugs(only)
                if not slugs:
                    raise NotFound(f"There is no initiative called {slug}.")
                known[only] = (slugs, self.state.kinds(only))
            rows = self.audit.rows(
                initiative_id=only, after=position, until_position=upto, limit=limit
            )
            found = []
            for row in rows:
                owner = row.initiative_id or ""
                if owner not in known:
                    known[owner] = (
                        (self.state.slugs(owner), self.state.kinds(owner))
                        if owner
                        else ({}, {})
                    )
                slugs, kinds = known[owner]
                found.append(
                    zgw.audit_record(
                        row,
                        hoofd_object=url,
                        bron=component,
                        applicatie_id=applicatie_id,
                        applicatie_weergave=applicatie_weergave,
                        slugs=slugs,
                        kinds=kinds,
                    )
                )
            return found

        return self._run(run)

    def _stakeholders_concerned(self, rows: Sequence[AuditRow]) -> dict[int, str]:
        """Per position, the stakeholder an event is about (who joined, left, was
        added to or taken out of a group, gave a reaction, took a position, was
        erased, or asked for an intervention), read from the stored events: the
        trail keeps no one's reference."""
        wanted: dict[str, dict[int, int]] = {}
        for r in rows:
            if r.event in CONCERNING_A_STAKEHOLDER:
                wanted.setdefault(r.aggregate_id, {})[r.version] = r.position
        found: dict[int, str] = {}
        for aggregate, versions in wanted.items():
            for record in self.recorder.select_events(
                UUID(aggregate), gt=min(versions) - 1, lte=max(versions)
            ):
                position = versions.get(record.originator_version)
                if position is not None:
                    event = self.mapper.to_domain_event(record)
                    field = CONCERNING_A_STAKEHOLDER.get(type(event).__name__, "")
                    stakeholder = getattr(event, field, None)
                    if isinstance(stakeholder, str):
                        found[position] = stakeholder
        return found

    def verify_audit(
        self, head: str | Head | None = None, *, initiative: str | None = None
    ) -> v.Verification:
        """Recompute the chain from the event store and compare.

        Without ``head`` this checks that the recorded audit trail matches the event
        store (internal consistency: someone who can write the database can rewrite
        both). With a head published elsewhere (``POSITION:SHA256``) it proves that
        nothing up to that position changed. With ``initiative`` it checks that
        initiative's own chain (the head recorded when the council was informed, or
        printed in a report or an export, is one of those).
        """
        given: object = head  # from Python, anything may come
        if isinstance(head, str):
            try:
                head = Head.parse(head)
            except ValueError:
                raise InvalidInput(f"head: {HEAD_FORM}") from None
        elif given is not None and not (
            isinstance(given, Head) and given.is_well_formed()
        ):
            raise InvalidInput(f"head: {HEAD_FORM}")
        published = head
        slug = ref("initiative", initiative) if initiative is not None else None
        return self._run(lambda: self._verify(published, slug))

    def _verify(
        self, head: Head | None, initiative: str | None = None
    ) -> v.Verification:
        if head is not None and initiative is None:
            return self._verify_whole_record(head)
        noted = ""
        scope = str(initiative_id(initiative)) if initiative is not None else None
        if scope is not None and not self.recorder.select_events(UUID(scope), limit=1):
            raise NotFound(f"There is no initiative called {initiative}.")
        if scope is not None and head is not None:
            self._refuse_a_head_of_another_initiative(head, scope, str(initiative))
            here = self.audit.position_of_initiative_hash(scope, head.chain_hash)
            if here is not None and here != head.position:
                noted += (
                    f"The published head's hash is where {initiative}'s own chain "
                    f"reaches at position {here} of this record, not {head.position} "
                    "(a replayed copy numbers its log anew), so that chain was checked "
                    "up to there. "
                )
                head = Head(here, head.chain_hash)
        return self._checked(head, initiative, scope, noted)

    def _verify_whole_record(self, head: Head) -> v.Verification:
        """A head given without an initiative is the whole record's. Only a chain
        recomputed from the event store decides; the audit trail, which whoever
        can write the database can rewrite too, only says where to look: at
        another position (a replayed copy numbers its log anew), or that the head
        is an initiative's own, which then has to be named."""
        result = self._checked(head, None, None, "")
        if result.intact:
            return result
        moved = self.audit.position_of_hash(head.chain_hash)
        if moved is not None and moved != head.position:
            noted = (
                f"The published head's hash is where the whole record's chain reaches "
                f"at position {moved} of this record, not {head.position} (a replayed "
                "copy numbers its log anew), so it was checked up to there. "
            )
            return self._checked(Head(moved, head.chain_hash), None, None, noted)
        if moved is not None:  # the whole record's head, and the record changed
            return result
        owner = self.audit.initiative_ending_in(head.chain_hash)
        doc = self.state.document(owner) if owner is not None else None
        if doc is not None:
            msg = (
                f"The head {head} is not the whole record's: the audit trail has it "
                f"as {doc['slug']}'s own chain head (as reports, exports and the "
                f"council's records give); verify it with --initiative {doc['slug']}."
            )
            raise InvalidInput(msg)
        return result

    def _checked(
        self,
        head: Head | None,
        initiative: str | None,
        scope: str | None,
        noted: str,
    ) -> v.Verification:
        """The chain (the whole record's, or ``scope``'s) recomputed from the event
        store against ``head``, and the directory and texts against the events."""
        texts = TextCheck(self.store, self.mapper)
        with self._texts_apart(scope) as apart:
            began = time.monotonic()
            result = verify_chain(
                self.recorder,
                self.audit,
                head,
                initiative_id=scope,
                mapper=self.mapper,
                keep_topics=IDENTITY_TOPICS,
                # The texts of events appended since the other process started
                # are checked here, in the same pass.
                checks=[texts] if apart is None else [_After(apart.upto, texts)],
            )
            if apart is not None:
                # As long again as the chain took, and a minute more: a process
                # that hangs (waiting for a lock) is ended, and the texts are
                # checked here instead.
                checked = apart.result(within=60 + 2 * (time.monotonic() - began))
                if checked is None:  # the other process failed: check them here
                    before = TextCheck(self.store, self.mapper)
                    checked = TextsChecked(
                        check_the_log(self.recorder, [before], apart.upto),
                        before.checked,
                        tuple(before.emptied),
                    )
                result = _with_the_texts(result, texts, checked)
        bad_at, problem = result.first_bad_position, result.problem
        proves = noted + result.proves
        if result.intact:
            found = self._integrity_problem(result.kept, texts)
            if found is not None:
                bad_at, problem = found
            else:
                proves += (
                    " The directory's references and names match the identities the "
                    "events commit to, and the texts kept match the commitments the "
                    f"events hold ({texts.checked:,} references checked)."
                )
        return v.Verification(
            intact=problem is None,
            checked=result.checked,
            first_bad_position=bad_at,
            problem=problem,
            head=str(result.head),
            published_head=str(head) if head else None,
            proves=proves if problem is None else result.proves,
            initiative=initiative,
            texts_checked=texts.checked,
        )

    @contextmanager
    def _texts_apart(self, scope: str | None) -> Iterator[_TextsApart | None]:
        """For the whole record of a large log in a file or on PostgreSQL: the
        texts checked in a process of its own (on another core) while this one
        recomputes the chain; None when they are checked in the same pass."""
        upto = self.recorder.max_notification_id() if scope is None else None
        if upto is None or upto < TEXTS_APART_FROM or not self._reopenable():
            yield None
            return
        apart = _TextsApart(self._opened_with, upto)  # (ended if this raises)
        try:
            yield apart
        finally:
            apart.stop()

    def _reopenable(self) -> bool:
        """Whether another process can open this record with the settings this
        instance was made with: a file or a PostgreSQL database, not memory; and
        this program runs on a Python interpreter that can start it (a server
        that embeds Python, such as uWSGI, names itself as the executable)."""
        if PYTHON.fullmatch(os.path.basename(sys.executable or "")) is None:
            return False
        given = self._opened_with
        if given.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
            return True
        name = given.get("SQLITE_DBNAME", "")
        return (
            bool(name)
            and ":memory:" not in name
            and "mode=memory" not in name
            # A file named by a path of its own: another process that started
            # elsewhere finds it (a relative file: URI it would look for there).
            and os.path.isabs(unquote(name.removeprefix("file:").split("?")[0]))
        )

    def _integrity_problem(
        self, records: Sequence[tuple[int, str, int, str, bytes]], texts: TextCheck
    ) -> tuple[int, str] | None:
        """Once a chain is intact and its texts checked: the directory against the
        identities (``records`` of :data:`IDENTITY_TOPICS`), then every text
        without a body against the erasures recorded.

        The directory and the texts are read after the events, so an erasure or a
        correction recorded meanwhile (by another command, in one transaction with
        the directory and its texts) shows there before its event was read. So
        before a difference is called a problem, the erasures and corrections are
        read again, to the end of the log, and the check is made with them (again,
        while more are recorded)."""
        erasures: list[tuple[int, str, int, str, bytes]] = []
        for _ in range(3):
            found = self._directory_problem([*records, *erasures]) or (
                texts.unexplained(self._erased_with_texts([*records, *erasures]))
            )
            if found is None:
                return None
            again = self._erasure_records()
            if len(again) == len(erasures):
                return found
            erasures = again
        return found

    def _erasure_records(self) -> list[tuple[int, str, int, str, bytes]]:
        """Every recorded erasure and correction in the log, as the chain's
        records."""
        found: list[tuple[int, str, int, str, bytes]] = []
        after = 0
        while True:
            page = self.recorder.select_notifications(
                start=after,
                limit=PAGE,
                topics=[ERASURE_TOPIC, CORRECTION_TOPIC],
                inclusive_of_start=False,
            )
            found += [
                (n.id, n.originator_id.hex, n.originator_version, n.topic, n.state)
                for n in page
                if isinstance(n.originator_id, UUID)
            ]
            if len(page) < PAGE:
                return found
            after = page[-1].id

    def _erased_with_texts(
        self, records: Iterable[tuple[int, str, int, str, bytes]]
    ) -> set[str]:
        """The stakeholders whose texts a recorded erasure emptied, from these
        records (of :data:`IDENTITY_TOPICS`)."""
        found = set()
        for _, ident, version, topic, state in records:
            if topic.endswith(".PersonalDataErased"):
                stored = StoredEvent(UUID(ident), version, topic, as_bytes(state))
                event = self.mapper.to_domain_event(stored)
                if getattr(event, "with_texts", False):
                    found.add(str(getattr(event, "stakeholder", "")))
        return found

    def _directory_problem(
        self, records: Iterable[tuple[int, str, int, str, bytes]]
    ) -> tuple[int, str] | None:
        """The first directory row whose reference or name differs from the
        latest identity text the events (``records``, of :data:`IDENTITY_TOPICS`)
        commit to for that stakeholder (by position: a correction of the name
        commits to it anew), or that still names someone whose identity was
        erased, as (position of that event, problem). Every identity text, also
        one a correction followed, must still be what its event commits to."""
        found, erased, corrected = self._identity_commitments(records)
        latest: dict[str, tuple[int, str]] = {}
        for position, person, sealed in found:
            if person not in latest or position >= latest[person][0]:
                latest[person] = (position, sealed.id)
        texts = self.store.select_texts([t.id for *_, t in found])
        people = self.store.select_stakeholders(sorted({p for _, p, _ in found}))
        for position, person, sealed in found:
            row, text = people.get(person), texts.get(sealed.id)
            named = row.ref if row is not None else person
            emptied = text is not None and text.body is None and text.salt is None
            if (
                emptied
                and corrected.get(person, -1) > position
                and person not in erased
            ):
                continue  # the name it held was corrected since, and emptied with it
            if text is None or text.body is None or text.salt is None:
                if person not in erased:
                    problem = (
                        f"The identity of {named} was erased, but no erasure of "
                        "theirs is recorded."
                    )
                    return position, problem
                if row is not None and not (
                    row.ref in erased_names(person) and row.name is None
                ):
                    problem = f"The directory names {named}, whose identity was erased."
                    return position, problem
                continue
            try:
                changed = commitment(text.salt, text.body) != sealed.sha256
            except ValueError:  # a salt that is not hexadecimal
                changed = True
            if changed:
                problem = f"The identity text of {named} was changed."
                return position, problem
            if person in erased:  # an erasure empties every identity of theirs
                problem = (
                    f"The identity of {named} is kept, though the erasure of their "
                    "personal data is recorded."
                )
                return position, problem
            if latest[person][1] != sealed.id:
                continue  # a correction of the name followed it
            if row is None or text.body != identity_body(row.ref, row.name):
                problem = (
                    f"The directory gives {named} another reference or name than "
                    "the identity the events commit to."
                )
                return position, problem
        return None

    def _identity_commitments(
        self, records: Iterable[tuple[int, str, int, str, bytes]]
    ) -> tuple[list[tuple[int, str, TextRef]], set[str], dict[str, int]]:
        """The identity texts these records commit to, as (position, stakeholder,
        text), the stakeholders whose erasure they record, and the position of
        the last correction of each one's name they record."""
        fields = (
            ("facilitator_identity", "facilitator"),
            ("identity", "stakeholder"),
            ("actor_identity", "actor"),
        )
        found: list[tuple[int, str, TextRef]] = []
        erased: set[str] = set()
        corrected: dict[str, int] = {}
        for position, ident, version, topic, state in records:
            stored = StoredEvent(UUID(ident), version, topic, as_bytes(state))
            event = self.mapper.to_domain_event(stored)
            for field_name, who in fields:
                sealed = getattr(event, field_name, None)
                if isinstance(sealed, TextRef):
                    found.append((position, str(getattr(event, who)), sealed))
            if topic.endswith(".PersonalDataErased"):
                erased.add(str(getattr(event, "stakeholder", "")))
            if topic.endswith(".IdentityCorrected"):
                person = str(getattr(event, "stakeholder", ""))
                corrected[person] = max(position, corrected.get(person, position))
        return found, erased, corrected

    def _refuse_a_head_of_another_initiative(
        self, head: Head, scope: str, initiative: str
    ) -> None:
        """A head given with ``--initiative`` that the trail records as another
        initiative's cannot be checked against this one (rather than reported as
        tampering)."""
        rows = self.audit.rows(after=head.position - 1, until_position=head.position)
        if (
            rows
            and rows[0].chain_hash == head.chain_hash
            and rows[0].initiative_chain_hash != head.chain_hash
        ):
            msg = (
                f"The head {head} is the whole record's, not {initiative}'s own chain "
                "head; verify it without naming the initiative."
            )
            raise InvalidInput(msg)
        if not rows or rows[0].initiative_id in (None, scope):
            return
        owner = self.state.document(rows[0].initiative_id)
        if owner is None or rows[0].initiative_chain_hash != head.chain_hash:
            return
        msg = (
            f"The head {head} is {owner['slug']}'s, not {initiative}'s; verify it "
            f"with --initiative {owner['slug']}."
        )
        raise InvalidInput(msg)

    # --- Export and replay -----------------------------------------------------------

    def export_initiative(
        self, initiative: str, path: str | os.PathLike[str]
    ) -> v.ExportSummary:
        """Write one initiative's record to a new bundle file (a ZIP): its stored
        events exactly as stored, the texts they refer to, the names of the people
        in them (never contact details) and a manifest with its chain head. See
        :mod:`samenspraak.application.bundle`."""
        from samenspraak.application import bundle  # noqa: PLC0415 (imports the app)

        slug = ref("initiative", initiative)
        target = a_path("path", path)

        return self._run(lambda: bundle.export_initiative(self, slug, target))

    @classmethod
    def replay(
        cls,
        bundle: str | os.PathLike[str],
        db: str | os.PathLike[str] | None = None,
        *,
        head: str | Head | None = None,
        earlier_head: str | Head | None = None,
    ) -> v.ReplaySummary:
        """Rebuild a bundle's initiative in a new, empty database ``db`` (as for
        :meth:`open`), after verifying the whole bundle. With ``head``, the bundle
        must end at that published head; with ``earlier_head`` (one published
        before the export, such as the head recorded when the council was
        informed), its chain must pass through it, and the summary says how many
        events came after. Open ``db`` afterwards to read it."""
        from samenspraak.application import bundle as bundles  # noqa: PLC0415

        return bundles.replay_bundle(
            a_path("bundle", bundle),
            a_path("db", db) if db is not None else None,
            head=head,
            earlier_head=earlier_head,
            engine=cls,
        )

    # --- Query helpers ---------------------------------------------------------------

    def _catch_up(self) -> None:
        self._catch_up_views(self.views)

    def _catch_up_views(self, views: Sequence[BaseView]) -> dict[str, int]:
        """Bring these views up to date. Opened read-only, nothing can be written:
        views that are behind are said to be, before anything is tried.

        The first time an instance catches views up, every view built with another
        logic version than this release's (by an earlier release) is rebuilt
        first (see :meth:`_rebuild_outdated_views`); and again whenever a batch
        finds a view built with another logic version since (another version of
        samenspraak on the same database rebuilt it): the batch is not written,
        so rows of two logics never share a view."""
        self.store.release_when_pending()
        for _ in range(OTHER_LOGIC_TRIES - 1):
            try:
                return self._catch_up_once(views)
            except BuiltWithOtherLogic:
                self._logic_checked = False
        try:
            return self._catch_up_once(views)
        except BuiltWithOtherLogic as other:
            raise StorageError(_rebuilt_meanwhile(str(other))) from None

    def _catch_up_once(self, views: Sequence[BaseView]) -> dict[str, int]:
        rebuilt = {} if self._logic_checked else self._rebuild_outdated_views()
        if self.read_only:
            end = self.recorder.max_notification_id() or 0
            if any(view.position() < end for view in views):
                raise StorageError(BEHIND_READ_ONLY)
            return {view.view_name: 0 for view in views}
        try:
            applied = catch_up_all(self.recorder, self.mapper, views)
        except PersistenceError as error:
            cause = error.__cause__ or error.__context__
            if getattr(cause, "sqlstate", None) == "42P01" and VERSIONS_TABLE in str(
                cause
            ):  # an empty view's first rows, in a record of an earlier release
                raise StorageError(VERSIONS_TABLE_MISSING) from None
            raise
        return {name: count + rebuilt.get(name, 0) for name, count in applied.items()}

    def _rebuild_outdated_views(self) -> dict[str, int]:
        """Rebuild, from the log, every view whose rows were built with another
        logic version than its own (a release changed what it computes from the
        events), recording the version in the same transaction; done once per
        instance. Returns how many events each view rebuilt applied (they are
        noted in :attr:`rebuilt_views`). Rebuilding the audit trail re-chains it,
        so it is refused on a record that no longer matches its trail. Two
        processes that upgrade at once take turns at the views' positions, and
        the second finds the work done. Read-only, nothing can be rebuilt: that
        is said in words."""
        applied: dict[str, int] = {}
        with self._checking_logic:
            if self._logic_checked:
                return applied
            outdated = [view for view in self.views if view.is_outdated()]
            if outdated and self.read_only:
                raise StorageError(_outdated_read_only(outdated))
            if self.audit in outdated:
                self._refuse_a_tampered_rebuild(
                    f"The view {self.audit.view_name} was built by an earlier "
                    "version of samenspraak and is rebuilt before it is read. "
                )
            if outdated:
                try:
                    applied = rebuild_all(
                        self.recorder, self.mapper, outdated, outdated_only=True
                    )
                except PersistenceError as error:
                    cause = error.__cause__ or error.__context__
                    if getattr(cause, "sqlstate", None) in {"42501", "42P01"}:
                        raise StorageError(_outdated_not_ours(outdated)) from None
                    raise
            self.rebuilt_views = tuple(applied)
            self._logic_checked = True
            return applied

    def _initiative_doc(self, slug: str) -> dict[str, Any]:
        self._catch_up()
        doc = self.state.document(str(initiative_id(slug)))
        if doc is None:
            raise NotFound(f"There is no initiative called {slug}.")
        return doc

    def _document(
        self, slug: str, moment: datetime | None, until: datetime | None = None
    ) -> dict[str, Any]:
        """The initiative's document now, or as it stood at ``moment`` (with what
        was recorded up to ``until``, the end of the minute or second written)."""
        if moment is None:
            return self._initiative_doc(slug)
        # As it stood: only the initiative's trail up to the moment is read (its
        # current document, every reaction in it, is not needed).
        self._catch_up()
        scope = str(initiative_id(slug))
        if not self.state.slugs(scope):
            raise NotFound(f"There is no initiative called {slug}.")
        at = utc(until or moment)
        # The log as it stood: up to the first event recorded after the moment. A
        # clock set back may have logged a later event with an earlier time; it
        # is left out with what came before it, so the state is one the record
        # passed through (no reaction to a version not shown yet).
        entries = list(
            itertools.takewhile(
                lambda r: r.recorded_at <= at, self.audit.iter_rows(scope)
            )
        )
        if not entries:
            msg = f"{slug} had not started yet at {shown(moment)}."
            raise NotFound(msg)
        replayed = new_document(scope)
        last_versions: dict[str, int] = {}
        for entry in entries:
            last_versions[entry.aggregate_id] = entry.version
        stored = {
            (aggregate, record.originator_version): record
            for aggregate, version in last_versions.items()
            for record in self.recorder.select_events(UUID(aggregate), lte=version)
        }
        owners: dict[str, str] = {}
        for entry in entries:
            record = stored[(entry.aggregate_id, entry.version)]
            event = self.mapper.to_domain_event(record)
            self.state_projector.initiative_of(event, entry.aggregate_kind, owners)
            self.state_projector.apply(replayed, event, record.topic, entry.position)
        if replayed["slug"] is None:
            msg = f"{slug} had not started yet at {shown(moment)}."
            raise NotFound(msg)
        return replayed

    def _missing(
        self, doc: dict[str, Any], what: str, slug: str, moment: datetime | None
    ) -> str:
        if moment is None:
            return f"{doc['slug']} has no {what} called {slug}."
        return f"{doc['slug']} had no {what} called {slug} at {shown(moment)}."

    def _resolvers(
        self, part: dict[str, Any]
    ) -> tuple[reading.Texts, reading.People, reading.Texts]:
        texts = self._texts(reading.text_ids(part))
        people = self._refs_of(reading.person_ids(part))

        def text(text_id: str | None) -> str | None:
            return texts.get(text_id) if text_id else None

        def person(stakeholder_id: str) -> str:
            return _ref_in(people, stakeholder_id)

        def name(stakeholder_id: str | None) -> str | None:
            row = people.get(stakeholder_id) if stakeholder_id else None
            return row.name if row else None

        return text, person, name

    def _texts(self, ids: Iterable[str]) -> dict[str, str | None]:
        """The bodies of these texts; an erased or missing text is ``None``."""
        wanted = list(dict.fromkeys(ids))
        rows = self.store.select_texts(wanted)
        return {i: (rows[i].body if i in rows else None) for i in wanted}

    def _refs_of(self, stakeholder_ids: Iterable[str]) -> dict[str, StakeholderRow]:
        ids = list(dict.fromkeys(stakeholder_ids))
        return self.store.select_stakeholders(ids)


def _response(
    row: dict[str, Any],
    texts: dict[str, str | None],
    people: dict[str, StakeholderRow],
    *,
    late: bool = False,
    origin: str | None = None,
    given_at: str | None = None,
) -> v.ResponseEntry:
    """One reaction of the response report; ``origin`` is the id of the text that
    names the platform comment it was imported from, if any, and ``given_at`` when
    it was given, as the process state keeps it, where that is not when it was
    recorded."""

    def who(stakeholder_id: str | None) -> str | None:
        return _ref_in(people, stakeholder_id) if stakeholder_id else None

    def text(text_id: str | None) -> str | None:
        return texts.get(text_id) if text_id is not None else None

    outcome = (
        "withdrawn"
        if row["withdrawn"]
        else row["answer"] or ("late" if late else "unanswered")
    )
    # The view keeps who withdrew a reaction where it keeps who answered one (an
    # answered reaction is never withdrawn).
    dealt_at = (
        datetime.fromisoformat(row["answered_at"]) if row["answered_at"] else None
    )
    return v.ResponseEntry(
        plan=row["plan"],
        reaction=row["reaction"],
        version=row["version"],
        stakeholder=who(row["stakeholder"]) or "",
        stance=row["stance"],
        channel=row["channel"],
        section=text(row["section"]),
        meeting=row["meeting"],
        text=text(row["text"]),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        outcome=outcome,
        answer_version=row["answer_version"],
        answer_text=text(row["answer_text"]),
        answered_by=None if row["withdrawn"] else who(row["answered_by"]),
        answered_at=None if row["withdrawn"] else dealt_at,
        withdrawn_by=who(row["answered_by"]) if row["withdrawn"] else None,
        withdrawn_at=dealt_at if row["withdrawn"] else None,
        late=late,
        origin=text(origin),
        origin_erased=origin is not None and text(origin) is None,
        given_at=(  # in UTC, as the view's other times
            datetime.fromisoformat(given_at).astimezone(UTC) if given_at else None
        ),
    )


@dataclass
class _Importing:
    """What an import of a platform's comments works on, and has done so far."""

    cmd: c.ImportDecidimComments | c.ImportConsulComments
    actor: str
    initiative: Initiative
    plan: Plan
    doc: dict[str, Any]
    """The initiative's process state: its phases and reaction periods."""
    use_case: str
    """The import (``import_decidim_comments``), as permissions name it."""
    texts: _Pending = field(init=False)
    people: dict[str, StakeholderRow] = field(default_factory=dict)
    """The stakeholders of the comments so far, by reference."""
    new: dict[str, StakeholderRow] = field(default_factory=dict)
    """Those it puts in the directory."""
    acting: list[str] = field(default_factory=list)
    """Those who must not be erased while it saves: the facilitator, and those
    in the directory it brings into the initiative."""
    joined: list[str] = field(default_factory=list)
    stances: dict[int, Stance] = field(init=False)
    """The stance of each alignment: in favour, against, neither."""

    def __post_init__(self) -> None:
        self.texts = _Pending(str(self.initiative.id))
        self.acting.append(self.actor)
        self.stances = {1: Stance.SUPPORT, -1: Stance.OBJECTION, 0: self.cmd.neutral}


def _identity_of(
    texts: _Pending, person: StakeholderRow, *, new: bool
) -> TextRef | None:
    """The sealed identity of a stakeholder an import brings in: as
    :meth:`Samenspraak._identity` for one in the directory; for one it puts there,
    sealed without the check that the directory still holds it (it is written in
    the same transaction)."""
    if person.ref.startswith(ERASED_PREFIX):
        return None
    if not new:
        return texts.seal_identity(person.id, person.ref, person.name)
    return texts.seal(IDENTITY, identity_body(person.ref, person.name))


def _import_refused(
    refused: Sequence[tuple[PlatformComment, SamenspraakError]],
) -> SamenspraakError:
    """One sentence for an import that records nothing: the first comment refused,
    by its line, with why, and the lines of the others."""
    comment, error = refused[0]
    msg = f"Nothing was imported: line {comment.line} (comment {comment.id}): {error}"
    others = [str(x.line) for x, _ in refused[1:]]
    if others:
        shown = ", ".join(others[:10])
        if len(others) > 10:
            shown += f" and {len(others) - 10} more"
        msg += (
            f" {counted(len(others), 'other comment was', 'other comments were')} "
            f"refused too (line{'s' if len(others) > 1 else ''} {shown})."
        )
    if any(
        x.platform == "consul"
        and x.kind is StakeholderKind.CIVIL_SERVANT
        and getattr(e, "rule", None) == rules.society_decides_first.name
        for x, e in refused
    ):
        msg += (
            " To leave the comments of public employees out, import with "
            "leave_out_civil_servants (--leave-out-civil-servants)."
        )
    late = rules.a_late_reaction_is_refused.name
    if any(getattr(e, "rule", None) == late for _, e in refused):
        msg += (
            " To record comments posted after the reaction period as received "
            "late, import with late (--late)."
        )
    if isinstance(error, NotAllowed):
        return NotAllowed(msg, error.rule)
    return type(error)(msg)


AN_ERASED_AUTHORS_COMMENTS_ARE_NOT_IMPORTED_AGAIN = (
    "an_erased_authors_comments_are_not_imported_again"
)


@dataclass
class _OriginsLost:
    """Reactions imported from a platform's comments that an import cannot
    recognise any more, counted by initiative (slug): ``erased``, whose origin
    was erased with the texts of whoever posted the comment; ``unrecognised``,
    whose origin is kept but whose author was erased without their texts."""

    erased: dict[str, int] = field(default_factory=dict)
    unrecognised: dict[str, int] = field(default_factory=dict)


def _erased_not_left_out(lost: _OriginsLost) -> NotAllowed:
    """An import that would record comments in a record some of whose imported
    reactions (in any initiative, on any plan) lost their origin in an erasure
    (``erased``): their comments are not recognised, so one still in the export
    would bring back what was erased; or are from someone erased without their
    texts (``unrecognised``): their comments are, but not their reference, so a
    new comment of theirs would register them again."""
    counts = lost.erased or lost.unrecognised
    where = listed(list(counts))
    were = counted(
        sum(counts.values()),
        f"reaction in {where} was imported from a comment",
        f"reactions in {where} were imported from comments",
    )
    if lost.erased:
        why = (
            f"{were} whose origin was erased since, with the texts of whoever "
            "posted it, so such a comment is not recognised any more and would be "
            "recorded again"
        )
    else:
        why = (
            f"{were} of someone erased since, whom an import does not recognise any "
            "more: a new comment of theirs would register them again with the name "
            "the platform gives"
        )
    msg = (
        f"Nothing was imported: {why}; leave the rows of whoever was erased out of "
        "the export, then import with erased_left_out (--erased-left-out)."
    )
    return NotAllowed(msg, AN_ERASED_AUTHORS_COMMENTS_ARE_NOT_IMPORTED_AGAIN)


def _identities_of(documents: Iterable[dict[str, Any]], person: str) -> list[str]:
    """The ids of the identity texts sealed for ``person`` in these documents."""
    return [
        text_id
        for d in documents
        for text_id in [
            *d["stakeholders"].get(person, {}).get("identities", []),
            *d.get("other_identities", {}).get(person, []),
        ]
    ]


def _took_part(document: dict[str, Any], person: str) -> bool:
    """The person took part in the initiative, or their identity is sealed in it
    (a facilitator of another initiative who asked for an erasure there)."""
    return person in document["stakeholders"] or person in document.get(
        "other_identities", {}
    )


def _their_facilitators(documents: Iterable[dict[str, Any]], person: str) -> set[str]:
    """The facilitators of the initiatives the person took part in: who may ask
    for their erasure or correction, besides the person themselves."""
    return {d["facilitator"] for d in documents if person in d["stakeholders"]}


def _takes_part(document: dict[str, Any], person: str) -> bool:
    """An open initiative the person takes part in, and does not facilitate."""
    return (
        not document["closed"]
        and document["stakeholders"].get(person, {}).get("active", False)
        and document["facilitator"] != person
    )


class _TextsApart:
    """The texts of the log up to position ``upto`` checked by another Python
    process (``python -P -m samenspraak.application.integrity``), which opens the
    same record: a plain process, so that nothing of the program that embeds the
    engine is run again there. When it fails, :meth:`result` gives None and the
    texts are checked in this process instead."""

    def __init__(self, env: Mapping[str, str], upto: int) -> None:
        self.upto = upto
        self.process: subprocess.Popen[str] | None = None
        try:
            self.process = subprocess.Popen(
                # -P: not the working folder first on its path, where a module
                # of the embedding program could stand in for one it imports.
                [sys.executable, "-P", "-m", "samenspraak.application.integrity"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps({"settings": dict(env), "upto": upto}))
            self.process.stdin.close()
        except OSError:
            self.stop()
        except BaseException:  # interrupted: the process does not outlive this
            self.stop()
            raise

    def result(self, within: float) -> TextsChecked | None:
        """What the other process found; None when it failed, did not answer
        ``within`` seconds (it is ended), or did not read the log up to ``upto``
        (it opened another record than this one)."""
        if self.process is None:
            return None
        deadline = threading.Timer(within, self.process.kill)
        deadline.start()
        try:
            assert self.process.stdout is not None
            out = self.process.stdout.read()
            if self.process.wait() != 0:
                return None
            checked = TextsChecked.from_json(out)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None
        finally:
            deadline.cancel()
        if checked.found is None and checked.last != self.upto:
            return None
        return checked

    def stop(self) -> None:
        """End the other process if it still runs (the check stopped early), and
        close the pipes to it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()


class _Replayed:
    """The process state of one initiative, replayed from its records as
    :func:`verify_chain` finds them intact (a page at a time, in log order), up to
    a moment if given (UTC, as the events' own times are compared): the document a
    report is built from, and the head of the initiative's chain at the last
    record it holds. Finds no problem itself."""

    def __init__(self, app: Samenspraak, initiative: str, until: str | None) -> None:
        self.mapper = app.mapper
        self.projector = app.state_projector
        self.until = until
        self.document = new_document(initiative)
        self.owners: dict[str, str] = {}
        self.link = ChainLink().next
        self.chain = bytes(32)
        self.head = Head(0, GENESIS)
        self.ended = False

    def page(self, records: Sequence[Record]) -> tuple[int, str] | None:
        for at, ident, version, topic, state in records:
            if self.ended:
                return None
            self.chain = self.link(self.chain, ident, version, topic, state)
            event: Any = self.mapper.to_domain_event(
                StoredEvent(UUID(ident), version, topic, as_bytes(state))
            )
            if self.until is not None and utc(event.timestamp) > self.until:
                # The first record after the moment ends the records it held, also
                # when a clock set back gave later ones an earlier time.
                self.ended = True
                return None
            kind, _ = kind_of_topic(topic)
            self.projector.initiative_of(event, kind, self.owners)
            self.projector.apply(self.document, event, topic, at)
            self.head = Head(at, self.chain.hex())
        return None


class _After:
    """A check of only the records after position ``upto``."""

    def __init__(self, upto: int, check: TextCheck) -> None:
        self.upto = upto
        self.check = check

    def page(self, records: Sequence[Record]) -> tuple[int, str] | None:
        later = [r for r in records if r[0] > self.upto]
        return self.check.page(later) if later else None


PYTHON = re.compile(r"(python|pypy)[0-9.]*(\.exe)?", re.IGNORECASE)
"""What a Python interpreter's executable is called."""

TEXTS_APART_FROM = 100_000
"""From this many events in the log, ``audit verify`` of the whole record checks
the texts in a process of its own while it recomputes the chain."""


def _with_the_texts(
    chain: ChainCheck, texts: TextCheck, apart: TextsChecked
) -> ChainCheck:
    """The chain's check with what the texts' check in the other process found:
    the texts' first problem comes first when it lies before the chain's (as
    when both are checked page by page in one pass), and ``texts`` takes its
    counts and the texts found without a body."""
    texts.checked += apart.checked  # (those after the other process's end)
    texts.emptied[:0] = apart.emptied
    if apart.found is None:
        return chain
    at, problem = apart.found
    if chain.intact or (
        chain.first_bad_position is not None and at < chain.first_bad_position
    ):
        return dataclasses.replace(
            chain, intact=False, first_bad_position=at, problem=problem, proves=""
        )
    return chain


CONCERNING_A_STAKEHOLDER = {
    "StakeholderJoined": "stakeholder",
    "StakeholderLeft": "stakeholder",
    "MemberAdded": "stakeholder",
    "MemberRemoved": "stakeholder",
    "ReactionAdded": "stakeholder",
    "ReactionReceivedLate": "stakeholder",
    "PositionTaken": "stakeholder",
    "PersonalDataErased": "stakeholder",
    "IdentityCorrected": "stakeholder",
    "FacilitatorIntervened": "requested_by",
    "InterventionCorrected": "requested_by",
}
"""Events about a stakeholder besides the one who gave the command, and the field
that names them."""

DISK_FULL = (
    "The disk that holds the database is full, so nothing was recorded: make room "
    "on it and give the command again."
)
BUSY = (
    "The database was busy: another process or command (a rebuild of the views, "
    "perhaps, or a command that has the record to itself) kept it locked for "
    "longer than the engine waits for it. Try again; a command that "
    "records in steps (tick) may have recorded some of them, which a read command "
    "shows."
)

OWNER_CLOSED = (
    "This database is read-only here, and is read here only while its owner has it "
    "open; its owner closed it meanwhile. Try again while it is open, or read a "
    "copy in a folder you can write to."
)

READ_ONLY_RECORDS_NOTHING = (
    "This database is read-only here: commands that record something (and "
    "rebuilding the views) write into it; copy it to a folder you can write to."
)

BEHIND_READ_ONLY = (
    "This database is read-only here and its views are behind its events, so they "
    "cannot be caught up here: have someone who may write it catch them up "
    "(samenspraak projections catch-up), or read a copy in a folder you can write "
    "to."
)


def _wait_after_collision(attempt: int) -> None:
    """Writers that collided would collide again if they retried at once: a short
    random wait lets one of them go first, twice as long at most after each
    collision. From the try :data:`ALONE_FROM` on a command has the record to
    itself and collides no more, unless the turn among instances could not be had
    (PostgreSQL had no connection left for it) or a writer takes no turns."""
    time.sleep(random.uniform(0, RETRY_WAIT * 2 ** (attempt - 1)))


OTHER_LOGIC_TRIES = 3
"""How many times views are checked, rebuilt and caught up when another version
of samenspraak keeps rebuilding them with its own logic meanwhile."""


def _rebuilt_meanwhile(view: str) -> str:
    return (
        f"The view {view} keeps being rebuilt by another version of samenspraak "
        "that uses the same database; run one version at a time, then catch the "
        "views up (samenspraak projections catch-up)."
    )


VERSIONS_TABLE_MISSING = (
    f"The table {VERSIONS_TABLE}, which this version of samenspraak keeps beside "
    "the views, is missing, and this database user may not create it: have someone "
    "who may create the record's tables open the record once with this version "
    "(samenspraak projections status does)."
)
"""A record of an earlier release on PostgreSQL, opened by a user who may only use
its tables, whose views record their first rows."""


def _changed_outside(view_name: str) -> str:
    return (
        f"The view {view_name} cannot be read: it was changed outside the engine; "
        "rebuild the views (samenspraak projections rebuild)."
    )


def _why_it_differs(view: BaseView) -> str:
    """Why a view differs from the one built again from the events: built with
    another logic version, or changed outside the engine."""
    built_with = view.built_with()
    if built_with != view.logic_version:
        return (
            f"it was built with logic version {built_with} of this view, by another "
            f"version of samenspraak, and this one builds version "
            f"{view.logic_version}; the first command that reads the views rebuilds "
            "it (or samenspraak projections rebuild)."
        )
    return (
        "it was changed outside the engine; rebuild the views (samenspraak "
        "projections rebuild)."
    )


def _outdated_read_only(outdated: Sequence[BaseView]) -> str:
    """Views built by an earlier release, in a record read-only here."""
    subject, it_lacks, _ = _named(outdated)
    return (
        f"This database is read-only here and {subject} built by an earlier version "
        f"of samenspraak, so {it_lacks} what this version computes from the events "
        "and cannot be rebuilt here: have someone who may write it run samenspraak "
        "projections rebuild with this version, or read a copy in a folder you can "
        "write to."
    )


def _outdated_not_ours(outdated: Sequence[BaseView]) -> str:
    """Views built by an earlier release, and a database user who may not write
    them (PostgreSQL)."""
    subject, it_lacks, it = _named(outdated)
    return (
        f"{subject[0].upper()}{subject[1:]} built by an earlier version of "
        f"samenspraak, so {it_lacks} what this version computes from the events, "
        f"and this database user may not rebuild {it}: have someone who may write "
        "the record's views (and create its tables) run samenspraak projections "
        "rebuild with this version."
    )


def _named(views: Sequence[BaseView]) -> tuple[str, str, str]:
    """``the view X was``, ``it lacks`` and ``it``, or the same of several."""
    names = [view.view_name for view in views]
    if len(names) == 1:
        return f"the view {names[0]} was", "it lacks", "it"
    listed = f"{', '.join(names[:-1])} and {names[-1]}"
    return f"the views {listed} were", "they lack", "them"


def _as_of(view: M, moment: datetime | None) -> M:
    """A view as of a moment says which (in UTC, however the moment was written)."""
    if moment is None:
        return view
    return view.model_copy(update={"as_of": moment.astimezone(UTC)})
