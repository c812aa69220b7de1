"""Writers that collide take turns: a command that lost the race twice has the record
to itself from its third try, so that under a steady stream of writers on one plan
no command gives up; a save waits meanwhile, and a turn that stays taken ends in
one sentence, with nothing written. On a SQLite file and on PostgreSQL."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from eventsourcing import application as eventsourcing_application

from samenspraak.application import Samenspraak, StorageError, turns
from samenspraak.application.turns import TURNS_SUFFIX
from samenspraak.domain.initiative import initiative_id
from samenspraak.domain.plan import Plan, plan_id

PROCESSES = 8
REACTIONS = 10


@pytest.fixture
def app(url: str) -> Iterator[Samenspraak]:
    engine = Samenspraak.open(url)
    _park(engine)
    yield engine
    engine.close()


@pytest.fixture
def other(app: Samenspraak, url: str) -> Iterator[Samenspraak]:
    """Another instance with the same record open, as another process would."""
    engine = Samenspraak.open(url, create=False)
    yield engine
    engine.close()


def _park(app: Samenspraak) -> None:
    """The park: a facilitator, eight residents, a plan with a first draft."""
    app.register_stakeholder({"actor": "fac", "stakeholder": "fac", "name": "F"})
    app.start_initiative(
        {"actor": "fac", "initiative": "park", "title": "The park",
         "description": "What the park needs.", "area": "The park", "budget": "0",
         "level": "co-deciding", "template": "overheidsparticipatie@1"}
    )  # fmt: skip
    for n in range(PROCESSES):
        ref = f"resident-{n}"
        app.register_stakeholder({"actor": "fac", "stakeholder": ref, "name": ref})
        app.join_initiative(
            {"actor": "fac", "initiative": "park", "stakeholder": ref,
             "kind": "resident"}
        )  # fmt: skip
    app.form_group(
        {"actor": "fac", "initiative": "park", "group": "team", "kind": "working",
         "name": "Team", "mandate": "The plan."}
    )  # fmt: skip
    app.create_plan(
        {"actor": "fac", "initiative": "park", "plan": "paths", "title": "Paths",
         "group": "team"}
    )  # fmt: skip
    app.propose_draft(
        {"actor": "fac", "initiative": "park", "plan": "paths", "text": "v1",
         "changes": "First."}
    )  # fmt: skip


def _react(app: Samenspraak, who: str, text: str) -> int:
    return app.react_to_plan(
        {"actor": who, "initiative": "park", "plan": "paths", "version": 1,
         "stance": "concern", "text": text}
    )  # fmt: skip


REACTING = """
import json, sys, time
from pathlib import Path
from samenspraak.application import Samenspraak, SamenspraakError
from samenspraak.application import app as engine

url, who, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
engine.RETRIES = 3  # the third try is the first alone: none may be needed after it
app = Samenspraak.open(url, create=False)
while not start.exists():
    time.sleep(0.005)
numbers, errors = [], []
for n in range(count):
    try:
        numbers.append(app.react_to_plan(
            {"actor": who, "initiative": "park", "plan": "paths", "version": 1,
             "stance": "concern", "text": f"{who} {n}"}))
    except SamenspraakError as error:
        errors.append(f"{type(error).__name__}: {error}")
