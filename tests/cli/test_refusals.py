"""A refused command says why in one sentence, exits non-zero and records nothing.

Exit code 1 when the application refuses (a rule, an unknown reference, a malformed
value); exit code 2 for click's usage errors (an unknown choice, a missing option,
nobody saying who they are). Every case checks, through the ``refused`` fixture: the
exit code, one ``Error:`` line on stderr, nothing on stdout, no traceback, and the
same number of events in the database as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from samenspraak.cli.main import STOPPED, cli, main
from samenspraak.domain import rules

Run = Callable[..., Result]
Refused = Callable[..., str]

CITY = "city-centre"
F = "facilitator"


def _react(
    *extra: str, plan: str = "traffic-plan", text: str = "Too early."
) -> tuple[str, ...]:
    return (
        "plan",
        "react",
        CITY,
        plan,
        "--version",
        "1",
        "--stance",
        "concern",
        "--text",
        text,
        *extra,
    )


def _hold(start: str) -> tuple[str, ...]:
    return (
        "meeting",
        "hold",
        CITY,
        "--start",
        start,
        "--kind",
        "walk-in",
        "--place",
        "The library",
        "--attendance",
        "12",
        "--summary",
        "A walk-in afternoon.",
    )


def _allocate(amount: str) -> tuple[str, ...]:
    return (
        "initiative",
        "allocate",
        CITY,
        "--amount",
        amount,
        "--purpose",
        "Bicycle parking",
        "--decision",
        "budget-first-part",
    )


# --- The application refuses: exit code 1 ---------------------------------------------


def test_a_reaction_to_an_unknown_plan_is_refused(
    refused: Refused, demo_copy: Path
) -> None:
    sentence = refused(demo_copy, *_react(plan="parking-plan"), actor="bakery")
    assert sentence == "city-centre has no plan called parking-plan."


def test_showing_an_unknown_plan_is_refused(refused: Refused, demo_db: Path) -> None:
    sentence = refused(demo_db, "plan", "show", CITY, "parking-plan")
    assert sentence == "city-centre has no plan called parking-plan."


def test_an_unknown_initiative_is_refused(refused: Refused, demo_db: Path) -> None:
    assert (
        refused(demo_db, "initiative", "status", "old-harbour")
        == "There is no initiative called old-harbour."
    )


def test_an_empty_reaction_is_refused(refused: Refused, stage_copy: Path) -> None:
    sentence = refused(stage_copy, *_react(plan="vision", text=""), actor="bakery")
    assert sentence == "--text: must not be empty."


def test_every_option_at_fault_is_named_so_that_all_are_mended_at_once(
    refused: Refused, demo_db: Path
) -> None:
    # It said "(and 2 more problems)", so that each had to be found by trying.
    sentence = refused(
        demo_db, "initiative", "start", "harbour", "--title", "", "--description",
        "", "--area", "The harbour", "--budget", "1e5", "--level", "informing",
        actor="facilitator",
    )  # fmt: skip
    assert sentence == (
        "--title: must not be empty (--description and --budget are at fault too)."
    )


def test_a_position_given_at_a_time_without_its_timezone_names_the_option(
    refused: Refused, demo_db: Path
) -> None:
    # It named the engine's field, given_at, which the command line has not.
    sentence = refused(
        demo_db, "decision", "take", "city-centre", "budget-first-part",
        "market-square", "--for", "library", "--given", "2026-01-01T10:00",
        actor="facilitator",
    )  # fmt: skip
    assert sentence == "--given: needs its timezone, like 2026-04-09T19:30+02:00."


def test_a_reaction_of_only_spaces_is_refused(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy, *_react(plan="vision", text="   \n  "), actor="bakery"
    )
    assert sentence == "--text: must not be empty."


def test_a_reaction_of_a_megabyte_is_refused_as_too_long(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy, *_react(plan="vision", text="x" * 1_000_000), actor="bakery"
    )
    assert sentence == "--text: is too long (at most 20000 characters)."


def test_a_draft_of_a_megabyte_is_refused_as_too_long(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy,
        "plan",
        "propose",
        CITY,
        "vision",
        "--text",
        "x" * 1_000_000,
        "--changes",
        "Everything.",
        actor="bakery",
    )
    assert sentence == "--text: is too long (at most 200000 characters)."


def test_an_unknown_actor_is_refused(refused: Refused, demo_copy: Path) -> None:
    assert (
        refused(demo_copy, *_react(), actor="nobody")
        == "No stakeholder is registered as nobody."
    )


def test_someone_not_registered_who_registers_another_is_told_to_register_first(
    refused: Refused, demo_copy: Path
) -> None:
    sentence = refused(
        demo_copy,
        "stakeholder",
        "register",
        "neighbour",
        "--name",
        "A neighbour",
        actor="newcomer",
    )
    assert sentence == (
        "No stakeholder is registered as newcomer, and only a registered "
        "stakeholder registers others: register newcomer first, or let neighbour "
        "register themselves."
    )


def test_an_actor_whose_reference_looks_erased_but_names_no_one_is_unknown(
    refused: Refused, demo_copy: Path
) -> None:
    assert (
        refused(demo_copy, *_react(), actor="erased-zzzz")
        == "No stakeholder is registered as erased-zzzz."
    )


def test_an_actor_that_is_no_reference_is_refused(
    refused: Refused, demo_copy: Path
) -> None:
    sentence = refused(demo_copy, *_react(), actor="Not A Ref!")
    assert (
        sentence
        == "--as: must be a reference of lower-case letters, digits and dashes, "
        "like not-a-ref."
    )


@pytest.mark.parametrize(
    ("args", "option", "like"),
    [
        (
            ("plan", "react", CITY, "vision", "--version", "1", "--stance",
             "support", "--text", "Yes.", "--channel", "letter", "--for",
             "The Bakery"),
            "--for", "the-bakery",
        ),
        (
            ("plan", "create", CITY, "parking", "--title", "Parking", "--group",
             "Traffic Group"),
            "--group", "traffic-group",
        ),
        (
            ("initiative", "allocate", CITY, "--amount", "10.00", "--purpose",
             "Benches", "--decision", "First Priority"),
            "--decision", "first-priority",
        ),
        (
            ("implementation", "add", CITY, "benches", "--title", "Benches",
             "--owner", "The Bakery"),
            "--owner", "the-bakery",
        ),
        (
            ("implementation", "add", CITY, "benches", "--title", "Benches",
             "--group", "Traffic Group"),
            "--group", "traffic-group",
        ),
        (("audit", "log", CITY, "--plan", "Traffic Plan"), "--plan", "traffic-plan"),
        (
            ("audit", "log", CITY, "--decision", "First Priority"),
            "--decision", "first-priority",
        ),
    ],
)  # fmt: skip
def test_a_name_given_to_an_option_that_takes_a_reference_is_refused_naming_the_option(
    refused: Refused, demo_copy: Path, args: tuple[str, ...], option: str, like: str
) -> None:
    sentence = refused(demo_copy, *args, actor=F)
    assert sentence == (
        f"{option}: must be a reference of lower-case letters, digits and dashes, "
        f"like {like}."
    )


def test_a_malformed_date_is_refused(refused: Refused, demo_copy: Path) -> None:
    sentence = refused(demo_copy, *_hold("2026-13-01"), actor=F)
    assert sentence == (
        "--start: names a month that does not exist; write it like "
        "2026-04-09T19:30+02:00."
    )


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        ("2026-02-30T20:00+01:00", "names a day that month does not have"),
        (
            "2026-02-03T25:30+01:00",
            "is not a date and time with its timezone (a part of it is out of range "
            "or there is more after it)",
        ),
        ("yesterday", "is not a whole date and time with its timezone"),
    ],
)
def test_a_date_that_cannot_be_read_is_refused_in_words(
    refused: Refused, demo_copy: Path, start: str, problem: str
) -> None:
    sentence = refused(demo_copy, *_hold(start), actor=F)
    assert sentence == f"--start: {problem}; write it like 2026-04-09T19:30+02:00."


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--budget", "-1", "must not be negative"),
        ("--budget", "1" * 26, "is too large (at most 13 digits before the cents)"),
        ("--budget", "1" * 14, "is too large (at most 13 digits before the cents)"),
    ],
)
def test_a_budget_that_cannot_be_is_refused_in_words(
    refused: Refused, demo_copy: Path, option: str, value: str, problem: str
) -> None:
    sentence = refused(
        demo_copy, "initiative", "start", "harbour", "--title", "T",
        "--description", "D", "--area", "A", "--level", "consulting",
        option, value, actor=F,
    )  # fmt: skip
    assert sentence == f"{option}: {problem}."


def test_a_version_is_a_whole_number(refused: Refused, demo_copy: Path) -> None:
    sentence = refused(
        demo_copy, "plan", "react", "city-centre", "vision", "--version", "v1",
        "--stance", "support", "--text", "T", actor="bakery",
    )  # fmt: skip
    assert sentence == "--version: must be a whole number, like 2."


def test_a_reference_that_is_too_long_says_so(
    refused: Refused, demo_copy: Path
) -> None:
    sentence = refused(
        demo_copy, "stakeholder", "register", "a" * 65, "--name", "A", actor=F
    )
    assert sentence.endswith(": is too long (a reference has at most 64 characters).")


@pytest.mark.parametrize("start", ["0001-01-01T00:30+01:00", "9999-12-31T23:59+00:00"])
def test_a_moment_at_the_edge_of_the_calendar_is_refused(
    refused: Callable[..., str], demo_copy: Path, start: str
) -> None:
    # In UTC or in Dutch time these fall outside the calendar a datetime can hold.
    sentence = refused(demo_copy, *_hold(start), actor=F)
    assert sentence == "--start: must be a moment between the years 1900 and 2999."


@pytest.mark.parametrize(
    ("start", "problem"),
    [
        (
            "2026-02-03T19:30+01",
            "gives its offset in hours alone (+01), without its minutes",
        ),
        ("2026-02-03T19:30 CET", "names its timezone (CET) where its offset belongs"),
        ("2026-02-03T19:30 Europe/Amsterdam", "names its timezone (Europe/Amsterdam) "
         "where its offset belongs"),
    ],
)  # fmt: skip
def test_a_timezone_written_as_a_name_or_in_hours_alone_is_refused_saying_so(
    refused: Refused, demo_copy: Path, start: str, problem: str
) -> None:
    """A facilitator who writes +01 or CET is told what to change, not that a part
    of the time is out of range or that there is more after it."""
    sentence = refused(demo_copy, *_hold(start), actor=F)
    assert sentence == f"--start: {problem}; write it like 2026-04-09T19:30+02:00."


def test_a_time_without_timezone_is_refused(refused: Refused, demo_copy: Path) -> None:
    sentence = refused(demo_copy, *_hold("2026-04-09T19:30"), actor=F)
    assert sentence == "--start: needs its timezone, like 2026-04-09T19:30+02:00."


def test_a_closing_time_without_timezone_is_refused(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy,
        "decision",
        "put",
        CITY,
        "first-priority",
        "--question",
        "What first?",
        "--option",
        "a=A",
        "--option",
        "b=B",
        "--eligible",
        "resident",
        "--rule",
        "majority",
        "--closes-at",
        "2099-02-28T23:59",
        actor=F,
    )
    assert sentence == "--closes-at: needs its timezone, like 2026-04-09T19:30+02:00."


def test_an_amount_with_a_decimal_comma_is_refused(
    refused: Refused, demo_copy: Path
) -> None:
    assert (
        refused(demo_copy, *_allocate("12,50"), actor=F)
        == "--amount: must be an amount in euros, like 1250.00 (a dot before the cents)."
    )


def test_an_amount_with_three_decimals_is_refused(
    refused: Refused, demo_copy: Path
) -> None:
    sentence = refused(demo_copy, *_allocate("12.505"), actor=F)
    assert (
        sentence
        == "--amount: has more than two decimals; give whole cents, like 1250.50."
    )


def test_a_budget_with_a_decimal_comma_is_refused(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy,
        "initiative",
        "start",
        "old-harbour",
        "--title",
        "The old harbour",
        "--description",
        "Boats.",
        "--area",
        "The harbour",
        "--budget",
        "250.000,00",
        "--level",
        "advising",
        actor=F,
    )
    assert sentence == (
        "--budget: must be an amount in euros, like 1250.00 (a dot before the cents)."
    )


def test_an_allocation_over_the_budget_is_refused(
    refused: Refused, demo_copy: Path
) -> None:
    # The demo allocated EUR 150,000.00 of EUR 250,000.00.
    sentence = refused(demo_copy, *_allocate("100000.01"), actor=F)
    assert sentence == rules.allocations_stay_within_the_budget.sentence(
        amount="100000.01", initiative=CITY, total="250000.01", budget="250000.00"
    )


def test_a_civil_servant_reacting_in_the_first_phase_hears_that_society_decides_first(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy, *_react(plan="vision"), actor="civil-servant-traffic"
    )
    assert sentence.startswith("Society decides first")
    # The refusal's sentence reaches the user unchanged.
    assert sentence == rules.society_decides_first.sentence(
        action="react to plans", initiative=CITY
    )


def test_finalising_a_plan_with_unanswered_reactions_is_refused(
    refused: Refused, ok: Run, stage_copy: Path
) -> None:
    assert ok(stage_copy, *_react(plan="vision"), actor="bakery").stdout == "1\n"
    assert ok(stage_copy, *_react(plan="vision"), actor="library").stdout == "2\n"
    sentence = refused(stage_copy, "plan", "finalise", CITY, "vision", actor=F)
    assert sentence == "vision cannot be finalised while reactions 1, 2 are unanswered."


def test_noting_a_concern_as_support_is_refused(
    refused: Refused, ok: Run, stage_copy: Path
) -> None:
    ok(stage_copy, *_react(plan="vision"), actor="library")
    sentence = refused(
        stage_copy, "plan", "note", CITY, "vision", "--reaction", "1", actor="bakery"
    )
    assert sentence == rules.only_support_is_noted.sentence(
        reaction=1, stance="concern"
    )


def test_a_command_on_a_closed_initiative_is_refused(
    refused: Refused, ok: Run, stage_copy: Path
) -> None:
    ok(stage_copy, "initiative", "close", CITY, "--outcome", "Done.", actor=F)
    sentence = refused(stage_copy, *_react(plan="vision"), actor="bakery")
    assert sentence == rules.a_closed_initiative_takes_no_commands.sentence(
        initiative=CITY
    )


def test_someone_else_than_the_facilitator_advancing_the_phase_is_refused(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(stage_copy, "initiative", "advance", CITY, actor="bakery")
    assert sentence == rules.only_the_facilitator_shapes_the_initiative.sentence(
        initiative=CITY, action="advance its phase"
    )


def test_starting_an_initiative_twice_is_refused(
    refused: Refused, demo_copy: Path
) -> None:
    sentence = refused(
        demo_copy,
        "initiative",
        "start",
        CITY,
        "--title",
        "Again",
        "--description",
        "Again.",
        "--area",
        "Here",
        "--budget",
        "1.00",
        "--level",
        "informing",
        actor=F,
    )
    assert sentence == "An initiative called city-centre already exists."


def test_a_bad_sha256_for_the_council_is_refused(
    refused: Refused, demo_copy: Path
) -> None:
    sentence = refused(
        demo_copy,
        "council",
        "inform",
        CITY,
        "--title",
        "A note",
        "--sha256",
        "abc123",
        "--session",
        "letter",
        actor=F,
    )
    assert sentence == "--sha256: must be a SHA-256: 64 hexadecimal digits."


def test_a_read_command_on_a_missing_database_says_so_and_creates_nothing(
    refused: Refused, tmp_path: Path
) -> None:
    db = tmp_path / "missing.db"
    sentence = refused(db, "initiative", "status", CITY)
    assert sentence == (
        f"There is no samenspraak database at {db}; registering a stakeholder "
        "creates one (samenspraak --as REF stakeholder register REF --name NAME)."
    )
    assert not db.exists()
    assert sorted(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", "No database is named: give a SQLite file path or a postgresql:// URL."),
        (" ", "No database is named: give a SQLite file path or a postgresql:// URL."),
        (
            "mysql://someone@localhost/db",
            "samenspraak keeps its record in a SQLite file or in PostgreSQL "
            "(postgresql://...), not in mysql://.",
        ),
        ("{folder}", "{folder} is a folder; give the path of a SQLite file, like "
         "{folder}/samenspraak.db."),
        (":memory:", "--db :memory: would keep the record in memory, and lose it "
         "when the command ends; give a SQLite file path or a postgresql:// URL."),
        ("postgresql://someone:s3cret@localhost:99999/db",
         "The port in 'postgresql://someone:***@localhost:99999/db' is not a port "
         "number (1 to 65535); a / or @ in a password is written %2F or %40."),
        ("postgresql://someone:s3/cr@et@localhost/db",
         "The port in 'postgresql://someone:***@localhost/db' is not a port "
         "number (1 to 65535); a / or @ in a password is written %2F or %40."),
        ("postgresql://someone@[::1/db",
         "postgresql://someone@[::1/db is not a URL that can be read: Invalid IPv6 "
         "URL."),
    ],
    ids=["empty", "blank", "another database", "a folder", "in memory",
         "a password", "a password with / and @", "an unclosed address"],
)  # fmt: skip
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
def test_a_database_name_that_names_no_database_is_refused_and_creates_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    expected: str,
    write: bool,
) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    args = (
        ["--as", "bakery", "stakeholder", "register", "bakery", "--name", "The bakery"]
        if write
        else ["initiative", "list"]
    )
    runner = CliRunner(env={"SAMENSPRAAK_DB": None, "SAMENSPRAAK_ACTOR": None})
    result = runner.invoke(cli, ["--db", name.format(folder=folder), *args])
    assert result.exit_code == 1, result.output
    assert result.stderr == f"Error: {expected.format(folder=folder)}\n"
    assert result.stdout == ""
    assert list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["records"]


@pytest.mark.parametrize(
    "args",
    [
        ("initiative", "list"),
        ("plan", "show", CITY, "vision"),
        ("decision", "list", CITY),
        ("council", "list", CITY, "--json"),
    ],
    ids=" ".join,
)
def test_no_read_command_creates_a_missing_database(
    refused: Refused, tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = tmp_path / "missing.db"
    assert refused(db, *args).startswith("There is no samenspraak database at ")
    assert sorted(tmp_path.iterdir()) == []


def test_playing_the_demo_twice_on_the_same_database_is_refused(
    refused: Refused, run: Run, event_count: Callable[[Path], int], tmp_path: Path
) -> None:
    db = tmp_path / "twice.db"
    first = run(db, "demo")
    assert first.exit_code == 0, first.output
    events = event_count(db)
    sentence = refused(db, "demo")
    assert sentence == (
        f"{db} already holds a record; the demo plays into a fresh database: "
        "remove it or pass another --db."
    )
    assert event_count(db) == events


# --- Usage errors: exit code 2 ------------------------------------------------------------


def test_an_invalid_stance_is_a_usage_error(
    refused: Refused, run: Run, stage_copy: Path
) -> None:
    args = list(_react(plan="vision"))
    args[args.index("concern")] = "angry"
    sentence = refused(stage_copy, *args, actor="bakery", exit_code=2)
    assert "Invalid value for '--stance'" in sentence
    assert (
        "'angry' is not one of 'support', 'concern', 'objection', 'suggestion'"
        in sentence
    )
    assert "Usage: " in run(stage_copy, *args, actor="bakery").stderr


@pytest.mark.parametrize(
    ("args", "beyond", "sentence"),
    [
        (("implementation", "progress", CITY, "benches", "--percent"), "101",
         "Invalid value for '--percent': must be a whole number from 0 to 100."),
        (("plan", "period", CITY, "vision", "--days"), "0",
         "Invalid value for '--days': must be a whole number from 1 to 3650."),
        (("implementation", "add", CITY, "benches", "--title", "Benches", "--owner",
          "bakery", "--allocation"), "0",
         "Invalid value for '--allocation': must be a whole number, 1 or more."),
    ],
)  # fmt: skip
def test_a_number_the_command_line_checks_says_in_words_what_it_must_be(
    refused: Refused,
    stage_copy: Path,
    args: tuple[str, ...],
    beyond: str,
    sentence: str,
) -> None:
    for value in ("x", "4.5", "-1", beyond):
        assert refused(stage_copy, *args, value, actor=F, exit_code=2) == sentence


def test_a_write_command_without_as_is_a_usage_error(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(stage_copy, *_react(plan="vision"), exit_code=2)
    assert sentence == "Say who you are with --as REF (or SAMENSPRAAK_ACTOR)."


def test_an_actor_of_only_spaces_is_a_usage_error_as_no_actor_is(
    refused: Refused, stage_copy: Path
) -> None:
    expected = "Say who you are with --as REF (or SAMENSPRAAK_ACTOR)."
    assert refused(stage_copy, "todo", actor=" ", exit_code=2) == expected
    result = CliRunner(
        env={"SAMENSPRAAK_DB": str(stage_copy), "SAMENSPRAAK_ACTOR": "  "}
    ).invoke(cli, ["plan", "note", CITY, "vision", "--reaction", "1"])
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: {expected}\n")


def test_a_global_option_after_the_command_is_a_usage_error_saying_it_goes_before(
    refused: Refused, demo_db: Path
) -> None:
    before = (
        "Global options (--db, --as, --templates, --command-id) go before the command"
    )
    assert refused(demo_db, "todo", "--as", "bakery", exit_code=2) == (
        f"No such option '--as'. {before}: samenspraak --as bakery todo"
    )
    assert refused(demo_db, "initiative", "status", CITY, "--db", "d.db",
                   exit_code=2) == (
        f"No such option '--db'. {before}: samenspraak --db d.db initiative status ..."
    )  # fmt: skip
    assert refused(demo_db, "report", CITY, "--templates=my dir", exit_code=2) == (
        f"No such option '--templates'. {before}: "
        "samenspraak '--templates=my dir' report ..."
    )
    assert refused(demo_db, "todo", "--as", exit_code=2) == (
        f"No such option '--as'. {before}: samenspraak --as REF todo"
    )
    assert refused(demo_db, "todo", "--bogus", exit_code=2) == (
        "No such option '--bogus'."
    )


def test_a_missing_required_option_is_a_usage_error(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy,
        "plan",
        "react",
        CITY,
        "vision",
        "--version",
        "1",
        actor="bakery",
        exit_code=2,
    )
    assert sentence.startswith("Missing option '--stance'")


def test_a_draft_given_twice_is_a_usage_error(
    refused: Refused, stage_copy: Path, tmp_path: Path
) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("A draft.", encoding="utf-8")
    sentence = refused(
        stage_copy,
        "plan",
        "propose",
        CITY,
        "vision",
        "--text",
        "A draft.",
        "--text-file",
        str(draft),
        "--changes",
        "Both.",
        actor="bakery",
        exit_code=2,
    )
    assert sentence == "Give either --text or --text-file, not both."


def test_a_draft_file_that_cannot_be_read_is_a_usage_error(
    refused: Refused, stage_copy: Path, tmp_path: Path
) -> None:
    sentence = refused(
        stage_copy,
        "plan",
        "propose",
        CITY,
        "vision",
        "--text-file",
        str(tmp_path / "nowhere.txt"),
        "--changes",
        "None.",
        actor="bakery",
        exit_code=2,
    )
    assert (
        sentence
        == f"Cannot read {tmp_path / 'nowhere.txt'}: no such file or directory."
    )
    binary = tmp_path / "draft.pdf"
    binary.write_bytes(b"%PDF-1.7\n\xff\xfe\x00")
    sentence = refused(
        stage_copy, "plan", "propose", CITY, "vision", "--text-file", str(binary),
        "--changes", "None.", actor="bakery", exit_code=2,
    )  # fmt: skip
    assert sentence == f"Cannot read {binary}: it is not UTF-8 text."
    too_long = tmp_path / "draft.txt"
    too_long.write_text("a" * 200_001, encoding="utf-8")
    sentence = refused(
        stage_copy, "plan", "propose", CITY, "vision", "--text-file", str(too_long),
        "--changes", "None.", actor="bakery",
    )  # fmt: skip
    assert sentence == "--text-file: is too long (at most 200000 characters)."


def test_a_draft_without_text_is_a_usage_error(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy,
        "plan",
        "propose",
        CITY,
        "vision",
        "--changes",
        "None.",
        actor="bakery",
        exit_code=2,
    )
    assert sentence == "Give the draft with --text or --text-file."


def test_an_option_without_a_label_is_a_usage_error(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy,
        "decision",
        "put",
        CITY,
        "first-priority",
        "--question",
        "What first?",
        "--option",
        "square",
        "--eligible",
        "resident",
        "--rule",
        "plurality",
        actor=F,
        exit_code=2,
    )
    assert sentence == "An option is given as KEY=LABEL; 'square' has no '='."


def test_a_decision_point_put_to_the_facilitator_is_a_usage_error_naming_the_kinds(
    refused: Refused, stage_copy: Path
) -> None:
    sentence = refused(
        stage_copy, "decision", "put", CITY, "first-priority", "--question",
        "What first?", "--option", "square=A square", "--option", "green=Green",
        "--eligible", "resident", "--eligible", "Facilitator", "--rule", "plurality",
        actor=F, exit_code=2,
    )  # fmt: skip
    assert sentence == (
        "Invalid value for '--eligible': 'Facilitator' is not one of 'resident', "
        "'entrepreneur', 'institution', 'civil-servant', 'council-member'."
    )


def test_the_council_document_is_given_exactly_once(
    refused: Refused, stage_copy: Path, tmp_path: Path
) -> None:
    document = tmp_path / "vision.pdf"
    document.write_bytes(b"%PDF")
    base = ("council", "inform", CITY, "--title", "Vision", "--session", "informal")
    expected = "Give the document with either --document FILE or --sha256 HEX."
    assert refused(stage_copy, *base, actor=F, exit_code=2) == expected
    both = ("--document", str(document), "--sha256", "a" * 64)
    assert refused(stage_copy, *base, *both, actor=F, exit_code=2) == (
        "Give the document with either --document FILE or --sha256 HEX, not both."
    )


def test_a_council_document_that_does_not_exist_is_a_usage_error(
    refused: Refused, stage_copy: Path, tmp_path: Path
) -> None:
    sentence = refused(
        stage_copy,
        "council",
        "inform",
        CITY,
        "--title",
        "Vision",
        "--document",
        str(tmp_path / "nowhere.pdf"),
        "--session",
        "informal",
        actor=F,
        exit_code=2,
    )
    assert (
        sentence
        == f"Cannot read {tmp_path / 'nowhere.pdf'}: no such file or directory."
    )


# --- Known bugs --------------------------------------------------------------------------


def test_a_write_command_without_as_creates_no_database(
    run: Run, tmp_path: Path
) -> None:
    db = tmp_path / "fresh.db"
    result = run(db, "stakeholder", "register", F, "--name", "The facilitator")
    assert result.exit_code == 2
    assert not db.exists()


def test_a_file_that_is_not_a_database_is_refused_in_one_sentence(
    run: Run, tmp_path: Path
) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("These are my notes, not a database.\n" * 50, encoding="utf-8")
    result = run(junk, "initiative", "list")
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.stderr.startswith("Error: The database cannot be opened")


def test_the_console_script_turns_any_unexpected_error_into_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("These are my notes, not a database.\n" * 50, encoding="utf-8")
    monkeypatch.delenv("SAMENSPRAAK_DB", raising=False)
    monkeypatch.delenv("SAMENSPRAAK_ACTOR", raising=False)
    monkeypatch.setattr(
        "sys.argv", ["samenspraak", "--db", str(junk), "initiative", "list"]
    )
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ")
    assert junk.read_text(encoding="utf-8").startswith("These are my notes")


def test_an_unexpected_error_shows_its_traceback_only_when_asked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fails(**_: Any) -> None:
        msg = "a fault in the engine"
        raise RuntimeError(msg)

    monkeypatch.setattr("samenspraak.cli.main.cli.main", fails)
    monkeypatch.delenv("SAMENSPRAAK_DEBUG", raising=False)
    for debug in (None, "1"):
        if debug:
            monkeypatch.setenv("SAMENSPRAAK_DEBUG", debug)
        with pytest.raises(SystemExit) as exited:
            main()
        assert exited.value.code == 1
        err = capsys.readouterr().err
        first, *rest = err.splitlines()
        said = "Error: an unexpected RuntimeError stopped the command: a fault in the engine"
        if debug:
            assert first == f"{said}."
            assert rest[0] == "Traceback (most recent call last):"
            assert rest[-1] == "RuntimeError: a fault in the engine"
        else:
            assert first == f"{said} (SAMENSPRAAK_DEBUG=1 shows the details)."
            assert rest == []


def test_a_missing_choice_option_names_its_choices_in_one_line(
    run: Run, refused: Refused, demo_copy: Path
) -> None:
    args = ("decision", "put", CITY, "more-benches", "--question", "Where?",
            "--option", "a=Here", "--option", "b=There", "--rule", "plurality")  # fmt: skip
    sentence = refused(demo_copy, *args, actor=F, exit_code=2)
    assert sentence == (
        "Missing option '--eligible'. Choose from: resident, entrepreneur, "
        "institution, civil-servant, council-member."
    )
    assert "\t" not in run(demo_copy, *args, actor=F).stderr


def test_the_demo_does_not_play_into_a_file_of_another_program(
    run: Run, tmp_path: Path
) -> None:
    import sqlite3  # noqa: PLC0415

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE mine (x)")
    result = run(other, "demo")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {other} already exists;")
    with sqlite3.connect(other) as connection:
        tables = connection.execute("SELECT name FROM sqlite_schema").fetchall()
    assert tables == [("mine",)]


def test_an_empty_output_name_is_a_usage_error(run: Run, demo_copy: Path) -> None:
    result = run(demo_copy, "report", "city-centre", "-o", "")
    assert result.exit_code == 2
    assert "needs the name of a file to write." in result.stderr


def test_an_empty_text_file_is_named_as_the_problem(
    run: Run, demo_copy: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", "utf-8")
    result = run(
        demo_copy, "plan", "propose", "city-centre", "traffic-plan",
        "--text-file", str(empty), "--changes", "X", actor=F,
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.endswith(
        f"Error: {empty} is empty: --text-file needs a file with the text in it.\n"
    )


def test_a_templates_folder_that_is_not_there_is_refused_by_reading_and_writing(
    refused: Refused, demo_copy: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "no-templates"
    for args in (
        ("initiative", "status", CITY),
        ("initiative", "advance", CITY),
        ("diagram", "overheidsparticipatie"),
    ):
        sentence = refused(demo_copy, "--templates", str(missing), *args, actor=F)
        assert sentence == (
            f"{missing}: is not a folder of template files (set by --templates or "
            "SAMENSPRAAK_TEMPLATES)."
        )


def test_a_budget_of_minus_zero_is_a_budget_of_zero(
    ok: Run, read_json: Callable[..., Any], tmp_path: Path
) -> None:
    db = tmp_path / "zero.db"
    ok(db, "stakeholder", "register", F, "--name", "A facilitator", actor=F)
    ok(db, "initiative", "start", "zero", "--title", "Nothing to spend",
       "--description", "A process without a budget.", "--area", "The old town",
       "--budget", "-0", "--level", "consulting", actor=F)  # fmt: skip
    assert read_json(db, "initiative", "status", "zero")["budget"] == "0.00"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_is_said_in_one_sentence(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SAMENSPRAAK_DB", raising=False)
    monkeypatch.setattr(
        "sys.argv", ["samenspraak", "--db", str(demo_db), "audit", "log", CITY]
    )
    with open("/dev/full", "w", encoding="utf-8") as full:
        monkeypatch.setattr("sys.stdout", full)
        with pytest.raises(SystemExit) as exited:
            main()
        monkeypatch.undo()
    assert exited.value.code == 1
    _, err = capsys.readouterr()
    assert err == "Error: Cannot write the output: no space left on device.\n"


def test_a_file_that_fails_unforeseen_is_named_with_why(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def unreadable(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", "/srv/records/city.db")

    monkeypatch.delenv("SAMENSPRAAK_DB", raising=False)
    monkeypatch.setattr("samenspraak.cli.audit.table", unreadable)
    monkeypatch.setattr(
        "sys.argv", ["samenspraak", "--db", str(demo_db), "audit", "log", CITY]
    )
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    _, err = capsys.readouterr()
    assert err == "Error: /srv/records/city.db: permission denied.\n"


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("stakeholder", "join", CITY, "bakery", "--kind", "entrepreneur"),
         "bakery has already joined city-centre."),
        (("group", "add", CITY, "steering-group", "bakery"),
         "bakery is already a member of steering-group."),
        (("group", "remove", CITY, "steering-group", "housing-corporation"),
         "housing-corporation is not a member of steering-group."),
    ],
    ids=["joined twice", "added twice", "removed without being a member"],
)  # fmt: skip
def test_a_refusal_about_a_stakeholder_names_them_by_their_reference(
    refused: Refused, demo_copy: Path, args: tuple[str, ...], sentence: str
) -> None:
    assert refused(demo_copy, *args, actor=F) == sentence


KILLED_DURING_VERIFY = """
import os, signal, sys
import samenspraak.application.app as app_module
from samenspraak.cli.main import main

