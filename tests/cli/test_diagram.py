"""``samenspraak diagram``: a process drawn as Mermaid, DOT or SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from samenspraak.cli.main import cli

Run = Callable[..., Result]
Refused = Callable[..., str]

CITY = "city-centre"
PHASES = [
    "society-decides",
    "colleagues-join",
    "council",
    "implementation",
    "evaluation",
]
SVG = "{http://www.w3.org/2000/svg}"


def _phase_groups(svg: str) -> list[tuple[str, bool]]:
    root = ET.fromstring(svg)
    found = []
    for group in root.iter(f"{SVG}g"):
        classes = (group.get("class") or "").split()
        if "phase" in classes:
            text = group.find(f"{SVG}text")
            assert text is not None
            found.append((text.text or "", "current" in classes))
    return found


def _in_order(text: str, names: list[str]) -> bool:
    places = [text.find(name) for name in names]
    return -1 not in places and places == sorted(places)


def test_mermaid_of_the_demo_marks_the_council(ok: Run, demo_db: Path) -> None:
    result = ok(demo_db, "diagram", CITY)
    assert result.stdout.startswith("flowchart LR\n")
    assert _in_order(result.stdout, [f'p{i}["{p}' for i, p in enumerate(PHASES, 1)])
    assert re.findall(r"class (\S+) current", result.stdout) == ["p3"]
    assert '  p3["council"]\n' in result.stdout
    assert result.stderr == ""


def test_dot_of_the_demo_fills_the_council(ok: Run, demo_db: Path) -> None:
    dot = ok(demo_db, "diagram", CITY, "--format", "dot").stdout
    assert dot.startswith("digraph ")
    assert _in_order(dot, [f'label="{p}' for p in PHASES])
    filled = [line for line in dot.splitlines() if 'fillcolor="#0f7c86"' in line]
    assert len(filled) == 1
    assert 'label="council"' in filled[0]


def test_svg_of_the_demo_goes_to_a_file(ok: Run, demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "city-centre.svg"
    result = ok(demo_db, "diagram", CITY, "--format", "svg", "-o", str(target))
    assert result.stdout == ""
    assert result.stderr == (
        f"The process diagram of {CITY} (svg), written to {target}.\n"
    )
    svg = target.read_text(encoding="utf-8")
    assert "<script" not in svg
    assert _phase_groups(svg) == [(p, p == "council") for p in PHASES]


@pytest.mark.parametrize("fmt", ["mermaid", "dot", "svg"])
def test_a_template_needs_no_database_and_marks_no_phase(
    run: Run, tmp_path: Path, fmt: str
) -> None:
    db = tmp_path / "none.db"
    result = run(db, "diagram", "omgevingswet@1", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert not db.exists()
    text = result.stdout
    for name in ("announcement", "views", "response-report", "council-decision"):
        assert name in text
    for guard in (
        "a_draft_proposed",
        "reaction_period_over",
        "every_reaction_answered",
        "every_plan_finalised",
        "council_informed",
    ):
        assert guard in text
    assert "current" not in text
    if fmt == "svg":
        assert [current for _, current in _phase_groups(text)] == [False] * 4


def test_a_template_next_to_the_demo_marks_no_phase(ok: Run, demo_db: Path) -> None:
    text = ok(demo_db, "diagram", "omgevingswet").stdout
    assert "announcement" in text
    assert "current" not in text


def test_an_unknown_subject_is_one_sentence(
    refused: Refused, demo_db: Path, tmp_path: Path
) -> None:
    sentence = refused(demo_db, "diagram", "nowhere")
    assert sentence.startswith(
        "There is no initiative called nowhere, and no template called nowhere"
    )
    sentence = refused(tmp_path / "none.db", "diagram", "nowhere")
    assert sentence.startswith(
        f"There is no database at {tmp_path / 'none.db'} to hold an initiative "
        "called nowhere, and no template called nowhere is installed"
    )
    assert not (tmp_path / "none.db").exists()
    sentence = refused(demo_db, "diagram", "omgevingswet@7")
    assert sentence.startswith("No template omgevingswet version 7 is installed")
    refused(demo_db, "diagram", CITY, "--format", "png", exit_code=2)


def test_the_html_report_holds_the_diagram(
    ok: Run, demo_db: Path, tmp_path: Path
) -> None:
    target = tmp_path / "report.html"
    ok(demo_db, "report", CITY, "--format", "html", "-o", str(target))
    page = target.read_text(encoding="utf-8")
    assert '<figure class="diagram">' in page
    assert 'class="pd pd-wide"' in page
    assert "<h3>Procesdiagram</h3>" in page


def test_the_help_shows_an_example() -> None:
    result = CliRunner().invoke(cli, ["diagram", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "--format [mermaid|dot|svg]" in result.stdout
