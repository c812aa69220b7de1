"""Opening a record: the settings an engine is opened with, and what stops it
opening or reaching its database, said in one sentence.

``Samenspraak.open`` takes only the event-sourcing library's settings listed in
:data:`LIBRARY_SETTINGS`, each with a value the library can use; a SQLite file
this process may not write is read without writing anything into it or beside
it. A database that cannot be opened (another process making its tables at the
same moment, which is tried again; a PostgreSQL server gone away; a pool with no
connection left) is told in words rather than as the driver's error. A process
forked from the one that opened an instance leaves that instance's connections to
it.
"""

from __future__ import annotations

import os
import re
import sqlite3
import weakref
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from eventsourcing.persistence import IntegrityError, OperationalError
from eventsourcing.utils import Environment

from samenspraak.application.config import read_only_uri
from samenspraak.application.errors import InvalidInput, StorageError


def read_only_env(env: dict[str, str], path: Path) -> dict[str, str] | None:
    """The environment that reads a SQLite file this process may not write, without
    writing anything (see :func:`read_only_uri`): tables are not created."""
    uri = read_only_uri(path)
    return None if uri is None else {**env, "SQLITE_DBNAME": uri, "CREATE_TABLE": "no"}


def writable_here(path: Path) -> bool:
    """The file and its folder can be written by this process."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


LIBRARY_SETTINGS = frozenset(
    {
        "AGGREGATE_CACHE_MAXSIZE",
        "AGGREGATE_CACHE_FASTFORWARD",
        "AGGREGATE_CACHE_FASTFORWARD_SKIPPING",
        "DEEPCOPY_FROM_AGGREGATE_CACHE",
        "SQLITE_LOCK_TIMEOUT",
        "POSTGRES_CONNECT_TIMEOUT",
        "POSTGRES_CONN_MAX_AGE",
        "POSTGRES_PRE_PING",
        "POSTGRES_MAX_WAITING",
        "POSTGRES_LOCK_TIMEOUT",
        "POSTGRES_POOL_SIZE",
        "POSTGRES_MAX_OVERFLOW",
        "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT",
    }
)
"""The event-sourcing library's settings ``open`` takes: the aggregate cache, lock
timeouts and connection pools. Where and how the record is stored (the database,
its tables, compression or encryption of the events) is fixed, so that every
program, the command line too, reads the same record the same way."""

_YES_OR_NO = frozenset(
    {
        "AGGREGATE_CACHE_FASTFORWARD",
        "AGGREGATE_CACHE_FASTFORWARD_SKIPPING",
        "DEEPCOPY_FROM_AGGREGATE_CACHE",
        "POSTGRES_PRE_PING",
    }
)
"""The settings that are yes or no; ``POSTGRES_CONN_MAX_AGE`` is a number of
seconds, and the others are whole numbers."""

_TRUTH = ("y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0")
"""What the library reads as yes or no."""


def _setting_value_problem(name: str, value: str) -> str | None:
    """What is wrong with the value given for one of the library's settings, or
    None: the library would otherwise fail on it with an error of its own (a
    ``ValueError`` from ``int()``), or take a negative size or timeout."""
    if name in _YES_OR_NO:
        if value.lower() in _TRUTH:
            return None
        return "must be y or n"
    if name == "POSTGRES_CONN_MAX_AGE":
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return None
        return "must be a number of seconds of zero or more, like 300 or 0.5"
    if name == "POSTGRES_CONNECT_TIMEOUT":
        if re.fullmatch(r"0*[1-9]\d*", value):
            return None
        return "must be a whole number of seconds of one or more, like 30"
    if re.fullmatch(r"\d+", value):
        return None
    if name.endswith("_TIMEOUT"):
        return "must be a whole number of seconds of zero or more, like 10"
    return "must be a whole number of zero or more, like 16"


def as_opened(env: Mapping[str, str], name: str) -> dict[str, str]:
    """The settings in effect (``env``, of the application called ``name``), each
    under its plain name, with a SQLite file's relative path made absolute (the
    other process that opens the same record may run in another folder, as this
    one may move on to)."""
    found = Environment(name, env)
    prefix = f"{name.upper()}_"
    settings = {}
    for key in env:
        plain = key.removeprefix(prefix)
        value = found.get(plain)
        if value is not None:
            settings[plain] = value
    db = settings.get("SQLITE_DBNAME", "")
    if db and not db.startswith("file:") and db != ":memory:":
        settings["SQLITE_DBNAME"] = os.path.abspath(db)
    return settings


def library_settings(settings: object) -> dict[str, str]:
    """The library's settings given to ``open``: text names and values, each one
    of :data:`LIBRARY_SETTINGS`."""
    if settings is None:
        return {}
    if not isinstance(settings, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in settings.items()
    ):
        msg = "settings: must map the library's setting names to text values."
        raise InvalidInput(msg)
    copies = settings.get("DEEPCOPY_FROM_AGGREGATE_CACHE", "y")
    if copies.strip().lower() not in ("y", "yes", "t", "true", "on", "1"):
        msg = (
            "settings: DEEPCOPY_FROM_AGGREGATE_CACHE must stay on (y): a command "
            "changes the aggregates it reads, and one that is refused or runs "
            "again would leave its unsaved changes in the cache for the next."
        )
        raise InvalidInput(msg)
    for name in settings:
        if name not in LIBRARY_SETTINGS:
            msg = (
                f"settings: {name} is not one open takes; it takes "
                f"{', '.join(sorted(LIBRARY_SETTINGS))} (where and how the record "
                "is stored is db's to say, the same for every program)."
            )
            raise InvalidInput(msg)
    for name, value in settings.items():
        problem = _setting_value_problem(name, value)
        if problem is not None:
            msg = (
                f"settings: {name} {problem}, not {value!r} (leave it out for the "
                "library's default)."
            )
            raise InvalidInput(msg)
    pool = settings.get("POSTGRES_POOL_SIZE", "5")
    if int(pool) + int(settings.get("POSTGRES_MAX_OVERFLOW", "10")) == 0:
        msg = (
            "settings: POSTGRES_POOL_SIZE and POSTGRES_MAX_OVERFLOW are both 0, "
            "which allows no connection to the database; give one of them 1 or more."
        )
        raise InvalidInput(msg)
    given = dict(settings)
    if int(given.get("SQLITE_LOCK_TIMEOUT", "1")) == 0:
        # 0 is taken as not given, for SQLite's wait as for the turn's (the
        # library would take it for its own default, 5 seconds, not 10).
        del given["SQLITE_LOCK_TIMEOUT"]
    return given


class Busy(StorageError):
    """The database was opened by another process at the same moment: trying again
    a moment later succeeds."""


OPEN_TRIES = 6
"""How often opening a SQLite record is tried when another process opens it at
the same moment (creating its tables)."""


def not_opened(error: Exception) -> StorageError:
    """Why the database cannot be opened; busy when another process was making its
    tables at the same moment (a lock, or a first row written by the other)."""
    busy = isinstance(error, IntegrityError) or (
        isinstance(error, sqlite3.OperationalError | OperationalError)
        and ("locked" in str(error) or "busy" in str(error))
    )
    return (Busy if busy else StorageError)(_cannot_open(error))


def _cannot_open(error: Exception) -> str:
    if no_connection(error) is not None:
        said = first_line(str(driver_error(error)))
        return f"The database cannot be opened: the connection was lost ({said})."
    reason = first_line(str(error)) or error.__class__.__name__
    return f"The database cannot be opened: {reason}."


def first_line(said: str) -> str:
    """The first line of what a driver said, without its full stop: PostgreSQL's
    driver adds lines of hints, indented, that are no part of a sentence."""
    lines = [line.strip() for line in said.strip().splitlines() if line.strip()]
    return (lines[0] if lines else "").rstrip(".")


def driver_error(error: BaseException) -> BaseException | None:
    """The PostgreSQL driver's error behind ``error``, if any."""
    cause: BaseException | None = error
    while cause is not None and not type(cause).__module__.startswith("psycopg"):
        cause = cause.__cause__ or cause.__context__
    return cause


