"""A file named on the command line that is a folder, or is not there, is refused in
the sentence the command gives any file it cannot use: ``Cannot read FILE: ...``
for one it reads, the bundle's and the template's own sentences for ``replay`` and
``template validate`` (with the same exit code as for a missing file), and ``-o``
says it needs the name of a file to write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

CITY = "city-centre"
F = "facilitator"

Refused = Callable[..., str]


@pytest.mark.parametrize(
    "args",
    [
        ("council", "inform", CITY, "--title", "Vision", "--session", "informal"),
        ("council", "follow-up", CITY, "--informing", "1", "--summary", "Adopted."),
        ("council", "framework", CITY, "--text", "At most EUR 1 million.",
         "--when", "2026-01-15T20:00+01:00"),
        ("council", "correct", CITY, "1", "--reason", "The wrong document."),
        ("council", "correct-framework", CITY, "1", "--reason", "The wrong document."),
    ],
)  # fmt: skip
def test_a_council_document_that_is_a_folder_or_missing_cannot_be_read(
    refused: Refused, demo_copy: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    missing = tmp_path / "nowhere.pdf"
    assert (
        refused(demo_copy, *args, "--document", str(folder), actor=F, exit_code=2)
        == f"Cannot read {folder}: is a directory."
    )
    assert (
        refused(demo_copy, *args, "--document", str(missing), actor=F, exit_code=2)
        == f"Cannot read {missing}: no such file or directory."
    )


def test_a_draft_file_that_is_a_folder_cannot_be_read(
    refused: Refused, demo_copy: Path, tmp_path: Path
) -> None:
    sentence = refused(
        demo_copy, "plan", "propose", CITY, "traffic-plan", "--text-file",
        str(tmp_path), "--changes", "None.", actor=F, exit_code=2,
    )  # fmt: skip
    assert sentence == f"Cannot read {tmp_path}: is a directory."


@pytest.mark.parametrize(
    "args",
    [
        ("report", CITY),
        ("diagram", CITY),
        ("plan", "responses", CITY),
        ("export", CITY),
    ],
)
def test_an_output_that_is_a_folder_asks_for_the_name_of_a_file(
    refused: Refused, demo_copy: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    sentence = refused(demo_copy, *args, "-o", str(tmp_path), exit_code=2)
    assert sentence == (
        "Invalid value for '-o' / '--output': is a folder; give the name of a file "
        "to write."
    )


def test_a_bundle_that_is_a_folder_is_refused_as_a_missing_one_is(
    refused: Refused, tmp_path: Path
) -> None:
    db = tmp_path / "copy.db"
    folder = tmp_path / "bundles"
    folder.mkdir()
    assert refused(db, "replay", str(folder)) == (
        f"{folder} is a folder, not a bundle; give the path of the bundle file."
    )
    assert refused(db, "replay", str(tmp_path / "nowhere.zip")) == (
        f"There is no bundle at {tmp_path / 'nowhere.zip'}."
    )
    assert not db.exists()


def test_a_template_file_that_is_a_folder_is_refused_as_a_missing_one_is(
    refused: Refused, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    db = tmp_path / "none.db"
    assert refused(db, "template", "validate", str(folder)) == (
        f"{folder}: cannot be read: is a directory."
    )


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("council", "inform"), "--document FILE"),
        (("council", "correct"), "--document FILE"),
        (("council", "follow-up"), "--document FILE"),
        (("council", "framework"), "--document FILE"),
        (("council", "correct-framework"), "--document FILE"),
        (("plan", "propose"), "--text-file FILE"),
    ],
)
def test_the_help_names_a_file_to_read_file(
    run: Callable[..., Result], tmp_path: Path, args: tuple[str, ...], option: str
) -> None:
    shown = run(tmp_path / "none.db", *args, "--help").stdout
    assert f"  {option}  " in shown


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("council", "inform", CITY, "--title", "Vision", "--session", "informal",
          "--document", ""), "'--document'"),
        (("council", "framework", CITY, "--text", "At most EUR 1 million.",
          "--when", "2026-01-15T20:00+01:00", "--document", ""), "'--document'"),
        (("plan", "propose", CITY, "traffic-plan", "--changes", "None.",
          "--text-file", ""), "'--text-file'"),
        (("import", "decidim-comments", CITY, "traffic-plan", "", "--version", "1"),
         "'FILE'"),
        (("import", "consul-comments", CITY, "traffic-plan", "", "--version", "1"),
         "'FILE'"),
        (("replay", ""), "'BUNDLE'"),
        (("template", "validate", ""), "'FILE'"),
    ],
)  # fmt: skip
def test_a_file_to_read_named_by_nothing_asks_for_the_name_of_a_file(
    refused: Refused, demo_copy: Path, args: tuple[str, ...], named: str
) -> None:
    # An empty name was read as the current folder: "Cannot read .: is a
    # directory.", a folder the user never named.
    db = demo_copy if args[0] != "replay" else demo_copy.with_name("copy.db")
    sentence = refused(db, *args, actor=F, exit_code=2)
    assert sentence == f"Invalid value for {named}: needs the name of a file to read."
