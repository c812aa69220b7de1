"""``samenspraak export`` and ``samenspraak replay``: one initiative, out and back in."""

from __future__ import annotations

import base64
import errno
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from samenspraak.application.story import CAST

Run = Callable[..., Result]
ReadJson = Callable[..., Any]
Refused = Callable[..., str]

CITY = "city-centre"
HEAD = re.compile(r"head (\d+:[0-9a-f]{64})\.$")


@pytest.fixture
def bundle(ok: Run, demo_db: Path, tmp_path: Path) -> Path:
    """The demo's initiative, exported."""
    path = tmp_path / "city-centre.zip"
    ok(demo_db, "export", CITY, "-o", str(path))
    return path


def everything_shown(read_json: ReadJson, db: Path) -> dict[str, Any]:
    status = read_json(db, "initiative", "status", CITY)
    return {
        "status": status,
        "plans": [
            read_json(db, "plan", "show", CITY, p["plan"]) for p in status["plans"]
        ],
        "decisions": [
            read_json(db, "decision", "show", CITY, d["decision"])
            for d in status["decisions"]
        ],
        "audit": read_json(db, "audit", "log", CITY),
    }


def test_export_then_replay_shows_the_same_initiative_and_head(
    ok: Run, read_json: ReadJson, demo_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "city.zip"
    exported = ok(demo_db, "export", CITY, "-o", str(path))
    assert exported.stdout == ""
    assert exported.stderr.startswith(f"Exported {CITY} to {path}: ")
    found = HEAD.search(exported.stderr.strip())
    assert found, exported.stderr
    head = found.group(1)
    assert ok(demo_db, "audit", "head", CITY).stdout.strip() == head

    new_db = tmp_path / "copy.db"
    replayed = ok(new_db, "replay", str(path), "--head", head)
    assert replayed.stdout == ""
    assert replayed.stderr.startswith(f"Replayed {CITY} into {new_db}: ")
    assert replayed.stderr.strip().endswith(f"head {head}.")

    assert everything_shown(read_json, new_db) == everything_shown(read_json, demo_db)
    assert ok(new_db, "audit", "head", CITY).stdout.strip() == head
    assert ok(new_db, "audit", "verify").stdout.startswith("Intact: ")


def test_export_and_replay_report_in_json(
    ok: Run, demo_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "city.zip"
    exported = json.loads(ok(demo_db, "export", CITY, "-o", str(path), "--json").stdout)
    assert exported["initiative"] == CITY
    assert exported["stakeholders"] == len(CAST)
    replayed = json.loads(
        ok(tmp_path / "copy.db", "replay", str(path), "--json").stdout
    )
    assert replayed["head"] == replayed["bundle_head"] == exported["head"]
    assert replayed["events"] == exported["events"]


def test_the_bundle_holds_no_contact_details(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as z:
        everything = b"\n".join(z.read(name) for name in z.namelist())
    assert b"@example.org" not in everything
    assert b"contact" not in everything


def test_a_bundle_with_one_changed_byte_in_an_event_is_refused(
    refused: Refused, bundle: Path, tmp_path: Path
) -> None:
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(tampered, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "events.jsonl":
                events = [json.loads(line) for line in data.splitlines()]
                state = bytearray(base64.b64decode(events[-1]["state"]))
                state[-3] ^= 0x01
                events[-1]["state"] = base64.b64encode(bytes(state)).decode()
                data = "".join(json.dumps(e) + "\n" for e in events).encode()
            out.writestr(name, data)
    new_db = tmp_path / "copy.db"
    sentence = refused(new_db, "replay", str(tampered))
    assert "do not add up to the head in its manifest" in sentence
    assert not new_db.exists()


def test_replay_into_a_database_that_holds_a_record_is_refused(
    refused: Refused, bundle: Path, demo_copy: Path
) -> None:
    sentence = refused(demo_copy, "replay", str(bundle))
    assert sentence.startswith("The database already holds a record")


def test_replay_against_another_published_head_is_refused(
    refused: Refused, bundle: Path, tmp_path: Path
) -> None:
    new_db = tmp_path / "copy.db"
    for head in (f"1:{'0' * 64}", f"99:{'0' * 64}"):
        sentence = refused(new_db, "replay", str(bundle), "--head", head)
        assert sentence.startswith("The bundle ends at 70:")
        assert sentence.endswith(
            f", not at the published head {head}; a head published before the export "
            "is checked as an earlier head."
        )
        assert not new_db.exists()
        sentence = refused(new_db, "replay", str(bundle), "--earlier-head", head)
        assert sentence.startswith("The bundle's chain (to 70:")
        assert sentence.endswith(
            f") does not pass through the earlier head {head}: the bundle was made "
            "before that head, or a record up to it differs from the one the head was "
            "published for."
        )
        assert not new_db.exists()


def test_replay_checks_a_head_published_before_the_export(
    ok: Run, read_json: ReadJson, demo_db: Path, bundle: Path, tmp_path: Path
) -> None:
    """The head recorded when the council was first informed, long before the
    bundle was made, proves everything up to it."""
    council = read_json(demo_db, "initiative", "status", CITY)["council"]
    informed = council[0]["audit_head"]
    replayed = ok(
        tmp_path / "copy.db", "replay", str(bundle), "--earlier-head", informed
    )
    position = int(informed.partition(":")[0])
    assert (
        f"Everything up to the earlier head {informed} is as it was published; "
        f"{70 - position} events were recorded after it." in replayed.stderr
    )
    assert "numbered anew" not in replayed.stderr  # the same positions here
    # A head whose position does not match the hash's place is said to be so.
    moved = f"{position + 1000}:{informed.partition(':')[2]}"
    again = ok(tmp_path / "again.db", "replay", str(bundle), "--earlier-head", moved)
    assert (
        f"The head's hash is at position {position} of the bundle's log, not "
        f"{position + 1000}: the hash does not cover positions, so either that log "
        "was numbered anew (a replayed copy's is) or the head's position was "
        "written down wrong."
    ) in again.stderr


def test_a_missing_bundle_is_refused(refused: Refused, tmp_path: Path) -> None:
    sentence = refused(tmp_path / "copy.db", "replay", str(tmp_path / "none.zip"))
    assert sentence.startswith("There is no bundle at")


def test_export_over_an_existing_file_or_of_an_unknown_initiative_is_refused(
    refused: Refused, demo_db: Path, bundle: Path, tmp_path: Path
) -> None:
    sentence = refused(demo_db, "export", CITY, "-o", str(bundle))
    assert "already exists" in sentence
    sentence = refused(demo_db, "export", "harbour", "-o", str(tmp_path / "h.zip"))
    assert sentence == "There is no initiative called harbour."
    assert not (tmp_path / "h.zip").exists()


def test_export_is_a_read_command_that_creates_no_database(
    refused: Refused, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.db"
    sentence = refused(missing, "export", CITY, "-o", str(tmp_path / "c.zip"))
    assert sentence.startswith("There is no samenspraak database at")
    assert not missing.exists()


def test_export_into_a_read_only_folder_says_it_cannot_write_the_bundle(
    refused: Refused, demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    mkstemp = tempfile.mkstemp

    def read_only(*args: Any, dir: str | None = None, **kwargs: Any) -> Any:
        """The file system refuses every new file in the folder (as for root too)."""
        if dir is not None and Path(dir) == folder:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), dir)
        return mkstemp(*args, dir=dir, **kwargs)

    opened = os.open

    def no_unnamed_file(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
        if flags & getattr(os, "O_TMPFILE", 0) and Path(path) == folder:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return opened(path, flags, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    monkeypatch.setattr(os, "open", no_unnamed_file)
    target = folder / "city.zip"
    sentence = refused(demo_db, "export", CITY, "-o", str(target))
    assert sentence == f"Cannot write {target}: read-only file system."
    assert list(folder.iterdir()) == []


def _with_first_line_changed(
    bundle: Path, tmp_path: Path, member: str, **fields: Any
) -> Path:
    """The bundle with these fields of the first line of a member set, as JSON
    writes them (a lone surrogate as its escape, \\ud800)."""
    changed = tmp_path / "changed.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(changed, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == member:
                first, _, rest = data.partition(b"\n")
                line = {**json.loads(first), **fields}
                data = json.dumps(line).encode() + b"\n" + rest
            out.writestr(name, data)
    return changed


@pytest.mark.parametrize(
    ("member", "fields"),
    [
        ("events.jsonl", {"originator_version": -1}),
        ("events.jsonl", {"originator_version": 2**64}),
        ("events.jsonl", {"topic": "samenspraak.domain.initiative:\ud800"}),
        ("texts.jsonl", {"purpose": "initiative \ud800title"}),
        ("texts.jsonl", {"purpose": "\x1b[2Jinitiative title"}),
        ("events.jsonl", {"position": True}),
        ("events.jsonl", {"originator_version": True}),
    ],
    ids=[
        "negative version",
        "version past 64 bits",
        "topic",
        "purpose",
        "escape",
        "position true",
        "version true",
    ],
)
def test_a_bundle_with_a_field_no_export_writes_is_refused_as_damaged(
    refused: Refused, bundle: Path, tmp_path: Path, member: str, fields: dict[str, Any]
) -> None:
    damaged = _with_first_line_changed(bundle, tmp_path, member, **fields)
    new_db = tmp_path / "copy.db"
    sentence = refused(new_db, "replay", str(damaged))
    assert sentence == (
        f"The bundle is damaged: {member} line 1 is not a well-formed stored event."
        if member == "events.jsonl"
        else f"The bundle is damaged: {member} line 1 does not hold the fields of a "
        "text."
    )
    assert not new_db.exists()
