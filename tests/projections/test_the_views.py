"""What each view holds after the city-centre story: the process-state document,
the audit trail with its hash chains, and the response report (the reactienota).

Hashes are recomputed here from the stored records as the documentation specifies
them (accountability.md), not through the view code.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from samenspraak.application import Samenspraak
from samenspraak.application.story import CAST
from samenspraak.domain.decision_point import decision_point_id
from samenspraak.domain.initiative import initiative_id
from samenspraak.domain.plan import plan_id
from samenspraak.projections.chain import GENESIS, canonical_record, next_chain_hash
from samenspraak.projections.state import is_evening_or_weekend

CITY = initiative_id("city-centre")
PLANS = ("vision", "traffic-plan")
DECISIONS = ("first-priority", "traffic-plan-consent", "budget-first-part")

Stored = tuple[int, str, int, str, bytes]


def stored_records(db: Path) -> list[Stored]:
    """(position, originator id as 32 hex digits, version, topic, state) in order."""
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT rowid, originator_id, originator_version, topic, state "
            "FROM stored_events ORDER BY rowid"
        ).fetchall()
    return [(p, UUID(o).hex, v, t, bytes(s)) for p, o, v, t, s in rows]


def spec_record(originator: str, version: int, topic: str, state: bytes) -> bytes:
    """The canonical record as the documentation describes it."""
    encoded = topic.encode("utf-8")
    return (
        originator.encode("ascii")
        + version.to_bytes(8, "big")
        + len(encoded).to_bytes(4, "big")
        + encoded
        + len(state).to_bytes(8, "big")
        + state
    )


def spec_chain(previous: str, record: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(previous) + record).hexdigest()


def city_members() -> set[str]:
    """The aggregates of the city centre: the initiative, its plans, its decisions."""
    return {
        CITY.hex,
        *(plan_id(CITY, slug).hex for slug in PLANS),
        *(decision_point_id(CITY, slug).hex for slug in DECISIONS),
    }


def chain_heads(records: list[Stored], members: set[str] | None) -> dict[int, str]:
    """The chain hash after each position (of the members only, if given)."""
    chain = GENESIS
    heads: dict[int, str] = {}
    for position, originator, version, topic, state in records:
        if members is not None and originator not in members:
            continue
        chain = next_chain_hash(
            chain, canonical_record(originator, version, topic, state)
        )
        heads[position] = chain
    return heads


@pytest.fixture(scope="module")
def app(shared_db: Path) -> Iterator[Samenspraak]:
    engine = Samenspraak.open(str(shared_db), create=False)
    engine.catch_up()
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def document(app: Samenspraak) -> dict[str, Any]:
    found = app.state.document(str(CITY))
    assert found is not None
    return found


# --- The process state ------------------------------------------------------------


def test_the_process_state_document_tells_where_the_city_centre_stands(
    document: dict[str, Any], app: Samenspraak
) -> None:
    assert document["slug"] == "city-centre"
    assert document["phase"] == "council"
    assert [p["phase"] for p in document["phases"]] == [
        "society-decides",
        "colleagues-join",
        "council",
    ]
    assert document["events"] == 70
    assert document["last_position"] == 70
    assert document["started_at"] == "2026-01-12T08:00:00+00:00"
    assert document["updated_at"] == "2026-06-22T07:00:00+00:00"
    assert document["closed"] is False
    assert document["budget"] == "250000.00"
    assert [a["amount"] for a in document["allocations"]] == ["150000.00"]
    kinds = [s["kind"] for s in document["stakeholders"].values()]
    assert sorted(kinds) == sorted(["facilitator", *(kind for *_, kind in CAST[1:])])
    assert all(s["active"] for s in document["stakeholders"].values())
    assert {g: len(v["members"]) for g, v in document["groups"].items()} == {
        "steering-group": 4,
        "traffic": 4,
    }
    plans = {p["slug"]: p for p in document["plans"].values()}
    assert {slug: len(p["reactions"]) for slug, p in plans.items()} == {
        "vision": 2,
        "traffic-plan": 5,
    }
    assert {slug: p["final_version"] for slug, p in plans.items()} == {
        "vision": 2,
        "traffic-plan": 2,
    }
    decisions = {d["slug"]: d for d in document["decisions"].values()}
    assert {slug: (d["state"], d["outcome"]) for slug, d in decisions.items()} == {
        "first-priority": ("decided", "car-free-square"),
        "traffic-plan-consent": ("decided", "adopt-version-2"),
        "budget-first-part": ("decided", "market-square"),
    }
    # Both meetings were held on an evening, in their local time.
    assert [(m["number"], m["evening_or_weekend"]) for m in document["meetings"]] == [
        (1, True),
        (2, True),
    ]
    assert [s["session"] for s in document["council"]] == ["informal", "formal"]
    # The view holds one document, the city centre's.
    assert [d["initiative_id"] for d in app.state.documents()] == [str(CITY)]


@pytest.mark.parametrize(
    ("starts_at", "outside_office_hours"),
    [
        ("2026-10-27T06:59+01:00", True),  # a Tuesday, before seven: night
        ("2026-10-27T07:00+01:00", False),
        ("2026-10-27T17:59+01:00", False),
        ("2026-10-27T18:00+01:00", True),
        ("2026-10-27T01:30+01:00", True),  # a Tuesday night
        ("2026-10-26T23:30Z", True),  # 00:30 on Tuesday in the Netherlands
        ("2026-10-27T06:30Z", False),  # 7:30 in the Netherlands
        ("2026-10-31T12:00+01:00", True),  # a Saturday
    ],
)
def test_a_meeting_in_the_evening_at_night_or_at_the_weekend_is_outside_office_hours(
    starts_at: str, outside_office_hours: bool
) -> None:
    moment = datetime.fromisoformat(starts_at)
    assert is_evening_or_weekend(moment) is outside_office_hours


def test_the_process_state_document_holds_no_free_text_of_the_story(
    document: dict[str, Any], pristine: Any
) -> None:
    everything = json.dumps(document, ensure_ascii=False)
    assert [t for t in pristine.record.texts if t in everything] == []
    assert [name for _, name, _, _ in CAST if name in everything] == []


def test_the_council_was_given_the_initiative_chain_head_just_before_informing_it(
    document: dict[str, Any], app: Samenspraak, shared_db: Path
) -> None:
    records = stored_records(shared_db)
    members = city_members()
    assert {originator for _, originator, *_ in records} == members
    heads = chain_heads(records, members)
    informed = [p for p, *_, topic, _ in records if topic.endswith(".CouncilInformed")]
    assert informed == [32, 68]
    expected = []
    for position in informed:
        before = max(p for p in heads if p < position)
        expected.append(f"{before}:{heads[before]}")
    assert [c["audit_head"] for c in document["council"]] == expected
    assert expected[0].startswith("31:")
    assert [c.audit_head for c in app.initiative_status("city-centre").council] == (
        expected
    )


# --- The audit trail --------------------------------------------------------------


def test_the_audit_trail_has_one_row_per_event_in_order_with_recomputed_chains(
    app: Samenspraak, shared_db: Path
) -> None:
    records = stored_records(shared_db)
    rows = app.audit.rows()
    assert [r.position for r in rows] == list(range(1, 71))
    assert [r.position for r in app.audit.iter_rows()] == list(range(1, 71))
    chain = city_chain = GENESIS
    for row, (position, originator, version, topic, state) in zip(
        rows, records, strict=True
    ):
        record = spec_record(originator, version, topic, state)
        chain = spec_chain(chain, record)
        city_chain = spec_chain(city_chain, record)
        assert row.position == position
        assert UUID(row.aggregate_id).hex == originator
        assert row.version == version
        assert row.event == topic.rpartition(".")[2]
        assert row.initiative_id == str(CITY)
        assert row.content_hash == hashlib.sha256(record).hexdigest()
        assert row.chain_hash == chain
        assert row.initiative_chain_hash == city_chain
    assert [r.recorded_at for r in rows] == sorted(r.recorded_at for r in rows)
    assert {r.aggregate_kind for r in rows} == {"initiative", "plan", "decision-point"}
    head = app.audit_head()
    assert (head.position, head.chain_hash) == (70, chain)
    assert app.audit_head("city-centre") == head


def test_the_audit_summaries_carry_no_free_text_names_or_contacts(
    app: Samenspraak, pristine: Any
) -> None:
    summaries = [r.summary for r in app.audit.rows()]
    assert len(summaries) == 70
    assert all(summaries)
    texts = pristine.record.texts
    assert len(texts) > 50
    leaked = [(t, s) for t in texts for s in summaries if t in s]
    assert leaked == []
    personal = [name for _, name, _, _ in CAST] + [c for _, _, c, _ in CAST]
    assert [(p, s) for p in personal for s in summaries if p in s] == []


def test_the_audit_log_names_each_actor_by_reference(app: Samenspraak) -> None:
    rows = {r.position: r for r in app.audit.rows()}
    entries = app.audit_log("city-centre")
    assert [e.position for e in entries] == list(rows)
    refs = {
        row.ref
        for row in app.store.select_stakeholders(
            [r.actor for r in rows.values() if r.actor]
        ).values()
    }
    assert refs <= {ref for ref, *_ in CAST}
    for entry in entries:
        row = rows[entry.position]
        assert row.actor is not None
        directory = app.store.select_stakeholder(id=row.actor)
        assert directory is not None
        assert entry.actor == directory.ref
        assert entry.summary == row.summary
        assert entry.chain_hash == row.chain_hash
    assert {e.actor for e in entries} == {
        "facilitator",
        "bakery",
        "entrepreneurs",
        "library",
        "housing-corporation",
        "resident-kerkstraat",
        "resident-havenkwartier",
        "civil-servant-traffic",
    }


def test_two_interleaved_initiatives_each_keep_their_own_chain(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    app = Samenspraak.open(str(db))
    try:
        f = "facilitator"
        app.register_stakeholder({"actor": f, "stakeholder": f, "name": "F"})
        app.register_stakeholder({"actor": f, "stakeholder": "resident", "name": "R"})
        for slug in ("north", "south"):
            app.start_initiative(
                {
                    "actor": f,
                    "initiative": slug,
                    "title": f"The {slug}",
                    "description": "Together.",
                    "area": "The old town",
                    "budget": "1000.00",
                    "level": "co-deciding",
                }
            )
        for number, slug in enumerate(("north", "south", "north")):
            app.form_group(
                {
                    "actor": f,
                    "initiative": slug,
                    "group": f"group-{number}",
                    "kind": "working",
                    "name": "A group",
                    "mandate": "Work it out.",
                }
            )
        app.join_initiative(
            {
                "actor": f,
                "initiative": "south",
                "stakeholder": "resident",
                "kind": "resident",
            }
        )
        records = stored_records(db)
        members = {slug: {initiative_id(slug).hex} for slug in ("north", "south")}
        for slug, own in members.items():
            heads = chain_heads(records, own)
            last = max(heads)
            assert str(app.audit_head(slug)) == f"{last}:{heads[last]}"
            rows = app.audit.rows(initiative_id=str(initiative_id(slug)))
            assert [r.initiative_chain_hash for r in rows] == [
                heads[r.position] for r in rows
            ]
            document = app.state.document(str(initiative_id(slug)))
            assert document is not None
            assert document["events"] == len(heads)
        assert [e.position for e in app.audit_log("north")] == [1, 3, 5]
        assert [e.position for e in app.audit_log("south")] == [2, 4, 6]
        everything = chain_heads(records, None)
        assert str(app.audit_head()) == f"6:{everything[6]}"
    finally:
        app.close()


# --- The response report ----------------------------------------------------------


def test_the_response_report_holds_all_seven_reactions_with_their_answers(
    app: Samenspraak, pristine: Any
) -> None:
    rows = app.responses.responses(str(CITY))
    people = {
        s.id: s.ref
        for s in app.store.select_stakeholders(
            [r["stakeholder"] for r in rows] + [r["answered_by"] for r in rows]
        ).values()
    }
    found = [
        (
            r["plan"],
            r["reaction"],
            r["version"],
            people[r["stakeholder"]],
            r["stance"],
            r["channel"],
            r["meeting"],
            r["withdrawn"],
            r["answer"],
            r["answer_version"],
            people[r["answered_by"]],
        )
        for r in rows
    ]
    assert found == [
        ("traffic-plan", 1, 1, "resident-havenkwartier", "objection", "meeting", 2,
         False, "adopted", 2, "civil-servant-traffic"),
        ("traffic-plan", 2, 1, "bakery", "concern", "online", None,
         False, "defended", None, "bakery"),
        ("traffic-plan", 3, 1, "library", "suggestion", "online", None,
         False, "adopted", 2, "civil-servant-traffic"),
        ("traffic-plan", 4, 1, "housing-corporation", "concern", "letter", None,
         False, "defended", None, "facilitator"),
        ("traffic-plan", 5, 1, "resident-kerkstraat", "support", "online", None,
         False, "noted", None, "resident-kerkstraat"),
        ("vision", 1, 1, "resident-havenkwartier", "support", "online", None,
         False, "noted", None, "resident-kerkstraat"),
        ("vision", 2, 1, "housing-corporation", "suggestion", "online", None,
         False, "adopted", 2, "resident-kerkstraat"),
    ]  # fmt: skip
    # Texts are kept by id: the reactions and the answers are the story's texts.
    texts = app.store.select_texts(
        [r["text"] for r in rows] + [r["answer_text"] for r in rows if r["answer_text"]]
    )
    assert all(texts[r["text"]].body in pristine.record.texts for r in rows)
    answered = [r for r in rows if r["answer"] in ("adopted", "defended")]
    assert all(texts[r["answer_text"]].body in pristine.record.texts for r in answered)
    assert all(r["answer_text"] is None for r in rows if r["answer"] == "noted")
    # The same answers as the plans show.
    for plan in PLANS:
        details = app.plan_details("city-centre", plan)
        shown = [
            (plan, r.number, r.answer.kind if r.answer else None)
            for r in details.reactions
        ]
        assert shown == [
            (r["plan"], r["reaction"], r["answer"]) for r in rows if r["plan"] == plan
        ]


def test_a_withdrawn_reaction_is_marked_in_the_response_report(tmp_path: Path) -> None:
    app = Samenspraak.open(str(tmp_path / "park.db"))
    try:
        f, place = "facilitator", "park"
        app.register_stakeholder({"actor": f, "stakeholder": f, "name": "F"})
        app.start_initiative(
            {
                "actor": f,
                "initiative": place,
                "title": "The park",
                "description": "Together.",
                "area": "The park",
                "budget": "100.00",
                "level": "co-deciding",
            }
        )
        for ref, kind in (("resident", "resident"), ("entrepreneur", "entrepreneur")):
            app.register_stakeholder({"actor": f, "stakeholder": ref, "name": ref})
            app.join_initiative(
                {"actor": f, "initiative": place, "stakeholder": ref, "kind": kind}
            )
        app.form_group(
            {
                "actor": f,
                "initiative": place,
                "group": "g",
                "kind": "working",
                "name": "G",
                "mandate": "Plan the park.",
            }
        )
        app.add_member(
            {"actor": f, "initiative": place, "group": "g", "stakeholder": "resident"}
        )
        app.create_plan(
            {
                "actor": "resident",
                "initiative": place,
                "plan": "p",
                "title": "P",
                "group": "g",
            }
        )
        app.propose_draft(
            {
                "actor": "resident",
                "initiative": place,
                "plan": "p",
                "text": "Trees.",
                "changes": "First.",
            }
        )
        for stance, text in (("concern", "Too few benches."), ("support", "Nice.")):
            app.react_to_plan(
                {"actor": "entrepreneur", "initiative": place, "plan": "p",
                 "version": 1, "stance": stance, "text": text}
            )  # fmt: skip
        app.catch_up()  # the reactions in one batch, the withdrawal in the next
        app.withdraw_reaction(
            {"actor": "entrepreneur", "initiative": place, "plan": "p", "reaction": 1}
        )
        app.catch_up()
        rows = app.responses.responses(str(initiative_id(place)))
        assert [(r["reaction"], r["withdrawn"], r["answer"]) for r in rows] == [
            (1, True, None),
            (2, False, None),
        ]
    finally:
        app.close()


def test_each_view_knows_its_tables(
    app: Samenspraak, shared_db: Path, dump_views: Callable[[Path], Any]
) -> None:
    """The tables the tests compare are all the tables each view has."""
    from_views = {view.view_name: sorted(view.table_names()) for view in app.views}
    compared = {
        name: sorted(t for t in tables if t != "tracking")
        for name, tables in dump_views(shared_db).items()
    }
    assert compared == from_views
    with closing(sqlite3.connect(shared_db)) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
            if name.startswith("view_")
        }
    assert tables == {t for names in from_views.values() for t in names}


def test_the_evening_flag_of_a_meeting_does_not_depend_on_the_offset_it_was_given_in(
    tmp_path: Path,
) -> None:
    app = Samenspraak.open(str(tmp_path / "meetings.db"))
    try:
        f = "facilitator"
        app.register_stakeholder({"actor": f, "stakeholder": f, "name": "F"})
        app.start_initiative(
            {
                "actor": f,
                "initiative": "park",
                "title": "The park",
                "description": "Together.",
                "area": "The park",
                "budget": "100.00",
                "level": "co-deciding",
            }
        )
        for starts_at in ("2026-01-20T18:30+01:00", "2026-01-20T17:30Z"):
            app.hold_meeting(
                {
                    "actor": f,
                    "initiative": "park",
                    "starts_at": starts_at,
                    "kind": "residents-meeting",
                    "place": "The community centre",
                    "attendance": 12,
                    "summary": "The same evening, written twice.",
                }
            )
        meetings = app.initiative_status("park").meetings
        assert meetings[0].starts_at == meetings[1].starts_at
        assert meetings[0].evening_or_weekend == meetings[1].evening_or_weekend
    finally:
        app.close()