app.close()
print(json.dumps({"numbers": numbers, "errors": errors}))
"""


def test_many_processes_reacting_to_one_plan_at_once_all_get_their_reactions_recorded(
    app: Samenspraak, url: str, tmp_path: Path
) -> None:
    start = tmp_path / "start"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                REACTING,
                url,
                f"resident-{n}",
                str(REACTIONS),
                str(start),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    time.sleep(1)  # let them open the record
    start.touch()
    results: list[dict[str, Any]] = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    errors = [e for r in results for e in r["errors"]]
    numbers = sorted(n for r in results for n in r["numbers"])
    assert errors == []
    assert numbers == list(range(1, PROCESSES * REACTIONS + 1))
    reactions = app.plan_details("park", "paths").reactions
    assert len(reactions) == PROCESSES * REACTIONS
    assert app.verify_audit().intact


def test_a_save_waits_while_another_instance_has_the_record_to_itself(
    app: Samenspraak, other: Samenspraak
) -> None:
    _a_save_waits_while_the_other_is_alone(app, other)


def _a_save_waits_while_the_other_is_alone(
    app: Samenspraak, other: Samenspraak
) -> None:
    saved: list[int] = []
    with other.turns.alone():
        writer = threading.Thread(
            target=lambda: saved.append(_react(app, "resident-0", "Benches."))
        )
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive()  # waiting for its turn
        assert saved == []
        assert _react(other, "resident-1", "Shade.") == 1  # alone: its save runs
    writer.join(timeout=30)
    assert saved == [2]


def test_a_turn_that_stays_taken_ends_a_command_in_one_sentence_with_nothing_written(
    app: Samenspraak, other: Samenspraak
) -> None:
    app.turns.wait = 0.3
    end = app.recorder.max_notification_id()
    with other.turns.alone(), pytest.raises(StorageError) as busy:
        _react(app, "resident-0", "Benches.")
    assert str(busy.value).startswith(
        "The database was busy: another process or command (a rebuild of the views, "
        "perhaps, or a command that has the record to itself) kept it locked for "
        "longer than the engine waits for it."
    )
    assert app.recorder.max_notification_id() == end
    assert _react(app, "resident-0", "Benches.") == 1  # free again: it records


def test_taking_the_turn_alone_when_it_is_not_free_is_a_storage_error_in_one_sentence(
    app: Samenspraak, other: Samenspraak
) -> None:
    other.turns.wait = 0.3
    with app.turns.alone(), pytest.raises(StorageError) as busy, other.turns.alone():
        pass  # pragma: no cover (the turn is not free)
    assert isinstance(busy.value, turns.TurnNotFree)
    assert str(busy.value) == (
        "The record's turn at writing was not free: another command or instance "
        "had the record to itself, or kept saving, for longer than the engine "
        "waits for it; try again."
    )


def test_the_turns_file_is_made_beside_a_sqlite_file_by_its_first_save(
    tmp_path: Path,
) -> None:
    db = tmp_path / "samenspraak.db"
    app = Samenspraak.open(str(db))
    try:
        assert not (tmp_path / f"samenspraak.db{TURNS_SUFFIX}").exists()
        _park(app)
        assert (tmp_path / f"samenspraak.db{TURNS_SUFFIX}").is_file()
    finally:
        app.close()


def test_with_flock_where_byte_range_locks_are_missing_a_save_still_waits_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(turns, "_OFD", False)
    app = Samenspraak.open(str(tmp_path / "samenspraak.db"))
    other = Samenspraak.open(str(tmp_path / "samenspraak.db"), create=False)
    try:
        _park(app)
        _a_save_waits_while_the_other_is_alone(app, other)
    finally:
        other.close()
        app.close()


def test_a_file_system_that_refuses_locks_leaves_turns_to_the_threads_of_an_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(fd: int, byte: int, kind: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(turns, "_set_lock", refused)
    app = Samenspraak.open(str(tmp_path / "samenspraak.db"))
    try:
        _park(app)  # every save asks for its share, and is not refused
        with app.turns.alone():
            assert _react(app, "resident-0", "Benches.") == 1
        assert _react(app, "resident-1", "Shade.") == 2
    finally:
        app.close()


def test_threads_that_save_for_the_first_time_at_once_leave_the_turn_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "samenspraak.db")
    app = Samenspraak.open(db)
    _park(app)
    app.close()
    fresh = Samenspraak.open(db, create=False)
    opened = turns.os.open

    def slowly(*args: Any) -> int:  # every first save opens the file at once
        fd = opened(*args)
        time.sleep(0.05)
        return fd

    monkeypatch.setattr(turns.os, "open", slowly)
    ready = threading.Barrier(PROCESSES)

    def react(n: int) -> None:
        ready.wait()
        _react(fresh, f"resident-{n}", f"Idea {n}.")

    writers = [threading.Thread(target=react, args=(n,)) for n in range(PROCESSES)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    monkeypatch.undo()
    fresh.close()
    other = Samenspraak.open(db, create=False)
    try:
        other.turns.wait = 0.5
        with other.turns.alone():  # no lock of the closed instance is left
            assert _react(other, "resident-0", "More.") == PROCESSES + 1
    finally:
        other.close()


def test_on_postgresql_a_command_goes_alone_with_a_pool_of_one_connection(
    postgres_url: str,
) -> None:
    app = Samenspraak.open(
        postgres_url,
        settings={"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"},
    )
    try:
        _park(app)
        with app.turns.alone():  # its reads and its save need the pool's connection
            assert _react(app, "resident-0", "Benches.") == 1
    finally:
        app.close()


def test_a_save_waits_for_its_turn_no_longer_than_the_lock_timeout_in_all(
    app: Samenspraak, other: Samenspraak
) -> None:
    app.turns.wait = 1.0
    threads: list[threading.Thread] = []

    def alone_here_then_there() -> None:
        with app.turns.alone():  # first a thread of this instance, 0.9 s
            time.sleep(0.9)
            threads.append(threading.Thread(target=alone_there))
            threads[-1].start()
            time.sleep(0.05)

    def alone_there() -> None:
        with other.turns.alone():  # then another instance, 2.5 s
            time.sleep(2.5)

    threads.append(threading.Thread(target=alone_here_then_there))
    threads[0].start()
    time.sleep(0.05)
    started = time.monotonic()
    with pytest.raises(StorageError):
        _react(app, "resident-0", "Benches.")
    waited = time.monotonic() - started
    for thread in threads:
        thread.join(timeout=30)
    assert waited < 1.5  # one second in all, not one for each


def test_saves_held_back_by_a_command_waiting_to_go_alone_go_when_it_gives_up(
    app: Samenspraak,
) -> None:
    saving, done = threading.Event(), threading.Event()

    def a_long_save() -> None:
        with app.turns.shared():
            saving.set()
            done.wait(timeout=30)

    long_save = threading.Thread(target=a_long_save)
    long_save.start()
    saving.wait(timeout=5)
    app.turns.wait = 0.3
    waiting_alone = threading.Thread(target=lambda: _give_up_alone(app))
    waiting_alone.start()
    time.sleep(0.1)  # it waits for the long save to end, holding saves back
    app.turns.wait = 10.0
    started = time.monotonic()
    assert _react(app, "resident-0", "Benches.") == 1
    waited = time.monotonic() - started
    done.set()
    long_save.join(timeout=30)
    waiting_alone.join(timeout=30)
    assert waited < 2  # it went when the other gave up, not when the long save ended


def _give_up_alone(app: Samenspraak) -> None:
    with pytest.raises(turns.TurnNotFree), app.turns.alone():
        pass


def test_on_postgresql_a_command_goes_alone_after_the_server_ended_the_session_it_used(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg  # noqa: PLC0415 (PostgreSQL only)

    from samenspraak.application import app as engine  # noqa: PLC0415

    monkeypatch.setattr(engine, "ALONE_FROM", 1)  # every command goes alone
    app = Samenspraak.open(postgres_url)
    try:
        _park(app)
        with psycopg.connect(postgres_url.partition("?")[0], autocommit=True) as db:
            db.execute(  # the session that took the turns (it gave the last back)
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'SELECT pg_advisory_unlock(%' AND pid <> "
                "pg_backend_pid()"
            )
        assert _react(app, "resident-0", "Benches.") == 1
    finally:
        app.close()


def test_a_command_waiting_to_go_alone_when_its_instance_is_closed_says_so(
    app: Samenspraak, other: Samenspraak, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samenspraak.application import app as engine  # noqa: PLC0415

    monkeypatch.setattr(engine, "ALONE_FROM", 1)  # every command goes alone
    said: list[str] = []

    def react() -> None:
        with pytest.raises(StorageError) as closed:
            _react(app, "resident-0", "Benches.")
        said.append(str(closed.value))

    with other.turns.alone():
        waiting = threading.Thread(target=react)
        waiting.start()
        time.sleep(0.3)  # it waits for its turn alone
        app.close()
        waiting.join(timeout=30)
    assert said == ["This instance of the engine was closed; open the record again."]


def test_with_the_aggregate_cache_no_thread_copies_an_aggregate_another_is_bringing_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "samenspraak.db")
    app = Samenspraak.open(db, settings={"AGGREGATE_CACHE_MAXSIZE": "16"})
    writer = Samenspraak.open(db, create=False)
    try:
        _park(app)
        _react(app, "resident-0", "Benches.")  # the plan is in the cache
        _react(writer, "resident-1", "Shade.")  # and behind the record by one event
        seen: list[tuple[str, str]] = []
        copying = threading.Event()
        copied = eventsourcing_application.deepcopy

        def slow_copy(value: Any, *args: Any) -> Any:
            if isinstance(value, Plan) and not copying.is_set():
                seen.append(("copy starts", threading.current_thread().name))
                copying.set()
                time.sleep(0.5)  # another thread asks for the plan meanwhile
                seen.append(("copy ends", threading.current_thread().name))
            return copied(value, *args)

        store = app.repository.event_store
        read = store.get

        def reading(*args: Any, **kwargs: Any) -> Any:
            if kwargs.get("originator_id") == plan_id(initiative_id("park"), "paths"):
                seen.append(("plan read", threading.current_thread().name))
            return read(*args, **kwargs)

        monkeypatch.setattr(eventsourcing_application, "deepcopy", slow_copy)
        monkeypatch.setattr(store, "get", reading)
        first = threading.Thread(
            target=lambda: _react(app, "resident-2", "Trees."), name="first"
        )
        second = threading.Thread(
            target=lambda: _react(app, "resident-3", "Water."), name="second"
        )
        first.start()
        assert copying.wait(timeout=30)
        second.start()
        first.join(timeout=30)
        second.join(timeout=30)
        during = seen[
            seen.index(("copy starts", "first")) : seen.index(("copy ends", "first"))
        ]
        assert ("plan read", "second") not in during
        assert sorted(r.number for r in app.plan_details("park", "paths").reactions) == [
            1, 2, 3, 4
        ]  # fmt: skip
    finally:
        writer.close()
        app.close()


def test_on_postgresql_a_try_that_finds_no_connection_for_its_turn_goes_without_it(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg  # noqa: PLC0415 (PostgreSQL only)

    app = Samenspraak.open(postgres_url)
    try:
        _park(app)

        def server_full() -> Any:
            msg = "FATAL:  sorry, too many clients already"
            raise psycopg.OperationalError(msg)

        monkeypatch.setattr(app.turns._across, "_opened", server_full)
        with app.turns.alone():
            assert _react(app, "resident-0", "Benches.") == 1
        assert len(app.plan_details("park", "paths").reactions) == 1
    finally:
        app.close()


class _ClosedBetweenReads(turns.FileTurns):
    """Turns whose file another thread closes just after a save read that it was
    open: the first read of ``_fd`` gives its number, every later one None."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.reads = 0
        self.number: int | None = None

    @property  # type: ignore[override]
    def _fd(self) -> int | None:
        self.reads += 1
        return self.number if self.reads == 1 else None

    @_fd.setter
    def _fd(self, value: int | None) -> None:
        self.number, self.reads = value, 0


@pytest.mark.parametrize("giving_back", ["unshare", "give"])
def test_a_turn_given_back_while_the_instance_closes_is_given_back_in_silence(
    tmp_path: Path, giving_back: str
) -> None:
    # A web server closing its instance under running requests: a save that gave
    # back its turn read the file's number twice, and the second time it was
    # gone, so the request ended in "TypeError: argument must be an int".
    path = str(tmp_path / f"record.db{TURNS_SUFFIX}")
    opened = turns.FileTurns(path)
    number = opened._open()
    assert number is not None
    racing = _ClosedBetweenReads(path)
    racing._writable = True
    racing._fd = number
    getattr(racing, giving_back)()
    opened.close()
