"""What the record of the demo story holds, and what it must never hold."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from uuid import UUID

from samenspraak.application import Samenspraak
from samenspraak.application.app import commitment
from samenspraak.application.story import CAST, STORY_START, StoryRecord
from samenspraak.domain import clock
from samenspraak.domain.values import TextRef


def stored_rows(db: Path) -> list[tuple[str, str, bytes]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT originator_id, topic, state FROM stored_events ORDER BY rowid"
        ).fetchall()


def test_every_stored_topic_names_a_samenspraak_module(
    story: tuple[Samenspraak, StoryRecord, Path],
) -> None:
    _, _, db = story
    topics = {topic for _, topic, _ in stored_rows(db)}
    assert topics, "the story recorded events"
    assert all(topic.startswith("samenspraak.domain.") for topic in topics), topics


def test_no_name_contact_or_free_text_is_in_any_stored_event(
    story: tuple[Samenspraak, StoryRecord, Path],
) -> None:
    _, record, db = story
    everything = b"\n".join(
        state + topic.encode() for _, topic, state in stored_rows(db)
    )
    personal = [name for _, name, _, _ in CAST] + [contact for _, _, contact, _ in CAST]
    words = [*personal, *record.texts]
    assert len(record.texts) > 50, "the story passes many texts"
    leaked = [w for w in words if w.encode("utf-8") in everything]
    assert leaked == []
    # The events carry the stakeholders' pseudonymous ids, not their references.
    kinds = {kind for _, _, _, kind in CAST}
    refs = [ref for ref, _, _, _ in CAST if ref not in kinds]
    assert "resident-kerkstraat" in refs
    assert [r for r in refs if f'"{r}"'.encode() in everything] == []


def test_every_text_of_the_story_is_kept_apart_and_matches_its_commitment(
    story: tuple[Samenspraak, StoryRecord, Path],
) -> None:
    app, record, _ = story
    plan = app.plan_details("city-centre", "traffic-plan")
    assert plan.reactions[0].text in record.texts
    # Every text reference in the events verifies against the stored salt and body.
    refs: list[TextRef] = []
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        event = app.mapper.to_domain_event(notification)
        refs += [value for value in vars(event).values() if isinstance(value, TextRef)]
    rows = app.store.select_texts([r.id for r in refs])
    assert len(rows) == len(refs) > 30
    for ref in refs:
        row = rows[ref.id]
        assert row.salt is not None
        assert row.body is not None
        assert commitment(row.salt, row.body) == ref.sha256


def test_every_aggregate_of_the_demo_reloads_with_the_clock_a_year_ahead(
    story: tuple[Samenspraak, StoryRecord, Path],
) -> None:
    app, _, _ = story
    before = app.initiative_status("city-centre")
    ids = {
        UUID(str(n.originator_id))
        for n in app.recorder.select_notifications(start=1, limit=10_000)
    }
    assert len(ids) == 6  # one initiative, two plans, three decision points
    with clock.frozen_at(STORY_START + timedelta(days=365 * 2)):
        for aggregate_id in ids:
            aggregate = app.repository.get(aggregate_id)
            assert aggregate.version >= 1
        after = app.initiative_status("city-centre")
    assert after == before
    assert [d.state for d in after.decisions] == ["decided"] * 3


def test_events_carry_the_moment_of_the_story_from_the_engine_clock(
    story: tuple[Samenspraak, StoryRecord, Path],
) -> None:
    app, _, _ = story
    first = app.mapper.to_domain_event(app.notification_log.select(start=1, limit=1)[0])
    assert first.timestamp == STORY_START
    assert type(first).__qualname__ == "Initiative.Started"
