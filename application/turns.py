"""Turns at writing: a command that collided twice with other writers has the
record to itself for its next attempts.

Commands are optimistic: each reads the aggregates it needs, decides and saves; the
save fails when another writer changed one of them meanwhile, and the command runs
again. Under a steady stream of writers on one aggregate (many processes reacting
to one plan at once) a command could lose every time and give up. So every save
takes the record's turn *shared*, and a command that collided twice takes it
*alone* for its next attempts, from its first read to its save: the saves of
others wait meanwhile (one command's time), so that attempt cannot lose to them. A
command waiting to go alone goes before saves that ask after it.

The turn spans the threads of one instance (a lock in memory) and the instances,
in this process or others, that write the record:

- on PostgreSQL, an advisory lock (per schema) of a session of the instance's own,
  opened at its first turn;
- on a SQLite file, locks on a file beside it, ``<db>-turns`` (empty; made by the
  first save). Where the platform has open-file-description locks (Linux), a
  command waiting to go alone holds back new saves; elsewhere (``flock``) it waits
  until no save runs.

An in-memory database, a folder in which that file cannot be made, or a platform
without file locks (Windows) has turns among the threads of an instance only.
A turn is waited for as long as the database's lock timeout; then the command ends
as when the database is busy.
"""

from __future__ import annotations

import errno
import hashlib
import os
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from samenspraak.application.errors import StorageError

try:
    import fcntl
except ImportError:  # pragma: no cover (Windows)
    fcntl = None  # type: ignore[assignment]

CLOSED = "This instance of the engine was closed; open the record again."
FORKED = (
    "This instance of the engine was opened by another process, which this one was "
    "forked from; open the record again in this process."
)

TURNS_SUFFIX = "-turns"
"""The file beside a SQLite database whose locks are the turns."""


