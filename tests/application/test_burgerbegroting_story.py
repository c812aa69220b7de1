"""The participatory budgeting of Oosterpark, told through the engine.

The neighbourhood has EUR 50,000.00 to spend. In the phase ``proposals`` residents
and the football club propose what to spend it on, as reactions on the budget plan.
In ``feasibility-check`` the civil servant of the budget team finds the playground
feasible (a change adopted in a new version) and the floodlights not (a position
defended, with its reason). In ``vote`` society votes by plurality; in
``allocation`` the budget follows the vote and the council is told; in
``implementation`` the residents' playground group carries the playground out and
records its progress to 100%, and the action is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.application.report_render import render_markdown
from samenspraak.domain import clock

SPRING = timezone(timedelta(hours=2))
DAY_ONE = datetime(2026, 4, 6, 9, 0, tzinfo=SPRING)
SLUG = "oosterpark"


@pytest.fixture
def engine(app: Samenspraak) -> Iterator[Samenspraak]:
    with clock.frozen_at(DAY_ONE):
        yield app


def status(app: Samenspraak) -> Any:
    return app.initiative_status(SLUG)


def implementation_items(app: Samenspraak, who: str) -> list[tuple[str, str]]:
    return [
        (i.kind, i.subject)
        for i in app.todo(who)
        if i.kind in ("implementation-action", "action-on-hold")
    ]


def advance(app: Samenspraak, to: str) -> None:
    assert app.advance_phase({"actor": "facilitator", "initiative": SLUG}) == to
    assert status(app).phase == to


def test_participatory_budgeting_from_proposals_to_a_finished_playground(
    engine: Samenspraak,
) -> None:
    app = engine
    for ref, name in [
        ("facilitator", "The facilitator of the budget"),
        ("resident-pond", "A resident by the pond"),
        ("resident-parent", "A parent living by the park"),
        ("football-club", "FC Oosterpark"),
        ("civil-servant-budget", "The civil servant for the budget"),
    ]:
        app.register_stakeholder({"actor": ref, "stakeholder": ref, "name": name})

    # --- Proposals: society proposes, the facilitator sets the stage -------------
    app.start_initiative(
        {
            "actor": "facilitator",
            "initiative": SLUG,
            "title": "Burgerbegroting Oosterpark",
            "description": "What shall we do with EUR 50,000 in Oosterpark?",
            "area": "Oosterpark",
            "budget": "50000.00",
            "level": "co-deciding",
            "template": "burgerbegroting@1",
        }
    )
    s = status(app)
    assert (s.template.name, s.template.version, s.phase) == (
        "burgerbegroting",
        "1",
        "proposals",
    )
    assert s.template.phases == [
        "proposals",
        "feasibility-check",
        "vote",
        "allocation",
        "implementation",
    ]
    for ref, kind in [
        ("resident-pond", "resident"),
        ("resident-parent", "resident"),
        ("football-club", "institution"),
    ]:
        app.join_initiative(
            {"actor": ref, "initiative": SLUG, "stakeholder": ref, "kind": kind}
        )
    app.join_initiative(
        {
            "actor": "facilitator",
            "initiative": SLUG,
            "stakeholder": "civil-servant-budget",
            "kind": "civil-servant",
        }
    )
    for group, members in [
        ("budget-team", ["civil-servant-budget"]),
        ("playground-group", ["resident-pond", "resident-parent"]),
    ]:
        app.form_group(
            {
                "actor": "facilitator",
                "initiative": SLUG,
                "group": group,
                "kind": "working",
                "name": group.replace("-", " "),
                "mandate": f"The mandate of the {group}",
            }
        )
        for member in members:
            app.add_member(
                {
                    "actor": "facilitator",
                    "initiative": SLUG,
                    "group": group,
                    "stakeholder": member,
                }
            )
    app.create_plan(
        {
            "actor": "facilitator",
            "initiative": SLUG,
            "plan": "budget-plan",
            "title": "The budget plan of Oosterpark",
            "group": "budget-team",
        }
    )
    app.propose_draft(
        {
            "actor": "facilitator",
            "initiative": SLUG,
            "plan": "budget-plan",
            "text": "EUR 50,000 for Oosterpark; propose what it is spent on.",
            "changes": "First version",
        }
    )
    playground = app.react_to_plan(
        {
            "actor": "resident-pond",
            "initiative": SLUG,
            "plan": "budget-plan",
            "version": 1,
            "stance": "suggestion",
            "text": "A playground by the pond, EUR 30,000.",
        }
    )
    floodlights = app.react_to_plan(
        {
            "actor": "football-club",
            "initiative": SLUG,
            "plan": "budget-plan",
            "version": 1,
            "stance": "suggestion",
            "text": "Floodlights on the football pitch, EUR 45,000.",
        }
    )
    assert (playground, floodlights) == (1, 2)
    # Civil servants observe while society proposes.
    with pytest.raises(NotAllowed) as observing:
        app.react_to_plan(
            {
                "actor": "civil-servant-budget",
                "initiative": SLUG,
                "plan": "budget-plan",
                "version": 1,
                "stance": "concern",
                "text": "Mind the budget.",
            }
        )
    assert str(observing.value) == (
        "In the phase proposals of oosterpark, a civil servant may not react to "
        "plans; its template lets them do so in the phase implementation."
    )
    assert observing.value.rule == "only_permitted_roles_act_in_a_phase"
    # The phase lasts its reaction period of 42 days.
    with pytest.raises(NotAllowed) as early:
        app.advance_phase({"actor": "facilitator", "initiative": SLUG})
    assert early.value.rule == "a_phase_is_left_when_its_guards_hold"
    plan = app.plan_details(SLUG, "budget-plan")
    assert plan.unanswered == [1, 2]

    with clock.frozen_at(DAY_ONE + timedelta(days=43)):
        advance(app, "feasibility-check")

        # --- Feasibility check: every "not feasible" gets its reason -------------
        app.propose_draft(
            {
                "actor": "civil-servant-budget",
                "initiative": SLUG,
                "plan": "budget-plan",
                "text": "Feasible: the playground by the pond (EUR 30,000).",
                "changes": "The playground was found feasible",
            }
        )
        app.adopt_change(
            {
                "actor": "civil-servant-budget",
                "initiative": SLUG,
                "plan": "budget-plan",
                "reactions": [playground],
                "version": 2,
                "explanation": "Feasible: the pond side has room for it.",
            }
        )
        with pytest.raises(NotAllowed) as unanswered:
            app.advance_phase({"actor": "facilitator", "initiative": SLUG})
        assert unanswered.value.rule == "a_phase_is_left_when_its_guards_hold"
        app.defend_position(
            {
                "actor": "civil-servant-budget",
                "initiative": SLUG,
                "plan": "budget-plan",
                "reactions": [floodlights],
                "reasoning": "Not feasible: floodlights disturb the birds in "
                "the park, and they cost more than the budget leaves.",
            }
        )
        plan = app.plan_details(SLUG, "budget-plan")
        assert plan.unanswered == []
        assert [(r.number, r.answer and r.answer.kind) for r in plan.reactions] == [
            (1, "adopted"),
            (2, "defended"),
        ]
        assert all(r.answer is not None and r.answer.text for r in plan.reactions)
        advance(app, "vote")

        # --- Vote: society chooses by plurality ----------------------------------
        app.put_decision_point(
            {
                "actor": "facilitator",
                "initiative": SLUG,
                "decision": "budget-vote",
                "question": "Which feasible proposal gets the budget?",
                "options": [
                    {"key": "playground", "label": "A playground by the pond"},
                    {"key": "nothing-now", "label": "Keep the budget for later"},
                ],
                "eligible": ["resident", "entrepreneur", "institution"],
                "rule": "plurality",
            }
        )
        for voter, option in [
            ("resident-pond", "playground"),
            ("resident-parent", "playground"),
            ("football-club", "nothing-now"),
        ]:
            app.take_position(
                {
                    "actor": voter,
                    "initiative": SLUG,
                    "decision": "budget-vote",
                    "option": option,
                }
            )
        outcome = app.decide(
            {"actor": "facilitator", "initiative": SLUG, "decision": "budget-vote"}
        )
        assert outcome == "playground"
        [vote] = status(app).decisions
        assert (vote.state, vote.tally) == (
            "decided",
            {"playground": 2, "nothing-now": 1},
        )
        advance(app, "allocation")

        # --- Allocation: the budget follows the vote -----------------------------
        app.allocate_budget(
            {
                "actor": "facilitator",
                "initiative": SLUG,
                "amount": "30000.00",
                "purpose": "A playground by the pond",
                "decision": "budget-vote",
            }
        )
        with pytest.raises(NotAllowed) as over:
            app.allocate_budget(
                {
                    "actor": "facilitator",
                    "initiative": SLUG,
                    "amount": "20000.01",
                    "purpose": "More than is left",
                    "decision": "budget-vote",
                }
            )
        assert over.value.rule == "allocations_stay_within_the_budget"
        s = status(app)
        assert (s.budget, s.allocated) == (Decimal("50000.00"), Decimal("30000.00"))
        assert [(a.amount, a.decision) for a in s.allocations] == [
            (Decimal("30000.00"), "budget-vote")
        ]
        with pytest.raises(NotAllowed):
            app.advance_phase({"actor": "facilitator", "initiative": SLUG})
        app.inform_council(
            {
                "actor": "facilitator",
                "initiative": SLUG,
                "document_title": "Burgerbegroting Oosterpark: the outcome",
                "document_sha256": "ab" * 32,
                "session": "informal",
                "informed_at": DAY_ONE + timedelta(days=43),
            }
        )
        advance(app, "implementation")

        # --- Implementation: the residents carry it out, the municipality follows -
        app.add_implementation_action(
            {
                "actor": "facilitator",
                "initiative": SLUG,
                "action": "playground",
                "title": "The playground by the pond",
                "owner_group": "playground-group",
                "allocation": 1,
            }
        )
        [action] = status(app).implementation
        assert (action.action, action.group, action.owner) == (
            "playground",
            "playground-group",
            None,
        )
        assert (action.percent, action.status, action.allocation) == (0, "planned", 1)
        assert implementation_items(app, "resident-parent") == [
            ("implementation-action", "playground")
        ]
        assert implementation_items(app, "football-club") == []
        # Only the owners and the facilitator follow it up.
        with pytest.raises(NotAllowed) as stranger:
            app.record_progress(
                {
                    "actor": "football-club",
                    "initiative": SLUG,
                    "action": "playground",
                    "percent": 10,
                }
            )
        assert stranger.value.rule == "only_the_owner_or_the_facilitator_follows_up"
        app.record_progress(
            {
                "actor": "resident-pond",
                "initiative": SLUG,
                "action": "playground",
                "percent": 40,
                "milestone": "Design chosen with the neighbours",
            }
        )
        assert status(app).implementation[0].status == "under-way"
        with pytest.raises(NotAllowed) as down:
            app.record_progress(
                {
                    "actor": "resident-parent",
                    "initiative": SLUG,
                    "action": "playground",
                    "percent": 30,
                }
            )
        assert down.value.rule == "progress_never_goes_down"
        with pytest.raises(NotAllowed) as no_reason:
            app.change_implementation_status(
                {
                    "actor": "facilitator",
                    "initiative": SLUG,
                    "action": "playground",
                    "status": "on-hold",
                }
            )
        assert no_reason.value.rule == "stopping_an_action_gives_a_reason"
        app.change_implementation_status(
            {
                "actor": "facilitator",
                "initiative": SLUG,
                "action": "playground",
                "status": "on-hold",
                "reason": "The slides are delivered late.",
            }
        )
        assert status(app).implementation[0].status == "on-hold"
        assert status(app).implementation[0].status_reason == (
            "The slides are delivered late."
        )
        assert implementation_items(app, "facilitator") == [
            ("action-on-hold", "playground")
        ]
        app.change_implementation_status(
            {
                "actor": "facilitator",
                "initiative": SLUG,
                "action": "playground",
                "status": "under-way",
            }
        )
        assert implementation_items(app, "facilitator") == []
        app.record_progress(
            {
                "actor": "resident-parent",
                "initiative": SLUG,
                "action": "playground",
                "percent": 100,
                "milestone": "Playground opened",
            }
        )
        [action] = status(app).implementation
        assert (action.percent, action.status) == (100, "done")
        assert [(m.percent, m.text) for m in action.milestones] == [
            (40, "Design chosen with the neighbours"),
            (100, "Playground opened"),
        ]
        assert implementation_items(app, "resident-parent") == []

        # --- The report tells the whole story ------------------------------------
        report = app.participation_report(SLUG)
        assert [p.phase for p in report.phases] == [
            "proposals",
            "feasibility-check",
            "vote",
            "allocation",
            "implementation",
        ]
        [entry] = report.implementation
        assert (entry.group, entry.percent, entry.status) == (
            "playground-group",
            100,
            "done",
        )
        text = render_markdown(report, "en")
        assert "## Implementation" in text
        assert "group playground-group" in text
        assert "100% Playground opened" in text
        assert "## Uitvoering" in render_markdown(report, "nl")
