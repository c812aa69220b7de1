"""Two catch-ups at once are safe: a batch is written only when it starts where its
view ends, so the loser of a race finds the work done and carries on; the views end
equal to a clean rebuild and every event is applied once."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak
from samenspraak.projections import views as views_module
from samenspraak.projections.views import Item, StaleBatch, catch_up

EVENTS = 70

RACING_CATCH_UP = """
import json, pathlib, sys, time
from samenspraak.application import Samenspraak
from samenspraak.projections.views import StaleBatch, catch_up

db, go, batch = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3])
app = Samenspraak.open(db, create=False)
stale = {}
for view in app.views:
    original = view.write_batch
    def counting(expected, items, original=original, name=view.view_name):
        try:
            original(expected, items)
        except StaleBatch:
            stale[name] = stale.get(name, 0) + 1
            raise
    view.write_batch = counting
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
applied = {
    view.view_name: catch_up(app.recorder, app.mapper, view, batch_size=batch)
    for view in app.views
}
app.close()
print(json.dumps({"applied": applied, "stale": stale}), flush=True)
"""


def clear_all(db: Path) -> None:
    app = Samenspraak.open(str(db), create=False)
    try:
        for view in app.views:
            view.clear()
    finally:
        app.close()


@pytest.fixture
def opened(story_db: Path) -> Iterator[Callable[[], Samenspraak]]:
    """``opened()``: another application on the story's file, closed afterwards."""
    apps: list[Samenspraak] = []

    def open_one() -> Samenspraak:
        app = Samenspraak.open(str(story_db), create=False)
        apps.append(app)
        return app

    yield open_one
    for app in apps:
        app.close()


def test_two_processes_catching_up_the_same_file_end_equal_to_a_clean_rebuild(
    story_db: Path,
    tmp_path: Path,
    reference: dict[str, Any],
    dump_views: Callable[[Path], Any],
) -> None:
    clear_all(story_db)
    go = tmp_path / "go"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RACING_CATCH_UP, str(story_db), str(go), "2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [process.communicate(timeout=60) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:  # pragma: no cover (only when a test fails)
                process.kill()
                process.wait()
    # Neither process raised: the loser of each race carried on.
    for process, (_stdout, stderr) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, stderr
        assert stderr == ""
    reports = [json.loads(stdout) for stdout, _ in outputs]
    for name in reference:
        # Every event was applied once, by one or the other.
        assert sum(r["applied"][name] for r in reports) == EVENTS, reports
    assert dump_views(story_db) == reference


def test_two_threads_each_with_its_own_application_end_equal_to_a_clean_rebuild(
    story_db: Path,
    reference: dict[str, Any],
    dump_views: Callable[[Path], Any],
    opened: Callable[[], Samenspraak],
) -> None:
    clear_all(story_db)
    apps = [opened(), opened()]
    start = threading.Barrier(2)
    applied: list[dict[str, int]] = [{}, {}]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        app = apps[index]
        try:
            start.wait(timeout=10)
            for view in app.views:
                applied[index][view.view_name] = catch_up(
                    app.recorder, app.mapper, view, batch_size=3
                )
        except BaseException as error:  # pragma: no cover (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for name in reference:
        assert applied[0][name] + applied[1][name] == EVENTS
    assert dump_views(story_db) == reference


@pytest.mark.parametrize("attr", ["state", "audit", "responses"])
def test_a_batch_that_does_not_start_where_the_view_ends_raises_stale_batch_and_writes_nothing(
    story_db: Path,
    dump_views: Callable[[Path], Any],
    opened: Callable[[], Samenspraak],
    attr: str,
) -> None:
    app = opened()
    app.catch_up()
    view = getattr(app, attr)
    notifications = app.recorder.select_notifications(start=1, limit=EVENTS)
    items = [Item(n, app.mapper.to_domain_event(n)) for n in notifications]
    before = dump_views(story_db)
    # Behind the view (the work was done), ahead of it (a gap), and one short.
    for expected, batch in (
        (0, items[:3]),
        (100, items[-2:]),
        (EVENTS - 1, items[-1:]),
    ):
        with pytest.raises(StaleBatch):
            view.write_batch(expected, batch)
        assert dump_views(story_db) == before
    assert view.position() == EVENTS

    # An empty view refuses a batch that would leave a gap.
    view.clear()
    emptied = dump_views(story_db)
    with pytest.raises(StaleBatch):
        view.write_batch(5, items[5:8])
    assert dump_views(story_db) == emptied
    assert view.position() == 0


def test_a_catch_up_after_another_did_the_work_applies_nothing(
    story_db: Path,
    reference: dict[str, Any],
    dump_views: Callable[[Path], Any],
    opened: Callable[[], Samenspraak],
) -> None:
    clear_all(story_db)
    first, second = opened(), opened()
    assert first.catch_up() == dict.fromkeys(reference, EVENTS)
    for view in second.views:
        assert catch_up(second.recorder, second.mapper, view, batch_size=4) == 0
    assert second.catch_up() == dict.fromkeys(reference, 0)
    assert dump_views(story_db) == reference


@pytest.mark.parametrize("attr", ["state", "audit", "responses"])
def test_the_loser_of_a_race_continues_from_where_the_winner_ended(
    story_db: Path,
    reference: dict[str, Any],
    dump_views: Callable[[Path], Any],
    view_names: dict[str, str],
    opened: Callable[[], Samenspraak],
    monkeypatch: pytest.MonkeyPatch,
    attr: str,
) -> None:
    """The winner wrote events 1..30 after the loser read its position (20); the
    loser's first batch (21..25) is stale, so it re-reads the position and
    applies 31..70 only."""
    name = view_names[attr]
    clear_all(story_db)
    winner, loser = opened(), opened()
    notifications = winner.recorder.select_notifications(start=1, limit=30)
    items = [Item(n, winner.mapper.to_domain_event(n)) for n in notifications]
    getattr(winner, attr).write_batch(0, items)

    view = getattr(loser, attr)
    real_position = view.position
    answers = iter([20])
    monkeypatch.setattr(
        view, "position", lambda: next(answers, None) or real_position()
    )
    stale: list[int] = []
    real_write = views_module.write_batches

    def write_batches(views: Any, expected: Any, batch: Any) -> None:
        try:
            real_write(views, expected, batch)
        except StaleBatch:
            stale.append(expected[view])
            raise

    monkeypatch.setattr(views_module, "write_batches", write_batches)
    assert catch_up(loser.recorder, loser.mapper, view, batch_size=5) == EVENTS - 30
    assert stale == [20]
    assert dump_views(story_db)[name] == reference[name]
