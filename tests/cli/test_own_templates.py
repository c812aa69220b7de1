"""A municipality's own templates: a folder of template files (``--templates DIR`` or
``SAMENSPRAAK_TEMPLATES``) installed beside the built-in ones, each file checked
and named in one sentence when it cannot be installed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from samenspraak.application.config import DB_VARIABLE
from samenspraak.cli.main import ACTOR_VARIABLE, TEMPLATES_VARIABLE, cli

Run = Callable[..., Result]

INSPRAAK = """\
name = "inspraak"
version = "1"
description = "A consultation: a draft, reactions, a response report."

[[phases]]
name = "reactions"
description = "Everyone may react to the draft."
reaction_period_days = 42
guards = ["reaction_period_over"]

[[phases]]
name = "response-report"
description = "Every reaction is answered."
guards = ["every_reaction_answered"]
"""

START = (
    "initiative", "start", "harbour", "--title", "Harbour consultation",
    "--description", "Views on the draft.", "--area", "The harbour",
    "--budget", "0", "--level", "consulting",
)  # fmt: skip


def _folder(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, content in files.items():
        (folder / f"{name}.toml").write_text(content, encoding="utf-8")
    return folder


def _listed(result: Result) -> list[tuple[str, str]]:
    return [(i["name"], i["version"]) for i in json.loads(result.stdout)]


def test_a_template_in_the_folder_is_installed_and_an_initiative_starts_on_it(
    ok: Run, read_json: Callable[..., object], tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    folder = _folder(tmp_path, inspraak=INSPRAAK)
    (folder / "README.txt").write_text("Only *.toml files are templates.\n")
    own = ("--templates", str(folder))

    listed = _listed(ok(db, *own, "template", "list", "--json"))
    assert ("inspraak", "1") in listed
    assert len(listed) == len(_listed(ok(db, "template", "list", "--json"))) + 1
    assert (
        "reactions (reactions 42 days)"
        in ok(db, *own, "template", "show", "inspraak").stdout
    )

    ok(db, "stakeholder", "register", "facilitator", "--name", "Facilitator",
       actor="facilitator")  # fmt: skip
    started = ok(db, *own, *START, "--template", "inspraak", actor="facilitator")
    assert (
        started.stderr == "Started harbour on inspraak v1; you are its facilitator.\n"
    )

    # The initiative keeps its pinned definition: it needs the folder no more.
    status = read_json(db, "initiative", "status", "harbour")
    assert isinstance(status, dict)
    assert status["phase"] == "reactions"
    assert status["template"]["name"] == "inspraak"
    assert "reactions" in ok(db, "diagram", "harbour").stdout


def test_the_folder_can_be_named_by_the_environment(tmp_path: Path) -> None:
    folder = _folder(tmp_path, inspraak=INSPRAAK)
    runner = CliRunner(
        env={DB_VARIABLE: None, ACTOR_VARIABLE: None, TEMPLATES_VARIABLE: str(folder)}
    )
    result = runner.invoke(cli, ["--db", str(tmp_path / "t.db"), "template", "list"])
    assert result.exit_code == 0, result.output
    assert "inspraak" in result.stdout
    assert "reactions, response-report" in result.stdout


def test_a_broken_file_in_the_folder_is_named_with_its_place_and_problem(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    broken = INSPRAAK.replace('version = "1"', 'version = "one"')
    folder = _folder(tmp_path, inspraak=broken)
    sentence = refused(
        tmp_path / "t.db", "--templates", str(folder), "template", "list"
    )
    assert sentence.startswith(f"{folder / 'inspraak.toml'}: version: ")


def test_a_file_that_changes_a_built_in_version_is_refused(
    ok: Run, refused: Callable[..., str], tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    shown = ok(db, "template", "show", "omgevingswet", "--version", "1", "--json")
    definition = json.loads(shown.stdout)
    changed = INSPRAAK.replace('name = "inspraak"', 'name = "omgevingswet"')
    folder = _folder(tmp_path, omgevingswet=changed)
    sentence = refused(db, "--templates", str(folder), "template", "list")
    assert sentence == (
        f"{folder / 'omgevingswet.toml'}: version: omgevingswet version 1 is "
        f"installed with another content (hash {definition['content_hash'][:12]}); "
        "a changed template is a new version."
    )


def test_two_files_with_one_name_and_version_but_different_content_are_refused(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    other = INSPRAAK.replace("Everyone may react", "Anyone may react")
    folder = _folder(tmp_path, a=INSPRAAK, b=other)
    sentence = refused(
        tmp_path / "t.db", "--templates", str(folder), "template", "list"
    )
    assert sentence.startswith(
        f"{folder / 'b.toml'}: version: inspraak version 1 is installed with another "
        "content"
    )


def test_a_copy_of_an_installed_template_is_no_conflict(
    ok: Run, tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    folder = _folder(tmp_path, a=INSPRAAK, b=INSPRAAK)
    listed = _listed(ok(db, "--templates", str(folder), "template", "list", "--json"))
    assert listed.count(("inspraak", "1")) == 1


def test_a_folder_that_does_not_exist_is_refused_in_one_sentence(
    refused: Callable[..., str], tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere"
    sentence = refused(
        tmp_path / "t.db", "--templates", str(missing), "template", "list"
    )
    assert sentence == (
        f"{missing}: is not a folder of template files (set by --templates or "
        "SAMENSPRAAK_TEMPLATES)."
    )


def test_the_report_draws_the_pinned_guards_when_the_folder_is_no_longer_named(
    ok: Run, tmp_path: Path
) -> None:
    db = tmp_path / "t.db"
    society_first = INSPRAAK.replace(
        'description = "Everyone may react to the draft."',
        'description = "Residents react first."\nsociety_only = true',
    )
    folder = _folder(tmp_path, inspraak=society_first)
    ok(db, "stakeholder", "register", "facilitator", "--name", "Facilitator",
       actor="facilitator")  # fmt: skip
    ok(db, "--templates", str(folder), *START, "--template", "inspraak",
       actor="facilitator")  # fmt: skip
    drawn = ok(db, "--templates", str(folder), "diagram", "harbour").stdout

    # The report draws what the initiative's record pins, as `diagram` does,
    # whether or not the folder is named when the report is written.
    report = ok(db, "report", "harbour", "--lang", "en").stdout
    block = report.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert "society only" in block
    assert '-->|"reaction_period_over"|' in block
    assert block.count("-->|") == drawn.count("-->|") == 2


def test_a_version_with_a_leading_zero_is_refused_so_the_newest_is_never_in_doubt(
    ok: Run, refused: Callable[..., str], tmp_path: Path
) -> None:
    # "01" would be another version than "1" that sorts the same: which one
    # `--template inspraak` starts on would hang on the files' names.
    other = INSPRAAK.replace('version = "1"', 'version = "01"').replace(
        "Everyone may react", "Anyone may react"
    )
    folder = _folder(tmp_path, a=INSPRAAK, b=other)
    sentence = refused(
        tmp_path / "t.db", "--templates", str(folder), "template", "list"
    )
    assert sentence == (
        f'{folder / "b.toml"}: version: must be a version number such as "2" or '
        "\"2.1\" (without leading zeros), not '01'."
    )
    one = tmp_path / "one.toml"
    for version, valid in (
        ("1.01", False),
        ("0", True),
        ("0.1", True),
        ("10.20", True),
    ):
        one.write_text(INSPRAAK.replace('"1"', f'"{version}"'), encoding="utf-8")
        if valid:
            ok(tmp_path / "t.db", "template", "validate", str(one))
        else:
            refused(tmp_path / "t.db", "template", "validate", str(one))


def test_a_phase_described_over_several_lines_is_shown_indented_under_its_phase(
    tmp_path: Path,
) -> None:
    folder = _folder(
        tmp_path,
        inspraak=INSPRAAK.replace(
            'description = "Everyone may react to the draft."',
            'description = """Everyone may react to the draft.\nLetters count too."""',
        ),
    )

    shown = CliRunner().invoke(
        cli, ["--templates", str(folder), "template", "show", "inspraak"]
    )

    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    at = lines.index("   Everyone may react to the draft.")
    assert lines[at + 1] == "   Letters count too."
