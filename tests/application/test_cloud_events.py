"""The record as CloudEvents notifications, for the systems a municipality connects:
after the city-centre story, its case system takes every event in the form the NL
GOV profile gives, page by page, and passes it on. Each notification must be a
valid CloudEvent by the specification's own schema, follow the profile's rules,
and carry no one's reference or name; a copy replayed from an export gives the
same ids, so a receiver recognises what it has seen."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, FormatChecker

from samenspraak.application import InvalidInput, NotFound, Samenspraak
from samenspraak.application.story import StoryRecord
from samenspraak.application.views import InitiativeStatus

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
SOURCE = "urn:nld:oin:00000001234567890000:systeem:samenspraak"
REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "cloudevents"


@pytest.fixture(scope="module")
def cloudevents_schema() -> Draft7Validator:
    """The CloudEvents 1.0 JSON Schema, as the specification publishes it."""
    schema = REALDATA / "cloudevents-v1.0-formats-cloudevents.json"
    if not schema.is_file():
        pytest.skip(f"the CloudEvents schema is not at {schema}")
    return Draft7Validator(
        json.loads(schema.read_text(encoding="utf-8")), format_checker=FormatChecker()
    )


def every_event(app: Samenspraak, **given: Any) -> list[dict[str, Any]]:
    return app.cloud_events(source=SOURCE, limit=10_000, **given)


def test_every_event_of_the_story_is_a_valid_cloud_event(
    story: Story, cloudevents_schema: Draft7Validator
) -> None:
    app, _, _ = story
    notices = every_event(app)

    assert len(notices) == app.projections_status()[0].log_end
    for notice in notices:
        # Through JSON, as a receiver gets it.
        errors = list(cloudevents_schema.iter_errors(json.loads(json.dumps(notice))))
        assert errors == [], (notice["sequence"], [e.message for e in errors])


def test_the_notices_follow_the_nl_gov_profile(story: Story) -> None:
    app, _, _ = story
    notices = every_event(app)

    for notice in notices:
        # Attribute names: lowercase letters and digits, at most 20 characters.
        assert all(
            name.isascii() and name.isalnum() and name.islower() and len(name) <= 20
            for name in notice
        ), notice.keys()
        assert notice["specversion"] == "1.0"
        assert notice["source"] == SOURCE
        assert notice["type"].startswith("nl.samenspraak.")
        assert notice["sequencetype"] == "integer"
        assert notice["subject"] == CITY
        # RFC 3339 in UTC (the schema's format check needs a package of its own).
        assert notice["time"].endswith("Z")
        assert datetime.fromisoformat(notice["time"]).utcoffset() == timedelta(0)
    assert [int(n["sequence"]) for n in notices] == list(range(1, len(notices) + 1))
    assert len({n["id"] for n in notices}) == len(notices)
    kinds = {n["type"] for n in notices}
    assert "nl.samenspraak.plan.reaction-added" in kinds
    assert "nl.samenspraak.decision-point.position-taken" in kinds
    assert "nl.samenspraak.initiative.council-informed" in kinds
    # Each names what it is about: the plan's or decision point's reference.
    reaction = next(n for n in notices if n["data"]["event"] == "ReactionAdded")
    assert reaction["data"]["about"] in {
        p.plan for p in app.initiative_status(CITY).plans
    }


def test_no_ones_reference_or_name_goes_out(story: Story) -> None:
    app, _, _ = story
    status = app.initiative_status(CITY)
    people = {s.ref for s in status.stakeholders} | {
        s.name for s in status.stakeholders if s.name
    }
    sent = json.dumps(every_event(app))

    assert people  # the story has people to leave out
    assert [who for who in people if f'"{who}"' in sent or f" {who}" in sent] == []
    # The actor is the stakeholder's id, as the event holds it.
    joined = [n for n in every_event(app) if n["data"]["event"] == "Started"]
    assert len(joined[0]["data"]["actor_id"]) == 36


def test_a_receiver_pages_on_from_the_last_sequence_it_took(story: Story) -> None:
    app, _, _ = story
    whole = every_event(app)

    taken: list[dict[str, Any]] = []
    after: int | str = 0
    while page := app.cloud_events(source=SOURCE, after=after, limit=7):
        taken += page
        after = page[-1]["sequence"]  # as the notification gives it: a string

    assert taken == whole
    assert app.cloud_events(source=SOURCE, after=after) == []
    assert app.cloud_events(source=SOURCE, after=int(after)) == []


def test_an_initiatives_own_events_and_a_replayed_copy_give_the_same_ids(
    story: Story,
    replayed_status: Callable[[Samenspraak], InitiativeStatus],
    tmp_path: Path,
) -> None:
    app, _, _ = story
    app.start_initiative(
        {"actor": "facilitator", "initiative": "harbour", "title": "The harbour",
         "description": "Quays", "area": "The harbour", "budget": "0",
         "level": "consulting"}
    )  # fmt: skip
    city = every_event(app, initiative=CITY)
    harbour = every_event(app, initiative="harbour")
    assert {n["subject"] for n in city} == {CITY}
    assert [n["subject"] for n in harbour] == ["harbour"]
    assert len(city) + len(harbour) == len(every_event(app))

    replayed_status(app)  # exports city-centre and replays it into a new file
    copy = Samenspraak.open(str(tmp_path / "replayed.db"), create=False)
    try:
        again = every_event(copy, initiative=CITY)
    finally:
        copy.close()
    assert [n["id"] for n in again] == [n["id"] for n in city]
    assert [n["data"]["initiative_chain_hash"] for n in again] == [
        n["data"]["initiative_chain_hash"] for n in city
    ]


def test_a_position_beyond_the_end_of_the_log_is_refused(story: Story) -> None:
    """A receiver's position from another record (the one a copy was replayed
    from, where the positions differ) would otherwise find nothing, and later skip
    what comes up to it, without a word."""
    app, _, _ = story
    end = app.projections_status()[0].log_end
    assert app.cloud_events(source=SOURCE, after=end) == []

    for beyond in (end + 1, 2**64):
        with pytest.raises(InvalidInput) as refused:
            app.cloud_events(source=SOURCE, after=beyond)
        assert str(refused.value) == (
            f"after: {beyond} lies beyond the end of the record's log ({end}), so "
            "it is a position in another record, such as the one this copy was "
            "replayed from; take the notifications again from 0 and skip those "
            "whose id was taken already."
        )


def test_an_event_is_given_once_its_initiative_is_known(
    story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another command may catch up the audit trail alone (informing the council
    reads its head) between the catch-up of a reading and its reads: an event the
    process state does not hold yet waits for the next page, rather than go out
    without its subject."""
    app, _, db = story
    end = app.projections_status()[0].log_end
    other = Samenspraak.open(str(db), create=False)
    caught_up = app._catch_up

    def others_record_meanwhile() -> None:
        caught_up()
        other.start_initiative(
            {"actor": "facilitator", "initiative": "harbour", "title": "The harbour",
             "description": "Quays", "area": "The harbour", "budget": "0",
             "level": "consulting"}
        )  # fmt: skip
        other.inform_council(
            {"actor": "facilitator", "initiative": "harbour",
             "document_title": "Vision", "document_sha256": "a" * 64,
             "session": "letter", "informed_at": "2026-06-30T10:00+02:00"}
        )  # fmt: skip

    try:
        with monkeypatch.context() as patch:
            patch.setattr(app, "_catch_up", others_record_meanwhile)
            first = app.cloud_events(source=SOURCE, after=end)
        then = app.cloud_events(source=SOURCE, after=end)
    finally:
        other.close()

    assert all(n["subject"] and n["data"]["about"] for n in first + then)
    assert [n["data"]["event"] for n in then] == ["Started", "CouncilInformed"]
    assert [n["subject"] for n in then] == ["harbour", "harbour"]


