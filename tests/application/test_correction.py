"""Correcting a stakeholder's personal data, as the AVG lets a person ask
(rectification): the directory row changes; a corrected name is recorded, with a
new identity commitment, in every initiative that holds their identity, so that
the record keeps proving who is who."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from samenspraak.application import (
    InvalidInput,
    NotAllowed,
    NotFound,
    Samenspraak,
)
from samenspraak.application.persistence import identity_body


def _park(app: Samenspraak) -> None:
    """The park, with its facilitator, and the resident by the pond taking part."""
    app.register_stakeholder(
        {
            "actor": "park-facilitator",
            "stakeholder": "park-facilitator",
            "name": "The facilitator of the park",
        }
    )
    app.start_initiative(
        {"actor": "park-facilitator", "initiative": "park", "title": "The park",
         "description": "What the park needs.", "area": "The park", "budget": "0",
         "level": "co-deciding"}
    )  # fmt: skip
    app.register_stakeholder(
        {"actor": "park-facilitator", "stakeholder": "resident",
         "name": "The resident by the pond", "contact": "resident@example.org"}
    )  # fmt: skip
    app.join_initiative(
        {
            "actor": "park-facilitator",
            "initiative": "park",
            "stakeholder": "resident",
            "kind": "resident",
        }
    )


def _harbour(
    app: Samenspraak, *, with_resident: bool = True, closed: bool = False
) -> None:
    """The harbour, with a facilitator of its own; the resident took part in it, and
    it may be closed."""
    app.register_stakeholder(
        {
            "actor": "park-facilitator",
            "stakeholder": "harbour-facilitator",
            "name": "The facilitator of the harbour",
        }
    )
    app.start_initiative(
        {"actor": "harbour-facilitator", "initiative": "harbour",
         "title": "The harbour", "description": "The quay.", "area": "The harbour",
         "budget": "0", "level": "consulting"}
    )  # fmt: skip
    if with_resident:
        app.join_initiative(
            {"actor": "resident", "initiative": "harbour", "stakeholder": "resident",
             "kind": "resident"}
        )  # fmt: skip
    if closed:
        app.close_initiative(
            {
                "actor": "harbour-facilitator",
                "initiative": "harbour",
                "outcome": "Done.",
            }
        )


def _names(app: Samenspraak, initiative: str) -> dict[str, str | None]:
    return {s.ref: s.name for s in app.initiative_status(initiative).stakeholders}


def _intact(app: Samenspraak, *initiatives: str) -> None:
    for initiative in initiatives:
        checked = app.verify_audit(initiative=initiative)
        assert checked.intact, checked.problem
    whole = app.verify_audit()
    assert whole.intact, whole.problem


def meanwhile(
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    action: Callable[[], object],
    *,
    after: bool = False,
) -> None:
    """The first time a command calls this method of the engine, ``action`` runs
    (before the method, or ``after`` it): what another process does while the
    command runs."""
    original = getattr(Samenspraak, method)
    done: list[bool] = []

    def with_the_action(self: Samenspraak, *args: Any, **kwargs: Any) -> Any:
        if done or not after:
            if not done:
                done.append(True)
                action()
            return original(self, *args, **kwargs)
        result = original(self, *args, **kwargs)
        done.append(True)
        action()
        return result

    monkeypatch.setattr(Samenspraak, method, with_the_action)


def test_correcting_ones_own_name_is_recorded_in_every_initiative_they_took_part_in(
    app: Samenspraak,
) -> None:
    _park(app)
    _harbour(app, closed=True)
    head = app.audit_head()

    correction = app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )

    assert correction.stakeholder == "resident"
    assert correction.name_corrected is True
    assert sorted(correction.initiatives) == ["harbour", "park"]
    # The reference stays; the name is the corrected one, in the closed initiative too.
    assert _names(app, "park")["resident"] == "The resident by the fountain"
    assert _names(app, "harbour")["resident"] == "The resident by the fountain"
    row = app.store.select_stakeholder(ref="resident")
    assert row is not None
    assert (row.name, row.contact) == (
        "The resident by the fountain",
        "resident@example.org",
    )
    for initiative in ("park", "harbour"):
        [recorded] = app.audit_log(initiative, event="IdentityCorrected")
        assert (recorded.actor, recorded.stakeholder) == ("resident", "resident")
        assert recorded.summary == "A stakeholder's name corrected in the directory"
        assert "resident by the" not in recorded.summary
    assert app.audit_head().position == head.position + 2
    assert app.verify_audit(head).intact
    _intact(app, "park", "harbour")
    # A report is made from the corrected record (it refuses a changed one).
    for initiative in ("park", "harbour"):
        app.participation_report(initiative)


def test_the_events_hold_no_name_of_a_corrected_stakeholder(
    app: Samenspraak, tmp_path: Path
) -> None:
    _park(app)
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        states = b"".join(
            bytes(state)
            for (state,) in connection.execute("SELECT state FROM stored_events")
        )
        [body] = connection.execute(
            "SELECT body FROM samenspraak_texts WHERE body LIKE '%by the fountain%'"
        ).fetchone()
    assert b"by the fountain" not in states
    assert body == identity_body("resident", "The resident by the fountain")


def test_a_corrected_name_leaves_no_copy_of_the_name_it_corrected(
    app: Samenspraak, tmp_path: Path
) -> None:
    """Rectification: the name as it was is gone from the text store, the file
    and every export made since, in both initiatives; the record stays intact and
    still proves who is who, with the corrected name."""
    _park(app)
    _harbour(app, closed=True)
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )
    db = tmp_path / "samenspraak.db"
    with sqlite3.connect(db) as connection:
        kept = connection.execute(
            "SELECT COUNT(*) FROM samenspraak_texts WHERE body LIKE '%by the pond%'"
        ).fetchone()
        emptied = connection.execute(
            "SELECT COUNT(*) FROM samenspraak_texts WHERE purpose = 'identity' "
            "AND body IS NULL AND salt IS NULL AND erased_at IS NOT NULL"
        ).fetchone()
    assert (kept, emptied) == ((0,), (2,))
    files = [db, *db.parent.glob("samenspraak.db-*")]
    assert not any(b"by the pond" in f.read_bytes() for f in files)
    _intact(app, "park", "harbour")
    bundle = tmp_path / "park.zip"
    app.export_initiative("park", bundle)
    import zipfile  # noqa: PLC0415

    with zipfile.ZipFile(bundle) as exported:
        assert not any(b"by the pond" in exported.read(i) for i in exported.namelist())
    Samenspraak.replay(bundle, tmp_path / "copy.db")
    copy = Samenspraak.open(tmp_path / "copy.db", create=False)
    try:
        assert _names(copy, "park")["resident"] == "The resident by the fountain"
        _intact(copy, "park")
    finally:
        copy.close()


def test_an_identity_emptied_without_a_correction_after_it_is_found(
    app: Samenspraak, tmp_path: Path
) -> None:
    """The resident's identity sealed when they joined the park is emptied in the
    store, though they later joined the harbour too (sealing it again) and no
    correction of their name is recorded: that is no rectification."""
    _park(app)
    _harbour(app)
    joined = [
        r.position
        for r in app.audit_log("park", event="StakeholderJoined")
        if r.stakeholder == "resident"
    ]
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        connection.execute(
            "UPDATE samenspraak_texts SET body = NULL, salt = NULL WHERE rowid = "
            "(SELECT MIN(rowid) FROM samenspraak_texts WHERE body = ?)",
            [identity_body("resident", "The resident by the pond")],
        )

    for checked in (app.verify_audit(), app.verify_audit(initiative="park")):
        assert not checked.intact
        assert checked.first_bad_position == joined[0]
        assert checked.problem == (
            "The identity of resident was erased, but no erasure of theirs is recorded."
        )


def test_the_facilitator_corrects_someone_who_took_part(app: Samenspraak) -> None:
    _park(app)
    _harbour(app)

    correction = app.correct_stakeholder(
        {"actor": "park-facilitator", "stakeholder": "resident",
         "name": "The resident by the fountain", "contact": "06 12345678"}
    )  # fmt: skip

    assert sorted(correction.initiatives) == ["harbour", "park"]
    row = app.store.select_stakeholder(ref="resident")
    assert row is not None
    assert (row.name, row.contact) == ("The resident by the fountain", "06 12345678")
    # The facilitator of the park is not known in the harbour: their identity is
    # committed there too, and the harbour records their correction or erasure
    # from then on.
    [recorded] = app.audit_log("harbour", event="IdentityCorrected")
    assert (recorded.actor, recorded.stakeholder) == ("park-facilitator", "resident")
    _intact(app, "park", "harbour")
    app.correct_stakeholder(
        {
            "actor": "park-facilitator",
            "stakeholder": "park-facilitator",
            "name": "The park's facilitator",
        }
    )
    assert [
        e.stakeholder for e in app.audit_log("harbour", event="IdentityCorrected")
    ] == [
        "resident",
        "park-facilitator",
    ]
    _intact(app, "park", "harbour")


def test_a_facilitator_who_corrected_someone_elsewhere_is_erased_there_too(
    app: Samenspraak,
) -> None:
    """The identity of the park's facilitator was committed in the harbour when
    they corrected the resident there; erasing them empties it, and the harbour's
    record stays intact."""
    _park(app)
    _harbour(app)
    app.correct_stakeholder(
        {
            "actor": "park-facilitator",
            "stakeholder": "resident",
            "name": "The resident by the bridge",
        }
    )
    app.close_initiative(
        {"actor": "park-facilitator", "initiative": "park", "outcome": "Done."}
    )

    erasure = app.erase_stakeholder(
        {"actor": "park-facilitator", "stakeholder": "park-facilitator"}
    )

    assert erasure.now_named.startswith("erased-")
    _intact(app, "park", "harbour")
    [recorded] = app.audit_log("harbour", event="PersonalDataErased")
    assert recorded.stakeholder == erasure.now_named


def test_no_one_else_corrects_someone(app: Samenspraak) -> None:
    _park(app)
    _harbour(app)
    before = app.stored_event_count()

    with pytest.raises(NotAllowed) as refused:
        app.correct_stakeholder(
            {
                "actor": "harbour-facilitator",
                "stakeholder": "park-facilitator",
                "name": "Someone else",
            }
        )

    assert refused.value.rule == (
        "personal_data_is_corrected_by_the_person_or_their_facilitator"
    )
    assert str(refused.value) == (
        "Only park-facilitator themselves, or the facilitator of an initiative they "
        "took part in, may correct their personal data."
    )
    assert app.stored_event_count() == before
    row = app.store.select_stakeholder(ref="park-facilitator")
    assert row is not None
    assert row.name == "The facilitator of the park"


def test_anyone_registered_corrects_someone_who_took_part_in_nothing(
    app: Samenspraak,
) -> None:
    _park(app)
    app.register_stakeholder(
        {
            "actor": "park-facilitator",
            "stakeholder": "neighbour",
            "name": "The neighbor",
        }
    )

    correction = app.correct_stakeholder(
        {"actor": "resident", "stakeholder": "neighbour", "name": "The neighbour"}
    )

    assert (correction.name_corrected, correction.initiatives) == (True, [])
    row = app.store.select_stakeholder(ref="neighbour")
    assert row is not None
    assert row.name == "The neighbour"
    # Joining now commits to the corrected name.
    app.join_initiative(
        {
            "actor": "neighbour",
            "initiative": "park",
            "stakeholder": "neighbour",
            "kind": "resident",
        }
    )
    _intact(app, "park")


def test_correcting_only_the_contact_records_no_event(app: Samenspraak) -> None:
    _park(app)
    before = app.stored_event_count()

    correction = app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "contact": "resident@example.com",
        }
    )

    assert (correction.name_corrected, correction.initiatives) == (False, [])
    assert app.stored_event_count() == before
    row = app.store.select_stakeholder(ref="resident")
    assert row is not None
    assert (row.name, row.contact) == (
        "The resident by the pond",
        "resident@example.com",
    )
    _intact(app, "park")


def test_a_correction_that_changes_nothing_is_refused(app: Samenspraak) -> None:
    _park(app)
    before = app.stored_event_count()
    for given, has in (
        ({"name": "The resident by the pond"}, "that name"),
        ({"contact": "resident@example.org"}, "that contact"),
        (
            {"name": "The resident by the pond", "contact": "resident@example.org"},
            "that name and contact",
        ),
    ):
        with pytest.raises(InvalidInput) as refused:
            app.correct_stakeholder(
                {"actor": "resident", "stakeholder": "resident", **given}
            )
        assert str(refused.value) == (
            f"resident already has {has}; there is nothing to correct."
        )
    assert app.stored_event_count() == before


@pytest.mark.parametrize(
    ("given", "sentence"),
    [
        ({}, "input: give the corrected name, contact or both."),
        ({"name": "\u200b"}, "name: must not be empty (it has only invisible"),
        ({"name": "The resident\nby the pond"}, "name: must be one line"),
        ({"contact": " "}, "contact: "),
        ({"ref": "resident"}, "ref: "),
    ],
    ids=["neither", "invisible name", "two lines", "blank contact", "a new ref"],
)
def test_a_correction_is_validated_as_a_registration_is(
    app: Samenspraak, given: dict[str, str], sentence: str
) -> None:
    _park(app)
    with pytest.raises(InvalidInput) as refused:
        app.correct_stakeholder(
            {"actor": "resident", "stakeholder": "resident", **given}
        )
    assert str(refused.value).startswith(sentence)


def test_an_unknown_stakeholder_is_not_found(app: Samenspraak) -> None:
    _park(app)
    with pytest.raises(
        NotFound, match=r"^No stakeholder is registered as neighbour\.$"
    ):
        app.correct_stakeholder(
            {"actor": "resident", "stakeholder": "neighbour", "name": "A"}
        )


def test_an_erased_stakeholder_is_not_corrected_and_corrects_no_one(
    app: Samenspraak,
) -> None:
    _park(app)
    erasure = app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})
    before = app.stored_event_count()

    with pytest.raises(NotAllowed) as refused:
        app.correct_stakeholder(
            {
                "actor": "park-facilitator",
                "stakeholder": erasure.now_named,
                "name": "The resident",
            }
        )
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert str(refused.value) == (
        f"{erasure.now_named} was erased; the personal data of an erased stakeholder "
        "is gone, and there is nothing to correct."
    )
    with pytest.raises(NotAllowed) as refused:
        app.correct_stakeholder(
            {
                "actor": erasure.now_named,
                "stakeholder": "park-facilitator",
                "name": "The park's facilitator",
            }
        )
    assert refused.value.rule == "an_erased_stakeholder_takes_no_further_part"
    assert app.stored_event_count() == before


def test_an_erasure_after_a_correction_empties_every_identity_of_theirs(
    app: Samenspraak, tmp_path: Path
) -> None:
    _park(app)
    _harbour(app, closed=True)
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )

    app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})

    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        kept = connection.execute(
            "SELECT COUNT(*) FROM samenspraak_texts WHERE body LIKE '%resident%'"
        ).fetchone()
    assert kept == (0,)
    _intact(app, "park", "harbour")


def test_a_name_from_before_a_correction_put_back_after_an_erasure_is_found(
    app: Samenspraak, tmp_path: Path
) -> None:
    _park(app)
    [joined] = app.audit_log("park", event="StakeholderJoined")
    db = tmp_path / "samenspraak.db"
    with sqlite3.connect(db) as connection:
        salt, body = connection.execute(
            "SELECT salt, body FROM samenspraak_texts WHERE body = ?",
            [identity_body("resident", "The resident by the pond")],
        ).fetchone()
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )
    app.leave_initiative(
        {"actor": "resident", "initiative": "park", "stakeholder": "resident"}
    )
    app.erase_stakeholder({"actor": "resident", "stakeholder": "resident"})
    _intact(app, "park")

    with sqlite3.connect(db) as connection:  # the first name, back in the store
        connection.execute(
            "UPDATE samenspraak_texts SET salt = ?, body = ? WHERE body IS NULL "
            "AND purpose = 'identity' AND rowid = (SELECT MIN(rowid) FROM "
            "samenspraak_texts WHERE purpose = 'identity' AND body IS NULL)",
            [salt, body],
        )

    for checked in (app.verify_audit(), app.verify_audit(initiative="park")):
        assert not checked.intact
        assert checked.first_bad_position == joined.position
        assert "is kept, though the erasure of their personal data is recorded" in (
            str(checked.problem)
        )
    with pytest.raises(NotAllowed):
        app.export_initiative("park", tmp_path / "park.zip")


def test_a_corrected_initiative_exports_and_replays_with_the_corrected_name(
    app: Samenspraak, tmp_path: Path
) -> None:
    _park(app)
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )
    bundle = tmp_path / "park.zip"

    exported = app.export_initiative("park", bundle)
    replayed = Samenspraak.replay(bundle, tmp_path / "copy.db")

    assert replayed.head == replayed.bundle_head == exported.head
    copy = Samenspraak.open(tmp_path / "copy.db", create=False)
    try:
        assert _names(copy, "park")["resident"] == "The resident by the fountain"
        assert copy.audit_head("park") == app.audit_head("park")
        _intact(copy, "park")
    finally:
        copy.close()


def test_a_bundle_giving_the_name_before_the_correction_is_refused(
    app: Samenspraak, tmp_path: Path
) -> None:
    import zipfile  # noqa: PLC0415

    _park(app)
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )
    bundle = tmp_path / "park.zip"
    app.export_initiative("park", bundle)
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(changed, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "stakeholders.jsonl":
                lines = [json.loads(line) for line in data.splitlines()]
                for line in lines:
                    if line["ref"] == "resident":
                        line["name"] = "The resident by the pond"
                data = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
            target.writestr(item, data)

    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(changed, tmp_path / "copy.db")
    assert "gives resident another reference or name than the identity" in str(
        refused.value
    )


def test_a_corrected_identity_text_changed_in_the_store_is_found(
    app: Samenspraak, tmp_path: Path
) -> None:
    _park(app)
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )
    [recorded] = app.audit_log("park", event="IdentityCorrected")
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        connection.execute(
            "UPDATE samenspraak_texts SET body = ? WHERE body = ?",
            [
                identity_body("resident", "Someone else"),
                identity_body("resident", "The resident by the fountain"),
            ],
        )

    for checked in (app.verify_audit(), app.verify_audit(initiative="park")):
        assert not checked.intact
        assert checked.first_bad_position == recorded.position
        assert "was changed" in str(checked.problem)


def test_a_directory_set_back_to_the_name_before_the_correction_is_found(
    app: Samenspraak, tmp_path: Path
) -> None:
    _park(app)
    app.correct_stakeholder(
        {
            "actor": "resident",
            "stakeholder": "resident",
            "name": "The resident by the fountain",
        }
    )
    [recorded] = app.audit_log("park", event="IdentityCorrected")
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        connection.execute(
            "UPDATE samenspraak_stakeholders SET name = 'The resident by the pond' "
            "WHERE ref = 'resident'"
        )

    checked = app.verify_audit(initiative="park")
    assert not checked.intact
    assert checked.first_bad_position == recorded.position
    assert checked.problem == (
        "The directory gives resident another reference or name than the identity the "
        "events commit to."
    )


def test_someone_added_elsewhere_while_their_correction_runs_has_it_recorded_there(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The correction found the resident in the park only; before it was saved,
    the harbour's facilitator added them to the harbour, sealing the name as it
    was. The correction runs again, and both record it in one transaction: nothing
    is left half-corrected, whatever stops the command afterwards."""
    _park(app)
    _harbour(app, with_resident=False)
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    meanwhile(
        monkeypatch,
        "_correct_in",
        lambda: other.join_initiative(
            {
                "actor": "harbour-facilitator",
                "initiative": "harbour",
                "stakeholder": "resident",
                "kind": "resident",
            }
        ),
    )
    try:
        correction = app.correct_stakeholder(
            {
                "actor": "resident",
                "stakeholder": "resident",
                "name": "The resident by the fountain",
            }
        )
    finally:
        other.close()
    monkeypatch.undo()

    assert correction.initiatives == ["park", "harbour"]
    [joined] = app.audit_log("harbour", event="StakeholderJoined")
    [corrected] = app.audit_log("harbour", event="IdentityCorrected")
    assert joined.position < corrected.position
    [in_the_park] = app.audit_log("park", event="IdentityCorrected")
    assert corrected.position == in_the_park.position + 1  # saved together
    _intact(app, "park", "harbour")


