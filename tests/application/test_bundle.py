"""Exporting one initiative to a bundle, and replaying the bundle into a new record."""

from __future__ import annotations

import base64
import contextlib
import json
import secrets
import sqlite3
import subprocess
import sys
import tracemalloc
import uuid
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.persistence import DataError, OperationalError

from samenspraak.application import (
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    Samenspraak,
    StorageError,
)
from samenspraak.application import bundle as bundles
from samenspraak.application.app import commitment
from samenspraak.application.persistence import SQLiteSamenspraakRecorder, TextRow
from samenspraak.application.story import CAST, STORY_START, StoryRecord
from samenspraak.domain import clock
from samenspraak.domain.initiative import Initiative, initiative_id
from samenspraak.domain.values import MeetingKind, TextRef
from samenspraak.projections.chain import (
    GENESIS,
    Head,
    canonical_record,
    next_chain_hash,
)
from samenspraak.projections.views import catch_up

CITY = "city-centre"
Story = tuple[Samenspraak, StoryRecord, Path]


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist()}


def lines(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def rewrite(
    source: Path,
    target: Path,
    *,
    events: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    texts: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    stakeholders: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    reseal: bool = False,
) -> Path:
    """A copy of a bundle with some lines changed; with ``reseal`` the manifest's
    head and counts are recomputed, as a forger who knows the format would."""
    parts = members(source)
    event_lines = lines(parts["events.jsonl"])
    text_lines = lines(parts["texts.jsonl"])
    if events is not None:
        event_lines = events(event_lines)
    if texts is not None:
        text_lines = texts(text_lines)
    people = lines(parts["stakeholders.jsonl"])
    if stakeholders is not None:
        people = stakeholders(people)
    manifest = json.loads(parts["manifest.json"])
    if reseal:
        chain = GENESIS
        for e in event_lines:
            record = canonical_record(
                e["originator_id"],
                e["originator_version"],
                e["topic"],
                base64.b64decode(e["state"]),
            )
            chain = next_chain_hash(chain, record)
        manifest["head"] = str(Head(event_lines[-1]["position"], chain))
        manifest["counts"]["events"] = len(event_lines)
        manifest["counts"]["texts"] = len(text_lines)
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("events.jsonl", "".join(json.dumps(e) + "\n" for e in event_lines))
        out.writestr("texts.jsonl", "".join(json.dumps(t) + "\n" for t in text_lines))
        out.writestr(
            "stakeholders.jsonl", "".join(json.dumps(p) + "\n" for p in people)
        )
        out.writestr("manifest.json", json.dumps(manifest))
    return target


def flip_a_byte_of_the_state(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    state = bytearray(base64.b64decode(events[10]["state"]))
    state[5] ^= 0x01
    events[10]["state"] = base64.b64encode(bytes(state)).decode("ascii")
    return events


@pytest.fixture
def exported(story: Story, tmp_path: Path) -> Path:
    app, _, _ = story
    path = tmp_path / "city-centre.zip"
    app.export_initiative(CITY, str(path))
    return path


def opened(db: Path) -> Samenspraak:
    return Samenspraak.open(str(db), create=False)


def assert_same_initiative(
    original: Samenspraak, rebuilt: Samenspraak, slug: str, *, same_log: bool
) -> None:
    status = original.initiative_status(slug)
    assert rebuilt.initiative_status(slug) == status
    for plan in status.plans:
        assert rebuilt.plan_details(slug, plan.plan) == original.plan_details(
            slug, plan.plan
        )
    for decision in status.decisions:
        assert rebuilt.decision_details(
            slug, decision.decision
        ) == original.decision_details(slug, decision.decision)

    def entries(app: Samenspraak) -> list[tuple[Any, ...]]:
        return [
            (e.event, e.summary, e.version, e.content_hash, e.actor, e.recorded_at)
            for e in app.audit_log(slug)
        ]

    assert entries(rebuilt) == entries(original)
    head, rebuilt_head = original.audit_head(slug), rebuilt.audit_head(slug)
    assert rebuilt_head.chain_hash == head.chain_hash
    if same_log:
        assert rebuilt_head == head
        assert rebuilt.audit_log(slug) == original.audit_log(slug)
    assert rebuilt.verify_audit().intact


# --- The round trip --------------------------------------------------------------------


def test_export_then_replay_rebuilds_the_same_initiative_and_chain_head(
    story: Story, tmp_path: Path
) -> None:
    app, _, _ = story
    path = tmp_path / "city-centre.zip"
    summary = app.export_initiative(CITY, str(path))
    assert summary.head == str(app.audit_head(CITY))
    assert summary.events == app.stored_event_count() == 70

    new_db = tmp_path / "rebuilt.db"
    replayed = Samenspraak.replay(str(path), str(new_db))
    assert replayed.head == replayed.bundle_head == summary.head
    assert (replayed.events, replayed.texts, replayed.stakeholders) == (
        summary.events,
        summary.texts,
        summary.stakeholders,
    )
    rebuilt = opened(new_db)
    try:
        assert_same_initiative(app, rebuilt, CITY, same_log=True)
        # The rebuilt initiative goes on: the aggregates load from the replayed events.
        with clock.frozen_at(STORY_START + timedelta(days=400)):
            rebuilt.register_stakeholder(
                {"actor": "facilitator", "stakeholder": "newcomer", "name": "New"}
            )
        assert rebuilt.stored_event_count() == 70
    finally:
        rebuilt.close()


def test_a_replay_that_fails_part_of_the_way_leaves_no_file_or_an_empty_database(
    story: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, _ = story
    path = tmp_path / "city-centre.zip"
    app.export_initiative(CITY, path)
    written = SQLiteSamenspraakRecorder._insert_events

    def refuse_events(self: Any, c: Any, stored_events: Any, **kwargs: Any) -> Any:
        if stored_events:  # the directory and the texts went in before
            msg = "text fields cannot contain NUL (0x00) bytes"
            raise DataError(msg)
        return written(self, c, stored_events, **kwargs)

    monkeypatch.setattr(SQLiteSamenspraakRecorder, "_insert_events", refuse_events)
    new_db = tmp_path / "rebuilt.db"
    with pytest.raises(StorageError) as failed:
        Samenspraak.replay(path, new_db)
    assert str(failed.value) == (
        "The database failed while replaying: text fields cannot contain NUL (0x00) "
        "bytes; nothing was kept."
    )
    # The file the replay created is gone again, with its write-ahead log.
    assert list(tmp_path.glob("rebuilt.db*")) == []

    # A link to where a database is to be: the replay did not make the link, so it
    # leaves it.
    link = tmp_path / "linked.db"
    link.symlink_to(tmp_path / "elsewhere.db")
    with pytest.raises(StorageError):
        Samenspraak.replay(path, link)
    assert link.is_symlink()

    # A database that was there before (empty) is left empty.
    Samenspraak.open(str(new_db)).close()
    with pytest.raises(StorageError):
        Samenspraak.replay(path, new_db)
    monkeypatch.undo()
    again = opened(new_db)
    try:
        assert set(again.store.count_rows().values()) == {0}
    finally:
        again.close()
    assert Samenspraak.replay(path, new_db).events == 70  # and it can start again


def test_a_replay_that_cannot_read_the_target_leaves_it_alone(
    story: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _, db = story
    path = tmp_path / "city-centre.zip"
    app.export_initiative(CITY, path)
    before = app.store.count_rows()

    def locked(self: Any) -> Any:
        msg = "database is locked"
        raise OperationalError(msg)

    monkeypatch.setattr(SQLiteSamenspraakRecorder, "count_rows", locked)
    with pytest.raises(StorageError) as failed:
        Samenspraak.replay(path, db)
    assert str(failed.value) == "The database cannot be read: database is locked."
    monkeypatch.undo()
    assert app.store.count_rows() == before


def test_the_bundle_holds_the_stored_records_exactly_and_its_manifest(
    story: Story, exported: Path
) -> None:
    app, _, _ = story
    parts = members(exported)
    assert list(parts) == [
        "events.jsonl",
        "texts.jsonl",
        "stakeholders.jsonl",
        "manifest.json",
    ]
    stored = app.recorder.select_notifications(start=1, limit=1000)
    assert [
        (
            e["position"],
            uuid.UUID(e["originator_id"]),
            e["originator_version"],
            e["topic"],
            base64.b64decode(e["state"]),
        )
        for e in lines(parts["events.jsonl"])
    ] == [
        (n.id, n.originator_id, n.originator_version, n.topic, n.state) for n in stored
    ]
    manifest = json.loads(parts["manifest.json"])
    assert manifest["format_version"] == 1
    assert manifest["engine_version"] == "0.1.0"
    assert manifest["initiative"] == CITY
    assert manifest["initiative_id"] == str(initiative_id(CITY))
    assert manifest["head"] == str(app.audit_head(CITY))
    assert manifest["counts"] == {
        "events": 70,
        "texts": len(lines(parts["texts.jsonl"])),
        "stakeholders": len(CAST),
    }
    for text in lines(parts["texts.jsonl"]):
        assert set(text) == {"id", "purpose", "salt", "body"}


def test_the_bundle_holds_no_contact_details(story: Story, exported: Path) -> None:
    everything = b"\n".join(members(exported).values())
    contacts = [contact for _, _, contact, _ in CAST]
    assert [c for c in contacts if c.encode() in everything] == []
    assert b"contact" not in everything
    people = lines(members(exported)["stakeholders.jsonl"])
    assert {tuple(sorted(p)) for p in people} == {("id", "name", "ref")}
    assert sorted(p["ref"] for p in people) == sorted(ref for ref, *_ in CAST)


def test_one_initiative_is_exported_from_a_log_shared_with_another(
    app: Samenspraak, tmp_path: Path
) -> None:
    """The chain head's hash is the same after replay; the positions are new."""
    app.register_stakeholder(
        {"actor": "host", "stakeholder": "host", "name": "The host", "contact": "h@x"}
    )
    for slug in ("harbour", "market"):
        app.start_initiative(
            {
                "actor": "host",
                "initiative": slug,
                "title": f"The {slug}",
                "description": "Together.",
                "area": "Here",
                "budget": "1000.00",
                "level": "co-deciding",
            }
        )
    for n in range(3):
        ref = f"neighbour-{n}"
        app.register_stakeholder(
            {"actor": "host", "stakeholder": ref, "name": f"N{n}", "contact": "n@x"}
        )
        for slug in ("harbour", "market"):
            if n < 2 or slug == "market":
                app.join_initiative(
                    {
                        "actor": "host",
                        "initiative": slug,
                        "stakeholder": ref,
                        "kind": "resident",
                    }
                )
    path = tmp_path / "market.zip"
    summary = app.export_initiative("market", str(path))
    assert summary.events == 4
    assert summary.stakeholders == 4  # the host and three neighbours
    new_db = tmp_path / "market.db"
    replayed = Samenspraak.replay(str(path), str(new_db))
    assert Head.parse(replayed.head) == Head(4, app.audit_head("market").chain_hash)
    assert Head.parse(replayed.bundle_head) == app.audit_head("market")
    assert app.audit_head("market").position == 7
    rebuilt = opened(new_db)
    try:
        assert_same_initiative(app, rebuilt, "market", same_log=False)
        assert [i.initiative for i in rebuilt.list_initiatives()] == ["market"]
        assert rebuilt.store.select_stakeholder(ref="neighbour-2") is not None
        host = rebuilt.store.select_stakeholder(ref="host")
        assert host is not None
        assert host.contact is None
    finally:
        rebuilt.close()


def test_an_erased_text_stays_out_of_the_bundle_and_reads_as_erased_after_replay(
    story: Story, tmp_path: Path
) -> None:
    app, _, db = story
    erasure = app.erase_stakeholder(
        {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
    )
    assert erasure.texts > 0
    with sqlite3.connect(db) as connection:
        erased = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM samenspraak_texts WHERE body IS NULL "
                "AND purpose = 'reaction'"
            )
        ]
    assert erased
    path = tmp_path / "erased.zip"
    app.export_initiative(CITY, str(path))
    texts = members(path)["texts.jsonl"].decode()
    assert not any(text_id in texts for text_id in erased)
    new_db = tmp_path / "rebuilt.db"
    Samenspraak.replay(str(path), str(new_db))
    rebuilt = opened(new_db)
    try:
        assert_same_initiative(app, rebuilt, CITY, same_log=True)
        reactions = [
            r
            for p in rebuilt.initiative_status(CITY).plans
            for r in rebuilt.plan_details(CITY, p.plan).reactions
        ]
        assert sum(r.text is None for r in reactions) == len(erased)
        with sqlite3.connect(new_db) as connection:
            kept_as_erased = connection.execute(
                "SELECT count(*) FROM samenspraak_texts WHERE body IS NULL"
            ).fetchone()[0]
        assert kept_as_erased >= len(erased)  # with the bakery's identity
    finally:
        rebuilt.close()


# --- Refusals --------------------------------------------------------------------------


def test_a_bundle_with_one_changed_byte_in_an_event_is_refused(
    exported: Path, tmp_path: Path
) -> None:
    tampered = rewrite(
        exported, tmp_path / "tampered.zip", events=flip_a_byte_of_the_state
    )
    new_db = tmp_path / "new.db"
    with pytest.raises(InvalidInput, match="do not add up to the head in its manifest"):
        Samenspraak.replay(str(tampered), str(new_db))
    assert not new_db.exists()


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        (lambda m: m.pop("head"), "The bundle is damaged: manifest.json lacks head."),
        (
            lambda m: m.update(exported_at="yesterday"),
            "The bundle is damaged: manifest.json has a field that is not what a "
            "manifest holds.",
        ),
    ],
    ids=["a field removed", "a field of the wrong kind"],
)
def test_a_damaged_manifest_is_named_in_words(
    exported: Path,
    tmp_path: Path,
    change: Callable[[dict[str, Any]], Any],
    sentence: str,
) -> None:
    parts = members(exported)
    manifest = json.loads(parts["manifest.json"])
    change(manifest)
    parts["manifest.json"] = json.dumps(manifest).encode()
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as bundle:
        for name, data in parts.items():
            bundle.writestr(name, data)
    new_db = tmp_path / "new.db"
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(damaged, new_db)
    assert str(refused.value) == sentence
    assert not new_db.exists()


def test_a_changed_byte_in_the_zip_file_itself_is_refused(
    exported: Path, tmp_path: Path
) -> None:
    data = bytearray(exported.read_bytes())
    data[len(data) // 3] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(str(damaged), str(tmp_path / "new.db"))
    assert "\n" not in str(refused.value)
    assert not (tmp_path / "new.db").exists()


def _stored_zip(exported: Path, target: Path, *, nested: str | None = None) -> bytes:
    """The bundle rewritten without compression (so that its headers can be
    patched), with one member replaced by JSON nested far beyond reason."""
    parts = members(exported)
    if nested is not None:
        parts[nested] = b"[" * 100_000 + b"]" * 100_000
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as bundle:
        for name, data in parts.items():
            bundle.writestr(name, data)
    return target.read_bytes()


def _patched(data: bytes, local: int, central: int, value: int) -> bytes:
    """Every member's header patched: a byte at ``local`` of each local header and
    at ``central`` of each central directory entry (set to ``value``, or with its
    bits or-ed in when ``value`` is negative)."""
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        at = patched.find(signature)
        while at >= 0:
            if value < 0:
                patched[at + offset] |= -value
            else:
                patched[at + offset] = value
            at = patched.find(signature, at + 4)
    return bytes(patched)


@pytest.mark.parametrize(
    ("damage", "sentence"),
    [
        (
            lambda path, out: _stored_zip(path, out, nested="manifest.json"),
            "The bundle is damaged: manifest.json cannot be read (it is nested too "
            "deeply).",
        ),
        (
            lambda path, out: _stored_zip(path, out, nested="events.jsonl"),
            "The bundle is damaged: events.jsonl line 1 is not JSON.",
        ),
        (
            lambda path, out: _patched(_stored_zip(path, out), 6, 8, -1),
            "The bundle is damaged: manifest.json cannot be read (",  # and why
        ),
        (
            lambda path, out: _patched(_stored_zip(path, out), 8, 10, 99),
            "The bundle is damaged: manifest.json cannot be read (",
        ),
    ],
    ids=["nested manifest", "nested event", "encrypted", "unknown compression"],
)
def test_a_bundle_that_no_export_writes_is_refused_in_words(
    exported: Path,
    tmp_path: Path,
    damage: Callable[[Path, Path], bytes],
    sentence: str,
) -> None:
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(damage(exported, damaged))
    new_db = tmp_path / "new.db"
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(damaged, new_db)
    said = str(refused.value)
    assert said == sentence or (said.startswith(sentence) and said.endswith(")."))
    assert "\n" not in said
    assert not new_db.exists()


def test_a_resealed_bundle_with_a_changed_event_fails_a_published_head(
    story: Story, exported: Path, tmp_path: Path
) -> None:
    app, _, _ = story
    forged = rewrite(
        exported,
        tmp_path / "forged.zip",
        events=lambda events: events[:-1],
        reseal=True,
    )
    published = str(app.audit_head(CITY))
    with pytest.raises(InvalidInput, match="not at the published head"):
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"), head=published)
    with pytest.raises(InvalidInput, match="does not pass through the earlier head"):
        Samenspraak.replay(
            str(forged), str(tmp_path / "new.db"), earlier_head=published
        )
    assert not (tmp_path / "new.db").exists()
    # An event left out in the middle: the bundle still ends at the same position,
    # but not at the same hash, nor at an earlier head published after that event.
    gap = rewrite(
        exported,
        tmp_path / "gap.zip",
        events=lambda events: events[:10] + events[11:],
        reseal=True,
    )
    earlier = app.audit_log(CITY)[30]
    with pytest.raises(InvalidInput, match="not at the published head"):
        Samenspraak.replay(str(gap), str(tmp_path / "new.db"), head=published)
    for head in (published, f"{earlier.position}:{earlier.initiative_chain_hash}"):
        with pytest.raises(InvalidInput) as refused:
            Samenspraak.replay(str(gap), str(tmp_path / "new.db"), earlier_head=head)
        assert str(refused.value).endswith(
            f") does not pass through the earlier head {head}: the bundle was made "
            "before that head, or a record up to it differs from the one the head was "
            "published for."
        )
    assert not (tmp_path / "new.db").exists()
    # A bundle that goes on past an earlier head passes it, and says by how much;
    # the same bundle is refused when that head is given as the one it must end at.
    summary = Samenspraak.replay(
        str(exported), str(tmp_path / "after.db"),
        earlier_head=f"{earlier.position}:{earlier.initiative_chain_hash}",
    )  # fmt: skip
    assert summary.recorded_after == 70 - earlier.position
    with pytest.raises(InvalidInput, match="not at the published head"):
        Samenspraak.replay(
            str(exported), str(tmp_path / "other.db"),
            head=f"{earlier.position}:{earlier.initiative_chain_hash}",
        )  # fmt: skip
    # With the published head, the genuine bundle replays.
    Samenspraak.replay(str(exported), str(tmp_path / "new.db"), head=published)


def test_a_changed_text_is_refused_by_its_commitment(
    exported: Path, tmp_path: Path
) -> None:
    def change(texts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        texts[3]["body"] += " (and a car park)"
        return texts

    forged = rewrite(exported, tmp_path / "forged.zip", texts=change)
    with pytest.raises(InvalidInput, match="does not match the commitment"):
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))


def swap_bakery_and_library(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_ref = {p["ref"]: p for p in people}
    bakery, library = by_ref["bakery"], by_ref["library"]
    bakery["ref"], library["ref"] = library["ref"], bakery["ref"]
    bakery["name"], library["name"] = library["name"], bakery["name"]
    return people


def rename_the_bakery(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    next(p for p in people if p["ref"] == "bakery")["name"] = "The evil bakery"
    return people


@pytest.mark.parametrize(
    "forge", [swap_bakery_and_library, rename_the_bakery], ids=["swapped", "renamed"]
)
def test_who_is_who_is_proved_by_the_identities_the_events_commit_to(
    exported: Path, tmp_path: Path, forge: Callable[..., Any]
) -> None:
    forged = rewrite(exported, tmp_path / "forged.zip", stakeholders=forge)
    new_db = tmp_path / "new.db"
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(str(forged), str(new_db))
    assert "than the identity its events commit to: it was changed after export." in (
        str(refused.value)
    )
    assert str(refused.value).startswith("stakeholders.jsonl line ")
    assert not new_db.exists()


def test_an_erased_stakeholder_replays_as_erased_and_every_name_is_checked(
    story: Story, tmp_path: Path
) -> None:
    app, _, _ = story
    name = next(
        s.name for s in app.initiative_status(CITY).stakeholders if s.ref == "bakery"
    )
    erasure = app.erase_stakeholder({"actor": "facilitator", "stakeholder": "bakery"})
    path = tmp_path / "erased.zip"
    app.export_initiative(CITY, str(path))
    assert name is not None
    assert name.encode() not in b"".join(members(path).values())

    summary = Samenspraak.replay(str(path), str(tmp_path / "new.db"))

    assert summary.unchecked_stakeholders == 0
    rebuilt = opened(tmp_path / "new.db")
    try:
        people = {s.ref: s for s in rebuilt.initiative_status(CITY).stakeholders}
        assert people[erasure.now_named].name is None
        assert "bakery" not in people
    finally:
        rebuilt.close()


def test_an_erased_identity_cannot_be_given_a_name_again(
    story: Story, tmp_path: Path
) -> None:
    app, _, _ = story
    erasure = app.erase_stakeholder({"actor": "facilitator", "stakeholder": "bakery"})
    path = tmp_path / "erased.zip"
    app.export_initiative(CITY, str(path))

    def unerase(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
        person = next(p for p in people if p["ref"] == erasure.now_named)
        person.update(ref="bakery", name="A bakery")
        return people

    forged = rewrite(path, tmp_path / "forged.zip", stakeholders=unerase)
    with pytest.raises(InvalidInput, match="whose identity was erased"):
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))


def test_a_text_no_event_refers_to_is_refused(exported: Path, tmp_path: Path) -> None:
    salt = secrets.token_hex(16)

    def add(texts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        extra = {"id": str(uuid.uuid4()), "purpose": "x", "salt": salt, "body": "x"}
        return [*texts, extra]

    forged = rewrite(exported, tmp_path / "forged.zip", texts=add, reseal=True)
    with pytest.raises(InvalidInput, match="no event refers to"):
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))


def test_an_event_of_another_initiative_is_refused(
    exported: Path, tmp_path: Path
) -> None:
    def foreign(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        start = dict(events[0])
        start["originator_id"] = str(initiative_id("elsewhere"))
        start["position"] = events[-1]["position"] + 1
        return [*events, start]

    forged = rewrite(exported, tmp_path / "forged.zip", events=foreign, reseal=True)
    with pytest.raises(InvalidInput, match="belongs to another initiative"):
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))


