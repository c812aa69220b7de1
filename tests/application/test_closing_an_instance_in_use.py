"""A web server closes its instance when it shuts down, while requests may still be
running on its other threads: those calls end, in words, and the process goes on."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak, StorageError

CLOSED = "This instance of the engine was closed; open the record again."

REQUESTS_WHILE_CLOSING = textwrap.dedent(
    """
    import sys, threading, time
    from samenspraak.application import Samenspraak, SamenspraakError

    db = sys.argv[1]
    with Samenspraak.open(db) as app:
        app.register_stakeholder({"actor": "facilitator", "stakeholder": "facilitator",
                                  "name": "The facilitator"})
        app.start_initiative({"actor": "facilitator", "initiative": "city-centre",
                              "title": "The city centre", "description": "What next.",
                              "area": "The old town", "budget": "0",
                              "level": "co-deciding"})
    said = set()
    for round in range(4):
        app = Samenspraak.open(db)
        stop = threading.Event()

        def serve(worker):
            n = 0
            while not stop.is_set():
                n += 1
                ref = f"resident-{round}-{worker}-{n}"
                try:
                    app.register_stakeholder({"actor": ref, "stakeholder": ref,
                                              "name": "A resident"})
                    app.join_initiative({"actor": ref, "initiative": "city-centre",
                                         "stakeholder": ref, "kind": "resident"})
                    app.initiative_status("city-centre")
                    app.audit_log("city-centre", actor=ref)
                except SamenspraakError as refusal:
                    said.add(str(refusal))

        workers = [threading.Thread(target=serve, args=(w,)) for w in range(4)]
        for worker in workers:
            worker.start()
        time.sleep(0.4)
        app.close()
        stop.set()
        for worker in workers:
            worker.join()
    print(sorted(said))
    """
)


def test_closing_an_instance_while_its_threads_run_requests_ends_them_in_words(
    tmp_path: Path,
) -> None:
    # In a process of its own: closing a SQLite connection under a statement that
    # another thread runs on it crashes the interpreter.
    done = subprocess.run(
        [sys.executable, "-c", REQUESTS_WHILE_CLOSING, str(tmp_path / "city.db")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # No thread ended in a traceback either (a turn given back as the instance
    # closed once ended in "TypeError: argument must be an int").
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stdout.strip() in ("[]", repr([CLOSED]))
    with Samenspraak.open(tmp_path / "city.db", create=False) as again:
        assert again.verify_audit().intact
        assert again.verify_projections().intact


def test_a_query_running_when_its_instance_is_closed_still_answers(
    story: tuple[Samenspraak, object, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from samenspraak.application import reading  # noqa: PLC0415

    app, _, _ = story
    phase = app.initiative_status("city-centre").phase
    read = threading.Event()
    outline = reading.outline

    def slowly(*args: Any, **kwargs: Any) -> Any:
        read.set()
        time.sleep(0.5)  # meanwhile, the instance is closed
        return outline(*args, **kwargs)

    monkeypatch.setattr(reading, "outline", slowly)
    answered: list[str] = []

    def ask() -> None:
        try:
            answered.append(app.initiative_status("city-centre").phase)
        except StorageError as refusal:
            answered.append(str(refusal))

    asking = threading.Thread(target=ask)
    asking.start()
    assert read.wait(timeout=30)
    app.close()
    asking.join(timeout=30)
    assert answered == [phase]
    with pytest.raises(StorageError) as refused:
        app.initiative_status("city-centre")
    assert str(refused.value) == CLOSED


def test_a_closed_instance_opens_no_with_block_and_no_turn_alone(url: str) -> None:
    app = Samenspraak.open(url)
    app.close()
    with pytest.raises(StorageError) as refused, app:
        pass
    assert str(refused.value) == CLOSED
    with pytest.raises(StorageError) as refused, app.turns.alone():
        pass
    assert str(refused.value) == CLOSED


FORKED_WORKER = textwrap.dedent(
    """
    import os, sys
    from samenspraak.application import Samenspraak, SamenspraakError

    app = Samenspraak.open(sys.argv[1])
    app.register_stakeholder({"actor": "facilitator", "stakeholder": "facilitator",
                              "name": "The facilitator"})
    child = os.fork()  # a server that opened it before forking its workers
    if child == 0:
        try:
            app.register_stakeholder({"actor": "bakery", "stakeholder": "bakery",
                                      "name": "The bakery"})
            print("the worker recorded with its parent's connections")
        except SamenspraakError as refusal:
            print(type(refusal).__name__, refusal)
        sys.stdout.flush()
        sys.exit(0)  # (its instance is collected, as a worker's is when it ends)
    os.waitpid(child, 0)
    app.register_stakeholder({"actor": "bakery", "stakeholder": "bakery",
                              "name": "The bakery"})
    print("the parent recorded")
    app.close()
    """
)


def test_a_worker_forked_from_the_process_that_opened_an_instance_opens_its_own(
    url: str,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", FORKED_WORKER, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    said = done.stdout.splitlines()
    assert said[0] == (
        "StorageError This instance of the engine was opened by another process, "
        "which this one was forked from; open the record again in this process."
    )
    assert said[1:] == ["the parent recorded"]  # not refused: the bakery was not in


@pytest.mark.parametrize(
    ("use_case", "command"),
    [
        ("erase_stakeholder", {"actor": "bakery", "stakeholder": "bakery"}),
        (
            "correct_stakeholder",
            {"actor": "bakery", "stakeholder": "bakery", "name": "The bakery, renamed"},
        ),
    ],
)
def test_an_erasure_or_correction_recorded_as_its_instance_closes_returns_what_it_recorded(
    small_centre: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    use_case: str,
    command: dict[str, Any],
) -> None:
    """Once its events are saved, an erasure (or a correction) empties SQLite's
    write-ahead log of what it overwrote. Closing the instance waits for that too:
    it once closed the connections under it, and the erasure, recorded, ended in
    a raw ConnectionPoolClosedError instead of returning."""
    from samenspraak.application.persistence import (  # noqa: PLC0415
        SQLiteSamenspraakRecorder,
    )

    app = small_centre({"bakery": "entrepreneur"})
    release = SQLiteSamenspraakRecorder.release_what_was_erased
    saved, closed = threading.Event(), threading.Event()

    def once_closed(self: SQLiteSamenspraakRecorder) -> bool:
        saved.set()
        # Closing waits for this call, so this waits out its second; a close
        # that does not wait has closed the connections by then.
        closed.wait(timeout=1)
        return release(self)

    monkeypatch.setattr(
        SQLiteSamenspraakRecorder, "release_what_was_erased", once_closed
    )
    answered: list[object] = []

    def give() -> None:
        try:
            answered.append(getattr(app, use_case)(command))
        except Exception as error:  # what the caller would get
            answered.append(error)

    giving = threading.Thread(target=give)
    giving.start()
    assert saved.wait(timeout=30)
    closing = threading.Thread(target=lambda: (app.close(), closed.set()))
    closing.start()
    giving.join(timeout=30)
    closing.join(timeout=30)
    assert closed.is_set()
    assert [type(a).__name__ for a in answered] == [
        "Erasure" if use_case == "erase_stakeholder" else "Correction"
    ], answered
    assert answered[0].released  # type: ignore[attr-defined]
    with Samenspraak.open(tmp_path / "samenspraak.db", create=False) as again:
        assert again.verify_audit().intact
        assert again.verify_projections().intact
