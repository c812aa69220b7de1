"""A stored row whose columns hold values of another kind than the engine stores.

SQLite keeps whatever an edit gives a column: a negative version, a version or a
topic written as other types, a number as the state. ``audit verify`` reports such
a row at its position, as put in outside the engine, instead of stopping with an
unexpected error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]

EDITS = {
    "a negative version": "originator_version = -5",
    "a version written as a word": "originator_version = 'five'",
    "a version with a fraction": "originator_version = 2.5",
    "the topic as bytes": "topic = CAST(topic AS BLOB)",
    "a number as the state": "state = 12",
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_a_row_with_a_value_of_another_kind_is_reported_at_its_position(
    story_db: Path, run: Run, edit: str
) -> None:
    head = run(story_db, "audit", "head", "city-centre").stdout.strip()
    with closing(sqlite3.connect(story_db)) as connection:
        connection.execute(f"UPDATE stored_events SET {EDITS[edit]} WHERE rowid = 40")
        connection.commit()

    expected = (
        "NOT INTACT at position 40: The event at position 40 was put in outside the "
        "engine: its version, topic or state is not of the kind the engine stores."
    )
    for args in (
        ("audit", "verify"),
        ("audit", "verify", "--initiative", "city-centre", "--head", head),
    ):
        result = run(story_db, *args)
        assert result.exit_code == 1, result.output
        assert result.stdout.splitlines()[0] == expected, result.output
