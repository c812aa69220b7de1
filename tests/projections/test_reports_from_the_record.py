"""The participation report is built from the record it verifies, not from the views.

The views live in the same file as the events. Someone who can write that file can
change a view without touching an event, and ``audit verify`` (which checks the
events, the directory and the texts) still passes. A report prints a head and the
command that verifies it; what it says must then follow from the records up to that
head, so it is built from those records as the verification finds them intact.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from samenspraak.application import Samenspraak
from samenspraak.projections.chain import Head

CITY = "city-centre"
FIRST_PRIORITY = "first-priority"


def _open(db: Path) -> Samenspraak:
    return Samenspraak.open(str(db), create=False)


def _edit(db: Path, statement: str, params: tuple[object, ...] = ()) -> None:
    with closing(sqlite3.connect(db)) as connection:
        changed = connection.execute(statement, params).rowcount
        connection.commit()
    assert changed >= 1, statement


def _first_priority(app: Samenspraak, as_of: str | None = None) -> tuple[str, dict]:
    report = app.participation_report(CITY, as_of=as_of)
    [decision] = [d for d in report.decisions if d.decision == FIRST_PRIORITY]
    return str(decision.outcome), dict(decision.tally)


def test_a_process_state_changed_by_hand_does_not_change_the_report(
    story_db: Path,
) -> None:
    app = _open(story_db)
    try:
        head = app.audit_head(CITY)
        before = app.participation_report(CITY)
        assert _first_priority(app) == (
            "car-free-square",
            {"car-free-square": 4, "green-streets": 2, "evening-library": 0},
        )
    finally:
        app.close()

    # The outcome and the tally turned round in the view alone.
    _edit(
        story_db,
        "UPDATE view_process_state SET document = replace(replace(document, ?, ?), "
        "?, ?) WHERE part LIKE 'decision/%'",
        (
            '"outcome":"car-free-square"',
            '"outcome":"green-streets"',
            '"car-free-square":4,"green-streets":2',
            '"car-free-square":2,"green-streets":4',
        ),
    )

    app = _open(story_db)
    try:
        # The record itself is intact against the head published before ...
        assert app.verify_audit(head, initiative=CITY).intact
        # ... so the report, which names that head, says what the record says.
        assert _first_priority(app) == (
            "car-free-square",
            {"car-free-square": 4, "green-streets": 2, "evening-library": 0},
        )
        after = app.participation_report(CITY)
        assert after.built_from == before.built_from
        assert after.model_dump(exclude={"generated_at"}) == before.model_dump(
            exclude={"generated_at"}
        )
    finally:
        app.close()


def test_a_report_as_of_a_moment_goes_by_the_events_own_times_not_the_trail_s(
    story_db: Path,
) -> None:
    """The decision on the first priority was recorded on 1 March 2026 (position
    31). The audit trail's time of that row, and the aggregate and version it
    names, are a view's columns: a report as of 2 March still shows it decided."""
    app = _open(story_db)
    try:
        decided = _first_priority(app, "2026-03-02T12:00+01:00")
        assert decided[0] == "car-free-square"
        before = app.participation_report(CITY, as_of="2026-03-02T12:00+01:00")
    finally:
        app.close()

    _edit(
        story_db,
        "UPDATE view_audit_trail SET recorded_at = '2026-12-31T00:00:00+00:00' "
        "WHERE position = 31",
    )

    app = _open(story_db)
    try:
        assert _first_priority(app, "2026-03-02T12:00+01:00") == decided
        after = app.participation_report(CITY, as_of="2026-03-02T12:00+01:00")
        assert after.built_from.initiative_head == before.built_from.initiative_head
    finally:
        app.close()


def test_the_head_a_report_names_is_that_of_the_records_it_was_built_from(
    story_db: Path,
) -> None:
    app = _open(story_db)
    try:
        head = app.audit_head(CITY)
        as_of_head = app.participation_report(
            CITY, as_of="2026-03-02T12:00+01:00"
        ).built_from.initiative_head
    finally:
        app.close()
    assert Head.parse(as_of_head).position == 31

    # The heads the trail keeps, changed to a head of nothing.
    _edit(
        story_db,
        "UPDATE view_audit_heads SET position = 1, chain_hash = ? WHERE scope != ?",
        ("0" * 63 + "1", "global"),
    )

    app = _open(story_db)
    try:
        report = app.participation_report(CITY)
        assert report.built_from.initiative_head == str(head)
        assert app.verify_audit(
            report.built_from.initiative_head, initiative=CITY
        ).intact
        assert (
            app.participation_report(
                CITY, as_of="2026-03-02T12:00+01:00"
            ).built_from.initiative_head
            == as_of_head
        )
    finally:
        app.close()
