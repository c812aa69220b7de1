"""The story of the city centre, told use case by use case through the public API."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.domain import clock

CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))
CITY = "city-centre"


def test_society_decides_first_and_the_plan_gets_broad_support(
    app: Samenspraak,
) -> None:
    # A civil servant, formerly a department head, simply starts.
    app.register_stakeholder(
        {
            "actor": "facilitator",
            "stakeholder": "facilitator",
            "name": "The facilitator",
        }
    )
    app.start_initiative(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "title": "Together for a lively city centre",
            "description": "Residents, entrepreneurs and institutions decide first.",
            "area": "The old town",
            "budget": "250000.00",
            "level": "co-deciding",
        }
    )
    status = app.initiative_status(CITY)
    assert (status.phase, status.facilitator, status.level) == (
        "society-decides",
        "facilitator",
        "co-deciding",
    )
    assert status.template.name == "overheidsparticipatie"

    # He connects the stakeholders of the city centre.
    people = {
        "bakery": "entrepreneur",
        "library": "institution",
        "resident-kerkstraat": "resident",
        "resident-havenkwartier": "resident",
        "civil-servant-traffic": "civil-servant",
    }
    for ref, kind in people.items():
        app.register_stakeholder(
            {"actor": "facilitator", "stakeholder": ref, "name": f"The {ref}"}
        )
        app.join_initiative(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "stakeholder": ref,
                "kind": kind,
            }
        )
    kinds = {p.ref: p.kind for p in app.initiative_status(CITY).stakeholders}
    assert kinds == {"facilitator": "facilitator", **people}

    # He sets up a steering group of entrepreneurs, institutions and residents.
    app.form_group(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "group": "steering-group",
            "kind": "steering",
            "name": "Steering group",
            "mandate": "Work out what the city centre should look like.",
        }
    )
    for member in ("bakery", "library", "resident-kerkstraat"):
        app.add_member(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "group": "steering-group",
                "stakeholder": member,
            }
        )
    (steering,) = app.initiative_status(CITY).groups
    assert steering.members == ["bakery", "library", "resident-kerkstraat"]

    # His agenda fills with evening meetings.
    evening = app.hold_meeting(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "starts_at": datetime(2026, 1, 20, 19, 30, tzinfo=CET),
            "kind": "steering-group",
            "place": "The library",
            "attendance": 9,
            "summary": "What should the centre be in ten years?",
        }
    )
    assert evening == 1
    assert app.initiative_status(CITY).meetings[0].evening_or_weekend is True

    # A vision follows.
    app.create_plan(
        {
            "actor": "bakery",
            "initiative": CITY,
            "plan": "vision",
            "title": "Vision for the city centre",
            "group": "steering-group",
        }
    )
    assert (
        app.propose_draft(
            {
                "actor": "bakery",
                "initiative": CITY,
                "plan": "vision",
                "text": "A car-free market square and green streets.",
                "changes": "First draft.",
            }
        )
        == 1
    )
    support = app.react_to_plan(
        {
            "actor": "resident-havenkwartier",
            "initiative": CITY,
            "plan": "vision",
            "version": 1,
            "stance": "support",
            "text": "Finally a centre for people.",
        }
    )
    # Society decides first: the civil servant observes, but does not react yet.
    with pytest.raises(NotAllowed) as refusal:
        app.react_to_plan(
            {
                "actor": "civil-servant-traffic",
                "initiative": CITY,
                "plan": "vision",
                "version": 1,
                "stance": "concern",
                "text": "Parking policy does not allow this.",
            }
        )
    assert refusal.value.rule == "society_decides_first"
    assert str(refusal.value).startswith("Society decides first: civil servants")
    app.note_support(
        {
            "actor": "bakery",
            "initiative": CITY,
            "plan": "vision",
            "reactions": [support],
        }
    )
    assert (
        app.finalise_plan(
            {"actor": "facilitator", "initiative": CITY, "plan": "vision"}
        )
        == 1
    )

    # The facilitator puts the decision points to them.
    app.put_decision_point(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "decision": "first-priority",
            "question": "What comes first?",
            "options": [
                {"key": "car-free-square", "label": "A car-free square"},
                {"key": "green-streets", "label": "Greener streets"},
            ],
            "eligible": ["resident", "entrepreneur", "institution"],
            "rule": "majority",
        }
    )
    for ref, option in [
        ("bakery", "green-streets"),
        ("library", "car-free-square"),
        ("resident-kerkstraat", "car-free-square"),
        ("bakery", "car-free-square"),  # a later position replaces the earlier one
    ]:
        app.take_position(
            {
                "actor": ref,
                "initiative": CITY,
                "decision": "first-priority",
                "option": option,
            }
        )
    outcome = app.decide(
        {"actor": "facilitator", "initiative": CITY, "decision": "first-priority"}
    )
    assert outcome == "car-free-square"
    details = app.decision_details(CITY, "first-priority")
    assert details.tally == {"car-free-square": 3, "green-streets": 0}

    # The vision is presented to the council in an informal session.
    app.inform_council(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "document_title": "Vision for the city centre",
            "document_sha256": "ab" * 32,
            "session": "informal",
            "informed_at": datetime(2026, 3, 5, 19, 30, tzinfo=CET),
        }
    )
    assert app.initiative_status(CITY).council[0].session == "informal"

    # Only after that may his colleagues join in.
    assert (
        app.advance_phase({"actor": "facilitator", "initiative": CITY})
        == "colleagues-join"
    )

    # New working groups form; a traffic plan is made by the people involved.
    app.form_group(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "group": "traffic",
            "kind": "working",
            "name": "Working group for traffic",
            "mandate": "Make a traffic plan.",
        }
    )
    for member in ("resident-kerkstraat", "civil-servant-traffic"):
        app.add_member(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "group": "traffic",
                "stakeholder": member,
            }
        )
    app.create_plan(
        {
            "actor": "civil-servant-traffic",
            "initiative": CITY,
            "plan": "traffic-plan",
            "title": "Traffic plan",
            "group": "traffic",
        }
    )
    app.propose_draft(
        {
            "actor": "civil-servant-traffic",
            "initiative": CITY,
            "plan": "traffic-plan",
            "text": "The old town is closed to through traffic.",
            "changes": "First draft.",
        }
    )

    # Everyone could react, at an evening residents' meeting too.
    meeting = app.hold_meeting(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "starts_at": datetime(2026, 4, 9, 19, 30, tzinfo=CEST),
            "kind": "residents-meeting",
            "place": "Community centre",
            "attendance": 64,
            "summary": "Fear that traffic moves to the Havenkwartier.",
        }
    )
    objection = app.react_to_plan(
        {
            "actor": "facilitator",
            "stakeholder": "resident-havenkwartier",
            "initiative": CITY,
            "plan": "traffic-plan",
            "version": 1,
            "stance": "objection",
            "channel": "meeting",
            "meeting": meeting,
            "text": "Traffic will move into the Havenkwartier.",
        }
    )
    concern = app.react_to_plan(
        {
            "actor": "bakery",
            "initiative": CITY,
            "plan": "traffic-plan",
            "version": 1,
            "stance": "concern",
            "section": "deliveries",
            "text": "Deliveries start too early.",
        }
    )
    with pytest.raises(NotAllowed) as refusal:
        app.finalise_plan(
            {"actor": "facilitator", "initiative": CITY, "plan": "traffic-plan"}
        )
    assert str(refusal.value) == (
        "traffic-plan cannot be finalised while reactions 1, 2 are unanswered."
    )

    # Some things were changed, other things were defended.
    app.propose_draft(
        {
            "actor": "resident-kerkstraat",
            "initiative": CITY,
            "plan": "traffic-plan",
            "text": "The old town is closed; the Havenkwartier gets a modal filter.",
            "changes": "A modal filter for the Havenkwartier.",
        }
    )
    app.adopt_change(
        {
            "actor": "resident-kerkstraat",
            "initiative": CITY,
            "plan": "traffic-plan",
            "reactions": [objection],
            "version": 2,
            "explanation": "A modal filter keeps through traffic out.",
        }
    )
    app.defend_position(
        {
            "actor": "civil-servant-traffic",
            "initiative": CITY,
            "plan": "traffic-plan",
            "reactions": [concern],
            "reasoning": "Later deliveries clash with the market.",
        }
    )
    assert (
        app.finalise_plan(
            {"actor": "facilitator", "initiative": CITY, "plan": "traffic-plan"}
        )
        == 2
    )

    # Now there is a plan with broad support: every reaction has its answer.
    plan = app.plan_details(CITY, "traffic-plan")
    assert [
        (r.stance, r.answer.kind if r.answer else None) for r in plan.reactions
    ] == [
        ("objection", "adopted"),
        ("concern", "defended"),
    ]
    assert plan.reactions[0].answer is not None
    assert plan.reactions[0].answer.version == 2
    assert plan.reactions[0].meeting == meeting
    assert plan.reactions[0].channel == "meeting"
    assert plan.unanswered == []

    # Residents decide what to do with the budget; the municipality follows.
    app.allocate_budget(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "amount": "150000.00",
            "purpose": "Redesign of the market square",
            "decision": "first-priority",
        }
    )
    with pytest.raises(NotAllowed) as refusal:
        app.allocate_budget(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "amount": "100000.01",
                "purpose": "Too much",
                "decision": "first-priority",
            }
        )
    assert refusal.value.rule == "allocations_stay_within_the_budget"
    final = app.initiative_status(CITY)
    assert final.allocated == Decimal("150000.00")
    assert [(p.plan, p.final_version, p.unanswered) for p in final.plans] == [
        ("vision", 1, 0),
        ("traffic-plan", 2, 0),
    ]


def test_a_position_after_the_closing_time_is_late_even_before_anything_closed_it(
    app: Samenspraak,
) -> None:
    app.register_stakeholder(
        {
            "actor": "facilitator",
            "stakeholder": "facilitator",
            "name": "The facilitator",
        }
    )
    start = datetime(2026, 5, 1, 9, 0, tzinfo=CEST)
    with clock.frozen_at(start):
        app.start_initiative(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "title": "City centre",
                "description": "Society decides first.",
                "area": "The old town",
                "budget": "0",
                "level": "advising",
            }
        )
        app.register_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery", "name": "The bakery"}
        )
        app.join_initiative(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "stakeholder": "bakery",
                "kind": "entrepreneur",
            }
        )
        app.put_decision_point(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "decision": "consent",
                "question": "Can everyone live with it?",
                "options": [{"key": "adopt", "label": "Adopt it"}],
                "eligible": ["entrepreneur"],
                "rule": "consent",
                "closes_at": start + timedelta(days=1),
            }
        )
    with (
        clock.frozen_at(start + timedelta(days=1, seconds=1)),
        pytest.raises(NotAllowed) as late,
    ):
        app.take_position(
            {
                "actor": "bakery",
                "initiative": CITY,
                "decision": "consent",
                "option": "adopt",
            }
        )
    assert late.value.rule == "a_late_position_is_refused"
    assert "2026-05-02T09:00+02:00" in str(late.value)
