"""plan period and tick on the command line."""

from __future__ import annotations

import json
from pathlib import Path


def test_tick_with_nothing_due_says_so_and_adds_nothing(
    stage_copy: Path, ok, event_count
) -> None:
    before = event_count(stage_copy)
    assert ok(stage_copy, "tick").output.strip() == "Nothing was due."
    assert json.loads(ok(stage_copy, "tick", "--json").output) == []
    assert event_count(stage_copy) == before


def test_plan_period_opens_a_period_and_refuses_a_second_while_it_runs(
    stage_copy: Path, ok, run
) -> None:
    result = ok(
        stage_copy, "plan", "period", "city-centre", "vision", "--closes-at",
        "2099-01-01T00:00+01:00", actor="facilitator",
    )  # fmt: skip
    assert (
        result.stderr
        == "Opened a reaction period on vision until 2099-01-01T00:00+01:00.\n"
    )
    both = run(
        stage_copy, "plan", "period", "city-centre", "vision", "--days", "3",
        "--closes-at", "2099-01-01T00:00+01:00", actor="facilitator",
    )  # fmt: skip
    assert both.exit_code == 2
    again = run(
        stage_copy, "plan", "period", "city-centre", "vision", "--days", "3",
        actor="facilitator",
    )  # fmt: skip
    assert again.exit_code == 1
    assert "already has a reaction period open until" in again.output


def test_tick_says_what_it_closed_and_how_it_was_decided(stage_copy: Path, ok) -> None:
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    from samenspraak.application import Samenspraak  # noqa: PLC0415
    from samenspraak.domain.clock import frozen_at  # noqa: PLC0415

    put_at = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
    app = Samenspraak.open(stage_copy, create=False)
    try:
        with frozen_at(put_at):
            app.put_decision_point(
                {"actor": "facilitator", "initiative": "city-centre",
                 "decision": "benches", "question": "Benches on the square?",
                 "options": [{"key": "yes", "label": "Yes"},
                             {"key": "no", "label": "No"}],
                 "eligible": ["entrepreneur"], "rule": "majority",
                 "closes_at": put_at + timedelta(days=1)}
            )  # fmt: skip
            app.take_position(
                {"actor": "bakery", "initiative": "city-centre",
                 "decision": "benches", "option": "yes"}
            )  # fmt: skip
    finally:
        app.close()
    assert ok(stage_copy, "tick").stdout == (
        "Closed decision point benches in city-centre at 2026-01-21T12:00+00:00: yes.\n"
    )
    assert ok(stage_copy, "tick").stdout == "Nothing was due.\n"
