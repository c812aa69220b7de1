"""Files written whole or not at all: a bundle, a report, a diagram.

A full disk or a failing write must never leave half a file behind, nor destroy
the file that was there: the content goes into a temporary file beside the target,
which takes the target's place only when it is complete. On Linux that file has no
name until it is complete, so a process killed while writing leaves nothing behind.
"""

from __future__ import annotations

import errno
import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

T = TypeVar("T")


def write_whole(target: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Call ``write`` with a binary file that becomes ``target`` once it returns.

    The new file keeps the permissions of the file it replaces (or gets the usual
    ones of a new file). A symbolic link is followed: the file it points to is
    replaced, the link stays. Something that is not a plain file (a pipe, a device
    such as ``/dev/null``), and a file in a folder this process may not create
    files in, are written in place. A file this process may not write is left
    alone, as ``>`` in a shell would. Raises ``OSError`` when the file cannot be
    written; the target is then as it was (except when written in place).
    """
    real = Path(os.path.realpath(target))
    if real.exists() and not real.is_file():
        return _in_place(real, write)
    if real.is_file() and not os.access(real, os.W_OK):  # read-only: not replaced
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
    fd = _unnamed_file(real.parent)
    if fd is not None:
        return _named_when_whole(fd, real, write)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{real.name}.", dir=real.parent)
    except PermissionError:
        if real.is_file() and os.access(real, os.W_OK):
            return _in_place(real, write)
        raise
    try:
        with os.fdopen(fd, "wb") as file:
            result = write(file)
        os.chmod(temporary, _mode_for(real))
        os.replace(temporary, real)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def _unnamed_file(folder: Path) -> int | None:
    """A new file in ``folder`` that has no name yet (Linux's ``O_TMPFILE``): if
    the process is killed while writing it, it is gone with the process, instead
    of staying beside the target as a hidden file (with the names and texts of a
    bundle in it, out of reach of a later erasure). None where the system or its
    file system has no such files, or the folder may not be written."""
    unnamed = getattr(os, "O_TMPFILE", None)
    if unnamed is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, unnamed | os.O_WRONLY, 0o600)
    except OSError:
        return None


def _named_when_whole(fd: int, real: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Write the unnamed file ``fd``, then give it a name beside ``real`` and put
    it in ``real``'s place."""
    temporary: str | None = None
    try:
        with os.fdopen(fd, "wb") as file:
            result = write(file)
            file.flush()
            os.fchmod(file.fileno(), _mode_for(real))
            folder = os.open(real.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                while temporary is None:
                    name = f".{real.name}.{secrets.token_hex(6)}"
                    try:  # given the folder, linkat follows the /proc link
                        os.link(
                            f"/proc/self/fd/{file.fileno()}",
                            name,
                            dst_dir_fd=folder,
                            follow_symlinks=True,
                        )
                    except FileExistsError:
                        continue
                    temporary = str(real.parent / name)
            finally:
                os.close(folder)
        os.replace(temporary, real)
    except BaseException:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise
    return result


def _in_place(target: Path, write: Callable[[IO[bytes]], T]) -> T:
    with target.open("wb") as file:
        return write(file)


def _mode_for(path: Path) -> int:
    """The permissions a file written in place would have had: those of the file
    it replaces, or the usual ones for a new file."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def reason_of(error: OSError) -> str:
    """Why a file could not be read or written, to end a sentence: 'permission
    denied'."""
    return (error.strerror or error.__class__.__name__).lower()