def test_a_correction_is_not_run_again_for_someone_else_joining_meanwhile(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _park(app)
    _harbour(app, with_resident=False)
    app.register_stakeholder(
        {
            "actor": "harbour-facilitator",
            "stakeholder": "neighbour",
            "name": "The neighbour",
        }
    )
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    meanwhile(
        monkeypatch,
        "_correct_in",
        lambda: other.join_initiative(
            {
                "actor": "harbour-facilitator",
                "initiative": "harbour",
                "stakeholder": "neighbour",
                "kind": "resident",
            }
        ),
    )
    runs: list[bool] = []
    correct_in = Samenspraak._correct_in

    def counted(self: Samenspraak, *args: Any, **kwargs: Any) -> Any:
        runs.append(True)
        return correct_in(self, *args, **kwargs)

    monkeypatch.setattr(Samenspraak, "_correct_in", counted)
    try:
        correction = app.correct_stakeholder(
            {
                "actor": "resident",
                "stakeholder": "resident",
                "name": "The resident by the fountain",
            }
        )
    finally:
        other.close()
    monkeypatch.undo()

    assert correction.initiatives == ["park"]
    assert runs == [
        True
    ]  # The neighbour's joining the harbour is no reason to run again
    assert [
        e.stakeholder for e in app.audit_log("harbour", event="StakeholderJoined")
    ] == ["neighbour"]
    _intact(app, "park", "harbour")


def test_a_join_that_read_the_name_before_a_correction_seals_the_corrected_one(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harbour facilitator's join sealed the resident's name as it was; before
    it was saved, the resident corrected it. The join is run again and commits to
    the corrected name."""
    _park(app)
    _harbour(app, with_resident=False)
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    meanwhile(
        monkeypatch,
        "_identity",
        lambda: other.correct_stakeholder(
            {
                "actor": "resident",
                "stakeholder": "resident",
                "name": "The resident by the fountain",
            }
        ),
        after=True,
    )
    try:
        app.join_initiative(
            {"actor": "harbour-facilitator", "initiative": "harbour",
             "stakeholder": "resident", "kind": "resident"}
        )  # fmt: skip
    finally:
        other.close()
    monkeypatch.undo()

    assert app.audit_log("harbour", event="IdentityCorrected") == []
    [joined] = app.audit_log("harbour", event="StakeholderJoined")
    assert joined.stakeholder == "resident"
    assert _names(app, "harbour")["resident"] == "The resident by the fountain"
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        bodies = [
            body
            for (body,) in connection.execute(
                "SELECT body FROM samenspraak_texts WHERE purpose = 'identity' "
                "AND body LIKE '%\"resident\"%'"
            )
        ]
    # The park's correction and the harbour's join: no identity sealed with the
    # name as it was after the correction (the park's join's was emptied by it).
    assert bodies == [
        identity_body("resident", "The resident by the fountain"),
        identity_body("resident", "The resident by the fountain"),
    ]
    _intact(app, "park", "harbour")


def test_an_erasure_that_read_the_record_before_a_correction_runs_again(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The park's facilitator erases the resident: the erasure found their
    identities, and before it was saved, the resident corrected their name (a new
    identity). The erasure is run again and empties that one too."""
    _park(app)
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    meanwhile(
        monkeypatch,
        "_erase_in",
        lambda: other.correct_stakeholder(
            {
                "actor": "resident",
                "stakeholder": "resident",
                "name": "The resident by the fountain",
            }
        ),
    )
    try:
        app.erase_stakeholder({"actor": "park-facilitator", "stakeholder": "resident"})
    finally:
        other.close()
    monkeypatch.undo()

    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        kept = connection.execute(
            "SELECT COUNT(*) FROM samenspraak_texts WHERE body LIKE '%resident%'"
        ).fetchone()
    assert kept == (0,)
    _intact(app, "park")


def test_two_corrections_at_once_both_count_in_turn(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The park's facilitator corrects the resident's name while the resident
    corrects their contact: neither overwrites the other."""
    _park(app)
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    meanwhile(
        monkeypatch,
        "_correct_in",
        lambda: other.correct_stakeholder(
            {
                "actor": "resident",
                "stakeholder": "resident",
                "contact": "resident@example.com",
            }
        ),
    )
    try:
        app.correct_stakeholder(
            {
                "actor": "park-facilitator",
                "stakeholder": "resident",
                "name": "The resident by the fountain",
            }
        )
    finally:
        other.close()
    monkeypatch.undo()

    row = app.store.select_stakeholder(ref="resident")
    assert row is not None
    assert (row.name, row.contact) == (
        "The resident by the fountain",
        "resident@example.com",
    )
    _intact(app, "park")


@pytest.mark.parametrize("when", ["during", "after"])
def test_an_export_while_a_correction_is_saved_is_made_again_with_it(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """The correction is saved while the export checks the directory against the
    events it read (or just after): the export is made again, and the bundle holds
    the correction, which a replay verifies."""
    from samenspraak.application import bundle as bundles  # noqa: PLC0415

    _park(app)
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    check = bundles._refuse_what_is_not_explained
    corrected: list[bool] = []

    def correct() -> None:
        if not corrected:
            corrected.append(True)
            other.correct_stakeholder(
                {
                    "actor": "resident",
                    "stakeholder": "resident",
                    "name": "The resident by the fountain",
                }
            )

    def checked_meanwhile(*args: Any) -> None:
        if when == "during":
            correct()
        check(*args)
        if when == "after":
            correct()

    monkeypatch.setattr(bundles, "_refuse_what_is_not_explained", checked_meanwhile)
    try:
        exported = app.export_initiative("park", tmp_path / "park.zip")
    finally:
        other.close()
    monkeypatch.undo()

    assert corrected == [True]
    assert exported.head == str(app.audit_head("park"))
    Samenspraak.replay(tmp_path / "park.zip", tmp_path / "copy.db")
    copy = Samenspraak.open(tmp_path / "copy.db", create=False)
    try:
        assert _names(copy, "park")["resident"] == "The resident by the fountain"
        _intact(copy, "park")
    finally:
        copy.close()


@pytest.mark.parametrize("changed", ["a text", "the directory"])
def test_a_changed_record_is_refused_as_such_while_someone_elsewhere_is_corrected(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: str
) -> None:
    """The resident on the quay, of the harbour only, is corrected each time the
    park's export checks its record: that explains nothing in the park, whose
    change is named."""
    from samenspraak.application import bundle as bundles  # noqa: PLC0415

    _park(app)
    _harbour(app, with_resident=False)
    app.register_stakeholder(
        {
            "actor": "harbour-facilitator",
            "stakeholder": "quay-resident",
            "name": "The resident on the quay",
        }
    )
    app.join_initiative(
        {"actor": "harbour-facilitator", "initiative": "harbour",
         "stakeholder": "quay-resident", "kind": "resident"}
    )  # fmt: skip
    with sqlite3.connect(tmp_path / "samenspraak.db") as connection:
        if changed == "a text":
            connection.execute(
                "UPDATE samenspraak_texts SET body = 'changed' WHERE body = 'The park'"
            )
        else:
            connection.execute(
                "UPDATE samenspraak_stakeholders SET name = 'B.' WHERE ref = 'resident'"
            )
    other = Samenspraak.open(tmp_path / "samenspraak.db", create=False)
    names = iter(f"The resident on quay {n}" for n in range(100))
    pages = bundles._pages

    def quay_resident_corrected_meanwhile(*args: Any) -> Any:
        for page in pages(*args):
            other.correct_stakeholder(
                {
                    "actor": "quay-resident",
                    "stakeholder": "quay-resident",
                    "name": next(names),
                }
            )
            yield page

    monkeypatch.setattr(bundles, "_pages", quay_resident_corrected_meanwhile)
    try:
        with pytest.raises(NotAllowed) as refused:
            app.export_initiative("park", tmp_path / "park.zip")
    finally:
        other.close()
    monkeypatch.undo()

    assert refused.value.rule == "a_tampered_record_is_not_exported"
    said = str(refused.value)
    assert ("no longer matches the commitment" in said) == (changed == "a text")
    assert ("the directory no longer matches" in said) == (changed != "a text")
    assert not (tmp_path / "park.zip").exists()
