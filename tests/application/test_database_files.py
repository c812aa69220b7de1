"""What a SQLite file given as the database may be: a samenspraak record, a new or
empty file, never another program's database; a read-only copy is read and verified,
and never written."""

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


def test_a_table_that_goes_missing_while_the_record_is_open_is_named(
    tmp_path: Path,
) -> None:
    db = tmp_path / "city.db"
    record_something_in(db)
    app = Samenspraak.open(db, create=False)
    try:
        with closing(sqlite3.connect(db)) as connection:
            connection.execute("DROP TABLE samenspraak_stakeholders")
            connection.commit()
        with pytest.raises(StorageError) as refused:
            app.register_stakeholder({"actor": "b", "stakeholder": "b", "name": "B"})
        assert str(refused.value) == (
            "The database has no table samenspraak_stakeholders: its owner may still "
            "be setting it up (try again in a moment), or it was changed outside the "
            "engine."
        )
    finally:
        app.close()


def test_reading_an_empty_file_says_there_is_no_record_and_writes_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "empty.db"
    db.touch()

    with pytest.raises(NotFound) as refused:
        Samenspraak.open(db, create=False)

    assert str(refused.value) == (
        f"There is no samenspraak database at {db}; opening it with create=True "
        "(the default) makes one."
    )
    assert db.stat().st_size == 0


def test_an_empty_file_becomes_a_record_when_something_is_recorded(
    tmp_path: Path,
) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    record_something_in(db)
    assert "stored_events" in tables_of(db)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """A folder, and the same folder mounted read-only (needs the right to mount):
    what is written into the first is read through the second."""
    folder, mounted = tmp_path / "archive", tmp_path / "mounted"
    folder.mkdir()
    mounted.mkdir()
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
        yield folder, mounted
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


def start_a_city_centre(db: Path, *, read_to_the_end: bool) -> str:
    """A record with an initiative and someone who joined it; returns its audit
    head. Read to the end, every view is up to date; else the views lack the
    joining."""
    app = Samenspraak.open(db)
    try:
        for who in ("f", "bakery"):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "f", "initiative": "city", "title": "City", "description": "D",
             "area": "A", "budget": "10", "level": "co-deciding"}
        )  # fmt: skip
        head = str(app.audit_head("city"))
        app.join_initiative(
            {"actor": "bakery", "initiative": "city", "stakeholder": "bakery",
             "kind": "entrepreneur"}
        )  # fmt: skip
        if read_to_the_end:
            head = str(app.audit_head("city"))
        return head
    finally:
        app.close()


def test_a_record_on_read_only_media_that_no_one_has_open_is_refused_untouched(
    read_only_folder: tuple[Path, Path],
) -> None:
    """A read-only mount may show a folder that is written elsewhere: reading its
    record as if it could not change could give stale or torn pages, and reading
    it with SQLite's locks would need files beside it. So it is refused, and left
    as it was."""
    folder, mounted = read_only_folder
    start_a_city_centre(folder / "city.db", read_to_the_end=True)
    files = sorted(p.name for p in folder.iterdir())
    archived = mounted / "city.db"

    with pytest.raises(StorageError) as reading:
        Samenspraak.open(archived, create=False)
    with pytest.raises(StorageError) as recording:
        Samenspraak.open(archived)

    assert str(reading.value) == (
        f"The database {archived} is read-only here, and it is read here only while "
        "its owner has it open, from a folder this user may not write; copy it, "
        "with any -wal file beside it, to a folder you can write to."
    )
    assert str(recording.value) == (
        f"The database {archived} is read-only here: commands that record something "
        "write into it; copy it to a folder you can write to."
    )
    assert sorted(p.name for p in folder.iterdir()) == files  # nothing made beside it


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


VERIFY_AS_SOMEONE_ELSE = """
import sys
from samenspraak.application import Samenspraak, StorageError
try:
    app = Samenspraak.open(sys.argv[1], create=False)
except StorageError as refused:
    print(f"refused: {refused}")
    raise SystemExit
try:
    verified = app.verify_audit(initiative="city", head=sys.argv[2])
    status = app.initiative_status("city")
    print(app.read_only, verified.intact, [s.ref for s in status.stakeholders])
    try:
        app.register_stakeholder({"actor": "g", "stakeholder": "g", "name": "G"})
    except StorageError as refused:
        print(f"recording: {refused}")
except StorageError as refused:
    print(f"reading: {refused}")
finally:
    app.close()
"""


