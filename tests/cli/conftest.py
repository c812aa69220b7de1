"""The command line as a user meets it, driven through click's test runner.

Fixtures hand over databases to run commands against:

- ``demo_db``: the city-centre story played by ``samenspraak demo`` (once per module);
- ``stage_db``: a city centre still in its first phase (society decides), built with
  the CLI itself: the facilitator, a small cast, a steering group and a traffic
  working group, the plan ``vision`` with a first version (once per module);
- ``demo_copy`` / ``stage_copy``: a private copy of either, for tests that write.

Helpers are fixtures too (``run``, ``ok``, ``read_json``, ``refused``,
``event_count``), so the test modules import nothing from here.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from samenspraak.application import Samenspraak
from samenspraak.application.config import DB_VARIABLE
from samenspraak.cli.main import ACTOR_VARIABLE, TEMPLATES_VARIABLE, cli

INITIATIVE = "city-centre"

STAGE_CAST = (
    # ref, name, kind
    ("bakery", "The bakery on the market square", "entrepreneur"),
    ("library", "The public library on the Kerkplein", "institution"),
    ("resident-havenkwartier", "A resident of the Havenkwartier", "resident"),
    ("civil-servant-traffic", "A civil servant for traffic and mobility", "civil-servant"),
)  # fmt: skip
STAGE_STEERING = ("bakery", "library", "resident-havenkwartier")
STAGE_TRAFFIC = ("bakery", "civil-servant-traffic")
VISION_V1 = "The city centre is a place to meet: a car-free market square."

Run = Callable[..., Result]


def _runner() -> CliRunner:
    """A runner that ignores SAMENSPRAAK_DB, _ACTOR and _TEMPLATES of the shell."""
    return CliRunner(
        env={DB_VARIABLE: None, ACTOR_VARIABLE: None, TEMPLATES_VARIABLE: None}
    )


def _run(db: Path, *args: str, actor: str | None = None) -> Result:
    argv = ["--db", str(db)]
    if actor is not None:
        argv += ["--as", actor]
    return _runner().invoke(cli, [*argv, *args])


def _ok(db: Path, *args: str, actor: str | None = None) -> Result:
    result = _run(db, *args, actor=actor)
    assert result.exit_code == 0, (args, result.output, result.exception)
    assert result.exception is None
    assert "Traceback" not in result.output
    return result


def _event_count(db: Path) -> int:
    app = Samenspraak.open(str(db), create=False)
    try:
        return app.stored_event_count()
    finally:
        app.close()


# --- Helpers -------------------------------------------------------------------------


@pytest.fixture
def runner() -> CliRunner:
    """A runner with neither SAMENSPRAAK_DB nor SAMENSPRAAK_ACTOR set."""
    return _runner()


@pytest.fixture
def run() -> Run:
    """``run(db, *args, actor=None)``: invoke ``samenspraak --db DB [--as ACTOR]``."""
    return _run


@pytest.fixture
def ok() -> Run:
    """Like ``run``, and the command must succeed without a traceback."""
    return _ok


@pytest.fixture
def read_json() -> Callable[..., Any]:
    """``read_json(db, *args)``: run a read command with ``--json`` and parse it."""

    def read(db: Path, *args: str) -> Any:
        return json.loads(_ok(db, *args, "--json").stdout)

    return read


@pytest.fixture
def event_count() -> Callable[[Path], int]:
    """How many events the database at this path holds."""
    return _event_count


@pytest.fixture
def refused() -> Callable[..., str]:
    """``refused(db, *args, actor=None, exit_code=1)`` returns the sentence shown.

    A refused command exits with ``exit_code`` (1: the application said no; 2: a
    usage error), never shows a traceback, prints no data on stdout and records no
    event. With exit code 1 stderr is exactly one line, ``Error: <sentence>``.
    """

    def expect(
        db: Path, *args: str, actor: str | None = None, exit_code: int = 1
    ) -> str:
        before = _event_count(db) if db.is_file() else None
        result = _run(db, *args, actor=actor)
        assert result.exit_code == exit_code, (args, result.output, result.exception)
        # A refusal exits on purpose; any other exception is a bug in the adapter.
        assert isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output
        assert result.stdout == ""
        if before is not None:
            assert _event_count(db) == before
        if exit_code == 1:
            lines = result.stderr.splitlines()
            assert len(lines) == 1, result.stderr
            assert lines[0].startswith("Error: "), result.stderr
            return lines[0].removeprefix("Error: ")
        errors = [
            line for line in result.stderr.splitlines() if line.startswith("Error: ")
        ]
        assert len(errors) == 1, result.stderr
        return errors[0].removeprefix("Error: ")

    return expect


# --- Databases -----------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    """The database the demo played into, and what the demo said."""

    db: Path
    stdout: str
    stderr: str
    events: int


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``samenspraak --db demo.db demo``, played once per module."""
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    result = _ok(db, "demo")
    found = re.search(r"^(\d+) events recorded in ", result.stdout, re.MULTILINE)
    assert found, result.stdout
    return Demo(db, result.stdout, result.stderr, int(found.group(1)))


