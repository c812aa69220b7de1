"""References and choices are read as the docs say: trimmed and lower-cased, so
``--as " Bakery "`` means ``bakery`` and ``--stance Support`` means ``support``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

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
