"""References and choices are read as the docs say: trimmed and lower-cased, so
``--as " Bakery "`` means ``bakery``, ``--stance Support`` means ``support`` and
``--format HTML`` means ``html``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from click.testing import Result

from samenspraak.cli.main import cli

Run = Callable[..., Result]


def test_a_reference_in_capitals_or_with_spaces_means_the_lower_case_one(
    ok: Run, demo_copy: Path
) -> None:
    shown = ok(demo_copy, "initiative", "status", "CITY-CENTRE", "--json").stdout
    assert json.loads(shown)["initiative"] == "city-centre"
    todo = ok(demo_copy, "todo", actor=" Bakery ")
    assert " Bakery " not in todo.output
    assert "bakery" in todo.output


def test_a_choice_in_capitals_is_the_lower_case_one(ok: Run, stage_copy: Path) -> None:
    reacted = ok(
        stage_copy, "plan", "react", "city-centre", "VISION", "--version", "1",
        "--stance", "Support", "--text", "Good for the market.", actor="Bakery",
    )  # fmt: skip
    assert reacted.stderr == "Recorded reaction 1 on vision.\n"
    reactions = json.loads(
        ok(stage_copy, "plan", "show", "city-centre", "vision", "--json").stdout
    )["reactions"]
    assert reactions[-1]["stance"] == "support"
    assert reactions[-1]["stakeholder"] == "bakery"


def test_a_format_or_language_in_capitals_or_with_spaces_is_the_lower_case_one(
    ok: Run, demo_db: Path
) -> None:
    html = ok(demo_db, "report", "city-centre", "--format", "HTML", "--lang", "EN")
    assert html.stdout.startswith("<!DOCTYPE html>")
    assert (
        html.stdout
        == ok(
            demo_db, "report", "city-centre", "--format", " html ", "--lang", " en "
        ).stdout
    )
    svg = ok(demo_db, "diagram", "city-centre", "--format", "SVG").stdout
    assert svg.startswith("<svg")


def test_every_choice_of_every_command_is_read_trimmed_and_in_any_case() -> None:
    def commands(command: click.Command) -> Iterator[click.Command]:
        yield command
        if isinstance(command, click.Group):
            for sub in command.commands.values():
                yield from commands(sub)

    choices = [
        (command.name, param)
        for command in commands(cli)
        for param in command.params
        if isinstance(param.type, click.Choice)
    ]
    assert len(choices) >= 12
    for name, param in choices:
        first = str(param.type.choices[0])
        assert param.type.convert(f" {first.upper()} ", param, None) == first, name


def test_the_council_confirmation_gives_the_hash_trimmed_and_in_lower_case(
    ok: Run, stage_copy: Path
) -> None:
    digest = hashlib.sha256(b"the traffic plan").hexdigest()
    informed = ok(
        stage_copy, "council", "inform", "city-centre", "--title", "Traffic plan",
        "--sha256", f" {digest.upper()} ", "--session", "formal", actor="facilitator",
    )  # fmt: skip
    assert informed.stderr == (
        f"Recorded informing 1 of the council in city-centre (formal), "
        f"document sha256 {digest}.\n"
    )
    council = json.loads(
        ok(stage_copy, "council", "list", "city-centre", "--json").stdout
    )
    assert council[0]["document_sha256"] == digest


def test_an_answer_confirms_each_reaction_once_in_the_order_given(
    ok: Run, stage_copy: Path
) -> None:
    def react(actor: str, stance: str) -> None:
        ok(stage_copy, "plan", "react", "city-centre", "vision", "--version", "1",
           "--stance", stance, "--text", "A reaction.", actor=actor)  # fmt: skip

    react("library", "suggestion")  # 1
    react("bakery", "support")  # 2
    react("resident-havenkwartier", "concern")  # 3
    react("library", "suggestion")  # 4
    ok(stage_copy, "plan", "propose", "city-centre", "vision", "--text", "Version 2.",
       "--changes", "Both suggestions.", actor="bakery")  # fmt: skip
    answer = ("plan", "adopt", "city-centre", "vision", "--reaction", "4",
              "--reaction", " 1", "--reaction", "4", "--version", " 02",
              "--explanation", "Both are in.")  # fmt: skip
    adopted = ok(stage_copy, *answer, actor="bakery")
    assert adopted.stderr == "Adopted in version 2: reactions 4, 1.\n"
    noted = ok(stage_copy, "plan", "note", "city-centre", "vision", "--reaction", "2",
               "--reaction", "2", actor="bakery")  # fmt: skip
    assert noted.stderr == "Support noted: reaction 2.\n"
    withdrawn = ok(stage_copy, "plan", "withdraw", "city-centre", "vision",
                   "--reaction", " 3 ", actor="resident-havenkwartier")  # fmt: skip
    assert withdrawn.stderr == "Withdrew reaction 3 on vision.\n"
    plan = json.loads(
        ok(stage_copy, "plan", "show", "city-centre", "vision", "--json").stdout
    )
    answers = {r["number"]: r["answer"] for r in plan["reactions"]}
    assert answers[1]["version"] == answers[4]["version"] == 2