def test_replay_into_a_database_that_holds_a_record_is_refused(
    story: Story, exported: Path
) -> None:
    app, _, db = story
    before = app.stored_event_count()
    with pytest.raises(Conflict, match="new, empty database"):
        Samenspraak.replay(str(exported), str(db))
    assert app.stored_event_count() == before


def test_replay_into_a_database_with_only_a_directory_is_refused(
    exported: Path, tmp_path: Path
) -> None:
    db = tmp_path / "directory.db"
    app = Samenspraak.open(str(db))
    app.register_stakeholder(
        {"actor": "someone", "stakeholder": "someone", "name": "S"}
    )
    app.close()
    with pytest.raises(Conflict):
        Samenspraak.replay(str(exported), str(db))


def test_a_folder_given_as_the_bundle_is_refused_as_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for folder, named in ((".", "."), ("", "."), (tmp_path, str(tmp_path))):
        with pytest.raises(NotFound) as refused:
            Samenspraak.replay(folder, str(tmp_path / "new.db"))
        assert str(refused.value) == (
            f"{named} is a folder, not a bundle; give the path of the bundle file."
        )
    assert not (tmp_path / "new.db").exists()


def test_a_missing_bundle_and_a_file_that_is_no_bundle_are_refused(
    tmp_path: Path,
) -> None:
    with pytest.raises(NotFound, match="There is no bundle at"):
        Samenspraak.replay(str(tmp_path / "missing.zip"), str(tmp_path / "new.db"))
    text = tmp_path / "notes.zip"
    text.write_text("not a zip")
    with pytest.raises(InvalidInput, match="not a samenspraak bundle"):
        Samenspraak.replay(str(text), str(tmp_path / "new.db"))
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as other:
        other.writestr("readme.txt", "hello")
    with pytest.raises(InvalidInput, match=r"lacks events\.jsonl"):
        Samenspraak.replay(str(tmp_path / "other.zip"), str(tmp_path / "new.db"))
    assert not (tmp_path / "new.db").exists()


