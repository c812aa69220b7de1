"""Times on Dutch clocks: the facilitator types a moment in UTC, or in an offset
the Netherlands did not have then, and the command line shows it as the clocks in
the Netherlands showed it: in its tables, below them where a record was
withdrawn, and in the sentence that refuses a position or a reaction, as the
participation report does. Its JSON keeps each moment as it was recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from samenspraak.domain.clock import frozen_at

CC = "p"
F = "facilitator"
NOW = datetime(2026, 11, 28, 7, 14, 42, tzinfo=UTC)
"""A Saturday morning: 08:14:42 on Dutch clocks, winter time."""
LATE_FRIDAY_IN_UTC = "2026-11-20T23:30Z"
"""Already Saturday 21 November in the Netherlands: 00:30."""
NEVER_ON_DUTCH_CLOCKS = "2026-03-29T02:30+02:00"
"""The night summer time began: Dutch clocks went from 02:00 to 03:00, so they
never showed 02:30; this moment is 01:30 winter time."""
SATURDAY_0030 = "2026-11-21T00:30+01:00"


def step(db: Path, ok, *args: str, actor: str = F):
    with frozen_at(NOW):
        return ok(db, *args, actor=actor)


@pytest.fixture
def record(tmp_path: Path, ok) -> Path:
    """The facilitator starts p, with a resident, and records an announcement,
    an intervention, an informing of the council and its follow-up, typed in
    UTC, and a meeting typed in an offset the Netherlands did not have then."""
    db = tmp_path / "samenspraak.db"
    step(db, ok, "stakeholder", "register", F, "--name", "F")
    step(db, ok, "stakeholder", "register", "r", "--name", "R", actor="r")
    step(
        db, ok, "initiative", "start", CC, "--title", "T", "--description", "D",
        "--area", "A", "--budget", "100", "--level", "co-deciding",
    )  # fmt: skip
    step(db, ok, "stakeholder", "join", CC, "r", "--kind", "resident")
    step(
        db, ok, "announcement", "record", CC, "--channel", "website",
        "--audience", "Iedereen", "--when", LATE_FRIDAY_IN_UTC,
    )  # fmt: skip
    step(
        db, ok, "announcement", "record", CC, "--channel", "website",
        "--audience", "Iedereen", "--when", LATE_FRIDAY_IN_UTC,
    )  # fmt: skip
    step(db, ok, "announcement", "withdraw", CC, "2", "--reason", "Twice.")
    step(
        db, ok, "intervention", "record", CC, "--kind", "general-interest",
        "--note", "n", "--when", LATE_FRIDAY_IN_UTC,
    )  # fmt: skip
    step(
        db, ok, "meeting", "hold", CC, "--start", NEVER_ON_DUTCH_CLOCKS,
        "--kind", "walk-in", "--place", "B", "--attendance", "12", "--summary", "s",
    )  # fmt: skip
    step(
        db, ok, "council", "inform", CC, "--title", "The vision",
        "--sha256", "ab" * 32, "--session", "informal", "--when", LATE_FRIDAY_IN_UTC,
    )  # fmt: skip
    step(
        db, ok, "council", "follow-up", CC, "--informing", "1",
        "--summary", "Noted.", "--when", "2026-11-27T23:00Z",
    )  # fmt: skip
    return db


def test_the_tables_show_a_moment_typed_in_utc_as_the_dutch_clocks_showed_it(
    record: Path, ok
) -> None:
    announcements = ok(record, "announcement", "list", CC).stdout
    assert announcements.splitlines()[2].split()[:2] == ["1", SATURDAY_0030]
    assert "2026-11-20T23:30" not in announcements
    interventions = ok(record, "intervention", "list", CC).stdout
    assert interventions.splitlines()[2].split()[:2] == ["1", SATURDAY_0030]
    council = ok(record, "council", "list", CC).stdout
    assert council.splitlines()[2].split()[:2] == ["1", SATURDAY_0030]
    assert "2026-11-28T00:00+01:00: Noted." in council
    status = ok(record, "initiative", "status", CC).stdout
    assert status.count(SATURDAY_0030) == 4  # two announcements, one of each other
    assert "+00:00" not in status


def test_a_meeting_typed_in_an_offset_the_netherlands_did_not_have_shows_its_dutch_time(
    record: Path, ok
) -> None:
    meetings = ok(record, "meeting", "list", CC).stdout
    assert meetings.splitlines()[2].split()[:2] == ["1", "2026-03-29T01:30+01:00"]
    assert "02:30" not in ok(record, "initiative", "status", CC).stdout


def test_a_withdrawal_note_reads_the_same_clocks_as_the_table_above_it(
    record: Path, ok
) -> None:
    lines = ok(record, "announcement", "list", CC).stdout.splitlines()
    assert [line.split()[1] for line in lines[2:4]] == [SATURDAY_0030] * 2
    assert lines[4] == (
        "Announcement 2 was withdrawn at 2026-11-28T08:14:42+01:00: Twice."
    )


def test_the_json_keeps_each_moment_as_it_was_recorded(record: Path, read_json) -> None:
    assert [
        a["announced_at"] for a in read_json(record, "announcement", "list", CC)
    ] == ["2026-11-20T23:30:00Z"] * 2
    assert read_json(record, "meeting", "list", CC)[0]["starts_at"] == (
        "2026-03-29T02:30:00+02:00"
    )


def test_the_audit_log_shows_when_each_event_was_recorded_on_dutch_clocks(
    record: Path, ok, read_json
) -> None:
    rows = ok(record, "audit", "log", CC, "--event", "Started").stdout.splitlines()
    assert rows[2].split()[1] == "2026-11-28T08:14:42+01:00"
    logged = read_json(record, "audit", "log", CC, "--event", "Started")
    assert logged[0]["recorded_at"] == "2026-11-28T07:14:42Z"


def test_the_audit_logs_summaries_give_a_moment_typed_in_another_offset_on_dutch_clocks(
    record: Path, ok, read_json
) -> None:
    shown = ok(record, "audit", "log", CC, "--event", "MeetingHeld").stdout
    assert "Meeting 1 held (walk-in, 2026-03-29T01:30+01:00, 12 present)" in shown
    assert "02:30" not in shown
    step(
        record, ok, "meeting", "correct", CC, "1", "--start", "2026-03-29T00:45Z",
        "--reason", "Typo.",
    )  # fmt: skip
    corrected = read_json(record, "audit", "log", CC, "--event", "MeetingCorrected")
    assert corrected[0]["summary"] == (
        "Meeting 1 corrected: starts at 2026-03-29T01:45+01:00"
    )


@pytest.fixture
def put(record: Path, ok) -> Path:
    """Decision point d, put at 08:14:42 on Dutch clocks, closes on Tuesday 1
    December at midnight, typed in UTC."""
    step(
        record, ok, "decision", "put", CC, "d", "--question", "Q",
        "--option", "a=A", "--option", "b=B", "--eligible", "resident",
        "--rule", "plurality", "--closes-at", "2026-12-01T23:00Z",
    )  # fmt: skip
    return record


def test_a_position_given_before_the_decision_point_was_put_is_refused_on_dutch_clocks(
    put: Path, refused
) -> None:
    with frozen_at(NOW + timedelta(hours=1)):
        sentence = refused(
            put, "decision", "take", CC, "d", "a", "--for", "r",
            "--given", "2026-11-27T20:00+01:00", actor=F,
        )  # fmt: skip
        in_utc = refused(
            put, "decision", "take", CC, "d", "a", "--for", "r",
            "--given", "2026-11-28T07:00Z", actor=F,
        )  # fmt: skip
    assert sentence == (
        "A position given at 2026-11-27T20:00+01:00 was given before d was put "
        "(at 2026-11-28T08:14:42+01:00)."
    )
    assert in_utc == (
        "A position given at 2026-11-28T08:00+01:00 was given before d was put "
        "(at 2026-11-28T08:14:42+01:00)."
    )


def test_a_position_in_the_future_or_after_the_closing_time_is_refused_on_dutch_clocks(
    put: Path, ok, refused
) -> None:
    with frozen_at(NOW + timedelta(hours=1)):
        future = refused(
            put, "decision", "take", CC, "d", "a", "--for", "r",
            "--given", "2026-11-28T23:30Z", actor=F,
        )  # fmt: skip
    assert future == (
        "A position is recorded once it was given; 2026-11-29T00:30+01:00 lies in "
        "the future."
    )
    assert "  closes at: 2026-12-02T00:00+01:00    state: open" in (
        ok(put, "decision", "show", CC, "d").stdout
    )
    with frozen_at(NOW + timedelta(days=5)):
        late = refused(
            put, "decision", "take", CC, "d", "a", "--for", "r",
            "--given", "2026-12-01T23:30Z", actor=F,
        )  # fmt: skip
        closed = ok(put, "tick").stdout
    assert late == (
        "d closed at 2026-12-02T00:00+01:00; a position taken after that is late."
    )
    assert (
        closed
        == "Closed decision point d in p at 2026-12-02T00:00+01:00: no decision.\n"
    )


def test_a_letter_from_before_the_version_it_reacts_to_is_refused_on_dutch_clocks(
    record: Path, ok, refused
) -> None:
    step(
        record, ok, "group", "form", CC, "g", "--kind", "working", "--name", "G",
        "--mandate", "M",
    )  # fmt: skip
    step(record, ok, "plan", "create", CC, "vision", "--title", "V", "--group", "g")
    step(record, ok, "plan", "propose", CC, "vision", "--text", "t", "--changes", "c")
    with frozen_at(NOW + timedelta(hours=1)):
        sentence = refused(
            record, "plan", "react", CC, "vision", "--version", "1",
            "--stance", "support", "--text", "x", "--for", "r",
            "--channel", "letter", "--received", "2026-11-27T23:30Z", actor=F,
        )  # fmt: skip
    assert sentence == (
        "A reaction that came in at 2026-11-28T00:30+01:00 cannot react to version 1 "
        "of vision: that version was proposed after it."
    )
