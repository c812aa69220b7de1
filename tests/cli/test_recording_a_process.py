"""The commands that record something, driven step by step as a facilitator would.

Data (a version, a reaction's or a meeting's number, an outcome) goes to stdout, so it
can be captured in a script; the confirmation goes to stderr.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from samenspraak.application.persistence import SQLiteSamenspraakRecorder
from samenspraak.domain import clock

Run = Callable[..., Result]
ReadJson = Callable[..., Any]
Refused = Callable[..., str]
Count = Callable[[Path], int]

CITY = "city-centre"
F = "facilitator"


def _says(result: Result, stdout: str, stderr: str) -> None:
    assert (result.stdout, result.stderr) == (stdout, stderr)


def test_informing_the_council_prints_its_number_for_the_follow_up_and_the_correction(
    ok: Run, stage_copy: Path
) -> None:
    digest = hashlib.sha256(b"the vision, version 1").hexdigest()
    for session, number in (("informal", "1"), ("letter", "2")):
        informed = ok(
            stage_copy, "council", "inform", CITY, "--title", "Vision",
            "--sha256", digest, "--session", session, actor=F,
        )  # fmt: skip
        _says(
            informed,
            f"{number}\n",
            f"Recorded informing {number} of the council in city-centre ({session}), "
            f"document sha256 {digest}.\n",
        )
    # The number it printed is the one the follow-up names.
    number = informed.stdout.strip()
    followed = ok(
        stage_copy, "council", "follow-up", CITY, "--informing", number,
        "--summary", "The council asked for a traffic plan.", actor=F,
    )  # fmt: skip
    assert followed.stderr == "Recorded the council's follow-up of informing 2.\n"


def _react(ok: Run, db: Path, actor: str, stance: str, text: str, *extra: str) -> str:
    result = ok(
        db,
        "plan",
        "react",
        CITY,
        "vision",
        "--version",
        "1",
        "--stance",
        stance,
        "--text",
        text,
        *extra,
        actor=actor,
    )
    return result.stdout


def test_registering_starting_and_joining_from_an_empty_database(
    ok: Run, read_json: ReadJson, event_count: Count, tmp_path: Path
) -> None:
    db = tmp_path / "fresh.db"
    registered = ok(
        db, "stakeholder", "register", F, "--name", "The facilitator", actor=F
    )
    _says(registered, "", "Registered facilitator.\n")
    assert db.is_file()

    started = ok(
        db,
        "initiative",
        "start",
        CITY,
        "--title",
        "Together for a lively city centre",
        "--description",
        "Residents decide first.",
        "--area",
        "The old town",
        "--budget",
        "1000.00",
        "--level",
        "co-deciding",
        actor=F,
    )
    _says(started, "", "Started city-centre; you are its facilitator.\n")
    assert event_count(db) == 1
    status = ok(db, "initiative", "status", CITY).stdout
    for empty in ("Groups", "Meetings", "Plans", "Decision points"):
        assert f"\n{empty}\n\n(none)\n" in status, status
    assert ok(db, "meeting", "list", CITY).stdout == "(none)\n"

    # The facilitator registers and adds the bakery; a resident does both themselves.
    _says(
        ok(
            db,
            "stakeholder",
            "register",
            "bakery",
            "--name",
            "The bakery",
            "--contact",
            "bakery@example.org",
            actor=F,
        ),
        "",
        "Registered bakery.\n",
    )
    _says(
        ok(
            db, "stakeholder", "join", CITY, "bakery", "--kind", "entrepreneur", actor=F
        ),
        "",
        "bakery joined city-centre as entrepreneur.\n",
    )
    ok(
        db,
        "stakeholder",
        "register",
        "resident-kerkstraat",
        "--name",
        "A resident",
        actor="resident-kerkstraat",
    )
    ok(
        db,
        "stakeholder",
        "join",
        CITY,
        "resident-kerkstraat",
        "--kind",
        "resident",
        actor="resident-kerkstraat",
    )
    assert event_count(db) == 3

    status = read_json(db, "initiative", "status", CITY)
    assert status["phase"] == "society-decides"
    assert status["budget"] == "1000.00"
    assert Decimal(status["allocated"]) == 0  # shown as "0", not "0.00"
    assert status["title"] == "Together for a lively city centre"
    assert status["stakeholders"] == [
        {"ref": F, "name": "The facilitator", "kind": "facilitator", "active": True},
        {"ref": "bakery", "name": "The bakery", "kind": "entrepreneur", "active": True},
        {
            "ref": "resident-kerkstraat",
            "name": "A resident",
            "kind": "resident",
            "active": True,
        },
    ]

    left = ok(db, "stakeholder", "leave", CITY, "bakery", actor="bakery")
    _says(left, "", "bakery left city-centre.\n")
    people = {p["ref"]: p for p in read_json(db, "stakeholder", "list", CITY)}
    assert people["bakery"]["active"] is False


def test_groups_are_formed_and_members_added_and_removed(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    db = stage_copy
    formed = ok(
        db,
        "group",
        "form",
        CITY,
        "green",
        "--kind",
        "working",
        "--name",
        "Working group for green streets",
        "--mandate",
        "Find room for trees.",
        actor=F,
    )
    _says(formed, "", "Formed the group green.\n")
    _says(
        ok(db, "group", "add", CITY, "green", "library", actor=F),
        "",
        "library is a member of green.\n",
    )
    _says(
        ok(db, "group", "add", CITY, "green", "bakery", actor=F),
        "",
        "bakery is a member of green.\n",
    )
    _says(
        ok(db, "group", "remove", CITY, "green", "library", actor=F),
        "",
        "library is no longer a member of green.\n",
    )
    groups = {g["group"]: g for g in read_json(db, "group", "list", CITY)}
    assert groups["green"] == {
        "group": "green",
        "kind": "working",
        "name": "Working group for green streets",
        "mandate": "Find room for trees.",
        "members": ["bakery"],
    }
    assert groups["steering-group"]["members"] == [
        "bakery",
        "library",
        "resident-havenkwartier",
    ]


def test_a_meeting_held_is_numbered_and_flagged_when_in_the_evening_or_weekend(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    def hold(start: str, kind: str) -> Result:
        return ok(
            stage_copy,
            "meeting",
            "hold",
            CITY,
            "--start",
            start,
            "--kind",
            kind,
            "--place",
            "Community centre",
            "--attendance",
            "64",
            "--summary",
            "The traffic plan evening.",
            actor=F,
        )

    _says(
        hold("2026-04-09T19:30+02:00", "residents-meeting"),
        "1\n",
        "Recorded meeting 1 of city-centre.\n",
    )
    _says(
        hold("2026-04-15T10:00+02:00", "walk-in"),
        "2\n",
        "Recorded meeting 2 of city-centre.\n",
    )
    _says(
        hold("2026-04-18T10:00+02:00", "site-visit"),
        "3\n",
        "Recorded meeting 3 of city-centre.\n",
    )
    meetings = read_json(stage_copy, "meeting", "list", CITY)
    assert [(m["number"], m["kind"], m["evening_or_weekend"]) for m in meetings] == [
        (1, "residents-meeting", True),  # a Thursday evening
        (2, "walk-in", False),  # a Wednesday morning
        (3, "site-visit", True),  # a Saturday
    ]
    assert meetings[0]["starts_at"] == "2026-04-09T19:30:00+02:00"
    assert meetings[0]["attendance"] == 64


def test_a_plan_is_created_and_drafts_proposed_with_text_or_a_text_file(
    ok: Run, read_json: ReadJson, stage_copy: Path, tmp_path: Path
) -> None:
    db = stage_copy
    created = ok(
        db,
        "plan",
        "create",
        CITY,
        "traffic-plan",
        "--title",
        "Traffic plan",
        "--group",
        "traffic",
        actor=F,
    )
    _says(created, "", "Created the plan traffic-plan.\n")
    shown = ok(db, "plan", "show", CITY, "traffic-plan").stdout
    assert "\nVersions\n\n(none)\n\nReactions\n\n(none)\n" in shown
    assert ok(db, "plan", "show", CITY, "traffic-plan", "--full").stdout == shown
    first = ok(
        db,
        "plan",
        "propose",
        CITY,
        "traffic-plan",
        "--text",
        "Through traffic stays out of the old town.",
        "--changes",
        "First draft.",
        actor="bakery",
    )
    _says(first, "1\n", "Proposed version 1 of traffic-plan.\n")

    draft = tmp_path / "traffic-plan-v2.txt"
    body = "Through traffic stays out of the old town.\n\nA modal filter for the Havenkwartier; café terraces stay.\n"
    draft.write_text(body, encoding="utf-8")
    second = ok(
        db,
        "plan",
        "propose",
        CITY,
        "traffic-plan",
        "--text-file",
        str(draft),
        "--changes",
        "A modal filter.",
        actor="bakery",
    )
    _says(second, "2\n", "Proposed version 2 of traffic-plan.\n")

    plan = read_json(db, "plan", "show", CITY, "traffic-plan")
    assert plan["title"] == "Traffic plan"
    assert plan["group"] == "traffic"
    assert plan["final_version"] is None
    assert [(v["number"], v["proposed_by"]) for v in plan["versions"]] == [
        (1, "bakery"),
        (2, "bakery"),
    ]
    assert plan["versions"][1]["text"] == body.strip()
    assert plan["versions"][1]["changes"] == "A modal filter."


def test_reactions_are_numbered_and_recorded_online_by_letter_and_at_a_meeting(
    run: Run, ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    db = stage_copy
    ok(
        db,
        "meeting",
        "hold",
        CITY,
        "--start",
        "2026-02-03T19:30+01:00",
        "--kind",
        "residents-meeting",
        "--place",
        "The library",
        "--attendance",
        "40",
        "--summary",
        "The vision evening.",
        actor=F,
    )
    result = ok(
        db,
        "plan",
        "react",
        CITY,
        "vision",
        "--version",
        "1",
        "--stance",
        "suggestion",
        "--section",
        "3.2",
        "--text",
        "Open the library in the evening.",
        actor="library",
    )
    _says(result, "1\n", "Recorded reaction 1 on vision.\n")
    letter = _react(
        ok,
        db,
        F,
        "concern",
        "Keep the Havenkwartier quiet.",
        "--for",
        "resident-havenkwartier",
        "--channel",
        "letter",
    )
    assert letter == "2\n"
    spoken = _react(
        ok,
        db,
        F,
        "support",
        "Finally a centre for people.",
        "--for",
        "bakery",
        "--channel",
        "meeting",
        "--meeting",
        "1",
    )
    assert spoken == "3\n"
    unsaid = run(
        db, "plan", "react", CITY, "vision", "--version", "1", "--stance", "concern",
        "--text", "By telephone.", "--for", "bakery", actor=F,
    )  # fmt: skip
    assert unsaid.exit_code == 1
    assert unsaid.stderr == (
        "Error: A reaction recorded for someone else says how it came in: by letter, "
        "by email, at a meeting (name it) or online.\n"
    )

    reactions = read_json(db, "plan", "show", CITY, "vision")["reactions"]
    assert [
        (
            r["number"],
            r["stakeholder"],
            r["stance"],
            r["channel"],
            r["meeting"],
            r["section"],
        )
        for r in reactions
    ] == [
        (1, "library", "suggestion", "online", None, "3.2"),
        (2, "resident-havenkwartier", "concern", "letter", None, None),
        (3, "bakery", "support", "meeting", 1, None),
    ]
    assert all(r["answer"] is None and r["version"] == 1 for r in reactions)
    assert read_json(db, "plan", "show", CITY, "vision")["unanswered"] == [1, 2, 3]


def test_every_reaction_is_answered_or_withdrawn_and_then_the_plan_is_finalised(
    ok: Run, read_json: ReadJson, stage_copy: Path, tmp_path: Path
) -> None:
    db = stage_copy
    assert (
        _react(ok, db, "library", "suggestion", "Open the library in the evening.")
        == "1\n"
    )
    assert (
        _react(
            ok, db, "resident-havenkwartier", "concern", "Keep the Havenkwartier quiet."
        )
        == "2\n"
    )
    assert _react(ok, db, "bakery", "support", "Finally a centre for people.") == "3\n"
    assert _react(ok, db, "bakery", "objection", "No more cars at all?") == "4\n"
    assert _react(ok, db, "library", "suggestion", "Add bicycle parking.") == "5\n"
    ok(
        db,
        "plan",
        "propose",
        CITY,
        "vision",
        "--text",
        "The centre is a place to meet; the library opens in the evening.",
        "--changes",
        "Evening library and bicycle parking.",
        actor="library",
    )

    adopted = ok(
        db,
        "plan",
        "adopt",
        CITY,
        "vision",
        "--reaction",
        "1",
        "--reaction",
        "5",
        "--version",
        "2",
        "--explanation",
        "Version 2 opens the library in the evening and adds bicycle parking.",
        actor="library",
    )
    _says(adopted, "", "Adopted in version 2: reactions 1, 5.\n")
    defended = ok(
        db,
        "plan",
        "defend",
        CITY,
        "vision",
        "--reaction",
        "2",
        "--reasoning",
        "A modal filter keeps through traffic out.",
        actor="bakery",
    )
    _says(defended, "", "Position defended: reaction 2.\n")
    withdrawn = ok(
        db, "plan", "withdraw", CITY, "vision", "--reaction", "4", actor="bakery"
    )
    _says(withdrawn, "", "Withdrew reaction 4 on vision.\n")
    noted = ok(
        db,
        "plan",
        "note",
        CITY,
        "vision",
        "--reaction",
        "3",
        actor="resident-havenkwartier",
    )
    _says(noted, "", "Support noted: reaction 3.\n")
    finalised = ok(db, "plan", "finalise", CITY, "vision", actor=F)
    _says(finalised, "", "Finalised vision in version 2.\n")

    plan = read_json(db, "plan", "show", CITY, "vision")
    assert plan["final_version"] == 2
    assert plan["unanswered"] == []
    answers = {r["number"]: r["answer"] for r in plan["reactions"]}
    assert answers[1] == {
        "kind": "adopted",
        "by": "library",
        "version": 2,
        "text": "Version 2 opens the library in the evening and adds bicycle parking.",
    }
    assert answers[5]["kind"] == "adopted"
    assert answers[2]["kind"] == "defended"
    assert answers[2]["text"] == "A modal filter keeps through traffic out."
    assert answers[3]["kind"] == "noted"
    assert answers[4] is None
    assert [r["withdrawn"] for r in plan["reactions"]] == [
        False,
        False,
        False,
        True,
        False,
    ]
    table = ok(db, "plan", "show", CITY, "vision").stdout
    assert "(group steering-group; final: version 2)" in table
    assert "withdrawn" in table


def test_a_decision_point_is_put_positions_taken_and_decided(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    db = stage_copy
    put = ok(
        db,
        "decision",
        "put",
        CITY,
        "first-priority",
        "--question",
        "What comes first?",
        "--option",
        "square=A car-free square",
        "--option",
        "green=Greener streets, with trees",
        "--eligible",
        "resident",
        "--eligible",
        "entrepreneur",
        "--eligible",
        "institution",
        "--rule",
        "majority",
        "--closes-at",
        "2099-02-28T23:59+01:00",
        actor=F,
    )
    _says(put, "", "Put the decision point first-priority (majority).\n")
    for actor, option in (
        ("bakery", "square"),
        ("library", "square"),
        ("resident-havenkwartier", "green"),
    ):
        taken = ok(db, "decision", "take", CITY, "first-priority", option, actor=actor)
        _says(taken, "", f"Position taken on first-priority: {option}.\n")
    # A later position replaces the earlier one.
    ok(
        db,
        "decision",
        "take",
        CITY,
        "first-priority",
        "square",
        actor="resident-havenkwartier",
    )

    decided = ok(db, "decision", "decide", CITY, "first-priority", actor=F)
    _says(decided, "square\n", "first-priority decided: square.\n")

    decision = read_json(db, "decision", "show", CITY, "first-priority")
    assert decision["state"] == "decided"
    assert decision["outcome"] == "square"
    assert decision["tally"] == {"square": 3, "green": 0}
    assert decision["closes_at"] == "2099-02-28T23:59:00+01:00"
    assert decision["options"] == [
        {"key": "square", "label": "A car-free square"},
        {"key": "green", "label": "Greener streets, with trees"},
    ]
    assert len(decision["positions"]) == 3


def test_an_objection_with_its_reason_blocks_consent(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    db = stage_copy
    ok(
        db,
        "decision",
        "put",
        CITY,
        "vision-consent",
        "--question",
        "Can everyone live with the vision?",
        "--option",
        "adopt=Adopt version 1",
        "--eligible",
        "entrepreneur",
        "--eligible",
        "institution",
        "--rule",
        "consent",
        actor=F,
    )
    ok(db, "decision", "take", CITY, "vision-consent", "adopt", actor="bakery")
    ok(
        db,
        "decision",
        "take",
        CITY,
        "vision-consent",
        "object",
        "--reason",
        "The library needs evening hours first.",
        actor="library",
    )
    decided = ok(db, "decision", "decide", CITY, "vision-consent", actor=F)
    _says(decided, "no decision\n", "vision-consent decided: no decision.\n")
    decision = read_json(db, "decision", "show", CITY, "vision-consent")
    assert decision["outcome"] is None
    assert decision["tally"] == {"adopt": 1, "object": 1}
    assert {
        "stakeholder": "library",
        "option": "object",
        "reason": "The library needs evening hours first.",
        "counted": True,
        "recorded_by": None,
        "given_at": None,
    } in decision["positions"]
    assert (
        "outcome: no decision"
        in ok(db, "decision", "show", CITY, "vision-consent").stdout
    )


def test_a_decision_point_decided_without_a_decision_says_so_in_every_list(
    ok: Run, stage_copy: Path
) -> None:
    db = stage_copy
    ok(
        db,
        "decision",
        "put",
        CITY,
        "vision-consent",
        "--question",
        "Can everyone live with the vision?",
        "--option",
        "adopt=Adopt version 1",
        "--eligible",
        "entrepreneur",
        "--rule",
        "consent",
        actor=F,
    )
    ok(
        db,
        "decision",
        "take",
        CITY,
        "vision-consent",
        "object",
        "--reason",
        "Not yet.",
        actor="bakery",
    )
    ok(db, "decision", "decide", CITY, "vision-consent", actor=F)
    # Decided, and what was decided is that nothing was: not "-", which reads as
    # "not yet" beside an open point.
    row = "vision-consent  consent  decided  no decision  adopt 0, object 1"
    assert row in ok(db, "decision", "list", CITY).stdout
    assert row in ok(db, "initiative", "status", CITY).stdout


def test_an_open_decision_point_is_withdrawn(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    db = stage_copy
    ok(
        db,
        "decision",
        "put",
        CITY,
        "evening-hours",
        "--question",
        "Evening hours?",
        "--option",
        "yes=Yes",
        "--option",
        "no=No",
        "--eligible",
        "resident",
        "--rule",
        "plurality",
        actor=F,
    )
    withdrawn = ok(db, "decision", "withdraw", CITY, "evening-hours", actor=F)
    _says(withdrawn, "", "Withdrew evening-hours.\n")
    assert (
        read_json(db, "decision", "show", CITY, "evening-hours")["state"] == "withdrawn"
    )
    assert [d["state"] for d in read_json(db, "decision", "list", CITY)] == [
        "withdrawn"
    ]


def test_informing_the_council_with_a_document_records_the_sha256_of_its_bytes(
    ok: Run, read_json: ReadJson, stage_copy: Path, tmp_path: Path
) -> None:
    document = tmp_path / "vision.pdf"
    content = (
        b"%PDF-1.4\n"
        + bytes(range(256)) * 40
        + "Visie op de binnenstad – café\n".encode()
    )
    document.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    informed = ok(
        stage_copy,
        "council",
        "inform",
        CITY,
        "--title",
        "Vision for the city centre",
        "--document",
        str(document),
        "--session",
        "informal",
        actor=F,
    )
    _says(
        informed,
        "1\n",
        f"Recorded informing 1 of the council in city-centre (informal), "
        f"document sha256 {digest}.\n",
    )
    (council,) = read_json(stage_copy, "council", "list", CITY)
    assert council["document_sha256"] == digest
    assert council["document_title"] == "Vision for the city centre"
    assert council["session"] == "informal"
    assert council["informed_at"].endswith(
        ("Z", "+00:00")
    )  # the engine's clock: now, UTC


def test_informing_the_council_by_a_given_sha256_at_a_given_time(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    digest = hashlib.sha256(b"the traffic plan").hexdigest()
    ok(
        stage_copy,
        "council",
        "inform",
        CITY,
        "--title",
        "Traffic plan",
        "--sha256",
        digest.upper(),
        "--session",
        "formal",
        "--when",
        "2026-06-04T20:00+02:00",
        actor=F,
    )
    (council,) = read_json(stage_copy, "council", "list", CITY)
    assert council["document_sha256"] == digest  # recorded in lower case
    assert council["session"] == "formal"
    assert council["informed_at"] == "2026-06-04T20:00:00+02:00"


def test_the_initiative_advances_allocates_its_budget_and_closes(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    db = stage_copy
    ok(
        db,
        "decision",
        "put",
        CITY,
        "budget-first-part",
        "--question",
        "Where does the first part go?",
        "--option",
        "market-square=The market square",
        "--option",
        "bicycle-parking=Bicycle parking",
        "--eligible",
        "entrepreneur",
        "--eligible",
        "institution",
        "--rule",
        "majority",
        actor=F,
    )
    ok(
        db,
        "decision",
        "take",
        CITY,
        "budget-first-part",
        "market-square",
        actor="bakery",
    )
    ok(db, "decision", "decide", CITY, "budget-first-part", actor=F)

    advanced = ok(db, "initiative", "advance", CITY, actor=F)
    _says(advanced, "", "city-centre is now in the phase colleagues-join.\n")
    # Now that society has decided, the civil servant may react.
    assert (
        _react(
            ok, db, "civil-servant-traffic", "concern", "Parking policy needs a change."
        )
        == "1\n"
    )

    allocated = ok(
        db,
        "initiative",
        "allocate",
        CITY,
        "--amount",
        "150000.50",
        "--purpose",
        "Redesign of the market square",
        "--decision",
        "budget-first-part",
        actor=F,
    )
    _says(allocated, "", "Allocated EUR 150000.50 in city-centre.\n")
    # Every reaction is answered before the initiative closes.
    ok(db, "plan", "defend", CITY, "vision", "--reaction", "1", "--reasoning",
       "Parking policy is for the council.", actor=F)  # fmt: skip
    status = read_json(db, "initiative", "status", CITY)
    assert status["phase"] == "colleagues-join"
    assert status["allocated"] == "150000.50"
    assert status["allocations"] == [
        {
            "amount": "150000.50",
            "purpose": "Redesign of the market square",
            "decision": "budget-first-part",
        }
    ]

    closed = ok(
        db,
        "initiative",
        "close",
        CITY,
        "--outcome",
        "A vision with broad support.",
        actor=F,
    )
    _says(
        closed,
        "",
        "Closed city-centre early, in the phase colleagues-join (before the last "
        "phase of its template).\n",
    )
    status = read_json(db, "initiative", "status", CITY)
    assert status["closed"] is True
    assert status["outcome"] == "A vision with broad support."
    assert read_json(db, "initiative", "list")[0]["closed"] is True
    assert "(closed)" in ok(db, "initiative", "status", CITY).stdout


def test_the_status_of_a_closed_initiative_gives_its_outcome(
    ok: Run, stage_copy: Path
) -> None:
    assert "outcome:" not in ok(stage_copy, "initiative", "status", CITY).stdout
    ok(stage_copy, "initiative", "close", CITY, "--outcome", "A vision for all.",
       actor=F)  # fmt: skip
    lines = ok(stage_copy, "initiative", "status", CITY).stdout.splitlines()
    process = next(i for i, line in enumerate(lines) if line.startswith("  process:"))
    assert lines[process].endswith("(closed)")
    assert lines[process + 1] == "  outcome: A vision for all."


def test_an_empty_record_lists_no_initiatives_and_says_how_to_start_one(
    ok: Run, tmp_path: Path
) -> None:
    db = tmp_path / "empty.db"
    ok(db, "stakeholder", "register", "facilitator", "--name", "F", actor="facilitator")
    listed = ok(db, "initiative", "list")
    assert listed.stdout == ""
    assert listed.stderr == (
        "No initiatives yet; start one with: samenspraak initiative start\n"
    )
    assert ok(db, "initiative", "list", "--json").stdout.strip() == "[]"


def test_a_reaction_that_names_a_meeting_came_in_at_that_meeting(
    ok: Run, refused: Callable[..., str], stage_copy: Path
) -> None:
    ok(stage_copy, "meeting", "hold", "city-centre", "--start", "2026-03-12T19:30+01:00",
       "--kind", "residents-meeting", "--place", "The library", "--attendance", "40",
       "--summary", "An evening about the vision.", actor="facilitator")  # fmt: skip
    react = ("plan", "react", "city-centre", "vision", "--version", "1", "--stance",
             "concern", "--text", "Said at the meeting.", "--for", "bakery",
             "--meeting", "1")  # fmt: skip
    ok(stage_copy, *react, actor="facilitator")
    shown = ok(stage_copy, "plan", "show", "city-centre", "vision", "--json").stdout
    reaction = json.loads(shown)["reactions"][-1]
    assert (reaction["channel"], reaction["meeting"]) == ("meeting", 1)

    assert refused(stage_copy, *react, "--channel", "online", actor="facilitator") == (
        "A reaction that names meeting 1 was given at that meeting: its channel is "
        "meeting, not online."
    )
    without = react[:-2]
    assert refused(
        stage_copy, *without, "--channel", "meeting", actor="facilitator"
    ) == ("A reaction given at a meeting says which meeting it was.")


def test_stakeholder_erase_confirms_what_it_erased(ok: Run, demo_copy: Path) -> None:
    erased = ok(
        demo_copy, "stakeholder", "erase", "bakery", "--with-texts",
        actor="facilitator",
    )  # fmt: skip
    assert erased.stderr.startswith("Erased the personal data of bakery, now shown as ")
    assert erased.stderr.rstrip().endswith(
        " of their texts erased; they left city-centre."
    )
    listed = ok(demo_copy, "stakeholder", "list", "city-centre", "--json").stdout
    assert "bakery" not in listed
    assert '"ref": "erased-' in listed


def test_a_reaction_whose_text_was_erased_reads_as_erased_in_the_plans_table(
    ok: Run, demo_copy: Path
) -> None:
    # The table showed '-', which reads as a reaction given without a text.
    ok(demo_copy, "stakeholder", "erase", "bakery", "--with-texts", actor="facilitator")
    shown = ok(demo_copy, "plan", "show", "city-centre", "traffic-plan").stdout
    [row] = [line for line in shown.splitlines() if " erased-" in line]
    assert row.split()[:6] == [
        "2",
        row.split()[1],
        "v1",
        "concern",
        "online",
        "defended",
    ]
    assert row.rstrip().endswith("(erased)")


def test_stakeholder_erase_with_json_prints_what_it_erased(
    ok: Run, demo_copy: Path
) -> None:
    erased = ok(
        demo_copy, "stakeholder", "erase", "library", "--json", actor="facilitator"
    )  # fmt: skip
    summary = json.loads(erased.stdout)
    assert (summary["stakeholder"], summary["texts"], summary["left"]) == (
        "library",
        0,
        ["city-centre"],
    )
    assert summary["now_named"].startswith("erased-")


def test_stakeholder_erase_says_when_a_copy_is_still_in_the_write_ahead_log(
    ok: Run, demo_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program holds a read of the record open for longer than the lock
    timeout (here shortened): the erasure is done, and says what is left."""
    monkeypatch.setattr(SQLiteSamenspraakRecorder, "_lock_timeout", lambda _: 0.2)
    reader = sqlite3.connect(demo_copy, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM samenspraak_stakeholders").fetchall()
        erased = ok(demo_copy, "stakeholder", "erase", "library", actor="facilitator")
    finally:
        reader.close()
    assert erased.stderr.splitlines()[0] == (
        f"A copy of what it overwrote is still in {demo_copy}-wal: another program "
        "held a read of the record open for longer than the lock timeout. It goes "
        "at the next erasure or correction, or once every program that has the "
        "record open has closed it."
    )
    assert erased.stderr.splitlines()[1].startswith(
        "Erased the personal data of library, now shown as erased-"
    )


def test_stakeholder_correct_confirms_where_the_corrected_name_is_recorded(
    ok: Run, read_json: ReadJson, demo_copy: Path
) -> None:
    corrected = ok(
        demo_copy, "stakeholder", "correct", "bakery",
        "--name", "The bakery on the Grote Markt", actor="bakery",
    )  # fmt: skip
    assert corrected.stdout == ""
    assert corrected.stderr == (
        "Corrected the personal data of bakery; recorded in city-centre.\n"
    )
    listed = read_json(demo_copy, "stakeholder", "list", "city-centre")
    [bakery] = [s for s in listed if s["ref"] == "bakery"]
    assert bakery["name"] == "The bakery on the Grote Markt"
    [entry] = read_json(
        demo_copy, "audit", "log", "city-centre", "--event", "IdentityCorrected"
    )
    assert (entry["actor"], entry["stakeholder"]) == ("bakery", "bakery")
    assert ok(demo_copy, "audit", "verify").stdout.startswith("Intact: ")


def test_stakeholder_correct_of_the_contact_records_nothing_and_prints_json(
    ok: Run, demo_copy: Path
) -> None:
    corrected = ok(
        demo_copy, "stakeholder", "correct", "library", "--contact",
        "info@example.org", "--json", actor="facilitator",
    )  # fmt: skip
    assert json.loads(corrected.stdout) == {
        "stakeholder": "library",
        "name_corrected": False,
        "initiatives": [],
        "released": True,
    }
    told = ok(
        demo_copy, "stakeholder", "correct", "library", "--contact", "06 12345678",
        actor="facilitator",
    )  # fmt: skip
    assert told.stderr == (
        "Corrected the personal data of library; no initiative records it (the "
        "contact is kept only in the directory).\n"
    )


def test_stakeholder_correct_refusals_are_one_sentence(
    refused: Refused, demo_copy: Path
) -> None:
    correct = ("stakeholder", "correct", "bakery")
    assert refused(demo_copy, *correct, "--name", "Someone", actor="library") == (
        "Only bakery themselves, or the facilitator of an initiative they took "
        "part in, may correct their personal data."
    )
    assert refused(
        demo_copy, "stakeholder", "correct", "nobody", "--name", "X", actor="bakery"
    ) == ("No stakeholder is registered as nobody.")
    assert refused(demo_copy, *correct, "--name", "\u200b", actor="bakery") == (
        "--name: must not be empty (it has only invisible characters)."
    )
    assert refused(demo_copy, *correct, actor="bakery", exit_code=2) == (
        "Give the corrected --name, --contact or both."
    )
    assert refused(demo_copy, *correct, "--name", "B", exit_code=2) == (
        "Say who you are with --as REF (or SAMENSPRAAK_ACTOR)."
    )


def test_a_change_adopted_in_part_is_confirmed_and_shown_as_such(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    _react(ok, stage_copy, "library", "suggestion", "Evening hours and a cafe.")
    ok(stage_copy, "plan", "propose", CITY, "vision", "--text", "Version 2.",
       "--changes", "Evening hours.", actor="bakery")  # fmt: skip
    adopted = ok(
        stage_copy, "plan", "adopt", CITY, "vision", "--reaction", "1",
        "--version", "2", "--explanation", "Evening hours; no cafe.", "--partly",
        actor="bakery",
    )  # fmt: skip
    _says(adopted, "", "Partly adopted in version 2: reaction 1.\n")
    [reaction] = read_json(stage_copy, "plan", "show", CITY, "vision")["reactions"]
    assert (reaction["answer"]["kind"], reaction["answer"]["version"]) == (
        "partly-adopted",
        2,
    )
    assert (
        "partly-adopted in v2" in ok(stage_copy, "plan", "show", CITY, "vision").stdout
    )


def test_what_the_council_did_with_a_document_is_recorded_and_reported(
    ok: Run, read_json: ReadJson, refused: Callable[..., str], demo_copy: Path
) -> None:
    followed = ok(
        demo_copy, "council", "follow-up", CITY, "--informing", "1",
        "--summary", "The council adopted the vision unchanged.",
        "--when", "2026-03-19T21:00+01:00", "--sha256", "ab" * 32, actor=F,
    )  # fmt: skip
    _says(followed, "", "Recorded the council's follow-up of informing 1.\n")
    first, second = read_json(demo_copy, "council", "list", CITY)
    assert (first["number"], second["number"]) == (1, 2)
    assert first["follow_ups"] == [
        {
            "number": 1,
            "summary": "The council adopted the vision unchanged.",
            "followed_up_at": "2026-03-19T21:00:00+01:00",
            "document_sha256": "ab" * 32,
            "withdrawn": None,
        }
    ]
    # The demo records what the council did with the traffic plan (informing 2).
    assert [f["followed_up_at"] for f in second["follow_ups"]] == [
        "2026-06-18T21:00:00+02:00"
    ]
    listed = ok(demo_copy, "council", "list", CITY).stdout
    assert "The council adopted the vision unchanged." in listed
    report = ok(demo_copy, "report", CITY, "--lang", "en").stdout
    assert "The council's follow-up" in report
    assert "The council adopted the vision unchanged." in report
    assert refused(
        demo_copy, "council", "follow-up", CITY, "--informing", "3",
        "--summary", "?", actor=F,
    ) == (
        "city-centre has 2 informings of the council; there is no informing 3 to "
        "follow up."
    )  # fmt: skip


def test_how_the_process_was_announced_is_recorded_and_reported(
    ok: Run, read_json: ReadJson, refused: Callable[..., str], stage_copy: Path
) -> None:
    recorded = ok(
        stage_copy, "announcement", "record", CITY, "--channel", "Letter",
        "--audience", "Every household within the canals", "--reach", "4200",
        "--when", "2026-01-05T09:00+01:00", actor=F,
    )  # fmt: skip
    _says(recorded, "1\n", "Recorded announcement 1 of city-centre.\n")
    [listed] = read_json(stage_copy, "announcement", "list", CITY)
    assert listed == {
        "number": 1,
        "channel": "letter",
        "audience": "Every household within the canals",
        "announced_at": "2026-01-05T09:00:00+01:00",
        "reach": 4200,
        "corrections": [],
        "withdrawn": None,
    }
    assert "Every household within the canals" in (
        ok(stage_copy, "initiative", "status", CITY).stdout
    )
    report = ok(stage_copy, "report", CITY).stdout
    assert "## Bekendmaking en uitnodiging" in report
    assert (
        "| 1 | 5 jan 2026, 09:00 | Brief | Every household within the canals | 4.200 |"
        in (report)
    )
    assert refused(
        stage_copy, "announcement", "record", CITY, "--channel", "website",
        "--audience", "Everyone", "--reach", "-3", actor=F,
    ) == "--reach: must not be negative."  # fmt: skip


def test_a_text_file_saved_with_a_byte_order_mark_is_read_without_it(
    ok: Run, read_json: ReadJson, stage_copy: Path, tmp_path: Path
) -> None:
    draft = tmp_path / "from-notepad.txt"
    draft.write_bytes("\ufeffA car-free market square.\r\n".encode())
    ok(stage_copy, "plan", "propose", CITY, "vision", "--text-file", str(draft),
       "--changes", "Saved in Notepad.", actor="bakery")  # fmt: skip
    plan = read_json(stage_copy, "plan", "show", CITY, "vision", "--full")
    assert plan["versions"][-1]["text"] == "A car-free market square."


def test_a_time_given_with_spaces_around_it_is_read(
    ok: Run, read_json: ReadJson, stage_copy: Path
) -> None:
    ok(stage_copy, "meeting", "hold", CITY, "--start", " 2026-03-05T19:30Z ",
       "--kind", "walk-in", "--place", "Library", "--attendance", "12",
       "--summary", "Questions on the vision.", actor=F)  # fmt: skip
    [meeting] = read_json(stage_copy, "meeting", "list", CITY)
    assert meeting["starts_at"] == "2026-03-05T19:30:00Z"


def test_an_initiative_without_implementation_actions_lists_none(
    ok: Run, stage_copy: Path
) -> None:
    assert ok(stage_copy, "implementation", "list", CITY).stdout == "(none)\n"


def test_the_councils_frameworks_are_recorded_listed_and_reported(
    ok: Run, read_json: ReadJson, refused: Refused, stage_copy: Path, tmp_path: Path
) -> None:
    decision = tmp_path / "raadsbesluit.pdf"
    decision.write_bytes(b"%PDF the council's decision on the city centre")
    budget = "At most EUR 2.1 million; the Saturday market keeps its place."
    recorded = ok(
        stage_copy, "council", "framework", CITY, "--text", budget,
        "--when", "2025-11-20T20:00+01:00", "--document", str(decision), actor=F,
    )  # fmt: skip
    _says(recorded, "1\n", "Recorded framework 1 of the council for city-centre.\n")

    [listed] = read_json(stage_copy, "council", "frameworks", CITY)
    assert listed == {
        "number": 1,
        "framework": budget,
        "set_at": "2025-11-20T20:00:00+01:00",
        "document_sha256": hashlib.sha256(decision.read_bytes()).hexdigest(),
        "corrections": [],
    }
    shown = ok(stage_copy, "council", "frameworks", CITY).stdout
    assert "At most EUR 2.1 million; the Saturday market keeps its pl..." in shown
    assert listed["document_sha256"] in shown  # whole
    status = ok(stage_copy, "initiative", "status", CITY).stdout
    assert "Frameworks of the council" in status
    assert "At most EUR 2.1 million" in status
    assert "| 1 | 20 nov 2025, 20:00 | " + budget in (
        ok(stage_copy, "report", CITY).stdout
    )

    assert refused(
        stage_copy, "council", "framework", CITY, "--text", budget,
        "--when", "2099-01-01T20:00+01:00", actor=F,
    ) == (
        "A framework of the council is recorded once the council set it; "
        "2099-01-01T20:00+01:00 lies in the future."
    )  # fmt: skip
    assert refused(
        stage_copy, "council", "framework", CITY, "--text", budget,
        "--when", "2025-11-20T20:00", actor=F,
    ) == "--when: needs its timezone, like 2026-04-09T19:30+02:00."  # fmt: skip
    assert refused(
        stage_copy, "council", "framework", CITY, "--text", budget,
        "--when", "2025-11-20T20:00+01:00", "--sha256", "abc", actor=F,
    ) == "--sha256: must be a SHA-256: 64 hexadecimal digits."  # fmt: skip
    assert refused(
        stage_copy, "council", "framework", CITY, "--text", budget,
        "--when", "2025-11-20T20:00+01:00", actor="bakery",
    ) == "Only the facilitator of city-centre may record the council's frameworks."  # fmt: skip


def test_a_frameworks_record_is_corrected_from_the_command_line(
    ok: Run, read_json: ReadJson, refused: Refused, stage_copy: Path
) -> None:
    ok(
        stage_copy, "council", "framework", CITY, "--text", "The trees stay.",
        "--when", "2025-11-20T20:00+01:00", actor=F,
    )  # fmt: skip
    sha = hashlib.sha256(b"the council's decision").hexdigest()

    corrected = ok(
        stage_copy, "council", "correct-framework", CITY, "1", "--when",
        "2025-11-27T20:00+01:00", "--sha256", sha, "--reason",
        "The council decided a week later", actor=F,
    )  # fmt: skip
    _says(
        corrected,
        "",
        "Corrected framework 1 of the council in city-centre: its date and "
        "document's SHA-256.\n",
    )
    [listed] = read_json(stage_copy, "council", "frameworks", CITY)
    assert (listed["set_at"], listed["document_sha256"]) == (
        "2025-11-27T20:00:00+01:00",
        sha,
    )
    assert [c["fields"] for c in listed["corrections"]] == [
        ["set_at", "document_sha256"]
    ]
    assert "yes" in ok(stage_copy, "council", "frameworks", CITY).stdout

    assert refused(
        stage_copy, "council", "correct-framework", CITY, "2", "--text", "x",
        "--reason", "r", actor=F,
    ) == (
        "city-centre has 1 framework of the council; there is no framework 2 to "
        "correct."
    )  # fmt: skip
    assert refused(
        stage_copy, "council", "correct-framework", CITY, "1", "--reason", "r",
        actor=F, exit_code=2,
    ) == "Give what to correct: --text, --when, or --document or --sha256."  # fmt: skip
    assert refused(
        stage_copy, "council", "correct-framework", CITY, "first", "--text", "x",
        "--reason", "r", actor=F, exit_code=2,
    ).endswith(
        "a framework's number is a whole number from 1, like 2 (see council "
        "frameworks)."
    )  # fmt: skip


def test_a_letter_is_recorded_with_when_it_came_in(
    ok: Run, read_json: ReadJson, refused: Refused, stage_copy: Path
) -> None:
    [drafted] = read_json(
        stage_copy, "audit", "log", CITY, "--plan", "vision", "--event",
        "DraftProposed",
    )  # fmt: skip
    came_in = datetime.fromisoformat(drafted["recorded_at"]) + timedelta(hours=1)
    with clock.frozen_at(came_in + timedelta(days=2)):  # recorded two days later
        number = _react(
            ok, stage_copy, F, "objection", "No cars on the square, please.",
            "--for", "library", "--channel", "letter", "--received",
            came_in.isoformat(),
        )  # fmt: skip
    reactions = read_json(stage_copy, "plan", "show", CITY, "vision")["reactions"]
    [letter] = [r for r in reactions if r["number"] == int(number)]
    assert (letter["channel"], datetime.fromisoformat(letter["given_at"])) == (
        "letter",
        came_in,
    )
    assert (
        "No cars on the square, please. (library (instelling), vastgelegd door "
        "facilitator, "
        "ontvangen " in ok(stage_copy, "report", CITY).stdout
    )

    assert refused(
        stage_copy, "plan", "react", CITY, "vision", "--version", "1", "--stance",
        "concern", "--text", "Mine.", "--received", "2026-01-13T09:30+01:00",
        actor="library",
    ) == (
        "Only a reaction the facilitator records for someone, by letter, e-mail or "
        "another way than at a meeting, says when it came in; one from a meeting "
        "counts from the meeting's start."
    )  # fmt: skip
    assert refused(
        stage_copy, "plan", "react", CITY, "vision", "--version", "1", "--stance",
        "concern", "--text", "Undated.", "--for", "library", "--channel", "letter",
        "--received", "2026-01-13T09:30", actor=F,
    ) == "--received: needs its timezone, like 2026-04-09T19:30+02:00."  # fmt: skip


def test_what_the_facilitator_did_in_their_own_role_is_recorded_and_reported(
    ok: Run, read_json: ReadJson, refused: Callable[..., str], stage_copy: Path
) -> None:
    recorded = ok(
        stage_copy, "intervention", "record", CITY, "--kind", "on-request",
        "--group", "traffic", "--note", "Explained how the traffic department decides.",
        "--when", "2026-01-13T19:30+01:00", actor=F,
    )  # fmt: skip
    _says(
        recorded, "1\n", "Recorded intervention 1 of the facilitator in city-centre.\n"
    )
    [listed] = read_json(stage_copy, "intervention", "list", CITY)
    assert listed == {
        "number": 1,
        "kind": "on-request",
        "note": "Explained how the traffic department decides.",
        "intervened_at": "2026-01-13T19:30:00+01:00",
        "requested_by": None,
        "group": "traffic",
        "corrections": [],
        "withdrawn": None,
    }
    status = ok(stage_copy, "initiative", "status", CITY).stdout
    assert "Interventions of the facilitator" in status
    report = ok(stage_copy, "report", CITY).stdout
    assert (
        "| 1 | 13 jan 2026, 19:30 | Op verzoek aanwezig of geholpen | groep traffic "
        "| Explained how the traffic department decides. |"
    ) in report
    assert refused(
        stage_copy, "intervention", "record", CITY, "--kind", "on-request",
        "--note", "Came along.", actor=F,
    ) == (
        "An intervention on request names who asked for it: a group or a "
        "stakeholder of city-centre."
    )  # fmt: skip
    assert refused(
        stage_copy, "intervention", "record", CITY, "--kind", "mediation",
        "--note", "I mediated.", actor="bakery",
    ) == "Only the facilitator of city-centre may record interventions."  # fmt: skip
    assert refused(
        stage_copy, "intervention", "record", CITY, "--kind", "mediation",
        "--note", "Helped.", "--when", "2026-01-13", actor=F,
    ).startswith("--when: needs a time and its timezone")  # fmt: skip


def test_an_intervention_names_one_who_asked_not_a_group_and_a_stakeholder_both(
    refused: Callable[..., str], stage_copy: Path
) -> None:
    assert refused(
        stage_copy, "intervention", "record", CITY, "--kind", "on-request",
        "--group", "traffic", "--requested-by", "bakery", "--note", "Came along.",
        actor=F,
    ) == (
        "An intervention is asked for by a group or by a stakeholder, not both; "
        "name the one who asked."
    )  # fmt: skip
    assert refused(
        stage_copy, "intervention", "record", CITY, "--kind", "on-request",
        "--requested-by", F, "--note", "Asked myself.", actor=F,
    ) == (
        "The facilitator of city-centre does not ask for their own intervention; "
        "name the group or the stakeholder who asked."
    )  # fmt: skip


def test_a_name_given_for_who_asked_for_an_intervention_is_refused_naming_the_option(
    refused: Callable[..., str], stage_copy: Path
) -> None:
    for option in ("--group", "--requested-by"):
        sentence = refused(
            stage_copy, "intervention", "record", CITY, "--kind", "on-request",
            option, "The traffic group", "--note", "Came along.", actor=F,
        )  # fmt: skip
        assert sentence.startswith(f"{option}: must be a reference"), sentence


def test_a_decision_point_put_with_a_quorum_says_so(
    ok: Run, refused: Callable[..., str], stage_copy: Path
) -> None:
    put = ok(
        stage_copy, "decision", "put", CITY, "benches", "--question", "Benches?",
        "--option", "yes=Yes", "--option", "no=No", "--eligible", "entrepreneur",
        "--rule", "majority", "--quorum", "40", actor=F,
    )  # fmt: skip
    assert put.stderr == "Put the decision point benches (majority, quorum 40%).\n"
    shown = ok(stage_copy, "decision", "show", CITY, "benches").stdout
    assert "  rule: majority    eligible: entrepreneur    quorum: 40%" in shown
    assert refused(
        stage_copy, "decision", "put", CITY, "trees", "--question", "Trees?",
        "--option", "yes=Yes", "--option", "no=No", "--eligible", "entrepreneur",
        "--rule", "plurality", "--quorum", "0", actor=F,
    ) == "--quorum: must be at least 1."  # fmt: skip


def test_the_quorum_is_confirmed_as_recorded_not_as_typed(
    ok: Run, stage_copy: Path
) -> None:
    """A quorum given as '+40', ' 40' or '4_0' is recorded as 40: the confirmation
    says 40%, not what was typed."""
    for n, typed in enumerate(("+40", " 40", "4_0")):
        put = ok(
            stage_copy, "decision", "put", CITY, f"benches-{n}", "--question",
            "Benches?", "--option", "yes=Yes", "--option", "no=No", "--eligible",
            "entrepreneur", "--rule", "majority", "--quorum", typed, actor=F,
        )  # fmt: skip
        assert put.stderr == (
            f"Put the decision point benches-{n} (majority, quorum 40%).\n"
        ), typed


def test_decision_show_says_whether_the_quorum_was_reached(
    ok: Run, stage_copy: Path
) -> None:
    ok(
        stage_copy, "decision", "put", CITY, "benches", "--question", "Benches?",
        "--option", "yes=Yes", "--option", "no=No", "--eligible", "entrepreneur",
        "--eligible", "resident", "--rule", "majority", "--quorum", "100", actor=F,
    )  # fmt: skip
    ok(stage_copy, "decision", "decide", CITY, "benches", actor=F)
    shown = ok(stage_copy, "decision", "show", CITY, "benches").stdout
    assert "    quorum: 100% (not reached: no decision)\n" in shown, shown
    as_json = ok(stage_copy, "decision", "show", CITY, "benches", "--json").stdout
    assert '"quorum_reached": false' in as_json