def test_export_refuses_an_existing_file_an_unknown_initiative_and_a_missing_folder(
    story: Story, exported: Path, tmp_path: Path
) -> None:
    app, _, _ = story
    with pytest.raises(Conflict, match="already exists"):
        app.export_initiative(CITY, str(exported))
    with pytest.raises(NotFound, match="no initiative called harbour"):
        app.export_initiative("harbour", str(tmp_path / "harbour.zip"))
    with pytest.raises(NotFound, match="no directory"):
        app.export_initiative(CITY, str(tmp_path / "missing" / "city.zip"))
    with pytest.raises(InvalidInput):
        app.export_initiative("Not A Ref", str(tmp_path / "x.zip"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".zip") == [
        "city-centre.zip"
    ]


def test_a_tampered_event_store_is_not_exported(story: Story, tmp_path: Path) -> None:
    app, _, db = story
    app.catch_up()
    with sqlite3.connect(db) as connection:
        (state,) = connection.execute(
            "SELECT state FROM stored_events WHERE rowid = 15"
        ).fetchone()
        changed = state.replace(b'"attendance":', b'"attendance": ', 1)
        assert changed != state
        connection.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = 15", [changed]
        )
    before = {p.name for p in tmp_path.iterdir()}
    with pytest.raises(NotAllowed, match="Refusing to export"):
        app.export_initiative(CITY, str(tmp_path / "city.zip"))
    assert {p.name for p in tmp_path.iterdir()} == before


