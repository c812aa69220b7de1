"""The command-line reference (docs/cli.md) names every option of every command, in
the command's row of its table (or, for a command with a section of its own, in that
section), so that what ``--help`` offers can be looked up there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from samenspraak.cli.main import cli

REFERENCE = Path(__file__).parents[2] / "docs" / "cli.md"


def _leaves(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield " ".join(path), command


def _where_documented(name: str) -> str:
    """The row of the command in a table of the reference, or its own section."""
    text = REFERENCE.read_text(encoding="utf-8")
    row = re.search(rf"^\| `{re.escape(name)}` \|.*$", text, re.MULTILINE)
    if row:
        return row.group(0)
    part = re.search(rf"^### {re.escape(name)}\n(.*?)(?=^### |\Z)", text, re.M | re.S)
    assert part, f"{name} is not in the reference"
    return part.group(1)


@pytest.mark.parametrize(("name", "command"), list(_leaves(cli)))
def test_the_reference_names_every_option_of_the_command(
    name: str, command: click.Command
) -> None:
    documented = _where_documented(name)
    options = [
        option
        for param in command.params
        if isinstance(param, click.Option)
        for option in param.opts
        if option != "--help"
    ]
    missing = [o for o in options if not re.search(rf"`{o}[ `/,=]", documented)]
    assert not missing, f"{name}: {missing}"
