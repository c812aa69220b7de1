"""Every command asks the phase first: in the council phase of the city-centre
story, whoever the template does not let give a command is refused by
``only_permitted_roles_act_in_a_phase`` before anything else is looked at, and
nothing is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.story import StoryRecord
from samenspraak.application.templates import COMMANDS

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SHA = "ab" * 32

# Who may not give the command in the council phase (overheidsparticipatie v2),
# and a command that is otherwise well formed.
NOT_PERMITTED: dict[str, tuple[str, dict[str, Any]]] = {
    "join_initiative": ("resident-kerkstraat", {"stakeholder": "resident-kerkstraat",
                                                "kind": "resident"}),
    "leave_initiative": ("bakery", {"stakeholder": "bakery"}),
    "form_group": ("facilitator", {"group": "benches", "kind": "working",
                                   "name": "Benches", "mandate": "Benches."}),
    "add_member": ("facilitator", {"group": "steering-group", "stakeholder": "library"}),
    "remove_member": ("facilitator", {"group": "steering-group",
                                      "stakeholder": "bakery"}),
    "hold_meeting": ("bakery", {"starts_at": "2026-06-01T19:30+02:00", "kind": "walk-in",
                                "place": "The market", "attendance": 3,
                                "summary": "A walk-in."}),
    "inform_council": ("bakery", {"document_title": "Letter", "document_sha256": SHA,
                                  "session": "letter",
                                  "informed_at": "2026-06-01T10:00+02:00"}),
    "advance_phase": ("bakery", {}),
    "allocate_budget": ("facilitator", {"amount": "10.00", "purpose": "Benches",
                                        "decision": "budget-first-part"}),
    "add_implementation_action": ("facilitator", {"action": "benches",
                                                  "title": "Benches",
                                                  "owner_group": "steering-group"}),
    "record_progress": ("facilitator", {"action": "benches", "percent": 10}),
    "change_implementation_status": ("facilitator", {"action": "benches",
                                                     "status": "under-way"}),
    "close_initiative": ("bakery", {"outcome": "Done."}),
    "create_plan": ("facilitator", {"plan": "benches", "title": "Benches",
                                    "group": "steering-group"}),
    "propose_draft": ("bakery", {"plan": "traffic-plan", "text": "A third draft.",
                                 "changes": "More."}),
    "adopt_change": ("bakery", {"plan": "traffic-plan", "reactions": [2], "version": 2,
                                "explanation": "In version 2."}),
    "defend_position": ("bakery", {"plan": "traffic-plan", "reactions": [2],
                                   "reasoning": "As it is."}),
    "note_support": ("bakery", {"plan": "traffic-plan", "reactions": [5]}),
    "withdraw_reaction": ("facilitator", {"plan": "traffic-plan", "reaction": 1}),
    "finalise_plan": ("bakery", {"plan": "traffic-plan"}),
    "put_decision_point": ("facilitator", {"decision": "benches", "question": "Which?",
                                           "options": [{"key": "a", "label": "A"},
                                                       {"key": "b", "label": "B"}],
                                           "eligible": ["resident"],
                                           "rule": "majority"}),
    "take_position": ("bakery", {"decision": "first-priority",
                                 "option": "green-streets"}),
    "decide": ("facilitator", {"decision": "first-priority"}),
    "withdraw_decision_point": ("facilitator", {"decision": "first-priority"}),
    "open_reaction_period": ("bakery", {"plan": "traffic-plan", "days": 14}),
}  # fmt: skip
GRANTED_TO_ALL = {"react_to_plan"}  # in this phase; its refusals are tested elsewhere


def test_every_command_of_a_phase_is_in_this_table() -> None:
    assert sorted([*NOT_PERMITTED, *GRANTED_TO_ALL]) == sorted(COMMANDS)


@pytest.mark.parametrize("command", sorted(NOT_PERMITTED))
def test_a_command_the_phase_does_not_grant_is_refused_first(
    story: Story, command: str
) -> None:
    app, _, _ = story
    # The story runs on version 1, which grants everything everywhere; version 2
    # says per phase who may do what.
    app.migrate_template(
        {"actor": "facilitator", "initiative": CITY,
         "template": "overheidsparticipatie@2"}
    )  # fmt: skip
    assert app.initiative_status(CITY).phase == "council"
    actor, fields = NOT_PERMITTED[command]
    events = app.stored_event_count()
    with pytest.raises(NotAllowed) as refused:
        getattr(app, command)({"actor": actor, "initiative": CITY, **fields})
    assert refused.value.rule == "only_permitted_roles_act_in_a_phase", str(
        refused.value
    )
    assert str(refused.value).startswith("In the phase council of city-centre, ")
    assert app.stored_event_count() == events