# --- Memory stays flat -----------------------------------------------------------------


def grow(app: Samenspraak, slug: str, events: int) -> None:
    """Record an initiative with ``events`` events quickly: meetings held through
    the domain, saved a hundred at a time with their texts."""
    if app.store.select_stakeholder(ref="host") is None:
        app.register_stakeholder({"actor": "host", "stakeholder": "host", "name": "H"})
    host = app.store.select_stakeholder(ref="host")
    assert host is not None
    scope = str(initiative_id(slug))
    texts: list[TextRow] = []

    def seal(body: str) -> TextRef:
        salt, text_id = secrets.token_hex(16), str(uuid.uuid4())
        texts.append(TextRow(text_id, scope, "meeting", salt, body))
        return TextRef(text_id, commitment(salt, body))

    if not app.recorder.select_events(initiative_id(slug), limit=1):
        app.start_initiative(
            {
                "actor": "host",
                "initiative": slug,
                "title": "Many meetings",
                "description": "A long history.",
                "area": "Everywhere",
                "budget": "1000.00",
                "level": "co-deciding",
            }
        )
    found: object = app.repository.get(initiative_id(slug))
    assert isinstance(found, Initiative)
    initiative = found
    while initiative.version < events:
        number = len(initiative.meetings) + 1
        initiative.hold_meeting(
            actor=host.id,
            starts_at=STORY_START + timedelta(days=number),
            kind=MeetingKind.ONLINE,
            place=seal(f"Room {number}"),
            attendance=number % 40,
            summary=seal(f"Meeting {number}: we talked about the square at length."),
        )
        if initiative.version % 100 == 0 or initiative.version == events:
            app.save(initiative, texts=texts)
            texts.clear()
    catch_up(app.recorder, app.mapper, app.audit)  # export reads the audit trail


