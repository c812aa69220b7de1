"""Crash and resume: a catch-up that dies part-way leaves each view exactly as it was
after the last batch it wrote, and the next catch-up ends where a clean rebuild
does: no duplicates, no gaps, for each of the three views."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak
from samenspraak.projections.state import ProcessStateProjector
from samenspraak.projections.views import catch_up

VIEWS = ["state", "audit", "responses"]
EVENTS = 70


class Crash(Exception):
    """The fault injected into a catch-up."""


class LogUpTo:
    """The application recorder, as if the log ended at ``end``."""

    def __init__(self, recorder: Any, end: int) -> None:
        self.recorder = recorder
        self.end = end

    def select_notifications(self, *args: Any, **kwargs: Any) -> list[Any]:
        found = self.recorder.select_notifications(*args, **kwargs)
        return [n for n in found if n.id <= self.end]


def cleared(db: Path, attr: str) -> None:
    """Empty one view of the database (as a rebuild starts)."""
    app = Samenspraak.open(str(db), create=False)
    try:
        getattr(app, attr).clear()
    finally:
        app.close()


def built_up_to(db: Path, attr: str, end: int) -> None:
    """Build one view cleanly from the first ``end`` events of the log."""
    app = Samenspraak.open(str(db), create=False)
    try:
        view = getattr(app, attr)
        view.clear()
        catch_up(LogUpTo(app.recorder, end), app.mapper, view, batch_size=500)
    finally:
        app.close()


def resumed(db: Path, attr: str, name: str) -> int:
    """Restart: a new application on the file catches everything up."""
    app = Samenspraak.open(str(db), create=False)
    try:
        return app.catch_up()[name]
    finally:
        app.close()


@pytest.mark.parametrize("attr", VIEWS)
@pytest.mark.parametrize("crash_on_batch", [1, 3, 7])
def test_a_catch_up_failing_mid_batch_resumes_to_exactly_a_clean_rebuild(
    story_db: Path,
    tmp_path: Path,
    pristine: Any,
    reference: dict[str, Any],
    dump_views: Callable[[Path], Any],
    copy_db: Callable[[Path, Path], Path],
    view_names: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    attr: str,
    crash_on_batch: int,
) -> None:
    name = view_names[attr]
    batch = 10
    done = (crash_on_batch - 1) * batch
    cleared(story_db, attr)

    app = Samenspraak.open(str(story_db), create=False)
    try:
        view = getattr(app, attr)
        original = view._write
        calls = 0

        def faulty(c: Any, items: Sequence[Any]) -> None:
            nonlocal calls
            calls += 1
            if calls == crash_on_batch:
                # Half the batch reaches the database, then the catch-up dies.
                original(c, items[: len(items) // 2])
                raise Crash
            original(c, items)

        monkeypatch.setattr(view, "_write", faulty)
        with pytest.raises(Crash):
            catch_up(app.recorder, app.mapper, view, batch_size=batch)
        assert view.position() == done
    finally:
        app.close()

    # What is left is the view of exactly the first `done` events: the failed
    # batch left nothing behind.
    expected = copy_db(pristine.db, tmp_path / "expected.db")
    built_up_to(expected, attr, done)
    after_crash = dump_views(story_db)[name]
    assert after_crash == dump_views(expected)[name]
    assert after_crash["tracking"] == [(name, done)]
    if attr == "audit":
        positions = [r[0] for r in after_crash["view_audit_trail"]]
        assert sorted(positions) == list(range(1, done + 1))

    assert resumed(story_db, attr, name) == EVENTS - done
    assert dump_views(story_db)[name] == reference[name]
    # Catching up again finds nothing to do.
    assert resumed(story_db, attr, name) == 0
    assert dump_views(story_db)[name] == reference[name]


def test_the_process_state_projector_failing_on_one_event_writes_none_of_its_batch(
    story_db: Path,
    reference: dict[str, Any],
    dump_views: Callable[[Path], Any],
    view_names: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = view_names["state"]
    cleared(story_db, "state")

    class Failing(ProcessStateProjector):
        applied = 0

        def apply_known(
            self,
            document: dict[str, Any],
            event: Any,
            *,
            kind: str,
            name: str,
            aggregate: str,
            position: int,
            at: str | None = None,
        ) -> list[str]:
            Failing.applied += 1
            if Failing.applied == 25:
                raise Crash
            return super().apply_known(
                document,
                event,
                kind=kind,
                name=name,
                aggregate=aggregate,
                position=position,
                at=at,
            )

    app = Samenspraak.open(str(story_db), create=False)
    try:
        monkeypatch.setattr(app.state, "projector", Failing())
        with pytest.raises(Crash):
            catch_up(app.recorder, app.mapper, app.state, batch_size=8)
        # Batches 1..24 were written; the batch holding event 25 was not.
        assert app.state.position() == 24
        document = app.state.documents()[0]
        assert document["last_position"] == 24
        assert document["events"] == 24
    finally:
        app.close()
    assert resumed(story_db, "state", name) == EVENTS - 24
    assert dump_views(story_db)[name] == reference[name]


DYING_CATCH_UP = """
import os, sys
from samenspraak.application import Samenspraak
from samenspraak.projections.views import catch_up

db, attr, dies_in = sys.argv[1], sys.argv[2], int(sys.argv[3])
app = Samenspraak.open(db, create=False)
view = getattr(app, attr)
original = view._write
calls = 0

def dying(c, items):
    global calls
    calls += 1
    original(c, items)
    if calls == dies_in:
        os._exit(9)  # killed after writing the batch's rows, before the commit

view._write = dying
catch_up(app.recorder, app.mapper, view, batch_size=5)
"""


@pytest.mark.parametrize("attr", VIEWS)
def test_a_catch_up_process_killed_mid_batch_resumes_to_exactly_a_clean_rebuild(
    story_db: Path,
    reference: dict[str, Any],
    dump_views: Callable[[Path], Any],
    view_names: dict[str, str],
    attr: str,
) -> None:
    name = view_names[attr]
    cleared(story_db, attr)
    killed = subprocess.run(
        [sys.executable, "-c", DYING_CATCH_UP, str(story_db), attr, "3"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert killed.returncode == 9, killed.stderr
    assert dump_views(story_db)[name]["tracking"] == [(name, 10)]
    assert resumed(story_db, attr, name) == EVENTS - 10
    assert dump_views(story_db)[name] == reference[name]
