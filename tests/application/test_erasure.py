"""Erasing a stakeholder's personal data, as the AVG may require: the directory row
and, if asked, the texts they gave go; the events keep ids and commitments, so the
record stays complete and the audit chain intact."""

from __future__ import annotations

import sqlite3
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import (
    InvalidInput,
    NotAllowed,
    NotFound,
    Samenspraak,
    SamenspraakError,
)
from samenspraak.application.story import StoryRecord

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"


def test_a_stakeholder_erases_their_own_name_and_reference(story: Story) -> None:
    app, _, db = story
    head = app.audit_head()
    erasure = app.erase_stakeholder({"actor": "bakery", "stakeholder": "bakery"})
    assert erasure.stakeholder == "bakery"
    assert erasure.now_named.startswith("erased-")
    assert erasure.texts == 0
    people = {s.ref: s for s in app.initiative_status(CITY).stakeholders}
    assert "bakery" not in people
    assert people[erasure.now_named].name is None
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT ref, name, contact, erased_at FROM samenspraak_stakeholders "
            "WHERE ref = ?",
            [erasure.now_named],
        ).fetchone()
    assert row[:3] == (erasure.now_named, None, None)
    assert row[3] is not None
    # Their reactions keep their texts (not asked), under the new name.
    plan = app.plan_details(CITY, "traffic-plan")
    theirs = [r for r in plan.reactions if r.stakeholder == erasure.now_named]
    assert theirs
    assert all(r.text for r in theirs)
    # They left the open initiative, and the initiative records the erasure (two
    # events, by whoever asked); everything recorded before is unchanged, so the
    # head published before still verifies.
    assert erasure.left == [CITY]
    assert people[erasure.now_named].active is False
    assert app.audit_head().position == head.position + 2
    [left] = app.audit_log(CITY, event="StakeholderLeft")
    [recorded] = app.audit_log(CITY, event="PersonalDataErased")
    assert (left.actor, left.position) == (erasure.now_named, head.position + 1)
    assert (recorded.actor, recorded.position) == (
        erasure.now_named,
        head.position + 2,
    )
    assert "bakery" not in recorded.summary
    assert app.verify_audit(head).intact
    with pytest.raises(NotFound, match=r"^No stakeholder is registered as bakery\.$"):
        app.erase_stakeholder({"actor": "bakery", "stakeholder": "bakery"})