def peak_of_export(app: Samenspraak, path: Path) -> int:
    tracemalloc.start()
    try:
        app.export_initiative("long", str(path))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_reads_in_pages_and_its_memory_stays_flat_as_history_grows(
    app: Samenspraak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grow(app, "long", 2_000)
    app.export_initiative("long", str(tmp_path / "warm-up.zip"))
    small = peak_of_export(app, tmp_path / "2000.zip")
    # Many pages of events and texts replay as they were recorded.
    new_db = tmp_path / "long.db"
    Samenspraak.replay(str(tmp_path / "2000.zip"), str(new_db))
    rebuilt = opened(new_db)
    try:
        assert rebuilt.audit_head("long") == app.audit_head("long")
        assert rebuilt.initiative_status("long") == app.initiative_status("long")
    finally:
        rebuilt.close()

    grow(app, "long", 8_000)
    fetched: list[int] = []
    select_events = app.recorder.select_events

    def counting(*args: Any, **kwargs: Any) -> Any:
        found = select_events(*args, **kwargs)
        fetched.append(len(found))
        return found

    monkeypatch.setattr(app.recorder, "select_events", counting)
    large = peak_of_export(app, tmp_path / "8000.zip")

    assert json.loads(members(tmp_path / "8000.zip")["manifest.json"])["counts"] == {
        "events": 8_000,
        "texts": 2 * 7_999 + 3 + 1,  # and the facilitator's identity
        "stakeholders": 1,
    }
    assert sum(fetched) == 8_000
    assert max(fetched) <= bundles.PAGE
    assert large < 1.5 * small, (small, large)


def test_a_record_kept_before_identities_replays_and_says_what_it_could_not_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = Samenspraak.open(tmp_path / "old.db")
    # As recorded before the events committed to each stakeholder's identity.
    monkeypatch.setattr(Samenspraak, "_identity", lambda self, texts, ref: None)
    try:
        for who in ("fac", "resident"):
            app.register_stakeholder({"actor": who, "stakeholder": who, "name": who})
        app.start_initiative(
            {"actor": "fac", "initiative": "park", "title": "The park",
             "description": "Trees.", "area": "The park", "budget": "0",
             "level": "consulting"}
        )  # fmt: skip
        app.join_initiative(
            {"actor": "resident", "initiative": "park", "stakeholder": "resident",
             "kind": "resident"}
        )  # fmt: skip
        app.export_initiative("park", tmp_path / "park.zip")
    finally:
        app.close()

    summary = Samenspraak.replay(tmp_path / "park.zip", tmp_path / "new.db")

    assert summary.unchecked_stakeholders == 2


def test_a_stakeholder_left_out_of_the_bundle_is_refused(
    exported: Path, tmp_path: Path
) -> None:
    def drop_the_library(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [p for p in people if p["ref"] != "library"]

    forged = rewrite(exported, tmp_path / "forged.zip", stakeholders=drop_the_library)
    parts = members(forged)
    manifest = json.loads(parts["manifest.json"])
    manifest["counts"]["stakeholders"] -= 1
    with zipfile.ZipFile(forged, "w") as out:
        for name, data in parts.items():
            out.writestr(
                name, json.dumps(manifest) if name == "manifest.json" else data
            )
    with pytest.raises(InvalidInput, match="lacks 1 of the stakeholders the events"):
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))


