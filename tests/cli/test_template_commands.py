"""``samenspraak template list | show | validate``: the templates installed, one
template's definition, and a file checked with one sentence when it is broken."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

V1_HASH = "58eef33623056c5f0940c0af2603431bc10abf7e04cafde1e4c8709c70817a73"

Run = Callable[..., Result]

VALID = """\
name = "inspraak"
version = "1"
description = "A consultation: a draft, reactions, a response report."

[[phases]]
name = "reactions"
description = "Everyone may react to the draft."
reaction_period_days = 42
guards = ["reaction_period_over"]

[phases.permissions]
resident = ["react_to_plan", "withdraw_reaction"]

[[phases]]
name = "response-report"
description = "Every reaction is answered."
guards = ["every_reaction_answered"]

[phases.permissions]
civil-servant = ["adopt_change", "defend_position"]
"""


def test_list_shows_every_installed_template_with_its_hash_and_phases(
    ok: Run, tmp_path: Path
) -> None:
    db = tmp_path / "none.db"
    result = ok(db, "template", "list")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["template", "version", "content", "hash", "phases"]
    rows = [line.split()[:3] for line in lines[2:]]
    assert rows == [
        ["burgerbegroting", "1", rows[0][2]],
        ["burgerbegroting", "2", rows[1][2]],
        ["omgevingswet", "1", rows[2][2]],
        ["omgevingswet", "2", rows[3][2]],
        ["overheidsparticipatie", "1", V1_HASH[:12]],
        ["overheidsparticipatie", "2", rows[5][2]],
        ["uitdaagrecht", "1", rows[6][2]],
    ]
    assert "society-decides, colleagues-join, council, implementation" in lines[6]
    assert "announcement, views, response-report, council-decision" in result.stdout
    assert not db.exists()


def test_list_as_json(ok: Run, tmp_path: Path) -> None:
    items = json.loads(ok(tmp_path / "none.db", "template", "list", "--json").stdout)
    assert [(i["name"], i["version"]) for i in items] == [
        ("burgerbegroting", "1"),
        ("burgerbegroting", "2"),
        ("omgevingswet", "1"),
        ("omgevingswet", "2"),
        ("overheidsparticipatie", "1"),
        ("overheidsparticipatie", "2"),
        ("uitdaagrecht", "1"),
    ]
    assert items[4]["content_hash"] == V1_HASH
    assert items[5]["phases"][0] == "society-decides"


def test_show_gives_the_latest_version_with_who_may_do_what(
    ok: Run, tmp_path: Path
) -> None:
    out = ok(tmp_path / "none.db", "template", "show", "overheidsparticipatie").stdout
    assert out.startswith("overheidsparticipatie v2\n")
    assert "1. society-decides (society only; reactions 28 days)" in out
    assert "   civil-servant: (observes)" in out
    assert "   to leave it: no_open_decision_point, every_reaction_answered" in out
    assert "5. evaluation" in out


def test_show_a_version_as_json_is_its_definition_and_hash(
    ok: Run, tmp_path: Path
) -> None:
    result = ok(
        tmp_path / "none.db",
        "template",
        "show",
        "overheidsparticipatie",
        "--version",
        "1",
        "--json",
    )
    definition = json.loads(result.stdout)
    assert definition["content_hash"] == V1_HASH
    assert definition["version"] == "1"
    assert [p["name"] for p in definition["phases"]][:2] == [
        "society-decides",
        "colleagues-join",
    ]
    assert "permissions" not in definition["phases"][0]


def test_show_the_omgevingswet_period_for_views(ok: Run, tmp_path: Path) -> None:
    out = ok(tmp_path / "none.db", "template", "show", "omgevingswet").stdout
    assert "2. views (reactions 42 days)" in out


def test_show_an_unknown_template_is_refused_in_one_sentence(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    db = tmp_path / "none.db"
    assert refused(db, "template", "show", "inspraak") == (
        "No template called inspraak is installed; installed are burgerbegroting, "
        "omgevingswet, overheidsparticipatie, uitdaagrecht."
    )
    assert refused(db, "template", "show", "omgevingswet", "--version", "3") == (
        "No template omgevingswet version 3 is installed; its versions are 1, 2."
    )
    assert not db.exists()


def test_validate_a_valid_file(ok: Run, tmp_path: Path) -> None:
    path = tmp_path / "inspraak.toml"
    path.write_text(VALID, encoding="utf-8")
    out = ok(tmp_path / "none.db", "template", "validate", str(path)).stdout
    assert out.startswith(f"{path}: valid (inspraak v1, hash ")
    assert out.endswith(")\n")


def test_validate_a_broken_file_names_file_place_and_problem(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        VALID.replace('"every_reaction_answered"', '"all_done"'), encoding="utf-8"
    )
    sentence = refused(tmp_path / "none.db", "template", "validate", str(path))
    assert sentence.startswith(
        f"{path}: phases[1].guards[0]: unknown guard 'all_done'; known guards: "
    )
    assert "every_reaction_answered" in sentence


def test_validate_lists_every_problem_it_finds_a_line_each(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(
        VALID.replace('"every_reaction_answered"', '"all_done"')
        .replace('"reaction_period_over"', '"time_is_up"')
        .replace('"withdraw_reaction"', '"withdraw_reactoin"'),
        encoding="utf-8",
    )
    result = run(tmp_path / "none.db", "template", "validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert all(line.startswith(f"Error: {path}: ") for line in lines)
    said = {line.split(": ")[2]: line for line in lines}
    assert sorted(said) == [
        "phases[0].guards[0]",
        "phases[0].permissions.resident[1]",
        "phases[1].guards[0]",
    ], lines
    assert "unknown guard 'time_is_up'" in said["phases[0].guards[0]"]
    assert (
        "did you mean 'withdraw_reaction'?" in said["phases[0].permissions.resident[1]"]
    )
    assert "unknown guard 'all_done'" in said["phases[1].guards[0]"]


def test_validate_a_toml_syntax_error_names_line_and_column(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    path = tmp_path / "syntax.toml"
    path.write_text(VALID.replace("[[phases]]", "[[phases]", 1), encoding="utf-8")
    sentence = refused(tmp_path / "none.db", "template", "validate", str(path))
    assert sentence.startswith(f"{path}: line 5, column 9: not valid TOML: ")


def test_validate_a_changed_built_in_under_its_own_version_is_refused(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    path = tmp_path / "changed.toml"
    path.write_text(
        VALID.replace('name = "inspraak"', 'name = "omgevingswet"'), encoding="utf-8"
    )
    sentence = refused(tmp_path / "none.db", "template", "validate", str(path))
    assert sentence.startswith(f"{path}: version: omgevingswet version 1 is installed")
    assert sentence.endswith("a changed template is a new version.")


def test_validate_a_missing_file(refused: Callable[..., str], tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    sentence = refused(tmp_path / "none.db", "template", "validate", str(path))
    assert sentence == f"{path}: cannot be read: no such file or directory."


def test_validate_a_file_without_phases_says_a_template_declares_one(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    path = tmp_path / "no-phases.toml"
    path.write_text(VALID[: VALID.index("[[phases]]")], encoding="utf-8")
    sentence = refused(tmp_path / "none.db", "template", "validate", str(path))
    assert (
        sentence == f"{path}: phases: missing; a template declares at least one phase."
    )


def test_show_reads_a_version_trimmed_as_it_reads_the_name(
    ok: Run, tmp_path: Path
) -> None:
    shown = ok(tmp_path / "none.db", "template", "show", " Omgevingswet ", "--version",
               " 1 ")  # fmt: skip
    assert shown.stdout.startswith("omgevingswet v1\n")


def test_show_a_reaction_period_of_one_day_in_the_singular(
    ok: Run, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "inspraak-v1.toml").write_text(
        VALID.replace("reaction_period_days = 42", "reaction_period_days = 1"),
        encoding="utf-8",
    )
    out = ok(
        tmp_path / "none.db", "--templates", str(folder), "template", "show", "inspraak"
    ).stdout
    assert "1. reactions (reactions 1 day)" in out