def test_the_facilitator_erases_someone_with_their_texts(
    story: Story, tmp_path: Path
) -> None:
    app, _, _ = story
    erasure = app.erase_stakeholder(
        {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
    )
    assert erasure.texts > 0
    plan = app.plan_details(CITY, "traffic-plan")
    theirs = [r for r in plan.reactions if r.stakeholder == erasure.now_named]
    assert theirs
    assert all(r.text is None for r in theirs)
    others = [r for r in plan.reactions if r.stakeholder != erasure.now_named]
    assert all(r.text for r in others)
    assert app.verify_audit().intact
    # An export carries neither their name nor their texts, and replays.
    bundle = tmp_path / "city-centre.zip"
    app.export_initiative(CITY, bundle)
    with zipfile.ZipFile(bundle) as z:
        assert b"bakery" not in z.read("stakeholders.jsonl")
    replayed = Samenspraak.replay(bundle, tmp_path / "copy.db")
    assert replayed.head == replayed.bundle_head


def test_no_one_else_may_erase_someone(story: Story) -> None:
    app, _, _ = story
    with pytest.raises(NotAllowed) as refused:
        app.erase_stakeholder({"actor": "library", "stakeholder": "bakery"})
    assert refused.value.rule == (
        "personal_data_is_erased_by_the_person_or_their_facilitator"
    )
    assert str(refused.value) == (
        "Only bakery themselves, or the facilitator of an initiative they took part "
        "in, may erase their personal data."
    )
    assert "bakery" in {s.ref for s in app.initiative_status(CITY).stakeholders}


def _small(app: Samenspraak) -> None:
    """An initiative with one resident and an open decision point."""
    app.register_stakeholder({"actor": "fac", "stakeholder": "fac", "name": "F"})
    app.start_initiative(
        {"actor": "fac", "initiative": "park", "title": "The park",
         "description": "What the park needs.", "area": "The park", "budget": "0",
         "level": "co-deciding"}
    )  # fmt: skip
    app.register_stakeholder(
        {"actor": "fac", "stakeholder": "resident", "name": "The resident by the pond"}
    )
    app.join_initiative(
        {
            "actor": "fac",
            "initiative": "park",
            "stakeholder": "resident",
            "kind": "resident",
        }
    )
    app.put_decision_point(
        {"actor": "fac", "initiative": "park", "decision": "first",
         "question": "What first?", "eligible": ["resident"], "rule": "plurality",
         "options": [{"key": "a", "label": "Trees"}, {"key": "b", "label": "Benches"}]}
    )  # fmt: skip


def meanwhile(
    monkeypatch: pytest.MonkeyPatch, method: str, action: Callable[[], object]
) -> None:
    """The first time a command calls this method of the engine, ``action`` runs
    first: what another process does while the command runs."""
    original = getattr(Samenspraak, method)
    done: list[bool] = []

    def first_the_action(self: Samenspraak, *args: Any) -> Any:
        if not done:
            done.append(True)
            action()
        return original(self, *args)

    monkeypatch.setattr(Samenspraak, method, first_the_action)


def _plan_with_a_draft(
    app: Samenspraak, facilitator: str, initiative: str, plan: str
) -> None:
    """A working group's plan with a first draft, open to reactions."""
    app.form_group(
        {"actor": facilitator, "initiative": initiative, "group": "team",
         "kind": "working", "name": "Team", "mandate": "The plan."}
    )  # fmt: skip
    app.create_plan(
        {"actor": facilitator, "initiative": initiative, "plan": plan,
         "title": "Plan", "group": "team"}
    )  # fmt: skip
    app.propose_draft(
        {"actor": facilitator, "initiative": initiative, "plan": plan, "text": "v1",
         "changes": "First."}
    )  # fmt: skip


def test_erasing_with_texts_takes_the_reasons_of_earlier_positions_too(
    app: Samenspraak, tmp_path: Path
) -> None:
    _small(app)
    for option, reason in (("a", "SECRET FIRST REASON"), ("b", "Second reason")):
        app.take_position(
            {"actor": "resident", "initiative": "park", "decision": "first",
             "option": option, "reason": reason}
        )  # fmt: skip
    erasure = app.erase_stakeholder(
        {"actor": "resident", "stakeholder": "resident", "texts": True}
    )
    assert erasure.texts == 2
    db = tmp_path / "samenspraak.db"
    with sqlite3.connect(db) as connection:
        kept = connection.execute(
            "SELECT COUNT(*) FROM samenspraak_texts WHERE body LIKE '%reason%' "
            "OR body LIKE '%REASON%'"
        ).fetchone()
    assert kept == (0,)


def test_an_erased_stakeholder_takes_no_further_part(app: Samenspraak) -> None:
    _small(app)
    erasure = app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})
    with pytest.raises(NotAllowed) as refused:
        app.take_position(
            {"actor": erasure.now_named, "initiative": "park", "decision": "first",
             "option": "a"}
        )  # fmt: skip
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert str(refused.value) == (
        f"{erasure.now_named} was erased; an erased stakeholder takes no further part."
    )


def test_no_one_registers_as_an_erased_stakeholder(app: Samenspraak) -> None:
    _small(app)
    with pytest.raises(InvalidInput) as refused:
        app.register_stakeholder(
            {"actor": "fac", "stakeholder": "erased-12345678", "name": "Someone"}
        )
    assert str(refused.value) == (
        "stakeholder: references starting with erased- name stakeholders whose "
        "personal data was erased."
    )


def test_two_erased_ids_that_start_alike_keep_apart(
    app: Samenspraak, tmp_path: Path
) -> None:
    _small(app)
    row = app.store.select_stakeholder(ref="resident")
    assert row is not None
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        connection.execute(
            "INSERT INTO samenspraak_stakeholders (id, ref) VALUES (?, ?)",
            [row.id[:8] + "-0000-4000-8000-000000000000", f"erased-{row.id[:8]}"],
        )
    erasure = app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})
    assert erasure.now_named == f"erased-{row.id}"