def test_an_erased_stakeholder_keeps_the_name_erasure_gave_them(
    story: Story, tmp_path: Path
) -> None:
    app, _, _ = story
    erasure = app.erase_stakeholder({"actor": "facilitator", "stakeholder": "bakery"})
    path = tmp_path / "erased.zip"
    app.export_initiative(CITY, str(path))

    def rename(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
        next(p for p in people if p["ref"] == erasure.now_named)["ref"] = (
            "erased-00000000"
        )
        return people

    forged = rewrite(path, tmp_path / "forged.zip", stakeholders=rename)
    with pytest.raises(InvalidInput, match="whose identity was erased"):
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))


def test_whoever_asked_for_an_erasure_is_proved_too_and_erased_in_turn(
    tmp_path: Path,
) -> None:
    app = Samenspraak.open(tmp_path / "two.db")
    try:
        for who in ("fx", "fy", "resident"):
            app.register_stakeholder(
                {"actor": who, "stakeholder": who, "name": who.upper()}
            )
        for slug, fac in (("xi", "fx"), ("yi", "fy")):
            app.start_initiative(
                {"actor": fac, "initiative": slug, "title": slug, "description": "D",
                 "area": "A", "budget": "0", "level": "consulting"}
            )  # fmt: skip
            app.join_initiative(
                {"actor": "resident", "initiative": slug,
                 "stakeholder": "resident", "kind": "resident"}
            )  # fmt: skip
        app.leave_initiative(
            {"actor": "resident", "initiative": "xi", "stakeholder": "resident"}
        )
        # The facilitator of yi, who never took part in xi, asks for the erasure.
        app.erase_stakeholder({"actor": "fy", "stakeholder": "resident"})
        app.export_initiative("xi", tmp_path / "xi.zip")

        def rename_fy(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
            next(p for p in people if p["ref"] == "fy").update(ref="forger")
            return people

        forged = rewrite(
            tmp_path / "xi.zip", tmp_path / "forged.zip", stakeholders=rename_fy
        )
        with pytest.raises(InvalidInput, match="another reference or name"):
            Samenspraak.replay(str(forged), str(tmp_path / "forged.db"))
        honest = Samenspraak.replay(tmp_path / "xi.zip", tmp_path / "copy.db")
        assert honest.unchecked_stakeholders == 0

        # Once fy closes yi and is erased too, no copy of their name stays.
        app.close_initiative({"actor": "fy", "initiative": "yi", "outcome": "Done."})
        app.erase_stakeholder({"actor": "fy", "stakeholder": "fy"})
    finally:
        app.close()
    assert b"FY" not in (tmp_path / "two.db").read_bytes()


def test_events_stored_before_a_field_existed_export_and_replay(
    tmp_path: Path,
) -> None:
    db = tmp_path / "older.db"
    app = Samenspraak.open(db)
    try:
        app.register_stakeholder({"actor": "fac", "stakeholder": "fac", "name": "F"})
        app.start_initiative(
            {"actor": "fac", "initiative": "park", "title": "The park",
             "description": "Trees.", "area": "The park", "budget": "0",
             "level": "consulting"}
        )  # fmt: skip
    finally:
        app.close()
    # As a version before identities stored it (before the trail recorded it).
    with sqlite3.connect(db) as connection:
        rowid, state = connection.execute(
            "SELECT rowid, state FROM stored_events WHERE topic LIKE '%.Started'"
        ).fetchone()
        fields = json.loads(state)
        del fields["facilitator_identity"]
        connection.execute(
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            [json.dumps(fields).encode(), rowid],
        )

    again = Samenspraak.open(db, create=False)
    try:
        summary = again.export_initiative("park", tmp_path / "park.zip")
    finally:
        again.close()
    assert summary.events == 1
    replayed = Samenspraak.replay(tmp_path / "park.zip", tmp_path / "copy.db")
    assert replayed.unchecked_stakeholders == 1


def south_of_two(tmp_path: Path) -> Head:
    """A record of two initiatives, north and south, with south exported to
    south.zip; returns south's head, as published."""
    app = Samenspraak.open(tmp_path / "two.db")
    try:
        app.register_stakeholder({"actor": "f", "stakeholder": "f", "name": "F"})
        for slug in ("north", "south"):
            app.start_initiative(
                {"actor": "f", "initiative": slug, "title": slug, "description": "D",
                 "area": "A", "budget": "0", "level": "consulting"}
            )  # fmt: skip
        published = app.audit_head("south")
        app.export_initiative("south", tmp_path / "south.zip")
    finally:
        app.close()
    return published


def test_a_copy_verifies_against_the_head_published_for_the_original(
    tmp_path: Path,
) -> None:
    published = south_of_two(tmp_path)
    assert published.position == 2
    Samenspraak.replay(tmp_path / "south.zip", tmp_path / "copy.db")
    copy = Samenspraak.open(tmp_path / "copy.db", create=False)
    try:
        check = copy.verify_audit(published, initiative="south")
        # Given alone, the head is found to be south's, at its new position.
        alone = copy.verify_audit(published)
    finally:
        copy.close()
    assert check.intact, check.problem
    assert check.proves.startswith(
        "The published head's hash is where south's own chain reaches at position 1 "
        "of this record, not 2 (a replayed copy numbers its log anew), so that chain "
        "was checked up to there."
    )
    # Alone, as the whole record's head: the copy holds south only, so its whole
    # record's chain is south's, recomputed from its event store.
    assert alone.intact, alone.problem
    assert alone.proves.startswith(
        "The published head's hash is where the whole record's chain reaches at "
        "position 1 of this record, not 2 (a replayed copy numbers its log anew), so "
        "it was checked up to there."
    )


def _swap(events: list[dict[str, Any]], i: int, j: int) -> list[dict[str, Any]]:
    events[i], events[j] = events[j], events[i]
    return events


def _with_contact(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    people[0] = {**people[0], "contact": "bakery@example.org"}
    return people


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        ({"events": lambda e: _swap(e, 3, 4), "reseal": True},
         "The bundle is damaged: events.jsonl line 5 is out of log order."),
        ({"events": lambda e: []},
         "The bundle is damaged: events.jsonl holds no events."),
        ({"events": lambda e: e[1:], "reseal": True},
         "The bundle is damaged: events.jsonl does not begin with the start of "
         "city-centre."),
        ({"events": lambda e: e[:4] + e[5:], "reseal": True},
         "The bundle is damaged: the event at position 6 does not follow the previous "
         "version of its aggregate."),
        ({"stakeholders": _with_contact},
         "The bundle is damaged: stakeholders.jsonl line 1 holds contact details."),
        ({"stakeholders": lambda p: [*p, p[0]]},
         "The bundle is damaged: stakeholders.jsonl line 10 repeats a stakeholder."),
        ({"texts": lambda t: [*t, t[0]]},
         "The bundle is damaged: texts.jsonl line 59 repeats the text "),
        ({"texts": lambda t: t[1:]},
         "The bundle is damaged: texts.jsonl holds 57 texts where the manifest counts "
         "58."),
    ],
    ids=["out of order", "no events", "not from the start", "a version left out",
         "contact details", "a person twice", "a text twice", "a text missing"],
)  # fmt: skip
def test_a_bundle_put_together_by_hand_is_refused_in_words(
    exported: Path, tmp_path: Path, change: dict[str, Any], sentence: str
) -> None:
    """A bundle is untrusted input: whatever was made of it by hand, even resealed
    with a head that matches, is refused in one sentence and writes nothing."""
    damaged = rewrite(exported, tmp_path / "damaged.zip", **change)
    new_db = tmp_path / "new.db"
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(damaged, new_db)
    assert str(refused.value).startswith(sentence)
    assert "\n" not in str(refused.value)
    assert not new_db.exists()