def test_a_live_record_this_user_may_only_read_is_read_with_its_writers_locks() -> None:
    """A file this user may not write, in a folder it may not write, may be a live
    record, written by its owner meanwhile: it is read with SQLite's locks, which
    need the owner's shared-memory file beside it (there while the owner has it
    open); it records nothing, and says when its views are behind."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root, to open the file as another user (setpriv)")
    folder = Path(tempfile.mkdtemp(prefix="samenspraak-"))

    def as_someone_else(head: str) -> str:
        opened = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-c", VERIFY_AS_SOMEONE_ELSE, str(db), head],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert opened.stderr == ""
        return opened.stdout

    try:
        folder.chmod(0o755)  # the owner (root) writes; others only read
        db = folder / "city.db"
        head = start_a_city_centre(db, read_to_the_end=True)
        owner = Samenspraak.open(db)  # the owner keeps it open, and records
        try:
            owner.register_stakeholder(
                {"actor": "cafe", "stakeholder": "cafe", "name": "The cafe"}
            )
            owner.join_initiative(
                {"actor": "cafe", "initiative": "city", "stakeholder": "cafe",
                 "kind": "entrepreneur"}
            )  # fmt: skip
            owner.catch_up()
            assert as_someone_else(head) == (
                "True True ['f', 'bakery', 'cafe']\n"
                "recording: This database is read-only here: commands that record "
                "something (and rebuilding the views) write into it; copy it to a "
                "folder you can write to.\n"
            )
            owner.register_stakeholder(
                {"actor": "deli", "stakeholder": "deli", "name": "The deli"}
            )
            owner.join_initiative(
                {"actor": "deli", "initiative": "city", "stakeholder": "deli",
                 "kind": "entrepreneur"}
            )  # fmt: skip
            assert as_someone_else(head) == (  # the views lack the deli's joining
                "reading: This database is read-only here and its views are behind "
                "its events, so they cannot be caught up here: have someone who may "
                "write it catch them up (samenspraak projections catch-up), or read "
                "a copy in a folder you can write to.\n"
            )
        finally:
            owner.close()
        # Closed, it has no shared-memory file: reading would have to make one.
        said = as_someone_else(head)
        assert said.startswith(f"refused: The database {db} is read-only here, and ")
        assert said.rstrip().endswith("to a folder you can write to.")
    finally:
        shutil.rmtree(folder)


def test_a_reader_in_a_shared_folder_makes_no_file_beside_anothers_record() -> None:
    """In a folder everyone may write (sticky, as /tmp), a record this user may
    only read is not read when no one has it open: the files SQLite would make
    beside it would belong to this user and keep its owner out."""
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root, to open the file as another user (setpriv)")
    folder = Path(tempfile.mkdtemp(prefix="samenspraak-"))
    try:
        folder.chmod(0o1777)
        db = folder / "city.db"
        head = start_a_city_centre(db, read_to_the_end=True)
        files = sorted(p.name for p in folder.iterdir())
        opened = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
             sys.executable, "-c", VERIFY_AS_SOMEONE_ELSE, str(db), head],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert opened.stdout.startswith(f"refused: The database {db} is read-only")
        assert sorted(p.name for p in folder.iterdir()) == files
        owner = Samenspraak.open(db)  # the owner still records
        try:
            owner.register_stakeholder({"actor": "g", "stakeholder": "g", "name": "G"})
        finally:
            owner.close()
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


def test_a_database_kept_locked_by_another_process_is_said_in_words(
    tmp_path: Path,
) -> None:
    from samenspraak.application.config import storage_env  # noqa: PLC0415

    db = tmp_path / "city.db"
    record_something_in(db)
    app = Samenspraak({**storage_env(str(db)), "SQLITE_LOCK_TIMEOUT": "1"})
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing, for long
        with pytest.raises(StorageError) as refused:
            app.register_stakeholder({"actor": "g", "stakeholder": "g", "name": "G"})
        holder.execute("ROLLBACK")
        assert app.store.select_stakeholder(ref="g") is None
    finally:
        holder.close()
        app.close()
    assert str(refused.value).startswith(
        "The database was busy: another process or command (a rebuild of the views, "
        "perhaps, or a command that has the record to itself) kept it locked for "
        "longer than the engine waits for it. Try again;"
    )


def test_an_event_of_a_kind_this_version_does_not_know_is_named_in_words(
    story: tuple[Samenspraak, object, Path],
) -> None:
    """A newer version of samenspraak, on the same database, may record an event
    of a kind this version does not know: a command then says so, and which
    event, instead of calling it an unexpected fault of the engine."""
    app, _, db = story
    with closing(sqlite3.connect(db)) as connection:
        originator, version, state = connection.execute(
            "SELECT originator_id, originator_version, state FROM stored_events "
            "ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
        connection.execute(
            "INSERT INTO stored_events VALUES (?, ?, ?, ?)",
            (
                originator,
                version + 1,
                "samenspraak.domain.initiative:Initiative.Reopened",
                state,
            ),
        )
        connection.commit()
    for command in (
        lambda: app.initiative_status("city-centre"),
        app.rebuild_projections,
    ):
        with pytest.raises(StorageError) as refused:
            command()
        assert str(refused.value) == (
            "The record holds an event of a kind this version of samenspraak does "
            "not know (Initiative.Reopened, at position 71): a newer version of "
            "samenspraak may have recorded it; use that version, or one newer."
        )


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_record_whose_file_was_deleted_or_replaced_while_open_records_nothing_more(
    tmp_path: Path, how: str
) -> None:
    """A portal keeps the record open all day. When its file is deleted, or
    replaced by another (a backup put back with mv), SQLite would go on writing
    into the file it opened, which no one will ever open again: every command
    would say it was recorded, and all of it would be lost. It is refused
    instead, in words."""
    db = tmp_path / "city.db"
    record_something_in(db)
    app = Samenspraak.open(db, create=False)
    try:
        app.register_stakeholder({"actor": "b", "stakeholder": "b", "name": "B"})
        if how == "deleted":
            for end in ("", "-wal", "-shm"):
                Path(f"{db}{end}").unlink(missing_ok=True)
        else:
            backup = tmp_path / "backup.db"
            record_something_in(backup)
            os.replace(backup, db)
        with pytest.raises(StorageError) as refused:
            app.register_stakeholder({"actor": "c", "stakeholder": "c", "name": "C"})
        assert str(refused.value) == (
            f"The database file {db} was deleted or replaced while the record was "
            "open, so nothing was recorded: open the record again."
        )
    finally:
        app.close()


def test_a_full_disk_is_named_and_nothing_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite says "database or disk is full" when a write finds no room; the
    command says so in a sentence that tells what to do, and records nothing."""
    app = Samenspraak.open(tmp_path / "city.db")
    try:
        app.register_stakeholder(
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery"}
        )
        before = app.store.count_rows()

        def no_room(*args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(type(app.store), "_write_first", no_room)
        with pytest.raises(StorageError) as full:
            app.register_stakeholder(
                {"actor": "library", "stakeholder": "library", "name": "The library"}
            )
        monkeypatch.undo()
        assert str(full.value) == (
            "The disk that holds the database is full, so nothing was recorded: "
            "make room on it and give the command again."
        )
        assert app.store.count_rows() == before
    finally:
        app.close()


@pytest.mark.skipif(
    not hasattr(os, "O_TMPFILE") or not os.path.isdir("/proc/self/fd"),
    reason="this system has no unnamed files (O_TMPFILE) to write a file whole in",
)
def test_a_bundle_killed_while_written_leaves_no_file_behind(tmp_path: Path) -> None:
    """An export holds names and texts: killed half-way, it must not leave a
    hidden copy beside the target that no erasure would ever reach."""
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from samenspraak.application.files import write_whole\n"
        "def half(file):\n"
        "    file.write(b'names and texts' * 1000)\n"
        "    file.flush()\n"
        "    os._exit(9)\n"
        "write_whole(Path(sys.argv[1]), half)\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "city.zip")], check=False
    )
    assert killed.returncode == 9
    assert list(tmp_path.iterdir()) == []


def test_a_file_written_whole_takes_its_place_with_the_usual_permissions(
    tmp_path: Path,
) -> None:
    from samenspraak.application.files import write_whole  # noqa: PLC0415

    target = tmp_path / "report.html"
    target.write_text("old", "utf-8")
    target.chmod(0o640)
    assert write_whole(target, lambda file: file.write(b"new")) == 3
    assert target.read_text("utf-8") == "new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
