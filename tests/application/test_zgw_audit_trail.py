"""The audit trail as ZGW AuditTrail records, for a municipality's case system that
keeps a zaak for the participation process: after the city-centre story, it shows
samenspraak's trail under that zaak in the form its other ZGW components give.
Every record must be valid by the ZGW schema, begin each aggregate with a
``create``, carry no one's reference or name and no free text, and keep its uuid
in a copy replayed from an export, so the case system recognises what it has."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from samenspraak.application import InvalidInput, NotFound, Samenspraak
from samenspraak.application.story import StoryRecord
from samenspraak.application.views import InitiativeStatus
from samenspraak.domain import clock
from samenspraak.domain.values import StakeholderKind

Story = tuple[Samenspraak, StoryRecord, Path]
CITY = "city-centre"
ZAAK = (
    "https://zaken.example.nl/zaken/api/v1/zaken/5d4b9c1e-6f0a-4a8e-9a57-0f2c3b1d2e4f"
)
REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "zgw"


@pytest.fixture(scope="module")
def audittrail_schema() -> Draft202012Validator:
    """The ZGW AuditTrail schema, as the Zaken API publishes it (as JSON Schema)."""
    schema = REALDATA / "AuditTrail.schema.json"
    if not schema.is_file():
        pytest.skip(f"the ZGW AuditTrail schema is not at {schema}")
    found = json.loads(schema.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(found)
    return Draft202012Validator(found, format_checker=FormatChecker())


def the_trail(app: Samenspraak, initiative: str | None = CITY, **given: Any) -> Any:
    return app.zgw_audit_trail(
        initiative, hoofd_object=ZAAK, bron="zrc", limit=10_000, **given
    )


def test_every_record_of_the_story_is_a_valid_zgw_audit_trail_record(
    story: Story, audittrail_schema: Draft202012Validator
) -> None:
    app, _, _ = story
    records = the_trail(app)

    assert len(records) == app.projections_status()[0].log_end
    for record in records:
        # Through JSON, as the case system gets it.
        errors = list(audittrail_schema.iter_errors(json.loads(json.dumps(record))))
        assert errors == [], (record["wijzigingen"], [e.message for e in errors])
        # The formats the schema's checker leaves to packages of their own.
        for field in ("hoofdObject", "resourceUrl"):
            assert urlsplit(record[field]).scheme, record[field]
        assert record["aanmaakdatum"].endswith("Z")
        moment = datetime.fromisoformat(record["aanmaakdatum"])
        assert moment.utcoffset() == timedelta(0)
        assert str(UUID(record["uuid"])) == record["uuid"]
        assert "oud" not in record["wijzigingen"]
    assert {r["bron"] for r in records} == {"zrc"}
    assert {r["hoofdObject"] for r in records} == {ZAAK}
    assert {r["applicatieId"] for r in records} == {"samenspraak"}
    assert {r["resource"] for r in records} == {"initiative", "plan", "decision-point"}
    positions = [r["wijzigingen"]["nieuw"]["position"] for r in records]
    assert positions == list(range(1, len(records) + 1))
    assert len({r["uuid"] for r in records}) == len(records)


def test_the_first_event_of_each_aggregate_is_a_create_and_the_rest_updates(
    story: Story,
) -> None:
    app, _, _ = story
    records = the_trail(app)

    seen: set[str] = set()
    for record in records:
        aggregate = record["resourceUrl"]
        first = aggregate not in seen
        seen.add(aggregate)
        assert (record["actie"], record["resultaat"]) == (
            ("create", 201) if first else ("update", 200)
        ), record["wijzigingen"]["nieuw"]
    creates = [r for r in records if r["actie"] == "create"]
    assert len(creates) == len(seen)
    status = app.initiative_status(CITY)
    assert (creates[0]["resource"], creates[0]["resourceWeergave"]) == (
        "initiative",
        CITY,
    )
    assert {r["resourceWeergave"] for r in creates if r["resource"] == "plan"} == {
        p.plan for p in status.plans
    }
    assert {
        r["resourceWeergave"] for r in creates if r["resource"] == "decision-point"
    } == {d.decision for d in status.decisions}
    assert creates[0]["actieWeergave"] == "Started"
    reaction = next(
        r for r in records if r["wijzigingen"]["nieuw"]["event"] == "ReactionAdded"
    )
    assert reaction["actieWeergave"] == "Reaction added"
    assert reaction["resourceUrl"] == (
        f"urn:uuid:{reaction['wijzigingen']['nieuw']['aggregate_id']}"
    )


def test_the_user_is_the_stakeholders_id_shown_as_the_kind_they_take_part_as(
    story: Story,
) -> None:
    app, _, _ = story
    records = the_trail(app)
    status = app.initiative_status(CITY)
    kinds = {s.kind.replace("-", " ") for s in status.stakeholders}

    assert {r["gebruikersWeergave"] for r in records} <= kinds | {"facilitator"}
    started = records[0]
    assert started["gebruikersWeergave"] == "facilitator"
    assert str(UUID(started["gebruikersId"])) == started["gebruikersId"]
    # The same id as the CloudEvents notification gives as the actor.
    notice = app.cloud_events(source="urn:nld:oin:1:systeem:samenspraak", limit=1)[0]
    assert started["gebruikersId"] == notice["data"]["actor_id"]
    assert started["uuid"] != notice["id"]


def test_no_ones_reference_name_or_contact_and_no_free_text_goes_out(
    story: Story,
) -> None:
    app, _, db = story
    records = the_trail(app, None)
    # The user is shown as a kind, never by reference (the story's facilitator
    # has the reference "facilitator", which is their kind too).
    kinds = {kind.value.replace("-", " ") for kind in StakeholderKind}
    assert {r.pop("gebruikersWeergave") for r in records} <= kinds
    sent = json.dumps(records, ensure_ascii=False)
    with sqlite3.connect(db) as connection:
        directory = connection.execute(
            "SELECT ref, name, contact FROM samenspraak_stakeholders"
        ).fetchall()
        texts = [
            body
            for (body,) in connection.execute(
                "SELECT body FROM samenspraak_texts WHERE body IS NOT NULL"
            )
        ]
    connection.close()

    people = {value for row in directory for value in row if value}
    assert people  # the story has people to leave out
    assert [who for who in people if f'"{who}"' in sent or f" {who}" in sent] == []
    assert len(texts) > 50  # titles, drafts, reactions, reasons, identities
    assert [text for text in texts if text in sent] == []


def test_a_case_system_pages_on_from_the_last_position_it_took(story: Story) -> None:
    app, _, _ = story
    whole = the_trail(app)

    taken: list[dict[str, Any]] = []
    after: int | str = 0
    while page := app.zgw_audit_trail(
        CITY, hoofd_object=ZAAK, bron="zrc", after=after, limit=7
    ):
        assert len(page) <= 7
        taken += page
        after = page[-1]["wijzigingen"]["nieuw"]["position"]

    assert taken == whole
    assert app.zgw_audit_trail(CITY, hoofd_object=ZAAK, bron="zrc", after=after) == []
    assert the_trail(app, after=str(after - 2)) == whole[-2:]


def test_an_initiatives_own_records_and_a_replayed_copy_give_the_same_uuids(
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
    city = the_trail(app)
    harbour = the_trail(app, "harbour")
    assert [(r["resourceWeergave"], r["actie"]) for r in harbour] == [
        ("harbour", "create")
    ]
    assert len(city) + len(harbour) == len(the_trail(app, None))
    assert the_trail(app, None)[-1] == harbour[0]

    replayed_status(app)  # exports city-centre and replays it into a new file
    copy = Samenspraak.open(str(tmp_path / "replayed.db"), create=False)
    try:
        again = the_trail(copy)
    finally:
        copy.close()
    assert [r["uuid"] for r in again] == [r["uuid"] for r in city]
    assert [r["actie"] for r in again] == [r["actie"] for r in city]
    assert [r["gebruikersWeergave"] for r in again] == [
        r["gebruikersWeergave"] for r in city
    ]


def test_what_a_passing_deadline_recorded_is_shown_as_samenspraak(
    story: Story,
) -> None:
    app, _, _ = story
    now = datetime.fromisoformat(the_trail(app)[-1]["aanmaakdatum"])
    with clock.frozen_at(now + timedelta(days=1)):
        app.start_initiative(
            {"actor": "facilitator", "initiative": "harbour", "title": "The harbour",
             "description": "Quays", "area": "The harbour", "budget": "0",
             "level": "co-deciding"}
        )  # fmt: skip
        app.join_initiative(
            {"actor": "bakery", "initiative": "harbour", "stakeholder": "bakery",
             "kind": "entrepreneur"}
        )  # fmt: skip
        app.put_decision_point(
            {"actor": "facilitator", "initiative": "harbour", "decision": "quays",
             "question": "Which quay?", "rule": "majority",
             "options": [{"key": "north", "label": "North"},
                         {"key": "south", "label": "South"}],
             "eligible": ["entrepreneur"], "closes_at": now + timedelta(days=2)}
        )  # fmt: skip
    with clock.frozen_at(now + timedelta(days=3)):
        assert [c.subject for c in app.tick()] == ["quays"]

    records = the_trail(app, "harbour")
    closed = records[-1]
    assert (closed["resource"], closed["resourceWeergave"]) == (
        "decision-point",
        "quays",
    )
    assert (closed["gebruikersId"], closed["gebruikersWeergave"]) == (
        "system",
        "samenspraak (a deadline passed)",
    )
    assert [r["gebruikersWeergave"] for r in records[:2]] == [
        "facilitator",
        "entrepreneur",
    ]


def test_another_application_and_component_are_named_as_given(story: Story) -> None:
    app, _, _ = story
    records = app.zgw_audit_trail(
        CITY,
        hoofd_object=ZAAK,
        bron=" DRC ",
        applicatie_id="participatie-01",
        applicatie_weergave="Participatie (samenspraak)",
        limit=3,
    )
    assert [
        (r["bron"], r["applicatieId"], r["applicatieWeergave"]) for r in records
    ] == [("drc", "participatie-01", "Participatie (samenspraak)")] * 3


def test_a_position_beyond_the_end_of_the_log_is_refused(story: Story) -> None:
    app, _, _ = story
    end = app.projections_status()[0].log_end
    assert the_trail(app, after=end) == []

    with pytest.raises(InvalidInput) as refused:
        the_trail(app, after=end + 1)
    assert str(refused.value) == (
        f"after: {end + 1} lies beyond the end of the record's log ({end}), so it "
        "is a position in another record, such as the one this copy was replayed "
        "from; take the records again from 0 and skip those whose uuid was taken "
        "already."
    )


URL = (
    "hoofd_object: must be the URL of the zaak the trail belongs to, an absolute "
    "http or https URL such as https://zaken.example.nl/zaken/api/v1/zaken/<uuid>."
)
BRON = (
    "bron: must be one of the ZGW components ac, nrc, zrc, ztc, drc, brc, cmc, kc, "
    "vrc (the component the trail is shown under, such as zrc for the Zaken API, "
    "where the zaak is)."
)
AFTER = (
    "after: must be a log position: 0 or more, such as the position in the last "
    "record's wijzigingen."
)
APPLICATIE_ID = (
    "applicatie_id: must be 1 to 100 characters: letters, digits, spaces and "
    "punctuation, on one line."
)


@pytest.mark.parametrize(
    ("given", "sentence"),
    [
        ({"hoofd_object": "zaak-1"}, URL),
        ({"hoofd_object": "urn:uuid:5d4b9c1e-6f0a-4a8e-9a57-0f2c3b1d2e4f"}, URL),
        ({"hoofd_object": "ftp://zaken.example.nl/zaken/1"}, URL),
        ({"hoofd_object": "https:///zaken/1"}, URL),
        ({"hoofd_object": "https://zaken.example.nl/zaak 1"}, URL),
        ({"hoofd_object": "https://zaken.example.nl:99999/zaken/1"}, URL),
        ({"hoofd_object": None}, URL),
        (
            {"hoofd_object": "https://zaken.example.nl/" + "z" * 976},
            "hoofd_object: must be at most 1000 characters.",
        ),
        ({"bron": "openzaak"}, BRON),
        ({"bron": ""}, BRON),
        ({"bron": 3}, BRON),
        ({"applicatie_id": ""}, APPLICATIE_ID),
        ({"applicatie_id": "a" * 101}, APPLICATIE_ID),
        ({"applicatie_id": "two\nlines"}, APPLICATIE_ID),
        (
            {"applicatie_weergave": "b" * 201},
            "applicatie_weergave: must be 1 to 200 characters: letters, digits, "
            "spaces and punctuation, on one line.",
        ),
        ({"after": -1}, AFTER),
        ({"after": "3rd"}, AFTER),
        ({"after": True}, AFTER),
        ({"limit": 0}, "limit: must be a whole number from 1 to 10000."),
        ({"limit": 10_001}, "limit: must be a whole number from 1 to 10000."),
        ({"limit": None}, "limit: must be a whole number from 1 to 10000."),
    ],
)
def test_wrong_input_is_refused_with_one_sentence(
    app: Samenspraak, given: dict[str, Any], sentence: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        app.zgw_audit_trail(**{"hoofd_object": ZAAK, "bron": "zrc", **given})
    assert str(refused.value) == sentence


def test_a_zaak_url_of_exactly_1000_characters_is_taken(app: Samenspraak) -> None:
    longest = "https://zaken.example.nl/" + "z" * 975
    assert len(longest) == 1000
    assert app.zgw_audit_trail(hoofd_object=longest, bron="zrc") == []


def test_an_unknown_initiative_is_named(app: Samenspraak) -> None:
    with pytest.raises(NotFound) as missing:
        app.zgw_audit_trail("nowhere", hoofd_object=ZAAK, bron="zrc")
    assert str(missing.value) == "There is no initiative called nowhere."
    with pytest.raises(InvalidInput):
        app.zgw_audit_trail("Nowhere!", hoofd_object=ZAAK, bron="zrc")


def test_both_backends_give_the_same_records_of_the_same_story(
    url: str,
    story: Story,
    audittrail_schema: Draft202012Validator,
    tmp_path: Path,
) -> None:
    """The story exported from SQLite and replayed into the backend under test (a
    SQLite file, a PostgreSQL schema): the same records, uuid for uuid, and the
    same users shown as the same kinds."""
    app, _, _ = story
    bundle = tmp_path / "city.zip"
    app.export_initiative(CITY, bundle)
    Samenspraak.replay(bundle, url)
    there = Samenspraak.open(url, create=False)
    try:
        records = the_trail(there)
    finally:
        there.close()
    here = the_trail(app)

    def shown(record: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            record.get(field)
            for field in ("uuid", "actie", "gebruikersId", "gebruikersWeergave",
                          "resource", "resourceWeergave", "toelichting")
        )  # fmt: skip

    assert [shown(r) for r in records] == [shown(r) for r in here]
    for record in records:
        assert list(audittrail_schema.iter_errors(json.loads(json.dumps(record)))) == []