def _with_format_version(exported: Path, tmp_path: Path, version: Any) -> Path:
    """The bundle with its manifest giving this format version."""
    parts = members(exported)
    manifest = json.loads(parts["manifest.json"])
    manifest["format_version"] = version
    parts["manifest.json"] = json.dumps(manifest).encode()
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(changed, "w") as bundle:
        for name, data in parts.items():
            bundle.writestr(name, data)
    return changed


def test_a_bundle_of_another_format_version_says_which_it_is(
    exported: Path, tmp_path: Path
) -> None:
    newer = _with_format_version(exported, tmp_path, 99)
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(newer, tmp_path / "new.db")
    assert str(refused.value) == (
        "The bundle has format version 99; this version of samenspraak replays "
        "format version 1."
    )


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_a_format_version_that_is_no_whole_number_is_refused_as_damaged(
    exported: Path, tmp_path: Path, version: Any
) -> None:
    damaged = _with_format_version(exported, tmp_path, version)
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(damaged, tmp_path / "new.db")
    assert str(refused.value) == (
        "The bundle is damaged: manifest.json has a field that is not what a "
        "manifest holds."
    )
    assert not (tmp_path / "new.db").exists()


def test_a_bundle_of_a_replayed_copy_passes_the_head_published_for_the_original(
    tmp_path: Path,
) -> None:
    """A copy numbers its log anew, so its bundle ends at another position; the
    hash of the original's head is what the chain must reach."""
    published = south_of_two(tmp_path)
    Samenspraak.replay(tmp_path / "south.zip", tmp_path / "copy.db")
    copy = Samenspraak.open(tmp_path / "copy.db", create=False)
    try:
        again = copy.export_initiative("south", tmp_path / "again.zip")
    finally:
        copy.close()
    assert (published.position, Head.parse(again.head).position) == (2, 1)
    summary = Samenspraak.replay(
        tmp_path / "again.zip", tmp_path / "third.db", head=str(published)
    )
    assert (summary.published_head, summary.recorded_after) == (str(published), 0)
    assert summary.published_at == 1  # the bundle's own log, numbered anew


