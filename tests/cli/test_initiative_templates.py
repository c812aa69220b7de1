"""``initiative start --template`` and ``initiative migrate``: an initiative on any
installed template, moved to another one only explicitly, shown in the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import Result

from samenspraak.domain.clock import frozen_at

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
        "omgevingswet, overheidsparticipatie, uitdaagrecht."
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


def test_a_budget_on_version_1_migrated_to_2_in_its_feasibility_check(
    ok: Run,
    refused: Callable[..., str],
    read_json: Callable[..., object],
    tmp_path: Path,
) -> None:
    """On burgerbegroting v1 the facilitator may not add a civil servant to the
    budget plan's group in feasibility-check; migrated to v2 in that phase, they
    may, and the civil servant answers the proposal that is left."""
    db = tmp_path / "t.db"
    day_one = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
    with frozen_at(day_one):
        _registered(ok, db)
        for ref in ("resident", "civil-servant"):
            ok(db, "stakeholder", "register", ref, "--name", ref.title(),
               actor="facilitator")  # fmt: skip
        ok(db, "initiative", "start", "park", "--title", "Burgerbegroting",
           "--description", "EUR 50,000 for the park.", "--area", "The park",
           "--budget", "50000.00", "--level", "co-deciding",
           "--template", "burgerbegroting@1", actor="facilitator")  # fmt: skip
        ok(db, "stakeholder", "join", "park", "resident", "--kind", "resident",
           actor="resident")  # fmt: skip
        ok(db, "group", "form", "park", "team", "--kind", "working", "--name",
           "Team", "--mandate", "The budget plan.", actor="facilitator")  # fmt: skip
        ok(db, "plan", "create", "park", "budget", "--title", "Budget", "--group",
           "team", actor="facilitator")  # fmt: skip
        ok(db, "plan", "propose", "park", "budget", "--text", "Propose!",
           "--changes", "First.", actor="facilitator")  # fmt: skip
        ok(db, "plan", "react", "park", "budget", "--version", "1", "--stance",
           "suggestion", "--text", "Floodlights.", actor="resident")  # fmt: skip
    with frozen_at(day_one + timedelta(days=43)):
        ok(db, "initiative", "advance", "park", actor="facilitator")
        ok(db, "stakeholder", "join", "park", "civil-servant", "--kind",
           "civil-servant", actor="facilitator")  # fmt: skip
        assert refused(db, "group", "add", "park", "team", "civil-servant",
                       actor="facilitator") == (
            "In the phase feasibility-check of park, a facilitator may not add "
            "members to groups; its template lets them do so in the phase "
            "proposals."
        )  # fmt: skip

        migrated = ok(db, "initiative", "migrate", "park", "--template",
                      "burgerbegroting@2", actor="facilitator")  # fmt: skip
        assert migrated.stderr.startswith("park now follows burgerbegroting v2 (hash ")
        status = read_json(db, "initiative", "status", "park")
        assert isinstance(status, dict)
        assert (status["template"]["version"], status["phase"]) == (
            "2",
            "feasibility-check",
        )
        ok(db, "group", "add", "park", "team", "civil-servant", actor="facilitator")
        todo = json.loads(ok(db, "todo", "--json", actor="civil-servant").stdout)
        assert [(i["kind"], i["subject"], i["count"]) for i in todo] == [
            ("unanswered-reactions", "budget", 1)
        ]
        ok(db, "plan", "defend", "park", "budget", "--reaction", "1", "--reasoning",
           "Not feasible: it costs more than the budget.",
           actor="civil-servant")  # fmt: skip
        assert json.loads(ok(db, "todo", "--json", actor="civil-servant").stdout) == []
        ok(db, "initiative", "advance", "park", actor="facilitator")
