"""An export holds the initiative's records as the event store gives them.

Export finds the initiative's records through the audit trail, a view in the same
file. Someone who can write the file can leave a record out of the trail and work
its initiative chain out again without it; the export must not follow.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest

from samenspraak.application import NotAllowed, Samenspraak
from samenspraak.projections.chain import GENESIS, canonical_record, next_chain_hash

CITY = "city-centre"
DECIDED = 31
"""The decision on the first priority: the last event of its decision point."""


def leave_out_of_the_trail(db: Path, position: int) -> None:
    """The trail row at ``position`` no longer counts as the initiative's, and the
    initiative's chain hashes and head in the trail are worked out without it."""
    with closing(sqlite3.connect(db)) as c:
        [(scope,)] = c.execute(
            "SELECT initiative_id FROM view_audit_trail WHERE position = ?",
            [position],
        ).fetchall()
        c.execute(
            "UPDATE view_audit_trail SET initiative_id = NULL, "
            "initiative_chain_hash = NULL WHERE position = ?",
            [position],
        )
        chain, last = GENESIS, 0
        rows = c.execute(
            "SELECT position FROM view_audit_trail WHERE initiative_id = ? "
            "ORDER BY position",
            [scope],
        ).fetchall()
        for (at,) in rows:
            ident, version, topic, state = c.execute(
                "SELECT originator_id, originator_version, topic, state "
                "FROM stored_events WHERE rowid = ?",
                [at],
            ).fetchone()
            chain = next_chain_hash(
                chain, canonical_record(UUID(ident), version, topic, state)
            )
            c.execute(
                "UPDATE view_audit_trail SET initiative_chain_hash = ? "
                "WHERE position = ?",
                [chain, at],
            )
            last = at
        c.execute(
            "UPDATE view_audit_heads SET position = ?, chain_hash = ? WHERE scope = ?",
            [last, chain, scope],
        )
        c.commit()


def test_an_export_refuses_a_record_the_audit_trail_leaves_out(
    story_db: Path, tmp_path: Path
) -> None:
    leave_out_of_the_trail(story_db, DECIDED)
    app = Samenspraak.open(str(story_db), create=False)
    try:
        verdict = app.verify_audit(initiative=CITY)
        assert not verdict.intact
        assert verdict.first_bad_position == DECIDED

        bundle = tmp_path / "city-centre.zip"
        with pytest.raises(NotAllowed) as refused:
            app.export_initiative(CITY, bundle)
        assert str(refused.value).startswith(
            f"Refusing to export: the record of {CITY} is not intact at position "
            f"{DECIDED} ("
        )
        assert not bundle.exists()
    finally:
        app.close()


def test_an_export_of_an_intact_record_ends_at_the_head_the_store_gives(
    story_db: Path, tmp_path: Path
) -> None:
    app = Samenspraak.open(str(story_db), create=False)
    try:
        head = app.audit_head(CITY)
        summary = app.export_initiative(CITY, tmp_path / "city-centre.zip")
        assert summary.head == str(head)
        assert app.verify_audit(summary.head, initiative=CITY).intact
    finally:
        app.close()
