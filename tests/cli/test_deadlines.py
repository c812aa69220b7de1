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
    shown = ok(stage_copy, "decision", "show", "city-centre", "benches").stdout
    assert (
        "  closes at: 2026-01-21T13:00+01:00    state: open (its deadline "
        "passed; it closes when the deadlines are next run: samenspraak tick)\n"
    ) in shown
    assert ok(stage_copy, "tick").stdout == (
        "Closed decision point benches in city-centre at 2026-01-21T13:00+01:00: yes.\n"
    )
    shown = ok(stage_copy, "decision", "show", "city-centre", "benches").stdout
    assert "    state: decided\n" in shown
    assert ok(stage_copy, "tick").stdout == "Nothing was due.\n"


def test_a_letter_after_the_period_is_recorded_with_late(
    stage_copy: Path, ok, run
) -> None:
    """Refused as a reaction, the letter that came in after the period closed is
    recorded with --late, and the response report lists it as received late."""
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    from samenspraak.application import Samenspraak  # noqa: PLC0415
    from samenspraak.domain.clock import frozen_at  # noqa: PLC0415

    now = datetime.now(UTC)
    app = Samenspraak.open(stage_copy, create=False)
    try:
        app.open_reaction_period(
            {"actor": "facilitator", "initiative": "city-centre",
             "plan": "vision", "closes_at": (now + timedelta(minutes=1)).isoformat()}
        )  # fmt: skip
    finally:
        app.close()
    received = (now + timedelta(minutes=30)).isoformat(timespec="seconds")
    letter = [
        "plan", "react", "city-centre", "vision", "--version", "1",
        "--stance", "objection", "--text", "A letter, half an hour late.",
        "--for", "bakery", "--channel", "letter", "--received", received,
    ]  # fmt: skip
    with frozen_at(now + timedelta(hours=1)):
        refused = run(stage_copy, *letter, actor="facilitator")
        recorded = ok(stage_copy, *letter, "--late", actor="facilitator")
        responses = ok(
            stage_copy,
            "plan",
            "responses",
            "city-centre",
            "vision",
            "--format",
            "json",
        )
    assert refused.exit_code == 1
    assert "a reaction after that is late" in refused.stderr
    number = recorded.stdout.strip()
    assert recorded.stderr == (
        f"Recorded reaction {number} on vision, received late (it needs no answer).\n"
    )
    assert [(r["reaction"], r["outcome"]) for r in json.loads(responses.stdout)][
        -1
    ] == (int(number), "late")


def test_a_reaction_period_of_days_closes_as_the_clocks_in_the_netherlands_show_it(
    stage_copy: Path, ok, run
) -> None:
    """Fourteen days from a Tuesday noon in winter end at 13:00 on Dutch clocks:
    the facilitator is told so, in the offset the Netherlands has then, and not
    in UTC, in which the engine's clock runs; so is whoever tries a second
    period, and the audit log."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from samenspraak.domain.clock import frozen_at  # noqa: PLC0415

    with frozen_at(datetime(2026, 1, 20, 12, 0, tzinfo=UTC)):
        opened = ok(
            stage_copy, "plan", "period", "city-centre", "vision", "--days", "14",
            actor="facilitator",
        )  # fmt: skip
        again = run(
            stage_copy, "plan", "period", "city-centre", "vision", "--days", "3",
            actor="facilitator",
        )  # fmt: skip
    assert opened.stderr == (
        "Opened a reaction period on vision until 2026-02-03T13:00+01:00.\n"
    )
    assert again.exit_code == 1
    assert "open until 2026-02-03T13:00+01:00." in again.stderr
    logged = ok(
        stage_copy, "audit", "log", "city-centre", "--event", "ReactionPeriodOpened"
    ).stdout
    assert "Reaction period opened until 2026-02-03T13:00+01:00" in logged


def test_plan_show_says_until_when_a_plan_is_open_for_reactions(
    stage_copy: Path, ok
) -> None:
    """The facilitator who opened a period, and anyone about to react, read in
    plan show until when reactions are taken; without a period, it says nothing of
    one."""
    from datetime import UTC, datetime  # noqa: PLC0415

    from samenspraak.domain.clock import frozen_at  # noqa: PLC0415

    with frozen_at(datetime(2099, 1, 20, 12, 0, tzinfo=UTC)):
        before = ok(stage_copy, "plan", "show", "city-centre", "vision").stdout
        ok(
            stage_copy, "plan", "period", "city-centre", "vision", "--days", "14",
            actor="facilitator",
        )  # fmt: skip
        shown = ok(stage_copy, "plan", "show", "city-centre", "vision").stdout
        data = json.loads(
            ok(stage_copy, "plan", "show", "city-centre", "vision", "--json").stdout
        )
    assert "reactions until" not in before.splitlines()[0]
    assert shown.splitlines()[0].endswith(
        "; not final; open for reactions until 2099-02-03T13:00+01:00)"
    )
    assert data["reactions_until"] == "2099-02-03T13:00:00+01:00"
