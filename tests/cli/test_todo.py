"""``samenspraak todo``: what is next for the person giving the command."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = Callable[..., Any]


def test_todo_needs_to_know_who_asks(
    demo_db: Path, refused: Callable[..., str]
) -> None:
    sentence = refused(demo_db, "todo", exit_code=2)
    assert "--as REF" in sentence


def test_an_unknown_actor_is_refused(
    demo_db: Path, refused: Callable[..., str]
) -> None:
    assert refused(demo_db, "todo", actor="nobody") == (
        "No stakeholder is registered as nobody."
    )


def test_json_shape(stage_db: Path, ok: Run) -> None:
    import json  # noqa: PLC0415

    items = json.loads(ok(stage_db, "todo", "--json", actor="facilitator").stdout)
    assert isinstance(items, list)
    assert items
    for item in items:
        assert set(item) == {"kind", "initiative", "subject", "text", "due", "count"}
        assert item["initiative"] == "city-centre"
    assert {"kind": "inform-council", "subject": "council"}.items() <= next(
        i for i in items if i["kind"] == "inform-council"
    ).items()


def test_a_stakeholder_sees_the_plan_open_for_reactions(
    stage_db: Path, ok: Run
) -> None:
    result = ok(stage_db, "todo", actor="library")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["due", "initiative", "kind", "subject", "what"]
    assert any("react-to-plan" in line and "vision" in line for line in lines)
    # A civil servant observes while society decides.
    observer = ok(stage_db, "todo", actor="civil-servant-traffic")
    assert "react-to-plan" not in observer.stdout


def test_after_the_demo_nothing_is_left(demo_db: Path, ok: Run) -> None:
    result = ok(demo_db, "todo", actor="bakery")
    assert result.stdout == ""
    assert "Nothing to do for bakery." in result.stderr
    facilitator = ok(demo_db, "todo", actor="facilitator")
    assert "unanswered-reactions" not in facilitator.stdout


def test_help_has_an_example(ok: Run, tmp_path: Path) -> None:
    result = ok(tmp_path / "none.db", "todo", "--help")
    assert "Example:" in result.stdout
    assert "samenspraak --as facilitator todo" in result.stdout