def no_connection(error: BaseException) -> str | None:
    """What to say when PostgreSQL stopped answering (the server went away, was
    shut down or restarted, or the network between dropped the connection) or no
    connection could be had in time; None for any other fault."""
    cause = driver_error(error)
    if cause is None or not any(
        kind.__name__ in ("OperationalError", "InterfaceError")
        and kind.__module__.startswith("psycopg")
        for kind in type(cause).__mro__
    ):
        return None
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate is not None and not sqlstate.startswith(("08", "57P0")):
        return None  # the server answered: a lock timeout, a cancelled statement
    if type(cause).__name__ == "PipelineAborted":
        return None  # a statement before it failed, on a connection still there
    said = first_line(str(cause))
    if type(cause).__name__ == "PoolTimeout":
        return (
            f"No connection to the database could be had ({said}): PostgreSQL does "
            "not answer, or this instance's commands were using every connection "
            "its pool may open (POSTGRES_POOL_SIZE and POSTGRES_MAX_OVERFLOW); "
            "try again."
        )
    return (
        f"The connection to the database was lost ({said}): what was being "
        "written then is kept whole or not at all; look whether the command was "
        "recorded before giving it again."
    )


def seconds(value: str | None) -> float:
    """A lock timeout of the settings, in seconds; 10 when none is set (or 0)."""
    try:
        seconds = float(value or 0)
    except ValueError:
        seconds = 0
    return seconds if seconds > 0 else 10.0


class Inheritable(Protocol):
    """An opened instance (a ``Samenspraak``), as a process forked from the one
    that opened it sees it: one that leaves its connections to that process."""

    def _inherited(self) -> None: ...


OPENED: weakref.WeakSet[Inheritable] = weakref.WeakSet()
"""The instances this process opened, which a process forked from it must leave
to it (see :meth:`Samenspraak._inherited`)."""


def _inherited_by_a_fork() -> None:
    for app in list(OPENED):
        app._inherited()


if hasattr(os, "register_at_fork"):  # (not on Windows, which does not fork)
    os.register_at_fork(after_in_child=_inherited_by_a_fork)


def leave_to_the_parent() -> None:
    """What closing the connections of an instance opened by the parent process
    does in a forked one: nothing."""
