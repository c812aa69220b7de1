"""A letter received late, and the changes of the authority's own accord, as the
command line shows them: ``plan show`` (its tables and ``--full``) and ``plan
responses`` (table and CSV)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.application import Samenspraak
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
CC = "city-centre"


@pytest.fixture
def consulted(tmp_path: Path) -> Path:
    """The traffic plan's reaction period closed on day 14; the resident reacted
    on day 3, a letter of theirs came in late on day 16 and another on day 17; the
    second version names a change of the authority's own accord."""
    db = tmp_path / "samenspraak.db"
    app = Samenspraak.open(str(db))
    try:
        with clock.frozen_at(START):
            for ref in ("facilitator", "resident"):
                app.register_stakeholder(
                    {"actor": ref, "stakeholder": ref, "name": f"The {ref}"}
                )
            app.start_initiative(
                {"actor": "facilitator", "initiative": CC, "title": "The centre",
                 "description": "Residents decide first.", "area": "The old town",
                 "budget": "0", "level": "co-deciding"}
            )  # fmt: skip
            app.join_initiative(
                {"actor": "resident", "initiative": CC, "stakeholder": "resident",
                 "kind": "resident"}
            )  # fmt: skip
            app.form_group(
                {"actor": "facilitator", "initiative": CC, "group": "traffic",
                 "kind": "working", "name": "Traffic", "mandate": "A traffic plan."}
            )  # fmt: skip
            app.create_plan(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                 "title": "Traffic plan", "group": "traffic"}
            )  # fmt: skip
            app.propose_draft(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                 "text": "Draft.", "changes": "First."}
            )  # fmt: skip
            app.open_reaction_period(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                 "closes_at": (START + timedelta(days=14)).isoformat()}
            )  # fmt: skip
        with clock.frozen_at(START + timedelta(days=3)):
            app.react_to_plan(
                {"actor": "resident", "initiative": CC, "plan": "traffic",
                 "version": 1, "stance": "concern", "text": "Too many cars."}
            )  # fmt: skip
        with clock.frozen_at(START + timedelta(days=20)):
            for day in (16, 17):
                app.react_to_plan(
                    {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                     "version": 1, "stance": "objection",
                     "text": f"A letter of day {day}.", "stakeholder": "resident",
                     "channel": "letter", "late": True,
                     "received_at": (START + timedelta(days=day)).isoformat()}
                )  # fmt: skip
            app.propose_draft(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                 "text": "Draft 2.", "changes": "Second.",
                 "own_initiative": "The square is renamed."}
            )  # fmt: skip
            app.defend_position(
                {"actor": "facilitator", "initiative": CC, "plan": "traffic",
                 "reactions": [3], "reasoning": "The cars stay outside."}
            )  # fmt: skip
    finally:
        app.close()
    return db


def test_plan_show_says_a_letter_received_late_needs_no_answer_rather_than_unanswered(
    consulted: Path, ok
) -> None:
    shown = ok(consulted, "plan", "show", CC, "traffic", "--full").stdout
    rows = {
        line.split()[0]: line
        for line in shown.split("Reactions\n", 1)[1].splitlines()
        if line[:1].isdigit()
    }
    assert "UNANSWERED" in rows["1"]
    assert "UNANSWERED" not in rows["2"]
    assert " late " in rows["2"]
    assert "defended (late)" in rows["3"]
    in_full = shown.split("Reactions in full", 1)[1]
    letter = in_full.split("Reaction 2 ", 1)[1].split("Reaction 3 ", 1)[0]
    assert "UNANSWERED" not in letter
    assert "Received late, after the reaction period: it needs no answer." in letter
    answered = in_full.split("Reaction 3 ", 1)[1]
    assert "Received late, after the reaction period." in answered
    assert "Answer: defended, by facilitator: The cars stay outside." in answered
    assert "\nUnanswered: 1\n" in shown


def test_plan_show_in_full_names_the_changes_of_the_authoritys_own_accord(
    consulted: Path, ok
) -> None:
    shown = ok(consulted, "plan", "show", CC, "traffic", "--full").stdout
    second = shown.split("Version 2, proposed by facilitator", 1)[1]
    assert second.splitlines()[1:4] == [
        "  Changes: Second.",
        "  Own initiative: The square is renamed.",
        "  Draft 2.",
    ]
    first = shown.split("Version 2, proposed by", 1)[0]
    assert "Own initiative" not in first


def test_the_response_report_says_which_letters_came_in_late_even_when_answered(
    consulted: Path, ok
) -> None:
    table = ok(consulted, "plan", "responses", CC).stdout
    assert [line.split()[7] for line in table.splitlines()[2:]] == [
        "UNANSWERED",
        "late",
        "defended",
    ]
    assert "defended (late)" in table.splitlines()[4]
    rows = list(
        csv.DictReader(
            io.StringIO(
                ok(consulted, "plan", "responses", CC, "--format", "csv").stdout
            )
        )
    )
    assert [(r["reaction"], r["outcome"], r["late"]) for r in rows] == [
        ("1", "unanswered", "false"),
        ("2", "late", "true"),
        ("3", "defended", "true"),
    ]


def test_the_response_report_says_when_each_letter_came_in_in_every_format(
    consulted: Path, ok
) -> None:
    """Recorded on day 20, the letters came in on days 16 and 17 (after the
    period): the table says so on Dutch clocks, the CSV and the JSON in UTC; the
    resident's own reaction was given when it was recorded."""
    table = ok(consulted, "plan", "responses", CC).stdout.splitlines()
    assert table[0].split()[6] == "given"
    assert [line.split()[6] for line in table[2:]] == [
        "2026-01-15T10:00+01:00",
        "2026-01-28T10:00+01:00",
        "2026-01-29T10:00+01:00",
    ]
    rows = list(
        csv.DictReader(
            io.StringIO(
                ok(consulted, "plan", "responses", CC, "--format", "csv").stdout
            )
        )
    )
    assert [(r["given_at"], r["recorded_at"]) for r in rows] == [
        ("", "2026-01-15T09:00:00Z"),
        ("2026-01-28T09:00:00Z", "2026-02-01T09:00:00Z"),
        ("2026-01-29T09:00:00Z", "2026-02-01T09:00:00Z"),
    ]
    entries = json.loads(
        ok(consulted, "plan", "responses", CC, "--format", "json").stdout
    )
    assert [e["given_at"] for e in entries] == [
        None,
        "2026-01-28T09:00:00Z",
        "2026-01-29T09:00:00Z",
    ]
