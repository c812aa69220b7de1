"""Reads that a large initiative makes expensive read only what they show: the
status resolves the texts and people it shows (not every reaction's). What they
return is the same as reading everything."""

from __future__ import annotations

from pathlib import Path

from samenspraak.application import Samenspraak, reading
from samenspraak.application.story import StoryRecord
from samenspraak.domain.initiative import initiative_id

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"


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
