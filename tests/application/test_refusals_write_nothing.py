"""Bad input and refused commands: one sentence, the right error, nothing written."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    Samenspraak,
    SamenspraakError,
)
from samenspraak.application.story import StoryRecord
from samenspraak.application.turns import Turns
from samenspraak.domain.plan import Plan

Story = tuple[Samenspraak, StoryRecord, Path]

REACTION = {
    "actor": "bakery",
    "initiative": "city-centre",
    "plan": "vision",
    "version": 2,
    "stance": "concern",
    "text": "A reaction.",
}


def reaction(**changes: Any) -> dict[str, Any]:
    return {**REACTION, **changes}


CASES: list[tuple[str, str, dict[str, Any], type[SamenspraakError], str]] = [
    ("unknown plan", "react_to_plan", reaction(plan="bus-plan"), NotFound,
     "city-centre has no plan called bus-plan."),
    ("invalid stance", "react_to_plan", reaction(stance="angry"), InvalidInput,
     "stance: input should be 'support', 'concern', 'objection' or 'suggestion'."),
    ("empty text", "react_to_plan", reaction(text="   "), InvalidInput,
     "text: must not be empty."),
    ("1 MB text", "react_to_plan", reaction(text="x" * 1_000_000), InvalidInput,
     "text: is too long (at most 20000 characters)."),
    ("unknown actor", "react_to_plan", reaction(actor="nobody"), NotFound,
     "No stakeholder is registered as nobody."),
    ("unknown field", "react_to_plan", reaction(colour="red"), InvalidInput,
     "colour: is not a field of this command."),
    ("malformed reference", "react_to_plan", reaction(plan="Vision Plan"), InvalidInput,
     "plan: must be a reference of lower-case letters, digits and dashes, like "
     "vision-plan."),
    ("malformed date", "hold_meeting",
     {"actor": "facilitator", "initiative": "city-centre", "starts_at": "2026-13-01",
      "kind": "walk-in", "place": "The market", "attendance": 3, "summary": "A walk-in."},
     InvalidInput,
     "starts_at: names a month that does not exist; write it like "
     "2026-04-09T19:30+02:00."),
    ("date without timezone", "hold_meeting",
     {"actor": "facilitator", "initiative": "city-centre", "starts_at": "2026-11-01T10:00",
      "kind": "walk-in", "place": "The market", "attendance": 3, "summary": "A walk-in."},
     InvalidInput, "starts_at: needs its timezone, like 2026-04-09T19:30+02:00."),
    ("a moment beyond the calendar", "hold_meeting",
     {"actor": "facilitator", "initiative": "city-centre",
      "starts_at": "9999-12-31T23:59-05:00", "kind": "walk-in", "place": "The market",
      "attendance": 3, "summary": "A walk-in."},
     InvalidInput, "starts_at: must be a moment between the years 1900 and 2999."),
    ("malformed amount", "allocate_budget",
     {"actor": "facilitator", "initiative": "city-centre", "amount": "12,50",
      "purpose": "Benches", "decision": "budget-first-part"},
     InvalidInput, "amount: must be an amount in euros, like 1250.00 (a dot before the cents)."),
    ("amount in scientific notation", "allocate_budget",
     {"actor": "facilitator", "initiative": "city-centre", "amount": "1e3",
      "purpose": "Benches", "decision": "budget-first-part"},
     InvalidInput, "amount: must be an amount in euros, like 1250.00 (a dot before the cents)."),
    ("amount with an underscore", "allocate_budget",
     {"actor": "facilitator", "initiative": "city-centre", "amount": "1_000",
      "purpose": "Benches", "decision": "budget-first-part"},
     InvalidInput, "amount: must be an amount in euros, like 1250.00 (a dot before the cents)."),
    ("amount with three decimals", "allocate_budget",
     {"actor": "facilitator", "initiative": "city-centre", "amount": "12.505",
      "purpose": "Benches", "decision": "budget-first-part"},
     InvalidInput, "amount: has more than two decimals; give whole cents, like 1250.50."),
    ("a NUL character in a text", "react_to_plan", reaction(text="Too\x00early."),
     InvalidInput, "text: must not contain the NUL character (\\x00)."),
    ("over the budget", "allocate_budget",
     {"actor": "facilitator", "initiative": "city-centre", "amount": "100000.01",
      "purpose": "Benches", "decision": "budget-first-part"},
     NotAllowed,
     "Allocating EUR 100000.01 would bring the allocations of city-centre to "
     "EUR 250000.01, over its budget of EUR 250000.00."),
    ("finalised plan", "react_to_plan", reaction(), NotAllowed,
     "vision is finalised (version 2); it takes no more drafts, reactions or answers."),
    ("the engine's own reference", "register_stakeholder",
     {"actor": "system", "stakeholder": "system", "name": "The system"},
     InvalidInput,
     "stakeholder: system is reserved for what the engine records itself (deadlines "
     "closed by tick)."),
    ("existing initiative", "start_initiative",
     {"actor": "facilitator", "initiative": "city-centre", "title": "Again",
      "description": "Again.", "area": "The old town", "budget": "1", "level": "informing"},
     Conflict, "An initiative called city-centre already exists."),
    ("registered twice", "register_stakeholder",
     {"actor": "facilitator", "stakeholder": "bakery", "name": "Another bakery"},
     Conflict, "A stakeholder is already registered as bakery."),
    ("a plan that exists", "create_plan",
     {"actor": "facilitator", "initiative": "city-centre", "plan": "vision",
      "title": "Another vision", "group": "steering-group"},
     Conflict, "city-centre already has a plan called vision."),
    ("a decision point that exists", "put_decision_point",
     {"actor": "facilitator", "initiative": "city-centre", "decision": "first-priority",
      "question": "Again?", "options": [{"key": "a", "label": "A"},
                                        {"key": "b", "label": "B"}],
      "eligible": ["resident"], "rule": "majority"},
     Conflict, "city-centre already has a decision point called first-priority."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("use_case", "command", "error", "sentence"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_input_gets_one_sentence_and_leaves_the_record_unchanged(
    story: Story,
    use_case: str,
    command: dict[str, Any],
    error: type[SamenspraakError],
    sentence: str,
) -> None:
    app, _, _ = story
    before = app.store.count_rows()
    with pytest.raises(error) as refusal:
        getattr(app, use_case)(command)
    assert str(refusal.value) == sentence
    assert "\n" not in str(refusal.value)
    assert app.store.count_rows() == before


def test_a_failure_while_saving_writes_neither_the_events_nor_the_texts(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, _ = story
    before = app.store.count_rows()
    original = app.store._write_rows

    def fail_after_writing(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(app.store, "_write_rows", fail_after_writing)
    with pytest.raises(RuntimeError):
        app.hold_meeting(
            {
                "actor": "facilitator",
                "initiative": "city-centre",
                "starts_at": "2026-06-06T10:00+02:00",
                "kind": "walk-in",
                "place": "The market square",
                "attendance": 12,
                "summary": "A Saturday walk-in on the market square.",
            }
        )
    assert app.store.count_rows() == before


def test_a_command_that_loses_a_race_is_retried_on_the_new_state(story: Story) -> None:
    app, _, db = story
    other = Samenspraak.open(str(db))
    app.advance_phase({"actor": "facilitator", "initiative": "city-centre"})
    app.create_plan(plan_command("cycle-plan"))
    app.propose_draft(draft_command("cycle-plan"))
    race = interleave(app, lambda: other.propose_draft(draft_command("cycle-plan")))
    try:
        version = app.propose_draft(draft_command("cycle-plan"))
        assert race.calls == 1
        assert version == 3  # the retry saw version 2, proposed by the other writer
        assert len(app.plan_details("city-centre", "cycle-plan").versions) == 3
    finally:
        other.close()


def test_a_command_that_keeps_losing_the_race_has_the_record_to_itself_from_its_third_try(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, db = story
    monkeypatch.setattr("samenspraak.application.app.RETRY_WAIT", 0.0)  # no waiting
    other = Samenspraak.open(str(db))
    app.advance_phase({"actor": "facilitator", "initiative": "city-centre"})
    app.create_plan(plan_command("cycle-plan"))
    app.propose_draft(draft_command("cycle-plan"))
    drafts: list[int | str] = []

    def another_writer_drafts_in_a_thread_of_its_own() -> None:
        def draft() -> None:
            try:
                drafts.append(other.propose_draft(draft_command("cycle-plan")))
            except SamenspraakError as error:  # pragma: no cover (would fail below)
                drafts.append(str(error))

        writer = threading.Thread(target=draft)
        writer.start()
        writers.append(writer)
        writer.join(timeout=1)  # it cannot save while this command is alone

    writers: list[threading.Thread] = []
    race = interleave(app, another_writer_drafts_in_a_thread_of_its_own)
    race.always = True
    try:
        version = app.propose_draft(draft_command("cycle-plan"))
        for writer in writers:
            writer.join(timeout=30)
        # The other writer won the first two tries; the third was this command's,
        # and the other's draft of that moment waited for it and came after.
        assert race.calls == 3
        assert version == 4
        assert drafts == [2, 3, 5]
        assert len(app.plan_details("city-centre", "cycle-plan").versions) == 5
    finally:
        other.close()


def test_a_command_that_keeps_losing_to_a_writer_taking_no_turns_reports_a_conflict(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, db = story
    monkeypatch.setattr("samenspraak.application.app.RETRY_WAIT", 0.0)  # no waiting
    other = Samenspraak.open(str(db))
    other.turns = Turns(None, wait=1)  # as an earlier release: it waits for no turn
    app.advance_phase({"actor": "facilitator", "initiative": "city-centre"})
    app.create_plan(plan_command("cycle-plan"))
    app.propose_draft(draft_command("cycle-plan"))
    race = interleave(app, lambda: other.propose_draft(draft_command("cycle-plan")))
    race.always = True
    before = app.store.count_rows()["stored_events"]
    try:
        with pytest.raises(Conflict) as conflict:
            app.propose_draft(draft_command("cycle-plan"))
        assert "gave up after 8 tries" in str(conflict.value)
        # Only the other writer's eight drafts were recorded.
        assert app.store.count_rows()["stored_events"] == before + 8
    finally:
        other.close()


class interleave:  # noqa: N801 (reads as an action in the tests)
    """Let another writer act just after this app loads a plan, once or always."""

    def __init__(self, app: Samenspraak, action: Callable[[], object]) -> None:
        self.action = action
        self.calls = 0
        self.always = False
        original = app._plan

        def plan_then_interleave(initiative: Any, slug: str) -> Plan:
            plan = original(initiative, slug)
            if self.always or self.calls == 0:
                self.calls += 1
                self.action()
            return plan

        app._plan = plan_then_interleave  # type: ignore[method-assign]


def plan_command(slug: str) -> dict[str, Any]:
    return {
        "actor": "civil-servant-traffic",
        "initiative": "city-centre",
        "plan": slug,
        "title": "A plan",
        "group": "traffic",
    }


def draft_command(slug: str) -> dict[str, Any]:
    return {
        "actor": "civil-servant-traffic",
        "initiative": "city-centre",
        "plan": slug,
        "text": "A draft.",
        "changes": "Something changed.",
    }