def killed(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGTERM)
    raise AssertionError("SIGTERM did not stop the command")

app_module.rebuild_all = killed
sys.argv = ["samenspraak", "--db", sys.argv[1], "projections", "verify"]
main()
"""


def test_a_command_ended_by_kill_says_so_and_leaves_no_temporary_files(
    demo_copy: Path, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    ended = subprocess.run(
        [sys.executable, "-c", KILLED_DURING_VERIFY, str(demo_copy)],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
        check=False,
        timeout=120,
    )
    assert ended.returncode == 128 + signal.SIGTERM, ended.stderr
    assert ended.stderr.splitlines() == [STOPPED]
    assert ended.stdout == ""
    assert list(scratch.iterdir()) == []  # the scratch views' folder is gone


@pytest.mark.parametrize(
    ("actor", "args", "option"),
    [
        (None, ("--as", F, "--as", "bakery", "group", "form", CITY, "twice",
                "--kind", "working", "--name", "T", "--mandate", "M"), "--as"),
        (F, ("stakeholder", "register", "twice", "--name", "A", "--name", "B"),
         "--name"),
        ("bakery", ("plan", "withdraw", CITY, "vision", "--reaction", "1",
                    "--reaction", "2"), "--reaction"),
        (F, ("decision", "put", CITY, "twice", "--question", "Q?", "--option", "a=A",
             "--option", "b=B", "--eligible", "resident", "--rule", "majority",
             "--rule=consensus"), "--rule"),
    ],
)  # fmt: skip
def test_an_option_that_takes_one_value_given_twice_is_a_usage_error(
    refused: Refused,
    demo_copy: Path,
    actor: str | None,
    args: tuple[str, ...],
    option: str,
) -> None:
    sentence = refused(demo_copy, *args, actor=actor, exit_code=2)
    assert sentence == f"Option '{option}' is given more than once; give it once."


def test_an_empty_council_document_is_refused_whether_given_as_a_file_or_a_hash(
    refused: Refused, stage_copy: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    base = ("council", "inform", CITY, "--title", "Vision", "--session", "informal")
    assert refused(
        stage_copy, *base, "--document", str(empty), actor=F, exit_code=2
    ) == (f"{empty} is empty: --document needs the document itself.")
    nothing = hashlib.sha256(b"").hexdigest()
    assert refused(stage_copy, *base, "--sha256", nothing, actor=F) == (
        "--sha256: is the SHA-256 of an empty file, not of a document."
    )


def test_someone_erased_is_erased_again_only_for_texts_still_kept(
    ok: Run, refused: Refused, demo_copy: Path
) -> None:
    ok(demo_copy, "stakeholder", "leave", CITY, "bakery", actor=F)
    erased = ok(demo_copy, "stakeholder", "erase", "bakery", "--json", actor=F)
    now_named = json.loads(erased.stdout)["now_named"]
    assert refused(demo_copy, "stakeholder", "erase", now_named, actor=F) == (
        f"The personal data of {now_named} was erased already; only the texts they "
        f"gave are left to erase (samenspraak stakeholder erase {now_named} "
        "--with-texts)."
    )
    again = ok(demo_copy, "stakeholder", "erase", now_named, "--with-texts", actor=F)
    assert "Erased the personal data" in again.stderr
    assert refused(
        demo_copy, "stakeholder", "erase", now_named, "--with-texts", actor=F
    ) == (
        f"The personal data of {now_named} and the texts they gave were erased "
        "already; nothing is left to erase."
    )


@pytest.mark.parametrize(
    "command",
    [
        ("intervention", "record", CITY, "--kind", "connection", "--note", "Met."),
        ("announcement", "record", CITY, "--channel", "letter", "--audience", "All"),
        (
            "council",
            "inform",
            CITY,
            "--title",
            "A letter",
            "--sha256",
            "a" * 64,
            "--session",
            "letter",
        ),
        ("council", "follow-up", CITY, "--informing", "2", "--summary", "Noted."),
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_an_empty_when_is_refused_rather_than_taken_for_now(
    refused: Refused, demo_copy: Path, command: tuple[str, ...]
) -> None:
    # A script's unset variable (--when "$when") must not record the moment the
    # command ran as the moment it happened.
    sentence = refused(demo_copy, *command, "--when", "", actor=F)
    assert sentence.startswith("--when: "), sentence


@pytest.mark.parametrize(
    ("actor", "name"),
    [("facilitator", ""), ("someone-else", "The facilitator")],
    ids=["malformed name", "refused by a rule"],
)
def test_a_refused_first_registration_leaves_no_database_behind(
    refused: Refused, tmp_path: Path, actor: str, name: str
) -> None:
    db = tmp_path / "mistyped.db"
    refused(db, "stakeholder", "register", F, "--name", name, actor=actor)
    assert sorted(tmp_path.iterdir()) == []


def test_a_refused_registration_keeps_the_empty_file_that_was_there(
    run: Run, tmp_path: Path
) -> None:
    db = tmp_path / "prepared.db"
    db.touch()
    result = run(db, "stakeholder", "register", F, "--name", "", actor=F)
    assert result.exit_code == 1
    assert db.is_file()


def test_a_text_in_bytes_of_another_encoding_is_refused_in_words_and_nothing_recorded(
    demo_copy: Path, read_json
) -> None:
    """A terminal set to Latin-1 passes a place with an é as the byte 0xE9."""
    before = read_json(demo_copy, "meeting", "list", CITY)
    ended = subprocess.run(
        [sys.executable.encode(), b"-m", b"samenspraak.cli.main",
         b"--db", bytes(demo_copy), b"--as", F.encode(), b"meeting", b"hold",
         CITY.encode(), b"--start", b"2026-02-01T19:00+01:00", b"--kind", b"online",
         b"--place", b"Caf\xe9 De Hoek", b"--attendance", b"3", b"--summary", b"S"],
        capture_output=True, check=False, timeout=120,
    )  # fmt: skip
    assert ended.returncode == 1
    assert ended.stderr.decode().splitlines() == [
        "Error: --place: is not text as UTF-8 writes it (it holds bytes of another "
        "encoding)."
    ]
    assert read_json(demo_copy, "meeting", "list", CITY) == before
