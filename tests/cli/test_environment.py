"""SAMENSPRAAK_DB and SAMENSPRAAK_ACTOR stand in for --db and --as; the options win."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from samenspraak.cli.main import cli
from samenspraak.domain import rules

ReadJson = Callable[..., Any]

CITY = "city-centre"


def _runner(db: Path | str | None = None, actor: str | None = None) -> CliRunner:
    return CliRunner(
        env={
            "SAMENSPRAAK_DB": None if db is None else str(db),
            "SAMENSPRAAK_ACTOR": actor,
        }
    )


def _no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_samenspraak_db_names_the_database_for_a_read_command(demo_db: Path) -> None:
    result = _runner(db=demo_db).invoke(cli, ["initiative", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert [i["initiative"] for i in json.loads(result.stdout)] == [CITY]


def test_samenspraak_db_and_samenspraak_actor_give_a_command_without_options(
    stage_copy: Path, read_json: ReadJson
) -> None:
    result = _runner(db=stage_copy, actor="facilitator").invoke(
        cli, ["initiative", "advance", CITY]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == "city-centre is now in the phase colleagues-join.\n"
    assert (
        read_json(stage_copy, "initiative", "status", CITY)["phase"]
        == "colleagues-join"
    )


def test_samenspraak_actor_is_who_acts(
    stage_copy: Path, event_count: Callable[[Path], int]
) -> None:
    before = event_count(stage_copy)
    result = _runner(db=stage_copy, actor="bakery").invoke(
        cli, ["initiative", "advance", CITY]
    )
    _no_traceback(result)
    assert result.exit_code == 1
    sentence = rules.only_the_facilitator_shapes_the_initiative.sentence(
        initiative=CITY, action="advance its phase"
    )
    assert result.stderr == f"Error: {sentence}\n"
    assert event_count(stage_copy) == before


def test_the_as_option_wins_over_samenspraak_actor(stage_copy: Path) -> None:
    result = _runner(db=stage_copy, actor="bakery").invoke(
        cli, ["--as", "facilitator", "initiative", "advance", CITY]
    )
    assert result.exit_code == 0, result.output


def test_the_db_option_wins_over_samenspraak_db(demo_db: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.db"
    result = _runner(db=elsewhere).invoke(
        cli, ["--db", str(demo_db), "plan", "list", CITY, "--json"]
    )
    assert result.exit_code == 0, result.output
    assert [p["plan"] for p in json.loads(result.stdout)] == ["vision", "traffic-plan"]
    assert not elsewhere.exists()


def test_a_missing_database_named_by_samenspraak_db_is_reported_by_that_name(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "missing.db"
    result = _runner(db=missing).invoke(cli, ["initiative", "status", CITY])
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: There is no samenspraak database at {missing};"
    )
    assert not missing.exists()


def test_without_db_or_samenspraak_db_the_database_is_samenspraak_db_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _runner().invoke(cli, ["initiative", "list"])
    _no_traceback(result)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: There is no samenspraak database at samenspraak.db;"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_demo_plays_into_an_existing_empty_file(
    tmp_path: Path, event_count: Callable[[Path], int]
) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    result = _runner(db=db).invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert event_count(db) > 50


def test_a_first_command_that_needs_a_record_makes_no_file_and_the_demo_plays_there(
    tmp_path: Path, event_count: Callable[[Path], int]
) -> None:
    db = tmp_path / "new.db"
    refused = _runner(db=db).invoke(
        cli, ["--as", "nobody", "initiative", "start", "a", "--title", "T",
              "--description", "D", "--area", "A", "--budget", "1",
              "--level", "co-deciding"]
    )  # fmt: skip
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"Error: There is no samenspraak database at {db}; registering a "
        "stakeholder creates one (samenspraak --as REF stakeholder register REF "
        "--name NAME).\n"
    )
    assert not db.exists()
    result = _runner(db=db).invoke(cli, ["demo"])
    assert result.exit_code == 0, result.output
    assert event_count(db) > 50
    again = _runner(db=db).invoke(cli, ["demo"])
    assert again.exit_code == 1
    assert "already holds a record" in again.stderr
    notes = tmp_path / "notes.db"
    notes.write_text("My notes.\n", encoding="utf-8")
    not_ours = _runner(db=notes).invoke(cli, ["demo"])
    assert not_ours.exit_code == 1
    assert "already exists" in not_ours.stderr
    assert notes.read_text(encoding="utf-8") == "My notes.\n"


@pytest.mark.parametrize(
    "variable",
    [
        "SAMENSPRAAK_SQLITE_DBNAME",
        "SQLITE_DBNAME",
        "PERSISTENCE_MODULE",
        "CREATE_TABLE",
    ],
)
def test_settings_of_the_event_sourcing_library_in_the_environment_move_nothing(
    demo_db: Path, tmp_path: Path, variable: str
) -> None:
    """The library the engine is built on reads its settings from the environment,
    and a backend built on it may have them set; --db still says where the record
    is."""
    other = tmp_path / "other.db"
    value = {"PERSISTENCE_MODULE": "eventsourcing.popo", "CREATE_TABLE": "no"}.get(
        variable, str(other)
    )
    runner = CliRunner(
        env={"SAMENSPRAAK_DB": None, "SAMENSPRAAK_ACTOR": None, variable: value}
    )
    result = runner.invoke(cli, ["--db", str(demo_db), "initiative", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert [i["initiative"] for i in json.loads(result.stdout)] == [CITY]
    assert not other.exists()
    fresh = tmp_path / "fresh.db"
    made = runner.invoke(
        cli, ["--db", str(fresh), "--as", "f", "stakeholder", "register", "f",
              "--name", "F"]
    )  # fmt: skip
    assert made.exit_code == 0, made.output


def test_an_empty_samenspraak_db_counts_as_unset_and_an_empty_db_option_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SAMENSPRAAK_DB set to nothing the default file in the current folder
    is meant; ``--db ""`` names no database and is refused in a sentence."""
    monkeypatch.chdir(tmp_path)
    unset = _runner(db="").invoke(cli, ["initiative", "list"])
    refused = _runner().invoke(cli, ["--db", "", "initiative", "list"])
    assert (unset.exit_code, unset.stderr) == (
        1,
        "Error: There is no samenspraak database at samenspraak.db; registering a "
        "stakeholder creates one (samenspraak --as REF stakeholder register REF "
        "--name NAME).\n",
    )
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Error: No database is named: give a SQLite file path or a postgresql:// "
        "URL.\n",
    )
    _no_traceback(unset)
    _no_traceback(refused)
    assert list(tmp_path.iterdir()) == []