class TurnNotFree(StorageError):
    """Raised when a turn was not free within the wait (``turns.wait``): a
    :class:`StorageError`, with one sentence, like a busy database."""

    def __init__(self) -> None:
        super().__init__(
            "The record's turn at writing was not free: another command or instance "
            "had the record to itself, or kept saving, for longer than the engine "
            "waits for it; try again."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (), self.__dict__


class Across(Protocol):
    """The turn among instances (in this process and others)."""

    def pass_gate(self, deadline: float) -> None:
        """Wait while another instance waits to go alone (every save)."""

    def share(self, deadline: float) -> None:
        """Take the instance's share (its first save of those running)."""

    def unshare(self) -> None:
        """Give the instance's share back (its last save of those running)."""

    def take(self, deadline: float) -> None:
        """Take the turn alone."""

    def give(self) -> None:
        """Give back the turn taken alone."""

    def close(self) -> None:
        """Give back what the instance holds (a file, a session)."""


class Turns:
    """The record's turn, shared by saves and taken alone by a command that
    collided; across the threads of the instance, and through ``across`` the
    instances that write the same record."""

    def __init__(self, across: Across | None, wait: float) -> None:
        self._across = across
        self.wait = wait
        self._state = threading.Condition()
        self._sharing = 0
        self._alone: int | None = None
        self._waiting_alone = 0
        self._mine = threading.local()
        self._closed = False
        self._pid = os.getpid()

    @contextmanager
    def shared(self) -> Iterator[float | None]:
        """Held while a save runs: waits while a command of this instance or of
        another is alone, and holds back a command that would go alone. Gives the
        moment by which the save's share on PostgreSQL is to be had (taken in its
        transaction), or None when the thread is alone."""
        mine = self._mine
        deadline = time.monotonic() + self.wait
        if self._alone == threading.get_ident() or self._saving():
            mine.sharing = self._saving() + 1
            try:
                yield None if self.alone_here() else deadline
            finally:
                mine.sharing -= 1
            return
        if self._across is not None:  # behind another instance waiting to go alone
            self._across.pass_gate(deadline)
        with self._state:
            self._wait_until(
                lambda: self._alone is None and not self._waiting_alone, deadline
            )
            if self._sharing == 0 and self._across is not None:
                self._across.share(deadline)
            self._sharing += 1
        mine.sharing = 1
        try:
            yield deadline
        finally:
            mine.sharing = 0
            with self._state:
                self._sharing -= 1
                if self._sharing == 0:
                    if self._across is not None:
                        self._across.unshare()
                    self._state.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        """Held for a command's whole attempt: no save of another command runs,
        in this instance or another, until it ends."""
        if self._closed:  # (it would open a session no one closes)
            raise StorageError(CLOSED)
        if os.getpid() != self._pid:  # its locks and session are the parent's
            raise StorageError(FORKED)
        me = threading.get_ident()
        if self._alone == me or self._saving():
            yield  # already alone; or inside a save, which runs on its own turn
            return
        deadline = time.monotonic() + self.wait
        with self._state:
            self._waiting_alone += 1
            try:
                self._wait_until(
                    lambda: self._alone is None and not self._sharing, deadline
                )
                self._alone = me
            finally:
                self._waiting_alone -= 1
                self._state.notify_all()  # saves held back may go, if it gave up
        try:
            if self._across is not None:
                self._across.take(deadline)
        except BaseException:
            self._leave()
            raise
        try:
            yield
        finally:
            if self._across is not None:
                self._across.give()
            self._leave()

    def alone_here(self) -> bool:
        """Whether the thread asking has the turn to itself."""
        return self._alone == threading.get_ident()

    def close(self) -> None:
        self._closed = True
        if self._across is not None and os.getpid() == self._pid:
            self._across.close()

    def _saving(self) -> int:
        """How deep in saves this thread is (a save inside a save, in tests)."""
        depth: int = getattr(self._mine, "sharing", 0)
        return depth

    def _leave(self) -> None:
        with self._state:
            self._alone = None
            self._state.notify_all()

    def _wait_until(self, free: Callable[[], bool], deadline: float) -> None:
        while not free():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TurnNotFree
            self._state.wait(left)


# --- SQLite: locks on a file beside the database -----------------------------------


_OFD = (
    fcntl is not None
    and hasattr(fcntl, "F_OFD_SETLK")
    and sys.platform.startswith("linux")
    and sys.maxsize > 2**32
)
"""Open-file-description locks on byte ranges (Linux): each instance's locks are its
own, as between processes, and a gate can hold back new saves."""

_GATE, _TURN = 0, 1
"""The bytes of the file locked: the gate (held by a command that waits to go alone,
and by a save only while it takes its share), and the turn."""


class FileTurns:
    """The turn among the instances that write one SQLite file, in locks on a file
    beside it. Each instance opens the file itself, so its locks are its own."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._writable = False
        self._opening = threading.Lock()
        """Held while the file is opened or closed: threads of the instance that
        save for the first time at once open it once (a second descriptor would
        keep the locks taken through it, never to be given back)."""

    def pass_gate(self, deadline: float) -> None:
        """Wait while another instance waits to go alone. Every save passes the
        gate, also one that joins the share a thread of this instance already
        holds: otherwise the threads of one busy instance could keep their share
        for ever, and the other instance would never go alone."""
        fd = self._open()
        if fd is None or not _OFD:
            return
        self._lock(fd, _GATE, shared=True, deadline=deadline)
        self._unlock(fd, _GATE)

    def share(self, deadline: float) -> None:
        fd = self._open()
        if fd is None:  # the file cannot be made here: turns within the instance
            return
        if _OFD:
            self._lock(fd, _GATE, shared=True, deadline=deadline)
            try:
                self._lock(fd, _TURN, shared=True, deadline=deadline)
            finally:
                self._unlock(fd, _GATE)
        else:
            self._lock(fd, _TURN, shared=True, deadline=deadline)

    def unshare(self) -> None:
        fd = self._fd  # read once: another thread may close it meanwhile
        if fd is not None:
            self._unlock(fd, _TURN)

    def take(self, deadline: float) -> None:
        fd = self._open()
        if fd is None or not self._writable:  # turns within the instance only
            return
        if _OFD:
            self._lock(fd, _GATE, shared=False, deadline=deadline)
            try:
                self._lock(fd, _TURN, shared=False, deadline=deadline)
            except BaseException:
                self._unlock(fd, _GATE)
                raise
        else:
            self._lock(fd, _TURN, shared=False, deadline=deadline)

    def give(self) -> None:
        fd = self._fd  # read once: another thread may close it meanwhile
        if fd is not None and self._writable:
            self._unlock(fd, _TURN)
            if _OFD:
                self._unlock(fd, _GATE)

    def close(self) -> None:
        """Give back every lock of this instance, and take none from here on."""
        with self._opening:
            self.path = ""
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _open(self) -> int | None:
        """The file, made if need be; opened for reading only when this user may
        not write it (made by another user): its saves still take their shares,
        and its commands go alone among its own threads only."""
        with self._opening:
            if self._fd is None and self.path:
                try:
                    self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
                    self._writable = True
                except OSError:
                    try:
                        self._fd = os.open(self.path, os.O_RDONLY)
                    except OSError:
                        return None
            return self._fd

    def _lock(self, fd: int, byte: int, *, shared: bool, deadline: float) -> None:
        pause = 0.0002
        while True:
            try:
                _set_lock(fd, byte, fcntl.F_RDLCK if shared else fcntl.F_WRLCK)
                return
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    self._without_locks()
                    return
            if time.monotonic() >= deadline:
                raise TurnNotFree
            time.sleep(pause)
            pause = min(pause * 2, 0.005)

    def _unlock(self, fd: int, byte: int) -> None:
        with self._opening:  # not closed (and its number given to another file)
            if fd != self._fd:  # closed meanwhile: its locks went with it
                return
            try:
                _set_lock(fd, byte, fcntl.F_UNLCK)
            except OSError:
                refused = True
            else:
                refused = False
        if refused:
            self._without_locks()

    def _without_locks(self) -> None:
        """A file system that refuses locks (some network shares): from here on,
        turns among the instance's threads only."""
        self.close()


def _set_lock(fd: int, byte: int, kind: int) -> None:
    """Lock (or unlock) one byte of the file, without waiting."""
    if _OFD:
        # struct flock: l_type, l_whence, l_start, l_len, l_pid (0 for these locks)
        request = struct.pack("hhqqi0q", kind, os.SEEK_SET, byte, 1, 0)
        fcntl.fcntl(fd, fcntl.F_OFD_SETLK, request)
        return
    operation = {
        fcntl.F_RDLCK: fcntl.LOCK_SH | fcntl.LOCK_NB,
        fcntl.F_WRLCK: fcntl.LOCK_EX | fcntl.LOCK_NB,
        fcntl.F_UNLCK: fcntl.LOCK_UN,
    }[kind]
    fcntl.flock(fd, operation)


def file_turns(db: str) -> FileTurns | None:
    """The turns of a SQLite file; None for an in-memory database or a platform
    without file locks."""
    if fcntl is None or db == ":memory:" or db.startswith("file:") or not db:
        return None
    return FileTurns(os.path.abspath(db) + TURNS_SUFFIX)


# --- PostgreSQL: an advisory lock ----------------------------------------------------


def advisory_key(schema: str) -> int:
    """The advisory lock of the turns of the record in ``schema``."""
    digest = hashlib.sha256(f"samenspraak turns {schema}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class AdvisoryTurns:
    """The turn among the instances that write one PostgreSQL schema: an advisory
    lock. A save takes it shared in its own transaction (see
    :func:`share_in_transaction`); a command going alone takes it exclusively in a
    session of the instance's own, outside its pool (the command reads and saves
    through the pool meanwhile, which may hold a single connection), opened at its
    first turn alone and closed with the instance. PostgreSQL queues a shared
    request behind an exclusive one that waits."""

    def __init__(self, pool: Any, schema: str) -> None:
        self._pool = pool
        self._key = advisory_key(schema)
        self._session: Any = None

    def pass_gate(self, deadline: float) -> None:
        """Nothing here: PostgreSQL queues each save's share itself."""

    def share(self, deadline: float) -> None:
        """Nothing here: the save's transaction takes its share."""

    def unshare(self) -> None:
        """Nothing here: the share ends with the save's transaction."""

    def take(self, deadline: float) -> None:
        import psycopg  # noqa: PLC0415 (PostgreSQL only)
        from eventsourcing.persistence import OperationalError  # noqa: PLC0415

        for fresh in (self._session is None, True):
            try:
                session = self._opened()
            except psycopg.Error:
                # No session to be had (the server has no connection left, say):
                # this try goes without the turn among instances, as commands did
                # before there were turns, rather than fail for want of it.
                return
            try:
                session.execute(f"SET lock_timeout = {_left_ms(deadline)}")
                session.execute("SELECT pg_advisory_lock(%s)", [self._key])
            except psycopg.errors.LockNotAvailable:
                raise TurnNotFree from None
            except psycopg.Error as error:
                self.close()  # a session that failed holds nothing
                if fresh:
                    raise OperationalError(str(error)) from error
                continue  # one the server ended meanwhile: once more, in a new one
            return

    def give(self) -> None:
        session = self._session
        if session is None:
            return
        try:
            session.execute("SELECT pg_advisory_unlock(%s)", [self._key])
        except Exception:
            self.close()  # the lock ends with the session

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _opened(self) -> Any:
        """The instance's own session, with the pool's connection settings."""
        if self._session is None:
            import psycopg  # noqa: PLC0415 (PostgreSQL only)

            self._session = psycopg.connect(
                self._pool.conninfo,
                **{
                    **self._pool.kwargs,
                    "autocommit": True,
                    "connect_timeout": max(1, round(self._pool.timeout)),
                },
            )
        return self._session


def share_in_transaction(
    cursor: Any, schema: str, deadline: float, lock_timeout: float | int
) -> None:
    """Take the turn of the record in ``schema`` shared until the transaction of
    ``cursor`` ends (a save's), waiting for a command that is alone until
    ``deadline`` (what is left of the save's wait), then restore the library's lock
    timeout for the rest of it."""
    import psycopg  # noqa: PLC0415 (PostgreSQL only)

    key = advisory_key(schema)
    try:
        cursor.execute(f"SET LOCAL lock_timeout = {_left_ms(deadline)}")
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [key])
        cursor.fetchone()  # waited for here (the library sends statements in a pipeline)
        cursor.execute(f"SET LOCAL lock_timeout = '{lock_timeout}s'")
    except psycopg.errors.LockNotAvailable:
        raise TurnNotFree from None


def _left_ms(deadline: float) -> int:
    """The milliseconds left until ``deadline``; one at least, so that a turn that
    is free is still had."""
    return max(1, int((deadline - time.monotonic()) * 1000))
