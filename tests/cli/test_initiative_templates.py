"""``initiative start --template`` and ``initiative migrate``: an initiative on any
installed template, moved to another one only explicitly, shown in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]

START = (
    "initiative", "start", "harbour", "--title", "Omgevingsplan harbour",
    "--description", "Views on the draft.", "--area", "The harbour",
    "--budget", "0", "--level", "consulting",
)  # fmt: skip


def _registered(ok: Run, db: Path) -> None:
    ok(db, "stakeholder", "register", "facilitator", "--name", "Facilitator",
       actor="facilitator")  # fmt: skip


def test_start_on_a_template_and_migrate_it(
    ok: Run, read_json: Callable[..., object], tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    _registered(ok, db)
    started = ok(db, *START, "--template", "overheidsparticipatie", actor="facilitator")
    assert started.stderr == (
        "Started harbour on overheidsparticipatie v2; you are its facilitator.\n"
    )
    status = read_json(db, "initiative", "status", "harbour")
    assert isinstance(status, dict)
    assert status["template"]["version"] == "2"

    migrated = ok(
        db, "initiative", "migrate", "harbour", "--template", "overheidsparticipatie@1",
        actor="facilitator",
    )  # fmt: skip
    assert migrated.stderr.startswith(
        "harbour now follows overheidsparticipatie v1 (hash 58eef3362305)"
    )
    status = read_json(db, "initiative", "status", "harbour")
    assert isinstance(status, dict)
    assert status["template"]["version"] == "1"
    log = ok(db, "audit", "log", "harbour").stdout
    assert "TemplateMigrated" in log
    assert "Process migrated from overheidsparticipatie v2" in log

    # A name alone is its newest version, and the confirmation says which (spaces
    # around it are no matter).
    back = ok(
        db, "initiative", "migrate", "harbour", "--template", " overheidsparticipatie ",
        actor="facilitator",
    )  # fmt: skip
    assert back.stderr.startswith("harbour now follows overheidsparticipatie v2 (hash ")


def test_an_unknown_template_is_refused_in_one_sentence(
    ok: Run, refused: Callable[..., str], tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    _registered(ok, db)
    assert refused(db, *START, "--template", "inspraak", actor="facilitator") == (
        "No template called inspraak is installed; installed are burgerbegroting, "
        "omgevingswet, overheidsparticipatie."
    )


def test_a_template_named_in_capitals_or_with_spaces_is_the_lower_case_one(
    ok: Run, tmp_path: Path
) -> None:
    shown = ok(tmp_path / "none.db", "template", "show", " OVERHEIDSPARTICIPATIE ")
    assert shown.stdout.startswith("overheidsparticipatie v")
    db = tmp_path / "t.db"
    _registered(ok, db)
    started = ok(
        db, *START, "--template", " Overheidsparticipatie@1", actor="facilitator"
    )
    assert started.stderr == (
        "Started harbour on overheidsparticipatie v1; you are its facilitator.\n"
    )
    migrated = ok(db, "initiative", "migrate", "harbour", "--template",
                  "OVERHEIDSPARTICIPATIE@2 ", actor="facilitator")  # fmt: skip
    assert migrated.stderr.startswith(
        "harbour now follows overheidsparticipatie v2 (hash "
    )
