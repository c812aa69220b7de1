"""Fixtures for the read models, the audit chain and time travel.

The city-centre story is played once per session into a SQLite file (``pristine``);
each test that writes gets its own copy (``story_db``). A clean rebuild of the views
of that same file (``reference``) is what every crash, resume and race must end up
equal to.

Helpers are fixtures too (``run``, ``dump_views``, ``copy_db``), so the test modules
import nothing from here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from samenspraak.application import Samenspraak
from samenspraak.application.config import DB_VARIABLE
from samenspraak.application.story import StoryRecord, play
from samenspraak.cli.main import ACTOR_VARIABLE, cli

STATE = "samenspraak.view.process-state"
AUDIT = "samenspraak.view.audit-trail"
RESPONSES = "samenspraak.view.response-report"

VIEW_TABLES: dict[str, list[str]] = {
    STATE: ["view_process_state", "view_process_owners"],
    AUDIT: ["view_audit_trail", "view_audit_heads", "view_audit_owners"],
    RESPONSES: ["view_responses", "view_response_plans"],
}
"""Every table of every view, by the name the view tracks under."""

Dump = dict[str, dict[str, list[tuple[Any, ...]]]]


@dataclass(frozen=True)
class Story:
    """The story played once: its database file, what it passed, how many events."""

    db: Path
    record: StoryRecord
    events: int


def _copy(source: Path, target: Path) -> Path:
    """A consistent copy of a SQLite file (through SQLite's backup, WAL included)."""
    with (
        sqlite3.connect(source) as src,
        sqlite3.connect(target) as dst,
    ):
        src.backup(dst)
    src.close()
    dst.close()
    return target


def _dump(db: Path) -> Dump:
    """Every row of every view table and each view's tracking position, read with
    sqlite3 directly (not through the views), in a stable order."""
    connection = sqlite3.connect(db)
    try:
        dump: Dump = {}
        for view, tables in VIEW_TABLES.items():
            dump[view] = {}
            for table in tables:
                rows = connection.execute(f"SELECT * FROM {table}").fetchall()
                dump[view][table] = sorted(rows, key=repr)
            dump[view]["tracking"] = connection.execute(
                "SELECT application_name, notification_id FROM tracking "
                "WHERE application_name = ?",
                [view],
            ).fetchall()
        return dump
    finally:
        connection.close()


def _run(db: Path, *args: str) -> Result:
    runner = CliRunner(env={DB_VARIABLE: None, ACTOR_VARIABLE: None})
    return runner.invoke(cli, ["--db", str(db), *args])


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Story:
    """The whole city-centre story, played once into a SQLite file (read only)."""
    db = tmp_path_factory.mktemp("pristine") / "story.db"
    app = Samenspraak.open(str(db))
    try:
        record = play(app, say=lambda line: None)
        events = app.stored_event_count()
    finally:
        app.close()
    return Story(db, record, events)


@pytest.fixture
def story_db(pristine: Story, tmp_path: Path) -> Path:
    """A private copy of the story's database at ``tmp_path / "story.db"``."""
    return _copy(pristine.db, tmp_path / "story.db")


@pytest.fixture(scope="module")
def shared_db(pristine: Story, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the story's database shared by a module's tests that only read
    (reading catches the views up, which changes no answer)."""
    return _copy(pristine.db, tmp_path_factory.mktemp("shared") / "story.db")


@pytest.fixture(scope="session")
def reference(pristine: Story, tmp_path_factory: pytest.TempPathFactory) -> Dump:
    """The views of the story after a clean rebuild from the whole log."""
    db = _copy(pristine.db, tmp_path_factory.mktemp("reference") / "story.db")
    app = Samenspraak.open(str(db))
    try:
        app.rebuild_projections()
    finally:
        app.close()
    return _dump(db)


@pytest.fixture
def dump_views() -> Callable[[Path], Dump]:
    """``dump_views(db)``: every view table's rows and each view's position."""
    return _dump


@pytest.fixture
def copy_db() -> Callable[[Path, Path], Path]:
    """``copy_db(source, target)``: a consistent copy of a SQLite database file."""
    return _copy


@pytest.fixture
def run() -> Callable[..., Result]:
    """``run(db, *args)``: invoke ``samenspraak --db DB *args`` through click."""
    return _run


@pytest.fixture
def view_names() -> dict[str, str]:
    """The tracking names of the three views, by the application's attribute."""
    return {"state": STATE, "audit": AUDIT, "responses": RESPONSES}
