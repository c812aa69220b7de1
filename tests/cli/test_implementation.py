"""The implementation of what was decided, followed from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

Run = Callable[..., Result]

CITY = "city-centre"


def test_the_traffic_group_carries_out_the_market_square_and_everyone_can_follow_it(
    demo_copy: Path,
    ok: Run,
    read_json: Callable[..., Any],
    refused: Callable[..., str],
) -> None:
    added = ok(
        demo_copy,
        "implementation",
        "add",
        CITY,
        "square-works",
        "--title",
        "Redesign the market square",
        "--group",
        "traffic",
        actor="facilitator",
    )
    assert (
        added.stderr == "Added the implementation action square-works to city-centre.\n"
    )

    ok(
        demo_copy,
        "implementation",
        "progress",
        CITY,
        "square-works",
        "--percent",
        "40",
        "--milestone",
        "Design approved",
        actor="bakery",
    )
    sentence = refused(
        demo_copy,
        "implementation",
        "progress",
        CITY,
        "square-works",
        "--percent",
        "30",
        actor="bakery",
    )
    assert sentence == ("square-works is 40% done; its progress cannot go down to 30%.")

    (action,) = read_json(demo_copy, "implementation", "list", CITY, "--json")
    assert action["percent"] == 40
    assert action["status"] == "under-way"
    status = ok(demo_copy, "initiative", "status", CITY).stdout
    assert "square-works" in status
    assert "Redesign the market square" in status
    todo = ok(demo_copy, "todo", actor="resident-kerkstraat").stdout
    assert "square-works" in todo

    # On hold, with the reason it needs; without one, refused.
    for no_reason in ((), ("--reason", "  ")):
        assert refused(
            demo_copy, "implementation", "status", CITY, "square-works",
            "--status", "on-hold", *no_reason, actor="bakery", exit_code=2,
        ) == (
            "Give the reason with --reason: putting square-works on-hold says why."
        )  # fmt: skip
    held = ok(
        demo_copy, "implementation", "status", CITY, "square-works",
        "--status", "on-hold", "--reason", "Waiting for the permit", actor="bakery",
    )  # fmt: skip
    assert held.stderr == "square-works is now on-hold.\n"
    (action,) = read_json(demo_copy, "implementation", "list", CITY, "--json")
    assert (action["status"], action["status_reason"]) == (
        "on-hold",
        "Waiting for the permit",
    )


def test_an_action_without_its_owner_or_with_two_is_told_which_options_give_it(
    stage_copy: Path, refused: Callable[..., str]
) -> None:
    add = ("implementation", "add", CITY, "benches", "--title", "Benches")
    neither = refused(stage_copy, *add, actor="facilitator", exit_code=2)
    assert neither == (
        "Give the owner with either --owner STAKEHOLDER or --group GROUP."
    )
    both = refused(
        stage_copy,
        *add,
        "--owner",
        "bakery",
        "--group",
        "steering-group",
        actor="facilitator",
        exit_code=2,
    )
    assert both == (
        "Give the owner with either --owner STAKEHOLDER or --group GROUP, not both."
    )
