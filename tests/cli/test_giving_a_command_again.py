"""A script that does not know whether its command was recorded gives it again with
the same ``--command-id``: it is recorded once, and the second time the command
exits with 3, saying when it was recorded."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]

REACT = (
    "plan", "react", "city-centre", "vision", "--version", "1",
    "--stance", "concern", "--text", "Deliveries must still reach the shops.",
)  # fmt: skip


def _reactions(ok: Run, db: Path) -> list[int]:
    shown = ok(db, "plan", "show", "city-centre", "vision", "--json").stdout
    return [r["number"] for r in json.loads(shown)["reactions"]]


def test_a_reaction_given_again_with_its_command_id_exits_with_3_and_is_recorded_once(
    ok: Run, run: Run, stage_copy: Path, event_count: Callable[[Path], int]
) -> None:
    ok(stage_copy, "--command-id", "request-1", *REACT, actor="bakery")
    events = event_count(stage_copy)

    again = run(stage_copy, "--command-id", "request-1", *REACT, actor="bakery")

    assert again.exit_code == 3, again.output
    assert "Traceback" not in again.output
    assert again.stdout == ""
    assert again.stderr.startswith(
        "Error: The command request-1 (react_to_plan) was recorded already, at "
    )
    assert again.stderr.endswith("; it is not recorded again.\n")
    assert event_count(stage_copy) == events
    assert _reactions(ok, stage_copy) == [1]


def test_a_command_id_given_to_another_command_is_refused_naming_the_option(
    ok: Run, refused: Callable[..., str], stage_copy: Path
) -> None:
    ok(stage_copy, "--command-id", "request-2", *REACT, actor="bakery")

    said = refused(
        stage_copy, "--command-id", "request-2", "plan", "note", "city-centre",
        "vision", "--reaction", "1", actor="facilitator",
    )  # fmt: skip

    assert said.startswith(
        "--command-id: request-2 is the id of another command, recorded by "
        "react_to_plan at "
    )
    assert said.endswith("; give note_support an id of its own.")


def test_a_malformed_command_id_is_refused_naming_the_option(
    refused: Callable[..., str], stage_copy: Path
) -> None:
    said = refused(stage_copy, "--command-id", "no spaces", *REACT, actor="bakery")

    assert said == (
        "--command-id: must be 1 to 64 letters, digits, dots, dashes, underscores "
        "and colons, starting with a letter or digit, like a UUID."
    )


def test_a_command_id_given_to_a_command_that_records_none_is_a_usage_error(
    refused: Callable[..., str], stage_copy: Path, tmp_path: Path
) -> None:
    for args in (
        ("initiative", "status", "city-centre"),
        ("tick",),
        ("projections", "rebuild"),
    ):
        said = refused(stage_copy, "--command-id", "request-3", *args, exit_code=2)
        assert said == (
            "--command-id names a command that records something with --as; "
            f"{' '.join(args[:2] if args[0] != 'tick' else args)} takes none."
        )
    said = refused(
        tmp_path / "copy.db", "--command-id", "request-3", "replay", "bundle.zip",
        exit_code=2,
    )  # fmt: skip
    assert said.endswith("replay takes none.")
    assert not (tmp_path / "copy.db").exists()


def test_commands_without_a_command_id_are_recorded_each_time(
    ok: Run, stage_copy: Path
) -> None:
    ok(stage_copy, *REACT, actor="bakery")
    ok(stage_copy, *REACT, actor="bakery")

    assert _reactions(ok, stage_copy) == [1, 2]


def test_the_operator_forgets_the_ids_whose_retries_are_over(
    tmp_path: Path, ok: Run, run: Run, refused: Callable[..., str]
) -> None:
    from datetime import UTC, datetime  # noqa: PLC0415

    from samenspraak.domain.clock import frozen_at  # noqa: PLC0415

    db = tmp_path / "city.db"
    with frozen_at(datetime(2026, 3, 1, 9, 0, tzinfo=UTC)):
        ok(db, "--command-id", "first", "stakeholder", "register", "f", "--name",
           "F", actor="f")  # fmt: skip
    with frozen_at(datetime(2026, 3, 2, 12, 0, tzinfo=UTC)):
        ok(db, "--command-id", "second", "stakeholder", "register", "g", "--name",
           "G", actor="f")  # fmt: skip
        future = refused(db, "forget-command-ids", "--before", "2026-03-03T00:00Z")
        forgot = ok(db, "forget-command-ids", "--before", "2026-03-02T00:00+01:00")
        # the forgotten id is taken again; the one kept is still refused
        ok(db, "--command-id", "first", "stakeholder", "register", "h", "--name", "H",
           actor="f")  # fmt: skip
        kept = run(db, "--command-id", "second", "stakeholder", "register", "g",
                   "--name", "G", actor="f")  # fmt: skip

    assert future == (
        "--before: 2026-03-03T01:00+01:00 lies in the future; the id of a command "
        "recorded from now on must not be forgotten, or its retry would be recorded "
        "again."
    )
    assert forgot.stderr == (  # type: ignore[attr-defined]
        "Forgot 1 command id recorded before 2026-03-02T00:00+01:00.\n"
    )
    assert kept.exit_code == 3
    assert kept.stderr.startswith(
        "Error: The command second (register_stakeholder) was recorded already"
    )