def test_texts_can_be_erased_after_the_name_and_the_person_left(
    app: Samenspraak,
) -> None:
    _small(app)
    app.take_position(
        {"actor": "resident", "initiative": "park", "decision": "first", "option": "a",
         "reason": "The resident's reason"}
    )  # fmt: skip
    first = app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})
    again = app.erase_stakeholder(
        {"actor": "fac", "stakeholder": first.now_named, "texts": True}
    )
    assert again.now_named == first.now_named
    assert again.texts == 1
    # The first erasure took them out of the initiative; the second had no more
    # initiative to take them out of.
    assert (first.left, again.left) == (["park"], [])
    people = {s.ref: s for s in app.initiative_status("park").stakeholders}
    assert people[first.now_named].active is False
    with pytest.raises(NotAllowed) as refused:
        app.join_initiative(
            {"actor": "fac", "initiative": "park", "stakeholder": first.now_named,
             "kind": "resident"}
        )  # fmt: skip
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"


def test_a_facilitator_is_erased_once_their_initiatives_are_closed(
    app: Samenspraak,
) -> None:
    _small(app)
    with pytest.raises(NotAllowed) as refused:
        app.erase_stakeholder({"actor": "fac", "stakeholder": "fac"})
    assert refused.value.rule == "a_facilitator_is_erased_once_their_initiatives_close"
    assert str(refused.value) == (
        "fac facilitates park, still open; close it first: an erased stakeholder "
        "takes no further part."
    )
    app.withdraw_decision_point(
        {"actor": "fac", "initiative": "park", "decision": "first"}
    )
    app.close_initiative({"actor": "fac", "initiative": "park", "outcome": "Done."})
    assert app.erase_stakeholder({"actor": "fac", "stakeholder": "fac"}).texts == 0


def test_the_reasons_someone_gave_for_an_action_s_status_are_erased_with_their_texts(
    app: Samenspraak, tmp_path: Path
) -> None:
    _small(app)
    app.add_implementation_action(
        {"actor": "fac", "initiative": "park", "action": "benches", "title": "Benches",
         "owner_stakeholder": "resident"}
    )  # fmt: skip
    app.change_implementation_status(
        {"actor": "resident", "initiative": "park", "action": "benches",
         "status": "on-hold", "reason": "A PRIVATE REASON"}
    )  # fmt: skip
    [action] = app.initiative_status("park").implementation
    assert action.status_reason == "A PRIVATE REASON"
    app.erase_stakeholder(
        {"actor": "resident", "stakeholder": "resident", "texts": True}
    )
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        kept = connection.execute(
            "SELECT COUNT(*) FROM samenspraak_texts WHERE body = 'A PRIVATE REASON'"
        ).fetchone()
    assert kept == (0,)
    [action] = app.initiative_status("park").implementation
    assert action.status_reason is None


def test_a_done_action_keeps_no_reason_for_being_on_hold(app: Samenspraak) -> None:
    _small(app)
    app.add_implementation_action(
        {"actor": "fac", "initiative": "park", "action": "benches", "title": "Benches",
         "owner_stakeholder": "resident"}
    )  # fmt: skip
    app.change_implementation_status(
        {"actor": "fac", "initiative": "park", "action": "benches", "status": "on-hold",
         "reason": "Waiting for the permit."}
    )  # fmt: skip
    app.record_progress(
        {"actor": "fac", "initiative": "park", "action": "benches", "percent": 100}
    )
    [action] = app.initiative_status("park").implementation
    assert (action.status, action.status_reason) == ("done", None)


def test_an_erased_stakeholder_leaves_every_open_initiative_first(
    app: Samenspraak,
) -> None:
    _small(app)
    _harbour(app)
    app.join_initiative(
        {"actor": "resident", "initiative": "harbour", "stakeholder": "resident",
         "kind": "resident"}
    )  # fmt: skip
    before = app.stored_event_count()

    # The park's facilitator may not take the resident out of the harbour.
    with pytest.raises(NotAllowed) as refused:
        app.erase_stakeholder({"actor": "fac", "stakeholder": "resident"})
    assert str(refused.value) == (
        "resident still takes part in harbour; its facilitator removes them there (or "
        "they leave) before their personal data is erased: an erased stakeholder takes "
        "no further part."
    )
    assert app.stored_event_count() == before
    assert app.store.select_stakeholder(ref="resident") is not None

    # The resident may: they leave both, and no longer count for the park's
    # decision.
    erasure = app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})
    assert sorted(erasure.left) == ["harbour", "park"]
    assert app.stored_event_count() == before + 4  # a leave and an erasure each
    for slug in ("park", "harbour"):
        people = {s.ref: s for s in app.initiative_status(slug).stakeholders}
        assert people[erasure.now_named].active is False


