"""Texts of several lines (a reaction pasted from an email, a reasoning in points)
as the read commands show them: a table keeps each row on one line, and the whole
texts after a table keep their lines together under the item they belong to."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from samenspraak.cli.render import continued, short, table

CITY = "city-centre"
F = "facilitator"

Run = Callable[..., Result]


def _react_and_answer(ok: Run, db: Path) -> None:
    ok(
        db,
        "plan",
        "react",
        CITY,
        "vision",
        "--version",
        "1",
        "--stance",
        "concern",
        "--text",
        "Written in an email:\r\nthe square\tneeds shade.",
        actor="library",
    )
    ok(
        db,
        "plan",
        "defend",
        CITY,
        "vision",
        "--reaction",
        "1",
        "--reasoning",
        "Two reasons:\n- trees are planned\n- the market needs the space",
        actor="bakery",
    )


def test_a_table_shows_a_text_with_line_breaks_and_tabs_on_one_line(
    ok: Run, stage_copy: Path
) -> None:
    _react_and_answer(ok, stage_copy)
    shown = ok(stage_copy, "plan", "show", CITY, "vision")
    rows = [line for line in shown.stdout.splitlines() if line.startswith("1  ")]
    assert rows[-1].endswith("Written in an email: the square needs shade.")
    assert "\r" not in shown.stdout
    assert "\t" not in shown.stdout
    listed = ok(stage_copy, "plan", "responses", CITY)
    assert "\r" not in listed.stdout
    assert "Written in an email: the square needs shade." in listed.stdout


def test_the_whole_texts_keep_every_line_of_an_answer_under_it(
    ok: Run, stage_copy: Path
) -> None:
    _react_and_answer(ok, stage_copy)
    shown = ok(stage_copy, "plan", "show", CITY, "vision", "--full")
    assert (
        "  Answer: defended, by bakery: Two reasons:\n"
        "    - trees are planned\n"
        "    - the market needs the space\n"
    ) in shown.stdout


def test_the_changes_of_a_version_keep_their_lines_under_it(
    ok: Run, stage_copy: Path
) -> None:
    ok(
        stage_copy,
        "plan",
        "propose",
        CITY,
        "vision",
        "--text",
        "A car-free market square with trees.",
        "--changes",
        "Two changes:\n- trees\n- benches",
        actor="bakery",
    )
    shown = ok(stage_copy, "plan", "show", CITY, "vision", "--full")
    assert (
        "Version 2, proposed by bakery\n"
        "  Changes: Two changes:\n"
        "    - trees\n"
        "    - benches\n"
        "  A car-free market square with trees.\n"
    ) in shown.stdout


def test_the_outcome_of_a_closed_initiative_keeps_its_lines_under_it(
    ok: Run, stage_copy: Path
) -> None:
    ok(
        stage_copy,
        "initiative",
        "close",
        CITY,
        "--outcome",
        "Stopped:\r\nthe council chose another plan.",
        actor=F,
    )
    shown = ok(stage_copy, "initiative", "status", CITY)
    assert "  outcome: Stopped:\n    the council chose another plan.\n" in shown.stdout


ESCAPES = "\x1b]0;a new title\x07\x1b[2J\x1b[31mThe square\x9b2J needs shade."


def test_a_text_with_an_escape_sequence_is_refused(
    refused: Callable[..., str], stage_copy: Path
) -> None:
    """A terminal runs an escape sequence it is shown: in a reaction, it would
    change the title of the facilitator's terminal, clear it or write over it."""
    for text_option, text in (("--text", ESCAPES), ("--section", "\x1b[8m3.2")):
        args = ["--text", "Fine."] if text_option == "--section" else []
        said = refused(
            stage_copy, "plan", "react", CITY, "vision", "--version", "1",
            "--stance", "concern", text_option, text, *args, actor="library",
        )  # fmt: skip
        assert "control characters other than line breaks and tabs" in said
        assert "\x1b" not in said


def test_a_text_that_would_show_its_letters_in_another_order_is_refused(
    refused: Callable[..., str], stage_copy: Path
) -> None:
    """A right-to-left override shows the letters after it reversed, and an
    isolate reorders the run around it: the record would read otherwise than it
    was written, on the terminal and in the report."""
    for text_option, text in (
        ("--text", "Close the square \u202eon Sundays\u202c."),
        ("--section", "\u2067chapter 3"),
    ):
        args = ["--text", "Fine."] if text_option == "--section" else []
        said = refused(
            stage_copy, "plan", "react", CITY, "vision", "--version", "1",
            "--stance", "concern", text_option, text, *args, actor="library",
        )  # fmt: skip
        assert (
            "must not contain bidirectional embeddings, overrides or isolates" in said
        )
    said = refused(
        stage_copy, "stakeholder", "register", "corner-shop", "--name",
        "Shop \u202dabc", actor="facilitator",
    )  # fmt: skip
    assert "must not contain bidirectional embeddings, overrides or isolates" in said


def test_an_escape_sequence_kept_before_is_shown_as_a_replacement_character() -> None:
    shown = "\n".join(
        [table(["reaction"], [[ESCAPES]]), *continued("1. ", ESCAPES + "\nMore.")]
    )
    assert not any(c in {"\x1b", "\x07", "\x9b"} for c in shown)
    assert short(ESCAPES).startswith("\ufffd]0;a new title\ufffd\ufffd[2J")
