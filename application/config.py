"""Where the record is kept: a SQLite file by default, PostgreSQL when configured.

``--db`` (or ``SAMENSPRAAK_DB``) takes either a file path (default
``./samenspraak.db``) or a PostgreSQL URL::

    postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?schema=SCHEMA]

Both go through the same application code; only the recorder differs.
"""

from __future__ import annotations

import os
import re
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from eventsourcing.utils import get_topic

from samenspraak.application.errors import StorageError
from samenspraak.application.persistence import SQLiteSamenspraakRecorder

DEFAULT_DB = "samenspraak.db"
DB_VARIABLE = "SAMENSPRAAK_DB"
POSTGRES_RECORDER_TOPIC = "samenspraak.application.postgres:PostgresSamenspraakRecorder"


def is_postgres(db: str) -> bool:
    return db.startswith(("postgresql://", "postgres://"))


def resolve_db(db: str | None) -> str:
    """The database to use: the given one, else ``SAMENSPRAAK_DB``, else the default.
    Raises :class:`StorageError` when it cannot name a database: empty, a URL of
    another kind of database, or a folder."""
    target = db if db is not None else os.environ.get(DB_VARIABLE) or DEFAULT_DB
    if not target.strip():
        msg = "No database is named: give a SQLite file path or a postgresql:// URL."
        raise StorageError(msg)
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*)://", target)
    if scheme and not is_postgres(target):
        msg = (
            f"samenspraak keeps its record in a SQLite file or in PostgreSQL "
            f"(postgresql://...), not in {scheme[1]}://."
        )
        raise StorageError(msg)
    if not is_postgres(target) and Path(target).is_dir():
        msg = (
            f"{target} is a folder; give the path of a SQLite file, like "
            f"{Path(target) / DEFAULT_DB}."
        )
        raise StorageError(msg)
    return target


def storage_env(db: str) -> dict[str, str]:
    """The eventsourcing environment that selects this database."""
    if is_postgres(db):
        return _postgres_env(db)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.sqlite",
        "SQLITE_DBNAME": db,
        "SQLITE_LOCK_TIMEOUT": "10",
        "APPLICATION_RECORDER_TOPIC": get_topic(SQLiteSamenspraakRecorder),
    }


def database_exists(db: str) -> bool:
    """A SQLite file exists (a PostgreSQL database is assumed to)."""
    if is_postgres(db) or db.startswith("file:") or db == ":memory:":
        return True
    return Path(db).is_file()


OWN_TABLES = frozenset(
    {"stored_events", "samenspraak_texts", "samenspraak_stakeholders"}
)
"""The tables every samenspraak SQLite file has (other programs built on the same
event-sourcing library have a ``stored_events`` table too)."""


def read_only_uri(path: Path) -> str | None:
    """A URI that reads a SQLite file this process may not write, and can write
    nothing into it or beside it; None when that cannot be done.

    It is read only while someone has the record open (its write-ahead log and
    shared-memory file lie beside it), with SQLite's locks through those files, and
    only from a folder this process may not write either: SQLite then cannot make
    files beside it, even when the owner closes it meanwhile (files it made would
    belong to this process, and could keep the record's owner out). A record no
    one has open is not read: SQLite would have to make those files, and reading it
    as immutable instead gives stale or torn pages when the file is written
    elsewhere (a read-only mount of a live folder looks like an archive)."""
    wal, shm = (path.with_name(path.name + end) for end in ("-wal", "-shm"))
    if os.access(path.parent, os.W_OK) or not (wal.is_file() and shm.is_file()):
        return None
    return f"file:{quote(str(path.resolve()))}?mode=ro"