def test_a_bundle_that_leaves_out_a_text_no_erasure_explains_is_refused(
    exported: Path, tmp_path: Path
) -> None:
    """A text missing from a bundle was erased before the export, or taken out by
    hand: only a recorded erasure of its giver's texts explains it."""

    def without_a_reaction(texts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        [first] = [t for t in texts if t["purpose"] == "reaction"][:1]
        return [t for t in texts if t is not first]

    stripped = rewrite(
        exported, tmp_path / "stripped.zip", texts=without_a_reaction, reseal=True
    )
    new_db = tmp_path / "new.db"
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(stripped, new_db)
    assert str(refused.value).startswith(
        "The bundle leaves out a text that no recorded erasure explains: The text "
    )
    assert not new_db.exists()


def test_a_bundle_of_someone_erased_with_their_texts_replays(
    story: Story, tmp_path: Path
) -> None:
    app, _, _ = story
    app.erase_stakeholder(
        {"actor": "facilitator", "stakeholder": "bakery", "texts": True}
    )
    app.export_initiative(CITY, tmp_path / "erased.zip")
    summary = Samenspraak.replay(tmp_path / "erased.zip", tmp_path / "copy.db")
    assert summary.initiative == CITY


def test_a_bundle_event_naming_another_module_imports_nothing(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stored topics are resolved by importing the module they name: a bundle is
    untrusted, so replay resolves only the topics of the engine's own events."""
    marker = tmp_path / "imported"
    module = f"samenspraak_review_probe_{uuid.uuid4().hex}"
    (tmp_path / f"{module}.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nclass Event: pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    def foreign(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        event = dict(events[-1])
        event["position"] += 1
        event["originator_version"] += 1
        event["topic"] = f"{module}:Event"
        return [*events, event]

    forged = rewrite(exported, tmp_path / "forged.zip", events=foreign, reseal=True)
    new_db = tmp_path / "new.db"
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(str(forged), str(new_db))
    assert str(refused.value) == (
        "The event at position 71 is of a kind this version of samenspraak does not "
        f"know ('{module}:Event'); the bundle was made by version 0.1.0."
    )
    assert not marker.exists()
    assert not new_db.exists()


def test_a_manifest_that_unpacks_beyond_reason_is_not_read_whole(
    exported: Path, tmp_path: Path
) -> None:
    parts = members(exported)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in parts.items():
            if name != "manifest.json":
                bundle.writestr(name, data)
        with bundle.open("manifest.json", "w", force_zip64=True) as out:
            out.write(parts["manifest.json"])
            for _ in range(64):
                out.write(b" " * (1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as refused:
            Samenspraak.replay(str(bomb), str(tmp_path / "new.db"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(refused.value) == "The bundle is damaged: manifest.json is too long."
    assert peak < 16 * 1024 * 1024
    assert not (tmp_path / "new.db").exists()


def test_a_manifest_naming_its_engine_with_escape_sequences_is_refused(
    exported: Path, tmp_path: Path
) -> None:
    parts = members(exported)
    manifest = json.loads(parts["manifest.json"])
    manifest["engine_version"] = "\x1b]0;owned\x07 0.1.0"
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as bundle:
        for name, data in parts.items():
            bundle.writestr(
                name, json.dumps(manifest) if name == "manifest.json" else data
            )
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))
    assert str(refused.value) == (
        "The bundle is damaged: manifest.json has a field that is not what a manifest "
        "holds."
    )


@pytest.mark.parametrize("into", ["new", "empty"])
def test_an_event_that_reads_but_holds_nonsense_is_refused_and_nothing_is_kept(
    exported: Path, tmp_path: Path, into: str
) -> None:
    """A resealed bundle can hold an event of a known kind whose fields are not
    those of its kind: the views cannot be built from it."""

    def nonsense(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        event = dict(events[0])
        event["position"] = events[-1]["position"] + 1
        event["originator_version"] = 1 + sum(
            1 for e in events if e["originator_id"] == events[0]["originator_id"]
        )
        state = {
            "timestamp": {"_type_": "datetime_iso", "_data_": STORY_START.isoformat()}
        }
        event["state"] = base64.b64encode(json.dumps(state).encode()).decode()
        return [*events, event]

    forged = rewrite(exported, tmp_path / "forged.zip", events=nonsense, reseal=True)
    new_db = tmp_path / "new.db"
    if into == "empty":
        Samenspraak.open(str(new_db), create=True).close()
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(str(forged), str(new_db))
    assert str(refused.value) == (
        "The bundle's events cannot be rebuilt by this version of samenspraak "
        "(AttributeError): an event holds what no event of its kind holds; nothing "
        "was kept."
    )
    if into == "new":
        assert not new_db.exists()
    else:  # the empty database stays empty, its views too: the genuine bundle fits
        Samenspraak.replay(str(exported), str(new_db))
        copy = opened(new_db)
        try:
            assert copy.audit_head(CITY) is not None
            assert copy.verify_projections().intact
        finally:
            copy.close()


@pytest.mark.parametrize(
    "extra",
    [[("events.jsonl", b"")], [("../../outside.txt", b"x"), ("/etc/evil", b"x")]],
    ids=["a member twice", "other members"],
)
def test_a_bundle_holds_its_four_members_each_once(
    exported: Path, tmp_path: Path, extra: list[tuple[str, bytes]]
) -> None:
    parts = members(exported)
    forged = tmp_path / "forged.zip"
    with (
        pytest.warns(UserWarning, match="Duplicate name")
        if extra[0][0] in parts
        else contextlib.nullcontext(),
        zipfile.ZipFile(forged, "w") as bundle,
    ):
        for name, data in [*parts.items(), *extra]:
            bundle.writestr(name, data)
    with pytest.raises(InvalidInput) as refused:
        Samenspraak.replay(str(forged), str(tmp_path / "new.db"))
    assert str(refused.value) == (
        f"{forged} is not a samenspraak bundle: it holds {4 + len(extra)} members, "
        "where a bundle holds events.jsonl, texts.jsonl, stakeholders.jsonl, "
        "manifest.json, each once."
    )
    assert not (tmp_path / "new.db").exists()


DIE_WHILE_REPLAYING = """
import os, sys
from samenspraak.application import Samenspraak
from samenspraak.application import bundle
batches = bundle._batches
written = 0

def dying(items):
    global written
    for batch in batches(items):
        written += 1
        if written == 8:  # the texts are in, and the first events
            os._exit(9)  # as a power cut or kill -9 ends it: nothing is cleaned up
        yield batch

bundle.PAGE = 10
bundle._batches = dying
Samenspraak.replay(sys.argv[1], sys.argv[2])
"""


def test_a_replay_killed_part_of_the_way_leaves_no_part_of_the_record(
    exported: Path, url: str
) -> None:
    """A replay writes the whole record in one transaction: a process killed
    while writing (no chance to empty the database again) leaves it empty, not
    a shorter record that verifies."""
    died = subprocess.run(
        [sys.executable, "-c", DIE_WHILE_REPLAYING, str(exported), url],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert died.returncode == 9, died.stderr
    left = Samenspraak.open(url)
    try:
        assert set(left.store.count_rows().values()) == {0}
    finally:
        left.close()
    assert Samenspraak.replay(exported, url).events == 70  # and it can start again


@pytest.mark.parametrize("when", ["before it looked", "after it looked"])
def test_two_replays_into_one_new_file_at_once_keep_the_record_of_the_first(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    """Two replays into the same new file: the one that writes second is refused,
    and neither empties nor removes the record the first wrote (it did both: the
    first had said it was replayed, and the file was gone)."""
    db = tmp_path / "copy.db"
    rebuild = bundles._rebuild
    nested: list[str] = []

    def the_other_first(app: Samenspraak, *args: Any) -> Any:
        if nested:  # the other replay itself
            return rebuild(app, *args)
        nested.append("started")

        def replay_the_other() -> None:
            nested.append(Samenspraak.replay(exported, db).head)

        if when == "before it looked":
            replay_the_other()
        else:
            counted = app.store.count_rows

            def looked() -> dict[str, int]:
                found = counted()
                replay_the_other()
                return found

            monkeypatch.setattr(app.store, "count_rows", looked)
        return rebuild(app, *args)

    monkeypatch.setattr(bundles, "_rebuild", the_other_first)
    with pytest.raises(Conflict) as refused:
        Samenspraak.replay(exported, db)
    assert str(refused.value) == (
        "The database already holds a record; a bundle is replayed into a new, "
        "empty database."
    )
    assert len(nested) == 2  # the other was replayed
    copy = opened(db)
    try:
        assert copy.stored_event_count() == 70
        assert copy.verify_audit().intact
    finally:
        copy.close()
