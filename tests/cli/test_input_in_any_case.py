"""References and choices are read as the docs say: trimmed and lower-cased, so
``--as " Bakery "`` means ``bakery``, ``--stance Support`` means ``support`` and
``--format HTML`` means ``html``."""

from __future__ import annotations

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
