"""Erasing a stakeholder's personal data, as the AVG may require: the directory row
and, if asked, the texts they gave go; the events keep ids and commitments, so the
record stays complete and the audit chain intact."""

from __future__ import annotations

import sqlite3
import zipfile
from pathlib import Path

import pytest

from samenspraak.application import NotAllowed, NotFound, Samenspraak
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
    # The record is complete and unchanged; the person cannot act any more.
    assert app.audit_head() == head
    assert app.verify_audit(head).intact
    with pytest.raises(NotFound):
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
