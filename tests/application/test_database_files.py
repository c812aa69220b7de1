"""What a SQLite file given as the database may be: a samenspraak record, a new or
empty file, never another program's database; read-only copies are named as such."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from samenspraak.application import NotFound, Samenspraak, StorageError


def another_programs_database(path: Path, table: str = "invoices") -> Path:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(f"CREATE TABLE {table} (number INTEGER, amount TEXT)")
        connection.commit()
    return path


def tables_of(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [r[0] for r in connection.execute("SELECT name FROM sqlite_schema")]


def record_something_in(db: Path) -> None:
    """A record with one stakeholder in the directory (and so every table)."""
    app = Samenspraak.open(db)
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
    finally:
        app.close()


@pytest.mark.parametrize("table", ["invoices", "stored_events"])
@pytest.mark.parametrize("create", [True, False], ids=["recording", "reading"])
def test_another_programs_database_is_refused_and_left_as_it_was(
    tmp_path: Path, create: bool, table: str
) -> None:
    """Another event-sourced program has a stored_events table too."""
    db = another_programs_database(tmp_path / "invoices.db", table)

    with pytest.raises(StorageError) as refused:
        Samenspraak.open(db, create=create)

    assert str(refused.value) == (
        f"{db} is a SQLite database of another program (it holds no samenspraak "
        "record); samenspraak keeps its record in a file of its own, so name "
        "another file."
    )
    assert tables_of(db) == [table]


@pytest.mark.parametrize("create", [True, False], ids=["recording", "reading"])
def test_a_record_that_lost_one_of_its_tables_is_named_as_changed(
    tmp_path: Path, create: bool
) -> None:
    db = tmp_path / "city.db"
    record_something_in(db)
    with closing(sqlite3.connect(db)) as connection:
        connection.execute("DROP TABLE samenspraak_texts")
        connection.commit()
    before = sorted(tables_of(db))

    with pytest.raises(StorageError) as refused:
        Samenspraak.open(db, create=create)

    assert str(refused.value) == (
        f"{db} holds part of a samenspraak record: it lacks samenspraak_texts, so it "
        "was changed outside the engine; restore it from a backup or replay an "
        "exported bundle into a new file."
    )
    assert sorted(tables_of(db)) == before  # nothing made up for what is missing


def test_reading_an_empty_file_says_there_is_no_record_and_writes_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "empty.db"
    db.touch()

    with pytest.raises(NotFound) as refused:
        Samenspraak.open(db, create=False)

    assert str(refused.value).startswith(f"There is no samenspraak database at {db};")
    assert db.stat().st_size == 0


def test_an_empty_file_becomes_a_record_when_something_is_recorded(
    tmp_path: Path,
) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    record_something_in(db)
    assert "stored_events" in tables_of(db)


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[Path]:
    """A record in a folder mounted read-only (needs the right to mount)."""
    folder, mounted = tmp_path / "archive", tmp_path / "mounted"
    folder.mkdir()
    mounted.mkdir()
    record_something_in(folder / "city.db")
    mount = subprocess.run(
        ["mount", "--bind", "-o", "ro", str(folder), str(mounted)],
        capture_output=True,
        check=False,
    )
    if mount.returncode != 0:
        pytest.skip("a read-only folder needs the right to mount one here")
    subprocess.run(["mount", "-o", "remount,ro,bind", str(mounted)], check=False)
    try:
        if (mounted / "probe").exists() or _can_write(mounted):
            pytest.skip("the folder could not be made read-only here")
        yield mounted / "city.db"
    finally:
        gc.collect()  # the refused opening's connections
        while _mounted(mounted):
            lazily = subprocess.run(["umount", "-l", str(mounted)], check=False)
            if lazily.returncode:
                break


def _mounted(folder: Path) -> bool:
    """Whether something is mounted on ``folder`` (a bind mount of a folder on the
    same device is not seen by ``Path.is_mount``)."""
    mounts = Path("/proc/self/mounts")
    return mounts.exists() and f" {folder} " in mounts.read_text("utf-8")


def _can_write(folder: Path) -> bool:
    try:
        (folder / "probe").touch()
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


def test_a_database_on_read_only_media_is_named_as_such(read_only_copy: Path) -> None:
    with pytest.raises(StorageError) as refused:
        Samenspraak.open(read_only_copy, create=False)

    assert str(refused.value) == (
        f"The database {read_only_copy} is read-only here: samenspraak writes beside "
        "it (its write-ahead log) and into it (its views) even to read or verify it; "
        "copy it to a folder you can write to."
    )


OPEN_AS_SOMEONE_ELSE = """
import sys
from samenspraak.application import Samenspraak, StorageError
try:
    Samenspraak.open(sys.argv[1], create=False)
except StorageError as refused:
    print(refused)
"""


CREATE_AS_SOMEONE_ELSE = """
import sys
from samenspraak.application import Samenspraak, StorageError
try:
    Samenspraak.open(sys.argv[1])
except StorageError as refused:
    print(refused)
"""


def test_a_new_database_in_a_folder_this_user_may_not_write_is_named_as_such() -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root, to open the file as another user (setpriv)")
    folder = Path(tempfile.mkdtemp(prefix="samenspraak-"))
    try:
        folder.chmod(0o755)  # the owner (root) writes; others read
        db = folder / "new.db"
        opened = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-c", CREATE_AS_SOMEONE_ELSE, str(db)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert opened.stdout == (
            f"The database {db} cannot be created: the folder {folder} cannot be "
            "written here (permission denied); name a file in a folder you can "
            "write to.\n"
        ), opened.stderr
        assert not db.exists()
    finally:
        shutil.rmtree(folder)


def test_a_database_that_this_user_may_not_read_is_named_as_such() -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root, to open the file as another user (setpriv)")
    folder = Path(tempfile.mkdtemp(prefix="samenspraak-"))
    try:
        folder.chmod(0o777)
        db = folder / "city.db"
        record_something_in(db)
        db.chmod(0o000)
        opened = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-c", OPEN_AS_SOMEONE_ELSE, str(db)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert opened.stdout == (
            f"The database {db} cannot be read here (permission denied); ask for "
            "read and write access to it.\n"
        ), opened.stderr
    finally:
        shutil.rmtree(folder)