def tables_in(path: str) -> set[str] | None:
    """The tables of a SQLite file, read without writing to it; None when it is no
    SQLite file or cannot be read here."""
    uri = (
        f"file:{quote(str(Path(path).resolve()))}?mode=ro"
        if os.access(Path(path).parent, os.W_OK) and os.access(path, os.W_OK)
        else read_only_uri(Path(path))
    )
    if uri is None:
        return None
    try:
        with closing(sqlite3.connect(uri, uri=True)) as connection:
            return {
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
    except sqlite3.Error:
        return None


def what_the_file_holds(path: str) -> str:
    """What an existing SQLite file holds, read without writing to it: ``empty``
    (no tables yet), ``record`` (a samenspraak record), ``damaged`` (some of a
    record's own tables, not all), ``other`` (tables of another program) or
    ``unreadable`` (not a SQLite file, or one that cannot be read here)."""
    if Path(path).stat().st_size == 0:
        return "empty"
    tables = tables_in(path)
    if tables is None:
        return "unreadable"
    if not tables:
        return "empty"
    if tables >= OWN_TABLES:
        return "record"
    return "damaged" if tables & (OWN_TABLES - {"stored_events"}) else "other"


def _postgres_env(url: str) -> dict[str, str]:
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unclosed [ of an IPv6 address
        msg = f"{without_password(url)} is not a URL that can be read: {error}."
        raise StorageError(msg) from None
    if "#" in url:  # what follows a # is no part of the URL's query: dropped
        msg = (
            f"{without_password(url)} has a #, after which the rest would be "
            "ignored; a # in a password is written %23."
        )
        raise StorageError(msg)
    dbname = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not dbname:
        msg = (
            "A PostgreSQL database is given as "
            "postgresql://USER@HOST[:PORT]/DBNAME[?schema=SCHEMA]."
        )
        raise StorageError(msg)
    try:
        port = parts.port if parts.port is not None else 5432
        if port == 0:
            raise ValueError
    except ValueError:
        msg = (
            f"The port in {without_password(url)!r} is not a port number "
            "(1 to 65535); a / or @ in a password is written %2F or %40."
        )
        raise StorageError(msg) from None
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": dbname,
        # Percent-encoded, as libpq reads it: %2Fvar%2Frun%2Fpostgresql is the
        # folder of a Unix-domain socket.
        "POSTGRES_HOST": unquote(parts.hostname),
        "POSTGRES_PORT": str(port),
        "POSTGRES_USER": unquote(parts.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(parts.password or ""),
        "POSTGRES_CONNECT_TIMEOUT": "5",
        "APPLICATION_RECORDER_TOPIC": POSTGRES_RECORDER_TOPIC,
    }
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - {"schema"})
    if unknown:
        msg = f"A PostgreSQL URL takes only ?schema=SCHEMA, not {', '.join(unknown)}."
        raise StorageError(msg)
    schema = query.get("schema")
    if schema is not None:
        if len(schema) > 1:
            msg = "A PostgreSQL URL names one schema, not several."
            raise StorageError(msg)
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema[0]):
            msg = "A PostgreSQL schema name is lower-case letters, digits and _."
            raise StorageError(msg)
        if schema[0].startswith("pg_") or schema[0] == "information_schema":
            msg = (
                f"{schema[0]} is one of PostgreSQL's own schemas; keep the record "
                "in a schema of its own."
            )
            raise StorageError(msg)
    # Always named, so that a POSTGRES_SCHEMA in the process's environment (which the
    # library would otherwise read) cannot send the tables elsewhere.
    env["POSTGRES_SCHEMA"] = schema[0] if schema is not None else "public"
    return env


def without_password(url: str) -> str:
    """A PostgreSQL URL as a message may show it: with its password hidden."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://[^:@/]*):.*@", r"\1:***@", url)


def remove_unless_a_record_is_in(created: Path) -> None:
    """Remove the file a failed command (a replay, a first registration) created,
    with its write-ahead log, unless another command into the same file, at the
    same moment, wrote a record there:
    decided holding the file's write lock, so that no one writes meanwhile (a
    writer that then finds the file gone says so, and keeps nothing)."""
    try:
        with closing(sqlite3.connect(created, timeout=10)) as connection:
            connection.execute("BEGIN IMMEDIATE")
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            ]
            if any(
                connection.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone()
                for table in tables
                if table in OWN_TABLES
            ):
                return  # another command's record: kept
            created.unlink(missing_ok=True)
            connection.rollback()
    except sqlite3.Error:
        return  # busy or unreadable: left, rather than remove a record
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{created}{suffix}").unlink(missing_ok=True)


def claim_a_new_sqlite_file(db: str | None) -> Path | None:
    """Claim the SQLite file a command is about to create: create it empty, only if
    nothing is at that path (a file, a link), so that cleaning up after a failed
    command removes only what this command made. None when the command goes into
    something that was there, into a ``file:`` URI or into PostgreSQL."""
    try:
        target = resolve_db(os.fspath(db) if db is not None else None)
    except StorageError:
        return None  # opening it says what is wrong
    if is_postgres(target) or target.startswith("file:"):
        return None
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except OSError:
        return None  # there already, or not to be made: opening it says so
    return Path(target)
