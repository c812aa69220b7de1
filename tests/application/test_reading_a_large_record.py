"""Reads that a large initiative makes expensive read only what they show: the
status resolves the texts and people it shows (not every reaction's), and a read as
of a moment reads the initiative's trail up to that moment (not its current
document). What they return is the same as reading everything."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from samenspraak.application import NotFound, Samenspraak, reading
from samenspraak.application.story import StoryRecord
from samenspraak.domain.initiative import initiative_id
from samenspraak.projections.state import new_document, utc

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"


def as_it_stood_by_reading_everything(app: Samenspraak, at: str) -> dict[str, Any]:
    """The initiative's document as it stood at ``at`` (UTC ISO), worked out from
    its whole trail and its current document, as the engine once did."""
    doc = app.state.document(str(initiative_id(CITY)))
    assert doc is not None
    entries = [
        r for r in app.audit.iter_rows(doc["initiative_id"]) if r.recorded_at <= at
    ]
    replayed = new_document(doc["initiative_id"])
    owners: dict[str, str] = {}
    for entry in entries:
        (record,) = app.recorder.select_events(
            UUID(entry.aggregate_id), gt=entry.version - 1, lte=entry.version
        )
        event = app.mapper.to_domain_event(record)
        app.state_projector.initiative_of(event, entry.aggregate_kind, owners)
        app.state_projector.apply(replayed, event, record.topic, entry.position)
    return replayed


def test_the_status_shows_what_resolving_the_whole_document_shows(
    story: Story,
) -> None:
    app, _, _ = story
    doc = app.state.document(str(initiative_id(CITY)))
    assert doc is not None
    assert any(p["reactions"] for p in doc["plans"].values())
    assert any(d["positions"] for d in doc["decisions"].values())
    text, people, names = app._resolvers(doc)
    everything = reading.status(doc, text, people, names)
    assert app.initiative_status(CITY) == everything
    outline = reading.outline(doc)
    assert all(not p["reactions"] for p in outline["plans"].values())
    assert any(p["reactions"] for p in doc["plans"].values())  # left as it was


def test_a_read_as_of_every_moment_shows_what_reading_everything_shows(
    story: Story,
) -> None:
    app, _, _ = story
    app.catch_up()
    moments = sorted({r.recorded_at for r in app.audit.iter_rows()})
    assert len(moments) > 20
    for at in [*moments[:: max(1, len(moments) // 25)], moments[-1]]:
        expected = as_it_stood_by_reading_everything(app, at)
        if expected["slug"] is None:
            with pytest.raises(NotFound, match="had not started yet"):
                app._document(CITY, datetime.fromisoformat(at))
            continue
        assert app._document(CITY, datetime.fromisoformat(at)) == expected
        status = app.initiative_status(CITY, as_of=at)
        text, people, names = app._resolvers(expected)
        assert status == reading.status(expected, text, people, names).model_copy(
            update={"as_of": datetime.fromisoformat(at)}
        )


def test_a_read_as_of_a_moment_of_an_initiative_that_does_not_exist_says_so(
    story: Story,
) -> None:
    app, _, _ = story
    with pytest.raises(NotFound, match="There is no initiative called nowhere"):
        app.initiative_status("nowhere", as_of="2026-06-01T12:00+02:00")
    with pytest.raises(NotFound, match="had not started yet"):
        app.initiative_status(CITY, as_of="2000-01-01T00:00+00:00")


def test_the_trail_read_up_to_a_moment_is_the_trail_cut_at_that_moment(
    story: Story,
) -> None:
    app, _, _ = story
    app.catch_up()
    scope = str(initiative_id(CITY))
    rows = list(app.audit.iter_rows(scope))
    for at in (
        rows[0].recorded_at,
        rows[len(rows) // 2].recorded_at,
        utc(datetime.now().astimezone()),
    ):
        assert list(app.audit.iter_rows(scope, recorded_until=at)) == [
            r for r in rows if r.recorded_at <= at
        ]


def test_an_aggregate_loads_as_the_library_would_load_it_without_its_check(
    story: Story,
) -> None:
    """The engine loads its aggregates with a projector of its own (the library's
    checks every event against a runtime protocol, half the time of loading a
    large plan): every aggregate of the story, at every version, is the same."""
    from eventsourcing.application import project_aggregate  # noqa: PLC0415

    from samenspraak.application.app import project  # noqa: PLC0415

    app, _, _ = story
    ids = {UUID(r.aggregate_id): r.version for r in app.audit.iter_rows()}
    kinds = set()
    for aggregate_id, last in ids.items():
        for version in (1, (last + 1) // 2, last, None):
            ours = app.repository.get(
                aggregate_id, version=version, projector_func=project
            )
            theirs = app.repository.get(
                aggregate_id, version=version, projector_func=project_aggregate
            )
            assert type(ours) is type(theirs)
            assert vars(ours) == vars(theirs)
            kinds.add(type(ours).__name__)
    assert kinds == {"Initiative", "Plan", "DecisionPoint"}