def test_an_erasure_that_fails_leaves_no_event_and_no_change(
    app: Samenspraak, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small(app)
    before = app.stored_event_count()

    def fail(*args: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(type(app.store), "_erase_rows", fail)
    with pytest.raises(SamenspraakError):
        app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})

    assert app.stored_event_count() == before
    row = app.store.select_stakeholder(ref="resident")
    assert row is not None
    assert row.name == "The resident by the pond"
    people = {s.ref: s for s in app.initiative_status("park").stakeholders}
    assert people["resident"].active is True


def test_a_command_of_someone_erased_while_it_runs_writes_nothing(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small(app)
    _plan_with_a_draft(app, "fac", "park", "plan")
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    # The resident's reaction has found its actor; now another process erases
    # them.
    meanwhile(
        monkeypatch,
        "_plan",
        lambda: other.erase_stakeholder(
            {"actor": "resident", "stakeholder": "resident", "texts": True}
        ),
    )
    before = app.stored_event_count()
    try:
        with pytest.raises(NotAllowed) as refused:
            app.react_to_plan(
                {"actor": "resident", "initiative": "park", "plan": "plan",
                 "version": 1, "stance": "concern", "text": "A PRIVATE NOTE"}
            )  # fmt: skip
    finally:
        other.close()
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert app.stored_event_count() == before + 2  # the leave and the erasure only
    assert b"A PRIVATE NOTE" not in (tmp_path / "samenspraak.db").read_bytes()


def _harbour(app: Samenspraak) -> None:
    """A second initiative, with its own facilitator."""
    app.register_stakeholder(
        {
            "actor": "fac",
            "stakeholder": "harbour-facilitator",
            "name": "The facilitator of the harbour",
        }
    )
    app.start_initiative(
        {"actor": "harbour-facilitator", "initiative": "harbour",
         "title": "The harbour", "description": "The quay.", "area": "The harbour",
         "budget": "0", "level": "consulting"}
    )  # fmt: skip


def test_no_one_adds_someone_erased_while_the_join_runs(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small(app)
    _harbour(app)
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    # The harbour's facilitator adds the resident to the harbour; meanwhile the
    # resident has themselves erased.
    meanwhile(
        monkeypatch,
        "_initiative",
        lambda: other.erase_stakeholder(
            {"actor": "resident", "stakeholder": "resident"}
        ),
    )
    before = app.stored_event_count()
    try:
        with pytest.raises(NotAllowed) as refused:
            app.join_initiative(
                {"actor": "harbour-facilitator", "initiative": "harbour",
                 "stakeholder": "resident", "kind": "resident"}
            )  # fmt: skip
    finally:
        other.close()
    monkeypatch.undo()
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert app.stored_event_count() == before + 2  # the park's leave and erasure
    assert [s.ref for s in app.initiative_status("harbour").stakeholders] == [
        "harbour-facilitator"
    ]


def test_someone_added_elsewhere_while_their_erasure_runs_is_erased_there_too(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The erasure found the resident in the park only; before it was saved, the
    harbour's facilitator added them to the harbour, where they reacted. The
    erasure runs again, and records itself in both, with their reaction's text
    erased, in one transaction: nothing is left half-erased, whatever stops the
    command afterwards."""
    _small(app)
    _harbour(app)
    _plan_with_a_draft(app, "harbour-facilitator", "harbour", "quay")
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)

    def join_and_react() -> None:
        other.join_initiative(
            {"actor": "harbour-facilitator", "initiative": "harbour",
             "stakeholder": "resident", "kind": "resident"}
        )  # fmt: skip
        other.react_to_plan(
            {"actor": "resident", "initiative": "harbour", "plan": "quay", "version": 1,
             "stance": "concern", "text": "A PRIVATE NOTE"}
        )  # fmt: skip

    meanwhile(monkeypatch, "_texts_given", join_and_react)
    save = Samenspraak.save
    saved_erasures: list[list[str]] = []

    def counted(self: Samenspraak, *objs: Any, **kwargs: Any) -> Any:
        result = save(self, *objs, **kwargs)
        if kwargs.get("erasure") is not None:
            saved_erasures.append([o.slug for o in objs])
        return result

    monkeypatch.setattr(Samenspraak, "save", counted)
    try:
        erasure = app.erase_stakeholder(
            {"actor": "resident", "stakeholder": "resident", "texts": True}
        )
    finally:
        other.close()
    monkeypatch.undo()
    assert sorted(erasure.left) == ["harbour", "park"]
    harbour = {s.ref: s for s in app.initiative_status("harbour").stakeholders}
    assert harbour[erasure.now_named].active is False
    assert b"A PRIVATE NOTE" not in (tmp_path / "samenspraak.db").read_bytes()
    assert saved_erasures == [["park", "harbour"]]  # one save, both together
    for initiative in ("park", "harbour"):
        check = app.verify_audit(initiative=initiative)
        assert check.intact, check.problem
    assert app.verify_audit().intact


@pytest.mark.parametrize("texts", [False, True], ids=["identity", "with-texts"])
def test_an_erasure_recorded_while_the_record_is_verified_is_no_tampering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, texts: bool
) -> None:
    """The directory and the texts are read after the events: an erasure saved in
    between shows there before its event was read, and is found, not reported."""
    db = tmp_path / "busy.db"
    app, other = Samenspraak.open(db), Samenspraak.open(db)
    try:
        for who in ("f", "resident"):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "f", "initiative": "city", "title": "City", "description": "D",
             "area": "A", "budget": "0", "level": "consulting"}
        )  # fmt: skip
        app.join_initiative(
            {"actor": "resident", "initiative": "city", "stakeholder": "resident",
             "kind": "resident"}
        )  # fmt: skip
        app.leave_initiative(
            {"actor": "resident", "initiative": "city", "stakeholder": "resident"}
        )
        read_directory = app.store.select_stakeholders
        erased_meanwhile: list[str] = []

        def erasing_first(ids: Any) -> Any:
            if not erased_meanwhile:
                other.erase_stakeholder(
                    {"actor": "resident", "stakeholder": "resident", "texts": texts}
                )
                erased_meanwhile.append("resident")
            return read_directory(ids)

        monkeypatch.setattr(app.store, "select_stakeholders", erasing_first)
        verified = app.verify_audit()
        assert erased_meanwhile == ["resident"]
        assert verified.intact, verified.problem
        assert app.verify_audit(initiative="city").intact
    finally:
        app.close()
        other.close()


@pytest.mark.parametrize("change", ["removed", "added again"])
def test_someone_removed_or_added_again_while_their_erasure_runs_is_erased(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    """The erasure read the views; before it loaded the harbour, the harbour's
    facilitator removed the resident from it (or added them back): the erasure
    runs again, and is not refused."""
    _small(app)
    _harbour(app)
    app.join_initiative(
        {"actor": "harbour-facilitator", "initiative": "harbour",
         "stakeholder": "resident", "kind": "resident"}
    )  # fmt: skip
    if change == "added again":
        app.leave_initiative(
            {"actor": "resident", "initiative": "harbour", "stakeholder": "resident"}
        )
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)

    def harbour_facilitator_changes_the_harbour() -> None:
        if change == "removed":
            other.leave_initiative(
                {
                    "actor": "harbour-facilitator",
                    "initiative": "harbour",
                    "stakeholder": "resident",
                }
            )
        else:
            other.join_initiative(
                {"actor": "harbour-facilitator", "initiative": "harbour",
                 "stakeholder": "resident", "kind": "resident"}
            )  # fmt: skip

    meanwhile(
        monkeypatch,
        "_refuse_an_erasure_that_changes_nothing",
        harbour_facilitator_changes_the_harbour,
    )
    try:
        erasure = app.erase_stakeholder(
            {"actor": "resident", "stakeholder": "resident"}
        )
    finally:
        other.close()
    monkeypatch.undo()

    assert erasure.now_named.startswith("erased-")
    harbour = {s.ref: s for s in app.initiative_status("harbour").stakeholders}
    assert harbour[erasure.now_named].active is False
    for initiative in ("park", "harbour"):
        check = app.verify_audit(initiative=initiative)
        assert check.intact, check.problem


def test_nothing_erased_stays_in_the_files_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most builds of SQLite leave what a write frees in the file (secure_delete
    off), and the write-ahead log keeps pages as they were before an erasure while
    someone else has the record open: neither may keep the erased name, contact
    or texts."""
    connect = sqlite3.connect

    def as_most_builds(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete = OFF")
        return connection

    monkeypatch.setattr(sqlite3, "connect", as_most_builds)
    db = tmp_path / "record.db"
    app = Samenspraak.open(db)
    portal = Samenspraak.open(db)  # a backend that has the record open all day
    me = {"actor": "facilitator", "initiative": CITY}
    app.register_stakeholder(
        {
            "actor": "facilitator",
            "stakeholder": "facilitator",
            "name": "The facilitator of the centre",
        }
    )
    app.start_initiative(
        {
            **me,
            "title": "The centre",
            "description": "Together.",
            "area": "The old town",
            "budget": "1000.00",
            "level": "co-deciding",
        }
    )
    app.register_stakeholder(
        {
            "actor": "facilitator",
            "stakeholder": "resident",
            "name": "The resident by the windmill",
            "contact": "windmill@example.nl",
        }
    )
    app.join_initiative({**me, "stakeholder": "resident", "kind": "resident"})
    group = {"group": "traffic", "kind": "working", "name": "Traffic"}
    app.form_group({**me, **group, "mandate": "A plan."})
    plan = {"plan": "traffic-plan"}
    app.create_plan({**me, **plan, "title": "Traffic plan", "group": "traffic"})
    app.propose_draft({**me, **plan, "text": "Car-free.", "changes": "First."})
    for n in range(3):
        app.react_to_plan(
            {
                **me,
                **plan,
                "actor": "resident",
                "version": 1,
                "stance": "concern",
                "text": f"My dog, the spotted spaniel, lives at Kerkstraat {n}.",
                "section": f"The spotted spaniel's street {n}",
            }
        )
    assert portal.plan_details(CITY, "traffic-plan").reactions
    app.erase_stakeholder(
        {"actor": "facilitator", "stakeholder": "resident", "texts": True}
    )
    app.close()
    personal = [
        b"by the windmill",
        b"windmill@example",
        b"spotted spaniel",
        b"Kerkstraat",
    ]
    for file in (db, db.with_name(db.name + "-wal")):
        held = file.read_bytes() if file.exists() else b""
        assert [p for p in personal if p in held] == [], file.name
    portal.close()
    held = db.read_bytes()
    assert [p for p in personal if p in held] == []


def _someone_to_erase(app: Samenspraak) -> None:
    """A facilitator and a resident whose name and contact are in the record."""
    for ref in ("facilitator", "resident"):
        app.register_stakeholder({"actor": "facilitator", "stakeholder": ref,
                                  "name": f"The {ref} by the windmill",
                                  "contact": f"{ref}@example.nl"})  # fmt: skip
    me = {"actor": "facilitator", "initiative": CITY}
    app.start_initiative({**me, "title": "The centre", "description": "Together.",
                          "area": "The old town", "budget": "1000.00",
                          "level": "co-deciding"})  # fmt: skip
    app.join_initiative({**me, "stakeholder": "resident", "kind": "resident"})


def _files_holding(db: Path, *personal: bytes) -> list[str]:
    """The files of a SQLite record (the file, its write-ahead log) that hold any
    of these bytes."""
    return [
        file.name
        for file in (db, db.with_name(db.name + "-wal"))
        if file.exists() and any(p in file.read_bytes() for p in personal)
    ]


def test_an_erasure_waits_for_a_reader_of_an_older_snapshot_without_holding_up_writers(
    tmp_path: Path,
) -> None:
    """A report or an export of another program reads an older snapshot for a
    few seconds while someone is erased, and a portal has the record open all
    day. The write-ahead log keeps the pages as they were before the erasure
    until it is emptied, and the portal keeps it from being removed: the erasure
    waits for the reader to finish and then empties it, instead of leaving the
    name and contact in it for as long as the portal runs. While it waits, others
    record as usual."""
    db = tmp_path / "record.db"
    app = Samenspraak.open(db)
    portal = Samenspraak.open(db)  # a backend that has the record open all day
    _someone_to_erase(app)
    assert portal.initiative_status(CITY).stakeholders
    reader = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM samenspraak_stakeholders").fetchall()
    recorded_meanwhile: list[float] = []

    def others_record_then_the_reader_finishes() -> None:
        time.sleep(0.8)
        started = time.monotonic()
        portal.register_stakeholder(
            {"actor": "facilitator", "stakeholder": "bakery", "name": "B"}
        )
        recorded_meanwhile.append(time.monotonic() - started)
        time.sleep(0.8)
        reader.rollback()

    meanwhile = threading.Thread(target=others_record_then_the_reader_finishes)
    meanwhile.start()
    try:
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident"}
        )
    finally:
        meanwhile.join()
        reader.close()
    try:
        assert erasure.released
        # Held up by the erasure, it would wait for the lock until the reader
        # finished, which it does only after this registration: 10 seconds, then
        # "the database was busy". Not held up, it is saved at once.
        assert recorded_meanwhile
        assert recorded_meanwhile[0] < 5
        assert (
            _files_holding(db, b"resident by the windmill", b"resident@example") == []
        )
    finally:
        app.close()
        portal.close()


def test_an_erasure_a_reader_holds_up_too_long_says_so_and_is_released_later(
    tmp_path: Path,
) -> None:
    """A reader that holds on to an older snapshot for longer than the lock
    timeout does not keep the erasure waiting longer: it says that a copy of what
    it erased is still in the database's files, and the engine empties the
    write-ahead log once it can, at its next read or write."""
    db = tmp_path / "record.db"
    app = Samenspraak.open(db, settings={"SQLITE_LOCK_TIMEOUT": "1"})
    portal = Samenspraak.open(db)
    _someone_to_erase(app)
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM samenspraak_stakeholders").fetchall()
        started = time.monotonic()
        erasure = app.erase_stakeholder(
            {"actor": "facilitator", "stakeholder": "resident"}
        )
        assert time.monotonic() - started < 3
        assert not erasure.released
    finally:
        reader.close()
    try:
        assert _files_holding(db, b"resident by the windmill") == ["record.db-wal"]
        app.initiative_status(CITY)
        assert (
            _files_holding(db, b"resident by the windmill", b"resident@example") == []
        )
    finally:
        app.close()
        portal.close()


@pytest.mark.parametrize("texts", [False, True], ids=["identity", "with-texts"])
def test_an_export_while_someone_is_erased_is_made_again_without_them(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, texts: bool
) -> None:
    """The export reads the record a page at a time, and the texts of each page
    as it goes. The resident is erased after the first page, with their name and
    reaction in it, and a reader catches the views up, so that the later pages
    hold the erasure: the bundle must not hold what was erased, as if read
    before."""
    from samenspraak.application import bundle as bundles  # noqa: PLC0415

    _small(app)
    _plan_with_a_draft(app, "fac", "park", "plan")
    app.react_to_plan(
        {"actor": "resident", "initiative": "park", "plan": "plan", "version": 1,
         "stance": "concern", "text": "A PRIVATE NOTE"}
    )  # fmt: skip
    for day in range(1, 7):
        app.hold_meeting(
            {"actor": "fac", "initiative": "park", "kind": "walk-in",
             "starts_at": f"2026-04-0{day}T19:30+02:00", "place": "The hall",
             "attendance": 3, "summary": "Talked."}
        )  # fmt: skip
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    monkeypatch.setattr(bundles, "PAGE", 8)  # the resident's reaction is the 8th event
    pages = bundles._pages
    erased: list[str] = []

    def resident_erased_after_the_first_page(*args: Any) -> Any:
        read = pages(*args)
        yield next(read)
        if not erased:
            erasure = other.erase_stakeholder(
                {"actor": "resident", "stakeholder": "resident", "texts": texts}
            )
            other.catch_up()
            erased.append(erasure.now_named)
        yield from read

    monkeypatch.setattr(bundles, "_pages", resident_erased_after_the_first_page)
    try:
        app.export_initiative("park", tmp_path / "park.zip")
    finally:
        other.close()
    monkeypatch.undo()

    assert erased
    with zipfile.ZipFile(tmp_path / "park.zip") as bundle:
        held = bundle.read("texts.jsonl") + bundle.read("stakeholders.jsonl")
    assert b"by the pond" not in held
    assert (b"A PRIVATE NOTE" in held) is not texts
    replayed = Samenspraak.replay(tmp_path / "park.zip", tmp_path / "copy.db")
    assert replayed.head == str(app.audit_head("park"))
