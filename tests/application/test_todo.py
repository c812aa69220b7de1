"""What is next: each role sees the right items in each phase of the story."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application.errors import InvalidInput, NotFound
from samenspraak.application.story import WINTER, StoryRecord
from samenspraak.application.todo import TodoItem, todo_for
from samenspraak.domain import clock

START = datetime(2026, 1, 12, 9, 0, tzinfo=WINTER)
CITY = "city-centre"
CAST = {
    "resident": "resident",
    "bakery": "entrepreneur",
    "civil-servant": "civil-servant",
}


def at(days: float) -> datetime:
    return START + timedelta(days=days)


def kinds(items: list[TodoItem]) -> list[tuple[str, str]]:
    return [(i.kind, i.subject) for i in items]


def todo_at(app: Samenspraak, actor: str, moment: datetime) -> list[TodoItem]:
    with clock.frozen_at(moment):
        return app.todo(actor)


@pytest.fixture
def city(app: Samenspraak) -> Samenspraak:
    """An initiative in its first phase (society decides), with a small cast."""
    with clock.frozen_at(START):
        app.register_stakeholder({"actor": "facilitator", "stakeholder": "facilitator",
                                  "name": "The facilitator"})  # fmt: skip
        app.start_initiative(
            {
                "actor": "facilitator",
                "initiative": CITY,
                "title": "A lively city centre",
                "description": "Residents decide first.",
                "area": "The old town",
                "budget": Decimal("1000.00"),
                "level": "co-deciding",
            }
        )
        for ref, kind in CAST.items():
            app.register_stakeholder(
                {"actor": "facilitator", "stakeholder": ref, "name": ref}
            )
            app.join_initiative(
                {"actor": "facilitator", "initiative": CITY, "stakeholder": ref,
                 "kind": kind}
            )  # fmt: skip
    return app


def put(app: Samenspraak, closes_at: datetime | None, **more: Any) -> None:
    app.put_decision_point(
        {
            "actor": "facilitator",
            "initiative": CITY,
            "decision": "first",
            "question": "What comes first?",
            "options": [{"key": "square", "label": "The square"},
                        {"key": "trees", "label": "Trees"}],
            "eligible": ["resident", "entrepreneur"],
            "rule": "plurality",
            "closes_at": closes_at,
            **more,
        }
    )  # fmt: skip


def take(app: Samenspraak, actor: str, option: str = "square") -> None:
    app.take_position(
        {"actor": actor, "initiative": CITY, "decision": "first", "option": option}
    )


def test_an_open_decision_point_in_the_society_phase(city: Samenspraak) -> None:
    with clock.frozen_at(at(1)):
        put(city, at(30))
    resident = todo_at(city, "resident", at(2))
    assert ("take-position", "first") in kinds(resident)
    [item] = [i for i in resident if i.kind == "take-position"]
    assert item.initiative == CITY
    assert item.due == at(30)
    assert "What comes first?" in item.text
    # Civil servants observe while society decides: it is not put to them.
    assert ("take-position", "first") not in kinds(
        todo_at(city, "civil-servant", at(2))
    )
    facilitator = todo_at(city, "facilitator", at(2))
    assert ("ready-to-decide", "first") not in kinds(facilitator)

    with clock.frozen_at(at(3)):
        take(city, "resident")
    # A position taken can still be changed while the point is open.
    [again] = [i for i in todo_at(city, "resident", at(3)) if i.kind == "take-position"]
    assert "You chose square" in again.text
    assert ("ready-to-decide", "first") not in kinds(
        todo_at(city, "facilitator", at(3))
    )

    with clock.frozen_at(at(4)):
        take(city, "bakery", "trees")
    # Every eligible participant (not the civil servant, in this phase) took part.
    [ready] = [
        i for i in todo_at(city, "facilitator", at(4)) if i.kind == "ready-to-decide"
    ]
    assert "everyone took part" in ready.text

    with clock.frozen_at(at(5)):
        city.decide({"actor": "facilitator", "initiative": CITY, "decision": "first"})
    assert ("take-position", "first") not in kinds(todo_at(city, "resident", at(5)))
    assert ("ready-to-decide", "first") not in kinds(
        todo_at(city, "facilitator", at(5))
    )


def test_a_decision_point_past_its_closing_is_ready_and_off_the_lists(
    city: Samenspraak,
) -> None:
    with clock.frozen_at(at(1)):
        put(city, at(3))
    assert ("take-position", "first") not in kinds(todo_at(city, "resident", at(4)))
    [ready] = [
        i for i in todo_at(city, "facilitator", at(4)) if i.kind == "ready-to-decide"
    ]
    assert "it has closed" in ready.text


def test_a_deadline_in_the_coming_week_shows_for_the_facilitator(
    city: Samenspraak,
) -> None:
    with clock.frozen_at(at(1)):
        put(city, at(20))
    assert ("deadline", "first") not in kinds(todo_at(city, "facilitator", at(2)))
    items = todo_at(city, "facilitator", at(15))
    [deadline] = [i for i in items if i.kind == "deadline"]
    assert deadline.subject == "first"
    assert deadline.due == at(20)
    assert "0 of 2 positions taken" in deadline.text
    # Items with a due date come first, in date order.
    dated = [i.due for i in items if i.due is not None]
    assert dated == sorted(dated)
    assert items[: len(dated)] == [i for i in items if i.due is not None]


def test_unanswered_reactions_show_for_the_facilitator(city: Samenspraak) -> None:
    with clock.frozen_at(at(1)):
        city.form_group(
            {"actor": "facilitator", "initiative": CITY, "group": "steering",
             "kind": "steering", "name": "Steering", "mandate": "A vision."}
        )  # fmt: skip
        city.add_member(
            {"actor": "facilitator", "initiative": CITY, "group": "steering",
             "stakeholder": "bakery"}
        )  # fmt: skip
        city.create_plan(
            {"actor": "bakery", "initiative": CITY, "plan": "vision",
             "title": "The vision", "group": "steering"}
        )  # fmt: skip
    assert ("react-to-plan", "vision") not in kinds(todo_at(city, "resident", at(1)))
    with clock.frozen_at(at(2)):
        city.propose_draft(
            {"actor": "bakery", "initiative": CITY, "plan": "vision",
             "text": "A car-free square.", "changes": "First draft."}
        )  # fmt: skip
    [react] = [i for i in todo_at(city, "resident", at(2)) if i.kind == "react-to-plan"]
    assert "Version 1 of 'The vision'" in react.text
    assert ("react-to-plan", "vision") not in kinds(
        todo_at(city, "civil-servant", at(2))
    )
    with clock.frozen_at(at(3)):
        for stance in ("support", "concern"):
            city.react_to_plan(
                {"actor": "resident", "initiative": CITY, "plan": "vision",
                 "version": 1, "stance": stance, "text": f"A {stance}."}
            )  # fmt: skip
    [open_ones] = [
        i
        for i in todo_at(city, "facilitator", at(3))
        if i.kind == "unanswered-reactions"
    ]
    assert open_ones.subject == "vision"
    assert open_ones.count == 2
    assert open_ones.text.startswith("2 reactions on 'The vision'")
    with clock.frozen_at(at(4)):
        city.note_support(
            {"actor": "bakery", "initiative": CITY, "plan": "vision", "reactions": [1]}
        )
    [one] = [
        i
        for i in todo_at(city, "facilitator", at(4))
        if i.kind == "unanswered-reactions"
    ]
    assert one.count == 1
    # The resident hears that one of their reactions was answered.
    [answer] = [i for i in todo_at(city, "resident", at(5)) if i.kind == "answer"]
    assert "Your reaction 1" in answer.text
    assert "answer" not in [i.kind for i in todo_at(city, "resident", at(20))]


def test_a_meeting_ahead_shows_for_a_stakeholder(city: Samenspraak) -> None:
    with clock.frozen_at(at(1)):
        city.hold_meeting(
            {"actor": "facilitator", "initiative": CITY, "starts_at": at(10),
             "kind": "residents-meeting", "place": "The library",
             "attendance": 0, "summary": "Planned."}
        )  # fmt: skip
    [meeting] = [i for i in todo_at(city, "resident", at(2)) if i.kind == "meeting"]
    assert meeting.subject == "1"
    assert meeting.due == at(10)
    assert "meeting" not in [i.kind for i in todo_at(city, "resident", at(11))]


def test_the_council_not_yet_informed(city: Samenspraak) -> None:
    assert ("inform-council", "council") in kinds(todo_at(city, "facilitator", at(1)))
    assert ("inform-council", "council") not in kinds(todo_at(city, "resident", at(1)))
    with clock.frozen_at(at(2)):
        city.inform_council(
            {"actor": "facilitator", "initiative": CITY, "document_title": "Vision",
             "document_sha256": "0" * 64, "session": "informal",
             "informed_at": at(2)}
        )  # fmt: skip
    assert ("inform-council", "council") not in kinds(
        todo_at(city, "facilitator", at(3))
    )


def test_phase_guards_met_only_where_the_phase_declares_guards() -> None:
    doc: dict[str, Any] = {
        "slug": CITY,
        "facilitator": "f",
        "stakeholders": {"f": {"kind": "facilitator", "active": True}},
        "phase": "draft",
        "phases": [{"phase": "draft", "at": at(0).isoformat()}],
        "template": {"name": "t", "version": "1", "content_hash": "x"},
        "meetings": [],
        "council": [],
        "allocations": [],
        "plans": {},
        "decisions": {},
        "closed": False,
    }
    from samenspraak.domain.templates import Phase, ProcessTemplate  # noqa: PLC0415

    guarded = ProcessTemplate(
        "t",
        "1",
        "A test.",
        (Phase("draft", "Drafting.", guards=("a_draft_proposed",)), Phase("end", "")),
    )
    assert "phase-can-advance" not in [
        i.kind for i in todo_for(doc, "f", at(1), process=guarded)
    ]
    doc["plans"]["p"] = {
        "slug": "p", "title": None, "versions": {"1": {}}, "reactions": {},
        "final_version": None, "finalised_at": None,
    }  # fmt: skip
    [item] = [
        i
        for i in todo_for(doc, "f", at(1), process=guarded)
        if i.kind == "phase-can-advance"
    ]
    assert item.subject == "draft"
    assert "advance to end" in item.text
    plain = ProcessTemplate("t", "1", "A test.", (Phase("draft", ""), Phase("end", "")))
    assert "phase-can-advance" not in [
        i.kind for i in todo_for(doc, "f", at(1), process=plain)
    ]


def test_the_council_phase_can_advance_once_the_council_was_told_in_it() -> None:
    from samenspraak.domain.templates import Phase, ProcessTemplate  # noqa: PLC0415

    process = ProcessTemplate(
        "t",
        "1",
        "A test.",
        (
            Phase("draft", "Drafting."),
            Phase("council", "Telling.", guards=("council_informed",)),
            Phase("end", ""),
        ),
    )
    told_in_draft = {"recorded_at": at(1).isoformat()}
    doc: dict[str, Any] = {
        "slug": CITY,
        "facilitator": "f",
        "stakeholders": {"f": {"kind": "facilitator", "active": True}},
        "phase": "council",
        "phases": [
            {"phase": "draft", "at": at(0).isoformat()},
            {"phase": "council", "at": at(2).isoformat()},
        ],
        "template": {"name": "t", "version": "1", "content_hash": "x"},
        "meetings": [],
        "council": [told_in_draft],
        "allocations": [],
        "plans": {},
        "decisions": {},
        "closed": False,
    }

    def items() -> dict[str, str]:
        return {i.kind: i.text for i in todo_for(doc, "f", at(3), process=process)}

    assert "phase-can-advance" not in items()
    assert items()["inform-council"] == (
        "The council has not been informed in the phase council yet; leaving the "
        "phase asks for it."
    )
    doc["council"].append({"recorded_at": at(3).isoformat()})
    assert "phase-can-advance" in items()
    assert "inform-council" not in items()


def test_after_the_story(story: tuple[Samenspraak, StoryRecord, Path]) -> None:
    app, _, _ = story
    end = datetime(2026, 6, 5, 9, 0, tzinfo=WINTER)
    facilitator = todo_at(app, "facilitator", end)
    assert "unanswered-reactions" not in [i.kind for i in facilitator]
    assert "ready-to-decide" not in [i.kind for i in facilitator]
    # Every plan is finalised and the council heard of both: nothing is left.
    assert "inform-council" not in [i.kind for i in facilitator]
    for person in ("bakery", "resident-kerkstraat", "civil-servant-traffic"):
        assert [i.kind for i in todo_at(app, person, end)] == []


def _as_of(
    app: Samenspraak, ref: str, moment: datetime
) -> list[tuple[str, str, int | None]]:
    """The items of ``ref`` from the document as it stood at ``moment``."""
    doc = app._document(CITY, moment)
    items = todo_for(doc, app._stakeholder(ref), moment)
    return [(i.kind, i.subject, i.count) for i in items]


def test_each_role_in_each_phase_of_the_story(
    story: tuple[Samenspraak, StoryRecord, Path],
) -> None:
    app, _, _ = story
    # Society decides: two reactions on the vision wait for an answer.
    moment = datetime(2026, 2, 5, 12, 0, tzinfo=WINTER)
    assert ("unanswered-reactions", "vision", 2) in _as_of(app, "facilitator", moment)
    assert ("inform-council", "council", None) in _as_of(app, "facilitator", moment)
    assert ("react-to-plan", "vision", None) in _as_of(app, "library", moment)
    assert _as_of(app, "civil-servant-traffic", moment) == []
    # Everyone eligible chose what comes first: ready to decide.
    moment = datetime(2026, 2, 20, 12, 0, tzinfo=WINTER)
    facilitator = _as_of(app, "facilitator", moment)
    assert ("ready-to-decide", "first-priority", None) in facilitator
    assert "unanswered-reactions" not in [k for k, _, _ in facilitator]
    assert ("take-position", "first-priority", None) in _as_of(app, "bakery", moment)
    assert _as_of(app, "civil-servant-traffic", moment) == []
    # Colleagues join: the civil servant may react to the traffic plan now.
    moment = datetime(2026, 4, 12, 12, 0, tzinfo=WINTER)
    assert ("unanswered-reactions", "traffic-plan", 5) in _as_of(
        app, "facilitator", moment
    )
    assert ("react-to-plan", "traffic-plan", None) in _as_of(
        app, "civil-servant-traffic", moment
    )
    # The consent question closes within a week; the civil servant is eligible.
    moment = datetime(2026, 4, 26, 12, 0, tzinfo=WINTER)
    assert "deadline" in [k for k, _, _ in _as_of(app, "facilitator", moment)]
    assert ("take-position", "traffic-plan-consent", None) in _as_of(
        app, "civil-servant-traffic", moment
    )


def test_unknown_and_malformed_actors(app: Samenspraak) -> None:
    with pytest.raises(NotFound):
        app.todo("nobody")
    with pytest.raises(InvalidInput):
        app.todo("Not A Ref")


def test_todo_lists_only_what_the_phase_lets_each_role_do() -> None:
    from samenspraak.domain.templates import Phase, ProcessTemplate  # noqa: PLC0415

    process = ProcessTemplate(
        "t",
        "1",
        "A test.",
        (
            Phase(
                "views",
                "Views are given; civil servants note them.",
                permissions={
                    "facilitator": ("react_to_plan",),
                    "civil-servant": ("note_support",),
                    "resident": (),
                },
            ),
            Phase(
                "answers",
                "The facilitator answers and informs the council.",
                permissions={
                    "facilitator": ("note_support", "inform_council", "decide"),
                    "civil-servant": (),
                    "resident": ("record_progress",),
                },
            ),
        ),
    )
    person = {"active": True}
    doc: dict[str, Any] = {
        "slug": CITY,
        "facilitator": "f",
        "stakeholders": {
            "f": {"kind": "facilitator", **person},
            "c": {"kind": "civil-servant", **person},
            "r": {"kind": "resident", **person},
        },
        "groups": {"works": {"members": ["c"]}},
        "phase": "views",
        "phases": [{"phase": "views", "at": at(0).isoformat()}],
        "template": {"name": "t", "version": "1", "content_hash": "x"},
        "meetings": [],
        "council": [],
        "allocations": [],
        "decisions": {
            "d": {
                "slug": "d",
                "question": None,
                "state": "open",
                "positions": {},
                "eligible": ["resident"],
                "closes_at": at(0.5).isoformat(),
            }
        },
        "closed": False,
        "plans": {
            "p": {
                "slug": "p",
                "title": None,
                "group": "works",
                "versions": {"1": {}},
                "final_version": None,
                "finalised_at": None,
                "reactions": {
                    "1": {"withdrawn": False, "answer": None, "stakeholder": "r"}
                },
            }
        },
        "implementation": {
            "a": {
                "slug": "a",
                "title": None,
                "owner_stakeholder": "r",
                "owner_group": None,
                "status": "planned",
                "percent": 0,
            }
        },
    }

    def todo(who: str) -> list[tuple[str, str]]:
        return kinds(todo_for(doc, who, at(1), process=process))

    assert ("unanswered-reactions", "p") not in todo("f")
    assert ("inform-council", "council") not in todo("f")
    assert ("ready-to-decide", "d") not in todo("f")
    assert ("deadline", "d") not in todo("f")
    assert ("unanswered-reactions", "p") in todo("c")
    assert ("implementation-action", "a") not in todo("r")

    doc["phase"] = "answers"
    assert ("ready-to-decide", "d") in todo("f")
    assert ("unanswered-reactions", "p") in todo("f")
    assert ("inform-council", "council") in todo("f")
    assert ("unanswered-reactions", "p") not in todo("c")
    assert ("implementation-action", "a") in todo("r")


def test_a_position_taken_before_leaving_lapses_also_when_they_come_back(
    city: Samenspraak,
) -> None:
    with clock.frozen_at(at(1)):
        put(city, at(30))
        take(city, "resident")
        take(city, "bakery", "trees")
        city.leave_initiative(
            {"actor": "facilitator", "initiative": CITY, "stakeholder": "bakery"}
        )
        city.join_initiative(
            {"actor": "facilitator", "initiative": CITY, "stakeholder": "bakery",
             "kind": "entrepreneur"}
        )  # fmt: skip

    shown = city.decision_details(CITY, "first")
    assert [(p.stakeholder, p.counted) for p in shown.positions] == [
        ("resident", True),
        ("bakery", False),
    ]
    # Not everyone who may take part has a position that counts, and the bakery
    # is asked for one again.
    assert ("ready-to-decide", "first") not in kinds(
        todo_at(city, "facilitator", at(2))
    )
    [ask] = [i for i in todo_at(city, "bakery", at(2)) if i.kind == "take-position"]
    assert ask.text.startswith("Take your position: ")

    with clock.frozen_at(at(3)):
        take(city, "bakery", "trees")
    shown = city.decision_details(CITY, "first")
    assert [(p.stakeholder, p.counted) for p in shown.positions] == [
        ("resident", True),
        ("bakery", True),
    ]
    assert ("ready-to-decide", "first") in kinds(todo_at(city, "facilitator", at(3)))
