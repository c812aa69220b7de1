"""What a published head does not cover, as the threat model says: the records
after it (deleted with the trail's rows for them, the record still verifies against
it) and the positions the log gives the records (numbered anew, the head's hash is
found further on and said to be so)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]


def _edit(db: Path, *statements: str) -> None:
    with closing(sqlite3.connect(db)) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.commit()


def _head_at(db: Path, position: int) -> str:
    with closing(sqlite3.connect(db)) as connection:
        [(chain_hash,)] = connection.execute(
            "SELECT chain_hash FROM view_audit_trail WHERE position = ?", [position]
        ).fetchall()
    return f"{position}:{chain_hash}"


def test_a_record_cut_short_after_a_head_still_verifies_against_that_head_only(
    story_db: Path, run: Run
) -> None:
    assert run(story_db, "audit", "head").exit_code == 0  # the trail caught up
    earlier, latest = _head_at(story_db, 60), _head_at(story_db, 70)
    _edit(
        story_db,
        "DELETE FROM stored_events WHERE rowid > 60",
        "DELETE FROM view_audit_trail WHERE position > 60",
        "UPDATE view_audit_heads SET position = 60, chain_hash = "
        "(SELECT chain_hash FROM view_audit_trail WHERE position = 60) "
        "WHERE scope = 'global'",
    )

    passed = run(story_db, "audit", "verify", "--head", earlier)
    assert passed.exit_code == 0, passed.output
    assert "up to position 60 changed" in passed.stdout
    failed = run(story_db, "audit", "verify", "--head", latest)
    assert failed.exit_code == 1, failed.output
    assert "which the published head covers" in failed.stdout


def test_a_log_numbered_anew_verifies_and_says_where_the_head_was_found(
    story_db: Path, run: Run
) -> None:
    assert run(story_db, "audit", "head").exit_code == 0  # the trail caught up
    head = _head_at(story_db, 70)
    _edit(
        story_db,
        "UPDATE stored_events SET rowid = rowid + 100 WHERE rowid >= 50",
        "UPDATE view_audit_trail SET position = position + 100 WHERE position >= 50",
    )

    result = run(story_db, "audit", "verify", "--head", head)
    assert result.exit_code == 0, result.output
    assert (
        "The published head's hash is where the whole record's chain reaches at "
        "position 170 of this record, not 70"
    ) in result.stdout