AFTER = (
    "after: must be a log position: 0 or more, as a number or as the digits of a "
    "notification's sequence."
)


@pytest.mark.parametrize(
    ("given", "sentence"),
    [
        (
            {"source": "samenspraak"},
            "source: must be a URI that names this system, like "
            "urn:nld:oin:00000001234567890000:systeem:samenspraak (the "
            "municipality's OIN and the system's name).",
        ),
        (
            {"source": "urn:nld:my system"},
            "source: must be a URI that names this system, like "
            "urn:nld:oin:00000001234567890000:systeem:samenspraak (the "
            "municipality's OIN and the system's name).",
        ),
        ({"after": -1}, AFTER),
        ({"after": "-3"}, AFTER),
        ({"after": "3rd"}, AFTER),
        ({"after": True}, AFTER),
        ({"limit": 0}, "limit: must be a whole number from 1 to 10000."),
        ({"limit": 10_001}, "limit: must be a whole number from 1 to 10000."),
        ({"limit": True}, "limit: must be a whole number from 1 to 10000."),
    ],
)
def test_wrong_input_is_refused_with_one_sentence(
    app: Samenspraak, given: dict[str, Any], sentence: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        app.cloud_events(**{"source": SOURCE, **given})
    assert str(refused.value) == sentence


def test_an_unknown_initiative_is_named(app: Samenspraak) -> None:
    with pytest.raises(NotFound) as missing:
        app.cloud_events(source=SOURCE, initiative="nowhere")
    assert str(missing.value) == "There is no initiative called nowhere."


def test_both_backends_give_the_same_notifications_of_the_same_story(
    url: str, story: Story, cloudevents_schema: Draft7Validator, tmp_path: Path
) -> None:
    """The story exported from SQLite and replayed into the backend under test (a
    SQLite file, a PostgreSQL schema): the same notices, id for id."""
    app, _, _ = story
    bundle = tmp_path / "city.zip"
    app.export_initiative(CITY, bundle)
    Samenspraak.replay(bundle, url)
    there = Samenspraak.open(url, create=False)
    try:
        notices = every_event(there, initiative=CITY)
    finally:
        there.close()
    here = every_event(app, initiative=CITY)
    assert [(n["id"], n["type"], n["subject"]) for n in notices] == [
        (n["id"], n["type"], n["subject"]) for n in here
    ]
    for notice in notices:
        assert (
            list(cloudevents_schema.iter_errors(json.loads(json.dumps(notice)))) == []
        )