@pytest.fixture(scope="module")
def demo_db(demo: Demo) -> Path:
    return demo.db


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A private copy of the demo's database file, for a test that writes."""
    copy = tmp_path / "demo.db"
    shutil.copy(demo_db, copy)
    return copy


@pytest.fixture(scope="module")
def stage_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The city centre in its first phase, built through the CLI."""
    db = tmp_path_factory.mktemp("stage") / "stage.db"
    f = "facilitator"
    _ok(db, "stakeholder", "register", f, "--name", "The facilitator", actor=f)
    _ok(
        db,
        "initiative",
        "start",
        INITIATIVE,
        "--title",
        "Together for a lively city centre",
        "--description",
        "Residents decide first.",
        "--area",
        "The old town",
        "--budget",
        "250000.00",
        "--level",
        "co-deciding",
        actor=f,
    )
    for ref, name, kind in STAGE_CAST:
        _ok(db, "stakeholder", "register", ref, "--name", name, actor=f)
        _ok(db, "stakeholder", "join", INITIATIVE, ref, "--kind", kind, actor=f)
    for group, kind, members in (
        ("steering-group", "steering", STAGE_STEERING),
        ("traffic", "working", STAGE_TRAFFIC),
    ):
        _ok(
            db,
            "group",
            "form",
            INITIATIVE,
            group,
            "--kind",
            kind,
            "--name",
            f"The {group}",
            "--mandate",
            "Work it out together.",
            actor=f,
        )
        for member in members:
            _ok(db, "group", "add", INITIATIVE, group, member, actor=f)
    _ok(
        db,
        "plan",
        "create",
        INITIATIVE,
        "vision",
        "--title",
        "Vision for the city centre",
        "--group",
        "steering-group",
        actor="bakery",
    )
    _ok(
        db,
        "plan",
        "propose",
        INITIATIVE,
        "vision",
        "--text",
        VISION_V1,
        "--changes",
        "First draft.",
        actor="bakery",
    )
    return db


@pytest.fixture
def stage_copy(stage_db: Path, tmp_path: Path) -> Path:
    """A private copy of the first-phase city centre, for a test that writes."""
    copy = tmp_path / "stage.db"
    shutil.copy(stage_db, copy)
    return copy


@pytest.fixture
def traffic_plan_proposed(tmp_path: Path, ok: Callable[..., object]) -> Path:
    """A record of the city centre, started by the facilitator, whose working
    group's traffic plan has its version 1, proposed on 12 January 2026 at 09:00
    UTC."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from samenspraak.domain import clock  # noqa: PLC0415

    db, cc, f = tmp_path / "samenspraak.db", "city-centre", "facilitator"
    with clock.frozen_at(datetime(2026, 1, 12, 9, 0, tzinfo=UTC)):
        ok(db, "stakeholder", "register", f, "--name", "The facilitator", actor=f)
        ok(db, "initiative", "start", cc, "--title", "The centre", "--description",
           "Residents decide first.", "--area", "The old town", "--budget", "0",
           "--level", "co-deciding", actor=f)  # fmt: skip
        ok(db, "group", "form", cc, "traffic", "--kind", "working", "--name",
           "Traffic", "--mandate", "A traffic plan.", actor=f)  # fmt: skip
        ok(db, "plan", "create", cc, "traffic", "--title", "Traffic plan", "--group",
           "traffic", actor=f)  # fmt: skip
        ok(db, "plan", "propose", cc, "traffic", "--text", "Draft.", "--changes",
           "First.", actor=f)  # fmt: skip
    return db
