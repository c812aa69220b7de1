"""Every command explains itself, and every command that does something shows how."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner

from samenspraak.cli.main import cli


def _walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(cli))
LEAVES = [(path, c) for path, c in COMMANDS if not isinstance(c, click.Group)]


def _name(path: tuple[str, ...]) -> str:
    return " ".join(("samenspraak", *path))


def test_the_walk_finds_every_group_and_the_commands_in_them() -> None:
    names = {_name(path) for path, _ in COMMANDS}
    groups = {_name(path) for path, c in COMMANDS if isinstance(c, click.Group)}
    assert groups == {
        "samenspraak",
        "samenspraak initiative",
        "samenspraak stakeholder",
        "samenspraak group",
        "samenspraak meeting",
        "samenspraak announcement",
        "samenspraak intervention",
        "samenspraak council",
        "samenspraak plan",
        "samenspraak decision",
        "samenspraak projections",
        "samenspraak audit",
        "samenspraak template",
        "samenspraak implementation",
        "samenspraak import",
    }
    assert {
        "samenspraak demo",
        "samenspraak initiative status",
        "samenspraak plan react",
        "samenspraak decision decide",
        "samenspraak council inform",
    } <= names
    assert len(LEAVES) >= 35


def test_every_command_and_group_has_help_text() -> None:
    silent = [_name(path) for path, c in COMMANDS if not (c.help or "").strip()]
    assert silent == []


def test_every_command_shows_an_example_in_its_help() -> None:
    without = [_name(path) for path, c in LEAVES if "Example" not in (c.help or "")]
    assert without == []


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[_name(p) for p, _ in COMMANDS]
)
def test_help_on_every_command_and_group_exits_zero(
    path: tuple[str, ...], command: click.Command
) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: ")
    assert result.stderr == ""
    first_line = (command.help or "").strip().splitlines()[0]
    assert first_line in result.stdout
    if not isinstance(command, click.Group):
        assert "Example:" in result.stdout
        assert "  samenspraak " in result.stdout.split("Example:", 1)[1]


def test_version_names_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert "0.1.0" in result.stdout


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        ((), "--db DB "),
        (("initiative", "start"), "--template NAME[@VERSION] "),
        (("initiative", "migrate"), "--template NAME[@VERSION] "),
        (("council", "inform"), "--sha256 HEX "),
        (("council", "correct"), "--sha256 HEX "),
        (("council", "follow-up"), "--sha256 HEX "),
        (("council", "framework"), "--sha256 HEX "),
        (("council", "correct-framework"), "--sha256 HEX "),
    ],
)
def test_the_help_writes_an_option_s_value_as_the_reference_does(
    args: tuple[str, ...], shown: str
) -> None:
    result = CliRunner().invoke(cli, [*args, "--help"], prog_name="samenspraak")
    assert shown in result.stdout
